"""The history as the service writes it: a failing disk never stops a break.

Every record (a break started, a set confirmed, a break ended, a notice
acknowledged) goes into a queue in memory and is written at once when the
storage works. When it does not (a full file system, a read-only state
directory, an I/O error, another program holding the file locked) the record
stays queued, the loop goes on, :attr:`Store.problem` says what is wrong and
what to do, and the queue is written later: at the next record, or when
:meth:`Store.tend` finds a retry due (after 1 s, then 2, 4, 8 and every 15 s),
as journald keeps logging to memory on a full disk. The queue holds
:data:`QUEUE_LIMIT` records; past that the oldest go, and the log says so.

A history that cannot be opened or fails SQLite's ``quick_check`` is moved
aside (``history.sqlite.damaged-YYYYMMDD-HHMMSS``, its WAL with it) and a new
one started; the log says where the old one went and how to recover what it
holds. A history deleted while the service runs is written again from the
copy the service still has open. The health notice's acknowledgement is kept
in a file of its own beside the history, so a lost history never brings the
notice back::

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
import errno
import json
import logging
import os
import sqlite3
import time
from collections import deque
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from microbreak.core.effects import Outcome
from microbreak.core.totals import Totals
from microbreak.service.journal import event as journal_event
from microbreak.storage.history import HISTORY_FILE, History, recovery

log = logging.getLogger("microbreak")

QUEUE_LIMIT = 10_000  # records kept in memory while the storage fails: weeks of breaks
RETRY_FIRST, RETRY_MAX = 1.0, 15.0  # seconds between attempts: doubling up to the most
CHECK_SECONDS = 60.0  # how often an idle service looks that its file is still there
BUSY_SECONDS = 0.25  # how long a write waits for another program's lock: the loop is waiting


class StorageError(Exception):
    """The history cannot be written now; the message says why and what to do."""


@dataclass(frozen=True)
class _Record:
    kind: str  # break | set | end | ack
    key: int  # the service's name for a break (its row id is known only once written)
    day: date | None = None  # the local day of the break it belongs to
    at: datetime | None = None
    exercises: tuple[str, ...] = ()
    reason: str = ""  # a break's reason; a notice's name
    exercise: str = ""
    outcome: Outcome | None = None


class Store:
    """The history file in *state_dir*, written through a queue; no method
    raises for the storage's sake. *monotonic* tells the time for retries."""

    def __init__(self, state_dir: Path, monotonic=time.monotonic):
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / HISTORY_FILE
        self._monotonic = monotonic
        self._db: History | None = None
        self._inode: tuple[int, int] | None = None
        self._queue: deque[_Record] = deque()
        self._ids: dict[int, int] = {}  # break key -> row id in the file open now
        self._open_breaks: dict[int, _Record] = {}  # started, not yet ended: kept to re-insert
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

    def break_started(self, started_at: datetime, exercises, reason: str) -> int:
        key, self._next_key = self._next_key, self._next_key + 1
        record = _Record("break", key, started_at.date(), started_at, tuple(exercises), reason)
        self._open_breaks[key] = record
        self._record(record)
        return key

    def set_confirmed(self, key: int, exercise: str, confirmed_at: datetime) -> None:
        self._record(_Record("set", key, self._day_of(key), confirmed_at, exercise=exercise))

    def break_ended(self, key: int, outcome: Outcome, ended_at: datetime) -> None:
        self._record(_Record("end", key, self._day_of(key), ended_at, outcome=Outcome(outcome)))

    def acknowledge(self, notice: str, at: datetime) -> None:
        """Remember that the person acknowledged *notice*: in a file of its own
        beside the history (so a lost history keeps it) and in the history."""
        self._acknowledged.add(notice)
        self._record(_Record("ack", 0, at=at, reason=notice))

    def acknowledged(self, notice: str) -> bool:
        if notice in self._acknowledged or self._notice_file(notice).exists():
            return True
        if self._read(lambda db: db.acknowledged(notice), False):
            self._acknowledged.add(notice)  # from a history older than the notice's own file
            self._record(_Record("ack", 0, at=datetime.now().astimezone(), reason=notice))
            return True
        return False

    # -- what the service reads ----------------------------------------------------

    def day_counts(self, day: date) -> Totals:
        """The day's counts: those written, and those still in the queue."""
        counts = self._read(lambda db: db.day_counts(day), Totals())
        for record in self._queue:
            if record.day != day:
                continue
            if record.kind == "break":
                counts = replace(counts, breaks=counts.breaks + 1)
            elif record.kind == "set":
                counts = replace(counts, sets=counts.sets + 1)
            elif record.kind == "end":
                name = record.outcome.value
                counts = replace(counts, **{name: getattr(counts, name) + 1})
        return counts

    def day_outcomes(self, day: date) -> tuple[str, ...]:
        written = self._read(lambda db: db.day_outcomes(day), ())
        return written + tuple(r.outcome.value for r in self._queue
                               if r.kind == "end" and r.day == day)

    def last_exercise(self) -> str | None:
        return self._read(lambda db: db.last_exercise(), None)

    def recent(self, limit: int | None = 20) -> list[dict]:
        """The last breaks written, or :class:`StorageError` saying why not."""
        rows = self._read(lambda db: db.recent(limit), None)
        if rows is None:
            raise StorageError(self.problem or f"no history open at {self.path}")
        return rows

    @property
    def pending(self) -> int:
        """Records kept in memory, not yet written."""
        return len(self._queue)

    def report(self) -> dict:
        """For ``status``: ``ok``, the file, what is wrong, records waiting."""
        return {"ok": self.problem is None, "path": str(self.path), "detail": self.problem,
                "pending": len(self._queue), "dropped": self.dropped}

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
            if self._db is not None:
                self._follow_file()

    def close(self) -> None:
        """Write what is queued if the storage lets us; say what is lost if not."""
        self._flush()
        if self._queue:
            log.error("stopping with %d record(s) of the history not written (%s); they are "
                      "lost: %s", len(self._queue), self.problem,
                      "; ".join(_describe(r) for r in self._queue),
                      extra=journal_event("history_lost", count=len(self._queue)))
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    # -- inside -------------------------------------------------------------------------

    def _day_of(self, key: int) -> date | None:
        started = self._open_breaks.get(key)
        return started.day if started else None

    def _record(self, record: _Record) -> None:
        if len(self._queue) >= QUEUE_LIMIT:
            lost = self._queue.popleft()
            self.dropped += 1
            if self.dropped == 1:
                log.error("the history has not been written for %d records; the oldest are "
                          "now dropped, first: %s", QUEUE_LIMIT, _describe(lost))
        self._queue.append(record)
        self._flush()

    def _read(self, query, fallback):
        if self._db is None:
            return fallback
        try:
            return query(self._db)
        except sqlite3.Error as exc:
            self._failed(exc)
            return fallback

    def _flush(self) -> None:
        """Write the queue in one transaction; on failure keep it all and retry later."""
        try:
            if self._db is None:
                self._open()
            else:
                self._follow_file()
            if not self._closed_unfinished:  # before this life's own breaks are written
                closed = self._db.close_unfinished()
                self._closed_unfinished = True
                if closed:
                    log.info("closed %d break(s) left open by the last stop", closed)
            if self._queue:
                self._write_queue()
        except (sqlite3.Error, OSError, StorageError) as exc:
            self._failed(exc)
        else:
            self._recovered()

    def _write_queue(self) -> None:
        db = self._db.connection
        ids = dict(self._ids)
        db.execute("BEGIN IMMEDIATE")
        try:
            for record in self._queue:
                if record.kind == "ack":
                    self._write_notice_file(record)
                    db.execute("INSERT OR IGNORE INTO notices (name, acknowledged_at) "
                               "VALUES (?, ?)", (record.reason, _iso(record.at)))
                elif record.kind == "break":
                    ids[record.key] = self._insert_break(db, record)
                else:
                    if record.key not in ids:  # written to a file since moved aside
                        if record.key not in self._open_breaks:
                            continue
                        ids[record.key] = self._insert_break(db, self._open_breaks[record.key])
                    if record.kind == "set":
                        db.execute("INSERT INTO sets (break_id, exercise, confirmed_at) "
                                   "VALUES (?, ?, ?)",
                                   (ids[record.key], record.exercise, _iso(record.at)))
                    else:
                        db.execute("UPDATE breaks SET outcome = ?, ended_at = ? WHERE id = ?",
                                   (record.outcome.value, _iso(record.at), ids[record.key]))
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        for record in self._queue:
            if record.kind == "end":
                self._open_breaks.pop(record.key, None)
                ids.pop(record.key, None)
        self._ids = ids
        if self.problem is not None:
            log.warning("the history is written again: %d record(s) kept in memory are now "
                        "in %s", len(self._queue), self.path)
        self._queue.clear()

    @staticmethod
    def _insert_break(db: sqlite3.Connection, record: _Record) -> int:
        return db.execute(
            "INSERT INTO breaks (started_at, day, reason, planned) VALUES (?, ?, ?, ?)",
            (_iso(record.at), record.day.isoformat(), record.reason,
             json.dumps(list(record.exercises)))).lastrowid

    def _notice_file(self, notice: str) -> Path:
        return self.state_dir / f"{notice}.acknowledged"

    def _write_notice_file(self, record: _Record) -> None:
        path = self._notice_file(record.reason)
        if path.exists():
            return
        temporary = path.with_name(path.name + ".new")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w") as out:
            out.write(_iso(record.at) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)

    def _open(self) -> None:
        """Open the history, moving a damaged one aside; raise if the storage
        will not let us (then the queue waits in memory)."""
        try:
            self.state_dir.mkdir(mode=0o750, parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(_advice(exc, self.state_dir)) from None
        missing = not self.path.exists()
        empty = not missing and self.path.stat().st_size == 0
        try:
            self._db = self._connect()
        except sqlite3.OperationalError:
            raise  # the storage, not the file: full, read-only, failing, locked
        except sqlite3.DatabaseError as exc:
            self._move_aside(str(exc))
            self._db = self._connect()
        if empty:
            log.warning("the history %s was empty (0 bytes): the breaks it held are lost; "
                        "it starts again from now", self.path,
                        extra=journal_event("history_damaged", path=self.path))
        elif missing and any(self.state_dir.glob("*.acknowledged")):
            log.warning("the history %s is missing, though this device was set up before: "
                        "the breaks it held are lost; it starts again from now", self.path,
                        extra=journal_event("history_damaged", path=self.path))
        self._ids.clear()  # row ids in another file mean nothing here

    def _connect(self) -> History:
        db = History(self.path, timeout=BUSY_SECONDS)
        try:
            found = db.quick_check()
            if found != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {found}")
            stat = self.path.stat()
        except BaseException:
            db.close()
            raise
        self._inode = (stat.st_dev, stat.st_ino)
        return db

    def _move_aside(self, why: str) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            for suffix in ("-wal", "-shm", ""):
                side = Path(str(self.path) + suffix)
                if side.exists():
                    os.replace(side, Path(str(kept) + suffix))
        except OSError as exc:
            raise StorageError(f"the history {self.path} is damaged ({why}) and cannot be moved "
                               f"aside: {_advice(exc, self.state_dir)}") from None
        log.error("the history %s was damaged (%s): it is now %s, and a new history starts. "
                  "To get back what it holds: %s",
                  self.path, why, kept, recovery(kept),
                  extra=journal_event("history_damaged", path=self.path, kept=kept))

    def _follow_file(self) -> None:
        """If the history file was deleted (or replaced) while open, write it
        again from the copy still open, so the next start finds every break."""
        try:
            stat = self.path.stat()
            if (stat.st_dev, stat.st_ino) == self._inode:
                return
            replaced = True
        except FileNotFoundError:
            replaced = False
        if replaced:
            log.warning("the history %s was replaced by another file while running; "
                        "writing to that one from now on", self.path)
            self._db.close()
            self._db = None
            self._open()
            return
        self.state_dir.mkdir(mode=0o750, parents=True, exist_ok=True)  # gone with it?
        restoring = self.path.with_name(self.path.name + ".restoring")
        copy = sqlite3.connect(restoring)
        try:
            self._db.connection.backup(copy)
        finally:
            copy.close()
        os.chmod(restoring, 0o640)
        self._db.close()
        self._db = None
        os.replace(restoring, self.path)
        self._db = self._connect()
        log.warning("the history %s was deleted while running: written again from the copy "
                    "held open", self.path, extra=journal_event("history_damaged", path=self.path))

    def _failed(self, exc: BaseException) -> None:
        problem = exc.args[0] if isinstance(exc, StorageError) else _advice(exc, self.state_dir)
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.OperationalError) and self._db is not None:
            self._db.close()  # damaged while running: moved aside at the next attempt
            self._db = None
        self.problem = problem
        now = self._monotonic()
        self._retry_at = now + self._delay
        self._delay = min(self._delay * 2, RETRY_MAX)
        if problem != self._logged:  # once, then on change
            self._logged = problem
            log.error("cannot write the history: %s. Breaks go on; %d record(s) kept in "
                      "memory are written when it works again", problem, len(self._queue),
                      extra=journal_event("history_failing", error=problem))

    def _recovered(self) -> None:
        self.problem = self._logged = None
        self._retry_at = None
        self._delay = RETRY_FIRST


MIN_FREE_BYTES = 1 << 20  # below this the history may stop being written


def check_storage(state_dir: Path) -> list[tuple[str, bool, str, str]]:
    """``test-hardware``'s look at the history: (step, passed, what was
    seen, what to do), without writing anything."""
    from microbreak.storage.history import HistoryUnavailable, open_read_only
    folder = Path(state_dir)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # not made yet: the file system it will be on
    space = os.statvfs(folder)
    free = space.f_bavail * space.f_frsize
    steps = [
        ("writable", not space.f_flag & os.ST_RDONLY, f"{folder} is on a "
         + ("read-only" if space.f_flag & os.ST_RDONLY else "read-write") + " file system",
         f"remount it read-write ('sudo mount -o remount,rw {folder}'), and look in "
         "'dmesg' for why it went read-only: a failing SD card often does"),
        ("free space", free >= MIN_FREE_BYTES, f"{free / (1 << 20):.1f} MiB free in {folder}",
         "free some space on that file system: breaks go on, but are not written"),
    ]
    path = Path(state_dir) / HISTORY_FILE
    if path.exists():
        try:
            db = open_read_only(path)
            try:
                found = db.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                db.close()
        except (HistoryUnavailable, sqlite3.Error) as exc:
            found = str(exc)
        steps.append(("file", found == "ok", f"{path}: {found}",
                      "the service moves a damaged history aside at its next start and "
                      f"begins a new one; {recovery(path)} gets back what it can"))
    else:
        steps.append(("file", True, f"no history yet at {path}: the service makes it", ""))
    return steps


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _describe(record: _Record) -> str:
    what = {"break": "break started", "set": f"set {record.exercise}",
            "end": f"break {record.outcome.value if record.outcome else ''}",
            "ack": f"notice {record.reason} acknowledged"}[record.kind]
    return f"{what} at {_iso(record.at)}" if record.at else what


def _advice(exc: BaseException, folder: Path) -> str:
    """What went wrong with the storage, and what to do about it, in a line."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if name.startswith("SQLITE_FULL") or code == errno.ENOSPC:
        return f"{text}: free some space on the file system of {folder}"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or code in (
            errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"{text}: {folder} cannot be written; make it writable for the service, "
                "or remount its file system read-write")
    if name.startswith("SQLITE_BUSY") or "locked" in text:
        return f"{text}: another program holds the history locked; stop that program"
    if name.startswith("SQLITE_IOERR") or code == errno.EIO:
        return (f"{text}: the storage under {folder} is failing; check the SD card or disk "
                "('dmesg'), and that its file system is still mounted read-write")
    return f"{text} ({folder})"
