"""What the schedule's state says of now and of what comes: whether someone is
at the desk, whether the hours are open or a quiet period on; the break on or
coming, and when it comes on the wall clock; when anything is next due.
Questions only: :class:`~microbreak.core.schedule.Schedule` makes the moves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from microbreak.core.effects import Cue, CueName, Effect
from microbreak.core.gestures import Action, Gesture, action_for
from microbreak.core.now import Now
from microbreak.core.presence import Presence
from microbreak.core.quiet import is_quiet
from microbreak.core.rules import Rules
from microbreak.core.session import BreakSession
from microbreak.core.states import HeadsUp, Idle, Notice, OffHours, OnBreak, Paused, State


class Outlook:
    state: State
    rules: Rules
    presence: Presence

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

    def cue(self, name: CueName, now: Now) -> Cue:
        """The cue *name*, quiet or not as the time of day says."""
        return Cue(name, quiet=self.quiet(now))

    def action(self, gesture: Gesture) -> Action:
        """What *gesture* would do now."""
        return action_for(self.state.name, gesture)

    @property
    def session(self) -> BreakSession | None:
        """The break on screen, or the one a snooze put off."""
        if isinstance(self.state, OnBreak):
            return self.state.session
        if isinstance(self.state, (Idle, HeadsUp)):
            return self.state.coming.put_off
        return None

    @property
    def next_break(self) -> float | None:
        """When the coming break is cued (monotonic); None unless one is coming."""
        return self.state.coming.at if isinstance(self.state, (Idle, HeadsUp)) else None

    @property
    def snoozes(self) -> int:
        """The snoozes the coming or current break has used."""
        if isinstance(self.state, OnBreak):
            return self.state.snoozes
        return self.state.coming.snoozes if isinstance(self.state, (Idle, HeadsUp)) else 0

    @property
    def snoozed(self) -> bool:
        """The coming break was put off by a snooze (before it began, or on screen)."""
        return isinstance(self.state, Idle) and self.state.snoozed

    def next_open_wall(self, now: Now) -> datetime | None:
        """When the working hours next open (None: not while the clock is untrusted)."""
        if self.rules.hours is None or not now.trusted:
            return None
        return self.rules.hours.next_open(now.wall)

    def next_break_wall(self, now: Now) -> datetime | None:
        """When the coming break will be cued, as far as can be known now:
        a break that would fall outside working hours comes one interval into
        the next working period. None while paused, in a break, or never open."""
        state = self.state
        if not isinstance(state, (Idle, HeadsUp, OffHours)):
            return None
        hours = self.rules.hours
        if not isinstance(state, OffHours):
            due = now.wall_at(max(state.coming.at, now.mono))
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
        times: list[float] = []
        if isinstance(state, Notice):
            return float("inf")
        if isinstance(state, (Idle, Paused, OffHours)) and state.viewing is not None:
            times.append(state.viewing.until)  # the progress page times out
        if isinstance(state, Paused):
            ends = state.ends_at(now)
            return min(times + ([] if ends is None else [ends]), default=float("inf"))
        if isinstance(state, Idle) and state.summary:
            times.append(state.summary.until)
        if self.rules.hours is not None and now.trusted:
            change = self.rules.hours.next_change(now.wall)
            if change is not None:
                times.append(now.mono_at(change))
        empties = self.presence.empties_at(now, self.rules.empty_after_seconds)
        if empties is not None:
            times.append(empties)
        if isinstance(state, OffHours) or not self.present(now):
            return min(times, default=float("inf"))
        if isinstance(state, OnBreak):
            times.append(state.session.deadline())
        elif isinstance(state, (Idle, HeadsUp)):
            times.append(state.coming.at)
            if isinstance(state, Idle) and self.rules.heads_up_seconds:
                times.append(state.coming.at - self.rules.heads_up_seconds)
        return min(times, default=float("inf"))


def quiet_in_quiet_periods(outlook: Outlook, effects: list[Effect], now: Now) -> list[Effect]:
    """*effects* with each cue marked quiet in a quiet period."""
    if not outlook.quiet(now):
        return effects
    return [replace(e, quiet=True) if isinstance(e, Cue) else e for e in effects]


Args = ParamSpec("Args")
Seer = TypeVar("Seer", bound=Outlook)


def heard(
    method: Callable[Concatenate[Seer, Now, Args], list[Effect]],
) -> Callable[Concatenate[Seer, Now, Args], list[Effect]]:
    """The cues *method* returns, marked quiet in a quiet period."""

    @functools.wraps(method)
    def marked(outlook: Seer, now: Now, /, *args: Args.args, **kwargs: Args.kwargs) -> list[Effect]:
        return quiet_in_quiet_periods(outlook, method(outlook, now, *args, **kwargs), now)

    return marked
