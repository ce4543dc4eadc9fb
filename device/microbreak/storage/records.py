"""What the history's queue holds: one record for each thing the service
writes (a break started, a set confirmed, a break deferred, a break ended,
a notice acknowledged), as it was when it happened. A break's *key* is the service's
name for it: its row id is known only once written. *day* is the local day
of the break a record belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from microbreak.core.effects import Outcome


@dataclass(frozen=True)
class Started:
    key: int
    at: datetime
    exercises: tuple[str, ...]
    reason: str
    due_at: datetime | None = None  # busy deferred it from then
    deferred_by: str | None = None

    @property
    def day(self) -> date:
        return self.at.date()


@dataclass(frozen=True)
class SetDone:
    key: int
    day: date | None
    at: datetime
    exercise: str


@dataclass(frozen=True)
class Deferred:
    """Busy put off a break that had begun: *at* is when."""

    key: int
    day: date | None
    at: datetime
    deferred_by: str


@dataclass(frozen=True)
class Ended:
    key: int
    day: date | None
    at: datetime
    outcome: Outcome


@dataclass(frozen=True)
class Acknowledged:
    notice: str
    at: datetime


Record = Started | SetDone | Deferred | Ended | Acknowledged


def iso(at: datetime) -> str:
    """*at* as the notice's file and the log write it."""
    return at.isoformat(timespec="seconds")


def describe(record: Record) -> str:
    """*record* in a few words, for the log."""
    match record:
        case Started():
            what = "break started"
        case SetDone():
            what = f"set {record.exercise}"
        case Deferred():
            what = f"break deferred ({record.deferred_by})"
        case Ended():
            what = f"break {record.outcome.value}"
        case Acknowledged():
            what = f"notice {record.notice} acknowledged"
    return f"{what} at {iso(record.at)}"
