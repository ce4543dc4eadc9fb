"""Busy, one story each: a meeting from a calendar, busy said at the command
line or by Home Assistant; what calls (nothing), when the break that fell due
comes (a grace after), how it is recorded (deferred, not missed), and what
busy looks like on the screen and in ``status``."""

from datetime import time, timedelta

import pytest
from test_schedule_rules import EXERCISES, LONDON, Day, at, rules

from microbreak.core.busy import BusyPeriod, BusySource
from microbreak.core.effects import BreakDeferred, BreakEnded, BreakStarted, Cue, Outcome
from microbreak.core.gestures import Gesture, HoldThresholds
from microbreak.core.presenter import present, status, status_line
from microbreak.core.refused import Refused
from microbreak.core.states import StateName
from microbreak.core.totals import Totals

TUESDAY = at(LONDON, 2026, 11, 24, 10, 0)  # the break is due at 10:45


def meeting(start, end, what="Design review"):
    return BusyPeriod(BusySource.CALENDAR, start=start, until=end, what=what)


def effects_of(day, kind):
    return [e for _, e in day.log if isinstance(e, kind)]


def test_a_break_due_in_a_meeting_comes_a_grace_after_it_and_is_recorded_as_deferred():
    day = Day(TUESDAY, rules(busy_grace_seconds=60))
    meet = meeting(at(LONDON, 2026, 11, 24, 10, 30), at(LONDON, 2026, 11, 24, 11, 0))
    day.feed(day.schedule.plan_busy([meet], day.now))
    day.run(30 * 60)
    assert day.schedule.state.name is StateName.BUSY
    day.run(30 * 60 + 59)  # to 11:00:59
    assert day.calls() == [(at(LONDON, 2026, 11, 24, 11, 0), "heads_up")]
    assert effects_of(day, BreakDeferred) == [
        BreakDeferred(at(LONDON, 2026, 11, 24, 10, 45), "calendar")
    ]
    day.run(1)
    assert day.calls()[-1] == (at(LONDON, 2026, 11, 24, 11, 1), "break")
    assert effects_of(day, BreakStarted)[-1].due_at == at(LONDON, 2026, 11, 24, 10, 45)
    assert effects_of(day, BreakStarted)[-1].deferred_by == "calendar"
    assert not [e for e in effects_of(day, BreakEnded) if e.outcome is Outcome.MISSED]


def test_back_to_back_meetings_keep_the_desk_busy_and_one_break_comes_after():
    day = Day(TUESDAY, rules(busy_grace_seconds=60))
    day.feed(
        day.schedule.plan_busy(
            [
                meeting(at(LONDON, 2026, 11, 24, 10, 30), at(LONDON, 2026, 11, 24, 11, 0)),
                meeting(at(LONDON, 2026, 11, 24, 11, 0), at(LONDON, 2026, 11, 24, 12, 30)),
            ],
            day.now,
        )
    )
    day.run(4 * 3600, answer=True)  # to 14:00
    starts = day.starts()
    assert starts[0] == at(LONDON, 2026, 11, 24, 12, 31)  # one break, a minute after
    assert starts[1] >= starts[0] + timedelta(minutes=45)  # never a burst after


def test_busy_while_a_break_calls_puts_it_off_and_it_calls_again_after():
    day = Day(TUESDAY, rules(busy_grace_seconds=30))
    day.run(45 * 60)
    assert day.schedule.state.name is StateName.BREAK
    day.feed(day.schedule.busy(day.now, BusySource.HOME_ASSISTANT))
    assert day.schedule.state.name is StateName.BUSY
    day.run(20 * 60)
    assert [name for _, name in day.calls()] == ["heads_up", "break"]  # no re-cue while busy
    day.feed(day.schedule.not_busy(day.now))
    day.run(30)
    assert day.schedule.state.name is StateName.BREAK
    assert day.calls()[-1] == (at(LONDON, 2026, 11, 24, 11, 5, 30), "break")
    assert len(effects_of(day, BreakStarted)) == 1  # the same break, picked up again


def test_a_break_on_screen_when_busy_begins_says_so_for_its_record():
    day = Day(TUESDAY, rules(busy_grace_seconds=30))
    day.run(45 * 60 + 10)  # on screen since 10:45
    effects = day.feed(day.schedule.busy(day.now, BusySource.HOME_ASSISTANT))
    assert effects == [BreakDeferred(at(LONDON, 2026, 11, 24, 10, 45, 10), "home_assistant", True)]
    day.run(10 * 60)
    day.feed(day.schedule.not_busy(day.now))
    day.run(30, answer=True)
    assert effects_of(day, BreakEnded) == [
        BreakEnded(Outcome.COMPLETED, at(LONDON, 2026, 11, 24, 10, 55, 40))
    ]


def test_a_break_deferred_until_the_working_hours_end_is_recorded_as_deferred():
    day = Day(at(LONDON, 2026, 11, 24, 16, 0), rules())  # the break is due at 16:45
    late = meeting(at(LONDON, 2026, 11, 24, 16, 30), at(LONDON, 2026, 11, 24, 18, 0))
    day.feed(day.schedule.plan_busy([late], day.now))
    day.run(2 * 3600)
    due = at(LONDON, 2026, 11, 24, 16, 45)
    assert [e for _, e in day.log] == [
        BreakDeferred(due, "calendar"),
        BreakStarted(due, (), "scheduled", due, "calendar"),  # no exercise was offered
        BreakEnded(Outcome.DEFERRED, at(LONDON, 2026, 11, 24, 17, 30)),
    ]
    assert day.calls() == []


def test_a_meeting_ending_within_the_grace_of_closing_time_leaves_the_break_deferred():
    day = Day(at(LONDON, 2026, 11, 24, 16, 0), rules(busy_grace_seconds=5 * 60))
    late = meeting(at(LONDON, 2026, 11, 24, 16, 30), at(LONDON, 2026, 11, 24, 17, 27))
    day.feed(day.schedule.plan_busy([late], day.now))
    day.run(2 * 3600)
    assert [type(e) for _, e in day.log] == [BreakDeferred, BreakStarted, BreakEnded]
    assert effects_of(day, BreakEnded)[0].outcome is Outcome.DEFERRED
    assert day.calls() == []


def test_a_break_put_off_by_busy_until_closing_ends_deferred_with_its_sets():
    day = Day(at(LONDON, 2026, 11, 24, 16, 0), rules())
    day.run(45 * 60)  # 16:45: on screen
    day.feed(day.schedule.gesture(Gesture.PRESS, day.now))  # one set of two done
    day.feed(day.schedule.busy(day.now))
    day.run(3600)
    assert len(effects_of(day, BreakStarted)) == 1
    assert effects_of(day, BreakEnded) == [
        BreakEnded(Outcome.DEFERRED, at(LONDON, 2026, 11, 24, 17, 30))
    ]


def test_a_break_deferred_when_the_service_stops_is_recorded_as_deferred():
    day = Day(TUESDAY, rules())
    day.feed(day.schedule.busy(day.now))
    day.run(50 * 60)
    stopped = day.feed(day.schedule.stop(day.now))
    due = at(LONDON, 2026, 11, 24, 10, 45)
    assert stopped == [
        BreakStarted(due, (), "scheduled", due, "manual"),
        BreakEnded(Outcome.DEFERRED, at(LONDON, 2026, 11, 24, 10, 50)),
    ]


def test_a_break_deferred_then_skipped_says_when_it_fell_due():
    day = Day(TUESDAY, rules(busy_grace_seconds=60))
    day.feed(day.schedule.busy(day.now))
    day.feed(day.schedule.snooze(day.now))  # put off while busy: due 10:55
    day.run(3600)
    day.feed(day.schedule.not_busy(day.now))
    day.feed(day.schedule.skip(day.now))
    started = effects_of(day, BreakStarted)
    assert [(e.due_at, e.deferred_by) for e in started] == [
        (at(LONDON, 2026, 11, 24, 10, 55), "manual")
    ]
    assert effects_of(day, BreakEnded)[0].outcome is Outcome.SKIPPED


def test_busy_for_a_while_ends_by_itself():
    day = Day(TUESDAY, rules())
    day.feed(day.schedule.busy(day.now, seconds=30 * 60))
    view = present(day.schedule, day.now, EXERCISES, Totals(), HoldThresholds(2, 5))
    assert (view.headline, view.detail, view.busy) == (
        "Busy",
        "until 10:30",
        True,
    )
    assert view.hint == "Hold 5 s to end busy"
    day.run(30 * 60)
    assert day.schedule.state.name is StateName.IDLE


def test_busy_until_a_time_later_today_and_not_one_gone():
    day = Day(TUESDAY, rules())
    day.feed(day.schedule.busy(day.now, until=time(11, 15)))
    report = status(day.schedule, day.now, Totals())["busy"]
    assert report == {
        "source": "manual",
        "sources": ["manual"],
        "until": "2026-11-24T11:15:00+00:00",
        "what": "",
        "deferred": False,
    }
    assert status_line(day.schedule, day.now, Totals()).startswith("Busy (manual) until 11:15")
    with pytest.raises(Refused, match=r"^busy until 09:00: that time has passed today; allowed"):
        day.schedule.busy(day.now, until=time(9, 0))


def test_busy_that_runs_past_working_hours_ends_with_them():
    day = Day(at(LONDON, 2026, 11, 24, 17, 0), rules())
    day.feed(day.schedule.busy(day.now, BusySource.HOME_ASSISTANT))  # until turned off
    day.run(30 * 60)
    assert day.schedule.state.name is StateName.OFF_HOURS
    assert status(day.schedule, day.now, Totals())["busy"] is None
    day.run(16 * 3600)  # Wednesday 09:30
    assert day.schedule.state.name is StateName.IDLE
    assert day.next_break() == at(LONDON, 2026, 11, 25, 9, 45)


@pytest.mark.parametrize(
    "setup, command, reason",
    [
        ("off hours", "busy", r"^outside working hours \(.*\): no break comes now"),
        ("idle", "not_busy", r"^not busy$"),
        ("busy", "break_now", r"^busy \(manual\): end it first \('microbreak busy off'\)$"),
    ],
)
def test_what_busy_refuses_and_why(setup, command, reason):
    wall = at(LONDON, 2026, 11, 24, 20, 0) if setup == "off hours" else TUESDAY
    day = Day(wall, rules())
    if setup == "busy":
        day.schedule.busy(day.now)
    state = day.schedule.state
    with pytest.raises(Refused, match=reason):
        getattr(day.schedule, command)(day.now)
    assert day.schedule.state == state


def test_holding_the_button_for_a_skip_ends_busy():
    day = Day(TUESDAY, rules())
    day.schedule.busy(day.now)
    assert day.schedule.action(Gesture.SKIP).value == "not_busy"
    day.feed(day.schedule.gesture(Gesture.SKIP, day.now))
    assert day.schedule.state.name is StateName.IDLE


def test_ending_busy_early_lets_later_meetings_stand():
    day = Day(TUESDAY, rules())
    day.schedule.plan_busy(
        [
            meeting(TUESDAY, at(LONDON, 2026, 11, 24, 10, 30)),
            meeting(at(LONDON, 2026, 11, 24, 14, 0), at(LONDON, 2026, 11, 24, 15, 0)),
        ],
        day.now,
    )
    day.schedule.not_busy(day.now)
    assert day.schedule.state.name is StateName.IDLE
    day.clock.set_wall(at(LONDON, 2026, 11, 24, 14, 10))
    day.run(1)
    assert day.schedule.state.name is StateName.BUSY


def test_a_calendar_makes_nobody_busy_until_the_clock_is_set():
    day = Day(TUESDAY, rules(), trusted=False)
    day.schedule.plan_busy([meeting(TUESDAY, TUESDAY + timedelta(hours=1))], day.now)
    assert day.schedule.state.name is StateName.IDLE
    day.run(45 * 60)
    assert day.schedule.state.name is StateName.BREAK


def test_quiet_commands_while_busy_and_the_cue_after_counts_as_called():
    day = Day(TUESDAY, rules(busy_grace_seconds=0))
    day.schedule.busy(day.now)
    day.run(50 * 60)
    effects = day.feed(day.schedule.not_busy(day.now))  # due already, no grace: at once
    assert Cue("break") in effects
