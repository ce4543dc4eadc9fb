"""The exercise scene: the figure on its card, the title, the dose and the
numbered steps, and the rep counter with the ring that counts down a hold."""

from __future__ import annotations

import dataclasses
import weakref

import pygame

from microbreak.core.animation import Motion
from microbreak.core.views import ExerciseView
from microbreak.drawing.figure import Bounds, figure_bounds
from microbreak.drawing.fitting import Para, fit, shortened
from microbreak.drawing.layout import Layout, layout
from microbreak.drawing.palette import ACCENT, ATTENTION, MUTED, TEXT
from microbreak.drawing.plan import Counter, Plan, footer_hint, lines_needed
from microbreak.drawing.text import font, line_height


def plan_exercise(view: ExerciseView, size: tuple[int, int]) -> Plan:
    areas = layout(size, figure=True, footer_lines=lines_needed(view.hint, size, full_width=False))
    assert areas.corner is not None  # laid out with a figure
    exercise = view.exercise
    texts = []
    if view.position:
        texts += fit(
            [Para(view.position, 1.0, 1, MUTED, "right", gap=0)],
            areas.corner,
            areas.min_text,
            areas.min_text,
        )
    title = Para(exercise.title, 1.45, 2, TEXT, gap=0, fallback_scale=1.15)
    dose = [Para(view.dose, 1.05, 1, ACCENT, gap=0.2, fallback_scale=1.0)]
    steps = [
        Para(step, 1.0, 3, TEXT, number=f"{i}", gap=0.45 if i == 1 else 0.25, fallback_lines=1)
        for i, step in enumerate(exercise.steps, 1)
    ]
    base = round(areas.min_text * 1.5)
    if areas.header is not None:
        # Square: the title beside the figure, the counter below it standing
        # in for the dose ("3 / 5", and the ring counts the hold's seconds).
        title = dataclasses.replace(title, fallback_scale=1.0)
        texts += fit([title], areas.header, areas.min_text, base, valign="center")
        texts += fit(steps, areas.body, areas.min_text, base, valign="center")
    else:
        body = fit([title, *dose, *steps], areas.body, areas.min_text, base, valign="center")
        if shortened(body):
            # The counter below the figure tells the dose as it goes: leave
            # it out before cutting a step short.
            body = fit([title, *steps], areas.body, areas.min_text, base, valign="center")
        texts += body
    texts += footer_hint(view.hint, areas, MUTED)
    return Plan(
        areas,
        tuple(texts),
        figure=areas.art,
        card=areas.figure,
        figure_view=exercise.view,
        figure_bounds=_motion_bounds(exercise.motion),
        counter=_plan_counter(areas, exercise.motion),
        frame_color=ATTENTION if view.calling else None,
    )


_bounds_of: weakref.WeakKeyDictionary[Motion, Bounds] = weakref.WeakKeyDictionary()


def _motion_bounds(motion: Motion) -> Bounds:
    """The room the figure needs over the whole motion, measured once."""
    bounds = _bounds_of.get(motion)
    if bounds is None:
        bounds = _bounds_of[motion] = figure_bounds(motion.view, motion.poses_along())
    return bounds


def _plan_counter(areas: Layout, motion: Motion) -> Counter:
    """The ring (if the exercise holds) and then the count, in the counter's
    row: centred under the figure, or at the left beside it on a square
    screen. The count has room for its widest value, so it never shifts."""
    row = areas.counter
    assert row is not None  # laid out with a figure
    min_text = areas.min_text
    gap = max(4, min_text // 3)
    ring_size = row.height if motion.hold_seconds else 0
    widest = f"{motion.reps} / {motion.reps}"
    height = max(min_text, round(row.height * 0.72))
    while height > min_text and ring_size + gap + font(height).size(widest)[0] > row.width:
        height -= 1
    width = min(font(height).size(widest)[0], row.width - (ring_size + gap if ring_size else 0))
    used = width + (ring_size + gap if ring_size else 0)
    left = row.left if areas.header is not None else row.left + (row.width - used) // 2
    ring = pygame.Rect(left, row.top, ring_size, ring_size) if ring_size else None
    text_left = ring.right + gap if ring else left
    line = line_height(height)
    text = pygame.Rect(text_left, row.centery - line // 2, width, line)
    return Counter(ring, min_text, _digits_middle(min_text), text, height, _digits_middle(height))


def _digits_middle(height: int) -> int:
    """How far down rendered digits *height* tall their middle is, to centre
    them on the ring and on each other."""
    f = font(height)
    metrics = f.metrics("0")[0]
    assert metrics is not None  # the typeface has digits
    return int(f.get_ascent() - metrics[3] // 2)
