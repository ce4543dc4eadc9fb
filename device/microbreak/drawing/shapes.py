"""The shapes the screen draws: the hold bar, the rep counter and its ring,
and today's dots. Rings are drawn smooth (four times over, scaled down) and
kept."""

from __future__ import annotations

import functools
import math

import pygame

from microbreak.core.animation import Moment
from microbreak.drawing.palette import ACCENT, ATTENTION, DOT_COLORS, TEXT, TRACK
from microbreak.drawing.plan import Counter
from microbreak.drawing.text import font, rendered


def draw_bar(surface: pygame.Surface, rect: pygame.Rect, progress: float) -> None:
    radius = rect.height // 2
    pygame.draw.rect(surface, TRACK, rect, border_radius=radius)
    if progress > 0:
        filled = pygame.Rect(
            rect.left, rect.top, max(rect.height, round(rect.width * progress)), rect.height
        )
        pygame.draw.rect(surface, ATTENTION, filled, border_radius=radius)


def draw_counter(surface: pygame.Surface, counter: Counter, moment: Moment) -> pygame.Rect:
    """The rep count, and the ring: an empty track while moving; during a
    hold, full at first and emptying, the seconds left inside; full, with a
    tick, once the set is done. Returns where it painted, within
    :func:`counter_area`."""
    painted = []
    if counter.ring is not None:
        size = counter.ring.width
        if moment.done:
            painted.append(surface.blit(still_ring(size, done=True), counter.ring))
        elif moment.hold_left is not None:
            painted.append(surface.blit(ring_image(size, moment.hold_fraction), counter.ring))
            digits = rendered(str(math.ceil(moment.hold_left - 1e-6)), counter.ring_text, TEXT)
            painted.append(surface.blit(digits, _seconds_at(counter, digits.get_width())))
        else:
            painted.append(surface.blit(still_ring(size, done=False), counter.ring))
    count = rendered(moment.counter, counter.text_height, ACCENT if moment.done else TEXT)
    painted.append(
        surface.blit(
            count,
            (counter.text.left, counter.text.centery - counter.text_middle),
            (0, 0, counter.text.width, count.get_height()),
        )
    )
    return painted[0].unionall(painted[1:])


def counter_area(counter: Counter) -> pygame.Rect:
    """Everything :func:`draw_counter` may paint: the ring with the seconds
    in it, and the count's line as rendered (taller than its row)."""
    count = pygame.Rect(
        counter.text.left,
        counter.text.centery - counter.text_middle,
        counter.text.width,
        font(counter.text_height).get_height(),
    )
    area = count.union(counter.text)
    if counter.ring is not None:
        widest = font(counter.ring_text).size("00")[0]  # the seconds of a hold: two digits at most
        left, top = _seconds_at(counter, widest)
        seconds = pygame.Rect(left, top, widest, font(counter.ring_text).get_height())
        area.union_ip(counter.ring.union(seconds))
    return area


def _seconds_at(counter: Counter, width: int) -> tuple[int, int]:
    """Where the seconds left in a hold go, *width* wide: in the ring's middle."""
    assert counter.ring is not None
    return counter.ring.centerx - width // 2, counter.ring.centery - counter.ring_text_middle


RING_STEPS = 120  # a ring image per 3 degrees


@functools.lru_cache(maxsize=8)
def still_ring(size: int, done: bool) -> pygame.Surface:
    """The counter's ring between holds: empty, or full with a tick once the
    set is done. A hold's rings change every frame or two and are made as
    they come: all 121 of them kept held 2 MiB at 800x480."""
    return ring_image(size, 1.0 if done else 0.0, tick=done)


def ring_image(size: int, fraction: float, tick: bool = False) -> pygame.Surface:
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
        points += [
            (outer + inner * math.cos(a), outer - inner * math.sin(a)) for a in reversed(turn)
        ]
        pygame.draw.polygon(big, ACCENT, points)
        for a in (turn[0], turn[-1]):  # round ends
            middle = outer - width / 2
            end = (outer + middle * math.cos(a), outer - middle * math.sin(a))
            pygame.draw.circle(big, ACCENT, end, width / 2)
    if tick:
        points = [(0.30, 0.52), (0.45, 0.66), (0.71, 0.38)]
        corners = [(x * size * scale, y * size * scale) for x, y in points]
        pygame.draw.lines(big, ACCENT, False, corners, width)
        for x, y in points:
            pygame.draw.circle(big, ACCENT, (x * size * scale, y * size * scale), width / 2)
    return pygame.transform.smoothscale(big, (size, size))


def draw_dot(surface: pygame.Surface, rect: pygame.Rect, outcome: str) -> None:
    """A break of today: filled for done (amber for partly), hollow for missed
    or skipped."""
    color = DOT_COLORS.get(outcome)
    radius = rect.width / 2
    if color is not None:
        pygame.draw.circle(surface, color, rect.center, radius)
    else:
        pygame.draw.circle(surface, TRACK, rect.center, radius, max(2, rect.width // 5))
