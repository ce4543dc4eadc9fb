"""How quickly the simulator starts, cues a break and answers the button.

Runs the headless simulator with a one-minute interval at --speed 60, several
times, and takes medians in wall seconds:

- start: launch until the control socket answers;
- cue: from the press that acknowledges the first-start notice (which opens
  the schedule) until the first break is on (the schedule says 1.0 s);
- press: a `press` request until the set is confirmed and the answer is back,
  against a `status` request measured in the same run (the baseline: the
  socket round trip alone). A press holds the button 0.15 s on purpose.

    python -m bench.loop_latency [--quick] [--json FILE]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ALWAYS, main, median, row, service_env

from microbreak.service.control import ControlError, call  # noqa: E402

CONFIG = ("[schedule]\ninterval_minutes = 1\nheads_up_seconds = 10\n[screen]\nsize = \"320x240\"\n"
          "[hours]\n" + ALWAYS)


def wait_for(runtime: Path, predicate, timeout: float = 30) -> tuple[float, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = call("status", runtime=runtime)
        except ControlError:
            status = None
        if status is not None and predicate(status):
            return time.monotonic(), status
        time.sleep(0.005)
    raise TimeoutError("the simulator did not get there in time")


def one_run(folder: Path) -> dict:
    (folder / "config.toml").write_text(CONFIG)
    runtime = folder / "run"
    launched = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "microbreak", "simulate", "--headless", "--speed", "60",
         "--config", str(folder / "config.toml"), "--state-dir", str(folder / "state"),
         "--runtime-dir", str(runtime)], env=service_env(), stderr=subprocess.DEVNULL)
    try:
        started, status = wait_for(runtime, lambda s: True)
        opened = started
        if status.get("notice"):
            call("press", runtime=runtime)
            opened = time.monotonic()
        cued, _ = wait_for(runtime, lambda s: s["state"] == "break")
        status_times, press_times = [], []
        for _ in range(2):  # two sets: both presses land inside the break
            t = time.monotonic()
            call("status", runtime=runtime)
            status_times.append(time.monotonic() - t)
            t = time.monotonic()
            call("press", runtime=runtime)
            press_times.append(time.monotonic() - t)
        return {"start": started - launched, "cue": cued - opened,
                "status": median(status_times), "press": median(press_times)}
    finally:
        process.terminate()
        process.wait(10)


def measure(quick: bool = False) -> dict:
    runs = 2 if quick else 5
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            results.append(one_run(Path(folder)))
    m = {key: median(r[key] for r in results) for key in results[0]}
    rows = [
        row(f"simulator start, launch to socket answering (median of {runs})", m["start"], "s"),
        row("simulator cue, 1-min interval at 60x", m["cue"], "s", baseline=1.0,
            baseline_what="the schedule's own wait"),
        row("'press' round trip (holds the button 150 ms)", m["press"] * 1000, "ms",
            baseline=m["status"] * 1000, baseline_what="'status' round trip"),
    ]
    return {"name": "loop_latency", "rows": rows, "data": {"runs": results}}


if __name__ == "__main__":
    main(measure, __doc__)
