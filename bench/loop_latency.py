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

import tempfile
import time
from pathlib import Path

from .common import ALWAYS, Device, main, median, row

CONFIG = (
    '[schedule]\ninterval_minutes = 1\nheads_up_seconds = 10\n[screen]\nsize = "320x240"\n'
    "[hours]\n" + ALWAYS
)


def one_run(folder: Path) -> dict:
    device = Device(folder, CONFIG, speed=60)
    launched = time.monotonic()
    try:
        device.start(every=0.005)
        started = time.monotonic()
        device.acknowledge_notice()
        opened = time.monotonic()
        device.wait_for(lambda s: s["state"] == "break", "the first break", every=0.005)
        cued = time.monotonic()
        status_times, press_times = [], []
        for _ in range(2):  # two sets: both presses land inside the break
            t = time.monotonic()
            device.call("status")
            status_times.append(time.monotonic() - t)
            t = time.monotonic()
            device.call("press")
            press_times.append(time.monotonic() - t)
        return {
            "start": started - launched,
            "cue": cued - opened,
            "status": median(status_times),
            "press": median(press_times),
        }
    finally:
        device.stop()


def measure(quick: bool = False) -> dict:
    runs = 2 if quick else 5
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            results.append(one_run(Path(folder)))
    m = {key: median(r[key] for r in results) for key in results[0]}
    rows = [
        row(f"simulator start, launch to socket answering (median of {runs})", m["start"], "s"),
        row(
            "simulator cue, 1-min interval at 60x",
            m["cue"],
            "s",
            baseline=1.0,
            baseline_what="the schedule's own wait",
        ),
        row(
            "'press' round trip (holds the button 150 ms)",
            m["press"] * 1000,
            "ms",
            baseline=m["status"] * 1000,
            baseline_what="'status' round trip",
        ),
    ]
    return {"name": "loop_latency", "rows": rows, "data": {"runs": results}}


if __name__ == "__main__":
    main(measure, __doc__)
