"""Resident memory of `microbreak run` over a working day, at 720x speed.

The idle figures cover a process's first minute; a device runs for weeks,
drawing a new clock every minute and a break every 45. This runs the same
service `microbreak run` starts (mock pins, a 320x240 screen on SDL's dummy
driver, no one pressing: every break cued, re-cued and missed) with its clock
720 times faster, in a process of its own, for 24 simulated hours (1 with
--quick), and reads its resident memory and open file descriptors from /proc
once a second.

    python -m bench.day_footprint [--quick] [--json FILE]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ALWAYS, main, row, service_env

SPEED = 720
RSS_TARGET = 45.0  # MiB
SERVICE = """
import sys
from pathlib import Path
from microbreak.service.clock import ScaledClock
from microbreak.parts.display import Display
from microbreak.parts.pins import make_pin_factory
from microbreak.service.loop import Service
from microbreak.config.settings import load_settings
from datetime import datetime
from microbreak.storage.history import History
folder = Path(sys.argv[1])
settings = load_settings(folder / "config.toml")
(folder / "state").mkdir()
history = History(folder / "state" / "history.sqlite")
history.acknowledge("first_start", datetime.now().astimezone())  # read on an earlier day
history.close()
Service(settings, config_file=folder / "config.toml", clock=ScaledClock(float(sys.argv[2])),
        state_dir=folder / "state", runtime_dir=folder / "run", frontend=Display((320, 240)),
        pin_factory=make_pin_factory("mock")).run()
"""


def footprint(pid: int) -> tuple[float, int]:
    """Resident MiB and open file descriptors of *pid*."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def measure(quick: bool = False) -> dict:
    hours = 1 if quick else 24
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "config.toml").write_text(f'[pins]\nfactory = "mock"\n[hours]\n{ALWAYS}')
        process = subprocess.Popen(
            [sys.executable, "-c", SERVICE, str(folder), str(SPEED)],
            env=service_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(2)
            samples = []
            start = time.monotonic()
            while time.monotonic() - start < hours * 3600 / SPEED:
                samples.append((time.monotonic() - start, *footprint(process.pid)))
                time.sleep(1)
            if process.poll() is not None:
                raise RuntimeError(f"the service ended (exit {process.returncode})")
        finally:
            process.terminate()
            process.wait(10)
    first, last = samples[0], samples[-1]
    peak = max(rss for _, rss, _ in samples)
    rows = [
        row(
            f"resident memory, run with a 320x240 screen, {hours} simulated hours (peak)",
            peak,
            "MiB",
            baseline=first[1],
            baseline_what="the same, at its start",
            target=RSS_TARGET,
        ),
        row(
            f"open file descriptors, start and after {hours} simulated hours",
            last[2],
            "",
            baseline=first[2],
            baseline_what="at its start",
        ),
    ]
    return {
        "name": "day_footprint",
        "rows": rows,
        "data": {
            "speed": SPEED,
            "hours": hours,
            "samples": [
                {"seconds": round(t, 1), "rss": round(rss, 2), "fds": fds}
                for t, rss, fds in samples
            ],
        },
    }


if __name__ == "__main__":
    main(measure, __doc__)
