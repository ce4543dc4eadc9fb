"""How the person at the desk is doing: today, this week, each exercise,
completion per day and per week, and streaks of days with every break done.

Queries over a history database (see :mod:`microbreak.storage.history`) that return
plain values; nothing here knows of files or terminals::

    >>> from datetime import date, datetime, timedelta, timezone
    >>> from microbreak.core.effects import Outcome
    >>> from microbreak.storage.history import History
    >>> history = History(":memory:")
    >>> monday = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    >>> for outcome in (Outcome.COMPLETED, Outcome.COMPLETED, Outcome.MISSED):
    ...     b = history.break_started(monday, ("shoulder-rolls",), "scheduled")
    ...     if outcome is Outcome.COMPLETED:
    ...         history.set_confirmed(b, "shoulder-rolls", monday)
    ...     history.break_ended(b, outcome, monday)
    ...     monday += timedelta(days=1)
    >>> stats = compute(history.connection, today=date(2026, 11, 25))
    >>> stats.week.breaks, stats.week.completed, f"{stats.week.completion:.0%}"
    (3, 2, '67%')
    >>> stats.current_streak.days, stats.best_streak.days
    (0, 2)

``microbreak history`` and ``stats`` read the database file directly rather
than asking the service over its control socket: they work with the service
stopped ("am I taking my breaks?" does not need it running); SQLite's WAL lets
them read while the service writes, neither waiting for the other; and a query
over years of history never holds up the service's loop, where a button press
would wait behind it. The running service is asked only where its history
file is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from microbreak.core.totals import Totals


@dataclass(frozen=True)
class Streak:
    """A run of days with every cued break done; days without one (weekends,
    holidays, the device off) neither lengthen nor end it."""

    days: int = 0
    first: date | None = None
    last: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"days": self.days, "first": _iso(self.first), "last": _iso(self.last)}


@dataclass(frozen=True)
class ExerciseCount:
    """How often an exercise was offered in a break, and how often its set was done."""

    name: str
    offered: int
    done: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Stats:
    today: Totals
    week: Totals  # Monday to today
    days: tuple[tuple[date, Totals], ...]  # every day with a break, oldest first
    exercises: tuple[ExerciseCount, ...]  # most offered first
    current_streak: Streak
    best_streak: Streak
    since: date | None = None
    all_time: Totals = field(default_factory=Totals)

    def weeks(self) -> list[tuple[date, Totals]]:
        """``(monday, totals)`` for every week with a break, oldest first."""
        weeks: dict[date, Totals] = {}
        for day, totals in self.days:
            monday = day - timedelta(days=day.weekday())
            weeks[monday] = weeks.get(monday, Totals()) + totals
        return list(weeks.items())

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": _iso(self.since),
            "today": self.today.as_dict(),
            "this_week": self.week.as_dict(),
            "total": self.all_time.as_dict(),
            "current_streak": self.current_streak.as_dict(),
            "best_streak": self.best_streak.as_dict(),
            "exercises": [e.as_dict() for e in self.exercises],
            "days": [dict(day=day.isoformat(), **t.as_dict()) for day, t in self.days],
            "weeks": [
                dict(week=_iso_week(monday), start=monday.isoformat(), **t.as_dict())
                for monday, t in self.weeks()
            ],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def compute(db: sqlite3.Connection, today: date, since: date | None = None) -> Stats:
    """Everything ``microbreak stats`` shows, from breaks started on *since*
    or later (all of them with None); ``today`` and ``week`` always cover today
    and the week so far."""
    monday = today - timedelta(days=today.weekday())
    days = daily_totals(db, since)
    recent = dict(days) if since is None or since <= monday else dict(daily_totals(db, monday))
    current, best = streaks(days)
    all_time = sum((totals for _, totals in days), Totals())
    return Stats(
        today=recent.get(today, Totals()),
        week=sum((t for day, t in recent.items() if monday <= day <= today), Totals()),
        days=tuple(days),
        exercises=tuple(exercise_counts(db, since)),
        current_streak=current,
        best_streak=best,
        since=since,
        all_time=all_time,
    )


def daily_totals(db: sqlite3.Connection, since: date | None = None) -> list[tuple[date, Totals]]:
    """``(day, totals)`` for every day with a break from *since*, oldest first."""
    bound = {"since": since.isoformat() if since else ""}
    sets = dict(
        db.execute(
            """
        SELECT b.day, count(*) FROM sets s JOIN breaks b ON b.id = s.break_id
        WHERE b.day >= :since GROUP BY b.day""",
            bound,
        ).fetchall()
    )
    rows = db.execute(
        """
        SELECT day, count(*),
               count(*) FILTER (WHERE outcome = 'completed'),
               count(*) FILTER (WHERE outcome = 'partial'),
               count(*) FILTER (WHERE outcome = 'skipped'),
               count(*) FILTER (WHERE outcome = 'missed'),
               count(*) FILTER (WHERE outcome = 'away'),
               count(*) FILTER (WHERE outcome = 'deferred')
        FROM breaks WHERE day >= :since GROUP BY day ORDER BY day""",
        bound,
    )
    return [
        (
            date.fromisoformat(day),
            Totals(breaks, completed, partial, skipped, missed, away, deferred, sets.get(day, 0)),
        )
        for day, breaks, completed, partial, skipped, missed, away, deferred in rows
    ]


def exercise_counts(db: sqlite3.Connection, since: date | None = None) -> list[ExerciseCount]:
    """How often each exercise was offered and done, most offered first."""
    bound = {"since": since.isoformat() if since else ""}
    offered: dict[str, int] = {}
    # The rotation makes few distinct plans: count those, then their exercises.
    for planned, count in db.execute(
        """
            SELECT planned, count(*) FROM breaks WHERE day >= :since GROUP BY planned""",
        bound,
    ):
        for name in json.loads(planned):
            offered[name] = offered.get(name, 0) + count
    done = dict(
        db.execute(
            """
        SELECT s.exercise, count(*) FROM sets s JOIN breaks b ON b.id = s.break_id
        WHERE b.day >= :since GROUP BY s.exercise""",
            bound,
        ).fetchall()
    )
    names = sorted(offered.keys() | done.keys(), key=lambda name: (-offered.get(name, 0), name))
    return [ExerciseCount(name, offered.get(name, 0), done.get(name, 0)) for name in names]


def streaks(days: Iterable[tuple[date, Totals]]) -> tuple[Streak, Streak]:
    """The current and the best run of days with every break done, from
    ``(day, totals)`` oldest first::

        >>> done, missed = Totals(2, completed=2), Totals(2, completed=1, missed=1)
        >>> d = date(2026, 11, 2)
        >>> current, best = streaks([(d, done), (d + timedelta(1), done),
        ...                          (d + timedelta(2), missed), (d + timedelta(7), done)])
        >>> current.days, best.days, best.last
        (1, 2, datetime.date(2026, 11, 3))
    """
    best = run = Streak()
    for day, totals in days:
        verdict = totals.all_done
        if verdict is None:
            continue  # no ended break that day: neither lengthens nor ends a run
        if verdict:
            run = Streak(run.days + 1, run.first or day, day)
            if run.days > best.days:
                best = run
        else:
            run = Streak()
    return run, best
