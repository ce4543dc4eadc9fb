"""The progress pages on the screen, at every size: legible, nothing off the
screen or overlapping, the bars as long as what they count; and on a running
service, a press at the button steps through them with the history's figures."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from datetime import datetime, timedelta, timezone

import pygame
import pytest

from microbreak.config.exercises import load_exercises
from microbreak.config.settings import parse_settings
from microbreak.core.effects import Outcome
from microbreak.core.gestures import Gesture
from microbreak.core.pages import streak_page, today_page, week_page
from microbreak.core.progress import Figures
from microbreak.core.totals import Totals
from microbreak.core.views import IdleView, StreakView, TodayView, WeekView
from microbreak.drawing.fitting import ELLIPSIS
from microbreak.drawing.palette import ACCENT, ATTENTION, BACKGROUND
from microbreak.drawing.screen import Screen
from microbreak.drawing.text import min_text_height
from microbreak.parts.display import Display
from microbreak.service.clock import FakeClock
from microbreak.service.loop import Service
from microbreak.storage.history import History

SIZES = [(240, 240), (320, 240), (480, 320), (800, 480), (1024, 600)]
EXERCISES = {e.name: e for e in load_exercises()}
TODAY = Totals(7, completed=4, partial=1, missed=1, away=1, sets=9)
FIGURES = Figures(
    week=(Totals(10, completed=8, partial=1, missed=1), Totals(4, completed=2, skipped=2), TODAY),
    streak=3,
    best=12,
    done=tuple((name, 200 - 20 * i) for i, name in enumerate(EXERCISES)),
)
PAGES = {
    "today": today_page(TODAY, ("completed",) * 4 + ("partial", "away", "missed"), "14:35", "x"),
    "week": week_page(FIGURES, 2, "Press: streak"),
    "streak": streak_page(FIGURES, EXERCISES, "Press: back"),
    "empty week": week_page(Figures(), 0, "Press: streak"),
    "no breaks": today_page(Totals(), (), "09:45", "Press: this week"),
}
CASES = [
    pytest.param(size, view, id=f"{size[0]}x{size[1]}-{name}")
    for size in SIZES
    for name, view in PAGES.items()
]

pygame.font.init()


def draw(size, view):
    screen = Screen(pygame.Surface(size))
    return screen, screen.draw(view)


@pytest.mark.parametrize("size, view", CASES)
def test_a_page_is_legible_whole_and_on_the_screen(size, view):
    screen, plan = draw(size, view)
    bounds = screen.surface.get_rect()
    for line in plan.texts:
        assert bounds.contains(line.rect), line
        assert line.height >= min_text_height(size), line
        assert not line.text.endswith(ELLIPSIS), line  # nothing cut short
    for i, a in enumerate(plan.texts):
        for b in plan.texts[i + 1 :]:
            assert not a.rect.colliderect(b.rect), (a, b)
    for block in plan.blocks:
        assert plan.layout.body.contains(block.rect), block
        assert not any(block.rect.colliderect(t.rect) for t in plan.texts), block
    for rect, _ in plan.dots:
        assert plan.layout.body.contains(rect)
        assert not any(rect.colliderect(t.rect) for t in plan.texts)


@pytest.mark.parametrize("size", SIZES)
def test_the_week_bars_are_as_tall_as_the_days_breaks(size):
    _, plan = draw(size, PAGES["week"])
    tops = {}
    for block in plan.blocks:
        column = block.rect.centerx
        tops.setdefault(column, []).append(block.rect)
    monday, tuesday, wednesday = (sorted(tops)[i] for i in range(3))
    height = {c: max(r.bottom for r in tops[c]) - min(r.top for r in tops[c]) for c in tops}
    assert height[monday] > height[wednesday] > height[tuesday]  # 10, 7 and 4 breaks
    assert abs(height[tuesday] / height[monday] - 0.4) < 0.08
    labels = [t for t in plan.texts if t.text[0] in "MTWFS" and len(t.text) <= 3]
    assert len(labels) == 7 and labels[0].rect.left < labels[-1].rect.left


@pytest.mark.parametrize("size", SIZES)
def test_the_streak_keeps_the_least_done_exercise_in_amber_last(size):
    screen, plan = draw(size, PAGES["streak"])
    least = min(EXERCISES.values(), key=lambda e: dict(FIGURES.done)[e.name]).title
    rows = [t for t in plan.texts if t.text in {e.title for e in EXERCISES.values()}]
    assert rows[-1].text == least and rows[0].text == EXERCISES[FIGURES.done[0][0]].title
    fills = [b for b in plan.blocks if b.color in (ACCENT, ATTENTION)]
    assert [b.color for b in fills] == [ACCENT] * (len(fills) - 1) + [ATTENTION]
    assert fills[0].rect.width > fills[-1].rect.width
    assert "3" in [t.text for t in plan.texts]


def test_today_draws_a_dot_for_every_break_it_was_given():
    screen, plan = draw((320, 240), PAGES["today"])
    assert [outcome for _, outcome in plan.dots] == ["completed"] * 4 + [
        "partial",
        "away",
        "missed",
    ]
    rect = plan.dots[0][0]
    assert screen.surface.get_at(rect.center)[:3] == ACCENT
    hollow = plan.dots[-1][0]
    assert screen.surface.get_at(hollow.center)[:3] == BACKGROUND  # missed: a ring


# -- on the running service ------------------------------------------------------


def seed(state, monday, zone):
    """Monday: three breaks done; Tuesday: one done, one missed."""
    history = History(state / "history.sqlite")
    for day, outcomes in ((0, [Outcome.COMPLETED] * 3), (1, [Outcome.COMPLETED, Outcome.MISSED])):
        for n, outcome in enumerate(outcomes):
            at = datetime.combine(monday + timedelta(days=day), datetime.min.time(), zone)
            at += timedelta(hours=10 + n)
            b = history.break_started(at, ("shoulder-rolls", "shoulder-shrug"), "scheduled")
            if outcome is Outcome.COMPLETED:
                history.set_confirmed(b, "shoulder-rolls", at)
                history.set_confirmed(b, "shoulder-shrug", at)
            history.break_ended(b, outcome, at)
    history.close()


@pytest.mark.slow
def test_presses_at_the_button_step_a_running_service_through_its_history(tmp_path, mock_factory):
    zone = timezone(timedelta(hours=1))
    wednesday = datetime(2026, 11, 25, 10, 30, tzinfo=zone)
    (tmp_path / "state").mkdir()
    seed(tmp_path / "state", wednesday.date() - timedelta(days=2), zone)
    clock = FakeClock(wall=wednesday)
    display = Display((320, 240), output="sdl")
    service = Service(
        parse_settings('[hours]\nwed = "00:00-24:00"\n'),
        state_dir=tmp_path / "state",
        runtime_dir=tmp_path / "run",
        clock=clock,
        pin_factory=mock_factory,
        frontend=display,
    )
    try:
        seen = []
        for _ in range(4):
            service.act(lambda now: service.schedule.gesture(Gesture.PRESS, now))
            service.refresh(clock.now())
            seen.append(display._shown)
            clock.advance(2)
        today, week, streak, back = seen
        assert isinstance(today, TodayView) and today.headline == "No breaks yet"
        assert isinstance(week, WeekView) and week.summary == "5 breaks · 80 % done"
        assert [d.counts for d in week.days[:3]] == [
            (("completed", 3),),
            (("completed", 1), ("not_done", 1)),
            (),
        ]
        assert isinstance(streak, StreakView) and (streak.streak, streak.best) == (
            "0",
            "every break done · best 1",
        )
        assert dict(streak.exercises)["Shoulder rolls"] == 4
        assert isinstance(back, IdleView)
        service.act(lambda now: service.schedule.gesture(Gesture.PRESS, now))
        assert service.status()["progress"] == "today"
        clock.advance(20)
        service.act(lambda now: [])
        service.refresh(clock.now())
        assert isinstance(display._shown, IdleView) and service.status()["progress"] is None
    finally:
        service.close()
