"""The history as the service writes it: a write the storage refuses is kept
in memory, counted, retried with back-off and written once it can be; a
damaged file is moved aside. Real SQLite files; a fake monotonic clock."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from microbreak.cli import main
from microbreak.core.effects import Outcome
from microbreak.storage import store as stores
from microbreak.storage.store import Store

T0 = datetime(2026, 11, 23, 9, 45, tzinfo=timezone(timedelta(hours=1)))


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def lock(path):
    """Another program holding the history's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def sets_in(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT exercise FROM sets ORDER BY id").fetchall()
    finally:
        db.close()


@pytest.mark.slow
def test_a_refused_write_is_kept_counted_and_written_when_it_can_be(tmp_path, caplog):
    ticks = Ticks()
    store = Store(tmp_path, monotonic=ticks)
    other = lock(store.path)
    key = store.break_started(T0, ("shoulder-rolls", "shoulder-shrug"), "scheduled")
    store.set_confirmed(key, "shoulder-rolls", T0 + timedelta(seconds=30))
    assert "locked" in store.problem and store.pending == 2
    assert store.day_counts(T0.date()).sets == 1  # today's count has it already
    assert store.deadline() == ticks.now + 2  # 1 s after the first attempt, doubled since

    store.set_confirmed(key, "shoulder-shrug", T0 + timedelta(seconds=60))
    store.break_ended(key, Outcome.COMPLETED, T0 + timedelta(seconds=60))
    assert store.day_counts(T0.date()).completed == 1
    assert store.day_outcomes(T0.date()) == ("completed",)
    other.execute("ROLLBACK")
    other.close()
    store.tend()  # not due yet: nothing tried
    assert store.pending == 4
    ticks.now = store.deadline()
    store.tend()
    assert store.problem is None and store.pending == 0
    assert sets_in(store.path) == [("shoulder-rolls",), ("shoulder-shrug",)]
    assert store.day_counts(T0.date()).sets == 2  # counted once, from the file now
    failures = [r for r in caplog.records if "cannot write the history" in r.message]
    assert len(failures) == 1  # said once, not at every attempt
    assert any("written again" in r.message for r in caplog.records)
    store.close()


@pytest.mark.slow
def test_a_deferral_waits_in_memory_with_its_break_and_is_written_after_it(tmp_path):
    ticks = Ticks()
    store = Store(tmp_path, monotonic=ticks)
    other = lock(store.path)
    key = store.break_started(T0, ("shoulder-rolls",), "scheduled")
    due = T0 + timedelta(minutes=2)
    store.break_deferred(key, due, "calendar")  # busy put it off while it was on screen
    deferred = store.break_started(T0 + timedelta(hours=1), (), "scheduled", due, "manual")
    store.break_ended(deferred, Outcome.DEFERRED, T0 + timedelta(hours=8))
    assert store.pending == 4
    counts = store.day_counts(T0.date())
    assert (counts.breaks, counts.deferred, counts.not_ended) == (2, 1, 1)
    other.execute("ROLLBACK")
    other.close()
    ticks.now = store.deadline()
    store.tend()
    assert store.pending == 0
    first, second = store.recent()
    assert (first["due_at"], first["deferred_by"], first["outcome"]) == (
        due.isoformat(),
        "calendar",
        None,
    )
    assert (second["outcome"], second["deferred_by"]) == ("deferred", "manual")
    store.close()


@pytest.mark.slow
def test_retries_back_off_to_every_fifteen_seconds(tmp_path):
    ticks = Ticks()
    store = Store(tmp_path, monotonic=ticks)
    other = lock(store.path)
    store.break_started(T0, ("shoulder-rolls",), "scheduled")
    waits = []
    for _ in range(6):
        waits.append(store.deadline() - ticks.now)
        ticks.now = store.deadline()
        store.tend()
    assert waits == [1, 2, 4, 8, 15, 15]
    other.execute("ROLLBACK")
    store.close()


@pytest.mark.slow
def test_the_queue_is_bounded_and_says_what_it_dropped(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(stores, "QUEUE_LIMIT", 3)
    store = Store(tmp_path, monotonic=Ticks())
    other = lock(store.path)
    key = store.break_started(T0, ("a", "b", "c", "d"), "scheduled")
    for name in "abc":
        store.set_confirmed(key, name, T0)
    assert (store.pending, store.dropped) == (3, 1)
    assert any("dropped" in r.message for r in caplog.records)
    other.execute("ROLLBACK")
    other.close()
    store.close()
    # The break whose start was dropped is written with its sets: nothing orphaned.
    assert sets_in(store.path) == [("a",), ("b",), ("c",)]


def test_a_damaged_history_is_moved_aside_with_its_wal(tmp_path, caplog):
    store = Store(tmp_path)
    store.acknowledge("first_start", T0)
    store.close()
    history = tmp_path / "history.sqlite"
    with open(history, "r+b") as out:
        out.write(b"\xff" * 4096)
    (tmp_path / "history.sqlite-wal").write_bytes(b"the old wal")

    store = Store(tmp_path)
    [kept] = tmp_path.glob("history.sqlite.damaged-*[0-9]")
    assert kept.name[len("history.sqlite.damaged-") :].replace("-", "").isdigit()
    assert (tmp_path / (kept.name + "-wal")).read_bytes() == b"the old wal"
    assert store.problem is None and store.acknowledged("first_start")
    line = next(r.message for r in caplog.records if "damaged" in r.message)
    assert str(kept) in line and f"sqlite3 {kept} .recover" in line
    store.close()


@pytest.mark.slow
def test_history_on_a_locked_file_says_so_in_one_line(tmp_path, capsys):
    Store(tmp_path).close()
    other = sqlite3.connect(tmp_path / "history.sqlite", isolation_level=None, timeout=0)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("DELETE FROM notices")  # a write: the lock is taken now
    try:
        code = main(["history", "--state-dir", str(tmp_path)])
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert "locked" in err[0] and str(tmp_path / "history.sqlite") in err[0]


@pytest.mark.parametrize("command", ["history", "stats"])
def test_history_and_stats_on_a_missing_history_say_where(tmp_path, capsys, command):
    assert main([command, "--state-dir", str(tmp_path)]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert f"no history at {tmp_path / 'history.sqlite'}" in line
