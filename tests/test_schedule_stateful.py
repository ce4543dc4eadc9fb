"""Random days for the schedule: time passing, wall clocks that step (minutes
to days, back and forth, 1970 to now), daylight saving in real zones, people
coming and going, presses, holds and commands, busy said by the person, Home
Assistant and calendars. After every step the rules of the product must hold."""

from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from microbreak.core.busy import BusyPeriod, BusySource
from microbreak.core.effects import CALLS, BreakDeferred, BreakEnded, BreakStarted, Cue
from microbreak.core.gestures import Gesture
from microbreak.core.refused import Refused
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.core.states import StateName
from microbreak.core.workhours import DAYS, WorkHours
from microbreak.service.clock import FakeClock

NAMES = [
    "upper-back-movement",
    "high-reach-stretch",
    "shoulder-rolls",
    "shoulder-squeeze",
    "shoulder-shrug",
]
# Zones and, for each, moments a few hours before its daylight-saving changes.
ZONES = {
    "Europe/London": [(2026, 3, 29), (2026, 10, 25)],
    "America/New_York": [(2026, 3, 8), (2026, 11, 1)],
    "Australia/Sydney": [(2026, 4, 5), (2026, 10, 4)],
}
HOURS = st.sampled_from(
    [
        {d: "09:00-17:30" for d in DAYS[:5]},
        {d: "00:00-24:00" for d in DAYS},  # so the night of a DST change is worked
        {d: "00:00-04:00, 08:00-12:00, 13:00-17:30" for d in DAYS},
    ]
)


class Days(RuleBasedStateMachine):
    @initialize(
        zone=st.sampled_from(sorted(ZONES)),
        change=st.integers(0, 1),
        hours_before=st.integers(1, 30),
        hours=HOURS,
        interval=st.integers(5, 90),
        heads_up=st.sampled_from([0, 60, 120]),
        recue=st.integers(1, 10),
        max_recues=st.integers(0, 3),
        max_snoozes=st.integers(0, 3),
        grace=st.sampled_from([0, 30, 60, 300]),
    )
    def start(
        self,
        zone,
        change,
        hours_before,
        hours,
        interval,
        heads_up,
        recue,
        max_recues,
        max_snoozes,
        grace,
    ):
        self.zone = ZoneInfo(zone)
        wall = datetime(*ZONES[zone][change], 2, 0, tzinfo=self.zone) - timedelta(
            hours=hours_before
        )
        self.clock = FakeClock(wall=wall)
        self.rules = Rules(
            interval_seconds=interval * 60,
            heads_up_seconds=heads_up,
            recue_seconds=recue * 60,
            max_recues=max_recues,
            snooze_seconds=600,
            max_snoozes=max_snoozes,
            hours=WorkHours.parse(hours, self.zone),
            empty_after_seconds=60,
            away_seconds=300,
            return_grace_seconds=30,
            busy_grace_seconds=grace,
        )
        self.schedule = Schedule(self.rules, NAMES, self.clock.now())
        self.busy_ended = None  # mono: when the desk was last busy (None: not since the start)
        self.deferred = False  # a break deferred by busy before it began, not on record yet
        self.open_break = False
        self.last_scheduled_start = None  # mono
        self.snooze_cues = 0

    # -- the service's way of feeding the core --------------------------------------

    def feed(self, effects):
        now = self.clock.now()
        for effect, then in pairwise([*effects, None]):
            if isinstance(effect, BreakStarted):
                assert not self.open_break, "a break started while another was open"
                self.open_break = effect.reason != "away"  # a natural break is recorded whole
                if effect.due_at is not None or effect.reason == "away":
                    self.deferred = False  # on record (or the person was away: a natural break)
                if then != Cue("break"):
                    pass  # skipped during its heads-up: recorded, never called
                elif effect.reason == "scheduled":
                    if effect.due_at is not None:  # deferred: a grace after busy ended
                        assert self.busy_ended is not None
                        assert now.mono + 1e-6 >= self.busy_ended + self.rules.busy_grace_seconds, (
                            "a deferred break came before the grace after busy was over"
                        )
                    if self.last_scheduled_start is not None:
                        assert (
                            now.mono - self.last_scheduled_start + 1e-6
                            >= self.rules.interval_seconds
                        ), "two breaks closer than the interval"
                    self.last_scheduled_start = now.mono
                else:
                    self.last_scheduled_start = now.mono
                self.snooze_cues = 0
            elif isinstance(effect, BreakEnded):
                if effect.outcome.value != "away" or self.open_break:
                    assert self.open_break, "a break ended that was not open"
                self.open_break = False
                self.snooze_cues = 0
            elif isinstance(effect, BreakDeferred):
                assert self.schedule.busy_times.current(now) is not None, "deferred, not busy"
                if effect.begun:
                    assert self.open_break, "a deferral for the record of no break"
                else:
                    self.deferred = True
            elif isinstance(effect, Cue) and effect.name in CALLS:
                assert self.schedule.busy_times.current(now) is None, f"{effect.name} while busy"
                if now.trusted:
                    assert self.rules.hours.is_open(now.wall), (
                        f"{effect.name} outside working hours at {now.wall}"
                    )
                assert self.schedule.present(now), f"{effect.name} at an empty desk"
            elif effect == Cue("snooze"):
                # Counted against the coming break (a pause or a new working
                # period makes a new coming break).
                self.snooze_cues += 1
                assert 1 <= self.schedule.snoozes <= self.rules.max_snoozes
                assert self.snooze_cues <= self.rules.max_snoozes
            elif effect in (Cue("pause"), Cue("resume")):
                self.snooze_cues = 0
                self.deferred = False  # a pause lets the coming break go

    def turn(self, action=None):
        """One turn of the service loop: catch up with the clock, then act."""
        before = self.schedule.state.name
        self.note_busy()
        self.feed(self.schedule.advance(self.clock.now()))
        if self.schedule.state.name is StateName.OFF_HOURS and before is not StateName.OFF_HOURS:
            self.snooze_cues = 0
        if action is not None:
            state = self.schedule.state
            try:
                self.feed(action(self.clock.now()))
            except Refused as refusal:  # the service answers with the reason
                assert str(refusal)
                assert self.schedule.state == state, "a refused command changed the schedule"
        self.note_busy()

    def note_busy(self):
        """Keep when the desk was last seen busy (a deferred break comes a grace after)."""
        now = self.clock.now()
        if self.schedule.busy_times.current(now) is not None or (
            self.schedule.state.name is StateName.BUSY
        ):
            self.busy_ended = now.mono

    # -- what happens in a day ----------------------------------------------------------

    @rule(seconds=st.floats(0, 6 * 3600))
    def time_passes(self, seconds):
        end = self.clock.now().mono + seconds
        while self.clock.now().mono < end:
            now = self.clock.now()
            wake = min(self.schedule.deadline(now), now.mono + 60, end)
            self.clock.advance(max(wake - now.mono, 0.001))
            self.turn()

    @rule(seconds=st.one_of(st.integers(-5 * 86400, -60), st.integers(60, 5 * 86400)))
    def wall_clock_steps(self, seconds):
        self.clock.step_wall(seconds)
        self.turn()

    @rule(to_1970=st.booleans())
    def wall_clock_set(self, to_1970):
        """A Pi booting with no RTC, then NTP setting the time."""
        if to_1970:
            self.clock.set_wall(datetime(1970, 1, 1, tzinfo=self.zone))
            self.clock.trusted = False
        else:
            self.clock.set_wall(datetime(2026, 11, 24, 10, 0, tzinfo=self.zone))
            self.clock.trusted = True
        self.turn()

    @rule(moving=st.booleans())
    def presence_sensor(self, moving):
        self.turn(lambda now: self.schedule.motion(moving, now))

    @rule(gesture=st.sampled_from(list(Gesture)))
    def button(self, gesture):
        self.turn(lambda now: self.schedule.gesture(gesture, now))

    @rule(minutes=st.one_of(st.none(), st.integers(1, 120)))
    def snooze_command(self, minutes):
        self.turn(lambda now: self.schedule.snooze(now, minutes and minutes * 60))

    @rule()
    def skip_command(self):
        self.turn(self.schedule.skip)

    @rule(
        kind=st.sampled_from(["forever", "minutes", "until"]),
        minutes=st.integers(1, 600),
        until=st.times(),
    )
    def pause_command(self, kind, minutes, until):
        args = {
            "forever": {},
            "minutes": {"seconds": minutes * 60},
            "until": {"until": time(until.hour, until.minute)},
        }[kind]
        self.turn(lambda now: self.schedule.pause(now, **args))

    @rule()
    def resume_command(self):
        self.turn(self.schedule.resume)

    @rule()
    def break_now_command(self):
        self.turn(self.schedule.break_now)

    @rule(
        source=st.sampled_from([BusySource.MANUAL, BusySource.HOME_ASSISTANT]),
        kind=st.sampled_from(["on", "minutes", "until"]),
        minutes=st.integers(1, 300),
        until=st.times(),
    )
    def busy_command(self, source, kind, minutes, until):
        args = {
            "on": {},
            "minutes": {"seconds": minutes * 60},
            "until": {"until": time(until.hour, until.minute)},
        }[kind]
        self.turn(lambda now: self.schedule.busy(now, source, **args))

    @rule()
    def not_busy_command(self):
        self.turn(self.schedule.not_busy)

    @rule(
        meetings=st.lists(
            st.tuples(st.integers(-120, 8 * 60), st.integers(1, 180)), min_size=0, max_size=6
        )
    )
    def calendar(self, meetings):
        """A calendar's fetch: meetings starting (minutes from now) and lasting."""
        wall = self.clock.now().wall
        periods = [
            BusyPeriod(
                BusySource.CALENDAR,
                start=wall + timedelta(minutes=start),
                until=wall + timedelta(minutes=start + length),
            )
            for start, length in meetings
        ]
        self.turn(lambda now: self.schedule.plan_busy(periods, now))

    # -- what must always hold -------------------------------------------------------------

    @invariant()
    def a_due_break_is_cued_at_the_first_moment_it_is_allowed(self):
        now = self.clock.now()
        schedule = self.schedule
        allowed = (
            schedule.state.name in (StateName.IDLE, StateName.HEADS_UP)
            and schedule.open(now)
            and schedule.present(now)
        )
        assert not (allowed and now.mono >= schedule.next_break), (
            "a break is due and allowed, but not on"
        )

    @invariant()
    def busy_is_the_state_exactly_while_someone_says_so_in_working_hours(self):
        now = self.clock.now()
        schedule = self.schedule
        busy = schedule.busy_times.current(now) is not None
        if schedule.state.name is StateName.BUSY:
            assert busy and schedule.open(now), "busy with nobody saying so, or off hours"
        elif schedule.state.name in (StateName.IDLE, StateName.HEADS_UP, StateName.BREAK):
            assert not busy, f"{schedule.state.name} while busy"
        if not schedule.open(now):
            assert not schedule.busy_times.held, "busy held past the working hours"

    @invariant()
    def a_break_deferred_until_closing_is_on_record(self):
        if self.schedule.state.name is StateName.OFF_HOURS:
            assert not self.deferred, "a break deferred by busy went unrecorded at closing"

    @invariant()
    def snoozes_stay_within_the_limit(self):
        assert self.schedule.snoozes <= self.rules.max_snoozes

    @invariant()
    def a_break_is_on_screen_exactly_while_one_is_open(self):
        on = self.schedule.state.name is StateName.BREAK or self.schedule.session is not None
        assert on == self.open_break


TestDays = pytest.mark.slow(Days.TestCase)
TestDays.settings = settings(max_examples=500, stateful_step_count=40, deadline=None)
