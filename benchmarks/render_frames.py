"""How much one frame of a moving exercise costs to draw.

Draws every built-in exercise frame by frame, 30 frames to the second of its
own time, onto a display surface of SDL's dummy driver at 320x240 and
800x480, and prints per frame in milliseconds the median and the 99th
percentile, and the share of one core that 30 frames a second needs (process
CPU time over the frames drawn). The baseline, measured in the same run, is
blitting one pre-rendered full frame onto the same surface: the least a
frame can cost. The first frame of an exercise (its layout, text and the
figure's room measured) is a one-off, shown apart.

    python benchmarks/render_frames.py [--seconds 20]

Target: 30 fps at 800x480 on at most 10 % of one core (a Pi Zero 2 W is
about 8 to 10 times slower than a desktop core).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "device"))

import pygame  # noqa: E402

from microbreak.exercises import load_exercises  # noqa: E402
from microbreak.screen import Screen  # noqa: E402
from microbreak.views import ExerciseView  # noqa: E402

FPS = 30
SIZES = ((320, 240), (800, 480))
HINT = "Press: done · Hold: snooze / skip"


def processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(size, seconds):
    surface = pygame.display.set_mode(size)
    frames, firsts = [], []
    cpu = 0.0
    for exercise in load_exercises():
        screen = Screen(surface)
        view = ExerciseView(exercise, "1 / 2", calling=False, hint=HINT, since=0.0)
        start = time.perf_counter()
        screen.draw(view, now=0.0)
        firsts.append(time.perf_counter() - start)
        cpu_start = time.process_time()
        for i in range(1, round(seconds * FPS)):
            start = time.perf_counter()
            screen.draw(view, now=i / FPS)
            frames.append(time.perf_counter() - start)
        cpu += time.process_time() - cpu_start

    still = surface.copy()
    blits = []
    cpu_start = time.process_time()
    for _ in range(len(frames)):
        start = time.perf_counter()
        surface.blit(still, (0, 0))
        blits.append(time.perf_counter() - start)
    blit_cpu = time.process_time() - cpu_start
    return {
        "frame": (statistics.median(frames), percentile(frames, 0.99)),
        "blit": (statistics.median(blits), percentile(blits, 0.99)),
        "first": statistics.median(firsts),
        "core": cpu / len(frames) * FPS,
        "blit_core": blit_cpu / len(blits) * FPS,
        "count": len(frames),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="seconds of each exercise's motion to draw at each size (default 20)")
    seconds = parser.parse_args().seconds
    pygame.display.init()
    pygame.font.init()
    print(f"machine: {platform.machine()}, {processor()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, pygame-ce {pygame.version.ver} (SDL "
          f"{'.'.join(map(str, pygame.get_sdl_version()))}), video driver {pygame.display.get_driver()}")
    for size in SIZES:
        r = measure(size, seconds)
        (median, p99), (blit, blit_p99) = r["frame"], r["blit"]
        print(f"\n{size[0]}x{size[1]}: {r['count']} frames of 5 exercises at {FPS} fps")
        print(f"  exercise frame  median {median * 1000:6.3f} ms  p99 {p99 * 1000:6.3f} ms  "
              f"30 fps needs {r['core'] * 100:4.1f} % of one core")
        print(f"  baseline blit   median {blit * 1000:6.3f} ms  p99 {blit_p99 * 1000:6.3f} ms  "
              f"30 fps needs {r['blit_core'] * 100:4.1f} % of one core")
        print(f"  ratio           {median / blit:.1f}x the baseline (median), "
              f"{p99 / blit_p99:.1f}x (p99)")
        print(f"  first frame     {r['first'] * 1000:6.1f} ms (layout, text, the figure's room: once per view)")
    pygame.quit()


if __name__ == "__main__":
    main()
