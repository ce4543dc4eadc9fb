"""How quickly the simulator starts, cues a break and answers the button.

Runs the headless simulator with a one-minute interval at --speed 60, several
times, and prints medians in wall seconds:

- start: launch until the control socket answers;
- cue: launch until the first break is on (the schedule says 1.0 s after start);
- press: a `press` request until the set is confirmed and the answer is back,
  as a ratio to a `status` request measured in the same run (the baseline:
  the socket round trip alone). A press holds the button 0.15 s on purpose.

    python benchmarks/loop_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "device"))

from microbreak.control import ControlError, call  # noqa: E402

ALWAYS = "".join(f'{day} = "00:00-24:00"\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
CONFIG = ("[schedule]\ninterval_minutes = 1\nheads_up_seconds = 10\n[screen]\nsize = \"320x240\"\n"
          "[hours]\n" + ALWAYS)


def one_run(folder: Path) -> dict:
    (folder / "config.toml").write_text(CONFIG)
    runtime = folder / "run"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "device"), SDL_VIDEODRIVER="dummy")
    launched = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "microbreak", "simulate", "--headless", "--speed", "60",
         "--config", str(folder / "config.toml"), "--state-dir", str(folder / "state"),
         "--runtime-dir", str(runtime)], env=env, stderr=subprocess.DEVNULL)
    try:
        started = cued = None
        while cued is None and time.monotonic() - launched < 30:
            try:
                state = call("status", runtime=runtime)["state"]
            except ControlError:
                time.sleep(0.005)
                continue
            now = time.monotonic()
            started = started or now
            if state == "break":
                cued = now
            time.sleep(0.005)
        status_times, press_times = [], []
        for _ in range(2):  # two sets: both presses land inside the break
            t = time.monotonic()
            call("status", runtime=runtime)
            status_times.append(time.monotonic() - t)
            t = time.monotonic()
            call("press", runtime=runtime)
            press_times.append(time.monotonic() - t)
        return {"start": started - launched, "cue": cued - launched,
                "status": statistics.median(status_times),
                "press": statistics.median(press_times)}
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            results.append(one_run(Path(folder)))
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {runs} runs, medians")
    print(f"start (launch -> socket answers)  {median['start']:.3f} s")
    print(f"cue   (launch -> break on)        {median['cue']:.3f} s  "
          f"(the schedule's own wait: 1.000 s at 60x)")
    print(f"status round trip (baseline)      {median['status'] * 1000:.1f} ms")
    print(f"press round trip                  {median['press'] * 1000:.1f} ms  "
          f"= {median['press'] / median['status']:.1f}x the baseline "
          f"(includes the 150 ms hold)")


if __name__ == "__main__":
    main()
