"""What the core asks the shells to do.

The schedule and the break session never act themselves: they return these,
in the order they must happen. A confirmed set is recorded before the LED and
the buzzer say so, so what the person was told is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Outcome(str, Enum):
    """How a break ended."""

    COMPLETED = "completed"  # every set confirmed
    PARTIAL = "partial"  # some sets confirmed, then no answer
    SKIPPED = "skipped"  # skipped with the button or a command
    MISSED = "missed"  # never answered, after every re-cue
    AWAY = "away"  # a natural break: the desk was empty long enough


@dataclass(frozen=True)
class Cue:
    """Play the sound for *name*: heads_up, break, recue, confirm, done, snooze,
    skip, missed, pause, resume or refused."""

    name: str


@dataclass(frozen=True)
class Flash:
    """Flash the LED once: the set is confirmed."""


@dataclass(frozen=True)
class BreakStarted:
    started_at: datetime
    exercises: tuple[str, ...]
    reason: str  # "scheduled", "now", or "away" (a natural break, recorded on return)


@dataclass(frozen=True)
class SetConfirmed:
    exercise: str
    confirmed_at: datetime


@dataclass(frozen=True)
class BreakEnded:
    outcome: Outcome
    ended_at: datetime


Effect = Cue | Flash | BreakStarted | SetConfirmed | BreakEnded
