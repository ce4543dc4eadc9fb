"""Render every screen scene, every exercise and the simulator panel to PNGs.

For looking at what the screen draws without a Pi::

    python tools/render_scenes.py out/scenes
    python tools/render_scenes.py out/scenes --size 320x240 --size 800x480

Writes ``<folder>/<width>x<height>/<scene>.png`` and ``<folder>/panel-<height>.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "device"))

import pygame  # noqa: E402

from microbreak.exercises import load_exercises  # noqa: E402
from microbreak.views import DoneView, ExerciseView, HoldHint, IdleView  # noqa: E402

SIZES = ("240x240", "320x240", "480x320", "800x480", "1024x600")
HINT = "Press: done · Hold: snooze / skip"


def scenes():
    """(name, view) for every scene worth looking at."""
    exercises = load_exercises()
    yield "idle", IdleView("14:05", "Next break 14:35", "in 30 min", "Today: 3 breaks · 6 sets", "")
    yield "idle-heads-up", IdleView("14:34", "Break in 45 s", "", "Today: 3 breaks · 6 sets",
                                    "Hold 2 s to snooze", heads_up=True)
    yield "idle-paused", IdleView("12:10", "Paused", "until 13:00", "Today: 1 break · 2 sets", "")
    yield "idle-holding", IdleView("14:34", "Break in 40 s", "", "Today: 3 breaks · 6 sets",
                                   "Hold 2 s to snooze", heads_up=True,
                                   hold=HoldHint("Release: snooze", 0.6))
    for i, exercise in enumerate(exercises):
        yield f"exercise-{exercise.name}", ExerciseView(exercise, f"{i % 2 + 1} / 2", calling=(i == 0), hint=HINT)
    yield "exercise-holding", ExerciseView(exercises[0], "1 / 2", calling=False, hint=HINT,
                                           hold=HoldHint("Release: skip break", 0.35))
    yield "done", DoneView("Well done", "2/2 sets · next break 14:35")
    yield "done-missed", DoneView("Break missed", "0/2 sets · next break 15:20")


def render(folder: Path, sizes) -> list[Path]:
    from microbreak.screen import Screen

    written = []
    for size in sizes:
        width, height = (int(n) for n in size.split("x"))
        out = folder / size
        out.mkdir(parents=True, exist_ok=True)
        screen = Screen(pygame.Surface((width, height)))
        for name, view in scenes():
            screen.draw(view)
            path = out / f"{name}.png"
            pygame.image.save(screen.surface, str(path))
            written.append(path)
    written += render_panels(folder)
    return written


def render_panels(folder: Path) -> list[Path]:
    try:
        from microbreak.panel import PANEL_WIDTH, PanelState, draw_panel
    except ImportError:
        return []
    states = [
        PanelState(led=0.0, buzzer_hz=None, button_down=False, hold=None),
        PanelState(led=0.5, buzzer_hz=None, button_down=False, hold=None),
        PanelState(led=1.0, buzzer_hz=2093.0, button_down=True, hold=HoldHint("Release: snooze", 0.55)),
        PanelState(led=1.0, buzzer_hz=0.0, button_down=True, hold=None),
    ]
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for height in (240, 300, 480, 600):
        sheet = pygame.Surface((PANEL_WIDTH * len(states), height))
        for i, state in enumerate(states):
            draw_panel(sheet, pygame.Rect(i * PANEL_WIDTH, 0, PANEL_WIDTH, height), state)
        path = folder / f"panel-{height}.png"
        pygame.image.save(sheet, str(path))
        written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Render the screen's scenes to PNG files.")
    parser.add_argument("folder", type=Path, help="where to write the PNGs")
    parser.add_argument("--size", action="append", metavar="WxH",
                        help=f"screen size; repeatable (default: {', '.join(SIZES)})")
    args = parser.parse_args(argv)
    pygame.font.init()
    for path in render(args.folder, args.size or SIZES):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
