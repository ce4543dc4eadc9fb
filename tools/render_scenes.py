"""Render every screen scene, every exercise and the simulator panel to PNGs.

For looking at what the screen draws without a Pi::

    python tools/render_scenes.py out/scenes
    python tools/render_scenes.py out/scenes --size 320x240 --size 800x480
    python tools/render_scenes.py out/scenes --frames     # and the exercises moving
    python tools/render_scenes.py docs/exercises --docs   # the README's pictures

Writes ``<folder>/<width>x<height>/<scene>.png`` and ``<folder>/panel-<height>.png``
(an exercise still shows the middle of its hold); with ``--frames`` also
``<folder>/<width>x<height>/<exercise>/<seconds>.png`` at every key moment of
its first rep. ``--docs`` writes ``<folder>/<exercise>-<width>x<height>.png``
for the README's sizes, ``<folder>/<exercise>.gif``, one rep moving at
320x240, and ``<folder>/<exercise>-strip.png``, one rep as a row of pictures
of the figure's card.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "device"))

import pygame  # noqa: E402

from microbreak.config.exercises import load_exercises  # noqa: E402
from microbreak.core.views import DoneView, ExerciseView, HoldHint, IdleView  # noqa: E402

SIZES = ("240x240", "320x240", "480x320", "800x480", "1024x600")
DOCS_SIZES = ("240x240", "320x240", "480x320", "800x480")
STRIP_SIZE = "480x320"
STRIP_FRAMES = 8
GIF_SIZE = "320x240"
GIF_FPS = 20  # GIF delays are in hundredths of a second: 5 each
HINT = "Press: done · Hold: snooze / skip"


def scenes():
    """(name, view) for every scene worth looking at."""
    exercises = load_exercises()
    yield "idle", IdleView("14:05", "Next break 14:35", "in 30 min", "Today: 3 breaks · 6 sets", "")
    yield (
        "idle-heads-up",
        IdleView(
            "14:34",
            "Break in 45 s",
            "",
            "Today: 3 breaks · 6 sets",
            "Hold 2 s to snooze",
            heads_up=True,
        ),
    )
    yield "idle-paused", IdleView("12:10", "Paused", "until 13:00", "Today: 1 break · 2 sets", "")
    yield (
        "idle-busy",
        IdleView(
            "10:52",
            "Meeting",
            "Break after 11:30",
            "Today: 2 breaks · 4 sets",
            "Hold 5 s to end busy",
            busy=True,
            dots=("completed", "completed"),
        ),
    )
    yield (
        "idle-busy-manual",
        IdleView(
            "10:52",
            "Busy",
            "until you end it",
            "Today: 2 breaks · 4 sets",
            "Hold 5 s to end busy",
            busy=True,
        ),
    )
    yield (
        "idle-holding",
        IdleView(
            "14:34",
            "Break in 40 s",
            "",
            "Today: 3 breaks · 6 sets",
            "Hold 2 s to snooze",
            heads_up=True,
            hold=HoldHint("Release: snooze", 0.6),
        ),
    )
    for i, exercise in enumerate(exercises):
        yield (
            f"exercise-{exercise.name}",
            ExerciseView(exercise, f"{i % 2 + 1} / 2", calling=(i == 0), hint=HINT),
        )
    yield (
        "exercise-holding",
        ExerciseView(
            exercises[0],
            "1 / 2",
            calling=False,
            hint=HINT,
            hold=HoldHint("Release: skip break", 0.35),
        ),
    )
    yield "done", DoneView("Well done", "2/2 sets · next break 14:35")
    yield (
        "done-skipped",
        DoneView("Break skipped", "0/2 sets · next break 15:20", outcome="skipped"),
    )
    yield from progress_scenes(exercises)


def progress_scenes(exercises):
    """The progress pages, as the core words them from a Thursday's figures."""
    from microbreak.core.pages import streak_page, today_page, week_page
    from microbreak.core.progress import Figures
    from microbreak.core.totals import Totals

    today = Totals(7, completed=4, partial=1, missed=1, away=1, sets=9)
    outcomes = ("completed", "completed", "partial", "away", "completed", "missed", "completed")
    figures = Figures(
        week=(
            Totals(10, completed=8, partial=1, missed=1, sets=17),
            Totals(10, completed=9, away=1, sets=18),
            Totals(9, completed=6, partial=1, skipped=1, missed=1, sets=13),
            today,
        ),
        streak=3,
        best=12,
        done=(
            ("upper-back-movement", 212),
            ("high-reach-stretch", 230),
            ("shoulder-rolls", 241),
            ("shoulder-squeeze", 198),
            ("shoulder-shrug", 176),
        ),
    )
    by_name = {e.name: e for e in exercises}
    yield "progress-today", today_page(today, outcomes, "14:35", "Press: this week")
    yield "progress-week", week_page(figures, 3, "Press: streak")
    yield "progress-streak", streak_page(figures, by_name, "Press: back")
    yield "progress-week-empty", week_page(Figures(), 0, "Press: streak")
    yield "progress-today-none", today_page(Totals(), (), "09:45", "Press: this week")


def parse_size(size: str) -> tuple[int, int]:
    width, height = (int(n) for n in size.split("x"))
    return width, height


def render(folder: Path, sizes, frames: bool = False) -> list[Path]:
    from microbreak.drawing.screen import Screen

    written = []
    for size in sizes:
        out = folder / size
        out.mkdir(parents=True, exist_ok=True)
        screen = Screen(pygame.Surface(parse_size(size)))
        for name, view in scenes():
            screen.draw(view)
            path = out / f"{name}.png"
            pygame.image.save(screen.surface, str(path))
            written.append(path)
        if frames:
            written += render_frames(screen, out)
    written += render_panels(folder)
    return written


def exercise_view(exercise) -> ExerciseView:
    return ExerciseView(exercise, "1 / 2", calling=False, hint=HINT, since=0.0)


def render_frames(screen, folder: Path) -> list[Path]:
    """Each exercise at every key moment of its first rep, and once its set is done."""
    written = []
    for exercise in load_exercises():
        out = folder / exercise.name
        out.mkdir(parents=True, exist_ok=True)
        motion = exercise.motion
        for t in [*motion.key_times(), motion.reps * motion.rep_seconds + 0.5]:
            screen.draw(exercise_view(exercise), now=t)
            path = out / f"{t:05.2f}.png"
            pygame.image.save(screen.surface, str(path))
            written.append(path)
    return written


def strip_times(motion) -> list[float]:
    """At most STRIP_FRAMES key moments of one rep, evenly picked, the still
    picture's moment (the middle of the hold) always among them."""
    times = motion.key_times()
    if len(times) <= STRIP_FRAMES:
        return times
    picked = [times[round(i * (len(times) - 1) / (STRIP_FRAMES - 1))] for i in range(STRIP_FRAMES)]
    key = motion.key_seconds
    if key not in picked:
        nearest = min(range(1, len(picked)), key=lambda i: abs(picked[i] - key))
        picked[nearest] = key
    return sorted(picked)


def render_docs(folder: Path) -> list[Path]:
    """The README's pictures: each exercise at its key moment at the docs
    sizes, one rep as a GIF, and as a strip."""
    from microbreak.drawing.gif import save_gif
    from microbreak.drawing.screen import Screen

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in load_exercises():
        view = exercise_view(exercise)
        for size in DOCS_SIZES:
            screen = Screen(pygame.Surface(parse_size(size)))
            screen.draw(view)
            path = folder / f"{exercise.name}-{size}.png"
            pygame.image.save(screen.surface, str(path))
            written.append(path)
        screen = Screen(pygame.Surface(parse_size(GIF_SIZE)))
        frames = []
        for n in range(round(exercise.motion.rep_seconds * GIF_FPS)):
            screen.draw(view, now=n / GIF_FPS)
            frames.append(screen.surface.copy())
        path = folder / f"{exercise.name}.gif"
        with open(path, "wb") as out:
            save_gif(out, frames, 1 / GIF_FPS)
        written.append(path)
        screen = Screen(pygame.Surface(parse_size(STRIP_SIZE)))
        view = dataclasses.replace(view, position="")
        times = strip_times(exercise.motion)
        card = screen.plan(view).card
        gap = 4
        strip = pygame.Surface((len(times) * (card.width + gap) - gap, card.height))
        strip.fill((255, 255, 255))
        for i, t in enumerate(times):
            screen.draw(view, now=t)
            strip.blit(screen.surface, (i * (card.width + gap), 0), card)
        path = folder / f"{exercise.name}-strip.png"
        pygame.image.save(strip, str(path))
        written.append(path)
    return written


def render_panels(folder: Path) -> list[Path]:
    try:
        from microbreak.simulator.panel import PANEL_WIDTH, PanelState, draw_panel
    except ImportError:
        return []
    states = [
        PanelState(led=0.0, buzzer_hz=None, button_down=False, hold=None),
        PanelState(led=0.5, buzzer_hz=None, button_down=False, hold=None),
        PanelState(
            led=1.0, buzzer_hz=2093.0, button_down=True, hold=HoldHint("Release: snooze", 0.55)
        ),
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
    parser.add_argument(
        "--size",
        action="append",
        metavar="WxH",
        help=f"screen size; repeatable (default: {', '.join(SIZES)})",
    )
    parser.add_argument(
        "--frames", action="store_true", help="also every key moment of each exercise's first rep"
    )
    parser.add_argument(
        "--docs", action="store_true", help="write the README's exercise pictures instead"
    )
    args = parser.parse_args(argv)
    pygame.font.init()
    paths = (
        render_docs(args.folder)
        if args.docs
        else render(args.folder, args.size or SIZES, args.frames)
    )
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
