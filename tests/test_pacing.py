"""The pace marks agree with the picture: at each mark, the motion the screen
draws is where the mark says, for every built-in exercise."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microbreak.config.exercises import load_exercises
from microbreak.core.pacing import Pace, marks_between, set_marks

EXERCISES = load_exercises()
JUST = 1e-6


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_each_mark_is_where_the_picture_is(exercise):
    motion = exercise.motion
    marks = set_marks(motion)
    assert [m.pace for m in marks].count(Pace.REP) == motion.reps
    assert marks[-1].pace is Pace.DONE
    for mark in marks:
        after = motion.at(mark.at + JUST)
        if mark.pace is Pace.REP:
            assert after.counter == f"{mark.rep} / {motion.reps}" and not after.done
        elif mark.pace is Pace.HOLD:
            assert motion.at(mark.at - JUST).hold_left is None
            assert after.hold_left == pytest.approx(motion.hold_seconds, abs=1e-3)
        elif mark.pace is Pace.RELAX:
            assert motion.at(mark.at - JUST).hold_left is not None and after.hold_left is None
        else:
            assert after.done and not motion.at(mark.at - JUST).done
    holds = [m for m in marks if m.pace is Pace.HOLD]
    assert len(holds) == (motion.reps if motion.hold_seconds else 0)


@settings(deadline=None)
@given(start=st.floats(0, 200), step=st.floats(0.01, 2.0))
def test_a_loop_that_looks_now_and_then_hears_each_mark_once(start, step):
    """Asked stretch after stretch, every mark of every lap comes once, in order."""
    motion = next(e for e in EXERCISES if e.name == "shoulder-shrug").motion
    heard, now = [], start
    while now < start + 2 * motion.loop_seconds:
        heard += marks_between(motion, now, now + step)
        now += step
    laps = {round(m.at // motion.loop_seconds) for m in heard}
    assert [m.at for m in heard] == sorted(m.at for m in heard)
    assert len(heard) == len({(m.at, m.pace) for m in heard})
    full = [
        lap
        for lap in laps
        if start < lap * motion.loop_seconds and (lap + 1) * motion.loop_seconds <= now
    ]
    for lap in full:
        assert sum(1 for m in heard if m.at // motion.loop_seconds == lap) == len(set_marks(motion))


def test_the_first_mark_counts_from_the_start():
    motion = EXERCISES[0].motion
    assert marks_between(motion, -1.0, 0.0) == [set_marks(motion)[0]]
    assert marks_between(motion, 1.0, 1.0) == []
