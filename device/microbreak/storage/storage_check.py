"""``test-hardware``'s look at the history's storage: mounted read-write,
space left, the file sound; nothing written. Each step's words are
:func:`~microbreak.core.words.said`, for the person's language."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from microbreak.core.words import said
from microbreak.storage.history import HISTORY_FILE, recovery

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
    read_only = bool(space.f_flag & os.ST_RDONLY)
    steps: list[tuple[str, bool, str, str]] = [
        (
            said("writable"),
            not read_only,
            said("{folder} is on a read-only file system", folder=str(folder))
            if read_only
            else said("{folder} is on a read-write file system", folder=str(folder)),
            said(
                "remount it read-write ('sudo mount -o remount,rw {folder}'), and look in "
                "'dmesg' for why it went read-only: a failing SD card often does",
                folder=str(folder),
            ),
        ),
        (
            said("free space"),
            free >= MIN_FREE_BYTES,
            said("{mib} MiB free in {folder}", mib=round(free / (1 << 20), 1), folder=str(folder)),
            said("free some space on that file system: breaks go on, but are not written"),
        ),
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
        steps.append(
            (
                said("file"),
                found == "ok",
                f"{path}: {found}",
                said(
                    "the service moves a damaged history aside at its next start and "
                    "begins a new one; {recover} gets back what it can",
                    recover=recovery(path),
                ),
            )
        )
    else:
        steps.append(
            (
                said("file"),
                True,
                said("no history yet at {path}: the service makes it", path=str(path)),
                "",
            )
        )
    return steps
