"""How busy moves the schedule: what the person, Home Assistant and the
calendars say (:meth:`BusyRules.busy`, :meth:`not_busy`, :meth:`plan_busy`),
and the schedule following it (:meth:`follow_busy`).

- While busy nothing calls: the state is :class:`~microbreak.core.states.Busy`,
  holding the coming break. A break on screen when busy begins is put off,
  as a snooze puts it off, without using a snooze.
- A break that falls due while busy is deferred (:class:`BreakDeferred`,
  and its record says when it fell due), not missed; it comes a grace after
  busy ends, and only it: never a burst after. One still deferred when the
  working hours end is recorded as deferred (:meth:`Schedule._close`).
- Busy held by the person or Home Assistant ends with the working hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import time

from microbreak.core.busy import BusyPeriod, BusySource
from microbreak.core.effects import BreakDeferred, BreakEnded, BreakStarted, Effect, Outcome
from microbreak.core.now import Now
from microbreak.core.outlook import Outlook, coming
from microbreak.core.refused import NOTICE_WAITS, Refused
from microbreak.core.states import Busy, Coming, HeadsUp, Idle, Notice, OnBreak


class BusyRules(Outlook):
    def busy(
        self,
        now: Now,
        source: BusySource = BusySource.MANUAL,
        until: time | None = None,
        seconds: float | None = None,
    ) -> list[Effect]:
        """Busy now: until turned off, for *seconds*, or until the local time
        *until* (later today). Refused during the notice and outside working
        hours (busy would end at once)."""
        if isinstance(self.state, Notice):
            raise Refused(NOTICE_WAITS)
        if not self.open(now):
            raise Refused(
                f"outside working hours ({self.rules.hours_text()}): no break comes now, "
                "and busy ends with the working hours"
            )
        period = BusyPeriod(source)
        if seconds is not None:
            period = BusyPeriod(source, until_mono=now.mono + seconds)
        elif until is not None:
            when = self.wall_next(now, until)
            if when.date() != now.wall.astimezone(when.tzinfo).date():
                raise Refused(
                    f"busy until {until:%H:%M}: that time has passed today; "
                    "allowed: a time later today (busy ends with the working hours)"
                )
            period = BusyPeriod(source, until=when, until_mono=now.mono_at(when))
        self.busy_times.hold(period)
        return self._settle(now)

    def not_busy(self, now: Now) -> list[Effect]:
        """Busy ends now, whoever said so (a calendar's later events still count)."""
        if self.busy_times.current(now) is None:
            raise Refused("not busy")
        self.busy_times.clear(now)
        return self._settle(now)

    def plan_busy(self, periods: Iterable[BusyPeriod], now: Now) -> list[Effect]:
        """The calendars' busy periods, all of them (replacing the last)."""
        self.busy_times.plan(periods)
        return self._settle(now)

    def _settle(self, now: Now) -> list[Effect]:
        """Follow busy now; a break due once busy is over (with no grace) starts."""
        effects = self.follow_busy(now)
        if isinstance(self.state, (Idle, HeadsUp)) and self.open(now):
            effects += self._due(now)
        return self.heard(effects, now)

    def _due(self, now: Now) -> list[Effect]:
        """What is due now at a desk not busy, in working hours (the schedule says)."""
        raise NotImplementedError

    def follow_busy(self, now: Now) -> list[Effect]:
        """Enter, stay in or leave :class:`Busy` as the busy periods say now;
        a break due while busy is deferred (said once)."""
        state, why = self.state, self.busy_times.current(now)
        if isinstance(state, Busy):
            if why is None:  # busy is over: the coming break a grace from now at the soonest
                at = max(state.coming.at, now.mono + self.rules.busy_grace_seconds)
                self.state = Idle(replace(state.coming, at=at))
                return []
            self.state = state = replace(state, why=why)
            return self._defer(state, now)
        if why is None:
            return []
        if isinstance(state, (Idle, HeadsUp)):
            self.state = Busy(state.coming, why)
        elif isinstance(state, OnBreak):  # put off, as a snooze would, the snooze unused
            state.session.calling = False
            self.state = Busy(Coming(now.mono, state.snoozes, state.session), why)
        else:
            return []
        return self._defer(self.state, now)

    def _put(self, next_one: Coming) -> None:
        """The coming break is now *next_one* (busy or idle: a new time drops a heads-up)."""
        state = self.state
        self.state = replace(state, coming=next_one) if isinstance(state, Busy) else Idle(next_one)

    def _waiting(self, coming: Coming, now: Now) -> Idle | Busy:
        """Waiting for *coming*: busy, if someone says so, else idle."""
        why = self.busy_times.current(now)
        return Busy(coming, why) if why is not None else Idle(coming)

    def _defer(self, state: Busy, now: Now) -> list[Effect]:
        """The coming break fell due while busy: say so, once."""
        if now.mono < state.coming.at or state.coming.due is not None:
            return []
        due = now.wall_at(state.coming.at)
        coming = replace(state.coming, due=due, deferred_by=state.why.source)
        self.state = replace(state, coming=coming)
        begun = state.coming.put_off is not None
        return [BreakDeferred(due, state.why.source.value, begun)]

    def _end_as_it_stands(self, now: Now) -> list[Effect]:
        """The working hours or the service end: the break on or put off ends
        quietly (as deferred, if busy put it off; else partial or missed), and
        one busy deferred before it began is recorded as deferred, not lost."""
        session, next_one = self.session, coming(self.state)
        by = next_one.deferred_by if next_one else None
        if session is not None:
            return session.close(Outcome.DEFERRED if by else None, now)
        if next_one is None or next_one.due is None or by is None:
            return []
        due = next_one.due
        return [BreakStarted(due, (), "scheduled", due, by), BreakEnded(Outcome.DEFERRED, now.wall)]
