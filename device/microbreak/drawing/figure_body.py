"""The seated person's body: its measures in model units (about a
centimetre; the hip joint at the origin, y growing downwards as on screen),
its colours, and how the shoulders move."""

from __future__ import annotations

import math
from collections.abc import Mapping

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


def shoulder_lift_and_back(pose: Mapping[str, float]) -> tuple[float, float]:
    """How far the shoulders are raised and drawn back (in shrug and
    shoulders_back units): the two poses' own, plus the roll's circle."""
    start = math.radians(ROLL_START)
    turn = start + math.radians(pose["roll"])
    lift = ROLL_RADIUS * (math.sin(turn) - math.sin(start))
    back = -ROLL_RADIUS * (math.cos(turn) - math.cos(start))
    return pose["shrug"] + lift, pose["shoulders_back"] + back
