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

Other processes (``microbreak history``, ``stats``) read the same file with
:func:`open_read_only` while the service writes: in WAL mode readers and the
writer do not block each other. The tables, the totals SQLite keeps beside
them, and the upgrade of an older file are in :mod:`microbreak.storage.schema`.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from microbreak.core.effects import Outcome
from microbreak.core.totals import Totals
from microbreak.storage import schema

HISTORY_FILE = "history.sqlite"  # in the state directory
SCHEMA_VERSION = schema.VERSION


class HistoryUnavailable(RuntimeError):
    """The history file cannot be read; the message says why and what to do."""


class History:
    """The history file, read and written directly: every error is raised
    (:class:`microbreak.storage.store.Store` is what the service writes through).

    A file it creates is readable by its owner and group only (0640), as
    systemd's ``UMask=0027`` makes it; SQLite gives its WAL the same mode.
    """

    def __init__(self, path: str | Path, timeout: float = 5.0) -> None:
        self.path = Path(path)
        if str(path) != ":memory:" and not self.path.exists():
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640))
        self._db = sqlite3.connect(str(path), isolation_level=None, timeout=timeout)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        try:
            self.upgraded_from = schema.upgrade(self._db)  # the schema it had: 0 if new
        except RuntimeError as exc:
            self._db.close()
            raise RuntimeError(f"{path} was {exc}") from None
        except BaseException:
            self._db.close()
            raise

    def quick_check(self) -> str:
        """``"ok"``, or what SQLite's ``PRAGMA quick_check`` found wrong."""
        rows = self._db.execute("PRAGMA quick_check").fetchall()
        return "; ".join(row[0] for row in rows[:3])

    @property
    def connection(self) -> sqlite3.Connection:
        """The open database, for read-only queries (:mod:`microbreak.storage.stats`)."""
        return self._db

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on error; within a
        transaction already, its statements are part of that one."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # the first error is the one to tell
                self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()

    def break_started(
        self,
        started_at: datetime,
        exercises: Iterable[str],
        reason: str,
        due_at: datetime | None = None,
        deferred_by: str | None = None,
    ) -> int:
        """A break began; *due_at* and *deferred_by*: busy deferred it from then."""
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO breaks (started_at, day, reason, planned, due_at, deferred_by) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    started_at.isoformat(timespec="seconds"),
                    started_at.date().isoformat(),
                    reason,
                    json.dumps(list(exercises)),
                    due_at.isoformat(timespec="seconds") if due_at else None,
                    deferred_by,
                ),
            )
        assert cursor.lastrowid is not None  # every INSERT sets it
        return cursor.lastrowid

    def break_deferred(self, break_id: int, due_at: datetime, deferred_by: str) -> None:
        """Busy put off a break that had begun: from *due_at*, by *deferred_by*
        (the first deferral is the one kept)."""
        with self.transaction():
            self._db.execute(
                "UPDATE breaks SET due_at = ?, deferred_by = ? WHERE id = ? AND due_at IS NULL",
                (due_at.isoformat(timespec="seconds"), deferred_by, break_id),
            )

    def set_confirmed(self, break_id: int, exercise: str, confirmed_at: datetime) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO sets (break_id, exercise, confirmed_at) VALUES (?, ?, ?)",
                (break_id, exercise, confirmed_at.isoformat(timespec="seconds")),
            )

    def break_ended(self, break_id: int, outcome: Outcome, ended_at: datetime) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE breaks SET outcome = ?, ended_at = ? WHERE id = ?",
                (Outcome(outcome).value, ended_at.isoformat(timespec="seconds"), break_id),
            )

    def close_unfinished(self) -> int:
        """End breaks left open by a stop or power cut: partial if any set was
        confirmed, else missed, at the time of their last sign of life."""
        with self.transaction():
            cursor = self._db.execute("""
                UPDATE breaks SET
                    outcome = CASE WHEN EXISTS (SELECT 1 FROM sets WHERE break_id = breaks.id)
                              THEN 'partial' ELSE 'missed' END,
                    ended_at = COALESCE(
                        (SELECT max(confirmed_at) FROM sets WHERE break_id = breaks.id),
                        started_at)
                WHERE outcome IS NULL""")
        return cursor.rowcount

    def recent(self, limit: int | None = 20, since: date | None = None) -> list[dict[str, Any]]:
        """The last *limit* breaks (all with None), oldest first, each with its sets."""
        return recent_breaks(self._db, limit, since)

    def day_counts(self, day: date) -> Totals:
        row = self._db.execute(
            f"SELECT {schema.COUNTED} FROM day_totals WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        return Totals(**dict(row)) if row else Totals()

    def day_outcomes(self, day: date) -> tuple[str, ...]:
        """How each of the day's finished breaks ended, oldest first."""
        return tuple(
            row[0]
            for row in self._db.execute(
                "SELECT outcome FROM breaks WHERE day = ? AND outcome IS NOT NULL ORDER BY id",
                (day.isoformat(),),
            )
        )

    def acknowledged(self, notice: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM notices WHERE name = ?", (notice,)).fetchone()
            is not None
        )

    def acknowledge(self, notice: str, at: datetime) -> None:
        """Remember that the person acknowledged *notice* (it is not shown again)."""
        with self.transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO notices (name, acknowledged_at) VALUES (?, ?)",
                (notice, at.isoformat(timespec="seconds")),
            )

    def last_exercise(self) -> str | None:
        """The exercise of the last confirmed set, to carry the rotation over a restart."""
        row = self._db.execute("SELECT exercise FROM sets ORDER BY id DESC LIMIT 1").fetchone()
        return row["exercise"] if row else None


def recent_breaks(
    db: sqlite3.Connection, limit: int | None = 20, since: date | None = None
) -> list[dict[str, Any]]:
    """The last *limit* breaks (all with None) that started on *since* or
    later, oldest first, each with its confirmed sets."""
    rows = db.execute(
        "SELECT * FROM (SELECT * FROM breaks WHERE day >= :since ORDER BY id DESC LIMIT :limit) "
        "ORDER BY id",
        {"since": since.isoformat() if since else "", "limit": -1 if limit is None else limit},
    ).fetchall()
    sets: dict[int, list[dict[str, str]]] = {row["id"]: [] for row in rows}
    columns = set(rows[0].keys()) if rows else set()
    if rows:
        for break_id, exercise, confirmed_at in db.execute(
            "SELECT break_id, exercise, confirmed_at FROM sets WHERE break_id >= ? ORDER BY id",
            (rows[0]["id"],),
        ):
            if break_id in sets:
                sets[break_id].append({"exercise": exercise, "confirmed_at": confirmed_at})
    return [
        {
            "id": row["id"],
            "started_at": row["started_at"],
            "ended_at": row["ended_at"],
            "reason": row["reason"],
            "outcome": row["outcome"],
            "planned": json.loads(row["planned"]),
            "sets": sets[row["id"]],
            # A file of schema 1 (its service not restarted since) has neither.
            "due_at": row["due_at"] if "due_at" in columns else None,
            "deferred_by": row["deferred_by"] if "deferred_by" in columns else None,
        }
        for row in rows
    ]


def open_read_only(path: str | Path) -> sqlite3.Connection:
    """Open the history file at *path* for reading, or raise
    :class:`HistoryUnavailable` saying why not. Never creates or changes it.

    With the service stopped, SQLite's WAL side files are gone and a reader
    who may not create them (no write access to the folder) opens the file as
    immutable instead: nothing is writing it then.
    """
    path = Path(path)
    try:
        empty = path.stat().st_size == 0
        readable = os.access(path, os.R_OK)
    except FileNotFoundError:
        raise HistoryUnavailable(
            f"no history at {path}: the service writes it from its first start. If it keeps "
            "its history elsewhere, give that folder with --state-dir."
        ) from None
    except PermissionError:  # the folder is closed to us
        readable = False
    if not readable:
        group = _group_of(path)
        raise HistoryUnavailable(
            f"cannot read {path}: permission denied. Run this with sudo, or join the group "
            f"'{group}' ('sudo usermod -aG {group} $USER', then log in again)."
        )
    if empty:
        raise HistoryUnavailable(
            f"{path} is empty (0 bytes): it holds no breaks. The service "
            "starts it again at its next start."
        )
    uri = path.resolve().as_uri()
    for options in ("?mode=ro", "?mode=ro&immutable=1"):
        db = None
        try:
            db = sqlite3.connect(uri + options, uri=True)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            break
        except sqlite3.DatabaseError as exc:
            error = exc
            if db is not None:
                db.close()
            if "locked" in str(exc):  # a writer holds it: immutable would read it half-written
                raise HistoryUnavailable(unreadable(path, exc)) from None
    else:
        raise HistoryUnavailable(unreadable(path, error)) from None
    if version > SCHEMA_VERSION:
        db.close()
        raise HistoryUnavailable(
            f"{path} was written by a newer microbreak (schema {version}); update this one"
        )
    if 0 < version < schema.TOTALS_SINCE:  # no totals till the service upgrades it: count here
        try:
            schema.count_in_memory(db)
            db.commit()
        except sqlite3.DatabaseError as exc:
            db.close()
            raise HistoryUnavailable(unreadable(path, exc)) from None
    db.row_factory = sqlite3.Row
    return db


def unreadable(path: Path, error: sqlite3.Error) -> str:
    """Why the history at *path* cannot be read, and what to do, in a line."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return (
            f"cannot read {path}: another program holds it locked ({text}); try again in "
            "a moment, or stop that program"
        )
    if "no such table" in text:
        return (
            f"{path} holds no history ({text}): it is not microbreak's, or was never "
            "written; the service starts a new one at its next start"
        )
    if isinstance(error, sqlite3.OperationalError):
        return f"cannot read {path}: {text}"
    return (
        f"cannot read {path}: it is damaged ({text}). The service moves it aside and "
        f"starts a new one at its next start; to get back what it holds: "
        f"{recovery(path)}"
    )


def recovery(path: Path | str) -> str:
    """The commands that get back what a damaged history at *path* holds."""
    return (
        f"sqlite3 {path} .recover | sqlite3 recovered.sqlite; where that gets nothing "
        f"(SQLite 3.40's .recover stops early): sqlite3 {path} .dump | "
        f"sed 's/^ROLLBACK.*/COMMIT;/' | sqlite3 recovered.sqlite"
    )


def _group_of(path: Path) -> str:
    """The group of *path*, or of its folder when *path* cannot be seen."""
    for candidate in (path, path.parent):
        try:
            gid = candidate.stat().st_gid
            break
        except OSError:
            continue
    else:
        return "microbreak"
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
