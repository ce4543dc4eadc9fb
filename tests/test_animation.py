"""The set as a pure function of time: reps, holds, keyframes, easing.
Nothing here draws or reads a clock."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import microbreak
from microbreak.core.animation import (
    DEFAULT_POSE,
    EASINGS,
    SET_REST_SECONDS,
    Keyframe,
    Motion,
    blend,
    full_pose,
)

SHRUG = Motion(
    [
        Keyframe({}, seconds=1.0, pause=1.0),
        Keyframe({"shrug": 1, "shrug_cue": 1}, seconds=1.0, hold=True),
    ],
    reps=5,
    hold_seconds=3,
)  # a rep: pause 1, up 1, hold 3, down 1


def test_one_rep_is_its_moves_hold_and_pauses():
    assert SHRUG.rep_seconds == 6.0
    assert SHRUG.loop_seconds == 5 * 6.0 + SET_REST_SECONDS


def test_the_counter_counts_reps_and_the_set_ends_done_then_starts_again():
    assert [SHRUG.at(t).counter for t in (0, 5.9, 6.0, 29.9)] == [
        "1 / 5",
        "1 / 5",
        "2 / 5",
        "5 / 5",
    ]
    done = SHRUG.at(30.5)
    assert done.done and done.counter == "5 / 5" and done.hold_left is None
    assert done.pose == full_pose({})
    again = SHRUG.at(SHRUG.loop_seconds + 0.5)
    assert not again.done and again.counter == "1 / 5"


def test_the_hold_counts_down_while_the_pose_stays():
    assert SHRUG.at(1.5).hold_left is None  # still moving up
    assert SHRUG.at(2.0).hold_left == 3.0
    assert SHRUG.at(2.0).hold_fraction == 1.0
    assert SHRUG.at(3.5).hold_left == pytest.approx(1.5)
    assert SHRUG.at(3.5).hold_fraction == pytest.approx(0.5)
    assert SHRUG.at(4.99).hold_left == pytest.approx(0.01)
    assert SHRUG.at(5.0).hold_left is None  # coming down
    assert SHRUG.at(2.0).pose == SHRUG.at(4.9).pose
    assert SHRUG.at(3.0).pose["shrug"] == 1.0


def test_moves_ease_in_and_out_between_the_keyframes():
    assert SHRUG.at(0.5).pose["shrug"] == 0.0  # the pause
    assert SHRUG.at(1.5).pose["shrug"] == pytest.approx(0.5)  # halfway, by symmetry
    assert SHRUG.at(1.1).pose["shrug"] < 0.1 * 0.5  # a gentle start
    assert SHRUG.at(5.5).pose["shrug"] == pytest.approx(0.5)  # the first keyframe's seconds: down
    assert SHRUG.at(5.999).pose["shrug"] < 0.01


def test_keys_left_out_carry_over_from_the_keyframe_before():
    motion = Motion(
        [Keyframe({}), Keyframe({"lean": 30, "head_tilt": 10}), Keyframe({"lean": 0})],
        reps=1,
        hold_seconds=0,
        view="side",
    )
    assert motion.poses[2]["head_tilt"] == 10.0
    assert motion.poses[0]["head_tilt"] == 0.0


def test_a_zero_second_move_jumps():
    roll = Motion(
        [Keyframe({}, seconds=0, pause=1), Keyframe({"roll": 360}, seconds=3)], 5, 0, "side"
    )
    assert roll.rep_seconds == 4.0
    assert roll.at(3.999).pose["roll"] == pytest.approx(360, abs=0.01)
    assert roll.at(4.0).pose["roll"] == 0.0


def test_the_still_picture_is_halfway_through_the_hold_or_else_the_first_move():
    assert SHRUG.key_seconds == 3.5
    roll = Motion(
        [Keyframe({}, seconds=0, pause=1), Keyframe({"roll": 360}, seconds=3)], 5, 0, "side"
    )
    assert roll.at(roll.key_seconds).pose["roll"] == pytest.approx(180)


def test_key_times_cover_every_move_and_the_hold():
    times = SHRUG.key_times()
    assert times[0] == 0.0 and all(0 <= t < SHRUG.rep_seconds for t in times)
    assert any(SHRUG.at(t).hold_left is not None for t in times)
    shrugs = [SHRUG.at(t).pose["shrug"] for t in times]
    assert min(shrugs) == 0.0 and max(shrugs) == 1.0


def test_poses_along_pass_through_every_keyframe():
    poses = list(SHRUG.poses_along())
    for pose in SHRUG.poses:
        assert pose in poses
    assert any(0.2 < p["shrug"] < 0.8 for p in poses)


@pytest.mark.parametrize("name", list(EASINGS))
def test_easings_run_from_start_to_end_without_turning_back(name):
    ease = EASINGS[name]
    assert ease(0.0) == pytest.approx(0.0) and ease(1.0) == pytest.approx(1.0)
    values = [ease(i / 50) for i in range(51)]
    assert values == sorted(values)


@given(elapsed=st.floats(min_value=-10, max_value=1e6, allow_nan=False))
def test_any_moment_is_a_whole_pose_and_a_sensible_count(elapsed):
    moment = SHRUG.at(elapsed)
    assert set(moment.pose) == set(DEFAULT_POSE)
    assert 1 <= moment.rep <= moment.reps == 5
    assert 0.0 <= moment.pose["shrug"] <= 1.0
    if moment.hold_left is not None:
        assert 0.0 < moment.hold_left <= 3.0
        assert moment.pose["shrug"] == 1.0


@given(start=st.floats(min_value=0, max_value=200, allow_nan=False))
def test_the_motion_is_smooth(start):
    """A thirtieth of a second later, nothing has jumped."""
    a, b = SHRUG.at(start), SHRUG.at(start + 1 / 30)
    assert all(abs(a.pose[key] - b.pose[key]) < 0.1 for key in a.pose)


def test_blend():
    a, b = full_pose({}), full_pose({"lean": 40, "shrug": 1})
    assert blend(a, b, 0) == a and blend(a, b, 1) == b
    assert blend(a, b, 0.5)["lean"] == 20.0


@pytest.mark.parametrize(
    "keyframes, hold, message",
    [
        (
            [Keyframe({}), Keyframe({"leen": 30})],
            0,
            "keyframe 2: leen is not a pose key (did you mean 'lean'?)",
        ),
        ([Keyframe({}), Keyframe({"sconds": 3})], 0, "did you mean 'seconds'?"),
        (
            [Keyframe({}), Keyframe({"shrug": "up"})],
            0,
            "keyframe 2: pose key 'shrug' = 'up' is not allowed",
        ),
        ([Keyframe({}), Keyframe({"shrug": True})], 0, "keyframe 2: pose key 'shrug' = True"),
        ([Keyframe({}), Keyframe({}, seconds=-1)], 0, "keyframe 2: seconds = -1 is out of range"),
        ([Keyframe({}, pause=99), Keyframe({})], 0, "keyframe 1: pause = 99 is out of range"),
        ([Keyframe({}), Keyframe({}, seconds="fast")], 0, "keyframe 2: seconds = 'fast'"),
        (
            [Keyframe({}), Keyframe({}, ease="bounce")],
            0,
            "keyframe 2: ease = 'bounce' is not allowed",
        ),
        ([Keyframe({}), Keyframe({}, hold=1)], 3, "keyframe 2: hold = 1 is not allowed"),
        ([Keyframe({}), Keyframe({})], 3, "none has hold = true, but hold_seconds = 3"),
        (
            [Keyframe({}), Keyframe({}, hold=True)],
            0,
            "keyframe 2: hold = true, but hold_seconds = 0",
        ),
        (
            [Keyframe({}, hold=True), Keyframe({}, hold=True)],
            3,
            "keyframe 2: hold = true, but keyframe 1 holds",
        ),
        ([Keyframe({}, seconds=0)], 0, "one rep takes no time"),
        ([], 0, "keyframes has 0 entries"),
    ],
)
def test_a_bad_keyframe_is_refused_naming_it_and_its_field(keyframes, hold, message):
    with pytest.raises(ValueError) as caught:
        Motion(keyframes, reps=5, hold_seconds=hold)
    assert message in str(caught.value)


def test_the_timeline_needs_no_pygame():
    """The core and the exercise loader run on a device with no screen."""
    device = Path(microbreak.__file__).resolve().parent.parent
    code = (
        "import sys; sys.modules['pygame'] = None\n"
        "import microbreak.core.animation, microbreak.config.exercises\n"
        "print(len(microbreak.config.exercises.load_exercises()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(device)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5"
