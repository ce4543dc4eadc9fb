"""The device's screen: draws a view from :mod:`microbreak.views` onto a surface.

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
anew each frame, over a copy of what lies under them; everything else is
painted once, and every line of text is rendered once.

Text is sized for reading at arm's length: no line is ever smaller than
:func:`min_text_height` — 16 px to the em (capitals 12 px, a lowercase x 9
px, lines 18 px apart) on a 320×240 or 240×240 panel, growing
with the screen's shorter side (21 px at 480×320, 32 px at 800×480, 40 px at
1024×600). Long text wraps, shrinks down to that size and is then cut short
with "…"; it never leaves its area. The rep count is half as large again (23
px on a 320×240 panel) and the seconds in the hold ring are the minimum size.

:meth:`Screen.plan` does the layout without drawing and says where every line
goes, which is what the tests check; :func:`layout` is the pure geometry under it.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import weakref
from dataclasses import dataclass
import pygame

from .animation import Moment, Motion
from .figure import Bounds, draw_figure, figure_bounds
from .resources import data_dir
from .views import DoneView, ExerciseView, HoldHint, IdleView, NoticeView, View

MIN_TEXT_FLOOR = 16
"""The smallest text height, in pixels, on the smallest screens."""

COUNTER_SCALE = 2.0
"""The counter's row, and the hold ring across it, in smallest text heights."""

BACKGROUND = (20, 24, 33)
CARD = (33, 39, 54)
TEXT = (240, 242, 246)
MUTED = (158, 168, 190)
ACCENT = (78, 205, 196)
ATTENTION = (255, 184, 56)
TRACK = (58, 66, 86)
ASLEEP_BACKGROUND = (4, 5, 8)
ASLEEP_TEXT = (62, 68, 84)  # outside working hours the screen sleeps: just legible up close
DOT_COLORS = {"completed": ACCENT, "partial": ATTENTION, "away": MUTED}  # others: hollow
"""A break's outcome as a colour: on today's dots, and the summary's title
(skipped or missed: muted, nothing to celebrate)."""

ELLIPSIS = "…"


def min_text_height(size: tuple[int, int]) -> int:
    """The smallest text height for a screen of *size*, in pixels::

        >>> min_text_height((320, 240)), min_text_height((800, 480))
        (16, 32)
    """
    return max(MIN_TEXT_FLOOR, round(MIN_TEXT_FLOOR * min(size) / 240))


# ------------------------------------------------------------------- fonts

TYPEFACE = "fonts/NotoSans-Bold.ttf"
"""The typeface, under ``images/``: Noto Sans Bold (SIL Open Font License;
``images/fonts/OFL.txt`` says how it was cut down to Latin, Greek and
Cyrillic), hinted for screens, so letters sit where its designers spaced
them at every size."""

_fonts: dict[int, pygame.font.Font] = {}


def font(height: int) -> pygame.font.Font:
    """The typeface at *height* pixels to the em: capitals about three
    quarters of that (12 px at 16). Lines of it are :func:`line_height` apart.
    The sizes used most recently are kept (:data:`FONTS_KEPT`)."""
    if not pygame.font.get_init():
        pygame.font.init()
        _fonts.clear()
    f = _fonts.pop(height, None)  # kept least recently used first
    if f is None:
        f = pygame.font.Font(io.BytesIO(_typeface()), max(1, height))
        if len(_fonts) >= FONTS_KEPT:
            del _fonts[next(iter(_fonts))]
    _fonts[height] = f
    return f


FONTS_KEPT = 8  # each is a FreeType face (~80 KB); fitting text tries many, a view uses 5 at most


@functools.cache
def _typeface() -> bytes:
    """The font file, read once: a font made from memory holds no file open
    (one made from a path holds one per size)."""
    return (data_dir("images") / TYPEFACE).read_bytes()


def line_height(height: int) -> int:
    """How far apart lines of text *height* tall are (18 px at 16): the pitch
    the screens are laid out with, tighter than the typeface's own (1.36 em,
    room for stacked accents these short texts do not have).

        >>> line_height(16), line_height(32)
        (18, 35)
    """
    return height + max(2, round(height / 10))


def text_top(height: int) -> int:
    """Where to blit :func:`rendered` text, relative to the top of its line:
    its baseline then lies 0.8 × *height* down the line (13 px at 16), and
    the room above the capitals that the typeface keeps for accents rises
    into the gap above."""
    return round(height * 0.8) - font(height).get_ascent()


RENDERED_KEPT = 400
RENDERED_BYTES = 2 * 1024 * 1024
_rendered: dict[tuple, pygame.Surface] = {}  # least recently used first
_rendered_bytes = 0


def rendered(text: str, height: int, color) -> pygame.Surface:
    """*text* rendered at *height* in *color*, kept for the next time: the
    counter's counts and seconds, drawn every frame. The least recently used
    are forgotten first."""
    global _rendered_bytes
    key = (text, height, tuple(color))
    surface = _rendered.pop(key, None)
    if surface is None:
        surface = font(height).render(text, True, color)
        _rendered_bytes += surface.get_pitch() * surface.get_height()
        while _rendered and (len(_rendered) >= RENDERED_KEPT or _rendered_bytes > RENDERED_BYTES):
            oldest = _rendered.pop(next(iter(_rendered)))
            _rendered_bytes -= oldest.get_pitch() * oldest.get_height()
    _rendered[key] = surface
    return surface


def png_bytes(surface: pygame.Surface) -> bytes:
    """*surface* as a PNG file's bytes."""
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "screen.png")
    return buffer.getvalue()


# ------------------------------------------------------------------ layout

@dataclass(frozen=True)
class Layout:
    """Where things go on a screen: rects in surface coordinates."""

    size: tuple[int, int]
    min_text: int
    margin: int
    figure: pygame.Rect | None  # the card the figure is drawn on
    art: pygame.Rect | None  # inside the card: where the person is drawn
    corner: pygame.Rect | None  # for the exercise's position ("1 / 2")
    counter: pygame.Rect | None  # the rep counter and the hold ring
    header: pygame.Rect | None  # square screens: the title, beside the figure
    body: pygame.Rect  # title, steps, clock …
    footer: pygame.Rect  # the button hint, or the hold progress
    frame: pygame.Rect  # drawn round the edge to call for attention
    frame_width: int


def is_landscape(size: tuple[int, int]) -> bool:
    width, height = size
    return width >= height * 1.2


def layout(size: tuple[int, int], figure: bool, footer_lines: int = 2) -> Layout:
    """Split a screen of *size* into areas, with room for a figure or not, and
    a footer tall enough for *footer_lines* lines of the smallest text.

    ::

        >>> areas = layout((320, 240), figure=True)
        >>> areas.figure.right < areas.body.left
        True
    """
    width, height = size
    min_text = min_text_height(size)
    margin = max(8, round(min_text * 0.6))
    frame_width = max(3, round(min_text / 6))
    line = line_height(min_text)
    footer_height = max(2, footer_lines) * line + round(min_text * 0.25)
    counter_height = round(min_text * COUNTER_SCALE)
    inner = pygame.Rect(margin, margin, width - 2 * margin, height - 2 * margin)
    frame = pygame.Rect(0, 0, width, height).inflate(-frame_width, -frame_width)

    if not figure:
        footer = pygame.Rect(inner.left, inner.bottom - footer_height, inner.width, footer_height)
        body = pygame.Rect(inner.left, inner.top, inner.width, footer.top - margin - inner.top)
        return Layout(size, min_text, margin, None, None, None, None, None, body, footer,
                      frame, frame_width)

    if is_landscape(size):
        figure_rect = pygame.Rect(inner.left, inner.top, round(inner.width * 0.40), inner.height)
        column = pygame.Rect(figure_rect.right + margin, inner.top,
                             inner.right - figure_rect.right - margin, inner.height)
        footer = pygame.Rect(column.left, column.bottom - footer_height, column.width, footer_height)
        body = pygame.Rect(column.left, column.top, column.width, footer.top - margin // 2 - column.top)
        # The card's top corner holds the position, above the person; the
        # counter goes below. The person is drawn as large as the card's
        # width allows, which leaves that room spare.
        pad = margin // 2
        card = figure_rect.inflate(-2 * pad, -2 * pad)
        corner_width = font(min_text).size("10 / 10")[0]
        corner = pygame.Rect(card.right - corner_width, card.top, corner_width, line)
        counter = pygame.Rect(card.left, card.bottom - counter_height, card.width, counter_height)
        art = pygame.Rect(card.left, card.top + line, card.width, counter.top - pad - card.top - line)
        return Layout(size, min_text, margin, figure_rect, art, corner, counter, None,
                      body, footer, frame, frame_width)

    # Square: the figure top left, the title beside it, the steps below.
    band = round(inner.height * 0.40)
    figure_rect = pygame.Rect(inner.left, inner.top, round(inner.width * 0.38), band)
    gap = margin * 2 // 3
    side = pygame.Rect(figure_rect.right + gap, inner.top, inner.right - figure_rect.right - gap, band)
    corner = pygame.Rect(side.left, side.top, side.width, line)
    counter = pygame.Rect(side.left, side.bottom - counter_height, side.width, counter_height)
    header = pygame.Rect(side.left, side.top + line, side.width, counter.top - side.top - line)
    footer = pygame.Rect(inner.left, inner.bottom - footer_height, inner.width, footer_height)
    top = figure_rect.bottom + margin // 2
    body = pygame.Rect(inner.left, top, inner.width, footer.top - margin // 2 - top)
    art = figure_rect.inflate(-margin, -margin)
    return Layout(size, min_text, margin, figure_rect, art, corner, counter, header,
                  body, footer, frame, frame_width)


# -------------------------------------------------------------------- plan

@dataclass(frozen=True)
class Text:
    """One line of text, where it is drawn, and how tall its font is."""

    text: str
    rect: pygame.Rect
    height: int
    color: tuple[int, int, int]


@dataclass(frozen=True)
class Counter:
    """Where the rep counter ("3 / 5") and the ring counting down a hold go."""

    ring: pygame.Rect | None  # None for an exercise without a hold
    ring_text: int  # the height of the seconds left, inside the ring
    ring_text_middle: int  # how far down their rendered image the digits' middle is
    text: pygame.Rect  # room for the widest count, "10 / 10"
    text_height: int
    text_middle: int


@dataclass(frozen=True)
class Plan:
    """Everything one view puts on the screen, before it is drawn."""

    layout: Layout
    texts: tuple[Text, ...]
    figure: pygame.Rect | None = None  # where the person is drawn
    card: pygame.Rect | None = None  # the panel behind the person
    figure_view: str = "front"
    figure_bounds: Bounds | None = None  # the model area every frame of the motion fits
    counter: Counter | None = None
    frame_color: tuple[int, int, int] | None = None
    hold_bar: pygame.Rect | None = None
    hold_progress: float = 0.0
    ring: pygame.Rect | None = None  # idle: the countdown to the next break
    ring_fraction: float = 0.0
    dots: tuple[tuple[pygame.Rect, str], ...] = ()  # idle: one per break today
    background: tuple[int, int, int] = BACKGROUND


@dataclass
class _Para:
    text: str
    scale: float  # text height relative to the block's base height
    max_lines: int
    color: tuple[int, int, int]
    align: str = "left"
    number: str = ""  # drawn in the margin of a numbered step
    gap: float = 0.3  # space above, relative to the text height
    # When space is short: how many lines, and how much smaller
    fallback_lines: int = 0
    fallback_scale: float = 0.0

    def fallback(self) -> _Para:
        return dataclasses.replace(self, max_lines=self.fallback_lines or self.max_lines,
                                   scale=self.fallback_scale or self.scale, gap=self.gap * 0.5)


class Screen:
    """Draws views onto *surface*, filling it.

    ``draw`` lays out and paints a view; laying out is cached, so drawing the
    same view again (say as the hold progress moves) only paints.
    """

    def __init__(self, surface: pygame.Surface):
        self.surface = surface
        self._cached_key = None
        self._cached_plan: Plan | None = None
        self._still_key = None
        self._under: pygame.Surface | None = None  # the still picture under what moves
        self._under_rect = pygame.Rect(0, 0, 0, 0)
        self.changed: pygame.Rect = surface.get_rect()  # what the last draw may have changed

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    def plan(self, view: View) -> Plan:
        """Where everything of *view* goes, without drawing it."""
        if not isinstance(view, (IdleView, ExerciseView, DoneView, NoticeView)):
            raise TypeError(f"cannot draw {type(view).__name__}; expected a view of "
                            "microbreak.views")
        scene = dataclasses.replace(view, hold=None)
        if isinstance(scene, ExerciseView):
            scene = dataclasses.replace(scene, since=0.0)  # paces the motion, moves nothing
        key = (scene, self.size)
        if key != self._cached_key:
            self._cached_plan = _plan_scene(scene, self.size)
            self._cached_key = key
        plan = self._cached_plan
        if view.hold is not None:
            plan = _with_hold(plan, view.hold)
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
        key = (self._cached_key, view.hold.label if view.hold else None)
        if self._under is not None and key == self._still_key:
            surface.blit(self._under, self._under_rect)  # only what moves is new
            self.changed = self._under_rect
        else:
            self._paint_still(plan, key)
            self.changed = surface.get_rect()
        if isinstance(view, ExerciseView):
            moment = self.moment(view, now)
            draw_figure(surface, plan.figure, plan.figure_view, moment.pose, plan.figure_bounds)
            _draw_counter(surface, plan.counter, moment)
        if plan.hold_bar is not None:
            _draw_bar(surface, plan.hold_bar, plan.hold_progress)
        return plan

    def _paint_still(self, plan: Plan, key) -> None:
        """Paint everything of *plan* that stays put from frame to frame, and
        keep a copy of what lies under the parts that move (the figure, the
        counter, the hold bar) for as long as the view (and the hold's label)
        stays the same: a still view keeps nothing."""
        surface = self.surface
        surface.fill(plan.background)
        if plan.ring is not None:
            surface.blit(_ring(plan.ring.width, plan.ring_fraction), plan.ring)
        for rect, outcome in plan.dots:
            _draw_dot(surface, rect, outcome)
        if plan.card is not None:
            pygame.draw.rect(surface, CARD, plan.card, border_radius=plan.layout.margin)
        if plan.frame_color is not None:
            pygame.draw.rect(surface, plan.frame_color, plan.layout.frame,
                             plan.layout.frame_width, border_radius=plan.layout.margin)
        for line in plan.texts:  # painted once for the view: not kept
            surface.blit(font(line.height).render(line.text, True, line.color),
                         (line.rect.left, line.rect.top + text_top(line.height)))
        moving = [r for r in (plan.figure, plan.hold_bar) if r is not None]
        if plan.counter is not None:
            moving += [r for r in (plan.counter.ring, plan.counter.text) if r is not None]
        self._under = None  # its pixels go before the copy is made
        if moving:
            self._under_rect = moving[0].unionall(moving[1:]).clip(surface.get_rect())
            self._under = surface.subsurface(self._under_rect).copy()
        self._still_key = key


# ----------------------------------------------------------------- scenes

def _plan_scene(view: View, size: tuple[int, int]) -> Plan:
    if isinstance(view, IdleView):
        return _plan_idle(view, size)
    if isinstance(view, ExerciseView):
        return _plan_exercise(view, size)
    if isinstance(view, DoneView):
        return _plan_done(view, size)
    return _plan_notice(view, size)


def _plan_idle(view: IdleView, size) -> Plan:
    """The clock, when the next break is (with a ring counting down to it
    when one is coming), and today's breaks as dots."""
    areas = layout(size, figure=False, footer_lines=_lines_needed(view.hint, size, full_width=True))
    text, muted = (ASLEEP_TEXT, ASLEEP_TEXT) if view.asleep else (TEXT, MUTED)
    headline = ATTENTION if view.heads_up else text
    if not view.hint:  # no hint: the body may use the footer's room too
        areas = dataclasses.replace(areas, body=areas.body.union(areas.footer))
    body, ring, ring_texts = areas.body, None, []
    if view.countdown is not None and not view.asleep:
        body, ring = _split_for_ring(areas)
        inside = ring.inflate(-ring.width // 4, -ring.width // 4)
        inside_paras = [_Para(view.countdown_text, 2.2, 1, text, "center", gap=0)]
        if inside.height >= areas.min_text * 4:  # room for the unit under the number
            inside_paras.append(_Para("min", 1.0, 1, muted, "center", gap=0))
        ring_texts = _fit(inside_paras, inside, areas.min_text, areas.min_text, valign="center")
    dot = max(6, round(areas.min_text * 0.55))
    if view.dots:
        body = pygame.Rect(body.left, body.top, body.width, body.height - dot * 2)
    detail = "" if ring is not None else view.detail
    paras = [
        _Para(view.clock, 3.2, 1, text, "center", gap=0),
        _Para(view.headline, 1.5, 1, headline, "center", gap=0.4, fallback_lines=2),
        _Para(detail, 1.1, 1, muted, "center", fallback_lines=2),
        _Para(view.today, 1.0, 1, muted, "center", gap=0.6, fallback_lines=2),
    ]
    texts = _fit(paras, body, areas.min_text, round(areas.min_text * 1.6), valign="center")
    texts += ring_texts
    texts += _footer_hint(view.hint, areas, ATTENTION if view.heads_up else muted)
    dots = _dot_row(view.dots, body, max((t.rect.bottom for t in texts if body.contains(t.rect)),
                                         default=body.centery), dot)
    return Plan(areas, tuple(texts), frame_color=ATTENTION if view.heads_up else None,
                ring=ring, ring_fraction=view.countdown or 0.0, dots=dots,
                background=ASLEEP_BACKGROUND if view.asleep else BACKGROUND)


def _split_for_ring(areas: Layout) -> tuple[pygame.Rect, pygame.Rect]:
    """The body with room taken for the countdown ring: at the left on a
    landscape screen, above on a square one. Returns (what is left, the ring)."""
    body, margin = areas.body, areas.margin
    if is_landscape(areas.size):
        side = min(body.height, round(body.width * 0.38))
        ring = pygame.Rect(body.left, body.centery - side // 2, side, side)
        return pygame.Rect(ring.right + margin, body.top, body.right - ring.right - margin,
                           body.height), ring
    side = min(round(body.height * 0.34), body.width // 2)
    ring = pygame.Rect(body.centerx - side // 2, body.top, side, side)
    return pygame.Rect(body.left, ring.bottom + margin // 2, body.width,
                       body.bottom - ring.bottom - margin // 2), ring


def _dot_row(outcomes, area: pygame.Rect, below: int, size: int):
    """Dots in a row under the text, centred; as many of the latest as fit."""
    if not outcomes:
        return ()
    step = round(size * 1.6)
    fits = max(1, (area.width + step - size) // step)
    shown = outcomes[-fits:]
    width = size + step * (len(shown) - 1)
    left = area.centerx - width // 2
    top = min(below + size // 2, area.bottom + size)
    return tuple((pygame.Rect(left + i * step, top, size, size), outcome)
                 for i, outcome in enumerate(shown))


def _plan_notice(view: NoticeView, size) -> Plan:
    areas = layout(size, figure=False, footer_lines=_lines_needed(view.hint, size, full_width=True))
    paras = [_Para(view.title, 1.8, 2, ATTENTION, "center", gap=0)]
    paras += [_Para(line, 1.0, 3, TEXT, "center", gap=0.5) for line in view.lines]
    texts = _fit(paras, areas.body, areas.min_text, round(areas.min_text * 1.4), valign="center")
    texts += _footer_hint(view.hint, areas, ACCENT)
    return Plan(areas, tuple(texts))


def _plan_exercise(view: ExerciseView, size) -> Plan:
    areas = layout(size, figure=True, footer_lines=_lines_needed(view.hint, size, full_width=False))
    exercise = view.exercise
    texts = []
    if view.position:
        texts += _fit([_Para(view.position, 1.0, 1, MUTED, "right", gap=0)],
                      areas.corner, areas.min_text, areas.min_text)
    title = _Para(exercise.title, 1.45, 2, TEXT, gap=0, fallback_scale=1.15)
    dose = [_Para(exercise.dose, 1.05, 1, ACCENT, gap=0.2, fallback_scale=1.0)]
    steps = [_Para(step, 1.0, 3, TEXT, number=f"{i}", gap=0.45 if i == 1 else 0.25, fallback_lines=1)
             for i, step in enumerate(exercise.steps, 1)]
    base = round(areas.min_text * 1.5)
    if areas.header is not None:
        # Square: the title beside the figure, the counter below it standing
        # in for the dose ("3 / 5", and the ring counts the hold's seconds).
        title = dataclasses.replace(title, fallback_scale=1.0)
        texts += _fit([title], areas.header, areas.min_text, base, valign="center")
        texts += _fit(steps, areas.body, areas.min_text, base, valign="center")
    else:
        body = _fit([title, *dose, *steps], areas.body, areas.min_text, base, valign="center")
        if _shortened(body):
            # The counter below the figure tells the dose as it goes: leave
            # it out before cutting a step short.
            body = _fit([title, *steps], areas.body, areas.min_text, base, valign="center")
        texts += body
    texts += _footer_hint(view.hint, areas, MUTED)
    return Plan(areas, tuple(texts), figure=areas.art, card=areas.figure, figure_view=exercise.view,
                figure_bounds=_motion_bounds(exercise.motion),
                counter=_plan_counter(areas, exercise.motion),
                frame_color=ATTENTION if view.calling else None)


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
    return f.get_ascent() - f.metrics("0")[0][3] // 2


def _plan_done(view: DoneView, size) -> Plan:
    areas = layout(size, figure=False)
    paras = [
        _Para(view.title, 2.4, 2, DOT_COLORS.get(view.outcome, MUTED), "center", gap=0),
        _Para(view.summary, 1.1, 1, TEXT, "center", gap=0.6, fallback_lines=3),
    ]
    texts = _fit(paras, areas.body, areas.min_text, round(areas.min_text * 1.8), valign="center")
    return Plan(areas, tuple(texts))


def _shortened(texts: list[Text]) -> bool:
    return any(t.text.endswith(ELLIPSIS) for t in texts)


def _lines_needed(hint: str, size, full_width: bool) -> int:
    """How many lines of the smallest text *hint* takes in the footer (2–3)."""
    if not hint:
        return 2
    areas = layout(size, figure=not full_width)
    f = font(areas.min_text)
    return min(3, max(2, len(_wrap(f, hint, areas.footer.width))))


def _footer_hint(hint: str, areas: Layout, color) -> list[Text]:
    if not hint:
        return []
    return _fit([_Para(hint, 1.0, 3, color, "center" if areas.figure is None else "left", gap=0)],
                areas.footer, areas.min_text, areas.min_text, valign="bottom")


def _with_hold(plan: Plan, hold: HoldHint) -> Plan:
    """The plan with the footer given over to the hold: its label, and a bar."""
    footer = plan.layout.footer
    min_text = plan.layout.min_text
    texts = tuple(t for t in plan.texts if not footer.colliderect(t.rect))
    bar_height = max(6, round(min_text * 0.5))
    bar = pygame.Rect(footer.left, footer.bottom - bar_height, footer.width, bar_height)
    label_area = pygame.Rect(footer.left, footer.top, footer.width, bar.top - footer.top - 2)
    label = _fit([_Para(hold.label, 1.0, 1, TEXT, "center" if plan.layout.figure is None else "left", gap=0)],
                 label_area, min_text, min_text, valign="bottom")
    return dataclasses.replace(plan, texts=texts + tuple(label), hold_bar=bar,
                               hold_progress=max(0.0, min(1.0, hold.progress)))


# ------------------------------------------------------------- text fitting

def _fit(paras: list[_Para], area: pygame.Rect, min_height: int, base: int, valign: str = "top") -> list[Text]:
    """Lay out *paras* in *area*, as large as fits from a base height of
    *base* down to *min_height*.

    If they don't fit even at the minimum, the paragraphs fall back (to fewer
    lines for a step, more for a summary, a smaller title) and are shortened
    with "…" to fit their lines: every step to two lines, or the first few to
    two and the rest to one. Failing that, whatever doesn't fit is left out,
    the last line that fits ending in "…".
    """
    paras = [p for p in paras if p.text.strip()]
    if not paras:
        return []
    placed = _largest(paras, area, min_height, base)
    if placed is None:
        fallback = [p.fallback() for p in paras]
        steps = [i for i, p in enumerate(paras) if p.number]
        two = [dataclasses.replace(f, max_lines=min(p.max_lines, 2)) for p, f in zip(paras, fallback)]
        placed = _largest(fallback, area, min_height, base)  # whole, if smaller
        for keep in range(len(steps), -1, -1):
            if placed is not None:
                break
            mixed = [two[i] if i in steps[:keep] else fallback[i] for i in range(len(paras))]
            placed = _largest(mixed, area, min_height, base, shorten=True)
        if placed is None:
            placed = _place(fallback, area, min_height, min_height, shorten=True, cut=True)
    used = max(t.rect.bottom for t in placed) - area.top if placed else 0
    shift = 0
    if valign == "center":
        shift = (area.height - used) // 2
    elif valign == "bottom":
        shift = area.height - used
    return [dataclasses.replace(t, rect=t.rect.move(0, max(0, shift))) for t in placed]


def _largest(paras, area, min_height, base, shorten=False):
    """Placed at the largest base height that fits, or None."""
    height = max(base, min_height)
    while True:
        placed = _place(paras, area, min_height, height, shorten=shorten, cut=False)
        if placed is not None or height <= min_height:
            return placed
        height = max(min_height, height - max(1, height // 14))


def _place(paras, area, min_height, base, shorten, cut):
    """Place lines top down, or return None if they don't fit. With *shorten*
    a paragraph longer than its lines ends in "…"; with *cut* so does the last
    line that fits in *area*, and the rest is left out."""
    texts = []
    y = area.top
    for para in paras:
        height = max(min_height, round(base * para.scale))
        f = font(height)
        indent = f.size("4")[0] + round(height * 0.2) if para.number else 0
        width = area.width - indent
        lines = _wrap(f, para.text, width)
        if len(lines) > para.max_lines or any(f.size(line)[0] > width for line in lines):
            if not shorten:
                return None
            lines = _shorten(f, para.text, lines, width, para.max_lines)
        pitch = line_height(height)
        if texts:
            y += round(height * para.gap)
        for i, line in enumerate(lines):
            if y + pitch > area.bottom:
                if not cut:
                    return None
                if texts:
                    last = texts[-1]
                    texts[-1] = _ellipsized(last, area.right - last.rect.left)
                return texts
            if para.number and i == 0:
                number_width = f.size(para.number)[0]
                texts.append(Text(para.number, pygame.Rect(area.left, y, number_width, pitch), height, ACCENT))
            w = f.size(line)[0]
            if para.align == "center":
                x = area.left + (area.width - w) // 2
            elif para.align == "right":
                x = area.right - w
            else:
                x = area.left + indent
            texts.append(Text(line, pygame.Rect(x, y, w, pitch), height, para.color))
            y += pitch
    return texts


def _wrap(f, text, width):
    """Break *text* into lines no wider than *width* where it can, between the
    parts of a "a · b · c" list first (the "·" goes where the line breaks, so
    no line starts or ends with one), then between words."""
    lines = []
    current = ""
    for part in text.split(" · "):
        candidate = f"{current} · {part}" if current else part
        if f.size(candidate)[0] <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        for word in part.split():
            candidate = f"{current} {word}" if current else word
            if current and f.size(candidate)[0] > width:
                lines.append(current)
                current = word
            else:
                current = candidate
    lines.append(current)
    return lines


def _shorten(f, text, lines, width, max_lines):
    """*lines* of *text* cut to at most *max_lines*, each no wider than
    *width*, the last ending in "…" if anything was left out."""
    cut = len(lines) > max_lines
    kept = lines[:max_lines - 1] + [_rest(text, lines, max_lines - 1)] if cut else lines
    result = []
    for i, line in enumerate(kept):
        if f.size(line)[0] > width or (cut and i == len(kept) - 1):
            line = _cut_to(f, line, width)
        result.append(line)
    return result


def _rest(text, lines, first):
    """*text* from where ``lines[first]`` starts, with the "·" that stood
    where later lines broke."""
    words = " ".join(text.split())
    start = 0
    try:
        for line in lines[:first]:
            start = words.index(line, start) + len(line)
    except ValueError:  # spaced unevenly round a "·": only the words, then
        return " ".join(lines[first:])
    return words[start:].lstrip(" ·")


def _cut_to(f, text, width):
    text = text.rstrip(ELLIPSIS)
    while text and f.size(text.rstrip() + ELLIPSIS)[0] > width:
        text = text[:-1]
    return text.rstrip(" ,.;:·") + ELLIPSIS


def _ellipsized(line: Text, width: int) -> Text:
    f = font(line.height)
    text = _cut_to(f, line.text, width)
    return dataclasses.replace(line, text=text, rect=pygame.Rect(line.rect.topleft, (f.size(text)[0], line.rect.height)))


# ------------------------------------------------------------------ shapes

def _draw_bar(surface, rect, progress):
    radius = rect.height // 2
    pygame.draw.rect(surface, TRACK, rect, border_radius=radius)
    if progress > 0:
        filled = pygame.Rect(rect.left, rect.top, max(rect.height, round(rect.width * progress)), rect.height)
        pygame.draw.rect(surface, ATTENTION, filled, border_radius=radius)


def _draw_counter(surface, counter: Counter, moment: Moment):
    """The rep count, and the ring: an empty track while moving; during a
    hold, full at first and emptying, the seconds left inside; full, with a
    tick, once the set is done."""
    if counter.ring is not None:
        size = counter.ring.width
        if moment.done:
            surface.blit(_still_ring(size, done=True), counter.ring)
        elif moment.hold_left is not None:
            surface.blit(_ring(size, moment.hold_fraction), counter.ring)
            digits = rendered(str(math.ceil(moment.hold_left - 1e-6)), counter.ring_text, TEXT)
            surface.blit(digits, (counter.ring.centerx - digits.get_width() // 2,
                                  counter.ring.centery - counter.ring_text_middle))
        else:
            surface.blit(_still_ring(size, done=False), counter.ring)
    count = rendered(moment.counter, counter.text_height, ACCENT if moment.done else TEXT)
    surface.blit(count, (counter.text.left, counter.text.centery - counter.text_middle),
                 (0, 0, counter.text.width, count.get_height()))


RING_STEPS = 120  # a ring image per 3 degrees


@functools.lru_cache(maxsize=8)
def _still_ring(size: int, done: bool) -> pygame.Surface:
    """The counter's ring between holds: empty, or full with a tick once the
    set is done. A hold's rings change every frame or two and are made as
    they come: all 121 of them kept held 2 MiB at 800x480."""
    return _ring(size, 1.0 if done else 0.0, tick=done)


def _ring(size: int, fraction: float, tick: bool = False) -> pygame.Surface:
    """A smooth ring *size* across: the track, and *fraction* of it filled
    clockwise from the top; a tick inside when *tick*."""
    step = round(max(0.0, min(1.0, fraction)) * RING_STEPS)
    scale = 4
    big = pygame.Surface((size * scale, size * scale), pygame.SRCALPHA)
    outer = size * scale / 2
    width = max(3, size // 8) * scale
    center = (outer, outer)
    pygame.draw.circle(big, TRACK, center, outer)
    pygame.draw.circle(big, (0, 0, 0, 0), center, outer - width)
    if step:
        turn = [math.radians(90 - 360 * i / RING_STEPS) for i in range(step + 1)]
        points = [(outer + outer * math.cos(a), outer - outer * math.sin(a)) for a in turn]
        inner = outer - width
        points += [(outer + inner * math.cos(a), outer - inner * math.sin(a)) for a in reversed(turn)]
        pygame.draw.polygon(big, ACCENT, points)
        for a in (turn[0], turn[-1]):  # round ends
            middle = outer - width / 2
            pygame.draw.circle(big, ACCENT, (outer + middle * math.cos(a), outer - middle * math.sin(a)),
                               width / 2)
    if tick:
        points = [(0.30, 0.52), (0.45, 0.66), (0.71, 0.38)]
        pygame.draw.lines(big, ACCENT, False, [(x * size * scale, y * size * scale) for x, y in points],
                          width)
        for x, y in points:
            pygame.draw.circle(big, ACCENT, (x * size * scale, y * size * scale), width / 2)
    return pygame.transform.smoothscale(big, (size, size))


def _draw_dot(surface, rect: pygame.Rect, outcome: str) -> None:
    """A break of today: filled for done (amber for partly), hollow for missed
    or skipped."""
    color = DOT_COLORS.get(outcome)
    radius = rect.width / 2
    if color is not None:
        pygame.draw.circle(surface, color, rect.center, radius)
    else:
        pygame.draw.circle(surface, TRACK, rect.center, radius, max(2, rect.width // 5))
