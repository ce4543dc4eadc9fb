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
twice the size and scaling down.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pygame

from microbreak.core.animation import DEFAULT_POSE, RESTING_ARMS, VIEWS, full_pose

__all__ = ["DEFAULT_POSE", "RESTING_ARMS", "VIEWS", "draw_figure", "figure_bounds", "full_pose"]

Bounds = tuple[float, float, float, float]
"""A model area: (left, top, width, height) in model units."""

# Body measures in model units (about a centimetre). The hip joint is at the
# origin, y grows downwards as on screen.
TORSO = 52.0
WAIST = 23.0  # from the hip to where the upper back curls
NECK = 8.0
HEAD = 12.5
UPPER_ARM = 29.0
FOREARM = 27.0
HAND = 5.0
FINGER = 6.5
ARM = 4.6  # half the thickness of an arm
THIGH = 44.0
SHIN = 44.0
LEG = 6.5

ROLL_RADIUS = 0.7  # of a shoulder roll's circle, in shrug and shoulders_back units
ROLL_START = -45.0  # where on that circle the shoulders rest, degrees (0 = forward)

SUPERSAMPLE = 2
MARGIN = 3.0  # model units of room kept round the figure

SHIRT = (78, 205, 196)
SHIRT_FAR = (52, 140, 136)
SKIN = (255, 206, 164)
SKIN_FAR = (212, 166, 128)
HAIR = (168, 112, 76)
FACE = (46, 36, 40)
TROUSERS = (104, 122, 178)
TROUSERS_FAR = (74, 88, 132)
SHOES = (60, 66, 86)
CHAIR = (62, 70, 88)
CUE = (255, 196, 64)


def draw_figure(surface: pygame.Surface, rect, view: str, pose: Mapping[str, float],
                bounds: Bounds | None = None) -> pygame.Rect:
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

    big = pygame.transform.scale(surface.subsurface(box), (box.width * SUPERSAMPLE, box.height * SUPERSAMPLE))
    k = scale * SUPERSAMPLE
    # Centre the model area in the box: rounding may leave a pixel spare.
    ox = (box.width * SUPERSAMPLE - width * k) / 2 - left * k
    oy = (box.height * SUPERSAMPLE - height * k) / 2 - top * k
    _draw(_Pen(big, k, ox, oy), view, pose)
    surface.blit(pygame.transform.smoothscale(big, box.size), box)
    return box


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
    pen = _Pen(scratch, scale, -area.left * scale, -area.top * scale)
    for pose in poses:
        _draw(pen, view, full_pose(pose, view))
    drawn = pygame.mask.from_threshold(scratch, _UNDRAWN, (1, 1, 1, 255))
    drawn.invert()
    ink = drawn.get_bounding_rects()
    if not ink:
        return (area.left, area.top, area.width, area.height)
    box = ink[0].unionall(ink[1:])
    return (box.left / scale + area.left - MARGIN, box.top / scale + area.top - MARGIN,
            box.width / scale + 2 * MARGIN, box.height / scale + 2 * MARGIN)


_UNDRAWN = (255, 0, 255)


def _draw(pen, view, pose):
    if view == "front":
        _draw_front(pen, pose)
    else:
        _draw_side(pen, pose)


def _shoulder_lift_and_back(pose):
    """How far the shoulders are raised and drawn back (in shrug and
    shoulders_back units): the two poses' own, plus the roll's circle."""
    start = math.radians(ROLL_START)
    turn = start + math.radians(pose["roll"])
    lift = ROLL_RADIUS * (math.sin(turn) - math.sin(start))
    back = -ROLL_RADIUS * (math.cos(turn) - math.cos(start))
    return pose["shrug"] + lift, pose["shoulders_back"] + back


class _Pen:
    """Draws round-ended shapes in model units onto the big surface."""

    def __init__(self, surface, scale, ox, oy):
        self.surface = surface
        self.scale = scale
        self.ox = ox
        self.oy = oy

    def point(self, p):
        return (self.ox + p[0] * self.scale, self.oy + p[1] * self.scale)

    def disc(self, color, p, radius):
        pygame.draw.circle(self.surface, color, self.point(p), max(1.0, radius * self.scale))

    def limb(self, color, p, q, radius):
        """A thick line with round ends from *p* to *q*."""
        self.disc(color, p, radius)
        self.disc(color, q, radius)
        dx, dy = q[0] - p[0], q[1] - p[1]
        length = math.hypot(dx, dy)
        if length < 1e-6:
            return
        nx, ny = -dy / length * radius, dx / length * radius
        self.polygon(color, [(p[0] + nx, p[1] + ny), (q[0] + nx, q[1] + ny),
                             (q[0] - nx, q[1] - ny), (p[0] - nx, p[1] - ny)])

    def polygon(self, color, points):
        pygame.draw.polygon(self.surface, color, [self.point(p) for p in points])

    def rounded_rect(self, color, x, y, w, h, radius):
        r = pygame.Rect(0, 0, round(w * self.scale), round(h * self.scale))
        r.topleft = (round(self.ox + x * self.scale), round(self.oy + y * self.scale))
        pygame.draw.rect(self.surface, color, r, border_radius=round(radius * self.scale))

    def ellipse(self, color, center, rx, ry):
        cx, cy = self.point(center)
        r = pygame.Rect(0, 0, round(2 * rx * self.scale), round(2 * ry * self.scale))
        r.center = (round(cx), round(cy))
        pygame.draw.ellipse(self.surface, color, r)

    def arc(self, color, p, radius, start, stop, width):
        """An arc of the circle round *p*, angles in degrees counter-clockwise
        from the right, as a chain of round-ended strokes."""
        steps = max(4, int(abs(stop - start) / 10))
        points = [_add(p, _polar(radius, start + (stop - start) * i / steps)) for i in range(steps + 1)]
        for a, b in zip(points, points[1:]):
            self.limb(color, a, b, width)
        return points

    def arrow(self, color, tail, head, width):
        """A straight arrow from *tail* to *head*."""
        dx, dy = head[0] - tail[0], head[1] - tail[1]
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        tip = width * 3.2
        base = (head[0] - ux * tip, head[1] - uy * tip)
        self.limb(color, tail, base, width)
        self.arrowhead(color, head, (ux, uy), width)

    def arrowhead(self, color, tip, direction, width):
        ux, uy = direction
        size = width * 3.4
        back = (tip[0] - ux * size, tip[1] - uy * size)
        side = (-uy * size * 0.7, ux * size * 0.7)
        self.polygon(color, [tip, (back[0] + side[0], back[1] + side[1]), (back[0] - side[0], back[1] - side[1])])


def _add(p, q, k=1.0):
    return (p[0] + q[0] * k, p[1] + q[1] * k)


def _polar(radius, degrees):
    a = math.radians(degrees)
    return (radius * math.cos(a), -radius * math.sin(a))


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def _fade(color, strength):
    """*color* faded towards the dark background by (1 - *strength*)."""
    return _mix((24, 28, 38), color, max(0.0, min(1.0, strength)))


def _reach_arrow(pen, strength, wrist, direction, sign):
    """An arrow along the outer side of the forearm, pointing past the hand."""
    outward = (-direction[1] * sign, direction[0] * sign)
    if outward[0] * sign < 0:
        outward = (-outward[0], -outward[1])
    tail = _add(_add(wrist, outward, 9.0), direction, -10.0)
    pen.arrow(_fade(CUE, strength), tail, _add(tail, direction, 20.0), 1.6)


def _hand(pen, color, wrist, direction, spread):
    """A round palm past *wrist* with four fingers and a thumb fanned out."""
    dx, dy = direction
    palm = _add(wrist, direction, HAND * 0.9)
    pen.disc(color, palm, HAND)
    fan = 7 + 17 * spread
    base_angle = math.degrees(math.atan2(dy, dx))
    for i in range(5):
        angle = math.radians(base_angle + (i - 2) * fan)
        ux, uy = math.cos(angle), math.sin(angle)
        length = FINGER * (0.75 if i in (0, 4) else 1.0) * (0.85 + 0.25 * spread)
        start = _add(palm, (ux, uy), HAND * 0.5)
        pen.limb(color, start, _add(start, (ux, uy), length), 1.45)


# ---------------------------------------------------------------- front view

def _front_shoulders(pose):
    """The torso's seen length, the shoulders' height and both shoulders."""
    def seen(length, degrees):  # bending towards the viewer foreshortens
        return length * math.cos(math.radians(min(abs(degrees), 80)))

    torso = seen(WAIST, pose["lean"]) + seen(TORSO - WAIST, pose["lean"] + pose["curl"])
    lift, back = _shoulder_lift_and_back(pose)
    shoulder_y = -torso + 6.0 - 7.0 * lift
    wide = 2.5 * back
    shoulders = {side: (sign * (18.0 + wide), shoulder_y) for side, sign in (("right", -1), ("left", 1))}
    return torso, shoulder_y, shoulders


def _draw_front(pen, pose):
    torso, shoulder_y, shoulders = _front_shoulders(pose)
    neck_base = (0.0, -torso)

    # Chair: back rest behind the torso, seat under the hips.
    pen.rounded_rect(CHAIR, -25, -TORSO * 0.78, 50, TORSO * 0.78 + 4, 6)
    pen.rounded_rect(CHAIR, -27, 2, 54, 9, 4)
    pen.limb(CHAIR, (0, 11), (0, 34), 3.2)
    pen.limb(CHAIR, (-20, 38), (20, 38), 2.6)

    # Legs come towards the viewer: short thighs, then shins down to the floor.
    for sign in (-1, 1):
        knee = (sign * 12.0, 14.0)
        pen.limb(TROUSERS, (sign * 9.0, 2.0), knee, LEG + 1)
        foot = (sign * 13.0, 50.0)
        pen.limb(TROUSERS, knee, (foot[0], foot[1] - 4), LEG)
        pen.ellipse(SHOES, (sign * 14.0, 51.0), 8, 4.2)

    # Torso: trapezius slope from the neck to the shoulders, narrowing to the hips.
    top = shoulder_y - 5.5
    pen.polygon(SHIRT, [
        (-7.0, -torso), (7.0, -torso),
        (shoulders["left"][0] + 2, top), (shoulders["left"][0] + 5, shoulder_y + 4),
        (15.0, 2.0), (-15.0, 2.0),
        (shoulders["right"][0] - 5, shoulder_y + 4), (shoulders["right"][0] - 2, top),
    ])
    for point in shoulders.values():
        pen.disc(SHIRT, point, 5.5)
    pen.rounded_rect(TROUSERS, -16, -3, 32, 7, 3)

    if pose["squeeze_cue"] > 0.01:
        _front_squeeze_cue(pen, pose["squeeze_cue"], shoulder_y)

    head = (0.0, -torso - NECK - HEAD + 2.0 * pose["head_back"])
    pen.limb(SKIN, neck_base, (0.0, head[1] + HEAD * 0.5), 4.6)
    # Neckline of the shirt over the neck's foot.
    pen.ellipse(SHIRT, (0.0, -torso + 1.0), 8, 3.5)
    _front_head(pen, head, pose["head_tilt"] + pose["curl"] * 0.5)

    for side, sign in (("right", -1), ("left", 1)):
        _front_arm(pen, shoulders[side], sign, pose, side)

    if pose["shrug_cue"] > 0.01:
        color = _fade(CUE, pose["shrug_cue"])
        for side, sign in (("right", -1), ("left", 1)):
            x = shoulders[side][0] + sign * 3
            pen.arrow(color, (x, shoulder_y - 8), (x, shoulder_y - 22), 1.7)
    if pose["reach_cue"] > 0.01:
        for side, sign in (("right", -1), ("left", 1)):
            _, wrist, direction = _front_arm_points(shoulders[side], sign, pose, side)
            _reach_arrow(pen, pose["reach_cue"], wrist, direction, sign)


def _front_squeeze_cue(pen, strength, shoulder_y):
    """The shoulder blades seen through the shirt, pulled towards the spine."""
    color = _fade(CUE, strength)
    for sign in (-1, 1):
        blade = (sign * 7.5, shoulder_y + 11.0)
        pen.ellipse(color, blade, 2.6, 5.0)
        pen.arrow(color, (sign * 19.0, shoulder_y + 11.0), (sign * 12.0, shoulder_y + 11.0), 1.4)


def _front_dir(sign, degrees):
    a = math.radians(degrees)
    return (sign * math.sin(a), math.cos(a))


def _front_arm_points(shoulder, sign, pose, side):
    upper, fore = pose[f"{side}_upper_arm"], pose[f"{side}_forearm"]
    # An upper arm swung back, away from the viewer, looks shorter.
    seen = UPPER_ARM * math.cos(math.radians(40.0 * max(0.0, min(1.0, pose["arms_back"]))))
    elbow = _add(shoulder, _front_dir(sign, upper), seen)
    direction = _front_dir(sign, upper + fore)
    return elbow, _add(elbow, direction, FOREARM), direction


def _front_arm(pen, shoulder, sign, pose, side):
    elbow, wrist, direction = _front_arm_points(shoulder, sign, pose, side)
    away = 0.6 * max(0.0, min(1.0, pose["arms_back"]))
    shirt, skin = _mix(SHIRT, SHIRT_FAR, away), _mix(SKIN, SKIN_FAR, away)
    pen.limb(shirt, shoulder, elbow, ARM + 0.6)
    pen.limb(skin, elbow, wrist, ARM)
    sleeve = _add(shoulder, (elbow[0] - shoulder[0], elbow[1] - shoulder[1]), 0.55)
    pen.limb(shirt, shoulder, sleeve, ARM + 1.2)
    _hand(pen, skin, wrist, direction, pose["fingers_spread"])


def _front_head(pen, center, tilt):
    nod = max(-1.0, min(1.0, tilt / 45.0))  # the face moves down as the head nods
    pen.disc(SKIN, (center[0] - HEAD * 0.95, center[1] + 1.5), 2.6)  # ears
    pen.disc(SKIN, (center[0] + HEAD * 0.95, center[1] + 1.5), 2.6)
    # Hair is a disc; the face, a little lower, leaves a fringe of it on top.
    pen.disc(HAIR, center, HEAD)
    pen.disc(SKIN, (center[0], center[1] + 2.6 + 1.5 * nod), HEAD - 1.6)
    eyes_y = center[1] + 1.5 + 4.0 * nod
    for sign in (-1, 1):
        pen.disc(FACE, (center[0] + sign * 4.4, eyes_y), 1.45)
    pen.arc(FACE, (center[0], eyes_y + 2.0), 4.2, 205, 335, 0.75)


# ----------------------------------------------------------------- side view

def _frame(lean):
    """The torso's up and forward directions when bent *lean* degrees."""
    a = math.radians(lean)
    up = (math.sin(a), -math.cos(a))
    forward = (math.cos(a), math.sin(a))
    return up, forward


def _side_dir(up, forward, degrees):
    """Direction *degrees* from the torso's down, turning towards its front."""
    a = math.radians(degrees)
    return (-up[0] * math.cos(a) + forward[0] * math.sin(a),
            -up[1] * math.cos(a) + forward[1] * math.sin(a))


class _Spine:
    """The side view's trunk: the lower back bends at the hip by ``lean``, the
    upper back a further ``curl`` at the waist; shoulders, arms and head go
    with the upper back."""

    def __init__(self, pose):
        self.low_up, self.low_forward = _frame(pose["lean"])
        self.up, self.forward = _frame(pose["lean"] + pose["curl"])
        self.hip = (0.0, 0.0)
        self.waist = _add(self.hip, self.low_up, WAIST)
        self.neck_base = _add(self.waist, self.up, TORSO - WAIST)
        lift, back = _shoulder_lift_and_back(pose)
        self.back = back
        self.shoulder = self._shoulder(lift, back)
        # The middle of a shoulder roll's circle, which stays put as they roll.
        start = math.radians(ROLL_START)
        self.roll_center = self._shoulder(pose["shrug"] - ROLL_RADIUS * math.sin(start),
                                          pose["shoulders_back"] + ROLL_RADIUS * math.cos(start))

    def _shoulder(self, lift, back):
        return _add(_add(self.neck_base, self.up, -6.0 + 7.0 * lift - 1.0 * back),
                    self.forward, -1.0 - 4.0 * back)

    def along(self, distance, forward=0.0):
        """The point *distance* up the spine from the hip, *forward* in front of it."""
        if distance <= WAIST:
            return _add(_add(self.hip, self.low_up, distance), self.low_forward, forward)
        return _add(_add(self.waist, self.up, distance - WAIST), self.forward, forward)


def _side_arm_points(spine, shoulder, upper, fore):
    up, forward = spine.up, spine.forward
    elbow = _add(shoulder, _side_dir(up, forward, upper), UPPER_ARM)
    direction = _side_dir(up, forward, upper + fore)
    return elbow, _add(elbow, direction, FOREARM), direction


def _draw_side(pen, pose):
    spine = _Spine(pose)
    up, forward, hip, shoulder = spine.up, spine.forward, spine.hip, spine.shoulder
    spread = pose["fingers_spread"]

    # Chair: seat, back rest, post and base; the person faces right.
    pen.rounded_rect(CHAIR, -16, 4, 46, 8, 4)
    pen.rounded_rect(CHAIR, -30, -44, 9, 46, 4)
    pen.limb(CHAIR, (-23, 0), (-14, 8), 3)
    pen.limb(CHAIR, (8, 12), (8, 40), 3.2)
    pen.limb(CHAIR, (-12, 42), (28, 42), 2.6)
    pen.disc(CHAIR, (-12, 46), 3.2)
    pen.disc(CHAIR, (28, 46), 3.2)

    far_shoulder = _add(shoulder, forward, -1.5)
    elbow, wrist, direction = _side_arm_points(spine, far_shoulder, pose["left_upper_arm"], pose["left_forearm"])
    pen.limb(SHIRT_FAR, far_shoulder, elbow, ARM + 0.4)
    pen.limb(SKIN_FAR, elbow, wrist, ARM - 0.2)
    _hand(pen, SKIN_FAR, wrist, direction, spread)

    # Legs: thigh forward on the seat, shin down to the floor, foot forward.
    knee = (THIGH, 0.0)
    ankle = (THIGH + 2.0, SHIN)
    pen.limb(TROUSERS_FAR, (0.0, 0.0), (knee[0] - 3, knee[1] + 1), LEG + 1.5)
    pen.limb(TROUSERS, (0.0, 0.0), knee, LEG + 1.5)
    pen.limb(TROUSERS, knee, ankle, LEG)
    pen.limb(SHOES, (ankle[0] - 2, ankle[1] + 2), (ankle[0] + 10, ankle[1] + 3), 4.2)

    # Torso: a rounded trunk from the hip to the shoulders, bending at the
    # waist, the chest in front.
    chest = 2.0 + 2.0 * spine.back
    pen.limb(SHIRT, spine.along(4.0), spine.waist, 11.5)
    pen.limb(SHIRT, spine.waist, spine.along(TORSO - 10.0), 11.5)
    pen.limb(SHIRT, spine.along(14.0, 2.0), spine.along(WAIST, 2.0), 11.0)
    pen.limb(SHIRT, spine.along(WAIST, 2.0), spine.along(TORSO - 14.0, chest), 11.0)
    pen.limb(TROUSERS, _add(hip, spine.low_up, -1.0), _add(_add(hip, spine.low_up, -1.0), spine.low_forward, 6.0), 8.0)
    pen.limb(TROUSERS, (0.0, 0.0), knee, LEG + 1.5)

    if pose["squeeze_cue"] > 0.01:
        blade = _add(_add(shoulder, up, -9.0), forward, -9.0)
        color = _fade(CUE, pose["squeeze_cue"])
        pen.ellipse(color, blade, 3.2, 5.5)
        pen.arrow(color, _add(blade, forward, 12.0), _add(blade, forward, 3.5), 1.5)

    # Neck and head: nodding turns them forward; head_back slides them back.
    bend = pose["lean"] + pose["curl"]
    head_up, head_forward = _frame(bend + pose["head_tilt"] * 0.85)
    slide = _add((0.0, 0.0), forward, -5.0 * pose["head_back"])
    neck_top = _add(_add(spine.neck_base, slide), head_up, NECK * 0.9)
    pen.limb(SKIN, _add(spine.neck_base, up, -3.0), neck_top, 4.6)
    head = _add(neck_top, head_up, HEAD * 0.8)
    _side_head(pen, head, head_up, head_forward)

    if pose["roll_cue"] > 0.01:
        # An arrow round the roll's circle, its head just behind the shoulder,
        # following it round: backwards is anticlockwise on screen for
        # someone facing right.
        color = _fade(CUE, pose["roll_cue"])
        dx, dy = shoulder[0] - spine.roll_center[0], shoulder[1] - spine.roll_center[1]
        at = math.degrees(math.atan2(-dy, dx))
        points = pen.arc(color, spine.roll_center, 12.0, at - 290, at - 25, 1.5)
        _arc_head(pen, color, points, 3.0, 1.5)
    if pose["shrug_cue"] > 0.01:
        tail = _add(shoulder, forward, -9.0)
        pen.arrow(_fade(CUE, pose["shrug_cue"]), tail, _add(tail, up, 14.0), 1.7)

    # The near shoulder and arm cross in front of everything; a rim shows
    # the shoulder against the trunk, so its movement shows.
    pen.disc(SHIRT_FAR, shoulder, 7.8)
    pen.disc(SHIRT, shoulder, 7.0)
    elbow, wrist, direction = _side_arm_points(spine, shoulder, pose["right_upper_arm"], pose["right_forearm"])
    pen.limb(SHIRT, shoulder, elbow, ARM + 0.6)
    pen.limb(SKIN, elbow, wrist, ARM)
    pen.limb(SHIRT, shoulder, _add(shoulder, _side_dir(up, forward, pose["right_upper_arm"]), UPPER_ARM * 0.55), ARM + 1.5)
    _hand(pen, SKIN, wrist, direction, spread)

    # One arc high over the head, clear of it however far the body bends:
    # forward and down to bend, back up to unwind; the stronger cue shows.
    bending, unwinding = pose["bend_cue"], pose["unwind_cue"]
    if max(bending, unwinding) > 0.01:
        color = _fade(CUE, max(bending, unwinding))
        start, stop = (84, 40) if bending >= unwinding else (40, 84)
        points = pen.arc(color, hip, 86.0, start, stop, 1.7)
        _arc_head(pen, color, points, 4.0, 1.7)
    if pose["reach_cue"] > 0.01:
        _reach_arrow(pen, pose["reach_cue"], wrist, direction, -1)


def _arc_head(pen, color, points, ahead, width):
    """An arrowhead at the end of an arc drawn by :meth:`_Pen.arc`."""
    a, b = points[-2], points[-1]
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    u = ((b[0] - a[0]) / length, (b[1] - a[1]) / length)
    pen.arrowhead(color, _add(b, u, ahead), u, width)


def _side_head(pen, center, up, forward):
    # Hair is a disc; the face, moved forward and down, leaves it on the crown
    # and the back of the head.
    pen.disc(HAIR, center, HEAD)
    pen.disc(SKIN, _add(_add(center, forward, 2.8), up, -2.2), HEAD - 1.2)
    pen.disc(SKIN, _add(_add(center, forward, HEAD - 0.2), up, -0.5), 2.4)  # nose
    pen.disc(SKIN, _add(center, forward, -1.5), 2.7)  # ear
    pen.disc(FACE, _add(_add(center, forward, HEAD * 0.55), up, 1.5), 1.45)
    angle = math.degrees(math.atan2(-forward[1], forward[0]))
    pen.arc(FACE, _add(_add(center, forward, HEAD * 0.45), up, -2.6), 3.4, angle - 105, angle - 15, 0.75)
