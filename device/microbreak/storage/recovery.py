"""Keeping the history file usable: what :class:`microbreak.storage.store.Store`
writes through.

A history that cannot be opened or fails SQLite's ``quick_check`` is moved
aside (``history.sqlite.damaged-YYYYMMDD-HHMMSS``, its WAL with it) and a new
one started; the log says where the old one went and how to recover what it
holds. A history deleted while the service runs is written again from the
copy the service still has open; one replaced by another file is followed.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from microbreak.service.journal import event as journal_event
from microbreak.storage.history import HISTORY_FILE, SCHEMA_VERSION, History, recovery

log = logging.getLogger("microbreak")

BUSY_SECONDS = 0.25  # how long a write waits for another program's lock: the loop is waiting


class StorageError(Exception):
    """The history cannot be written now; the message says why and what to do."""


class HistoryFile:
    """The history file in *state_dir*: :attr:`db` while it is open.
    *on_new_file* is called whenever a file other than the last is opened
    (row ids of one mean nothing in another)."""

    def __init__(self, state_dir: Path, on_new_file: Callable[[], None]) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / HISTORY_FILE
        self.db: History | None = None
        self._on_new_file = on_new_file
        self._inode: tuple[int, int] | None = None

    def ensure(self) -> History:
        """The history, opened, or followed if it was deleted or replaced."""
        if self.db is None:
            return self.open()
        self.follow()
        return self.db

    def open(self) -> History:
        """Open the history, moving a damaged one aside; raise if the storage
        will not let us (then the queue waits in memory)."""
        try:
            self.state_dir.mkdir(mode=0o750, parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(advice(exc, self.state_dir)) from None
        missing = not self.path.exists()
        empty = not missing and self.path.stat().st_size == 0
        try:
            self.db = self._connect()
        except sqlite3.OperationalError:
            raise  # the storage, not the file: full, read-only, failing, locked
        except sqlite3.DatabaseError as exc:
            self._move_aside(str(exc))
            self.db = self._connect()
        if empty:
            log.warning(
                "the history %s was empty (0 bytes): the breaks it held are lost; "
                "it starts again from now",
                self.path,
                extra=journal_event("history_damaged", path=self.path),
            )
        elif missing and any(self.state_dir.glob("*.acknowledged")):
            log.warning(
                "the history %s is missing, though this device was set up before: "
                "the breaks it held are lost; it starts again from now",
                self.path,
                extra=journal_event("history_damaged", path=self.path),
            )
        self._on_new_file()
        return self.db

    def follow(self) -> None:
        """If the history file was deleted (or replaced) while open, write it
        again from the copy still open, so the next start finds every break."""
        if self.db is None:
            return
        try:
            stat = self.path.stat()
            if (stat.st_dev, stat.st_ino) == self._inode:
                return
            replaced = True
        except FileNotFoundError:
            replaced = False
        if replaced:
            log.warning(
                "the history %s was replaced by another file while running; "
                "writing to that one from now on",
                self.path,
            )
            self.close()
            self.open()
            return
        self.state_dir.mkdir(mode=0o750, parents=True, exist_ok=True)  # gone with it?
        restoring = self.path.with_name(self.path.name + ".restoring")
        copy = sqlite3.connect(restoring)
        try:
            self.db.connection.backup(copy)
        finally:
            copy.close()
        os.chmod(restoring, 0o640)
        self.close()
        os.replace(restoring, self.path)
        self.db = self._connect()
        log.warning(
            "the history %s was deleted while running: written again from the copy held open",
            self.path,
            extra=journal_event("history_damaged", path=self.path),
        )

    def close(self) -> None:
        """Close the history, if open; it is closed even when that fails."""
        db, self.db = self.db, None
        if db is not None:
            db.close()

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
        if db.upgraded_from:
            log.info(
                "the history %s was upgraded from schema %d to %d, every row kept",
                self.path,
                db.upgraded_from,
                SCHEMA_VERSION,
            )
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
            raise StorageError(
                f"the history {self.path} is damaged ({why}) and cannot be moved "
                f"aside: {advice(exc, self.state_dir)}"
            ) from None
        log.error(
            "the history %s was damaged (%s): it is now %s, and a new history starts. "
            "To get back what it holds: %s",
            self.path,
            why,
            kept,
            recovery(kept),
            extra=journal_event("history_damaged", path=self.path, kept=kept),
        )


def advice(exc: BaseException, folder: Path) -> str:
    """What went wrong with the storage, and what to do about it, in a line."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if name.startswith("SQLITE_FULL") or code == errno.ENOSPC:
        return f"{text}: free some space on the file system of {folder}"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or code in (
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
    ):
        return (
            f"{text}: {folder} cannot be written; make it writable for the service, "
            "or remount its file system read-write"
        )
    if name.startswith("SQLITE_BUSY") or "locked" in text:
        return f"{text}: another program holds the history locked; stop that program"
    if name.startswith("SQLITE_IOERR") or code == errno.EIO:
        return (
            f"{text}: the storage under {folder} is failing; check the SD card or disk "
            "('dmesg'), and that its file system is still mounted read-write"
        )
    return f"{text} ({folder})"
