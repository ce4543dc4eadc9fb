"""When breaks happen: a pure state machine over the break sessions.

Fed with the time (:meth:`Schedule.advance`), the person's gestures
(:meth:`Schedule.gesture`), the presence sensor (:meth:`Schedule.presence`)
and commands (:meth:`snooze`, :meth:`skip`, :meth:`pause`, :meth:`resume`,
:meth:`break_now`), it returns the :mod:`~microbreak.core.effects` to carry out.

- Intervals count on the monotonic clock from the end of the previous break,
  so two breaks never start closer than the interval unless someone asks.
- Working hours and "pause until" follow the wall clock, but only while it is
  trusted; a wall clock that steps is simply read again, so a step never
  causes a burst of breaks and never loses the rest of a day.
- Nothing calls (heads-up, cue, re-cue) outside working hours or at an empty
  desk::

    >>> from microbreak.service.clock import FakeClock
    >>> clock = FakeClock()
    >>> schedule = Schedule(Rules(interval_seconds=60, heads_up_seconds=10),
    ...                     ["shoulder-rolls"], clock.now())
    >>> clock.advance(50); schedule.advance(clock.now())
    [Cue(name='heads_up')]
    >>> schedule.state
    <State.HEADS_UP: 'heads_up'>
    >>> clock.advance(10); [type(e).__name__ for e in schedule.advance(clock.now())]
    ['BreakStarted', 'Cue']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, tzinfo
from enum import Enum

from microbreak.core.now import Now
from microbreak.core.effects import BreakEnded, BreakStarted, Cue, Effect, Outcome
from microbreak.core.gestures import Gesture
from microbreak.core.session import BreakSession
from microbreak.core.workhours import WorkHours

CALLS = frozenset({"heads_up", "break", "recue"})  # the cues that call a person


class State(str, Enum):
    IDLE = "idle"
    HEADS_UP = "heads_up"
    BREAK = "break"
    PAUSED = "paused"
    OFF_HOURS = "off_hours"


@dataclass(frozen=True)
class Rules:
    """The schedule's settings, in seconds; ``hours`` None means always."""

    interval_seconds: float = 45 * 60
    heads_up_seconds: float = 60
    exercises_per_break: int = 2
    recue_seconds: float = 3 * 60
    max_recues: int = 2
    snooze_seconds: float = 10 * 60
    max_snoozes: int = 2
    summary_seconds: float = 8
    hours: WorkHours | None = None
    empty_after_seconds: float = 60
    away_seconds: float = 5 * 60
    return_grace_seconds: float = 30

    @classmethod
    def from_settings(cls, settings, zone: tzinfo) -> Rules:
        """From :class:`~microbreak.config.settings.Settings`; *zone* is the zone the
        working hours are in (``hours.timezone``, or the system's zone with its
        rules: :func:`microbreak.service.clock.zone_named` finds it)."""
        b, h = settings.break_, settings.hours
        days = {day: getattr(h, day) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        return cls(
            interval_seconds=settings.schedule.interval_minutes * 60,
            heads_up_seconds=settings.schedule.heads_up_seconds,
            exercises_per_break=b.exercises_per_break,
            recue_seconds=b.recue_minutes * 60,
            max_recues=b.max_recues,
            snooze_seconds=b.snooze_minutes * 60,
            max_snoozes=b.max_snoozes,
            summary_seconds=b.summary_seconds,
            hours=WorkHours.parse(days, zone),
            empty_after_seconds=settings.presence.empty_after_seconds,
            away_seconds=settings.presence.away_minutes * 60,
            return_grace_seconds=settings.presence.return_grace_seconds,
        )


@dataclass(frozen=True)
class Summary:
    """The end of the last break, shown until ``until`` (monotonic seconds)."""

    outcome: Outcome
    done: int
    total: int
    until: float


@dataclass(frozen=True)
class Pause:
    """Paused until ``until`` (wall, followed while trusted) or, failing that,
    ``until_mono``; both None: until resumed."""

    until: datetime | None = None
    until_mono: float | None = None

    def over(self, now: Now) -> bool:
        if self.until is not None and now.trusted:
            return now.wall >= self.until
        return self.until_mono is not None and now.mono >= self.until_mono


class Schedule:
    def __init__(self, rules: Rules, exercises: Sequence[str], now: Now, rotation: int = 0):
        if not exercises:
            raise ValueError("the schedule needs at least one exercise")
        self.rules = rules
        self.exercises = tuple(exercises)
        self.state = State.IDLE
        self.next_break = now.mono + rules.interval_seconds
        self.session: BreakSession | None = None  # on screen, or put off by a snooze
        self.snoozes = 0  # used by the coming break
        self.summary: Summary | None = None
        self.pause_: Pause | None = None
        self.still_since: Now | None = None  # no motion since then; None: someone moves
        self.unseen = False  # the desk has been empty since the sensor was first read
        self._rotation = rotation % len(self.exercises)
        if not self.open(now):
            self.state = State.OFF_HOURS

    # -- what the rules allow now ---------------------------------------------

    def present(self, now: Now) -> bool:
        """Someone is at the desk: motion within the last ``empty_after_seconds``
        (always, without a presence sensor)."""
        return self.still_since is None or \
            now.mono - self.still_since.mono < self.rules.empty_after_seconds

    def open(self, now: Now) -> bool:
        """Within working hours (or the wall clock is not trusted yet)."""
        return self.rules.hours is None or not now.trusted or self.rules.hours.is_open(now.wall)

    def next_open_wall(self, now: Now) -> datetime | None:
        """When the working hours next open (None: not while the clock is untrusted)."""
        if self.rules.hours is None or not now.trusted:
            return None
        return self.rules.hours.next_open(now.wall)

    def next_break_wall(self, now: Now) -> datetime | None:
        """When the coming break will be cued, as far as can be known now:
        a break that would fall outside working hours comes one interval into
        the next working period. None while paused, in a break, or never open."""
        if self.state in (State.PAUSED, State.BREAK):
            return None
        due = now.wall_at(max(self.next_break, now.mono))
        if self.rules.hours is None or not now.trusted:
            return due
        hours = self.rules.hours
        if self.state is not State.OFF_HOURS:
            closes = hours.next_change(now.wall)
            if closes is None or due < closes:
                return due
        opens = hours.next_open(now.wall if self.state is State.OFF_HOURS else closes)
        return opens + timedelta(seconds=self.rules.interval_seconds) if opens else None

    def deadline(self, now: Now) -> float:
        """When :meth:`advance` next has something to do (monotonic seconds).

        A wall clock that steps makes this wrong; the service re-reads the
        clock at least once a minute, and :meth:`advance` copes with any time.
        """
        times = [self.summary.until] if self.summary else []
        if self.state is State.PAUSED:
            if self.pause_.until is not None and now.trusted:
                times.append(now.mono_at(self.pause_.until))
            elif self.pause_.until_mono is not None:
                times.append(self.pause_.until_mono)
            return min(times, default=float("inf"))
        if self.rules.hours is not None and now.trusted:
            change = self.rules.hours.next_change(now.wall)
            if change is not None:
                times.append(now.mono_at(change))
        if self.still_since is not None and self.present(now):
            times.append(self.still_since.mono + self.rules.empty_after_seconds)
        if self.state is State.OFF_HOURS or not self.present(now):
            return min(times, default=float("inf"))
        if self.state is State.BREAK:
            times.append(self.session.deadline())
        elif self.state is State.IDLE and self.rules.heads_up_seconds:
            times.append(self.next_break - self.rules.heads_up_seconds)
        if self.state in (State.IDLE, State.HEADS_UP):
            times.append(self.next_break)
        return min(times, default=float("inf"))

    # -- time passes ------------------------------------------------------------

    def advance(self, now: Now) -> list[Effect]:
        """Time has passed (or the wall clock stepped): do what is due."""
        effects: list[Effect] = []
        if self.summary and now.mono >= self.summary.until:
            self.summary = None
        if self.state is State.PAUSED:
            if not self.pause_.over(now):
                return effects
            effects += self._unpause(now)
        if not self.open(now):
            if self.state is not State.OFF_HOURS:
                effects += self._close(now)
            return effects
        if self.state is State.OFF_HOURS:
            # The first break of a working period: one interval after it starts.
            self.state = State.IDLE
            self.next_break = now.mono + self.rules.interval_seconds
        if not self.present(now):
            if self.state is State.HEADS_UP:
                self.state = State.IDLE
            return effects
        if self.state is State.BREAK:
            effects += self.session.advance(now)
            effects += self._after_session(now)
        elif now.mono >= self.next_break:
            effects += self._start(now, "scheduled")
        elif (self.state is State.IDLE and self.rules.heads_up_seconds
              and now.mono >= self.next_break - self.rules.heads_up_seconds):
            self.state = State.HEADS_UP
            effects.append(Cue("heads_up"))
        return effects

    def _close(self, now: Now) -> list[Effect]:
        """Working hours are over: end what is on quietly, sleep."""
        effects = self.session.close(None, now) if self.session else []
        self.session = None
        self.summary = None
        self.snoozes = 0
        self.state = State.OFF_HOURS
        return effects

    # -- the person -------------------------------------------------------------

    def gesture(self, gesture: Gesture, now: Now) -> list[Effect]:
        """The person pressed or held the button (so someone is at the desk)."""
        effects = self.saw_person(now)
        if gesture is Gesture.PRESS:
            if self.state is not State.BREAK:
                return effects
            return effects + self.session.confirm(now) + self._after_session(now)
        if gesture is Gesture.SNOOZE:
            if self.state not in (State.HEADS_UP, State.BREAK):
                return effects
            return effects + self.snooze(now)
        if self.state in (State.HEADS_UP, State.BREAK):
            return effects + self.skip(now)
        if self.state is State.PAUSED:
            return effects + self.resume(now)
        return effects + self.pause(now)

    def motion(self, moving: bool, now: Now) -> list[Effect]:
        """The presence sensor's output rose (motion) or fell. The desk counts as
        empty once it has been still for ``empty_after_seconds``; still for
        ``away_seconds`` or more, and the person's return is a natural break."""
        if not moving:
            if self.still_since is None:
                self.still_since = now
            return []
        if self.still_since is None:
            return []
        was_present = self.present(now)
        still = now.mono - self.still_since.mono
        left = self.still_since
        self.still_since = None
        unseen, self.unseen = self.unseen, False
        if was_present:
            return []
        if unseen:  # the first arrival at a desk empty since the start
            if self.state in (State.IDLE, State.HEADS_UP) and self.session is None:
                self.state = State.IDLE
                self.next_break = now.mono + self.rules.interval_seconds
            return []
        if still >= self.rules.away_seconds and self.state not in (State.PAUSED,
                                                                     State.OFF_HOURS):
            return self._natural_break(left, now)
        if self.state is State.BREAK:
            self.session.wait_from(now)
        elif self.state in (State.IDLE, State.HEADS_UP):
            # A break that fell due while away waits a moment for the person to settle.
            self.next_break = max(self.next_break, now.mono + self.rules.return_grace_seconds)
        return []

    def sensor_read(self, moving: bool, now: Now) -> None:
        """The presence sensor's level as read at the start (no edge tells it).
        A desk still then is empty at once: nothing calls until
        someone arrives, and their arrival starts the interval afresh (no break
        is recorded: nobody was there to take one)."""
        self.unseen = not moving
        self.still_since = None if moving else \
            replace(now, mono=now.mono - self.rules.empty_after_seconds)

    def sensor_removed(self) -> None:
        """No presence sensor any more: the desk counts as taken."""
        self.still_since = None
        self.unseen = False

    def saw_person(self, now: Now) -> list[Effect]:
        """Someone is certainly at the desk now (they used the button)."""
        if self.still_since is None:
            return []
        effects = self.motion(True, now)
        self.still_since = now  # still, as far as the sensor knows, from now
        return effects

    def _natural_break(self, left: Now, now: Now) -> list[Effect]:
        """Back from a long enough absence: that was a break; count afresh."""
        if self.session is not None:
            effects = self.session.close(Outcome.AWAY, now)
        else:
            effects = [BreakStarted(left.wall, (), "away"), BreakEnded(Outcome.AWAY, now.wall)]
        self.session = None
        self.summary = None
        self.snoozes = 0
        self.state = State.IDLE
        self.next_break = now.mono + self.rules.interval_seconds
        return effects

    # -- commands -----------------------------------------------------------------

    @property
    def snoozed(self) -> bool:
        """The coming break was put off by a snooze (before it began, or on screen)."""
        return self.state is State.IDLE and self.snoozes > 0

    def can_skip(self) -> bool:
        """A break is on, announced or snoozed."""
        return self.state in (State.HEADS_UP, State.BREAK) or self.snoozed

    def can_snooze(self) -> bool:
        return self.state in (State.IDLE, State.HEADS_UP, State.BREAK) \
            and self.snoozes < self.rules.max_snoozes

    def snooze(self, now: Now, seconds: float | None = None) -> list[Effect]:
        """Put the coming or current break off (by the snooze time unless given)."""
        if self.state not in (State.IDLE, State.HEADS_UP, State.BREAK):
            return []
        if self.snoozes >= self.rules.max_snoozes:
            return [Cue("refused")]
        seconds = self.rules.snooze_seconds if seconds is None else seconds
        self.snoozes += 1
        if self.state is State.IDLE:
            self.next_break = max(self.next_break, now.mono) + seconds
        else:
            self.next_break = now.mono + seconds
        if self.session:
            self.session.calling = False
        self.state = State.IDLE
        return [Cue("snooze")]

    def skip(self, now: Now) -> list[Effect]:
        """Skip the break on screen, or the one its heads-up announces (recorded
        as skipped). A snoozed break can be skipped too."""
        if self.state is State.BREAK:
            return self.session.skip(now) + self._after_session(now)
        if not self.can_skip():
            return []
        effects: list[Effect] = []
        if self.session is None:
            self.session = self._new_session(now)
            effects.append(BreakStarted(now.wall, self.session.exercises, "scheduled"))
        effects += self.session.skip(now)
        return effects + self._after_session(now)

    def pause(self, now: Now, until: time | None = None,
              seconds: float | None = None) -> list[Effect]:
        """No breaks until :meth:`resume`, for *seconds*, or until the local time
        *until* (the next one to come). A snoozed break counts as skipped."""
        pause = Pause()
        if seconds is not None:
            pause = Pause(until_mono=now.mono + seconds)
        elif until is not None:
            zone = self.rules.hours.zone if self.rules.hours else now.wall.tzinfo
            local = now.wall.astimezone(zone)
            when = datetime.combine(local.date(), until, zone)
            if when <= local:
                when = datetime.combine(local.date() + timedelta(days=1), until, zone)
            pause = Pause(until=when, until_mono=now.mono_at(when))
        effects = self.session.skip(now) if self.session else []
        self.session = None
        self.snoozes = 0
        self.summary = None
        self.state = State.PAUSED
        self.pause_ = pause
        return effects + [Cue("pause")]

    def resume(self, now: Now) -> list[Effect]:
        """Back from a pause: the next break is one interval away."""
        if self.state is not State.PAUSED:
            return []
        return self._unpause(now) + [Cue("resume")]

    def _unpause(self, now: Now) -> list[Effect]:
        self.pause_ = None
        self.state = State.IDLE if self.open(now) else State.OFF_HOURS
        self.next_break = now.mono + self.rules.interval_seconds
        return []

    def break_now(self, now: Now) -> list[Effect]:
        """Start a break at once (a snoozed one picks up where it was); not
        outside working hours, while paused, at an empty desk or during a break."""
        if self.state not in (State.IDLE, State.HEADS_UP) or not self.present(now):
            return []
        return self._start(now, "now")

    def update_rules(self, rules: Rules, now: Now) -> None:
        """New settings. A coming break keeps counting from the same start with
        the new interval (at once, if that is already past); a break on screen
        or snoozed keeps its times."""
        old, self.rules = self.rules, rules
        if self.state in (State.IDLE, State.HEADS_UP) and not self.snoozes:
            start = self.next_break - old.interval_seconds
            self.next_break = max(start + rules.interval_seconds, now.mono)
            if self.state is State.HEADS_UP and \
                    now.mono < self.next_break - rules.heads_up_seconds:
                self.state = State.IDLE

    # -- breaks -------------------------------------------------------------------

    def _new_session(self, now: Now) -> BreakSession:
        count = min(self.rules.exercises_per_break, len(self.exercises))
        chosen = [self.exercises[(self._rotation + i) % len(self.exercises)] for i in range(count)]
        self._rotation = (self._rotation + count) % len(self.exercises)
        return BreakSession(chosen, now, recue_seconds=self.rules.recue_seconds,
                            max_recues=self.rules.max_recues)

    def _start(self, now: Now, reason: str) -> list[Effect]:
        self.state = State.BREAK
        self.summary = None
        if self.session is not None:
            return self.session.resume(now)
        self.session = self._new_session(now)
        return [BreakStarted(now.wall, self.session.exercises, reason), Cue("break")]

    def _after_session(self, now: Now) -> list[Effect]:
        if self.session is None or not self.session.finished:
            return []
        done = self.session
        self.summary = Summary(done.outcome, len(done.confirmed), len(done.exercises),
                               now.mono + self.rules.summary_seconds)
        self.session = None
        self.snoozes = 0
        self.state = State.IDLE
        self.next_break = now.mono + self.rules.interval_seconds
        return []
