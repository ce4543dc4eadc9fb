"""The schedule: interval, heads-up, break, gestures; properties over random days."""

import contextlib
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microbreak.core.effects import BreakEnded, BreakStarted, Cue, Outcome, SetConfirmed
from microbreak.core.gestures import Gesture
from microbreak.core.refused import Refused
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.core.states import StateName
from microbreak.service.clock import FakeClock

NAMES = [
    "upper-back-movement",
    "high-reach-stretch",
    "shoulder-rolls",
    "shoulder-squeeze",
    "shoulder-shrug",
]
RULES = Rules(
    interval_seconds=45 * 60,
    heads_up_seconds=60,
    exercises_per_break=2,
    recue_seconds=180,
    max_recues=2,
    snooze_seconds=600,
    max_snoozes=2,
    summary_seconds=8,
)


def run_until(schedule, clock, state, step=1.0, limit=10 * 3600):
    effects = []
    for _ in range(int(limit / step)):
        if schedule.state.name is state:
            return effects
        clock.advance(step)
        effects += schedule.advance(clock.now())
    raise AssertionError(f"never reached {state}")


def test_first_break_one_interval_after_start_with_heads_up_before():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    start = clock.now().mono
    run_until(schedule, clock, StateName.HEADS_UP)
    assert clock.now().mono - start == 45 * 60 - 60
    effects = run_until(schedule, clock, StateName.BREAK)
    assert clock.now().mono - start == 45 * 60
    assert effects[0] == BreakStarted(
        clock.now().wall, ("upper-back-movement", "high-reach-stretch"), "scheduled"
    )
    assert effects[1] == Cue("break")


def test_no_heads_up_when_turned_off():
    clock = FakeClock()
    schedule = Schedule(Rules(interval_seconds=600, heads_up_seconds=0), NAMES, clock.now())
    seen = set()
    for _ in range(600):
        clock.advance(1)
        schedule.advance(clock.now())
        seen.add(schedule.state.name)
    assert StateName.HEADS_UP not in seen and schedule.state.name is StateName.BREAK


def test_exercises_rotate_so_all_five_come_round():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    shown = []
    for _ in range(5):
        run_until(schedule, clock, StateName.BREAK)
        shown += schedule.session.exercises
        schedule.gesture(Gesture.PRESS, clock.now())
        schedule.gesture(Gesture.PRESS, clock.now())
    assert shown[:5] == NAMES and shown[5:] == NAMES


def test_completed_break_then_summary_then_next_break_one_interval_after_its_end():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    run_until(schedule, clock, StateName.BREAK)
    clock.advance(40)
    schedule.gesture(Gesture.PRESS, clock.now())
    clock.advance(40)
    effects = schedule.gesture(Gesture.PRESS, clock.now())
    assert BreakEnded(Outcome.COMPLETED, clock.now().wall) in effects
    assert schedule.state.name is StateName.IDLE
    assert schedule.state.summary.done == schedule.state.summary.total == 2
    assert schedule.next_break == clock.now().mono + RULES.interval_seconds
    clock.advance(8)
    schedule.advance(clock.now())
    assert schedule.state.summary is None


def test_snooze_puts_the_break_off_and_it_comes_back_where_it_was():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    run_until(schedule, clock, StateName.BREAK)
    schedule.gesture(Gesture.PRESS, clock.now())
    assert schedule.gesture(Gesture.SNOOZE, clock.now()) == [Cue("snooze")]
    assert schedule.state.name is StateName.IDLE
    snoozed_at = clock.now().mono
    effects = run_until(schedule, clock, StateName.BREAK)
    assert clock.now().mono - snoozed_at == 600
    assert Cue("break") in effects and not any(isinstance(e, BreakStarted) for e in effects)
    assert schedule.session.current == "high-reach-stretch"


def test_snoozes_are_limited_per_break():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    for _ in range(2):
        run_until(schedule, clock, StateName.BREAK)
        assert schedule.gesture(Gesture.SNOOZE, clock.now()) == [Cue("snooze")]
    run_until(schedule, clock, StateName.BREAK)
    assert schedule.gesture(Gesture.SNOOZE, clock.now()) == [Cue("refused")]
    assert schedule.state.name is StateName.BREAK


def test_skip_during_heads_up_records_a_skipped_break():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    run_until(schedule, clock, StateName.HEADS_UP)
    effects = schedule.gesture(Gesture.SKIP, clock.now())
    assert isinstance(effects[0], BreakStarted)
    assert BreakEnded(Outcome.SKIPPED, clock.now().wall) in effects
    assert schedule.state.name is StateName.IDLE
    assert schedule.next_break == clock.now().mono + RULES.interval_seconds


def test_long_hold_when_idle_pauses_and_resumes():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    assert schedule.gesture(Gesture.SKIP, clock.now()) == [Cue("pause")]
    assert schedule.state.name is StateName.PAUSED
    clock.advance(10 * 3600)
    assert schedule.advance(clock.now()) == []  # no break while paused, however long
    assert schedule.gesture(Gesture.SKIP, clock.now()) == [Cue("resume")]
    assert schedule.next_break == clock.now().mono + RULES.interval_seconds


def test_break_now_starts_at_once_and_a_press_when_idle_records_nothing():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    assert schedule.gesture(Gesture.PRESS, clock.now()) == []  # a progress page: no break
    effects = schedule.break_now(clock.now())
    assert effects[0].reason == "now" and schedule.state.name is StateName.BREAK
    with pytest.raises(Refused, match="^a break is already on$"):
        schedule.break_now(clock.now())


def test_a_long_stall_starts_one_break_not_a_burst():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    clock.advance(8 * 3600)  # the loop did not run for hours
    effects = schedule.advance(clock.now())
    assert [type(e) for e in effects].count(BreakStarted) == 1
    assert schedule.advance(clock.now()) == []


# -- properties over random days ------------------------------------------------

actions = st.lists(
    st.tuples(
        st.sampled_from(["wait", "press", "snooze", "skip", "now"]),
        st.floats(min_value=0, max_value=3600),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(
    actions=actions,
    interval=st.integers(60, 3600),
    recue=st.integers(30, 600),
    max_recues=st.integers(0, 3),
)
def test_breaks_never_start_closer_than_the_interval_and_each_ends_exactly_once(
    actions, interval, recue, max_recues
):
    rules = Rules(
        interval_seconds=interval,
        heads_up_seconds=min(60, interval // 2),
        exercises_per_break=2,
        recue_seconds=recue,
        max_recues=max_recues,
        snooze_seconds=300,
        max_snoozes=2,
    )
    clock = FakeClock()
    schedule = Schedule(rules, NAMES, clock.now())
    log = []  # (kind, mono, effect)

    def feed(effects):
        for effect in effects:
            log.append((clock.now().mono, effect))

    for action, seconds in actions:
        if action == "wait":
            # Advance in steps as the service does: to each deadline, never past it.
            end = clock.now().mono + seconds
            while clock.now().mono < end:
                clock.advance(
                    max(min(schedule.deadline(clock.now()), end) - clock.now().mono, 0.001)
                )
                feed(schedule.advance(clock.now()))
        elif action == "now":
            with contextlib.suppress(Refused):  # during a break, say
                feed(schedule.break_now(clock.now()))
        else:
            gesture = {"press": Gesture.PRESS, "snooze": Gesture.SNOOZE, "skip": Gesture.SKIP}[
                action
            ]
            feed(schedule.gesture(gesture, clock.now()))
    if schedule.state.name is StateName.PAUSED:
        feed(schedule.resume(clock.now()))
    for _ in range(100):  # let any break still on run out
        if schedule.state.name is not StateName.BREAK and schedule.session is None:
            break
        clock.advance(max(schedule.deadline(clock.now()) - clock.now().mono, 0.001))
        feed(schedule.advance(clock.now()))

    starts = [(mono, e) for mono, e in log if isinstance(e, BreakStarted)]
    ends = [e for _, e in log if isinstance(e, BreakEnded)]
    assert len(ends) == len(starts), "every started break ends in exactly one outcome"
    open_break = False
    for _, effect in log:
        if isinstance(effect, BreakStarted):
            assert not open_break, "a break started while another was still open"
            open_break = True
        elif isinstance(effect, BreakEnded):
            assert open_break, "a break ended that never started"
            open_break = False
        elif isinstance(effect, SetConfirmed):
            assert open_break, "a set was confirmed outside a break"
    # A break starts when it is cued (a break skipped during its heads-up is
    # recorded, but never called).
    cued = [
        (mono, e)
        for (mono, e), (_, then) in pairwise(log)
        if isinstance(e, BreakStarted) and then == Cue("break")
    ]
    for (before, _), (after, effect) in pairwise(cued):
        if effect.reason == "scheduled":
            assert after - before + 1e-6 >= interval


def test_a_new_interval_counts_from_the_same_start():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    start = clock.now().mono
    clock.advance(10 * 60)
    schedule.update_rules(Rules(interval_seconds=30 * 60, heads_up_seconds=60), clock.now())
    assert schedule.next_break == start + 30 * 60
    clock.advance(25 * 60)  # 35 minutes since the start: past the new interval
    schedule.update_rules(Rules(interval_seconds=20 * 60, heads_up_seconds=60), clock.now())
    assert schedule.next_break == clock.now().mono  # due now, not in the past


def test_new_settings_leave_a_break_on_screen_alone():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    schedule.break_now(clock.now())
    schedule.update_rules(Rules(interval_seconds=60), clock.now())
    assert schedule.state.name is StateName.BREAK and schedule.session.current == NAMES[0]


def test_a_stop_ends_a_break_as_it_stands_quietly():
    clock = FakeClock()
    schedule = Schedule(RULES, NAMES, clock.now())
    schedule.break_now(clock.now())
    schedule.gesture(Gesture.PRESS, clock.now())
    assert schedule.stop(clock.now()) == [BreakEnded(Outcome.PARTIAL, clock.now().wall)]
    schedule.break_now(clock.now())
    schedule.snooze(clock.now())  # a snoozed break is open too
    assert schedule.stop(clock.now()) == [BreakEnded(Outcome.MISSED, clock.now().wall)]
    assert schedule.stop(clock.now()) == []  # nothing on
