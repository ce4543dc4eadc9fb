"""The history as the service writes it: a failing disk never stops a break.

Every record (a break started, a set confirmed, a break deferred or ended,
a notice acknowledged) goes into a queue in memory (:mod:`microbreak.storage.records`)
and is written at once when the storage works. When it does not (a full file
system, a read-only state directory, an I/O error, another program holding the
file locked) the record stays queued, the loop goes on, :attr:`Store.problem`
says what is wrong and what to do, and the queue is written later: at the next
record, or when :meth:`Store.tend` finds a retry due (after 1 s, then 2, 4, 8
and every 15 s), as journald keeps logging to memory on a full disk. The queue
holds :data:`QUEUE_LIMIT` records; past that the oldest go, and the log says
so.

A damaged history is moved aside, and one deleted while the service runs is
written again (:mod:`microbreak.storage.recovery`). The health notice's
acknowledgement is kept in a file of its own beside the history, so a lost
history never brings the notice back::

    >>> import tempfile
    >>> from datetime import datetime, timezone
    >>> store = Store(Path(tempfile.mkdtemp()))
    >>> t = datetime(2026, 11, 23, 9, 45, tzinfo=timezone.utc)
    >>> key = store.break_started(t, ("shoulder-rolls",), "scheduled")
    >>> store.set_confirmed(key, "shoulder-rolls", t)
    >>> store.problem, store.day_counts(t.date()).sets
    (None, 1)
    >>> store.close()
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from microbreak.core.effects import Outcome
from microbreak.core.progress import Figures
from microbreak.core.totals import Totals
from microbreak.service.journal import event as journal_event
from microbreak.storage.history import HISTORY_FILE, History
from microbreak.storage.records import (
    Acknowledged,
    Deferred,
    Ended,
    Record,
    SetDone,
    Started,
    describe,
    iso,
)
from microbreak.storage.recovery import HistoryFile, StorageError, advice
from microbreak.storage.stats import Streak, progress_figures, totals_and_streaks

log = logging.getLogger("microbreak")

QUEUE_LIMIT = 10_000  # records kept in memory while the storage fails: weeks of breaks
RETRY_FIRST, RETRY_MAX = 1.0, 15.0  # seconds between attempts: doubling up to the most
CHECK_SECONDS = 60.0  # how often an idle service looks that its file is still there

T = TypeVar("T")


class Store:
    """The history file in *state_dir*, written through a queue; no method
    raises for the storage's sake. *monotonic* tells the time for retries."""

    def __init__(self, state_dir: Path, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / HISTORY_FILE
        self._monotonic = monotonic
        self._ids: dict[int, int] = {}  # break key -> row id in the file open now
        # Row ids in one file mean nothing in another (_ids is replaced as it is written).
        self._file = HistoryFile(self.state_dir, on_new_file=lambda: self._ids.clear())
        self._queue: deque[Record] = deque()
        self._open_breaks: dict[int, Started] = {}  # not yet ended: kept to re-insert
        self._next_key = 1
        self._acknowledged: set[str] = set()
        self.problem: str | None = None  # what is wrong with the storage now, and what to do
        self.dropped = 0  # records lost to a full queue
        self._logged: str | None = None
        self._delay = RETRY_FIRST
        self._retry_at: float | None = None
        self._check_at = monotonic() + CHECK_SECONDS
        self._closed_unfinished = False
        self._flush()

    # -- what the service records ------------------------------------------------

    def break_started(
        self,
        started_at: datetime,
        exercises: Iterable[str],
        reason: str,
        due_at: datetime | None = None,
        deferred_by: str | None = None,
    ) -> int:
        key, self._next_key = self._next_key, self._next_key + 1
        record = Started(key, started_at, tuple(exercises), reason, due_at, deferred_by)
        self._open_breaks[key] = record
        self._record(record)
        return key

    def set_confirmed(self, key: int, exercise: str, confirmed_at: datetime) -> None:
        self._record(SetDone(key, self._day_of(key), confirmed_at, exercise))

    def break_deferred(self, key: int, due_at: datetime, deferred_by: str) -> None:
        """Busy put off the break *key*, which had begun (its record says so)."""
        started = self._open_breaks.get(key)
        if started is not None and started.due_at is None:  # as re-inserted after a move
            self._open_breaks[key] = replace(started, due_at=due_at, deferred_by=deferred_by)
        self._record(Deferred(key, self._day_of(key), due_at, deferred_by))

    def break_ended(self, key: int, outcome: Outcome, ended_at: datetime) -> None:
        self._record(Ended(key, self._day_of(key), ended_at, Outcome(outcome)))

    def acknowledge(self, notice: str, at: datetime) -> None:
        """Remember that the person acknowledged *notice*: in a file of its own
        beside the history (so a lost history keeps it) and in the history."""
        self._acknowledged.add(notice)
        self._record(Acknowledged(notice, at))

    def acknowledged(self, notice: str) -> bool:
        if notice in self._acknowledged or self._notice_file(notice).exists():
            return True
        if self._read(lambda db: db.acknowledged(notice), False):
            self._acknowledged.add(notice)  # from a history older than the notice's own file
            self._record(Acknowledged(notice, datetime.now().astimezone()))
            return True
        return False

    # -- what the service reads ----------------------------------------------------

    def day_counts(self, day: date) -> Totals:
        """The day's counts: those written, and those still in the queue."""
        counts = self._read(lambda db: db.day_counts(day), Totals())
        for record in self._queue:
            if isinstance(record, Acknowledged) or record.day != day:
                continue
            if isinstance(record, Started):
                counts += Totals(breaks=1)
            elif isinstance(record, SetDone):
                counts += Totals(sets=1)
            elif isinstance(record, Ended):
                counts += Totals(**{record.outcome.value: 1})
        return counts

    def day_outcomes(self, day: date) -> tuple[str, ...]:
        written: tuple[str, ...] = self._read(lambda db: db.day_outcomes(day), ())
        return written + tuple(
            r.outcome.value for r in self._queue if isinstance(r, Ended) and r.day == day
        )

    def figures(self, today: date) -> Figures:
        """What the progress pages show, as written (records still queued in
        memory are not in it)."""
        return self._read(lambda db: progress_figures(db.connection, today), Figures())

    def all_time(self) -> tuple[Totals, int]:
        """Every break written, added up, and the current streak in days."""
        totals, (current, _) = self._read(
            lambda db: totals_and_streaks(db.connection), (Totals(), (Streak(), Streak()))
        )
        return totals, current.days

    def last_exercise(self) -> str | None:
        return self._read(lambda db: db.last_exercise(), None)

    def recent(self, limit: int | None = 20) -> list[dict[str, Any]]:
        """The last breaks written, or :class:`StorageError` saying why not."""
        rows = self._read(lambda db: db.recent(limit), None)
        if rows is None:
            raise StorageError(self.problem or f"no history open at {self.path}")
        return rows

    @property
    def pending(self) -> int:
        """Records kept in memory, not yet written."""
        return len(self._queue)

    def report(self) -> dict[str, Any]:
        """For ``status``: ``ok``, the file, what is wrong, records waiting."""
        return {
            "ok": self.problem is None,
            "path": str(self.path),
            "detail": self.problem,
            "pending": len(self._queue),
            "dropped": self.dropped,
        }

    # -- keeping at it ----------------------------------------------------------------

    def deadline(self) -> float | None:
        """When :meth:`tend` next has something to do (monotonic seconds)."""
        return self._retry_at if self._retry_at is not None else self._check_at

    def tend(self) -> None:
        """Retry a failed write when due; look that the file is still there."""
        now = self._monotonic()
        if self._retry_at is not None and now >= self._retry_at:
            self._flush()
        elif now >= self._check_at:
            self._check_at = now + CHECK_SECONDS
            self._file.follow()

    def close(self) -> None:
        """Write what is queued if the storage lets us; say what is lost if not."""
        self._flush()
        if self._queue:
            log.error(
                "stopping with %d record(s) of the history not written (%s); they are lost: %s",
                len(self._queue),
                self.problem,
                "; ".join(describe(r) for r in self._queue),
                extra=journal_event("history_lost", count=len(self._queue)),
            )
        with contextlib.suppress(sqlite3.Error):
            self._file.close()

    # -- inside -------------------------------------------------------------------------

    def _day_of(self, key: int) -> date | None:
        started = self._open_breaks.get(key)
        return started.day if started else None

    def _record(self, record: Record) -> None:
        if len(self._queue) >= QUEUE_LIMIT:
            lost = self._queue.popleft()
            self.dropped += 1
            if self.dropped == 1:
                log.error(
                    "the history has not been written for %d records; the oldest are "
                    "now dropped, first: %s",
                    QUEUE_LIMIT,
                    describe(lost),
                )
        self._queue.append(record)
        self._flush()

    def _read(self, query: Callable[[History], T], fallback: T) -> T:
        if self._file.db is None:
            return fallback
        try:
            return query(self._file.db)
        except sqlite3.Error as exc:
            self._failed(exc)
            return fallback

    def _flush(self) -> None:
        """Write the queue in one transaction; on failure keep it all and retry later."""
        try:
            db = self._file.ensure()
            if not self._closed_unfinished:  # before this life's own breaks are written
                closed = db.close_unfinished()
                self._closed_unfinished = True
                if closed:
                    log.info("closed %d break(s) left open by the last stop", closed)
            if self._queue:
                self._write_queue(db)
        except (sqlite3.Error, OSError, StorageError) as exc:
            self._failed(exc)
        else:
            self._recovered()

    def _write_queue(self, db: History) -> None:
        ids = dict(self._ids)
        with db.transaction():
            for record in self._queue:
                self._write(db, record, ids)
        for record in self._queue:
            if isinstance(record, Ended):
                self._open_breaks.pop(record.key, None)
                ids.pop(record.key, None)
        self._ids = ids
        if self.problem is not None:
            log.warning(
                "the history is written again: %d record(s) kept in memory are now in %s",
                len(self._queue),
                self.path,
            )
        self._queue.clear()

    def _write(self, db: History, record: Record, ids: dict[int, int]) -> None:
        """Write *record*; *ids* learns the row id of each break written."""
        if isinstance(record, Acknowledged):
            self._write_notice_file(record)
            db.acknowledge(record.notice, record.at)
            return
        if isinstance(record, Started):
            ids[record.key] = self._start(db, record)
            return
        if record.key not in ids:  # written to a file since moved aside
            started = self._open_breaks.get(record.key)
            if started is None:
                return
            ids[record.key] = self._start(db, started)
        if isinstance(record, SetDone):
            db.set_confirmed(ids[record.key], record.exercise, record.at)
        elif isinstance(record, Deferred):
            db.break_deferred(ids[record.key], record.at, record.deferred_by)
        else:
            db.break_ended(ids[record.key], record.outcome, record.at)

    @staticmethod
    def _start(db: History, record: Started) -> int:
        return db.break_started(
            record.at, record.exercises, record.reason, record.due_at, record.deferred_by
        )

    def _notice_file(self, notice: str) -> Path:
        return self.state_dir / f"{notice}.acknowledged"

    def _write_notice_file(self, record: Acknowledged) -> None:
        path = self._notice_file(record.notice)
        if path.exists():
            return
        temporary = path.with_name(path.name + ".new")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w") as out:
            out.write(iso(record.at) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)

    def _failed(self, exc: BaseException) -> None:
        problem = exc.args[0] if isinstance(exc, StorageError) else advice(exc, self.state_dir)
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self._file.close()  # damaged while running: moved aside at the next attempt
        self.problem = problem
        now = self._monotonic()
        self._retry_at = now + self._delay
        self._delay = min(self._delay * 2, RETRY_MAX)
        if problem != self._logged:  # once, then on change
            self._logged = problem
            log.error(
                "cannot write the history: %s. Breaks go on; %d record(s) kept in "
                "memory are written when it works again",
                problem,
                len(self._queue),
                extra=journal_event("history_failing", error=problem),
            )

    def _recovered(self) -> None:
        self.problem = self._logged = None
        self._retry_at = None
        self._delay = RETRY_FIRST
