"""A seated person drawn from a pose: the exercise demonstrations.

A pose is a flat table of numbers. Any key left out takes its default, so
``{}`` is a person sitting relaxed, hands in the lap::

    >>> import pygame
    >>> surface = pygame.Surface((240, 240))
    >>> draw_figure(surface, surface.get_rect(), "front",
    ...             {"left_upper_arm": 165, "right_upper_arm": 165,
    ...              "fingers_spread": 1})
    Rect(...)

Every value is a number, never a flag, so two poses can be blended key by key
(``a + (b - a) * t``) to animate between them. The vocabulary:

================  =======  ====================================================
key               default  meaning
================  =======  ====================================================
lean              0        torso bent forward at the hips, degrees
head_tilt         0        head nodded forward (chin down), degrees; negative
                           looks up
head_back         0        0–1: head slid straight back over the shoulders
shrug             0        0–1: shoulders raised towards the ears
shoulders_back    0        0–1: shoulders drawn back, shoulder blades together
left_upper_arm    *        angle of the upper arm from hanging straight down,
right_upper_arm   *        degrees: front view 90 = out to the side, 180 =
                           straight up; side view 90 = forward, 180 = up,
                           negative = behind the body
left_forearm      *        bend at the elbow, degrees from the upper arm's line,
right_forearm     *        turning the same way the upper arm turns (front
                           view: 90 with the upper arm out gives a forearm
                           pointing up; side view: 90 from hanging gives a
                           forearm pointing forward); negative turns the other
                           way (front view: in towards the body)
fingers_spread    0        0–1: fingers closed together … spread wide
reach_cue         0        0–1: arrows beyond the hands: "reach further"
shrug_cue         0        0–1: arrows above the shoulders: "lift"
squeeze_cue       0        0–1: shoulder blades shown, arrows pulling them in
roll_cue          0        0–1: side view, a circling arrow round the shoulder
bend_cue          0        0–1: side view, a curved arrow: "bend forward"
================  =======  ====================================================

``*``: the arms rest in the lap by default (front view 12 and -36, side view
10 and 65); see :data:`RESTING_ARMS`. Left and right are the person's own: in
the front view their left arm is on the viewer's right; in the side view the
person faces right and the left arm is the far one.

Angles are measured in the plane of the view and relative to the torso, so a
hand placed on the upper back stays there as ``lean`` changes. The cues show
how to move; their value is their strength, so they can fade in and out.

The figure is scaled to fit its rect with the same scale for every pose of a
view, so an animation never jumps in size. Edges are smoothed by drawing at
twice the size and scaling down.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pygame

VIEWS = ("front", "side")

DEFAULT_POSE = {
    "lean": 0.0,
    "head_tilt": 0.0,
    "head_back": 0.0,
    "shrug": 0.0,
    "shoulders_back": 0.0,
    "left_upper_arm": None,
    "right_upper_arm": None,
    "left_forearm": None,
    "right_forearm": None,
    "fingers_spread": 0.0,
    "reach_cue": 0.0,
    "shrug_cue": 0.0,
    "squeeze_cue": 0.0,
    "roll_cue": 0.0,
    "bend_cue": 0.0,
}

RESTING_ARMS = {
    "front": {"upper_arm": 12.0, "forearm": -36.0},
    "side": {"upper_arm": 10.0, "forearm": 65.0},
}

# Body measures in model units (about a centimetre). The hip joint is at the
# origin, y grows downwards as on screen.
TORSO = 52.0
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

# The model area each view is fitted into, tall enough for arms straight up:
# (left, top, width, height). A pose reaching further (arms straight out to
# the side) widens it, so nothing is cut off.
BOUNDS = {
    "front": (-72.0, -122.0, 144.0, 178.0),
    "side": (-40.0, -122.0, 112.0, 178.0),
}

SUPERSAMPLE = 2

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


def full_pose(pose: Mapping[str, float], view: str = "front") -> dict[str, float]:
    """Return *pose* with every key of the vocabulary filled in for *view*.

    Raises :exc:`ValueError` naming the key for an unknown key or a value that
    is not a number, so a bad exercise file is caught when it is loaded::

        >>> full_pose({"shrug": 1})["shrug"]
        1.0
    """
    if view not in VIEWS:
        raise ValueError(f"view {view!r} is not allowed; expected one of {', '.join(VIEWS)}")
    unknown = sorted(set(pose) - set(DEFAULT_POSE))
    if unknown:
        raise ValueError(
            f"unknown pose key {unknown[0]!r}; allowed: {', '.join(DEFAULT_POSE)}"
        )
    result = {}
    for key, default in DEFAULT_POSE.items():
        value = pose.get(key)
        if value is None:
            value = default
        if value is None:
            value = RESTING_ARMS[view][key.split("_", 1)[1]]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"pose key {key!r} = {value!r} is not allowed; expected a number")
        result[key] = float(value)
    return result


def draw_figure(surface: pygame.Surface, rect, view: str, pose: Mapping[str, float]) -> pygame.Rect:
    """Draw the person in *pose* seen from *view* (``"front"`` or ``"side"``),
    scaled to fit and centred in *rect*; return the rect it was drawn in.

    Only pixels inside *rect* (and the surface) change; what was there shows
    through around the figure.
    """
    pose = full_pose(pose, view)
    target = pygame.Rect(rect).clip(surface.get_rect())
    if target.width < 8 or target.height < 8:
        return pygame.Rect(target.topleft, (0, 0))
    left, top, width, height = _bounds(view, pose)
    scale = min(target.width / width, target.height / height)
    box = pygame.Rect(0, 0, round(width * scale), round(height * scale))
    box.center = target.center
    box = box.clip(target)

    big = pygame.transform.scale(surface.subsurface(box), (box.width * SUPERSAMPLE, box.height * SUPERSAMPLE))
    k = scale * SUPERSAMPLE
    # Centre the model area in the box: rounding may leave a pixel spare.
    ox = (box.width * SUPERSAMPLE - width * k) / 2 - left * k
    oy = (box.height * SUPERSAMPLE - height * k) / 2 - top * k
    pen = _Pen(big, k, ox, oy)
    if view == "front":
        _draw_front(pen, pose)
    else:
        _draw_side(pen, pose)
    surface.blit(pygame.transform.smoothscale(big, box.size), box)
    return box


def _bounds(view, pose):
    """The view's model area, grown to take in the fingertips of *pose*."""
    left, top, width, height = BOUNDS[view]
    right, bottom = left + width, top + height
    for tip in _fingertips(view, pose):
        left, right = min(left, tip[0] - 2), max(right, tip[0] + 2)
        top, bottom = min(top, tip[1] - 2), max(bottom, tip[1] + 2)
    return left, top, right - left, bottom - top


def _fingertips(view, pose):
    reach = HAND * 1.4 + FINGER * 1.1
    if view == "front":
        _, _, shoulders = _front_shoulders(pose)
        for side, sign in (("right", -1), ("left", 1)):
            _, wrist, direction = _front_arm_points(shoulders[side], sign, pose[f"{side}_upper_arm"], pose[f"{side}_forearm"])
            yield _add(wrist, direction, reach)
    else:
        up, forward, _, _, shoulder = _side_points(pose)
        for side in ("right", "left"):
            _, wrist, direction = _side_arm_points(up, forward, shoulder, pose[f"{side}_upper_arm"], pose[f"{side}_forearm"])
            yield _add(wrist, direction, reach)


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
    shrink = math.cos(math.radians(min(abs(pose["lean"]), 80)))  # leaning towards the viewer
    torso = TORSO * shrink
    shoulder_y = -torso + 6.0 - 7.0 * pose["shrug"]
    wide = 2.5 * pose["shoulders_back"]
    shoulders = {side: (sign * (18.0 + wide), shoulder_y) for side, sign in (("right", -1), ("left", 1))}
    return torso, shoulder_y, shoulders


def _draw_front(pen, pose):
    torso, shoulder_y, shoulders = _front_shoulders(pose)
    neck_base = (0.0, -torso)

    # Chair: back rest behind the torso, seat under the hips.
    pen.rounded_rect(CHAIR, -25, -torso * 0.78, 50, torso * 0.78 + 4, 6)
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
    _front_head(pen, head, pose["head_tilt"])

    for side, sign in (("right", -1), ("left", 1)):
        _front_arm(pen, shoulders[side], sign, pose[f"{side}_upper_arm"], pose[f"{side}_forearm"], pose["fingers_spread"])

    if pose["shrug_cue"] > 0.01:
        color = _fade(CUE, pose["shrug_cue"])
        for side, sign in (("right", -1), ("left", 1)):
            x = shoulders[side][0] + sign * 3
            pen.arrow(color, (x, shoulder_y - 8), (x, shoulder_y - 22), 1.7)
    if pose["reach_cue"] > 0.01:
        for side, sign in (("right", -1), ("left", 1)):
            elbow, wrist, direction = _front_arm_points(shoulders[side], sign, pose[f"{side}_upper_arm"], pose[f"{side}_forearm"])
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


def _front_arm_points(shoulder, sign, upper, fore):
    elbow = _add(shoulder, _front_dir(sign, upper), UPPER_ARM)
    direction = _front_dir(sign, upper + fore)
    return elbow, _add(elbow, direction, FOREARM), direction


def _front_arm(pen, shoulder, sign, upper, fore, spread):
    elbow, wrist, direction = _front_arm_points(shoulder, sign, upper, fore)
    pen.limb(SHIRT, shoulder, elbow, ARM + 0.6)
    pen.limb(SKIN, elbow, wrist, ARM)
    pen.limb(SHIRT, shoulder, _add(shoulder, _front_dir(sign, upper), UPPER_ARM * 0.55), ARM + 1.2)
    _hand(pen, SKIN, wrist, direction, spread)


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


def _side_points(pose):
    up, forward = _frame(pose["lean"])
    hip = (0.0, 0.0)
    neck_base = _add(hip, up, TORSO)
    shoulder = _add(_add(hip, up, TORSO - 6.0 + 7.0 * pose["shrug"] - 1.0 * pose["shoulders_back"]),
                    forward, -1.0 - 4.0 * pose["shoulders_back"])
    return up, forward, hip, neck_base, shoulder


def _side_arm_points(up, forward, shoulder, upper, fore):
    elbow = _add(shoulder, _side_dir(up, forward, upper), UPPER_ARM)
    direction = _side_dir(up, forward, upper + fore)
    return elbow, _add(elbow, direction, FOREARM), direction


def _draw_side(pen, pose):
    up, forward, hip, neck_base, shoulder = _side_points(pose)
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
    elbow, wrist, direction = _side_arm_points(up, forward, far_shoulder, pose["left_upper_arm"], pose["left_forearm"])
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

    # Torso: a rounded trunk from the hip to the shoulders, the chest in front.
    back = 2.0 * pose["shoulders_back"]
    pen.limb(SHIRT, _add(hip, up, 4.0), _add(hip, up, TORSO - 10.0), 11.5)
    pen.limb(SHIRT, _add(_add(hip, up, 14.0), forward, 2.0),
             _add(_add(hip, up, TORSO - 14.0), forward, 2.0 + back), 11.0)
    pen.limb(TROUSERS, _add(hip, up, -1.0), _add(_add(hip, up, -1.0), forward, 6.0), 8.0)
    pen.limb(TROUSERS, (0.0, 0.0), knee, LEG + 1.5)

    if pose["squeeze_cue"] > 0.01:
        blade = _add(_add(shoulder, up, -9.0), forward, -9.0)
        color = _fade(CUE, pose["squeeze_cue"])
        pen.ellipse(color, blade, 3.2, 5.5)
        pen.arrow(color, _add(blade, forward, 12.0), _add(blade, forward, 3.5), 1.5)

    # Neck and head: nodding turns them forward; head_back slides them back.
    nod = pose["lean"] + pose["head_tilt"]
    head_up, head_forward = _frame(nod * 0.85)
    slide = _add((0.0, 0.0), forward, -5.0 * pose["head_back"])
    neck_top = _add(_add(neck_base, slide), head_up, NECK * 0.9)
    pen.limb(SKIN, _add(neck_base, up, -3.0), neck_top, 4.6)
    head = _add(neck_top, head_up, HEAD * 0.8)
    _side_head(pen, head, head_up, head_forward)

    if pose["roll_cue"] > 0.01:
        color = _fade(CUE, pose["roll_cue"])
        turn = -pose["lean"]  # the circle tilts with the body
        # Backwards is anticlockwise on screen for someone facing right.
        points = pen.arc(color, _add(shoulder, forward, -2.0), 10.5, 20 + turn, 290 + turn, 1.5)
        a, b = points[-2], points[-1]
        length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
        pen.arrowhead(color, _add(b, ((b[0] - a[0]) / length, (b[1] - a[1]) / length), 3.0),
                      ((b[0] - a[0]) / length, (b[1] - a[1]) / length), 1.5)
    if pose["shrug_cue"] > 0.01:
        tail = _add(_add(shoulder, forward, -9.0), up, 0.0)
        pen.arrow(_fade(CUE, pose["shrug_cue"]), tail, _add(tail, up, 14.0), 1.7)

    # The near shoulder and arm cross in front of everything.
    pen.disc(SHIRT, shoulder, 7.0)
    elbow, wrist, direction = _side_arm_points(up, forward, shoulder, pose["right_upper_arm"], pose["right_forearm"])
    pen.limb(SHIRT, shoulder, elbow, ARM + 0.6)
    pen.limb(SKIN, elbow, wrist, ARM)
    pen.limb(SHIRT, shoulder, _add(shoulder, _side_dir(up, forward, pose["right_upper_arm"]), UPPER_ARM * 0.55), ARM + 1.5)
    _hand(pen, SKIN, wrist, direction, spread)

    if pose["bend_cue"] > 0.01:
        color = _fade(CUE, pose["bend_cue"])
        start = 90 - pose["lean"] + 48  # over the back, turning forward and down
        points = pen.arc(color, hip, 64.0, start, start - 26, 1.7)
        a, b = points[-2], points[-1]
        length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
        u = ((b[0] - a[0]) / length, (b[1] - a[1]) / length)
        pen.arrowhead(color, _add(b, u, 4.0), u, 1.7)
    if pose["reach_cue"] > 0.01:
        _reach_arrow(pen, pose["reach_cue"], wrist, direction, -1)


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
