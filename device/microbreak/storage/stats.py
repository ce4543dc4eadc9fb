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

Everything is read from the totals SQLite keeps per day and per exercise
(:mod:`microbreak.storage.schema`), never from every break: one pass over the
days for the totals and the streaks, and only the days and weeks listed.

``microbreak history`` and ``stats`` read the database file directly rather
than asking the service over its control socket: they work with the service
stopped ("am I taking my breaks?" does not need it running); SQLite's WAL lets
them read while the service writes, neither waiting for the other; and a query
over years of history never holds up the service's loop, where a button press
would wait behind it. The running service is asked only where its history
file is.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from microbreak.core.progress import Figures
from microbreak.core.totals import Totals
from microbreak.storage.schema import COUNTED

COLUMNS = COUNTED  # Totals' fields, in order
ENDED = "(completed + partial + skipped + missed)"
JUDGED = f"{ENDED} > 0 AND breaks - away - deferred = {ENDED}"
"""A day is judged once a cued break has ended and none is still on: as
:attr:`Totals.all_done` says, in SQL."""


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
    days: tuple[tuple[date, Totals], ...]  # the days listed (with a break), oldest first
    weeks: tuple[tuple[date, Totals], ...]  # the weeks listed: (monday, totals), oldest first
    exercises: tuple[ExerciseCount, ...]  # most offered first
    current_streak: Streak
    best_streak: Streak
    since: date | None = None
    all_time: Totals = field(default_factory=Totals)

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
                for monday, t in self.weeks
            ],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def compute(
    db: sqlite3.Connection,
    today: date,
    since: date | None = None,
    days_listed: int | None = None,
    weeks_listed: int | None = None,
) -> Stats:
    """Everything ``microbreak stats`` shows, from breaks started on *since*
    or later (all of them with None): the last *days_listed* days with a
    break and the last *weeks_listed* weeks with one (None: all); ``today``
    and ``week`` always cover today and the week so far."""
    monday = today - timedelta(days=today.weekday())
    this_week = dict(days_between(db, monday, today))
    all_time, (current, best) = totals_and_streaks(db, since)
    if weeks_listed is None:  # every week: added up by SQLite
        days, weeks = last_days(db, since, days_listed), all_weeks(db, since)
    else:  # the last weeks with a break have at most 7 days with one each
        wanted = None if days_listed is None else max(days_listed, 7 * weeks_listed)
        days = last_days(db, since, wanted)
        weeks = _last(weekly(days), weeks_listed)
    return Stats(
        today=this_week.get(today, Totals()),
        week=sum(this_week.values(), Totals()),
        days=tuple(_last(days, days_listed)),
        weeks=tuple(weeks),
        exercises=tuple(exercise_counts(db, since)),
        current_streak=current,
        best_streak=best,
        since=since,
        all_time=all_time,
    )


def _last(items: list, count: int | None) -> list:
    """The last *count* of *items* (all with None)."""
    return items if count is None else items[max(0, len(items) - count) :]


def days_between(db: sqlite3.Connection, first: date, last: date) -> list[tuple[date, Totals]]:
    """``(day, totals)`` for each day from *first* to *last* with a break."""
    rows = db.execute(
        f"SELECT day, {COLUMNS} FROM day_totals WHERE day BETWEEN ? AND ? ORDER BY day",
        (first.isoformat(), last.isoformat()),
    )
    return [(date.fromisoformat(day), Totals(*counts)) for day, *counts in rows]


def last_days(
    db: sqlite3.Connection, since: date | None = None, count: int | None = None
) -> list[tuple[date, Totals]]:
    """``(day, totals)`` for the last *count* days with a break from *since*
    (all of them with None), oldest first."""
    rows = db.execute(
        f"SELECT day, {COLUMNS} FROM day_totals WHERE day >= ? ORDER BY day DESC LIMIT ?",
        (since.isoformat() if since else "", -1 if count is None else count),
    ).fetchall()
    return [(date.fromisoformat(day), Totals(*counts)) for day, *counts in reversed(rows)]


def all_weeks(db: sqlite3.Connection, since: date | None = None) -> list[tuple[date, Totals]]:
    """``(monday, totals)`` for every week with a break from *since*, oldest first."""
    sums = ", ".join(f"sum({c})" for c in COLUMNS.split(", "))
    rows = db.execute(
        f"SELECT date(day, 'weekday 0', '-6 days') AS monday, {sums} FROM day_totals "
        "WHERE day >= ? GROUP BY monday ORDER BY monday",
        (since.isoformat() if since else "",),
    )
    return [(date.fromisoformat(monday), Totals(*counts)) for monday, *counts in rows]


def weekly(days: list[tuple[date, Totals]]) -> list[tuple[date, Totals]]:
    """*days* added up by week: ``(monday, totals)``, oldest first."""
    weeks: dict[date, Totals] = {}
    for day, totals in days:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks[monday] + totals if monday in weeks else totals
    return list(weeks.items())


def totals_and_streaks(
    db: sqlite3.Connection, since: date | None = None
) -> tuple[Totals, tuple[Streak, Streak]]:
    """All the days' totals added up, and the current and best streaks, in
    one pass over the days from *since*. SQLite writes each judged day as a
    letter (1: every break done, 0: not) and its date, oldest first: the
    runs are then read from a string rather than a row per day."""
    row = db.execute(
        f"""
        SELECT {", ".join(f"coalesce(sum({c}), 0)" for c in COLUMNS.split(", "))},
               group_concat(completed = {ENDED}, '') FILTER (WHERE {JUDGED}),
               group_concat(day, '') FILTER (WHERE {JUDGED})
        FROM (SELECT * FROM day_totals WHERE day >= ? ORDER BY day)""",
        (since.isoformat() if since else "",),
    ).fetchone()
    *counts, verdicts, days = row
    width = len("YYYY-MM-DD")
    return Totals(*counts), streaks(
        verdicts or "", lambda i: date.fromisoformat(days[i * width : (i + 1) * width])
    )


def streaks(verdicts: str, day_at: Callable[[int], date]) -> tuple[Streak, Streak]:
    """The current and the best run of days with every break done, from the
    judged days' *verdicts* oldest first (``"1"`` all done, ``"0"`` not) and
    the date of the *i*-th (*day_at*); the best is the earliest of the longest::

        >>> d = date(2026, 11, 2)
        >>> current, best = streaks("1101", lambda i: d + timedelta(i))
        >>> current.days, best.days, best.last
        (1, 2, datetime.date(2026, 11, 3))
    """
    longest = max(
        re.finditer("1+", verdicts), key=lambda run: run.end() - run.start(), default=None
    )
    best = Streak()
    if longest is not None:
        best = Streak(
            longest.end() - longest.start(), day_at(longest.start()), day_at(longest.end() - 1)
        )
    tail = len(verdicts) - len(verdicts.rstrip("1"))
    current = Streak()
    if tail:
        current = Streak(tail, day_at(len(verdicts) - tail), day_at(len(verdicts) - 1))
    return current, best


def exercise_counts(db: sqlite3.Connection, since: date | None = None) -> list[ExerciseCount]:
    """How often each exercise was offered and done, most offered first."""
    if since is None:
        rows = db.execute("SELECT exercise, offered, done FROM exercise_totals")
    else:
        rows = db.execute(
            "SELECT exercise, sum(offered), sum(done) FROM exercise_days WHERE day >= ? "
            "GROUP BY exercise",
            (since.isoformat(),),
        )
    counts = [ExerciseCount(name, offered, done) for name, offered, done in rows]
    return sorted(counts, key=lambda e: (-e.offered, e.name))


def progress_figures(db: sqlite3.Connection, today: date) -> Figures:
    """What the device's progress pages show: this week's days to *today*,
    the streaks, and the sets done of each exercise, all time."""
    monday = today - timedelta(days=today.weekday())
    days = dict(days_between(db, monday, today))
    week = tuple(days.get(monday + timedelta(days=n), Totals()) for n in range(today.weekday() + 1))
    _, (current, best) = totals_and_streaks(db)
    done = tuple((e.name, e.done) for e in exercise_counts(db))
    return Figures(week, current.days, best.days, done)


def by_hour(db: sqlite3.Connection, since: date | None = None) -> list[tuple[int, Totals]]:
    """``(hour, totals)`` for each hour of the day (local, 0–23) a break
    started in, from *since*: when breaks come, and which are taken. Reads
    every break (one pass), not the kept totals."""
    hours: dict[int, dict[str, int]] = {}
    for hour, outcome, count in db.execute(
        "SELECT CAST(substr(started_at, 12, 2) AS INTEGER), outcome, count(*) FROM breaks "
        "WHERE day >= ? GROUP BY 1, 2",
        (since.isoformat() if since else "",),
    ):
        counts = hours.setdefault(hour, {"breaks": 0})
        counts["breaks"] += count
        if outcome is not None:
            counts[outcome] = count
    return [(hour, Totals(**hours[hour])) for hour in sorted(hours)]
