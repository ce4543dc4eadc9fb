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
it is drawn again every frame. Only the counter (and a hold's bar) are
painted anew each frame, and the figure when its pose changed (it holds
still through a hold), over what lies under them, kept as a copy or as its
one colour; everything else is painted once, and every line of text is
rendered once.

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
:mod:`~microbreak.drawing.text_scenes`, and the progress pages'
:mod:`~microbreak.drawing.today_scene`, :mod:`~microbreak.drawing.week_scene`,
:mod:`~microbreak.drawing.streak_scene`) and :mod:`~microbreak.drawing.shapes`.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping

import pygame

from microbreak.core.animation import Moment
from microbreak.core.views import (
    DoneView,
    ExerciseView,
    IdleView,
    NoticeView,
    StreakView,
    TodayView,
    View,
    WeekView,
)
from microbreak.drawing.exercise_scene import plan_exercise
from microbreak.drawing.figure import draw_figure
from microbreak.drawing.idle_scene import plan_idle
from microbreak.drawing.palette import CARD
from microbreak.drawing.plan import Plan, with_hold
from microbreak.drawing.shapes import counter_area, draw_bar, draw_counter, draw_dot, ring_image
from microbreak.drawing.streak_scene import plan_streak
from microbreak.drawing.text import font, text_top
from microbreak.drawing.text_scenes import plan_done, plan_notice
from microbreak.drawing.today_scene import plan_today
from microbreak.drawing.week_scene import plan_week

VIEWS = (IdleView, ExerciseView, DoneView, NoticeView, TodayView, WeekView, StreakView)


class Screen:
    """Draws views onto *surface*, filling it.

    ``draw`` lays out and paints a view; laying out is cached, so drawing the
    same view again (say as the hold progress moves) only paints.
    """

    def __init__(self, surface: pygame.Surface):
        self.surface = surface
        self._cached_key: tuple[View, tuple[int, int]] | None = None
        self._cached_plan: Plan | None = None
        self._still_key: tuple[object, str | None] | None = None
        # What lies under each part that moves (the figure's first): a copy,
        # or its one colour.
        self._under: list[tuple[pygame.Rect, pygame.Surface | int]] = []
        # The figure's pose and where it is, while nothing has drawn over it.
        self._figure: tuple[Mapping[str, float], pygame.Rect] | None = None
        self.changed: pygame.Rect = surface.get_rect()  # what the last draw may have changed

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    def plan(self, view: View) -> Plan:
        """Where everything of *view* goes, without drawing it."""
        if not isinstance(view, VIEWS):
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
        moment = self.moment(view, now) if isinstance(view, ExerciseView) else None
        key = (self._cached_key, view.hold.label if view.hold else None)
        if self._under and key == self._still_key:
            painted = self._paint_under(moment)  # only what moves is new
        else:
            self._paint_still(plan, key)
            painted = [surface.get_rect()]
        over_figure = []  # what is painted after the figure
        if moment is not None:
            assert plan.figure is not None and plan.counter is not None  # an exercise's plan
            if self._figure is None:
                box = draw_figure(
                    surface, plan.figure, plan.figure_view, moment.pose, plan.figure_bounds
                )
                self._figure = (moment.pose, box)
            over_figure.append(draw_counter(surface, plan.counter, moment))
        if plan.hold_bar is not None:
            draw_bar(surface, plan.hold_bar, plan.hold_progress)
            over_figure.append(plan.hold_bar)
        if self._figure is not None and self._figure[1].collidelist(over_figure) >= 0:
            self._figure = None  # painted over: the next frame draws it again
        self.changed = _union(painted + over_figure)
        return plan

    def _paint_under(self, moment: Moment | None) -> list[pygame.Rect]:
        """Paint back what lies under the parts that move, and return where:
        the figure's part only when the figure must be drawn again (its pose
        changed, or painting back another part would paint over it)."""
        pieces = self._under
        if self._figure is not None and moment is not None:
            pose, box = self._figure
            others = pieces[1:]  # the figure's part is the first
            if moment.pose == pose and not any(rect.colliderect(box) for rect, _ in others):
                pieces = others
        if pieces is self._under:
            self._figure = None
        for rect, kept in pieces:
            if isinstance(kept, int):
                self.surface.fill(kept, rect)
            else:
                self.surface.blit(kept, rect)
        return [rect for rect, _ in pieces]

    def _paint_still(self, plan: Plan, key: tuple[object, str | None]) -> None:
        """Paint everything of *plan* that stays put from frame to frame, and
        keep what lies under the parts that move (the figure, the counter,
        the hold bar) for as long as the view (and the hold's label) stays
        the same: a copy, or only its colour where it is all one colour (at
        800x480 the figure's card: 0.4 MiB). A still view keeps nothing."""
        surface = self.surface
        self._under = []  # its pixels go before the new are kept
        self._figure = None
        surface.fill(plan.background)
        if plan.ring is not None:
            surface.blit(ring_image(plan.ring.width, plan.ring_fraction), plan.ring)
        for rect, outcome in plan.dots:
            draw_dot(surface, rect, outcome)
        for block in plan.blocks:
            pygame.draw.rect(
                surface, block.color, block.rect, block.outline, border_radius=block.radius
            )
        if plan.card is not None:
            pygame.draw.rect(surface, CARD, plan.card, border_radius=plan.layout.margin)
        if plan.frame_color is not None:
            pygame.draw.rect(
                surface,
                plan.frame_color,
                plan.layout.frame,
                plan.layout.frame_width,
                border_radius=plan.layout.margin,
            )
        for line in plan.texts:  # painted once for the view: not kept
            surface.blit(
                font(line.height).render(line.text, True, line.color),
                (line.rect.left, line.rect.top + text_top(line.height)),
            )
        counter = counter_area(plan.counter) if plan.counter is not None else None
        for moving in (plan.figure, counter, plan.hold_bar):
            if moving is not None:
                rect = moving.clip(surface.get_rect())
                self._under.append((rect, _kept(surface.subsurface(rect))))
        self._still_key = key


def _union(rects: list[pygame.Rect]) -> pygame.Rect:
    return rects[0].unionall(rects[1:]) if rects else pygame.Rect(0, 0, 0, 0)


def _kept(picture: pygame.Surface) -> pygame.Surface | int:
    """*picture*'s one colour (as the surface stores it), or a copy of it."""
    width, height = picture.get_size()
    if width and height:
        same = pygame.mask.from_threshold(picture, picture.get_at((0, 0)), (1, 1, 1, 255))
        if same.count() == width * height:
            return picture.get_at_mapped((0, 0))
    return picture.copy()


def _plan_scene(view: View, size: tuple[int, int]) -> Plan:
    if isinstance(view, IdleView):
        return plan_idle(view, size)
    if isinstance(view, ExerciseView):
        return plan_exercise(view, size)
    if isinstance(view, DoneView):
        return plan_done(view, size)
    if isinstance(view, TodayView):
        return plan_today(view, size)
    if isinstance(view, WeekView):
        return plan_week(view, size)
    if isinstance(view, StreakView):
        return plan_streak(view, size)
    return plan_notice(view, size)


def png_bytes(surface: pygame.Surface) -> bytes:
    """*surface* as a PNG file's bytes."""
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "screen.png")
    return buffer.getvalue()
