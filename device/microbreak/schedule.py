"""When breaks happen: a pure state machine over the break sessions.

Fed with the time (:meth:`Schedule.advance`) and the person's gestures
(:meth:`Schedule.gesture`, :meth:`Schedule.break_now`), it returns the
:mod:`~microbreak.effects` to carry out. Intervals are counted on the
monotonic clock from the end of the previous break, so two breaks never start
closer than the interval unless someone asks for one::

    >>> from microbreak.clock import FakeClock
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
from dataclasses import dataclass
from enum import Enum

from .clock import Now
from .effects import BreakEnded, BreakStarted, Cue, Effect, Outcome
from .gestures import Gesture
from .session import BreakSession


class State(str, Enum):
    IDLE = "idle"
    HEADS_UP = "heads_up"
    BREAK = "break"
    PAUSED = "paused"


@dataclass(frozen=True)
class Rules:
    """The schedule's settings, in seconds."""

    interval_seconds: float = 45 * 60
    heads_up_seconds: float = 60
    exercises_per_break: int = 2
    recue_seconds: float = 3 * 60
    max_recues: int = 2
    snooze_seconds: float = 10 * 60
    max_snoozes: int = 2
    summary_seconds: float = 8

    @classmethod
    def from_settings(cls, settings) -> Rules:
        b = settings.break_
        return cls(
            interval_seconds=settings.schedule.interval_minutes * 60,
            heads_up_seconds=settings.schedule.heads_up_seconds,
            exercises_per_break=b.exercises_per_break,
            recue_seconds=b.recue_minutes * 60,
            max_recues=b.max_recues,
            snooze_seconds=b.snooze_minutes * 60,
            max_snoozes=b.max_snoozes,
            summary_seconds=b.summary_seconds,
        )


@dataclass(frozen=True)
class Summary:
    """The end of the last break, shown until ``until`` (monotonic seconds)."""

    outcome: Outcome
    done: int
    total: int
    until: float


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
        self._rotation = rotation % len(self.exercises)

    def update_rules(self, rules: Rules, now: Now) -> None:
        """New settings. A coming break keeps counting from the same start with
        the new interval (at once, if that is already past); a break on screen
        or snoozed keeps its times."""
        old, self.rules = self.rules, rules
        if self.state in (State.IDLE, State.HEADS_UP) and self.session is None:
            start = self.next_break - old.interval_seconds
            self.next_break = max(start + rules.interval_seconds, now.mono)
            if self.state is State.HEADS_UP and \
                    now.mono < self.next_break - rules.heads_up_seconds:
                self.state = State.IDLE

    def deadline(self) -> float:
        """When :meth:`advance` next has something to do (monotonic seconds)."""
        times = [self.summary.until] if self.summary else []
        if self.state is State.BREAK:
            times.append(self.session.deadline())
        elif self.state is State.IDLE and self.rules.heads_up_seconds:
            times.append(self.next_break - self.rules.heads_up_seconds)
        if self.state in (State.IDLE, State.HEADS_UP):
            times.append(self.next_break)
        return min(times, default=float("inf"))

    def advance(self, now: Now) -> list[Effect]:
        """Time has passed: start, re-cue or end what is due."""
        effects: list[Effect] = []
        if self.summary and now.mono >= self.summary.until:
            self.summary = None
        if self.state is State.BREAK:
            effects += self.session.advance(now)
            effects += self._after_session(now)
        elif self.state in (State.IDLE, State.HEADS_UP):
            if now.mono >= self.next_break:
                effects += self._start(now, "scheduled")
            elif (self.state is State.IDLE and self.rules.heads_up_seconds
                  and now.mono >= self.next_break - self.rules.heads_up_seconds):
                self.state = State.HEADS_UP
                effects.append(Cue("heads_up"))
        return effects

    def gesture(self, gesture: Gesture, now: Now) -> list[Effect]:
        """The person pressed or held the button."""
        if gesture is Gesture.PRESS:
            if self.state is not State.BREAK:
                return []
            return self.session.confirm(now) + self._after_session(now)
        if gesture is Gesture.SNOOZE:
            return self.snooze(now)
        return self.skip(now)

    def snooze(self, now: Now) -> list[Effect]:
        """Put the coming or current break off by the snooze time, if any are left."""
        if self.state not in (State.HEADS_UP, State.BREAK):
            return []
        if self.snoozes >= self.rules.max_snoozes:
            return [Cue("refused")]
        self.snoozes += 1
        self.next_break = now.mono + self.rules.snooze_seconds
        if self.session:
            self.session.calling = False
        self.state = State.IDLE
        return [Cue("snooze")]

    def skip(self, now: Now) -> list[Effect]:
        """Skip the break (during one or its heads-up); otherwise pause or resume."""
        if self.state is State.BREAK:
            return self.session.skip(now) + self._after_session(now)
        if self.state is State.HEADS_UP:
            if self.session is None:
                self.session = self._new_session(now)
                effects = [BreakStarted(now.wall, self.session.exercises, "scheduled")]
            else:
                effects = []
            effects += self.session.skip(now)
            return effects + self._after_session(now)
        if self.state is State.PAUSED:
            return self.resume(now)
        return self.pause(now)

    def pause(self, now: Now) -> list[Effect]:
        """No breaks until :meth:`resume`; a snoozed break counts as skipped."""
        if self.state is State.PAUSED:
            return []
        effects = self.session.skip(now) if self.session else []
        self.session = None
        self.snoozes = 0
        self.state = State.PAUSED
        return effects + [Cue("pause")]

    def resume(self, now: Now) -> list[Effect]:
        """Back from a pause: the next break is one interval away."""
        if self.state is not State.PAUSED:
            return []
        self.state = State.IDLE
        self.next_break = now.mono + self.rules.interval_seconds
        return [Cue("resume")]

    def break_now(self, now: Now) -> list[Effect]:
        """Start a break at once (a snoozed one picks up where it was)."""
        if self.state is State.BREAK:
            return []
        return self._start(now, "now")

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
