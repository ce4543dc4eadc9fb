"""Stats over the history: totals, per exercise, per day and week, streaks."""

import os
import shutil
import sqlite3
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stranger import as_nobody, needs_root

from microbreak.core.effects import Outcome
from microbreak.core.totals import Totals
from microbreak.storage.history import History, HistoryUnavailable, open_read_only
from microbreak.storage.stats import Streak, compute, streaks

MONDAY = date(2026, 11, 16)
ZONE = timezone(timedelta(hours=1))


def record(history, day, outcome, exercises=("shoulder-rolls", "shoulder-shrug"), hour=10):
    at = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
    b = history.break_started(at, exercises, "away" if outcome is Outcome.AWAY else "scheduled")
    done = {Outcome.COMPLETED: len(exercises), Outcome.PARTIAL: 1}.get(outcome, 0)
    for name in exercises[:done]:
        history.set_confirmed(b, name, at)
    if outcome is not None:
        history.break_ended(b, outcome, at)
    return b


@pytest.fixture
def history(tmp_path):
    h = History(tmp_path / "history.sqlite")
    yield h
    h.close()


def test_today_this_week_and_all_time(history):
    record(history, MONDAY - timedelta(days=3), Outcome.MISSED)  # the Friday before
    record(history, MONDAY, Outcome.COMPLETED)
    record(history, MONDAY, Outcome.PARTIAL, hour=11)
    record(history, MONDAY + timedelta(days=2), Outcome.COMPLETED)
    record(history, MONDAY + timedelta(days=2), Outcome.SKIPPED, hour=11)
    record(history, MONDAY + timedelta(days=2), None, hour=12)  # on now
    stats = compute(history.connection, today=MONDAY + timedelta(days=2))
    assert stats.today == Totals(breaks=3, completed=1, skipped=1, sets=2)
    assert stats.today.completion == 0.5
    assert stats.week == Totals(breaks=5, completed=2, partial=1, skipped=1, sets=5)
    assert stats.all_time.breaks == 6 and stats.all_time.missed == 1
    assert [day for day, _ in stats.days] == [
        MONDAY - timedelta(days=3),
        MONDAY,
        MONDAY + timedelta(days=2),
    ]


def test_per_exercise_offered_and_done(history):
    record(history, MONDAY, Outcome.COMPLETED, ("a", "b"))
    record(history, MONDAY, Outcome.PARTIAL, ("b", "c"), hour=11)
    record(history, MONDAY, Outcome.MISSED, ("c", "a"), hour=12)
    counts = {e.name: (e.offered, e.done) for e in compute(history.connection, MONDAY).exercises}
    assert counts == {"a": (2, 1), "b": (2, 2), "c": (2, 0)}


def test_weeks_add_up_their_days(history):
    for offset in (0, 1, 7, 8, 9):
        record(history, MONDAY + timedelta(days=offset), Outcome.COMPLETED)
    record(history, MONDAY + timedelta(days=9), Outcome.MISSED, hour=11)
    weeks = compute(history.connection, MONDAY + timedelta(days=9)).weeks
    assert [(monday, t.breaks, t.completed) for monday, t in weeks] == [
        (MONDAY, 2, 2),
        (MONDAY + timedelta(days=7), 4, 3),
    ]
    assert compute(history.connection, MONDAY).as_dict()["weeks"][0]["week"] == "2026-W47"


def test_the_last_days_and_weeks_with_a_break_are_listed(history):
    working = [MONDAY + timedelta(days=n) for n in range(70) if n % 7 < 5]  # 10 weeks
    for day in working[:3]:
        record(history, day, Outcome.COMPLETED)
    few = compute(history.connection, working[-1], None, days_listed=14, weeks_listed=8)
    assert [d for d, _ in few.days] == working[:3] and len(few.weeks) == 1
    with history.transaction():  # one sync for them all
        for day in working[3:]:
            record(history, day, Outcome.COMPLETED)
    many = compute(history.connection, working[-1], None, days_listed=14, weeks_listed=8)
    assert [d for d, _ in many.days] == working[-14:]
    assert [monday for monday, _ in many.weeks] == [
        MONDAY + timedelta(weeks=n) for n in range(2, 10)
    ]
    assert all(t.breaks == 5 for _, t in many.weeks)  # every week listed whole
    assert many.all_time.breaks == 50  # the totals count every day, listed or not


def test_since_limits_everything_but_today_and_this_week(history):
    record(history, MONDAY - timedelta(days=30), Outcome.COMPLETED, ("old",))
    record(history, MONDAY, Outcome.MISSED)
    stats = compute(history.connection, today=MONDAY, since=MONDAY)
    assert [d for d, _ in stats.days] == [MONDAY]
    assert "old" not in [e.name for e in stats.exercises]
    assert stats.best_streak.days == 0
    late = compute(history.connection, today=MONDAY, since=MONDAY + timedelta(days=1))
    assert late.days == () and late.today.breaks == 1  # today stays today


def test_natural_breaks_count_but_do_not_judge_the_day(history):
    record(history, MONDAY, Outcome.COMPLETED)
    record(history, MONDAY + timedelta(days=1), Outcome.AWAY, ("shoulder-rolls",))
    record(history, MONDAY + timedelta(days=2), Outcome.COMPLETED)
    stats = compute(history.connection, today=MONDAY + timedelta(days=2))
    assert stats.week.away == 1 and stats.week.completion == 1.0
    assert stats.current_streak.days == 2


def judged(days):
    """The verdicts string and day lookup :func:`streaks` takes, from ``(day, totals)``."""
    decided = [(day, t.all_done) for day, t in days if t.all_done is not None]
    return "".join("1" if done else "0" for _, done in decided), lambda i: decided[i][0]


def test_streaks_skip_days_without_breaks_and_end_on_a_day_with_one_not_done():
    done, bad = Totals(2, completed=2), Totals(2, completed=1, skipped=1)
    on_only = Totals(1)  # a break still on: not judged yet
    days = [
        (MONDAY + timedelta(days=n), t)
        for n, t in enumerate([done, done, done, bad, done, on_only, done])
    ]
    current, best = streaks(*judged(days))
    assert best == Streak(3, MONDAY, MONDAY + timedelta(days=2))
    assert current == Streak(2, MONDAY + timedelta(days=4), MONDAY + timedelta(days=6))
    assert streaks(*judged([])) == (Streak(), Streak())
    assert streaks(*judged([(MONDAY, bad)]))[0].days == 0


@given(st.lists(st.sampled_from(["done", "bad", "none"]), max_size=60))
def test_streaks_match_a_plain_count(verdicts):
    kinds = {"done": Totals(1, completed=1), "bad": Totals(1, missed=1), "none": Totals(1)}
    days = [(MONDAY + timedelta(days=n), kinds[v]) for n, v in enumerate(verdicts)]
    judged_only = [v for v in verdicts if v != "none"]
    runs = "".join("x" if v == "done" else " " for v in judged_only).split(" ")
    current, best = streaks(*judged(days))
    assert best.days == max(map(len, runs))
    assert current.days == len(runs[-1])
    if best.days:  # the earliest of the longest runs
        first = runs.index(max(runs, key=len))
        judged_days = [d for d, t in days if t.all_done is not None]
        assert best.first == judged_days[sum(len(r) + 1 for r in runs[:first])]


def test_reading_needs_no_write_access_and_never_creates_a_file(tmp_path, history):
    record(history, MONDAY, Outcome.COMPLETED)
    db = open_read_only(history.path)
    assert compute(db, MONDAY).today.completed == 1
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM breaks")
    db.close()
    missing = tmp_path / "nowhere" / "history.sqlite"
    with pytest.raises(HistoryUnavailable, match="--state-dir"):
        open_read_only(missing)
    assert not missing.parent.exists()


def test_a_reader_sees_what_the_service_writes_while_it_runs(history):
    db = open_read_only(history.path)
    assert compute(db, MONDAY).today.breaks == 0
    record(history, MONDAY, Outcome.COMPLETED)
    assert compute(db, MONDAY).today.breaks == 1
    db.close()


@needs_root
def test_with_the_service_stopped_a_reader_without_write_access_still_reads():
    folder = Path(tempfile.mkdtemp(prefix="microbreak-state-"))  # pytest's folders are private
    history = History(folder / "history.sqlite")
    record(history, MONDAY, Outcome.COMPLETED)
    history.close()  # the service stops: SQLite removes its side files
    os.chmod(folder, 0o755)  # readable, not writable, by others
    os.chmod(folder / "history.sqlite", 0o644)
    assert sorted(p.name for p in folder.iterdir()) == ["history.sqlite"]

    def read():
        db = open_read_only(folder / "history.sqlite")
        return compute(db, MONDAY).today.completed

    assert as_nobody(read) == "returned: 1"
    os.chmod(folder / "history.sqlite", 0o600)
    refused = as_nobody(read)
    os.chmod(folder / "history.sqlite", 0o644)
    os.chmod(folder, 0o750)  # the folder closed to others, as systemd's StateDirectory
    closed = as_nobody(read)
    shutil.rmtree(folder)
    for answer in (refused, closed):
        assert answer.startswith("HistoryUnavailable: cannot read")
        assert "permission denied" in answer and "sudo" in answer
        assert "'sudo usermod -aG root $USER'" in answer


@needs_root
def test_while_the_service_writes_a_reader_who_may_only_read_sees_each_new_break():
    folder = Path(tempfile.mkdtemp(prefix="microbreak-state-"))
    os.chmod(folder, 0o755)
    history = History(folder / "history.sqlite")  # stays open, as the running service's
    record(history, MONDAY, Outcome.COMPLETED)
    for path in folder.iterdir():  # the database and its WAL side files: read-only to others
        os.chmod(path, 0o644)

    def read():
        db = open_read_only(folder / "history.sqlite")
        return compute(db, MONDAY).today.completed

    try:
        assert as_nobody(read) == "returned: 1"
        record(history, MONDAY, Outcome.COMPLETED, hour=11)  # still in the WAL
        assert as_nobody(read) == "returned: 2"
    finally:
        history.close()
        shutil.rmtree(folder)


def test_totals_add_up_every_field():
    from dataclasses import fields

    names = [f.name for f in fields(Totals)]
    one = Totals(**{name: n + 1 for n, name in enumerate(names)})
    assert one + one == Totals(**{name: 2 * (n + 1) for n, name in enumerate(names)})
