"""Time from exec to READY=1: how long systemd waits for `microbreak run`.

Plays systemd's part (a datagram socket named by NOTIFY_SOCKET), starts the
service with mock pins, with no screen and with a 320x240 screen on SDL's
dummy driver, and takes the median of several runs against a baseline
measured the same way: a bare Python that imports systemd-python and says
READY=1 at once.

    python -m bench.ready_time [--quick] [--json FILE]
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ALWAYS, main, median, row, run_command, service_env

TARGET = 1.5  # seconds
BASELINE = "from systemd.daemon import notify; notify('READY=1')"


def time_to_ready(command: list[str], folder: Path) -> float:
    path = folder / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(30)
        env = service_env(NOTIFY_SOCKET=str(path))
        start = time.monotonic()
        process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        try:
            while b"READY=1" not in sock.recv(4096):
                pass
            return time.monotonic() - start
        finally:
            process.terminate()
            process.wait(10)
            path.unlink()


def service(folder: Path, screen: str) -> list[str]:
    return run_command(
        folder,
        f"config-{screen}",
        f'[pins]\nfactory = "mock"\n[screen]\nsize = "{screen}"\n[hours]\n{ALWAYS}',
    )


def measure(quick: bool = False) -> dict:
    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = {
            "baseline": [sys.executable, "-c", BASELINE],
            "no screen": service(folder, "none"),
            "320x240 screen": service(folder, "320x240"),
        }
        seconds = {
            name: [time_to_ready(cmd, folder) for _ in range(runs)] for name, cmd in cases.items()
        }
    base = median(seconds.pop("baseline"))
    rows = [
        row(
            f"exec to READY=1, {name} (median of {runs})",
            median(times),
            "s",
            baseline=base,
            baseline_what="python + systemd-python, READY at once",
            target=TARGET,
        )
        for name, times in seconds.items()
    ]
    return {
        "name": "ready_time",
        "rows": rows,
        "data": {"runs": runs, "baseline": base, "seconds": seconds},
    }


if __name__ == "__main__":
    main(measure, __doc__)
