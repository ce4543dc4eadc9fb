"""What the schedule's state says of now and of what comes: whether someone is
at the desk, whether the hours are open or a quiet period on; the break on or
coming, and when it comes on the wall clock; when anything is next due.
Questions only: :class:`~microbreak.core.schedule.Schedule` makes the moves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from microbreak.core.busy import BusyTimes
from microbreak.core.effects import Cue, CueName, Effect
from microbreak.core.gestures import Action, Gesture, action_for
from microbreak.core.now import Now
from microbreak.core.presence import Presence
from microbreak.core.quiet import is_quiet
from microbreak.core.rules import Rules
from microbreak.core.session import BreakSession
from microbreak.core.states import (
    Browsing,
    Busy,
    Coming,
    HeadsUp,
    Idle,
    Notice,
    OffHours,
    OnBreak,
    Paused,
    State,
)


def coming(state: State) -> Coming | None:
    """The coming break of *state*, if it has one (idle, heads-up, busy)."""
    return state.coming if isinstance(state, (Idle, HeadsUp, Busy)) else None


class Outlook:
    state: State
    rules: Rules
    presence: Presence
    busy_times: BusyTimes

    def present(self, now: Now) -> bool:
        """Someone is at the desk: motion within the last ``empty_after_seconds``
        (always, without a presence sensor)."""
        return self.presence.present(now, self.rules.empty_after_seconds)

    def open(self, now: Now) -> bool:
        """Within working hours (or the wall clock is not trusted yet)."""
        return self.rules.hours is None or not now.trusted or self.rules.hours.is_open(now.wall)

    def quiet(self, now: Now) -> bool:
        """In a quiet period (never while the wall clock is not trusted)."""
        return now.trusted and is_quiet(
            self.rules.quiet_periods, now.wall.astimezone(self.rules.zone)
        )

    def heard(self, effects: list[Effect], now: Now) -> list[Effect]:
        """*effects* with each cue marked quiet in a quiet period."""
        if not self.quiet(now):
            return effects
        return [replace(e, quiet=True) if isinstance(e, Cue) else e for e in effects]

    def cue(self, name: CueName, now: Now) -> Cue:
        """The cue *name*, quiet or not as the time of day says."""
        return Cue(name, quiet=self.quiet(now))

    def wall_next(self, now: Now, at: time) -> datetime:
        """When the time of day *at* next comes, in the hours' zone (or the wall clock's)."""
        zone = self.rules.hours.zone if self.rules.hours else now.wall.tzinfo
        local = now.wall.astimezone(zone)
        when = datetime.combine(local.date(), at, zone)
        if when <= local:
            when = datetime.combine(local.date() + timedelta(days=1), at, zone)
        return when

    def action(self, gesture: Gesture) -> Action:
        """What *gesture* would do now."""
        return action_for(self.state.name, gesture)

    @property
    def session(self) -> BreakSession | None:
        """The break on screen, or the one a snooze put off."""
        if isinstance(self.state, OnBreak):
            return self.state.session
        next_one = coming(self.state)
        return next_one.put_off if next_one else None

    @property
    def next_break(self) -> float | None:
        """When the coming break falls due (monotonic); None unless one is coming."""
        next_one = coming(self.state)
        return next_one.at if next_one else None

    @property
    def snoozes(self) -> int:
        """The snoozes the coming or current break has used."""
        if isinstance(self.state, OnBreak):
            return self.state.snoozes
        next_one = coming(self.state)
        return next_one.snoozes if next_one else 0

    @property
    def snoozed(self) -> bool:
        """The coming break was put off by a snooze (before it began, or on screen)."""
        return isinstance(self.state, (Idle, Busy)) and self.state.coming.snoozes > 0

    def next_open_wall(self, now: Now) -> datetime | None:
        """When the working hours next open (None: not while the clock is untrusted)."""
        if self.rules.hours is None or not now.trusted:
            return None
        return self.rules.hours.next_open(now.wall)

    def next_break_wall(self, now: Now) -> datetime | None:
        """When the coming break will be cued, as far as can be known now:
        a break that would fall outside working hours comes one interval into
        the next working period; one due while busy, a grace after busy ends.
        None while paused, in a break, busy until turned off, or never open."""
        state = self.state
        if not isinstance(state, (Idle, HeadsUp, OffHours, Busy)):
            return None
        hours = self.rules.hours
        if not isinstance(state, OffHours):
            at = max(state.coming.at, now.mono)
            if isinstance(state, Busy):
                ends = self.busy_times.ends_at(now)
                if ends is None:
                    return None
                at = max(at, ends + self.rules.busy_grace_seconds)
            due = now.wall_at(at)
            if hours is None or not now.trusted:
                return due
            closes = hours.next_change(now.wall)
            if closes is None or due < closes:
                return due
            opens = hours.next_open(closes)
        elif hours is None or not now.trusted:
            return now.wall_at(now.mono + self.rules.interval_seconds)
        else:
            opens = hours.next_open(now.wall)
        return opens + timedelta(seconds=self.rules.interval_seconds) if opens else None

    def deadline(self, now: Now) -> float:
        """When :meth:`advance` next has something to do (monotonic seconds).

        A wall clock that steps makes this wrong; the service re-reads the
        clock at least once a minute, and :meth:`advance` copes with any time.
        """
        state = self.state
        if isinstance(state, Notice):
            return float("inf")
        shown = [state.viewing.until] if isinstance(state, Browsing) and state.viewing else []
        if isinstance(state, Paused):  # the progress page times out, or the pause ends
            ends = state.ends_at(now)
            return min(shown + ([] if ends is None else [ends]), default=float("inf"))
        return min(shown + self._due_times(now), default=float("inf"))

    def _due_times(self, now: Now) -> list[float]:
        """The times :meth:`deadline` takes the first of, outside a pause or the notice."""
        state = self.state
        times: list[float] = []
        if isinstance(state, Idle) and state.summary:
            times.append(state.summary.until)
        if self.rules.hours is not None and now.trusted:
            change = self.rules.hours.next_change(now.wall)
            if change is not None:
                times.append(now.mono_at(change))
        empties = self.presence.empties_at(now, self.rules.empty_after_seconds)
        if empties is not None:
            times.append(empties)
        if isinstance(state, OffHours):
            return times
        times.append(self.busy_times.next_change(now))
        if isinstance(state, Busy):
            if state.coming.due is None:  # to say the break is deferred when it falls due
                times.append(state.coming.at)
            return times
        if not self.present(now):
            return times
        if isinstance(state, OnBreak):
            times.append(state.session.deadline())
        elif isinstance(state, (Idle, HeadsUp)):
            times.append(state.coming.at)
            if isinstance(state, Idle) and self.rules.heads_up_seconds:
                times.append(state.coming.at - self.rules.heads_up_seconds)
        return times


Args = ParamSpec("Args")
Seer = TypeVar("Seer", bound=Outlook)


def heard(
    method: Callable[Concatenate[Seer, Now, Args], list[Effect]],
) -> Callable[Concatenate[Seer, Now, Args], list[Effect]]:
    """The cues *method* returns, marked quiet in a quiet period."""

    @functools.wraps(method)
    def marked(outlook: Seer, now: Now, /, *args: Args.args, **kwargs: Args.kwargs) -> list[Effect]:
        return outlook.heard(method(outlook, now, *args, **kwargs), now)

    return marked
