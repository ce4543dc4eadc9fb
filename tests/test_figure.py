"""The seated figure: drawn where it is asked, in the pose it is given."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame
import pytest

from microbreak.config.exercises import load_exercises
from microbreak.drawing.figure import DEFAULT_POSE, draw_figure, figure_bounds, full_pose
from microbreak.drawing.figure_body import CUE, SHIRT
from microbreak.drawing.pgcompat import surface_bytes

BACKGROUND = (20, 24, 33)
REACH = {
    "left_upper_arm": 165,
    "right_upper_arm": 165,
    "left_forearm": 0,
    "right_forearm": 0,
    "fingers_spread": 1,
}
EXERCISES = load_exercises()
# Room for a reach and a deep bend: poses drawn in it are drawn to one scale.
ROOM = {
    "front": figure_bounds("front", [{}, REACH]),
    "side": figure_bounds(
        "side", [{}, {"lean": 45}, {**REACH, "left_upper_arm": 180, "right_upper_arm": 180}]
    ),
}


def render(view, pose, size=(240, 240), bounds=None):
    surface = pygame.Surface(size)
    surface.fill(BACKGROUND)
    box = draw_figure(surface, surface.get_rect(), view, pose, bounds or ROOM[view])
    return surface, box


def ink(surface, rect=None):
    """How many pixels in *rect* are not background."""
    rect = pygame.Rect(rect or surface.get_rect())
    sub = surface.subsurface(rect)
    return (
        rect.width * rect.height
        - pygame.mask.from_threshold(sub, BACKGROUND, (1, 1, 1, 255)).count()
    )


def ink_rows(surface):
    """The bounding rects of the figure's connected parts."""
    mask = pygame.mask.from_threshold(surface, BACKGROUND, (1, 1, 1, 255))
    mask.invert()
    return mask.get_bounding_rects()


def differing_pixels(a, b):
    mask = pygame.mask.Mask(a.get_size())
    for x in range(0, a.get_width(), 2):
        for y in range(0, a.get_height(), 2):
            if a.get_at((x, y)) != b.get_at((x, y)):
                mask.set_at((x, y))
    return mask.count()


@pytest.mark.parametrize("view", ["front", "side"])
def test_an_empty_pose_is_a_person_sitting_relaxed(view):
    surface, box = render(view, {})
    assert ink(surface, box) > 0.15 * box.width * box.height
    # Nothing above the head: the arms rest.
    assert ink(surface, (box.left, box.top, box.width, box.height // 6)) == 0


def test_reaching_up_puts_arms_above_the_head():
    relaxed, box = render("front", {})
    reaching, _ = render("front", REACH)
    top = (box.left, box.top, box.width, box.height // 6)
    assert ink(relaxed, top) == 0
    assert ink(reaching, top) > 100


def test_a_shrug_raises_the_shoulders():
    def shoulder_top(pose):
        surface, box = render("front", pose, (400, 400))
        shirt = pygame.mask.from_threshold(surface, SHIRT, (1, 1, 1, 255))
        return min(r.top for r in shirt.get_bounding_rects() if r.width > 20)

    assert shoulder_top({"shrug": 1}) < shoulder_top({}) - 5


def test_leaning_forward_brings_the_head_forward_and_down():
    def head_top(pose):
        """The top of the figure, and the middle of its top 20 rows."""
        surface, _ = render("side", pose, (400, 400))
        top = min(r.top for r in ink_rows(surface))
        crown = surface.subsurface((0, top, 400, 20))
        mask = pygame.mask.from_threshold(crown, BACKGROUND, (1, 1, 1, 255))
        mask.invert()
        return top, mask.centroid()[0]

    (upright_y, upright_x), (bent_y, bent_x) = head_top({}), head_top({"lean": 45})
    assert bent_y > upright_y + 10
    assert bent_x > upright_x + 10


def test_spread_fingers_change_the_hands():
    closed, _ = render("front", {**REACH, "fingers_spread": 0}, (400, 400))
    spread, _ = render("front", REACH, (400, 400))
    assert differing_pixels(closed, spread) > 20


def test_every_exercise_pose_looks_different_from_the_others_and_from_resting():
    images = {e.name: render(e.view, e.pose)[0] for e in EXERCISES}
    images["resting-front"] = render("front", {})[0]
    images["resting-side"] = render("side", {})[0]
    names = list(images)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert differing_pixels(images[a], images[b]) > 200, (a, b)


def test_the_figure_stays_inside_its_rect():
    surface = pygame.Surface((300, 300))
    surface.fill((255, 0, 255))
    rect = pygame.Rect(100, 80, 90, 120)
    for exercise in EXERCISES:
        box = draw_figure(surface, rect, exercise.view, exercise.pose)
        assert rect.contains(box)
    untouched = pygame.mask.from_threshold(surface, (255, 0, 255), (1, 1, 1, 255))
    inside = pygame.mask.from_threshold(surface.subsurface(rect), (255, 0, 255), (1, 1, 1, 255))
    assert untouched.count() - inside.count() == 300 * 300 - rect.width * rect.height
    assert inside.count() < 0.9 * rect.width * rect.height  # something was drawn


def test_a_rect_partly_off_the_surface_is_clipped():
    surface = pygame.Surface((100, 100))
    box = draw_figure(surface, (50, 50, 200, 200), "front", {})
    assert surface.get_rect().contains(box)


def test_a_pose_alone_fills_its_rect_and_is_not_cut_off():
    surface = pygame.Surface((200, 300))
    surface.fill(BACKGROUND)
    box = draw_figure(surface, surface.get_rect(), "front", REACH)
    assert box.height == 300 or box.width == 200  # as large as fits
    edge = [
        (box.left, box.top, box.width, 1),
        (box.left, box.bottom - 1, box.width, 1),
        (box.left, box.top, 1, box.height),
        (box.right - 1, box.top, 1, box.height),
    ]
    assert all(ink(surface, rect) == 0 for rect in edge)


@pytest.mark.parametrize("view", ["front", "side"])
def test_bounds_hold_every_pose_with_room_to_spare(view):
    poses = [
        {},
        {"lean": 45, "curl": 30, "bend_cue": 1},
        {"shrug": 1, "shrug_cue": 1},
        {"left_upper_arm": 90, "right_upper_arm": 90, "left_forearm": 0, "right_forearm": 0},
    ]
    bounds = figure_bounds(view, poses)
    for pose in poses:
        surface, box = render(view, pose, (300, 300), bounds)
        assert ink(surface, box) > 0
        assert ink(surface, (box.left, box.top, box.width, 2)) == 0
        assert ink(surface, (box.left, box.bottom - 2, box.width, 2)) == 0
        assert ink(surface, (box.left, box.top, 2, box.height)) == 0
        assert ink(surface, (box.right - 2, box.top, 2, box.height)) == 0
    # A pose that reaches further needs more room.
    left, top, width, height = bounds
    assert figure_bounds(view, [{}])[3] < height or figure_bounds(view, [{}])[2] < width


def centroid_of(surface, color):
    mask = pygame.mask.from_threshold(surface, color, (1, 1, 1, 255))
    return mask.centroid(), mask.count()


def test_curling_the_upper_back_brings_the_head_further_forward_and_down():
    def head(pose):
        surface, _ = render("side", pose, (400, 400))
        return centroid_of(surface, (168, 112, 76))[0]  # the hair

    straight, curled = head({"lean": 20}), head({"lean": 20, "curl": 30})
    assert curled[0] > straight[0] + 5 and curled[1] > straight[1] + 5


@pytest.mark.parametrize("view", ["front", "side"])
def test_a_shoulder_roll_goes_up_then_back_and_comes_round_to_rest(view):
    def shoulders(roll):
        surface, _ = render(view, {"roll": roll}, (400, 400))
        return surface_bytes(surface, "RGB"), surface

    rest, _ = shoulders(0)
    assert shoulders(360)[0] == rest
    assert shoulders(150)[0] != rest

    def shirt_top(roll):
        _, surface = shoulders(roll)
        shirt = pygame.mask.from_threshold(surface, SHIRT, (1, 1, 1, 255))
        return min(r.top for r in shirt.get_bounding_rects() if r.width > 10)

    assert shirt_top(120) < shirt_top(0) - 3  # up at the top of the circle


def test_arms_swung_back_look_shorter_from_the_front():
    arms = {"left_upper_arm": 90, "right_upper_arm": 90, "left_forearm": 90, "right_forearm": 90}
    room = figure_bounds("front", [arms])

    def width(pose):
        surface, _ = render("front", pose, (400, 400), room)
        return max(r.right for r in ink_rows(surface)) - min(r.left for r in ink_rows(surface))

    assert width({**arms, "arms_back": 1}) < width(arms) - 20


@pytest.mark.parametrize(
    "view, cue",
    [
        ("front", "reach_cue"),
        ("front", "shrug_cue"),
        ("front", "squeeze_cue"),
        ("side", "roll_cue"),
        ("side", "bend_cue"),
        ("side", "unwind_cue"),
    ],
)
def test_every_cue_shows_and_fades(view, cue):
    pose = dict(REACH) if cue == "reach_cue" else {}
    full, _ = render(view, {**pose, cue: 1}, (300, 300))
    faint, _ = render(view, {**pose, cue: 0.4}, (300, 300))
    none, _ = render(view, pose, (300, 300))
    assert centroid_of(full, CUE)[1] > 50
    assert centroid_of(faint, CUE)[1] == 0 and differing_pixels(faint, none) > 20


def test_bending_and_unwinding_arrows_point_opposite_ways():
    def arrow_head_side(cue):
        surface, _ = render("side", {cue: 1}, (300, 300))
        mask = pygame.mask.from_threshold(surface, CUE, (1, 1, 1, 255))
        return mask.centroid()

    bend, unwind = arrow_head_side("bend_cue"), arrow_head_side("unwind_cue")
    assert bend != unwind


def test_the_same_pose_draws_the_same_pixels():
    a, _ = render("side", EXERCISES[0].pose)
    b, _ = render("side", EXERCISES[0].pose)
    assert surface_bytes(a, "RGB") == surface_bytes(b, "RGB")


def test_arms_straight_out_are_not_cut_off():
    arms = {"left_upper_arm": 90, "right_upper_arm": 90, "left_forearm": 0, "right_forearm": 0}
    surface, box = render("front", arms, (300, 300), figure_bounds("front", [arms]))
    # Some background is left at both sides of the box: the hands fit.
    assert ink(surface, (box.left, box.top, 2, box.height)) == 0
    assert ink(surface, (box.right - 2, box.top, 2, box.height)) == 0
    assert ink(surface, box) > 0


def test_full_pose_fills_defaults_and_rejects_bad_keys_and_values():
    pose = full_pose({}, "side")
    assert set(pose) == set(DEFAULT_POSE)
    assert all(isinstance(value, float) for value in pose.values())
    assert full_pose({"lean": 30}, "side")["lean"] == 30.0
    with pytest.raises(ValueError, match="'leen'"):
        full_pose({"leen": 30})
    with pytest.raises(ValueError, match="'shrug'"):
        full_pose({"shrug": True})
    with pytest.raises(ValueError, match="'shrug'"):
        full_pose({"shrug": "up"})
    with pytest.raises(ValueError, match="view"):
        full_pose({}, "top")


def test_poses_blend_key_by_key():
    a = full_pose({}, "front")
    b = full_pose(EXERCISES[1].pose, "front")
    halfway = {key: a[key] + (b[key] - a[key]) / 2 for key in a}
    surface, box = render("front", halfway)
    assert ink(surface, box) > 0


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_exercise_file_has_a_valid_pose(exercise):
    assert exercise.pose, "the exercise shows only a resting figure"
    full_pose(exercise.pose, exercise.view)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_frame_of_a_rep_fits_the_room_measured_for_its_motion(exercise):
    """At 30 fps through a whole rep, each pose's own extent lies inside the
    room the screen fits to its area, with room to spare. Every frame is
    drawn at that one scale, so this holds at every screen size."""
    from microbreak.drawing.figure import MARGIN

    motion = exercise.motion
    left, top, width, height = figure_bounds(exercise.view, motion.poses_along())
    for i in range(round(motion.rep_seconds * 30)):
        x, y, w, h = figure_bounds(exercise.view, [motion.at(i / 30).pose])
        inner = (x + MARGIN, y + MARGIN, x + w - MARGIN, y + h - MARGIN)  # the ink itself
        assert inner[0] >= left + 1 and inner[1] >= top + 1, i / 30
        assert inner[2] <= left + width - 1 and inner[3] <= top + height - 1, i / 30
