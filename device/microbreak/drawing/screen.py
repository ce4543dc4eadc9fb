"""The device's screen: draws a view from :mod:`microbreak.core.views` onto a surface.

::

    >>> screen = Screen(pygame.Surface((320, 240)))
    >>> plan = screen.draw(IdleView("14:05", "Next break 14:35", "in 30 min",
    ...                             "Today: 3 breaks · 6 sets", ""))
    >>> plan.texts[0].text
    '14:05'

Any size from 240×240 to 1024×600 works. Wider than tall, the figure stands on
the left and the words on the right; square, the figure is on top, with the
title beside it and the steps below.

An exercise moves: the figure shows the movement, a rep counter ("3 / 5") and
a ring counting down each hold pace it, all from the time since the view
appeared (``draw(view, now)``), so :meth:`Screen.animated` is true for it and
it is drawn again every frame. Only the figure and the counter are painted
anew each frame; everything else is kept as one prepared layer, and every
line of text is rendered once.

Text is sized for reading at arm's length: no line is ever smaller than
:func:`~microbreak.drawing.text.min_text_height` — 16 px to the em (capitals 12 px, a lowercase x 9
px, lines 18 px apart) on a 320×240 or 240×240 panel, growing
with the screen's shorter side (21 px at 480×320, 32 px at 800×480, 40 px at
1024×600). Long text wraps, shrinks down to that size and is then cut short
with "…"; it never leaves its area. The rep count is half as large again (23
px on a 320×240 panel) and the seconds in the hold ring are the minimum size.

:meth:`Screen.plan` does the layout without drawing and says where every line
goes, which is what the tests check; :func:`~microbreak.drawing.layout.layout`
is the pure geometry under it. The pieces: :mod:`~microbreak.drawing.text`
(the typeface and its sizes), :mod:`~microbreak.drawing.fitting` (text into an
area), :mod:`~microbreak.drawing.plan`, one module per scene
(:mod:`~microbreak.drawing.idle_scene`, :mod:`~microbreak.drawing.exercise_scene`,
:mod:`~microbreak.drawing.text_scenes`) and :mod:`~microbreak.drawing.shapes`.
"""

from __future__ import annotations

import dataclasses
import io

import pygame

from microbreak.core.animation import Moment
from microbreak.core.views import DoneView, ExerciseView, IdleView, NoticeView, View
from microbreak.drawing.exercise_scene import plan_exercise
from microbreak.drawing.figure import draw_figure
from microbreak.drawing.idle_scene import plan_idle
from microbreak.drawing.palette import CARD
from microbreak.drawing.plan import Plan, with_hold
from microbreak.drawing.shapes import draw_bar, draw_counter, draw_dot, ring_image
from microbreak.drawing.text import rendered, text_top
from microbreak.drawing.text_scenes import plan_done, plan_notice


class Screen:
    """Draws views onto *surface*, filling it.

    ``draw`` lays out and paints a view; laying out is cached, so drawing the
    same view again (say as the hold progress moves) only paints.
    """

    def __init__(self, surface: pygame.Surface):
        self.surface = surface
        self._cached_key: tuple[View, tuple[int, int]] | None = None
        self._cached_plan: Plan | None = None
        self._layer_key: tuple[object, str | None] | None = None
        self._layer: pygame.Surface | None = None
        self.changed: pygame.Rect = surface.get_rect()  # what the last draw may have changed

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    def plan(self, view: View) -> Plan:
        """Where everything of *view* goes, without drawing it."""
        if not isinstance(view, (IdleView, ExerciseView, DoneView, NoticeView)):
            raise TypeError(
                f"cannot draw {type(view).__name__}; expected a view of microbreak.core.views"
            )
        scene = dataclasses.replace(view, hold=None)
        if isinstance(scene, ExerciseView):
            scene = dataclasses.replace(scene, since=0.0)  # paces the motion, moves nothing
        key = (scene, self.size)
        if key != self._cached_key:
            self._cached_plan = _plan_scene(scene, self.size)
            self._cached_key = key
        plan = self._cached_plan
        assert plan is not None
        if view.hold is not None:
            plan = with_hold(plan, view.hold)
        return plan

    def animated(self, view: View | None) -> bool:
        """Whether *view* moves by itself, so must be drawn again every frame:
        an exercise does."""
        return isinstance(view, ExerciseView)

    def moment(self, view: ExerciseView, now: float | None = None) -> Moment:
        """How *view*'s exercise looks at real monotonic time *now*; with no
        *now*, the moment that shows it best in a still picture."""
        motion = view.exercise.motion
        return motion.at(motion.key_seconds if now is None else now - view.since)

    def draw(self, view: View, now: float | None = None) -> Plan:
        """Draw *view* over the whole surface as it looks at real monotonic
        time *now* (for an animated view); return its plan."""
        plan = self.plan(view)
        surface = self.surface
        layer = self._layer
        surface.blit(self._still_layer(plan, view), (0, 0))
        if layer is self._layer:  # the same still layer: only what moves is new
            moving = [r for r in (plan.figure, plan.hold_bar) if r is not None]
            if plan.counter is not None:
                moving += [r for r in (plan.counter.ring, plan.counter.text) if r is not None]
            self.changed = moving[0].unionall(moving[1:]) if moving else pygame.Rect(0, 0, 0, 0)
        else:
            self.changed = surface.get_rect()
        if isinstance(view, ExerciseView):
            assert plan.figure is not None and plan.counter is not None  # an exercise's plan
            moment = self.moment(view, now)
            draw_figure(surface, plan.figure, plan.figure_view, moment.pose, plan.figure_bounds)
            draw_counter(surface, plan.counter, moment)
        if plan.hold_bar is not None:
            draw_bar(surface, plan.hold_bar, plan.hold_progress)
        return plan

    def _still_layer(self, plan: Plan, view: View) -> pygame.Surface:
        """Everything of *plan* that stays put from frame to frame, painted
        once for as long as the view (and the hold's label) stays the same."""
        key = (self._cached_key, view.hold.label if view.hold else None)
        if (
            self._layer is not None
            and key == self._layer_key
            and self._layer.get_size() == self.size
        ):
            return self._layer
        layer = self.surface.copy()  # the surface's own pixel format: a fast blit
        layer.fill(plan.background)
        if plan.ring is not None:
            layer.blit(ring_image(plan.ring.width, plan.ring_fraction), plan.ring)
        for rect, outcome in plan.dots:
            draw_dot(layer, rect, outcome)
        if plan.card is not None:
            pygame.draw.rect(layer, CARD, plan.card, border_radius=plan.layout.margin)
        if plan.frame_color is not None:
            pygame.draw.rect(
                layer,
                plan.frame_color,
                plan.layout.frame,
                plan.layout.frame_width,
                border_radius=plan.layout.margin,
            )
        for line in plan.texts:
            layer.blit(
                rendered(line.text, line.height, line.color),
                (line.rect.left, line.rect.top + text_top(line.height)),
            )
        self._layer, self._layer_key = layer, key
        return layer


def _plan_scene(view: View, size: tuple[int, int]) -> Plan:
    if isinstance(view, IdleView):
        return plan_idle(view, size)
    if isinstance(view, ExerciseView):
        return plan_exercise(view, size)
    if isinstance(view, DoneView):
        return plan_done(view, size)
    return plan_notice(view, size)


def png_bytes(surface: pygame.Surface) -> bytes:
    """*surface* as a PNG file's bytes."""
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "screen.png")
    return buffer.getvalue()
