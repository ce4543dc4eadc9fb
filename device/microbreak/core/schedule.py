"""When breaks happen: a pure state machine over the break sessions.

Fed with the time (:meth:`Schedule.advance`), the person's gestures
(:meth:`Schedule.gesture`), the presence sensor (:meth:`Schedule.motion`),
busy periods (:mod:`~microbreak.core.busy_rules`) and commands (:meth:`snooze`,
:meth:`skip`, :meth:`pause`, :meth:`resume`, :meth:`break_now`), it returns
the :mod:`~microbreak.core.effects` to carry out, or raises :class:`Refused`
saying why the rules do not allow a command now. Its state is one of
:mod:`~microbreak.core.states`.

- Intervals count on the monotonic clock from the end of the previous break,
  so two breaks never start closer than the interval unless someone asks.
- Working hours and "pause until" follow the wall clock, but only while it is
  trusted; a wall clock that steps is simply read again, so a step never
  causes a burst of breaks and never loses the rest of a day.
- Nothing calls (heads-up, cue, re-cue) outside working hours, at an empty desk or while busy;
  in a quiet period a cue is marked quiet (the LED shows it, nothing sounds)::

    >>> from datetime import datetime, timezone
    >>> start = Now(1000.0, datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    >>> schedule = Schedule(Rules(interval_seconds=60, heads_up_seconds=10),
    ...                     ["shoulder-rolls"], start)
    >>> schedule.advance(Now(1050.0, start.wall_at(1050.0)))
    [Cue(name=<CueName.HEADS_UP: 'heads_up'>, quiet=False)]
    >>> schedule.state.name
    <StateName.HEADS_UP: 'heads_up'>
    >>> schedule.skip(Now(1051.0, start.wall_at(1051.0)))[-1].name
    <CueName.SKIP: 'skip'>
    >>> schedule.resume(Now(1052.0, start.wall_at(1052.0)))
    Traceback (most recent call last):
      ...
    microbreak.core.refused.Refused: not paused
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import time

from microbreak.core.busy import BusyTimes
from microbreak.core.busy_rules import BusyRules
from microbreak.core.effects import (
    BreakEnded,
    BreakStarted,
    Cue,
    CueName,
    Effect,
    NoticeAcknowledged,
    Outcome,
)
from microbreak.core.gestures import Action, Gesture
from microbreak.core.now import Now
from microbreak.core.outlook import coming, heard
from microbreak.core.presence import Presence, Return
from microbreak.core.progress import next_viewing
from microbreak.core.refused import NOTICE_WAITS, Refused, refused
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
    Summary,
)


def _shown_a_while(state: State, now: Now) -> State:
    """*state* without the summary or the progress page shown until now."""
    if isinstance(state, Browsing) and state.viewing and now.mono >= state.viewing.until:
        state = replace(state, viewing=None)
    if isinstance(state, Idle) and state.summary and now.mono >= state.summary.until:
        state = replace(state, summary=None)
    return state


class Schedule(BusyRules):
    def __init__(
        self,
        rules: Rules,
        exercises: Sequence[str],
        now: Now,
        rotation: int = 0,
        *,
        notice: bool = False,
    ):
        """*notice*: the first-start notice is shown, and breaks wait for a press."""
        if not exercises:
            raise ValueError("the schedule needs at least one exercise")
        self.rules = rules
        self.exercises = tuple(exercises)
        self.presence = Presence()
        self.busy_times = BusyTimes()
        self.state: State = Notice() if notice else self._waking(now)
        self._rotation = rotation % len(self.exercises)

    # -- time passes ------------------------------------------------------------

    @heard
    def advance(self, now: Now) -> list[Effect]:
        """Time has passed (or the wall clock stepped): do what is due."""
        state = self.state
        if isinstance(state, Notice):
            return []
        if not self.open(now):
            self.busy_times.end_of_day()
        self.state = state = _shown_a_while(state, now)
        if isinstance(state, Paused):
            if not state.over(now):
                return []
            self.state = state = self._waking(now)
        if not self.open(now):
            return [] if isinstance(state, OffHours) else self._close(now)
        if isinstance(state, OffHours):  # the first break of a working period
            self.state = self._waiting(Coming(now.mono + self.rules.interval_seconds), now)
        effects = self.follow_busy(now)
        return effects if isinstance(self.state, Busy) else self._due(now)

    def _due(self, now: Now) -> list[Effect]:
        """What is due now at a desk not busy, in working hours."""
        state = self.state
        if not self.present(now):
            if isinstance(state, HeadsUp):
                self.state = Idle(state.coming)
            return []
        if isinstance(state, OnBreak):
            return state.session.advance(now) + self._finish(state.session, now)
        assert isinstance(state, (Idle, HeadsUp))
        if now.mono >= state.coming.at:
            return self._start(now, "scheduled")
        if (
            isinstance(state, Idle)
            and self.rules.heads_up_seconds
            and now.mono >= state.coming.at - self.rules.heads_up_seconds
        ):
            self.state = HeadsUp(state.coming)
            return [Cue(CueName.HEADS_UP)]
        return []

    def _waking(self, now: Now) -> Idle | OffHours | Busy:
        """Waiting afresh: the next break one interval away, or off hours."""
        if not self.open(now):
            return OffHours()
        return self._waiting(Coming(now.mono + self.rules.interval_seconds), now)

    def _close(self, now: Now) -> list[Effect]:
        """Working hours are over: end what is on quietly, sleep; busy ends too."""
        effects = self._end_as_it_stands(now)
        self.state = OffHours()
        self.busy_times.end_of_day()
        return effects

    # -- the person -------------------------------------------------------------

    def gesture(self, gesture: Gesture, now: Now) -> list[Effect]:
        """The person pressed or held the button (so someone is at the desk).
        What the rules refuse sounds as the ``refused`` cue."""
        effects = self.saw_person(now)
        actions: dict[Action, Callable[[Now], list[Effect]]] = {
            Action.BEGIN: self._begin,
            Action.CONFIRM: self._confirm,
            Action.SNOOZE: self.snooze,
            Action.SKIP: self.skip,
            Action.PAUSE: self.pause,
            Action.RESUME: self.resume,
            Action.PROGRESS: self._browse,
            Action.NOT_BUSY: self.not_busy,
        }
        act = actions.get(self.action(gesture))
        if act is not None:
            try:
                effects += act(now)
            except Refused:
                effects.append(Cue(CueName.REFUSED))
        return self.heard(effects, now)

    def motion(self, moving: bool, now: Now) -> list[Effect]:
        """The presence sensor's output rose (motion) or fell. The desk counts as
        empty once it has been still for ``empty_after_seconds``; still for
        ``away_seconds`` or more, and the person's return is a natural break."""
        back = self.presence.edge(moving, now, self.rules.empty_after_seconds)
        return self.heard(self._came_back(back, now), now)

    def sensor_read(self, moving: bool, now: Now) -> None:
        """The presence sensor's level as read at the start (no edge tells it).
        A desk still then is empty at once: nothing calls until someone
        arrives, and their arrival starts the interval afresh (no break is
        recorded: nobody was there to take one)."""
        self.presence.read(moving, now, self.rules.empty_after_seconds)

    def sensor_removed(self) -> None:
        """No presence sensor any more: the desk counts as taken."""
        self.presence.removed()

    def saw_person(self, now: Now) -> list[Effect]:
        """Someone is certainly at the desk now (they used the button)."""
        return self._came_back(self.presence.saw_person(now, self.rules.empty_after_seconds), now)

    def _came_back(self, back: Return | None, now: Now) -> list[Effect]:
        state = self.state
        if back is None or isinstance(state, Notice):
            return []
        next_one = coming(state)
        if back.first:  # the first arrival at a desk empty since the start
            if next_one is not None and next_one.put_off is None:
                self._put(replace(next_one, at=now.mono + self.rules.interval_seconds))
            return []
        if now.mono - back.left.mono >= self.rules.away_seconds and not isinstance(
            state, (Paused, OffHours)
        ):
            return self._natural_break(back.left, now)
        if isinstance(state, OnBreak):
            state.session.wait_from(now)
        elif next_one is not None:
            # A break that fell due while away waits a moment for the person to settle.
            settled = now.mono + self.rules.return_grace_seconds
            self._put(replace(next_one, at=max(next_one.at, settled)))
        return []

    def _natural_break(self, left: Now, now: Now) -> list[Effect]:
        """Back from a long enough absence: that was a break; count afresh."""
        session = self.session
        self.state = self._waiting(Coming(now.mono + self.rules.interval_seconds), now)
        if session is not None:
            return session.close(Outcome.AWAY, now)
        return [BreakStarted(left.wall, (), "away"), BreakEnded(Outcome.AWAY, now.wall)]

    # -- commands: each raises Refused with the reason when the rules say no ------

    @heard
    def snooze(self, now: Now, seconds: float | None = None) -> list[Effect]:
        """Put the coming or current break off (by the snooze time unless given)."""
        state = self.state
        if isinstance(state, Notice):
            raise Refused(NOTICE_WAITS)
        if not isinstance(state, (Idle, HeadsUp, OnBreak, Busy)):
            raise refused("nothing to snooze: {state}", state=state.name.value.replace("_", " "))
        if self.snoozes >= (most := self.rules.max_snoozes):
            raise refused("no snoozes left for this break (at most {count})", count=most)
        seconds = self.rules.snooze_seconds if seconds is None else seconds
        if isinstance(state, OnBreak):
            state.session.calling = False
            coming = Coming(now.mono + seconds, state.snoozes + 1, state.session)
        else:
            after = now.mono if isinstance(state, HeadsUp) else max(state.coming.at, now.mono)
            coming = replace(state.coming, at=after + seconds, snoozes=state.coming.snoozes + 1)
        self._put(coming)
        return [Cue(CueName.SNOOZE)]

    @heard
    def skip(self, now: Now) -> list[Effect]:
        """Skip the break on screen, or the one its heads-up announces (recorded
        as skipped). A snoozed break can be skipped too."""
        state = self.state
        if isinstance(state, OnBreak):
            return state.session.skip(now) + self._finish(state.session, now)
        if not (isinstance(state, HeadsUp) or self.snoozed or self.session is not None):
            raise refused("nothing to skip: no break is on, announced or snoozed")
        effects: list[Effect] = []
        session = self.session
        if session is None:  # skipped before it began: deferred by busy first, perhaps
            next_one = coming(state)
            due, by = (next_one.due, next_one.deferred_by) if next_one else (None, None)
            session = self._new_session(now)
            effects.append(BreakStarted(now.wall, session.exercises, "scheduled", due, by))
        return effects + session.skip(now) + self._finish(session, now)

    @heard
    def pause(
        self, now: Now, until: time | None = None, seconds: float | None = None
    ) -> list[Effect]:
        """No breaks until :meth:`resume`, for *seconds*, or until the local time
        *until* (the next one to come). A snoozed break counts as skipped."""
        if isinstance(self.state, Notice):
            raise Refused(NOTICE_WAITS)
        pause = Paused()
        if seconds is not None:
            pause = Paused(until_mono=now.mono + seconds)
        elif until is not None:
            when = self.wall_next(now, until)
            pause = Paused(until=when, until_mono=now.mono_at(when))
        session = self.session
        self.state = pause
        return (session.skip(now) if session else []) + [Cue(CueName.PAUSE)]

    @heard
    def resume(self, now: Now) -> list[Effect]:
        """Back from a pause: the next break is one interval away."""
        if not isinstance(self.state, Paused):
            raise refused("not paused")
        self.state = self._waking(now)
        return [Cue(CueName.RESUME)]

    @heard
    def break_now(self, now: Now) -> list[Effect]:
        """Start a break at once (a snoozed one picks up where it was); not
        outside working hours, while paused or busy, at an empty desk or during a break."""
        state = self.state
        if isinstance(state, Notice):
            raise Refused(NOTICE_WAITS)
        if isinstance(state, OnBreak):
            raise refused("a break is already on")
        if isinstance(state, Paused):
            raise refused("paused: resume first ('microbreak resume')")
        if isinstance(state, OffHours):
            hours = self.rules.hours_text()
            raise refused(
                "outside working hours ({hours}); change [hours] in the settings to have "
                "breaks now",
                hours=hours,
            )
        if isinstance(state, Busy):
            source = state.why.source.value
            raise refused("busy ({source}): end it first ('microbreak busy off')", source=source)
        if not self.present(now):
            raise refused("the desk is empty (the presence sensor sees no one)")
        return self._start(now, "now")

    def stop(self, now: Now) -> list[Effect]:
        """The service stops: a break on (or put off) ends as it stands, quietly."""
        effects = self._end_as_it_stands(now)
        self.state = self._waking(now)
        return effects

    def update_rules(self, rules: Rules, now: Now) -> None:
        """New settings. A coming break keeps counting from the same start with
        the new interval (at once, if that is already past); a break on screen
        or snoozed keeps its times."""
        old, self.rules = self.rules, rules
        state = self.state
        if isinstance(state, (Idle, HeadsUp, Busy)) and not state.coming.snoozes:
            start = state.coming.at - old.interval_seconds
            coming = replace(state.coming, at=max(start + rules.interval_seconds, now.mono))
            self.state = replace(state, coming=coming)
            if isinstance(state, HeadsUp) and now.mono < coming.at - rules.heads_up_seconds:
                self.state = Idle(coming)

    # -- breaks -------------------------------------------------------------------

    def _begin(self, now: Now) -> list[Effect]:
        """The notice is read: the first interval starts now."""
        self.state = self._waking(now)
        return [NoticeAcknowledged(now.wall)]

    def _browse(self, now: Now) -> list[Effect]:
        """The next progress page, or back after the last (a summary gives way)."""
        state = self.state
        assert isinstance(state, Browsing)
        viewing = next_viewing(state.viewing, now.mono, self.rules.progress_seconds)
        if isinstance(state, Idle):
            self.state = replace(state, viewing=viewing, summary=None)
        else:
            self.state = replace(state, viewing=viewing)
        return []

    def _confirm(self, now: Now) -> list[Effect]:
        assert isinstance(self.state, OnBreak)
        session = self.state.session
        return session.confirm(now) + self._finish(session, now)

    def _new_session(self, now: Now) -> BreakSession:
        count = min(self.rules.exercises_per_break, len(self.exercises))
        chosen = [self.exercises[(self._rotation + i) % len(self.exercises)] for i in range(count)]
        self._rotation = (self._rotation + count) % len(self.exercises)
        return BreakSession(
            chosen, now, recue_seconds=self.rules.recue_seconds, max_recues=self.rules.max_recues
        )

    def _start(self, now: Now, reason: str) -> list[Effect]:
        session, snoozes, next_one = self.session, self.snoozes, coming(self.state)
        if session is not None:
            self.state = OnBreak(session, snoozes)
            return session.resume(now)
        session = self._new_session(now)
        self.state = OnBreak(session, snoozes)
        by = next_one.deferred_by if next_one else None  # busy deferred it: since when, who
        due = next_one.due if next_one else None
        return [BreakStarted(now.wall, session.exercises, reason, due, by), Cue(CueName.BREAK)]

    def _finish(self, session: BreakSession, now: Now) -> list[Effect]:
        """Once *session* has ended: its summary on screen, the next interval."""
        if session.outcome is not None:
            summary = Summary(
                session.outcome,
                len(session.confirmed),
                len(session.exercises),
                now.mono + self.rules.summary_seconds,
            )
            next_one = Coming(now.mono + self.rules.interval_seconds)
            self.state = self._waiting(next_one, now)
            if isinstance(self.state, Idle):
                self.state = Idle(next_one, summary)
        return []
