"""The person seen from the side, facing right: a spine that bends at the hip
and again at the waist, the far arm behind the trunk, the near arm in front.

Where the joints are, in model units, is :class:`Spine` and :func:`side_arm`;
the drawing is made from them::

    >>> from microbreak.core.animation import full_pose
    >>> pose = full_pose({"right_upper_arm": 180, "right_forearm": 0}, "side")
    >>> spine = Spine(pose)
    >>> arm = side_arm(spine, pose, "right")
    >>> arm.elbow[1] < arm.shoulder[1]   # raised: y grows downwards
    True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from microbreak.drawing.figure_body import (
    ARM,
    CHAIR,
    CUE,
    FACE,
    FOREARM,
    HAIR,
    HAND,
    HEAD,
    LEG,
    NECK,
    ROLL_RADIUS,
    ROLL_START,
    SHIN,
    SHIRT,
    SHIRT_FAR,
    SHOES,
    SKIN,
    SKIN_FAR,
    THIGH,
    TORSO,
    TROUSERS,
    TROUSERS_FAR,
    UPPER_ARM,
    WAIST,
    shoulder_lift_and_back,
)
from microbreak.drawing.figure_pen import Pen, Point, add, arc_head, fade, hand, reach_arrow

Head = tuple[Point, Point, Point]
"""Where the side view's head goes: its centre, up and forward."""


def _frame(lean: float) -> tuple[Point, Point]:
    """The torso's up and forward directions when bent *lean* degrees."""
    a = math.radians(lean)
    up = (math.sin(a), -math.cos(a))
    forward = (math.cos(a), math.sin(a))
    return up, forward


def _side_dir(up: Point, forward: Point, degrees: float) -> Point:
    """Direction *degrees* from the torso's down, turning towards its front."""
    a = math.radians(degrees)
    return (
        -up[0] * math.cos(a) + forward[0] * math.sin(a),
        -up[1] * math.cos(a) + forward[1] * math.sin(a),
    )


class Spine:
    """The side view's trunk: the lower back bends at the hip by ``lean``, the
    upper back a further ``curl`` at the waist; shoulders, arms and head go
    with the upper back."""

    def __init__(self, pose: Mapping[str, float]):
        self.low_up, self.low_forward = _frame(pose["lean"])
        self.up, self.forward = _frame(pose["lean"] + pose["curl"])
        self.hip = (0.0, 0.0)
        self.waist = add(self.hip, self.low_up, WAIST)
        self.neck_base = add(self.waist, self.up, TORSO - WAIST)
        lift, back = shoulder_lift_and_back(pose)
        self.back = back
        self.shoulder = self._shoulder(lift, back)
        # The middle of a shoulder roll's circle, which stays put as they roll.
        start = math.radians(ROLL_START)
        self.roll_center = self._shoulder(
            pose["shrug"] - ROLL_RADIUS * math.sin(start),
            pose["shoulders_back"] + ROLL_RADIUS * math.cos(start),
        )

    def _shoulder(self, lift: float, back: float) -> Point:
        return add(
            add(self.neck_base, self.up, -6.0 + 7.0 * lift - 1.0 * back),
            self.forward,
            -1.0 - 4.0 * back,
        )

    def along(self, distance: float, forward: float = 0.0) -> Point:
        """The point *distance* up the spine from the hip, *forward* in front of it."""
        if distance <= WAIST:
            return add(add(self.hip, self.low_up, distance), self.low_forward, forward)
        return add(add(self.waist, self.up, distance - WAIST), self.forward, forward)


@dataclass(frozen=True)
class Arm:
    """One arm's joints in model units, and the way its hand points."""

    shoulder: Point
    elbow: Point
    wrist: Point
    pointing: Point  # a unit direction, from the wrist along the hand

    @property
    def palm(self) -> Point:
        """The middle of the palm."""
        return add(self.wrist, self.pointing, HAND * 0.9)


def side_arm(spine: Spine, pose: Mapping[str, float], side: str) -> Arm:
    """The person's *side* arm ("left", the far one, or "right") in *pose*
    (a full pose), from its shoulder on *spine*."""
    shoulder = spine.shoulder if side == "right" else add(spine.shoulder, spine.forward, -1.5)
    up, forward = spine.up, spine.forward
    upper = pose[f"{side}_upper_arm"]
    bent = upper + pose[f"{side}_forearm"]
    elbow = add(shoulder, _side_dir(up, forward, upper), UPPER_ARM)
    wrist = add(elbow, _side_dir(up, forward, bent), FOREARM)
    return Arm(shoulder, elbow, wrist, _side_dir(up, forward, bent + pose[f"{side}_wrist"]))


KNEE = (THIGH, 0.0)
ANKLE = (THIGH + 2.0, SHIN)


def draw_side(pen: Pen, pose: Mapping[str, float]) -> None:
    """The person in *pose*, back to front: the chair, the far arm, the legs,
    the trunk, the head, the near arm; the cues among them."""
    spine = Spine(pose)
    _chair(pen)
    _far_arm(pen, side_arm(spine, pose, "left"), pose["fingers_spread"])
    _legs(pen)
    _trunk(pen, spine)
    if pose["squeeze_cue"] > 0.01:
        blade = add(add(spine.shoulder, spine.up, -9.0), spine.forward, -9.0)
        color = fade(CUE, pose["squeeze_cue"])
        pen.ellipse(color, blade, 3.2, 5.5)
        pen.arrow(color, add(blade, spine.forward, 12.0), add(blade, spine.forward, 3.5), 1.5)
    head = _neck(pen, spine, pose)
    near = side_arm(spine, pose, "right")
    reaching_back = _behind_neck(spine, near.wrist)
    if not reaching_back:
        _side_head(pen, *head)
    _shoulder_cues(pen, spine, pose)
    # The near shoulder and arm cross in front of the body; a rim shows the
    # shoulder against the trunk, so its movement shows.
    pen.disc(SHIRT_FAR, spine.shoulder, 7.8)
    pen.disc(SHIRT, spine.shoulder, 7.0)
    _near_arm(pen, spine, near, pose, head if reaching_back else None)
    # One arc high over the head, clear of it however far the body bends:
    # forward and down to bend, back up to unwind; the stronger cue shows.
    bending, unwinding = pose["bend_cue"], pose["unwind_cue"]
    if max(bending, unwinding) > 0.01:
        color = fade(CUE, max(bending, unwinding))
        start, stop = (84, 40) if bending >= unwinding else (40, 84)
        points = pen.arc(color, spine.hip, 86.0, start, stop, 1.7)
        arc_head(pen, color, points, 4.0, 1.7)
    if pose["reach_cue"] > 0.01:
        reach_arrow(pen, pose["reach_cue"], near.wrist, near.pointing, -1)


def _behind_neck(spine: Spine, point: Point) -> bool:
    """Whether *point* is behind the neck, as a hand on the upper back is."""
    offset = (point[0] - spine.neck_base[0], point[1] - spine.neck_base[1])
    return offset[0] * spine.forward[0] + offset[1] * spine.forward[1] < 0


def _chair(pen: Pen) -> None:
    """Seat, back rest, post and base; the person faces right."""
    pen.rounded_rect(CHAIR, -16, 4, 46, 8, 4)
    pen.rounded_rect(CHAIR, -30, -44, 9, 46, 4)
    pen.limb(CHAIR, (-23, 0), (-14, 8), 3)
    pen.limb(CHAIR, (8, 12), (8, 40), 3.2)
    pen.limb(CHAIR, (-12, 42), (28, 42), 2.6)
    pen.disc(CHAIR, (-12, 46), 3.2)
    pen.disc(CHAIR, (28, 46), 3.2)


def _far_arm(pen: Pen, arm: Arm, spread: float) -> None:
    """The far (left) arm, darker and thinner, behind the body."""
    pen.limb(SHIRT_FAR, arm.shoulder, arm.elbow, ARM + 0.4)
    pen.limb(SKIN_FAR, arm.elbow, arm.wrist, ARM - 0.2)
    hand(pen, SKIN_FAR, arm.wrist, arm.pointing, spread)


def _near_arm(
    pen: Pen, spine: Spine, arm: Arm, pose: Mapping[str, float], head: Head | None
) -> None:
    """The near (right) arm, with a sleeve. With *head*, the hand reaches back
    over the shoulder, passing beside the head: the forearm goes under the
    head, or it would hide the face; the upper arm goes over it, so the elbow
    shows in front of the face; the hand on the back shows over the shoulder."""
    upper = _side_dir(spine.up, spine.forward, pose["right_upper_arm"])
    sleeve = add(arm.shoulder, upper, UPPER_ARM * 0.55)
    spread = pose["fingers_spread"]
    if head is not None:
        pen.limb(SKIN, arm.elbow, arm.wrist, ARM)
        _side_head(pen, *head)
        pen.limb(SHIRT, arm.shoulder, arm.elbow, ARM + 0.6)
    else:
        pen.limb(SHIRT, arm.shoulder, arm.elbow, ARM + 0.6)
        pen.limb(SKIN, arm.elbow, arm.wrist, ARM)
    pen.limb(SHIRT, arm.shoulder, sleeve, ARM + 1.5)
    hand(pen, SKIN, arm.wrist, arm.pointing, spread)


def _legs(pen: Pen) -> None:
    """Thigh forward on the seat, shin down to the floor, foot forward."""
    pen.limb(TROUSERS_FAR, (0.0, 0.0), (KNEE[0] - 3, KNEE[1] + 1), LEG + 1.5)
    pen.limb(TROUSERS, (0.0, 0.0), KNEE, LEG + 1.5)
    pen.limb(TROUSERS, KNEE, ANKLE, LEG)
    pen.limb(SHOES, (ANKLE[0] - 2, ANKLE[1] + 2), (ANKLE[0] + 10, ANKLE[1] + 3), 4.2)


def _trunk(pen: Pen, spine: Spine) -> None:
    """A rounded trunk from the hip to the shoulders, bending at the waist,
    the chest in front; the hips and the near thigh over its foot."""
    chest = 2.0 + 2.0 * spine.back
    pen.limb(SHIRT, spine.along(4.0), spine.waist, 11.5)
    pen.limb(SHIRT, spine.waist, spine.along(TORSO - 10.0), 11.5)
    pen.limb(SHIRT, spine.along(14.0, 2.0), spine.along(WAIST, 2.0), 11.0)
    pen.limb(SHIRT, spine.along(WAIST, 2.0), spine.along(TORSO - 14.0, chest), 11.0)
    seat = add(spine.hip, spine.low_up, -1.0)
    pen.limb(TROUSERS, seat, add(seat, spine.low_forward, 6.0), 8.0)
    pen.limb(TROUSERS, (0.0, 0.0), KNEE, LEG + 1.5)


def _neck(pen: Pen, spine: Spine, pose: Mapping[str, float]) -> Head:
    """Draw the neck; return where the head goes on it: its centre, up and
    forward. Nodding turns them forward; head_back slides them back."""
    bend = pose["lean"] + pose["curl"]
    head_up, head_forward = _frame(bend + pose["head_tilt"] * 0.85)
    slide = add((0.0, 0.0), spine.forward, -5.0 * pose["head_back"])
    neck_top = add(add(spine.neck_base, slide), head_up, NECK * 0.9)
    pen.limb(SKIN, add(spine.neck_base, spine.up, -3.0), neck_top, 4.6)
    return add(neck_top, head_up, HEAD * 0.8), head_up, head_forward


def _shoulder_cues(pen: Pen, spine: Spine, pose: Mapping[str, float]) -> None:
    shoulder = spine.shoulder
    if pose["roll_cue"] > 0.01:
        # An arrow round the roll's circle, its head just behind the shoulder,
        # following it round: backwards is anticlockwise on screen for
        # someone facing right.
        color = fade(CUE, pose["roll_cue"])
        dx, dy = shoulder[0] - spine.roll_center[0], shoulder[1] - spine.roll_center[1]
        at = math.degrees(math.atan2(-dy, dx))
        points = pen.arc(color, spine.roll_center, 12.0, at - 290, at - 25, 1.5)
        arc_head(pen, color, points, 3.0, 1.5)
    if pose["shrug_cue"] > 0.01:
        tail = add(shoulder, spine.forward, -9.0)
        pen.arrow(fade(CUE, pose["shrug_cue"]), tail, add(tail, spine.up, 14.0), 1.7)


def _side_head(pen: Pen, center: Point, up: Point, forward: Point) -> None:
    # Hair is a disc; the face, moved forward and down, leaves it on the crown
    # and the back of the head.
    pen.disc(HAIR, center, HEAD)
    pen.disc(SKIN, add(add(center, forward, 2.8), up, -2.2), HEAD - 1.2)
    pen.disc(SKIN, add(add(center, forward, HEAD - 0.2), up, -0.5), 2.4)  # nose
    pen.disc(SKIN, add(center, forward, -1.5), 2.7)  # ear
    pen.disc(FACE, add(add(center, forward, HEAD * 0.55), up, 1.5), 1.45)
    angle = math.degrees(math.atan2(-forward[1], forward[0]))
    mouth = add(add(center, forward, HEAD * 0.45), up, -2.6)
    pen.arc(FACE, mouth, 3.4, angle - 105, angle - 15, 0.75)
