"""A history written by an older microbreak opens with every row kept, and
the totals SQLite keeps beside the rows always say what the rows say.

``tests/data/history-schema1.sqlite`` was written by microbreak's own
``History`` at schema 1 (commit 1f76b3d): two working weeks across the
spring clock change, every outcome, a Saturday, natural breaks, an exercise
of the person's own (``neck-turn``), a break that never ended (a power cut)
and the first-start notice.

``tests/data/history-schema2.sqlite`` is that file as ``History`` at schema 2
(commit 94a60b7, busy) upgraded it, closed its open break and went on
writing: a Monday of breaks busy deferred (by a calendar, by the person, by
Home Assistant) beside ones it did not, and on the Tuesday a deferred break
never ended.

``tests/data/history-schema3.sqlite`` is the schema-2 file as ``History`` at
schema 3 (commit 6383564, the outcome ``deferred``) made its breaks table
anew, closed its open break and went on writing: a Wednesday with a break
put off by a meeting while it called, and one busy held off until the
working hours ended (``deferred``).
"""

import json
import shutil
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microbreak.core.effects import Outcome
from microbreak.core.totals import Totals
from microbreak.storage import schema
from microbreak.storage.history import History, open_read_only, recent_breaks
from microbreak.storage.stats import compute, weekly
from microbreak.storage.store import Store

DATA = __import__("pathlib").Path(__file__).parent / "data"
SCHEMA1 = DATA / "history-schema1.sqlite"
SCHEMA2 = DATA / "history-schema2.sqlite"
SCHEMA3 = DATA / "history-schema3.sqlite"
ROW_TABLES = ("breaks", "sets", "notices")


def rows(path):
    db = sqlite3.connect(path)
    try:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in ROW_TABLES}
    finally:
        db.close()


def user_version(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def counted_from_rows(db, since=""):
    """What ``stats`` showed before the totals: counted from every row in Python."""
    days: dict[str, Totals] = {}
    offered: dict[str, int] = {}
    done: dict[str, int] = {}
    breaks = db.execute("SELECT id, day, planned, outcome FROM breaks WHERE day >= ?", (since,))
    day_of = {}
    for break_id, day, planned, outcome in breaks:
        day_of[break_id] = day
        counts = {"breaks": 1, outcome: 1} if outcome else {"breaks": 1}
        days[day] = days.get(day, Totals()) + Totals(**counts)
        for name in json.loads(planned):
            offered[name] = offered.get(name, 0) + 1
    for break_id, exercise in db.execute("SELECT break_id, exercise FROM sets"):
        if break_id in day_of:
            day = day_of[break_id]
            days[day] += Totals(sets=1)
            done[exercise] = done.get(exercise, 0) + 1
    names = offered.keys() | done.keys()
    return (
        sorted((date.fromisoformat(d), t) for d, t in days.items()),
        {n: (offered.get(n, 0), done.get(n, 0)) for n in names},
    )


def assert_stats_match_the_rows(db, today, since=None):
    stats = compute(db, today, since)
    days, exercises = counted_from_rows(db, since.isoformat() if since else "")
    assert list(stats.days) == days
    assert list(stats.weeks) == weekly(days)  # added up by SQLite, as by hand
    assert {e.name: (e.offered, e.done) for e in stats.exercises} == exercises
    assert stats.all_time == sum((t for _, t in days), Totals())
    return stats


@pytest.fixture
def schema1(tmp_path):
    path = tmp_path / "history.sqlite"
    shutil.copy(SCHEMA1, path)
    return path


def test_the_service_upgrades_a_schema_1_history_keeping_every_row(schema1, caplog):
    before = rows(schema1)
    assert user_version(schema1) == 1 and len(before["breaks"]) == 35
    caplog.set_level("INFO", logger="microbreak")
    store = Store(schema1.parent)
    assert f"upgraded from schema 1 to {schema.VERSION}, every row kept" in caplog.text
    assert store.problem is None
    assert store.day_counts(date(2026, 3, 24)) == Totals(
        breaks=4, completed=2, partial=1, away=1, sets=5
    )
    store.close()
    assert user_version(schema1) == schema.VERSION
    after = rows(schema1)
    # Not a row added or lost; one changed as at any start after a power cut:
    # the break it left open is ended (partial: it had a set).
    [(open_before, open_after)] = [
        (b, a[:7]) for b, a in zip(before["breaks"], after["breaks"], strict=True) if b != a[:7]
    ]
    assert open_before[5:] == (None, None) and open_after[6] == "partial"
    assert open_after[:5] == open_before[:5]
    assert {a[7:] for a in after["breaks"]} == {(None, None)}  # deferred by no one then
    assert {t: after[t] for t in ("sets", "notices")} == {t: before[t] for t in ("sets", "notices")}
    db = open_read_only(schema1)
    stats = assert_stats_match_the_rows(db, date(2026, 4, 3))
    assert stats.best_streak.days == 3  # the 26th, 27th and 28th of March
    assert stats.today.not_ended == 0  # the break the power cut left was ended at the start
    db.close()


def test_the_open_break_left_in_the_old_file_ends_and_is_counted(schema1):
    history = History(schema1)
    assert history.upgraded_from == 1
    assert history.day_counts(date(2026, 4, 3)).not_ended == 1
    assert history.close_unfinished() == 1  # as the service does at its start
    assert history.day_counts(date(2026, 4, 3)) == Totals(breaks=2, completed=1, partial=1, sets=3)
    at = datetime(2026, 4, 3, 14, tzinfo=timezone(timedelta(hours=2)))
    b = history.break_started(at, ("neck-turn",), "scheduled")
    history.set_confirmed(b, "neck-turn", at)
    history.break_ended(b, Outcome.COMPLETED, at)
    assert_stats_match_the_rows(history.connection, date(2026, 4, 3))
    history.close()


def test_a_reader_of_a_schema_1_history_counts_it_without_changing_it(schema1):
    before = schema1.read_bytes()
    db = open_read_only(schema1)
    stats = assert_stats_match_the_rows(db, date(2026, 4, 3))
    assert_stats_match_the_rows(db, date(2026, 4, 3), since=date(2026, 3, 30))
    assert stats.all_time.breaks == 35 and stats.today.not_ended == 1
    db.close()
    assert schema1.read_bytes() == before and user_version(schema1) == 1


def test_an_upgrade_that_fails_leaves_the_old_file_as_it_was(schema1):
    db = sqlite3.connect(schema1)
    db.execute("UPDATE breaks SET planned = '[not json' WHERE id = 3")  # edited by hand
    db.commit()
    db.close()
    before = rows(schema1)
    with pytest.raises(sqlite3.OperationalError, match="JSON"):
        History(schema1)
    assert user_version(schema1) == 1 and rows(schema1) == before


def test_a_file_of_a_newer_microbreak_is_refused_untouched(tmp_path):
    path = tmp_path / "history.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    db.close()
    with pytest.raises(RuntimeError, match=f"newer microbreak \\(schema {schema.VERSION + 1}\\)"):
        History(path)


@pytest.fixture
def schema2(tmp_path):
    path = tmp_path / "history.sqlite"
    shutil.copy(SCHEMA2, path)
    return path


DEFERRED = [  # (due_at, deferred_by) of the breaks busy deferred, in the schema-2 file
    ("2026-04-06T10:34:00+02:00", "calendar"),
    ("2026-04-06T11:48:00+02:00", "manual"),
    ("2026-04-06T14:05:00+02:00", "home_assistant"),
    ("2026-04-07T09:45:00+02:00", "calendar"),
]


def test_the_service_upgrades_a_schema_2_history_keeping_every_row_and_deferral(schema2, caplog):
    before = rows(schema2)
    assert user_version(schema2) == 2 and len(before["breaks"]) == 42
    caplog.set_level("INFO", logger="microbreak")
    store = Store(schema2.parent)
    assert f"upgraded from schema 2 to {schema.VERSION}, every row kept" in caplog.text
    assert store.day_counts(date(2026, 4, 6)) == Totals(
        breaks=6, completed=2, partial=1, skipped=1, missed=1, away=1, sets=5
    )
    store.close()
    after = rows(schema2)
    # The deferred break the power cut left open is ended (partial: it had a
    # set), its deferral kept; no other row changed.
    [(open_before, open_after)] = [
        (b, a) for b, a in zip(before["breaks"], after["breaks"], strict=True) if b != a
    ]
    assert open_before[6] is None and open_after[6] == "partial"
    assert open_after[7:] == open_before[7:] == DEFERRED[-1]
    assert {t: after[t] for t in ("sets", "notices")} == {t: before[t] for t in ("sets", "notices")}
    db = open_read_only(schema2)
    assert_stats_match_the_rows(db, date(2026, 4, 7))
    deferred = [(b["due_at"], b["deferred_by"]) for b in recent_breaks(db, None) if b["due_at"]]
    assert deferred == DEFERRED
    db.close()


def test_a_reader_of_a_schema_2_history_counts_it_without_changing_it(schema2):
    before = schema2.read_bytes()
    db = open_read_only(schema2)
    stats = assert_stats_match_the_rows(db, date(2026, 4, 7))
    assert stats.all_time.breaks == 42 and stats.today.not_ended == 1
    assert [b["deferred_by"] for b in recent_breaks(db, 1)] == ["calendar"]
    db.close()
    assert schema2.read_bytes() == before and user_version(schema2) == 2


def test_an_upgrade_of_schema_2_that_fails_leaves_the_file_as_it_was(schema2):
    db = sqlite3.connect(schema2)
    db.execute("UPDATE breaks SET planned = '[not json' WHERE id = 40")
    db.commit()
    db.close()
    before = rows(schema2)
    with pytest.raises(sqlite3.OperationalError, match="JSON"):
        History(schema2)
    assert user_version(schema2) == 2 and rows(schema2) == before


@pytest.fixture
def schema3(tmp_path):
    path = tmp_path / "history.sqlite"
    shutil.copy(SCHEMA3, path)
    return path


def test_the_service_upgrades_a_schema_3_history_and_counts_the_deferred_breaks(schema3, caplog):
    before = rows(schema3)
    assert user_version(schema3) == 3 and len(before["breaks"]) == 46
    caplog.set_level("INFO", logger="microbreak")
    store = Store(schema3.parent)
    assert f"upgraded from schema 3 to {schema.VERSION}, every row kept" in caplog.text
    wednesday = store.day_counts(date(2026, 4, 8))
    assert wednesday == Totals(breaks=4, completed=2, skipped=1, deferred=1, sets=4)
    assert wednesday.all_done is False and wednesday.not_ended == 0
    store.close()
    assert rows(schema3) == before
    db = open_read_only(schema3)
    stats = assert_stats_match_the_rows(db, date(2026, 4, 8))
    assert stats.all_time.deferred == 1 and stats.today == wednesday
    deferred = [(b["outcome"], b["deferred_by"]) for b in recent_breaks(db, 2)]
    assert deferred == [("skipped", None), ("deferred", "manual")]
    db.close()


def test_a_reader_of_a_schema_3_history_counts_it_without_changing_it(schema3):
    before = schema3.read_bytes()
    db = open_read_only(schema3)
    stats = assert_stats_match_the_rows(db, date(2026, 4, 8))
    assert stats.all_time.breaks == 46 and stats.all_time.deferred == 1
    db.close()
    assert schema3.read_bytes() == before and user_version(schema3) == 3


def test_an_upgrade_of_schema_3_that_fails_leaves_the_file_as_it_was(schema3):
    db = sqlite3.connect(schema3)
    db.execute("UPDATE breaks SET planned = '[not json' WHERE id = 44")
    db.commit()
    db.close()
    before = rows(schema3)
    with pytest.raises(sqlite3.OperationalError, match="JSON"):
        History(schema3)
    assert user_version(schema3) == 3 and rows(schema3) == before


def made(path):
    """The file's tables, indexes and triggers, as SQLite keeps their definitions."""
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("old", [SCHEMA1, SCHEMA2, SCHEMA3], ids=["schema1", "schema2", "schema3"])
def test_a_file_of_any_older_schema_ends_up_made_as_a_new_one_is(old, tmp_path):
    shutil.copy(old, tmp_path / "old.sqlite")
    History(tmp_path / "old.sqlite").close()
    History(tmp_path / "new.sqlite").close()
    assert user_version(tmp_path / "old.sqlite") == user_version(tmp_path / "new.sqlite")
    assert made(tmp_path / "old.sqlite") == made(tmp_path / "new.sqlite")


def test_a_step_to_come_may_make_the_breaks_table_anew_and_the_totals_go_on(schema2, monkeypatch):
    """As a step that changes the outcomes' CHECK will: the table made anew
    (create, copy, drop, rename) under the sets that refer to it."""

    def remake_breaks(db):
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'breaks'").fetchone()
        sql = sql.replace('CREATE TABLE "breaks"', "CREATE TABLE breaks_new")
        db.execute(sql.replace("'deferred')", "'deferred', 'later')"))
        db.execute("INSERT INTO breaks_new SELECT * FROM breaks")
        db.execute("DROP TABLE breaks")
        db.execute("ALTER TABLE breaks_new RENAME TO breaks")
        db.execute("CREATE INDEX breaks_by_day ON breaks(day)")

    History(schema2).close()  # upgraded to this schema: its triggers made
    monkeypatch.setattr(schema, "STEPS", (*schema.STEPS, remake_breaks))
    monkeypatch.setattr(schema, "VERSION", len(schema.STEPS))
    before = rows(schema2)
    history = History(schema2)
    assert history.upgraded_from == schema.VERSION - 1 == user_version(schema2) - 1
    assert rows(schema2) == before
    db = history.connection
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    at = datetime(2026, 4, 7, 11, tzinfo=timezone(timedelta(hours=2)))
    b = history.break_started(at, ("neck-turn",), "scheduled")
    history.set_confirmed(b, "neck-turn", at)
    history.break_ended(b, Outcome.COMPLETED, at)  # counted by the triggers made afresh
    assert history.day_counts(date(2026, 4, 7)) == Totals(breaks=2, completed=1, sets=2)
    kept = kept_totals(db)
    for statement in schema._statements(schema.COUNT_ROWS):
        db.execute(statement)
    assert kept == kept_totals(db)
    db.execute("UPDATE breaks SET outcome = 'later' WHERE id = ?", (b,))  # the new CHECK
    history.close()


# -- the totals follow any change to the rows ---------------------------------

DAYS = [date(2026, 11, 16) + timedelta(days=n) for n in range(4)]
NAMES = ("a", "b", "c")
OUTCOME = st.sampled_from([None, *Outcome])
STEP = st.one_of(
    st.tuples(
        st.just("break"),
        st.sampled_from(DAYS),
        st.lists(st.sampled_from(NAMES), max_size=3),
        OUTCOME,
    ),
    st.tuples(st.just("set"), st.integers(0, 20), st.sampled_from(NAMES)),
    st.tuples(st.just("end"), st.integers(0, 20), OUTCOME),
    st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from(DAYS)),
    st.tuples(st.just("forget set"), st.integers(0, 30)),
    st.tuples(st.just("forget break"), st.integers(0, 20)),
    st.tuples(st.just("rename set"), st.integers(0, 30), st.sampled_from(NAMES)),
)


def apply(db, step):
    """One change to the rows, as the service or someone with ``sqlite3`` makes it."""
    kind, *args = step
    breaks = [r[0] for r in db.execute("SELECT id FROM breaks ORDER BY id")]
    sets = [r[0] for r in db.execute("SELECT id FROM sets ORDER BY id")]
    if kind == "break":
        day, planned, outcome = args
        db.execute(
            "INSERT INTO breaks (started_at, day, reason, planned, outcome) VALUES (?, ?, ?, ?, ?)",
            (
                f"{day}T10:00:00+01:00",
                day.isoformat(),
                "scheduled",
                json.dumps(planned),
                outcome and outcome.value,
            ),
        )
    elif kind in ("set", "end", "move", "forget break") and breaks:
        target = breaks[args[0] % len(breaks)]
        if kind == "set":
            db.execute(
                "INSERT INTO sets (break_id, exercise, confirmed_at) VALUES (?, ?, '')",
                (target, args[1]),
            )
        elif kind == "end":
            db.execute(
                "UPDATE breaks SET outcome = ? WHERE id = ?", (args[1] and args[1].value, target)
            )
        elif kind == "move":
            db.execute("UPDATE breaks SET day = ? WHERE id = ?", (args[1].isoformat(), target))
        else:
            db.execute("DELETE FROM sets WHERE break_id = ?", (target,))
            db.execute("DELETE FROM breaks WHERE id = ?", (target,))
    elif kind in ("forget set", "rename set") and sets:
        target = sets[args[0] % len(sets)]
        if kind == "forget set":
            db.execute("DELETE FROM sets WHERE id = ?", (target,))
        else:
            db.execute("UPDATE sets SET exercise = ? WHERE id = ?", (args[1], target))


def kept_totals(db):
    return {
        t: db.execute(f"SELECT * FROM main.{t} ORDER BY 1, 2").fetchall()
        for t in ("day_totals", "exercise_days", "exercise_totals")
    }


@pytest.mark.slow
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(STEP, max_size=25))
def test_the_totals_kept_equal_the_totals_counted_afresh(steps):
    db = sqlite3.connect(":memory:", isolation_level=None)
    schema.upgrade(db)
    for step in steps:
        apply(db, step)
    kept = kept_totals(db)
    for statement in schema._statements(schema.COUNT_ROWS):
        db.execute(statement)
    assert kept == kept_totals(db)
    assert_stats_match_the_rows(db, DAYS[-1])
    assert_stats_match_the_rows(db, DAYS[-1], since=DAYS[2])
