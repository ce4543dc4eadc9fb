"""The side view's figure doing the upper back movement as the seed says:
hands reached back over the shoulders and flat on the upper back, elbows up
and forward, then bent forward with the elbows towards the floor."""

import math
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame
import pytest

from microbreak.config.exercises import load_exercises
from microbreak.core.animation import full_pose
from microbreak.drawing.figure_body import FACE, SHIRT, SKIN, TORSO, WAIST
from microbreak.drawing.figure_pen import Pen
from microbreak.drawing.figure_side import Spine, draw_side, side_arm

MOTION = next(e for e in load_exercises() if e.name == "upper-back-movement").motion
FPS = 30
REP = [MOTION.at(i / FPS).pose for i in range(round(MOTION.rep_seconds * FPS))]
SIDES = ("left", "right")


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1]


def minus(a, b):
    return (a[0] - b[0], a[1] - b[1])


def degrees_between(a, b):
    return math.degrees(math.acos(dot(a, b) / math.hypot(*a) / math.hypot(*b)))


@pytest.mark.parametrize("side", SIDES)
def test_the_hands_lie_flat_on_the_upper_back_all_through_the_rep(side):
    for i, pose in enumerate(REP):
        spine, arm = Spine(pose), side_arm(Spine(pose), pose, side)
        down = (-spine.up[0], -spine.up[1])
        palm = minus(arm.palm, spine.neck_base)
        # Behind the spine, between the top of the trunk and the waist...
        assert dot(palm, spine.forward) < -2, (side, i / FPS)
        assert -(TORSO - WAIST) < dot(palm, spine.up) < 0, (side, i / FPS)
        # ...and lying along the back, fingers down, not sticking out of it.
        assert degrees_between(arm.pointing, down) < 30, (side, i / FPS)


@pytest.mark.parametrize("side", SIDES)
def test_the_elbows_point_up_and_forward_then_to_the_floor_in_the_bend(side):
    for i, pose in enumerate(REP):
        spine = Spine(pose)
        arm = side_arm(spine, pose, side)
        upper = minus(arm.elbow, arm.shoulder)
        rise = math.degrees(math.atan2(dot(upper, spine.up), dot(upper, spine.forward)))
        assert 30 <= rise <= 75, (side, i / FPS)  # up and forward of the shoulder
    held = MOTION.at(MOTION.key_seconds).pose
    arm = side_arm(Spine(held), held, side)
    assert degrees_between(minus(arm.elbow, arm.shoulder), (0.0, 1.0)) < 45  # y grows down


def draw(pose, size=(400, 400), scale=3.0):
    """The figure drawn straight, without smoothing, the hip at (150, 250):
    every pixel is one of the figure's own colours."""
    surface = pygame.Surface(size)
    surface.fill((0, 0, 0))
    pen = Pen(scale, 150, 250)
    draw_side(pen, pose)
    pen.paint(surface)
    return surface, pen


def color_at(surface, pen, point):
    x, y = pen.point(point)
    return tuple(surface.get_at((round(x), round(y))))[:3]


def test_the_hand_on_the_back_and_the_raised_elbow_are_seen_and_the_face_too():
    start = REP[0]
    surface, pen = draw(start)
    spine = Spine(start)
    near = side_arm(spine, start, "right")
    assert color_at(surface, pen, near.palm) == SKIN  # not under the sleeve or the head
    assert color_at(surface, pen, near.elbow) == SHIRT  # in front of the face

    def face_pixels(surface):
        return pygame.mask.from_threshold(surface, FACE, (1, 1, 1, 255)).count()

    arms = ("_upper_arm", "_forearm", "_wrist")
    arms_down = full_pose({k: v for k, v in start.items() if not k.endswith(arms)}, "side")
    assert face_pixels(surface) >= 0.8 * face_pixels(draw(arms_down)[0])  # past the arm
