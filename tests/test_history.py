"""The SQLite history: what is recorded survives, open breaks are closed honestly."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from microbreak.core.effects import Outcome
from microbreak.core.totals import Totals
from microbreak.storage.history import SCHEMA_VERSION, History

T0 = datetime(2026, 11, 23, 9, 45, tzinfo=timezone(timedelta(hours=1)))


def test_a_confirmed_set_is_on_disk_before_the_call_returns(tmp_path):
    path = tmp_path / "history.sqlite"
    history = History(path)
    b = history.break_started(T0, ("shoulder-rolls", "shoulder-shrug"), "scheduled")
    history.set_confirmed(b, "shoulder-rolls", T0 + timedelta(seconds=40))
    # Another connection (another process, or after a power cut) sees it at once.
    other = sqlite3.connect(path)
    assert other.execute("SELECT exercise FROM sets").fetchall() == [("shoulder-rolls",)]
    other.close()


def test_recent_lists_breaks_with_outcome_and_sets(tmp_path):
    history = History(tmp_path / "h.sqlite")
    b = history.break_started(T0, ("shoulder-rolls", "shoulder-shrug"), "now")
    history.set_confirmed(b, "shoulder-rolls", T0 + timedelta(seconds=40))
    history.set_confirmed(b, "shoulder-shrug", T0 + timedelta(seconds=80))
    history.break_ended(b, Outcome.COMPLETED, T0 + timedelta(seconds=80))
    [row] = history.recent()
    assert row["started_at"] == "2026-11-23T09:45:00+01:00"
    assert row["outcome"] == "completed" and row["reason"] == "now"
    assert row["sets"] == [
        {"exercise": "shoulder-rolls", "confirmed_at": "2026-11-23T09:45:40+01:00"},
        {"exercise": "shoulder-shrug", "confirmed_at": "2026-11-23T09:46:20+01:00"},
    ]


def test_recent_is_limited_and_oldest_first(tmp_path):
    history = History(tmp_path / "h.sqlite")
    for i in range(5):
        b = history.break_started(T0 + timedelta(hours=i), ("shoulder-rolls",), "scheduled")
        history.break_ended(b, Outcome.MISSED, T0 + timedelta(hours=i, minutes=9))
    rows = history.recent(limit=2)
    assert [r["started_at"][11:16] for r in rows] == ["12:45", "13:45"]


def test_breaks_left_open_by_a_stop_are_closed_at_the_next_start(tmp_path):
    path = tmp_path / "h.sqlite"
    history = History(path)
    with_set = history.break_started(T0, ("shoulder-rolls", "shoulder-shrug"), "scheduled")
    history.set_confirmed(with_set, "shoulder-rolls", T0 + timedelta(seconds=30))
    history.break_started(T0 + timedelta(hours=1), ("shoulder-rolls",), "scheduled")
    history.close()  # the power goes

    history = History(path)
    assert history.close_unfinished() == 2
    first, second = history.recent()
    assert (first["outcome"], first["ended_at"]) == ("partial", "2026-11-23T09:45:30+01:00")
    assert (second["outcome"], second["ended_at"]) == ("missed", second["started_at"])
    assert len(first["sets"]) == 1  # the confirmed set is kept


def test_day_counts(tmp_path):
    history = History(tmp_path / "h.sqlite")
    for outcome, sets in ((Outcome.COMPLETED, 2), (Outcome.MISSED, 0), (Outcome.PARTIAL, 1)):
        b = history.break_started(T0, ("a", "b"), "scheduled")
        for i in range(sets):
            history.set_confirmed(b, "ab"[i], T0)
        history.break_ended(b, outcome, T0)
    yesterday = history.break_started(T0 - timedelta(days=1), ("a",), "scheduled")
    history.set_confirmed(yesterday, "a", T0 - timedelta(days=1))
    assert history.day_counts(T0.date()) == Totals(
        breaks=3, completed=1, partial=1, missed=1, sets=3
    )
    assert history.last_exercise() == "a"


def test_a_history_of_schema_1_gains_the_deferral_columns_and_keeps_its_breaks(tmp_path):
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE breaks (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, day TEXT NOT NULL,
            reason TEXT NOT NULL, planned TEXT NOT NULL, ended_at TEXT, outcome TEXT);
        CREATE TABLE sets (id INTEGER PRIMARY KEY, break_id INTEGER NOT NULL,
            exercise TEXT NOT NULL, confirmed_at TEXT NOT NULL);
        CREATE TABLE notices (name TEXT PRIMARY KEY, acknowledged_at TEXT NOT NULL);
        INSERT INTO breaks VALUES (1, '2026-11-20T10:00:00+00:00', '2026-11-20', 'scheduled',
            '["shoulder-rolls"]', '2026-11-20T10:01:00+00:00', 'skipped');
        PRAGMA user_version = 1;
        """
    )
    old.close()
    history = History(path)  # the service's first start after the update
    due = T0 - timedelta(minutes=20)
    history.break_started(T0, ("shoulder-shrug",), "scheduled", due, "calendar")
    first, second = history.recent()
    assert (first["outcome"], first["due_at"], first["deferred_by"]) == ("skipped", None, None)
    assert (second["due_at"], second["deferred_by"]) == (due.isoformat(), "calendar")
    assert history.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


SCHEMA_2 = """
CREATE TABLE breaks (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, day TEXT NOT NULL,
    reason TEXT NOT NULL, planned TEXT NOT NULL, ended_at TEXT,
    outcome TEXT CHECK (outcome IN ('completed', 'partial', 'skipped', 'missed', 'away')),
    due_at TEXT, deferred_by TEXT);
CREATE TABLE sets (id INTEGER PRIMARY KEY, break_id INTEGER NOT NULL REFERENCES breaks(id),
    exercise TEXT NOT NULL, confirmed_at TEXT NOT NULL);
CREATE TABLE notices (name TEXT PRIMARY KEY, acknowledged_at TEXT NOT NULL);
CREATE INDEX breaks_by_day ON breaks(day);
CREATE INDEX sets_by_break ON sets(break_id);
INSERT INTO breaks VALUES (1, '2026-11-20T10:00:00+00:00', '2026-11-20', 'scheduled',
    '["shoulder-rolls"]', '2026-11-20T10:01:00+00:00', 'completed',
    '2026-11-20T09:50:00+00:00', 'calendar');
INSERT INTO sets VALUES (1, 1, 'shoulder-rolls', '2026-11-20T10:01:00+00:00');
INSERT INTO notices VALUES ('first_start', '2026-11-19T09:00:00+00:00');
PRAGMA user_version = 2;
"""


def test_a_history_of_schema_2_takes_the_deferred_outcome_and_keeps_everything(tmp_path):
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_2)
    old.close()
    history = History(path)
    b = history.break_started(T0, (), "scheduled", T0 - timedelta(hours=1), "manual")
    history.break_ended(b, Outcome.DEFERRED, T0)
    first, second = history.recent()
    assert (first["outcome"], first["deferred_by"], first["sets"][0]["exercise"]) == (
        "completed",
        "calendar",
        "shoulder-rolls",
    )
    assert (second["outcome"], second["deferred_by"]) == ("deferred", "manual")
    assert history.acknowledged("first_start")
    assert history.quick_check() == "ok"
    db = history.connection
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {row[1] for row in db.execute("PRAGMA index_list(breaks)")}
    assert "breaks_by_day" in indexes
    with pytest.raises(sqlite3.IntegrityError):  # a set still needs its break
        history.set_confirmed(99, "shoulder-rolls", T0)
    with pytest.raises(sqlite3.IntegrityError):  # and an outcome is still one of the known
        db.execute("UPDATE breaks SET outcome = 'forgotten' WHERE id = 1")


def test_a_break_that_had_begun_keeps_its_first_deferral(tmp_path):
    history = History(tmp_path / "h.sqlite")
    b = history.break_started(T0, ("shoulder-rolls",), "scheduled")
    history.break_deferred(b, T0 + timedelta(minutes=1), "home_assistant")
    history.break_deferred(b, T0 + timedelta(minutes=30), "calendar")  # deferred again
    history.break_ended(b, Outcome.COMPLETED, T0 + timedelta(minutes=40))
    [row] = history.recent()
    assert (row["due_at"], row["deferred_by"], row["outcome"]) == (
        (T0 + timedelta(minutes=1)).isoformat(),
        "home_assistant",
        "completed",
    )
