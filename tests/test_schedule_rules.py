"""Scenario tests for the schedule's rules, one readable story each: working
hours, clocks that step, daylight saving, pause, snooze, presence."""

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from microbreak.config.exercises import load_exercises
from microbreak.core.effects import CALLS, BreakEnded, BreakStarted, Cue, Outcome
from microbreak.core.gestures import Gesture, HoldThresholds
from microbreak.core.presenter import present, status
from microbreak.core.refused import Refused
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.core.states import StateName
from microbreak.core.totals import Totals
from microbreak.core.workhours import DAYS, WorkHours
from microbreak.service.clock import FakeClock

NAMES = [
    "upper-back-movement",
    "high-reach-stretch",
    "shoulder-rolls",
    "shoulder-squeeze",
    "shoulder-shrug",
]
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
EXERCISES = {e.name: e for e in load_exercises()}
WEEKDAYS = {day: "09:00-17:30" for day in DAYS[:5]}


def rules(zone=LONDON, hours=None, **changes):
    base = dict(
        interval_seconds=45 * 60,
        heads_up_seconds=60,
        recue_seconds=180,
        max_recues=2,
        hours=WorkHours.parse(WEEKDAYS if hours is None else hours, zone),
    )
    return Rules(**(base | changes))


def at(zone, *args):
    return datetime(*args, tzinfo=zone)


class Day:
    """A schedule and a fake clock, run forward as the service would."""

    def __init__(self, wall, rules, trusted=True):
        self.clock = FakeClock(wall=wall, trusted=trusted)
        self.schedule = Schedule(rules, NAMES, self.clock.now())
        self.log = []  # (Now, effect)

    @property
    def now(self):
        return self.clock.now()

    def feed(self, effects):
        self.log += [(self.now, e) for e in effects]
        return effects

    def run(self, seconds, answer=False):
        """Let time pass, waking at each deadline (and each minute, as the
        service does); answer every set with a press if *answer*."""
        end = self.now.mono + seconds
        while self.now.mono < end:
            step = min(self.schedule.deadline(self.now), self.now.mono + 60, end) - self.now.mono
            self.clock.advance(max(step, 0.001))
            self.feed(self.schedule.advance(self.now))
            while answer and self.schedule.state.name is StateName.BREAK:
                self.feed(self.schedule.gesture(Gesture.PRESS, self.now))

    def calls(self):
        return [(now.wall, e.name) for now, e in self.log if isinstance(e, Cue) and e.name in CALLS]

    def starts(self, clock="wall"):
        return [getattr(now, clock) for now, e in self.log if isinstance(e, BreakStarted)]

    def next_break(self):
        return self.schedule.next_break_wall(self.now).astimezone(LONDON)


def test_friday_1720_interval_45_next_break_is_monday_0945():
    day = Day(at(LONDON, 2026, 11, 27, 16, 35), rules())  # Friday; 16:35 + 45 = 17:20
    day.run(45 * 60 - 1)
    assert day.next_break() == at(LONDON, 2026, 11, 27, 17, 20)
    day.run(1, answer=True)  # the 17:20 break, done at once
    assert day.next_break() == at(LONDON, 2026, 11, 30, 9, 45)
    assert status(day.schedule, day.now, Totals())["next_break_at"] == "2026-11-30T09:45:00+00:00"


def test_no_call_outside_working_hours_and_the_first_break_comes_one_interval_in():
    day = Day(at(LONDON, 2026, 11, 27, 17, 0), rules())  # Friday 17:00
    day.run(3 * 24 * 3600 + 31 * 60, answer=True)  # to Monday 17:31
    for wall, name in day.calls():
        assert day.schedule.rules.hours.is_open(wall), f"{name} at {wall}"
    monday = [w for w in day.starts() if w.date().isoformat() == "2026-11-30"]
    assert monday[0] == at(LONDON, 2026, 11, 30, 9, 45)
    assert day.schedule.state.name is StateName.OFF_HOURS


def test_the_screen_sleeps_and_the_state_says_off_hours():
    day = Day(at(LONDON, 2026, 11, 28, 11, 0), rules())  # Saturday
    assert day.schedule.state.name is StateName.OFF_HOURS
    assert status(day.schedule, day.now, Totals())["state"] == "off_hours"


def test_a_shorter_friday():
    hours = WEEKDAYS | {"fri": "09:00-15:00"}
    day = Day(at(LONDON, 2026, 11, 27, 14, 30), rules(hours=hours))  # Friday 14:30
    day.run(45 * 60)
    assert day.starts() == []  # 15:15 is after hours
    assert day.next_break() == at(LONDON, 2026, 11, 30, 9, 45)


def test_a_lunch_hour_is_not_worked():
    hours = {d: "09:00-12:00, 13:00-17:30" for d in DAYS[:5]}
    day = Day(at(LONDON, 2026, 11, 23, 11, 30), rules(hours=hours))
    day.run(2.5 * 3600, answer=True)  # to 14:00
    assert [w.strftime("%H:%M") for w in day.starts()] == ["13:45"]


@pytest.mark.parametrize(
    "hours, start",
    [
        ({d: "00:00-24:00" for d in DAYS}, at(LONDON, 2026, 11, 23, 23, 40)),
        ({d: "09:00-12:00, 12:00-17:30" for d in DAYS[:5]}, at(LONDON, 2026, 11, 23, 11, 40)),
        ({"mon": "22:00-24:00", "tue": "00:00-06:00"}, at(LONDON, 2026, 11, 23, 23, 40)),
    ],
    ids=["all day", "back to back", "night shift"],
)
def test_where_working_periods_meet_the_next_break_shown_is_when_it_comes(hours, start):
    day = Day(start, rules(hours=hours))
    day.run(60)
    due = start + timedelta(minutes=45)
    assert day.next_break() == due
    assert status(day.schedule, day.now, Totals())["next_break_at"] == due.isoformat()
    idle = present(day.schedule, day.now, EXERCISES, Totals(), HoldThresholds(2, 5))
    assert idle.headline.endswith(f"{due:%H:%M}")  # "Next break Tue 00:25" after midnight
    assert (idle.detail, idle.countdown_text) == ("in 44 min", "44")
    day.run(45 * 60)
    assert day.starts() == [due]


def test_a_break_on_screen_at_closing_time_ends_quietly():
    day = Day(at(LONDON, 2026, 11, 23, 16, 0), rules(recue_seconds=20 * 60))
    day.run(45 * 60)  # 16:45: a break is called, re-cued at 17:05 and 17:25
    assert day.schedule.state.name is StateName.BREAK
    day.run(50 * 60)  # 17:30 comes while it is on
    ends = [e for _, e in day.log if isinstance(e, BreakEnded)]
    assert ends == [BreakEnded(Outcome.MISSED, at(LONDON, 2026, 11, 23, 17, 30))]
    assert day.calls()[-1][0] < at(LONDON, 2026, 11, 23, 17, 30)
    assert day.schedule.state.name is StateName.OFF_HOURS


def test_an_untrusted_clock_follows_the_interval_alone_until_it_is_set():
    epoch = datetime(1970, 1, 1, 0, 0, tzinfo=UTC)  # a Pi at boot, no RTC
    day = Day(epoch, rules(), trusted=False)
    assert day.schedule.state.name is StateName.IDLE  # 00:00 Thursday, but the hour means nothing
    day.run(45 * 60)
    assert day.schedule.state.name is StateName.BREAK
    day.feed(day.schedule.skip(day.now))
    # NTP sets the clock: Saturday, off hours.
    day.clock.set_wall(at(LONDON, 2026, 11, 28, 10, 0))
    day.clock.trusted = True
    day.run(1)
    assert day.schedule.state.name is StateName.OFF_HOURS
    # A person sets it by hand to Monday 10:00: one interval to the first break.
    day.clock.set_wall(at(LONDON, 2026, 11, 30, 10, 0))
    day.run(1)
    assert day.schedule.state.name is StateName.IDLE
    assert day.next_break() == at(LONDON, 2026, 11, 30, 10, 45, 1)


@pytest.mark.parametrize("step_hours", [-3, -0.5, 0.5, 3, 24, -24])
def test_a_wall_clock_step_within_the_day_neither_bursts_nor_loses_breaks(step_hours):
    day = Day(at(LONDON, 2026, 11, 24, 10, 0), rules())  # Tuesday
    day.run(20 * 60, answer=True)
    day.clock.step_wall(step_hours * 3600)
    day.run(4 * 3600, answer=True)
    starts = day.starts("mono")
    for before, after in pairwise(starts):
        assert after - before >= 45 * 60, "no burst: breaks stay one interval apart"
    assert len(starts) >= 3, "the day goes on after the step"


@pytest.mark.parametrize(
    "zone, day_of_change",
    [
        (ZoneInfo("Europe/London"), (2026, 3, 29)),
        (ZoneInfo("Europe/London"), (2026, 10, 25)),
        (ZoneInfo("America/New_York"), (2026, 3, 8)),
        (ZoneInfo("America/New_York"), (2026, 11, 1)),
        (ZoneInfo("Australia/Sydney"), (2026, 4, 5)),
        (ZoneInfo("Australia/Sydney"), (2026, 10, 4)),
    ],
)
def test_daylight_saving_changes_keep_breaks_one_interval_apart(zone, day_of_change):
    always = {d: "00:00-24:00" for d in DAYS}
    start = datetime(*day_of_change, 0, 0, tzinfo=zone)
    day = Day(start, rules(zone=zone, hours=always))
    day.run(6 * 3600, answer=True)  # over the change, at 02:00 or 03:00
    real = [(wall - start).total_seconds() for wall in day.starts()]  # aware: real seconds
    gaps = [b - a for a, b in pairwise(real)]
    assert len(real) == 8  # 00:45, 01:30, ... 06:00 in real hours: no burst, no gap
    assert all(gap == 45 * 60 for gap in gaps), gaps


def test_pause_until_a_time_that_has_passed_today_means_tomorrow():
    day = Day(at(LONDON, 2026, 11, 24, 14, 0), rules())
    day.feed(day.schedule.pause(day.now, until=time(13, 0)))
    assert day.schedule.state.until == at(LONDON, 2026, 11, 25, 13, 0)
    day.run(22 * 3600)
    assert day.schedule.state.name is StateName.PAUSED
    day.run(3600)
    assert day.schedule.state.name is StateName.IDLE
    assert day.next_break() == at(LONDON, 2026, 11, 25, 13, 45)


def test_pause_until_follows_the_wall_clock_when_it_steps():
    day = Day(at(LONDON, 2026, 11, 24, 10, 0), rules())
    day.feed(day.schedule.pause(day.now, until=time(12, 0)))
    day.clock.step_wall(2 * 3600)  # someone corrects the clock: it is really 12:00
    day.run(1)
    assert day.schedule.state.name is StateName.IDLE


def test_pause_for_a_duration_and_resume_early():
    day = Day(at(LONDON, 2026, 11, 24, 10, 0), rules())
    day.feed(day.schedule.pause(day.now, seconds=30 * 60))
    day.run(29 * 60)
    assert day.schedule.state.name is StateName.PAUSED and day.calls() == []
    day.run(60)
    assert day.schedule.state.name is StateName.IDLE
    day.feed(day.schedule.pause(day.now))
    day.run(8 * 3600)
    assert day.schedule.state.name is StateName.PAUSED  # indefinitely, even past closing time
    assert day.schedule.resume(day.now) == [Cue("resume")]
    assert day.schedule.state.name is StateName.OFF_HOURS  # resumed at 18:31


def test_snooze_for_given_minutes_from_idle_and_its_limit():
    day = Day(at(LONDON, 2026, 11, 24, 10, 0), rules(max_snoozes=2))
    assert day.schedule.snooze(day.now, 15 * 60) == [Cue("snooze")]
    assert day.next_break() == at(LONDON, 2026, 11, 24, 11, 0)
    assert day.schedule.snooze(day.now, 5 * 60) == [Cue("snooze")]
    with pytest.raises(Refused, match=r"^no snoozes left for this break \(at most 2\)$"):
        day.schedule.snooze(day.now)
    assert day.next_break() == at(LONDON, 2026, 11, 24, 11, 5)


def test_heads_up_then_a_hold_snoozes():
    day = Day(at(LONDON, 2026, 11, 24, 10, 0), rules())
    day.run(44 * 60 + 1)
    assert day.schedule.state.name is StateName.HEADS_UP
    day.feed(day.schedule.gesture(Gesture.SNOOZE, day.now))
    assert day.schedule.state.name is StateName.IDLE
    assert day.next_break() == at(LONDON, 2026, 11, 24, 10, 54, 1)


TUESDAY_MORNING = at(LONDON, 2026, 11, 24, 10, 0)


class TestPresence:
    def day(self, wall=TUESDAY_MORNING):
        return Day(wall, rules(empty_after_seconds=60, away_seconds=300, return_grace_seconds=30))

    def test_an_empty_desk_gets_no_call_and_the_break_waits_for_the_person(self):
        day = self.day()
        day.run(30 * 60)
        day.schedule.motion(False, day.now)
        day.run(20 * 60)  # the break falls due at 10:45 while nobody moves
        assert day.calls() == []
        assert status(day.schedule, day.now, Totals())["present"] is False
        day.schedule.motion(True, day.now)  # back after 20 min? No: that is a natural break
        assert day.schedule.state.name is StateName.IDLE

    def test_a_short_absence_delays_a_due_break_by_the_grace(self):
        day = self.day()
        day.run(43 * 60)
        day.schedule.motion(False, day.now)
        day.run(4 * 60)  # 10:47: due at 10:45, desk empty since 10:44
        assert day.calls() == []
        day.feed(day.schedule.motion(True, day.now))
        day.run(29)
        assert day.schedule.state.name is not StateName.BREAK
        day.run(2)
        assert day.schedule.state.name is StateName.BREAK
        assert day.calls()[-1] == (at(LONDON, 2026, 11, 24, 10, 47, 30), "break")

    def test_away_long_enough_is_a_natural_break_and_the_interval_restarts(self):
        day = self.day()
        day.run(20 * 60)
        day.schedule.motion(False, day.now)
        day.run(10 * 60)
        effects = day.feed(day.schedule.motion(True, day.now))
        assert effects == [
            BreakStarted(at(LONDON, 2026, 11, 24, 10, 20), (), "away"),
            BreakEnded(Outcome.AWAY, at(LONDON, 2026, 11, 24, 10, 30)),
        ]
        assert day.next_break() == at(LONDON, 2026, 11, 24, 11, 15)

    def test_still_but_present_is_not_empty(self):
        day = self.day()
        day.schedule.motion(False, day.now)
        day.run(59)
        assert day.schedule.present(day.now)
        day.run(1)
        assert not day.schedule.present(day.now)

    def test_leaving_during_a_break_stops_the_recues_and_returning_ends_it_as_away(self):
        day = self.day()
        day.run(45 * 60)
        assert day.schedule.state.name is StateName.BREAK
        day.feed(day.schedule.gesture(Gesture.PRESS, day.now))
        day.schedule.motion(False, day.now)
        day.run(30 * 60)
        assert [name for _, name in day.calls()] == ["heads_up", "break"]  # no re-cue
        effects = day.feed(day.schedule.motion(True, day.now))
        assert effects == [BreakEnded(Outcome.AWAY, day.now.wall)]

    def test_a_press_means_someone_is_there(self):
        day = self.day()
        day.schedule.motion(False, day.now)
        day.run(120)
        assert not day.schedule.present(day.now)
        day.schedule.gesture(Gesture.PRESS, day.now)
        assert day.schedule.present(day.now)

    def test_break_now_is_refused_at_an_empty_desk(self):
        day = self.day()
        day.schedule.motion(False, day.now)
        day.run(120)
        with pytest.raises(Refused, match=r"^the desk is empty"):
            day.schedule.break_now(day.now)
