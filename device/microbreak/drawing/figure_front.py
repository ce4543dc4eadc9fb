"""The person seen from the front: legs towards the viewer, both arms, the
shoulder blades seen through the shirt when they squeeze."""

from __future__ import annotations

import math
from collections.abc import Mapping

from microbreak.drawing.figure_body import (
    ARM,
    CHAIR,
    CUE,
    FACE,
    FOREARM,
    HAIR,
    HEAD,
    LEG,
    NECK,
    SHIRT,
    SHIRT_FAR,
    SHOES,
    SKIN,
    SKIN_FAR,
    TORSO,
    TROUSERS,
    UPPER_ARM,
    WAIST,
    shoulder_lift_and_back,
)
from microbreak.drawing.figure_pen import Pen, Point, add, fade, hand, mix, reach_arrow


def _front_shoulders(pose: Mapping[str, float]) -> tuple[float, float, dict[str, Point]]:
    """The torso's seen length, the shoulders' height and both shoulders."""

    def seen(length: float, degrees: float) -> float:  # bending towards the viewer foreshortens
        return length * math.cos(math.radians(min(abs(degrees), 80)))

    torso = seen(WAIST, pose["lean"]) + seen(TORSO - WAIST, pose["lean"] + pose["curl"])
    lift, back = shoulder_lift_and_back(pose)
    shoulder_y = -torso + 6.0 - 7.0 * lift
    wide = 2.5 * back
    shoulders = {
        side: (sign * (18.0 + wide), shoulder_y) for side, sign in (("right", -1), ("left", 1))
    }
    return torso, shoulder_y, shoulders


def draw_front(pen: Pen, pose: Mapping[str, float]) -> None:
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
    pen.polygon(
        SHIRT,
        [
            (-7.0, -torso),
            (7.0, -torso),
            (shoulders["left"][0] + 2, top),
            (shoulders["left"][0] + 5, shoulder_y + 4),
            (15.0, 2.0),
            (-15.0, 2.0),
            (shoulders["right"][0] - 5, shoulder_y + 4),
            (shoulders["right"][0] - 2, top),
        ],
    )
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
        color = fade(CUE, pose["shrug_cue"])
        for side, sign in (("right", -1), ("left", 1)):
            x = shoulders[side][0] + sign * 3
            pen.arrow(color, (x, shoulder_y - 8), (x, shoulder_y - 22), 1.7)
    if pose["reach_cue"] > 0.01:
        for side, sign in (("right", -1), ("left", 1)):
            _, wrist, direction = _front_arm_points(shoulders[side], sign, pose, side)
            reach_arrow(pen, pose["reach_cue"], wrist, direction, sign)


def _front_squeeze_cue(pen: Pen, strength: float, shoulder_y: float) -> None:
    """The shoulder blades seen through the shirt, pulled towards the spine."""
    color = fade(CUE, strength)
    for sign in (-1, 1):
        blade = (sign * 7.5, shoulder_y + 11.0)
        pen.ellipse(color, blade, 2.6, 5.0)
        pen.arrow(color, (sign * 19.0, shoulder_y + 11.0), (sign * 12.0, shoulder_y + 11.0), 1.4)


def _front_dir(sign: int, degrees: float) -> Point:
    a = math.radians(degrees)
    return (sign * math.sin(a), math.cos(a))


def _front_arm_points(
    shoulder: Point, sign: int, pose: Mapping[str, float], side: str
) -> tuple[Point, Point, Point]:
    upper, fore = pose[f"{side}_upper_arm"], pose[f"{side}_forearm"]
    # An upper arm swung back, away from the viewer, looks shorter.
    seen = UPPER_ARM * math.cos(math.radians(40.0 * max(0.0, min(1.0, pose["arms_back"]))))
    elbow = add(shoulder, _front_dir(sign, upper), seen)
    wrist = add(elbow, _front_dir(sign, upper + fore), FOREARM)
    return elbow, wrist, _front_dir(sign, upper + fore + pose[f"{side}_wrist"])


def _front_arm(pen: Pen, shoulder: Point, sign: int, pose: Mapping[str, float], side: str) -> None:
    elbow, wrist, direction = _front_arm_points(shoulder, sign, pose, side)
    away = 0.6 * max(0.0, min(1.0, pose["arms_back"]))
    shirt, skin = mix(SHIRT, SHIRT_FAR, away), mix(SKIN, SKIN_FAR, away)
    pen.limb(shirt, shoulder, elbow, ARM + 0.6)
    pen.limb(skin, elbow, wrist, ARM)
    sleeve = add(shoulder, (elbow[0] - shoulder[0], elbow[1] - shoulder[1]), 0.55)
    pen.limb(shirt, shoulder, sleeve, ARM + 1.2)
    hand(pen, skin, wrist, direction, pose["fingers_spread"])


def _front_head(pen: Pen, center: Point, tilt: float) -> None:
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
