"""What `microbreak run` costs with a large screen and a speaker: resident
memory idle and during an exercise, and CPU while the exercise moves.

Each run starts the service as systemd would (mock pins, an 800x480 screen,
the cues on the speaker, on SDL's dummy video and audio drivers, no break
due), reads its resident memory once it has settled (three readings a
second apart within 0.1 MiB), starts a break (``break-now``) and, 3 s into
its first exercise, measures its CPU for 10 s, then reads its resident
memory again: the VM test's measurement (tests/vm/), where the screen is a
real display. Medians of 5 runs (1, shorter, with --quick). Baselines, in
the same run: a Python that only imports pygame (memory), and one that
shows a finished 800x480 frame 30 times a second on the same driver (CPU:
the least an animation costs).

    python -m bench.exercise_footprint [--quick] [--json FILE]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from .common import ALWAYS, Device, main, median, row, service_env
from .idle_footprint import sample

RSS_TARGET = 45.0  # MiB
SIZE = "800x480"
SETTINGS = (
    f'[pins]\nfactory = "mock"\n[schedule]\ninterval_minutes = 480\n[break]\n'
    f'exercises_per_break = 2\n[sound]\nspeaker = true\n[screen]\nsize = "{SIZE}"\n'
    f"[hours]\n{ALWAYS}"
)
FRAMES = """
import pygame, time
screen = pygame.display.set_mode((800, 480))
frame = pygame.Surface((800, 480))
frame.fill((30, 34, 46))
due = time.monotonic()
while not any(event.type == pygame.QUIT for event in pygame.event.get()):  # SDL's SIGTERM
    screen.blit(frame, (0, 0))
    pygame.display.flip()
    due += 1 / 30
    time.sleep(max(0.0, due - time.monotonic()))
"""


def settled_rss(pid: int, timeout: float = 60) -> float:
    """*pid*'s resident MiB once three readings a second apart agree within 0.1."""
    readings: list[float] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1)
        readings.append(sample(pid)["rss"])
        if len(readings) >= 3 and max(readings[-3:]) - min(readings[-3:]) <= 0.1:
            break
    return readings[-1]


def one_run(folder: Path, window: float) -> dict:
    """The service's figures in one run, and the frame loop's CPU beside it."""
    from microbreak.storage.history import History

    (folder / "state").mkdir()
    history = History(folder / "state" / "history.sqlite")
    history.acknowledge("first_start", datetime.now().astimezone())  # no first-start notice
    history.close()
    device = Device(folder, SETTINGS, command=("run",))
    device.start()
    frames = subprocess.Popen([sys.executable, "-c", FRAMES], env=service_env())
    try:
        idle = settled_rss(device.pid)
        device.call("break-now")
        time.sleep(3)
        before = {"service": sample(device.pid), "frames": sample(frames.pid)}
        start = time.monotonic()
        time.sleep(window)
        elapsed = time.monotonic() - start
        after = {"service": sample(device.pid), "frames": sample(frames.pid)}
        state = device.status()
    finally:
        frames.terminate()
        frames.wait(10)
        device.stop()
    if not state or state.get("state") != "break":
        raise RuntimeError(f"no break under way when measured: {state}")
    cpu = {name: (after[name]["cpu"] - before[name]["cpu"]) / elapsed for name in after}
    return {
        "idle": idle,
        "exercise": after["service"]["rss"],
        "cpu": cpu["service"],
        "frames_cpu": cpu["frames"],
    }


def pygame_rss() -> float:
    """Resident MiB of a Python that only imports pygame."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import pygame, time; time.sleep(1e6)"], env=service_env()
    )
    try:
        return settled_rss(process.pid)
    finally:
        process.terminate()
        process.wait(10)


def measure(quick: bool = False) -> dict:
    runs, window = (1, 3.0) if quick else (5, 10.0)
    found = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            found.append(one_run(Path(tmp), window))
    baseline = pygame_rss()
    idle, moving = median(r["idle"] for r in found), median(r["exercise"] for r in found)
    cpu, frames_cpu = median(r["cpu"] for r in found), median(r["frames_cpu"] for r in found)
    what = f"run, {SIZE}, speaker on"
    rows = [
        row(
            f"resident memory idle, {what} (median of {runs})",
            idle,
            "MiB",
            baseline=baseline,
            baseline_what="python importing pygame",
            target=RSS_TARGET,
        ),
        row(
            f"resident memory {3 + window:.0f} s into an exercise, {what}",
            moving,
            "MiB",
            baseline=baseline,
            baseline_what="python importing pygame",
            target=RSS_TARGET,
        ),
        row(
            f"CPU during an exercise, {what} ({window:.0f} s)",
            cpu,
            "CPU-s/s",
            baseline=frames_cpu,
            baseline_what="python showing a finished frame 30 times a second",
        ),
    ]
    return {
        "name": "exercise_footprint",
        "rows": rows,
        "data": {"runs": found, "pygame_rss": baseline, "window": window},
    }


if __name__ == "__main__":
    main(measure, __doc__)
