"""The exercises as data: the five built in, custom ones, and bad files refused."""

import logging

import pytest

from microbreak.config.exercises import ExerciseError, builtin_dir, load_exercise, load_exercises
from microbreak.core.presenter import dose

SEED = [
    "upper-back-movement",
    "high-reach-stretch",
    "shoulder-rolls",
    "shoulder-squeeze",
    "shoulder-shrug",
]


def test_the_five_seed_exercises_in_order():
    exercises = load_exercises()
    assert [e.name for e in exercises] == SEED
    for e in exercises:
        assert 1 <= len(e.steps) <= 4 and e.reps >= 1
        assert all(len(step) <= 60 for step in e.steps), "steps are short lines"


def test_seed_facts_are_kept():
    by_name = {e.name: e for e in load_exercises()}
    reach = by_name["high-reach-stretch"]
    assert (reach.reps, reach.hold_seconds) == (5, 5)
    assert any("fingers" in s.lower() for s in reach.steps)
    assert by_name["shoulder-rolls"].reps == 5 and by_name["shoulder-shrug"].reps == 5
    assert dose(reach) == "5 reps · hold 5 s"
    assert dose(by_name["shoulder-rolls"]) == "5 reps"


def test_custom_exercises_add_and_replace(tmp_path):
    (tmp_path / "neck-tilt.toml").write_text(
        'title = "Neck tilt"\nreps = 3\nhold_seconds = 2\nsteps = ["Tilt", "Back"]\norder = 9\n'
    )
    (tmp_path / "shoulder-rolls.toml").write_text(
        'title = "Shoulder rolls"\nreps = 10\nhold_seconds = 0\nsteps = ["Roll back"]\norder = 3\n'
    )
    by_name = {e.name: e for e in load_exercises([tmp_path])}
    assert by_name["neck-tilt"].title == "Neck tilt"
    assert by_name["shoulder-rolls"].reps == 10
    assert len(by_name) == 6


@pytest.mark.parametrize(
    "text, message",
    [
        ('reps = 3\nhold_seconds = 2\nsteps = ["a"]\n', "title is missing"),
        ('title = "x"\nreps = 0\nhold_seconds = 2\nsteps = ["a"]\n', "reps = 0 is out of range"),
        ('title = "x"\nreps = "5"\nhold_seconds = 2\nsteps = ["a"]\n', "reps = '5' is not allowed"),
        ('title = "x"\nreps = 3\nhold_seconds = 2\nsteps = []\n', "steps has 0 entries"),
        ('title = "x"\nreps = 3\nhold_seconds = 2\nsteps = ["a"]\nview = "top"\n', "view = 'top'"),
        ('title = "x"\nreps = 3\n[', "not valid TOML"),
    ],
)
def test_bad_files_are_refused_naming_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError) as caught:
        load_exercise(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


BUILTIN = sorted(builtin_dir().glob("*.toml"))


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.stem)
def test_every_built_in_exercise_validates_and_moves(path):
    exercise = load_exercise(path)
    motion = exercise.motion
    assert len(exercise.keyframes) >= 2, "a built-in exercise moves"
    held = [k for k in exercise.keyframes if k.hold]
    assert len(held) == (1 if exercise.hold_seconds else 0)
    assert 3 <= motion.rep_seconds <= 20, "a rep a person can follow"
    # Some pose key changes over the rep, and some cue shows how to move.
    first = motion.poses[0]
    assert any(pose != first for pose in motion.poses)
    cues = [key for key in first if key.endswith("_cue")]
    assert any(pose[key] > 0.5 for pose in motion.poses for key in cues)


def test_the_seed_movements_are_shown():
    by_name = {e.name: e.motion for e in load_exercises()}
    peak = lambda name, key: max(p[key] for p in by_name[name].poses)  # noqa: E731
    assert (
        peak("high-reach-stretch", "left_upper_arm") >= 170
        and peak("high-reach-stretch", "fingers_spread") == 1
    )
    assert peak("shoulder-shrug", "shrug") == 1
    assert peak("shoulder-rolls", "roll") == 360
    squeeze = by_name["shoulder-squeeze"]
    held = squeeze.at(squeeze.key_seconds).pose
    assert (held["left_upper_arm"], held["left_forearm"]) == (90, 90)  # bent 90°, elbows out
    assert held["shoulders_back"] == 1 and held["head_back"] == 1 and held["squeeze_cue"] == 1
    back = by_name["upper-back-movement"]
    bent = back.at(back.key_seconds).pose
    assert bent["lean"] + bent["curl"] >= 60 and bent["bend_cue"] == 1
    # Unwinding: the lower back straightens while the upper back is still
    # round, and the head comes up last.
    unwinding = [back.at(t).pose for t in back.key_times() if t > back.key_seconds]
    assert any(p["lean"] < 5 and p["curl"] > 20 for p in unwinding)
    assert any(p["lean"] < 1 and p["curl"] < 1 and p["head_tilt"] > 30 for p in unwinding)


KEYFRAMES = 'title = "x"\nreps = 3\nhold_seconds = 2\nsteps = ["a"]\n'


@pytest.mark.parametrize(
    "text, message",
    [
        (
            KEYFRAMES + "[[keyframes]]\n[[keyframes]]\nhold = true\nleen = 30\n",
            "keyframe 2: leen is not a pose key (did you mean 'lean'?)",
        ),
        (
            KEYFRAMES + "[[keyframes]]\n[[keyframes]]\nhold = true\nshrug = 'up'\n",
            "keyframe 2: pose key 'shrug' = 'up'",
        ),
        (
            KEYFRAMES + "[[keyframes]]\nseconds = -2\n[[keyframes]]\nhold = true\n",
            "keyframe 1: seconds = -2",
        ),
        (
            KEYFRAMES + "[[keyframes]]\n[[keyframes]]\nhold = true\nease = 'wobble'\n",
            "keyframe 2: ease = 'wobble'",
        ),
        (
            KEYFRAMES + "[[keyframes]]\n[[keyframes]]\nshrug = 1\n",
            "none has hold = true, but hold_seconds = 2",
        ),
        (KEYFRAMES + "[[keyframes]]\nhold = 'yes'\n[[keyframes]]\n", "keyframe 1: hold = 'yes'"),
        (KEYFRAMES + "keyframes = [1, 2]\n", "keyframes must be [[keyframes]] tables"),
        (KEYFRAMES + "[pose]\nshrug = 1\n[[keyframes]]\n", "pose and keyframes are both given"),
        (
            KEYFRAMES + "[pose]\nshurg = 1\n",
            "pose: unknown pose key 'shurg' (did you mean 'shrug'?)",
        ),
    ],
)
def test_a_malformed_custom_file_is_refused_naming_file_and_field(tmp_path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError) as caught:
        load_exercise(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_a_bad_custom_file_is_left_out_with_a_warning_and_the_rest_load(tmp_path, caplog):
    (tmp_path / "broken.toml").write_text(
        KEYFRAMES + "[[keyframes]]\n[[keyframes]]\nhold = true\nleen = 3\n"
    )
    (tmp_path / "neck-tilt.toml").write_text(
        'title = "Neck tilt"\nreps = 3\nhold_seconds = 2\nsteps = ["Tilt", "Back"]\n'
        "[[keyframes]]\npause = 1\n[[keyframes]]\nhold = true\nhead_tilt = 30\n"
    )
    with caplog.at_level(logging.WARNING, logger="microbreak.config.exercises"):
        names = [e.name for e in load_exercises([tmp_path])]
    assert "neck-tilt" in names and "broken" not in names and len(names) == 6
    [record] = caplog.records
    assert str(tmp_path / "broken.toml") in record.getMessage() and "leen" in record.getMessage()


def test_a_single_pose_file_moves_into_the_pose_and_holds_it(tmp_path):
    path = tmp_path / "lean.toml"
    path.write_text(
        'title = "Lean"\nreps = 2\nhold_seconds = 4\nsteps = ["Lean"]\nview = "side"\n'
        "[pose]\nlean = 30\n"
    )
    motion = load_exercise(path).motion
    assert motion.at(0).pose["lean"] == 0
    held = motion.at(motion.key_seconds)
    assert held.pose["lean"] == 30 and held.hold_left is not None


def test_a_file_with_no_pose_at_all_still_paces_the_set(tmp_path):
    path = tmp_path / "breathe.toml"
    path.write_text('title = "Breathe"\nreps = 4\nhold_seconds = 0\nsteps = ["In", "Out"]\n')
    motion = load_exercise(path).motion
    assert motion.reps == 4 and motion.rep_seconds > 0
