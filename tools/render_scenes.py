"""Render every screen scene, every exercise and the simulator panel to PNGs.

For looking at what the screen draws without a Pi::

    python tools/render_scenes.py out/scenes
    python tools/render_scenes.py out/scenes --size 320x240 --size 800x480
    python tools/render_scenes.py out/scenes --frames     # and the exercises moving
    python tools/render_scenes.py out/scenes --language de --language es
    python tools/render_scenes.py docs/exercises --docs   # the README's pictures

Writes ``<folder>/<width>x<height>/<scene>.png`` and ``<folder>/panel-<height>.png``
(an exercise still shows the middle of its hold; each scene is what the
presenter makes of a schedule in that state, and with ``--language TAG`` in
that language, under ``<folder>/<TAG>/``); with ``--frames`` also
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
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "device"))

import pygame  # noqa: E402

from microbreak.config.exercises import load_exercises  # noqa: E402
from microbreak.config.settings import Settings  # noqa: E402
from microbreak.core.busy import BusyPeriod, BusySource  # noqa: E402
from microbreak.core.gestures import Gesture, HoldThresholds  # noqa: E402
from microbreak.core.presenter import dose, hold_hint, present  # noqa: E402
from microbreak.core.progress import Figures  # noqa: E402
from microbreak.core.rules import Rules  # noqa: E402
from microbreak.core.schedule import Schedule  # noqa: E402
from microbreak.core.totals import Totals  # noqa: E402
from microbreak.core.views import ExerciseView, HoldHint  # noqa: E402
from microbreak.core.words import ENGLISH, Words, exercise_in  # noqa: E402
from microbreak.language import translation  # noqa: E402
from microbreak.service.clock import FakeClock  # noqa: E402

SIZES = ("240x240", "320x240", "480x320", "800x480", "1024x600")
DOCS_SIZES = ("240x240", "320x240", "480x320", "800x480")
STRIP_SIZE = "480x320"
STRIP_FRAMES = 8
GIF_SIZE = "320x240"
GIF_FPS = 20  # GIF delays are in hundredths of a second: 5 each
HINT = "Press: done · Hold: snooze / skip"
MONDAY = datetime(2026, 11, 23, 13, 50, tzinfo=ZoneInfo("Europe/Berlin"))
THRESHOLDS = HoldThresholds(2, 5)
TODAY = Totals(breaks=3, completed=2, missed=1, sets=6)
DOTS = ("completed", "partial", "missed")


class Desk:
    """A schedule on a fake clock with working hours (Mon–Fri 09:00–17:30),
    shown through the presenter in *words*' language, as the device shows it."""

    def __init__(self, words: Words, wall: datetime = MONDAY, notice: bool = False, first=0):
        self.words = words
        self.clock = FakeClock(wall=wall)
        exercises = load_exercises()
        self.exercises = {e.name: exercise_in(words, e) for e in exercises}
        rules = Rules.from_settings(Settings(), wall.tzinfo)
        self.schedule = Schedule(
            rules, list(self.exercises), self.clock.now(), first, notice=notice
        )

    def advance(self, seconds: float) -> Desk:
        self.clock.advance(seconds)
        self.schedule.advance(self.clock.now())
        return self

    def do(self, action, *args, **kwargs) -> Desk:
        getattr(self.schedule, action)(self.clock.now(), *args, **kwargs)
        return self

    def still(self) -> Desk:
        """The presence sensor sees no one move from now."""
        self.schedule.motion(False, self.clock.now())
        return self

    def meeting(self, minutes: float) -> Desk:
        """A calendar's meeting from now, for *minutes*."""
        until = self.clock.now().wall + timedelta(minutes=minutes)
        period = BusyPeriod(BusySource.CALENDAR, until=until, what="Design review")
        self.schedule.plan_busy([period], self.clock.now())
        return self

    def unanswered(self) -> Desk:
        """The break calls until it ends unanswered: its summary on screen."""
        while self.schedule.session is not None:
            self.advance(30)
        return self

    def press(self, gesture: Gesture = Gesture.PRESS) -> Desk:
        self.schedule.gesture(gesture, self.clock.now())
        return self

    def view(
        self,
        held: float | None = None,
        today: Totals = TODAY,
        dots=DOTS,
        figures: Figures | None = None,
    ):
        hold = None
        if held is not None:
            hold = hold_hint(self.schedule, held, THRESHOLDS, self.words)
        now = self.clock.now()
        return present(
            self.schedule,
            now,
            self.exercises,
            today,
            THRESHOLDS,
            hold,
            0.0,
            dots,
            figures,
            self.words,
        )


def scenes(words: Words = ENGLISH):
    """(name, view) for every scene the device shows, in *words*' language:
    each made by the presenter from a schedule in that state, and every
    label a held button shows."""
    yield "notice", Desk(words, notice=True).view()
    yield "notice-holding", Desk(words, notice=True).view(held=0.8)
    yield "idle", Desk(words).view()
    yield "idle-holding", Desk(words).view(held=5.5)  # pause
    yield "idle-press", Desk(words).view(held=0.5)  # status
    yield "idle-heads-up", Desk(words).advance(45 * 60 - 45).view()
    yield "idle-heads-up-holding", Desk(words).advance(45 * 60 - 40).view(held=2.6)  # snooze
    yield "idle-snoozed", Desk(words).advance(45 * 60).press(Gesture.SNOOZE).view()
    yield "idle-paused", Desk(words).do("pause").view(held=0.4)  # nothing
    yield "idle-paused-until", Desk(words).do("pause", until=time(15, 0)).view(held=5.2)
    yield "idle-busy", Desk(words).do("busy").view()
    yield (
        "idle-busy-meeting",
        Desk(words).meeting(60).advance(46 * 60).view(held=5.1),  # end busy
    )
    yield "idle-desk-empty", Desk(words).still().advance(90).view(dots=())
    yield "idle-off-hours", Desk(words, wall=MONDAY.replace(day=27, hour=18)).view(today=Totals())
    for i, name in enumerate(e.name for e in load_exercises()):
        yield f"exercise-{name}", Desk(words, first=i).do("break_now").view()
    yield "exercise-holding", Desk(words).do("break_now").view(held=5.4)  # skip break
    yield "exercise-holding-snooze", Desk(words).do("break_now").view(held=2.1)
    yield "exercise-press", Desk(words).do("break_now").view(held=0.3)  # done
    yield "done", Desk(words).do("break_now").press().press().view()
    yield "done-skipped", Desk(words).do("break_now").do("skip").view()
    yield "done-partial", Desk(words).do("break_now").press().unanswered().view()
    yield "done-missed", Desk(words).do("break_now").unanswered().view()
    yield from progress_scenes(words)


PROGRESS_TODAY = Totals(7, completed=4, partial=1, missed=1, away=1, sets=9)
PROGRESS_DOTS = ("completed", "completed", "partial", "away", "completed", "missed", "completed")
FIGURES = Figures(
    week=(
        Totals(10, completed=8, partial=1, missed=1, sets=17),
        Totals(10, completed=9, away=1, sets=18),
        Totals(9, completed=6, partial=1, skipped=1, missed=1, sets=13),
        PROGRESS_TODAY,
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


def progress_scenes(words: Words = ENGLISH):
    """The progress pages a press steps through, on a Thursday with a week's
    figures, as the presenter words them (and a week, a day with none)."""
    thursday = MONDAY + timedelta(days=3)

    def page(presses: int, held: float | None = None, **shown):
        desk = Desk(words, wall=thursday)
        for _ in range(presses):
            desk.press()
        shown = {"today": PROGRESS_TODAY, "dots": PROGRESS_DOTS, "figures": FIGURES} | shown
        return desk.view(held, **shown)

    yield "progress-today", page(1)
    yield "progress-week", page(2)
    yield "progress-streak", page(3)
    yield "progress-streak-holding", page(3, held=0.4)  # back
    yield "progress-week-empty", Desk(words).press().press().view(today=Totals(), dots=())
    yield "progress-today-none", Desk(words).press().view(today=Totals(), dots=())


def parse_size(size: str) -> tuple[int, int]:
    width, height = (int(n) for n in size.split("x"))
    return width, height


def render(folder: Path, sizes, frames: bool = False, language: str = "") -> list[Path]:
    """Every scene at every size in *sizes*, in *language* (a BCP 47 tag;
    ``""``: English as written) into ``folder/[language/]WxH/``."""
    from microbreak.drawing.screen import Screen

    written = []
    words = translation(language)
    for size in sizes:
        out = folder / language / size
        out.mkdir(parents=True, exist_ok=True)
        screen = Screen(pygame.Surface(parse_size(size)))
        for name, view in scenes(words):
            screen.draw(view)
            path = out / f"{name}.png"
            pygame.image.save(screen.surface, str(path))
            written.append(path)
        if frames:
            written += render_frames(screen, out)
    written += render_panels(folder)
    return written


def exercise_view(exercise) -> ExerciseView:
    return ExerciseView(exercise, "1 / 2", calling=False, hint=HINT, since=0.0, dose=dose(exercise))


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
    parser.add_argument(
        "--language",
        action="append",
        metavar="TAG",
        help="in this language (de, es, en-US ...) into FOLDER/TAG/; repeatable "
        "(default: English as written, into FOLDER)",
    )
    args = parser.parse_args(argv)
    pygame.font.init()
    if args.docs:
        paths = render_docs(args.folder)
    else:
        paths = []
        for language in args.language or [""]:
            paths += render(args.folder, args.size or SIZES, args.frames, language)
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
