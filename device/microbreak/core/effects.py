"""What the core asks the shells to do.

The schedule and the break session never act themselves: they return these,
in the order they must happen. A confirmed set is recorded before the LED and
the buzzer say so, so what the person was told is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    """How a break ended."""

    COMPLETED = "completed"  # every set confirmed
    PARTIAL = "partial"  # some sets confirmed, then no answer
    SKIPPED = "skipped"  # skipped with the button or a command
    MISSED = "missed"  # never answered, after every re-cue
    AWAY = "away"  # a natural break: the desk was empty long enough
    DEFERRED = "deferred"  # busy held it off until the working hours ended: not a miss


class CueName(StrEnum):
    """The cues, each with a melody of the same name in ``sounds/``."""

    STARTUP = "startup"  # the service has started
    HEADS_UP = "heads_up"  # a break is coming
    BREAK = "break"  # a break: the call
    RECUE = "recue"  # the call again, unanswered
    CONFIRM = "confirm"  # a set confirmed
    DONE = "done"  # every set of the break confirmed
    SNOOZE = "snooze"
    SKIP = "skip"
    MISSED = "missed"  # the break ended unanswered
    PAUSE = "pause"
    RESUME = "resume"
    REFUSED = "refused"  # a gesture the rules do not allow now


CALLS = frozenset({CueName.HEADS_UP, CueName.BREAK, CueName.RECUE})  # the cues that call a person


@dataclass(frozen=True)
class Cue:
    """Play the cue *name*; *quiet*: in a quiet period, the LED shows it but
    nothing sounds."""

    name: CueName
    quiet: bool = False


@dataclass(frozen=True)
class Flash:
    """Flash the LED once: the set is confirmed."""


@dataclass(frozen=True)
class BreakStarted:
    started_at: datetime
    exercises: tuple[str, ...]
    reason: str  # "scheduled", "now", or "away" (a natural break, recorded on return)
    due_at: datetime | None = None  # when it fell due, if busy deferred it
    deferred_by: str | None = None  # who was busy then (a BusySource: a str)


@dataclass(frozen=True)
class BreakDeferred:
    """A break fell due while busy: it waits until busy ends (not a miss).
    *begun*: it had begun (on screen, or put off by a snooze), so its record
    exists and says so now; one not begun says so when it starts."""

    due_at: datetime
    deferred_by: str  # a BusySource's value
    begun: bool = False


@dataclass(frozen=True)
class SetConfirmed:
    exercise: str
    confirmed_at: datetime


@dataclass(frozen=True)
class BreakEnded:
    outcome: Outcome
    ended_at: datetime


@dataclass(frozen=True)
class NoticeAcknowledged:
    """The person pressed to say they read the first-start notice."""

    at: datetime


Effect = Cue | Flash | NoticeAcknowledged | BreakStarted | BreakDeferred | SetConfirmed | BreakEnded
