"""Drawing in model units: a pen of round-ended shapes and arrows, the
vector arithmetic under it, and the parts both views draw alike (a hand, an
arrow along the arm)::

    >>> add((1, 2), (10, 0), 0.5)
    (6.0, 2.0)
"""

from __future__ import annotations

import math
from typing import Any

import pygame

from microbreak.drawing.figure_body import CUE, FINGER, HAND
from microbreak.drawing.palette import Color

Point = tuple[float, float]
"""A point or a direction in model units."""

_DISC, _POLYGON, _RECT, _ELLIPSE = "disc", "polygon", "rect", "ellipse"
Shape = tuple[int, int, str, Color, Any]
"""A shape to fill: the rows it may reach (first, past the last), its kind,
its colour and its pixels' numbers."""


class Pen:
    """Round-ended shapes in model units, kept as pixel shapes of the big
    surface (the figure at *scale*, its origin at *ox*, *oy*) to
    :meth:`paint` onto it, or onto a band of its rows.

    Coordinates are cut to whole pixels here, as pygame would cut them
    (towards zero), so a band's shapes, moved up by its top, fill the very
    pixels the whole surface's would."""

    def __init__(self, scale: float, ox: float, oy: float):
        self.scale = scale
        self.ox = ox
        self.oy = oy
        self.shapes: list[Shape] = []

    def point(self, p: Point) -> Point:
        return (self.ox + p[0] * self.scale, self.oy + p[1] * self.scale)

    def disc(self, color: Color, p: Point, radius: float) -> None:
        y = int(self.oy + p[1] * self.scale)
        r = int(max(1.0, radius * self.scale))
        self.shapes.append(
            (y - r - 1, y + r + 2, _DISC, color, (int(self.ox + p[0] * self.scale), y, r))
        )

    def limb(self, color: Color, p: Point, q: Point, radius: float) -> None:
        """A thick line with round ends from *p* to *q*."""
        self.disc(color, p, radius)
        self.disc(color, q, radius)
        dx, dy = q[0] - p[0], q[1] - p[1]
        length = math.hypot(dx, dy)
        if length < 1e-6:
            return
        nx, ny = -dy / length * radius, dx / length * radius
        self.polygon(
            color,
            [
                (p[0] + nx, p[1] + ny),
                (q[0] + nx, q[1] + ny),
                (q[0] - nx, q[1] - ny),
                (p[0] - nx, p[1] - ny),
            ],
        )

    def polygon(self, color: Color, points: list[Point]) -> None:
        ox, oy, scale = self.ox, self.oy, self.scale
        corners = [(int(ox + x * scale), int(oy + y * scale)) for x, y in points]
        ys = [y for _, y in corners]
        self.shapes.append((min(ys), max(ys) + 1, _POLYGON, color, corners))

    def rounded_rect(
        self, color: Color, x: float, y: float, w: float, h: float, radius: float
    ) -> None:
        r = pygame.Rect(0, 0, round(w * self.scale), round(h * self.scale))
        r.topleft = (round(self.ox + x * self.scale), round(self.oy + y * self.scale))
        corner = round(radius * self.scale)
        self.shapes.append((r.top, r.bottom + 1, _RECT, color, (*r, corner)))

    def ellipse(self, color: Color, center: Point, rx: float, ry: float) -> None:
        cx, cy = self.point(center)
        r = pygame.Rect(0, 0, round(2 * rx * self.scale), round(2 * ry * self.scale))
        r.center = (round(cx), round(cy))
        self.shapes.append((r.top, r.bottom + 1, _ELLIPSE, color, tuple(r)))

    def paint(self, surface: pygame.Surface, top: int = 0) -> None:
        """Fill the shapes, in the order drawn, onto *surface*: the big
        surface's rows from *top* down (only the shapes that reach them)."""
        bottom = top + surface.get_height()
        for first, last, kind, color, shape in self.shapes:
            if last <= top or first >= bottom:
                continue
            if kind is _DISC:
                pygame.draw.circle(surface, color, (shape[0], shape[1] - top), shape[2])
            elif kind is _POLYGON:
                pygame.draw.polygon(
                    surface, color, [(x, y - top) for x, y in shape] if top else shape
                )
            elif kind is _RECT:
                x, y, w, h, corner = shape
                pygame.draw.rect(surface, color, (x, y - top, w, h), border_radius=corner)
            else:
                x, y, w, h = shape
                pygame.draw.ellipse(surface, color, (x, y - top, w, h))

    def arc(
        self, color: Color, p: Point, radius: float, start: float, stop: float, width: float
    ) -> list[Point]:
        """An arc of the circle round *p*, angles in degrees counter-clockwise
        from the right, as a chain of round-ended strokes."""
        steps = max(4, int(abs(stop - start) / 10))
        points = [
            add(p, polar(radius, start + (stop - start) * i / steps)) for i in range(steps + 1)
        ]
        for a, b in zip(points, points[1:], strict=False):
            self.limb(color, a, b, width)
        return points

    def arrow(self, color: Color, tail: Point, head: Point, width: float) -> None:
        """A straight arrow from *tail* to *head*."""
        dx, dy = head[0] - tail[0], head[1] - tail[1]
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        tip = width * 3.2
        base = (head[0] - ux * tip, head[1] - uy * tip)
        self.limb(color, tail, base, width)
        self.arrowhead(color, head, (ux, uy), width)

    def arrowhead(self, color: Color, tip: Point, direction: Point, width: float) -> None:
        ux, uy = direction
        size = width * 3.4
        back = (tip[0] - ux * size, tip[1] - uy * size)
        side = (-uy * size * 0.7, ux * size * 0.7)
        self.polygon(
            color,
            [tip, (back[0] + side[0], back[1] + side[1]), (back[0] - side[0], back[1] - side[1])],
        )


def add(p: Point, q: Point, k: float = 1.0) -> Point:
    return (p[0] + q[0] * k, p[1] + q[1] * k)


def polar(radius: float, degrees: float) -> Point:
    a = math.radians(degrees)
    return (radius * math.cos(a), -radius * math.sin(a))


def mix(a: Color, b: Color, t: float) -> Color:
    red, green, blue = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return red, green, blue


def fade(color: Color, strength: float) -> Color:
    """*color* faded towards the dark background by (1 - *strength*)."""
    return mix((24, 28, 38), color, max(0.0, min(1.0, strength)))


def reach_arrow(pen: Pen, strength: float, wrist: Point, direction: Point, sign: int) -> None:
    """An arrow along the outer side of the forearm, pointing past the hand."""
    outward = (-direction[1] * sign, direction[0] * sign)
    if outward[0] * sign < 0:
        outward = (-outward[0], -outward[1])
    tail = add(add(wrist, outward, 9.0), direction, -10.0)
    pen.arrow(fade(CUE, strength), tail, add(tail, direction, 20.0), 1.6)


def hand(pen: Pen, color: Color, wrist: Point, direction: Point, spread: float) -> None:
    """A round palm past *wrist* with four fingers and a thumb fanned out."""
    dx, dy = direction
    palm = add(wrist, direction, HAND * 0.9)
    pen.disc(color, palm, HAND)
    fan = 7 + 17 * spread
    base_angle = math.degrees(math.atan2(dy, dx))
    for i in range(5):
        angle = math.radians(base_angle + (i - 2) * fan)
        ux, uy = math.cos(angle), math.sin(angle)
        length = FINGER * (0.75 if i in (0, 4) else 1.0) * (0.85 + 0.25 * spread)
        start = add(palm, (ux, uy), HAND * 0.5)
        pen.limb(color, start, add(start, (ux, uy), length), 1.45)


def arc_head(pen: Pen, color: Color, points: list[Point], ahead: float, width: float) -> None:
    """An arrowhead at the end of an arc drawn by :meth:`Pen.arc`."""
    a, b = points[-2], points[-1]
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    u = ((b[0] - a[0]) / length, (b[1] - a[1]) / length)
    pen.arrowhead(color, add(b, u, ahead), u, width)
