"""The record of breaks and confirmed sets, in SQLite.

One row per break, one per confirmed set, each written in its own short
transaction and synced before the call returns, so a set the LED confirmed
survives a power cut::

    >>> from datetime import datetime, timezone
    >>> history = History(":memory:")
    >>> t = datetime(2026, 11, 23, 9, 45, tzinfo=timezone.utc)
    >>> b = history.break_started(t, ("shoulder-rolls",), "scheduled")
    >>> history.set_confirmed(b, "shoulder-rolls", t)
    >>> history.break_ended(b, Outcome.COMPLETED, t)
    >>> [(r["outcome"], len(r["sets"])) for r in history.recent()]
    [('completed', 1)]
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from .effects import Outcome

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS breaks (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,      -- ISO 8601 with the UTC offset
    day TEXT NOT NULL,             -- local date of the start, YYYY-MM-DD
    reason TEXT NOT NULL,          -- scheduled | now | away
    planned TEXT NOT NULL,         -- JSON list of exercise names
    ended_at TEXT,
    outcome TEXT CHECK (outcome IN ('completed', 'partial', 'skipped', 'missed', 'away'))
);
CREATE TABLE IF NOT EXISTS sets (
    id INTEGER PRIMARY KEY,
    break_id INTEGER NOT NULL REFERENCES breaks(id),
    exercise TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breaks_by_day ON breaks(day);
CREATE INDEX IF NOT EXISTS sets_by_break ON sets(break_id);
"""


@dataclass(frozen=True)
class DayCounts:
    """One day's breaks by outcome, and its confirmed sets."""

    breaks: int = 0
    completed: int = 0
    partial: int = 0
    skipped: int = 0
    missed: int = 0
    away: int = 0  # natural breaks: the desk was empty long enough
    sets: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


class History:
    def __init__(self, path: str | Path):
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{path} was written by a newer microbreak (schema {version})")
        self._db.executescript(f"BEGIN; {SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")

    def _transaction(self):
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def break_started(self, started_at: datetime, exercises, reason: str) -> int:
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO breaks (started_at, day, reason, planned) VALUES (?, ?, ?, ?)",
                (started_at.isoformat(timespec="seconds"), started_at.date().isoformat(),
                 reason, json.dumps(list(exercises))))
        return cursor.lastrowid

    def set_confirmed(self, break_id: int, exercise: str, confirmed_at: datetime) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO sets (break_id, exercise, confirmed_at) VALUES (?, ?, ?)",
                (break_id, exercise, confirmed_at.isoformat(timespec="seconds")))

    def break_ended(self, break_id: int, outcome: Outcome, ended_at: datetime) -> None:
        with self._transaction():
            self._db.execute("UPDATE breaks SET outcome = ?, ended_at = ? WHERE id = ?",
                             (Outcome(outcome).value, ended_at.isoformat(timespec="seconds"),
                              break_id))

    def close_unfinished(self) -> int:
        """End breaks left open by a stop or power cut: partial if any set was
        confirmed, else missed, at the time of their last sign of life."""
        with self._transaction():
            cursor = self._db.execute("""
                UPDATE breaks SET
                    outcome = CASE WHEN EXISTS (SELECT 1 FROM sets WHERE break_id = breaks.id)
                              THEN 'partial' ELSE 'missed' END,
                    ended_at = COALESCE(
                        (SELECT max(confirmed_at) FROM sets WHERE break_id = breaks.id),
                        started_at)
                WHERE outcome IS NULL""")
        return cursor.rowcount

    def recent(self, limit: int = 20) -> list[dict]:
        """The last *limit* breaks, oldest first, each with its sets."""
        rows = self._db.execute(
            "SELECT * FROM (SELECT * FROM breaks ORDER BY id DESC LIMIT ?) ORDER BY id",
            (limit,)).fetchall()
        sets: dict[int, list[dict]] = {row["id"]: [] for row in rows}
        if rows:
            for s in self._db.execute(
                    "SELECT break_id, exercise, confirmed_at FROM sets WHERE break_id >= ? "
                    "ORDER BY id", (rows[0]["id"],)):
                if s["break_id"] in sets:
                    sets[s["break_id"]].append({"exercise": s["exercise"],
                                                "confirmed_at": s["confirmed_at"]})
        return [{"id": row["id"], "started_at": row["started_at"], "ended_at": row["ended_at"],
                 "reason": row["reason"], "outcome": row["outcome"],
                 "planned": json.loads(row["planned"]), "sets": sets[row["id"]]}
                for row in rows]

    def day_counts(self, day: date) -> DayCounts:
        row = self._db.execute("""
            SELECT count(*) AS breaks,
                   count(*) FILTER (WHERE outcome = 'completed') AS completed,
                   count(*) FILTER (WHERE outcome = 'partial') AS partial,
                   count(*) FILTER (WHERE outcome = 'skipped') AS skipped,
                   count(*) FILTER (WHERE outcome = 'missed') AS missed,
                   count(*) FILTER (WHERE outcome = 'away') AS away,
                   (SELECT count(*) FROM sets JOIN breaks b ON b.id = sets.break_id
                    WHERE b.day = :day) AS sets
            FROM breaks WHERE day = :day""", {"day": day.isoformat()}).fetchone()
        return DayCounts(**dict(row))

    def last_exercise(self) -> str | None:
        """The exercise of the last confirmed set, to carry the rotation over a restart."""
        row = self._db.execute("SELECT exercise FROM sets ORDER BY id DESC LIMIT 1").fetchone()
        return row["exercise"] if row else None


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error)."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self):
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback):
        self._db.execute("ROLLBACK" if kind else "COMMIT")
        return False
