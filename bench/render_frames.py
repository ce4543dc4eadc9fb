"""What one frame of each scene costs to draw, at 320x240 and 800x480.

The views come from the presenter, fed a schedule on a fake clock, so they
are what the device shows: idle (a new clock each minute), the heads-up (a
new countdown each second), a hold (the bar growing, 30 frames a second),
the five exercises moving (30 frames a second), an exercise while the button
is held, the end-of-break summary, and the sleeping screen outside working
hours, and the three progress pages. A scene that stands still is drawn only
when its view changes; its frame is timed as that change (a new view on a
fresh screen for the summary and the progress pages).

Each figure is the median and 99th percentile of ``Screen.draw`` onto a
display surface of SDL's dummy driver. The baseline, measured in the same
run, is blitting one pre-rendered full frame onto the same surface: the
least a frame can cost. The first frame of an exercise (its layout, text
and the figure's room measured) is a one-off, shown apart.

    python -m bench.render_frames [--quick] [--json FILE]
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from microbreak.config.exercises import load_exercises  # noqa: E402
from microbreak.config.settings import parse_settings  # noqa: E402
from microbreak.core import presenter  # noqa: E402
from microbreak.core.gestures import Gesture, HoldThresholds  # noqa: E402
from microbreak.core.progress import Figures  # noqa: E402
from microbreak.core.rules import Rules  # noqa: E402
from microbreak.core.schedule import Schedule  # noqa: E402
from microbreak.core.states import StateName  # noqa: E402
from microbreak.core.totals import Totals  # noqa: E402
from microbreak.drawing.screen import Screen  # noqa: E402
from microbreak.service.clock import FakeClock, zone_named  # noqa: E402

from .common import ALWAYS, main, median, percentile, row  # noqa: E402 (puts device/ on the path)

FPS = 30
SIZES = ((320, 240), (800, 480))
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday
THRESHOLDS = HoldThresholds()
TODAY = Totals(breaks=3, completed=2, missed=1, sets=4)


class Device:
    """A schedule on a fake clock and the exercises: what the presenter needs."""

    def __init__(self, hours: str = ALWAYS):
        settings = parse_settings(
            f"[schedule]\ninterval_minutes = 480\nheads_up_seconds = 600\n"
            f"[break]\nexercises_per_break = 5\n"
            f'[hours]\ntimezone = "UTC"\n{hours}'
        )
        self.exercises = {e.name: e for e in load_exercises()}
        self.clock = FakeClock(START)
        rules = Rules.from_settings(settings, zone_named(settings.hours.timezone))
        self.schedule = Schedule(rules, list(self.exercises), self.clock.now())
        self.advance(0)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.schedule.advance(self.clock.now())

    def view(self, held: float | None = None):
        hold = None if held is None else presenter.hold_hint(self.schedule, held, THRESHOLDS)
        return presenter.present(
            self.schedule, self.clock.now(), self.exercises, TODAY, THRESHOLDS, hold, 0.0
        )


def holds(count: int):
    """Hold times from 0 to past the skip threshold, 30 frames a second, over and over."""
    per_hold = round(THRESHOLDS.skip * 1.2 * FPS)
    return [(i % per_hold) / FPS for i in range(count)]


def idle_frames(count: int):
    device = Device()
    for _ in range(count):
        device.advance(60)
        assert device.schedule.state.name is StateName.IDLE
        yield device.view(), None


def heads_up_frames(count: int):
    device = Device()
    device.advance(device.schedule.next_break - device.clock.now().mono - 599)
    for _ in range(count):
        assert device.schedule.state.name is StateName.HEADS_UP
        yield device.view(), None
        device.advance(1)


def holding_frames(count: int):
    device = Device()
    for held in holds(count):
        yield device.view(held), None


def exercise_frames(count: int, held: bool = False):
    """Every exercise in turn, *count* frames each, moving."""
    device = Device()
    device.schedule.break_now(device.clock.now())
    for _ in device.schedule.session.exercises:
        for i, seconds in enumerate(holds(count)):
            yield device.view(seconds if held else None), (i + 1) / FPS
        device.schedule.gesture(Gesture.PRESS, device.clock.now())


def done_frames(count: int):
    device = Device()
    device.schedule.break_now(device.clock.now())
    device.schedule.skip(device.clock.now())
    assert device.schedule.state.summary is not None
    view = device.view()
    for _ in range(count):
        yield view, "fresh"


def asleep_frames(count: int):
    device = Device(hours=ALWAYS.replace("00:00-24:00", "09:00-09:30"))  # closed from 09:30
    for _ in range(count):
        device.advance(60)
        assert device.schedule.state.name is StateName.OFF_HOURS
        yield device.view(), None


FIGURES = Figures(
    week=(Totals(10, completed=8, partial=1, missed=1, sets=17), Totals(9, completed=9, sets=18)),
    streak=3,
    best=12,
    done=(("shoulder-rolls", 241), ("high-reach-stretch", 230), ("shoulder-shrug", 176)),
)


def page_frames(count: int, presses: int):
    """The progress page *presses* presses away, appearing on a fresh screen."""
    device = Device()
    for _ in range(presses):
        device.schedule.gesture(Gesture.PRESS, device.clock.now())
    view = presenter.present(
        device.schedule, device.clock.now(), device.exercises, TODAY, THRESHOLDS, figures=FIGURES
    )
    for _ in range(count):
        yield view, "fresh"


SCENES = {
    "idle": idle_frames,
    "heads-up": heads_up_frames,
    "holding the button": holding_frames,
    "exercise": exercise_frames,
    "exercise, button held": lambda count: exercise_frames(count, held=True),
    "break summary": done_frames,
    "asleep (off hours)": asleep_frames,
    "progress: today, appearing": lambda count: page_frames(count, 1),
    "progress: this week, appearing": lambda count: page_frames(count, 2),
    "progress: the streak, appearing": lambda count: page_frames(count, 3),
}


def time_scene(surface, frames) -> dict:
    """Draw *frames* on *surface*: the time of each, and apart from them the
    first frame of the scene and of each exercise (layout and fonts, done once)."""
    screen = Screen(surface)
    times, firsts, shown = [], [], ()
    views = list(frames)  # made outside the timing: that is the presenter's cost
    for view, now in views:
        if now == "fresh":
            screen, now = Screen(surface), None
        start = time.perf_counter()
        screen.draw(view, now=now)
        took = time.perf_counter() - start
        first = getattr(view, "exercise", type(view))
        if first is not shown:
            shown = first
            firsts.append(took)
        else:
            times.append(took)
    return {"times": times, "firsts": firsts}


def measure_size(size, count: int) -> dict:
    surface = pygame.display.set_mode(size)
    scenes = {name: time_scene(surface, make(count)) for name, make in SCENES.items()}
    still = surface.copy()
    blits = []
    for _ in range(max(len(s["times"]) for s in scenes.values())):
        start = time.perf_counter()
        surface.blit(still, (0, 0))
        blits.append(time.perf_counter() - start)
    return {"scenes": scenes, "blit": blits}


def measure(quick: bool = False) -> dict:
    count = 15 if quick else 300  # frames per scene (per exercise for the exercises)
    pygame.display.init()
    pygame.font.init()
    rows, data = (
        [],
        {
            "driver": pygame.display.get_driver(),
            "pygame": pygame.version.ver,
            "sdl": ".".join(map(str, pygame.get_sdl_version())),
            "sizes": {},
        },
    )
    for size in SIZES:
        result = measure_size(size, count)
        name = f"{size[0]}x{size[1]}"
        blit, blit_p99 = median(result["blit"]), percentile(result["blit"], 0.99)
        summary = {"blit_median": blit, "blit_p99": blit_p99, "scenes": {}}
        for scene, r in result["scenes"].items():
            med, p99 = median(r["times"]), percentile(r["times"], 0.99)
            summary["scenes"][scene] = {
                "frames": len(r["times"]),
                "median": med,
                "p99": p99,
                "first": r["firsts"],
            }
            rows.append(
                row(
                    f"frame, {scene}, {name}",
                    med * 1000,
                    "ms",
                    p99=p99 * 1000,
                    baseline=blit * 1000,
                    baseline_p99=blit_p99 * 1000,
                    baseline_what="blit of a full frame",
                )
            )
        firsts = [
            t
            for scene, r in result["scenes"].items()
            if scene.startswith("exercise")
            for t in r["firsts"]
        ]
        rows.append(
            row(
                f"first frame of an exercise, {name}",
                median(firsts) * 1000,
                "ms",
                note="layout, text and the figure's room: once per exercise",
            )
        )
        data["sizes"][name] = summary
    pygame.quit()
    return {"name": "render_frames", "rows": rows, "data": data}


if __name__ == "__main__":
    main(measure, __doc__)
