"""A seated person drawn from a pose: the exercise demonstrations.

A pose is a flat table of numbers (the vocabulary is in
:mod:`microbreak.core.animation`); any key left out takes its default, so ``{}`` is
a person sitting relaxed, hands in the lap::

    >>> import pygame
    >>> surface = pygame.Surface((240, 240))
    >>> drawn = draw_figure(surface, surface.get_rect(), "front",
    ...                     {"left_upper_arm": 165, "right_upper_arm": 165,
    ...                      "fingers_spread": 1})
    >>> surface.get_rect().contains(drawn)
    True

Angles are measured in the plane of the view and relative to the torso, so a
hand placed on the upper back stays there as ``lean`` changes.

A pose is scaled to fit its rect. For an animation, give every frame the same
*bounds*, from :func:`figure_bounds` over all its poses, so the figure never
jumps in size and never leaves its rect. Edges are smoothed by drawing at
twice the size and scaling down, a band of rows at a time (:data:`BAND`).
The body is in :mod:`~microbreak.drawing.figure_body`, the pen in
:mod:`~microbreak.drawing.figure_pen`, and each view in its own module
(:mod:`~microbreak.drawing.figure_front`, :mod:`~microbreak.drawing.figure_side`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pygame

from microbreak.core.animation import DEFAULT_POSE, RESTING_ARMS, VIEWS, full_pose
from microbreak.drawing.figure_front import draw_front
from microbreak.drawing.figure_pen import Pen
from microbreak.drawing.figure_side import draw_side

__all__ = ["DEFAULT_POSE", "RESTING_ARMS", "VIEWS", "draw_figure", "figure_bounds", "full_pose"]

Bounds = tuple[float, float, float, float]
"""A model area: (left, top, width, height) in model units."""

SUPERSAMPLE = 2
MARGIN = 3.0  # model units of room kept round the figure


def draw_figure(
    surface: pygame.Surface,
    rect: pygame.Rect | tuple[int, int, int, int],
    view: str,
    pose: Mapping[str, float],
    bounds: Bounds | None = None,
) -> pygame.Rect:
    """Draw the person in *pose* seen from *view* (``"front"`` or ``"side"``),
    scaled so the model area *bounds* (default: just this pose) fits and is
    centred in *rect*; return the rect it was drawn in.

    Only pixels inside *rect* (and the surface) change; what was there shows
    through around the figure.
    """
    pose = full_pose(pose, view)
    target = pygame.Rect(rect).clip(surface.get_rect())
    if target.width < 8 or target.height < 8:
        return pygame.Rect(target.topleft, (0, 0))
    left, top, width, height = bounds or figure_bounds(view, [pose])
    scale = min(target.width / width, target.height / height)
    box = pygame.Rect(0, 0, round(width * scale), round(height * scale))
    box.center = target.center
    box = box.clip(target)

    k = scale * SUPERSAMPLE
    # Centre the model area in the box: rounding may leave a pixel spare.
    ox = (box.width * SUPERSAMPLE - width * k) / 2 - left * k
    oy = (box.height * SUPERSAMPLE - height * k) / 2 - top * k
    pen = Pen(k, ox, oy)
    _draw(pen, view, pose)
    for top in range(0, box.height, BAND):
        under = surface.subsurface(box.left, box.top + top, box.width, min(BAND, box.height - top))
        width, height = under.get_size()
        big = pygame.transform.scale(under, (width * SUPERSAMPLE, height * SUPERSAMPLE))
        pen.paint(big, top * SUPERSAMPLE)
        pygame.transform.smoothscale(big, (width, height), under)
    return box


BAND = 80
"""Rows of the figure drawn at a time: at 800x480 four bands, each a 0.35 MiB
picture at twice the size, not one of 1.4 MiB (which glibc kept between
frames). Each pixel averages its own 2x2 pixels, so the bands join as one
picture would."""


def figure_bounds(view: str, poses: Iterable[Mapping[str, float]]) -> Bounds:
    """The model area that holds the whole figure, cues and chair included,
    in every one of *poses*, with a little room to spare::

        >>> left, top, width, height = figure_bounds("front", [{}, {"shrug": 1}])
        >>> width < height
        True

    It is measured by drawing the poses, so it is exact for any pose.
    """
    scale = 1.0
    area = pygame.Rect(-200, -240, 400, 360)  # far more than any pose reaches
    scratch = pygame.Surface((round(area.width * scale), round(area.height * scale)))
    scratch.fill(_UNDRAWN)
    pen = Pen(scale, -area.left * scale, -area.top * scale)
    for pose in poses:
        _draw(pen, view, full_pose(pose, view))
        pen.paint(scratch)
        pen.shapes.clear()
    drawn = pygame.mask.from_threshold(scratch, _UNDRAWN, (1, 1, 1, 255))
    drawn.invert()
    ink = drawn.get_bounding_rects()
    if not ink:
        return (area.left, area.top, area.width, area.height)
    box = ink[0].unionall(ink[1:])
    return (
        box.left / scale + area.left - MARGIN,
        box.top / scale + area.top - MARGIN,
        box.width / scale + 2 * MARGIN,
        box.height / scale + 2 * MARGIN,
    )


_UNDRAWN = (255, 0, 255)


def _draw(pen: Pen, view: str, pose: Mapping[str, float]) -> None:
    if view == "front":
        draw_front(pen, pose)
    else:
        draw_side(pen, pose)
