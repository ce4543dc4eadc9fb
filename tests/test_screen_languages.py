"""Every scene the device shows, at every screen size it is made for, in
every language it speaks, fits: each made by the presenter from a schedule
in that state (``tools/render_scenes.py``'s scenes, the progress pages
among them), laid out, and checked that no line is cut short or left out,
leaves the screen, overlaps another line, the figure, the countdown ring,
the dots or a progress page's bars, or is smaller than the screen's
smallest text. English is checked in both its clocks (24-hour as
written; ``en-US``, 12-hour, the widest times)."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import dataclasses
import sys
from pathlib import Path

import pygame
import pytest

from microbreak.core.views import (
    DoneView,
    ExerciseView,
    IdleView,
    NoticeView,
    StreakView,
    TodayView,
    WeekView,
)
from microbreak.drawing.fitting import ELLIPSIS
from microbreak.drawing.screen import Screen
from microbreak.drawing.text import min_text_height
from microbreak.language import languages, translation

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from render_scenes import scenes  # noqa: E402

SIZES = [(240, 240), (320, 240), (480, 320), (800, 480)]
LANGUAGES = ["", "en-US", "de", "es"]  # "": English as written, on a 24-hour clock

pygame.font.init()

SCENES = {language: list(scenes(translation(language))) for language in LANGUAGES}
CASES = [
    pytest.param(size, language, name, view, id=f"{language or 'en'}-{size[0]}x{size[1]}-{name}")
    for language in LANGUAGES
    for size in SIZES
    for name, view in SCENES[language]
]


def test_every_shipped_language_is_checked_and_every_scene_is_in_each():
    assert sorted({tag.split("-")[0] or "en" for tag in LANGUAGES}) == sorted(languages())
    names = [[name for name, _ in SCENES[language]] for language in LANGUAGES]
    assert all(n == names[0] for n in names) and len(names[0]) >= 25


def plain(text: str) -> str:
    """*text* as words: a line break drops the "·" it breaks at."""
    return " ".join(text.replace("·", " ").split())


def must_show(view) -> list[str]:
    """The texts of *view* that every screen shows whole (the dose, the
    detail beside a countdown ring and the ring's unit give way by design)."""
    if isinstance(view, ExerciseView):
        return [view.exercise.title, *view.exercise.steps, view.hint, view.position]
    if isinstance(view, IdleView):
        detail = view.detail if view.countdown is None or view.asleep else ""
        return [view.clock, view.headline, detail, view.today, view.hint, view.countdown_text]
    if isinstance(view, DoneView):
        return [view.title, view.summary]
    if isinstance(view, TodayView):
        return [view.title, view.headline, view.detail, view.hint]
    if isinstance(view, WeekView):
        return [view.title, view.summary, view.hint]
    if isinstance(view, StreakView):  # the most done and the least done stay where not all fit
        exercises = [view.exercises[0][0], view.exercises[-1][0]] if view.exercises else []
        return [view.streak, view.caption, view.best, view.hint, *exercises]
    assert isinstance(view, NoticeView)
    return [view.title, *view.lines, view.hint]


@pytest.mark.slow
@pytest.mark.parametrize("size, language, name, view", CASES)
def test_every_scene_fits_whole_in_every_language(size, language, name, view):
    screen = Screen(pygame.Surface(size))
    plan = screen.draw(dataclasses.replace(view, hold=None))
    lines = [t.text for t in plan.texts]
    assert not [line for line in lines if line.endswith(ELLIPSIS)], "a line is cut short"
    shown = plain(" ".join(lines))
    for text in must_show(view):
        assert plain(text) in shown, f"{text!r} is not shown whole: {lines}"
    if view.hold is not None:
        plan = screen.draw(view)
        assert plain(view.hold.label) in plain(" ".join(t.text for t in plan.texts))
    bounds, minimum = screen.surface.get_rect(), min_text_height(size)
    taken = [r for r in (plan.figure, plan.ring, plan.hold_bar) if r is not None]
    taken += [rect for rect, _ in plan.dots]
    taken += [block.rect for block in plan.blocks]
    for i, line in enumerate(plan.texts):
        assert bounds.contains(line.rect), line
        assert line.height >= minimum, line
        assert line.rect.collidelist(taken) == -1 or _inside_ring(line, plan), line
        for other in plan.texts[i + 1 :]:
            assert not line.rect.colliderect(other.rect), (line, other)
    for i, (dot, _) in enumerate(plan.dots):
        assert bounds.contains(dot) and dot.collidelist([d for d, _ in plan.dots[i + 1 :]]) == -1
    for block in plan.blocks:
        assert bounds.contains(block.rect), block
    if isinstance(view, WeekView):  # every day named, in full or by its letter alike
        names = [day.label for day in view.days], [day.letter for day in view.days]
        assert any(all(n in lines for n in kind) for kind in names), lines


def _inside_ring(line, plan) -> bool:
    """The minutes and their unit are drawn inside the countdown ring."""
    return plan.ring is not None and plan.ring.contains(line.rect)
