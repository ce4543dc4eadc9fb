"""The history's tables, and how a file written by an older microbreak is
brought up to date without losing a row.

The service writes one row per break and per confirmed set (``breaks``,
``sets``). Beside them, SQLite itself keeps running totals that the stats
read instead of every row: per day (``day_totals``), per exercise and day
(``exercise_days``) and per exercise (``exercise_totals``). Triggers keep
them in step with every insert, update and delete, whoever makes it, so a
question over forty years of breaks reads a few thousand rows, not a
million::

    >>> import sqlite3
    >>> db = sqlite3.connect(":memory:", isolation_level=None)
    >>> upgrade(db)
    0
    >>> _ = db.execute("INSERT INTO breaks (started_at, day, reason, planned, outcome) "
    ...                "VALUES ('2026-11-23T09:45:00+01:00', '2026-11-23', 'scheduled', "
    ...                "'[\\"shoulder-rolls\\"]', 'completed')")
    >>> db.execute("SELECT day, breaks, completed FROM day_totals").fetchall()
    [('2026-11-23', 1, 1)]

A file is brought up to date by :data:`STEPS`, one function a version:
schema 1 had the rows alone, schema 2 added when a break busy deferred fell
due and who was busy, schema 3 the outcome ``deferred``, schema 4 the
totals, counted from the rows. A file of any older version takes every step
it lacks in one transaction: every row stays as it was, or, if a step
fails, the file does.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

OUTCOMES = ("completed", "partial", "skipped", "missed", "away", "deferred")
COUNTED = f"breaks, {', '.join(OUTCOMES)}, sets"  # the totals' columns, as Totals' fields

ROWS = """
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
CREATE TABLE IF NOT EXISTS notices (
    name TEXT PRIMARY KEY,         -- first_start
    acknowledged_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breaks_by_day ON breaks(day);
CREATE INDEX IF NOT EXISTS sets_by_break ON sets(break_id);
"""
"""Schema 1: the breaks, their sets, the notices acknowledged."""

DEFERRAL = """
ALTER TABLE breaks ADD COLUMN due_at TEXT;       -- when it fell due, if busy deferred it
ALTER TABLE breaks ADD COLUMN deferred_by TEXT;  -- who was busy: manual | calendar | home_assistant
"""
"""Schema 2: a break busy deferred says when it fell due, and who was busy."""

BREAKS_3 = """
CREATE TABLE breaks_3 (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,      -- ISO 8601 with the UTC offset
    day TEXT NOT NULL,             -- local date of the start, YYYY-MM-DD
    reason TEXT NOT NULL,          -- scheduled | now | away
    planned TEXT NOT NULL,         -- JSON list of exercise names
    ended_at TEXT,
    outcome TEXT CHECK (outcome IN                     -- 'deferred': schema 3
        ('completed', 'partial', 'skipped', 'missed', 'away', 'deferred')),
    due_at TEXT,                   -- when it fell due, if busy deferred it (schema 2)
    deferred_by TEXT               -- who was busy then: manual | calendar | home_assistant
);
INSERT INTO breaks_3 SELECT id, started_at, day, reason, planned, ended_at, outcome, due_at,
    deferred_by FROM breaks;
DROP TABLE breaks;
ALTER TABLE breaks_3 RENAME TO breaks;
CREATE INDEX breaks_by_day ON breaks(day);
"""
"""Schema 3: the outcome 'deferred' (busy held the break off until the working
hours ended). SQLite changes a CHECK only by making the table anew."""

TOTALS = """
CREATE TABLE IF NOT EXISTS day_totals (
    day TEXT PRIMARY KEY,
    breaks INTEGER NOT NULL DEFAULT 0,
    completed INTEGER NOT NULL DEFAULT 0,
    partial INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    missed INTEGER NOT NULL DEFAULT 0,
    away INTEGER NOT NULL DEFAULT 0,
    deferred INTEGER NOT NULL DEFAULT 0,
    sets INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exercise_days (
    day TEXT NOT NULL,
    exercise TEXT NOT NULL,
    offered INTEGER NOT NULL DEFAULT 0,   -- planned in a break that day
    done INTEGER NOT NULL DEFAULT 0,      -- its set confirmed
    PRIMARY KEY (day, exercise)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exercise_totals (
    exercise TEXT PRIMARY KEY,
    offered INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
"""
"""Schema 4: the totals beside the rows (kept by :data:`TRIGGERS`)."""


def _count_break(row: str, sign: str) -> str:
    """Statements adding (*sign* ``+``) or taking away (``-``) the break *row*
    (``NEW`` or ``OLD``) and its sets from the totals."""
    outcomes = OUTCOMES
    return f"""
    INSERT INTO day_totals (day, breaks, {", ".join(outcomes)}, sets)
    VALUES ({row}.day, {sign}1, {", ".join(f"{sign}({row}.outcome IS '{o}')" for o in outcomes)},
            {sign}(SELECT count(*) FROM sets WHERE break_id = {row}.id))
    ON CONFLICT (day) DO UPDATE SET breaks = breaks + excluded.breaks,
        {", ".join(f"{o} = {o} + excluded.{o}" for o in outcomes)}, sets = sets + excluded.sets;
    INSERT INTO exercise_days (day, exercise, offered)
    SELECT {row}.day, value, {sign}1 FROM json_each({row}.planned) WHERE true
    ON CONFLICT (day, exercise) DO UPDATE SET offered = offered + excluded.offered;
    INSERT INTO exercise_days (day, exercise, done)
    SELECT {row}.day, exercise, {sign}count(*) FROM sets WHERE break_id = {row}.id
    GROUP BY exercise
    ON CONFLICT (day, exercise) DO UPDATE SET done = done + excluded.done;
    INSERT INTO exercise_totals (exercise, offered)
    SELECT value, {sign}1 FROM json_each({row}.planned) WHERE true
    ON CONFLICT (exercise) DO UPDATE SET offered = offered + excluded.offered;
    INSERT INTO exercise_totals (exercise, done)
    SELECT exercise, {sign}count(*) FROM sets WHERE break_id = {row}.id GROUP BY exercise
    ON CONFLICT (exercise) DO UPDATE SET done = done + excluded.done;"""


def _count_set(row: str, sign: str) -> str:
    """Statements adding or taking away the set *row*, on its break's day."""
    return f"""
    INSERT INTO day_totals (day, sets) SELECT day, {sign}1 FROM breaks WHERE id = {row}.break_id
    ON CONFLICT (day) DO UPDATE SET sets = sets + excluded.sets;
    INSERT INTO exercise_days (day, exercise, done)
    SELECT day, {row}.exercise, {sign}1 FROM breaks WHERE id = {row}.break_id
    ON CONFLICT (day, exercise) DO UPDATE SET done = done + excluded.done;
    INSERT INTO exercise_totals (exercise, done)
    SELECT {row}.exercise, {sign}1 FROM breaks WHERE id = {row}.break_id
    ON CONFLICT (exercise) DO UPDATE SET done = done + excluded.done;"""


EMPTY_ROWS_GONE = """
    DELETE FROM day_totals WHERE breaks = 0 AND sets = 0;
    DELETE FROM exercise_days WHERE offered = 0 AND done = 0;
    DELETE FROM exercise_totals WHERE offered = 0 AND done = 0;"""

# A break's outcome is set when it ends: the one change the service makes to a
# row. Anything else (a row moved to another day, deleted by hand) is taken
# out of the totals as it was and put back as it is.
TRIGGERS = f"""
CREATE TRIGGER IF NOT EXISTS break_added AFTER INSERT ON breaks BEGIN
    {_count_break("NEW", "+")}
END;
CREATE TRIGGER IF NOT EXISTS break_ended AFTER UPDATE OF outcome ON breaks
WHEN OLD.outcome IS NOT NEW.outcome AND OLD.day IS NEW.day AND OLD.planned IS NEW.planned
    AND OLD.id IS NEW.id BEGIN
    UPDATE day_totals SET
        {
    ", ".join(f"{o} = {o} - (OLD.outcome IS '{o}') + (NEW.outcome IS '{o}')" for o in OUTCOMES)
}
    WHERE day = NEW.day;
END;
CREATE TRIGGER IF NOT EXISTS break_changed AFTER UPDATE OF day, planned, id ON breaks
WHEN OLD.day IS NOT NEW.day OR OLD.planned IS NOT NEW.planned OR OLD.id IS NOT NEW.id BEGIN
    {_count_break("OLD", "-")}
    {_count_break("NEW", "+")}
    {EMPTY_ROWS_GONE}
END;
CREATE TRIGGER IF NOT EXISTS break_deleted AFTER DELETE ON breaks BEGIN
    {_count_break("OLD", "-")}
    {EMPTY_ROWS_GONE}
END;
CREATE TRIGGER IF NOT EXISTS set_added AFTER INSERT ON sets BEGIN
    {_count_set("NEW", "+")}
END;
CREATE TRIGGER IF NOT EXISTS set_changed AFTER UPDATE OF break_id, exercise ON sets
WHEN OLD.break_id IS NOT NEW.break_id OR OLD.exercise IS NOT NEW.exercise BEGIN
    {_count_set("OLD", "-")}
    {_count_set("NEW", "+")}
    {EMPTY_ROWS_GONE}
END;
CREATE TRIGGER IF NOT EXISTS set_deleted AFTER DELETE ON sets BEGIN
    {_count_set("OLD", "-")}
    {EMPTY_ROWS_GONE}
END;
"""

COUNT_ROWS = f"""
DELETE FROM day_totals;
DELETE FROM exercise_days;
DELETE FROM exercise_totals;
INSERT INTO day_totals
SELECT day, count(*),
       {", ".join(f"count(*) FILTER (WHERE outcome = '{o}')" for o in OUTCOMES)},
       0
FROM breaks GROUP BY day;
UPDATE day_totals SET sets = counted.sets
FROM (SELECT b.day, count(*) AS sets FROM sets s JOIN breaks b ON b.id = s.break_id
      GROUP BY b.day) AS counted
WHERE counted.day = day_totals.day;
INSERT INTO exercise_days (day, exercise, offered)
SELECT day, planned.value, count(*) FROM breaks, json_each(breaks.planned) AS planned
GROUP BY day, planned.value;
INSERT INTO exercise_days (day, exercise, done)
SELECT b.day, s.exercise, count(*) FROM sets s JOIN breaks b ON b.id = s.break_id
WHERE true GROUP BY b.day, s.exercise
ON CONFLICT (day, exercise) DO UPDATE SET done = excluded.done;
INSERT INTO exercise_totals
SELECT exercise, sum(offered), sum(done) FROM exercise_days GROUP BY exercise;
"""
"""Counts the totals afresh from the rows (an upgrade; a reader of an old file)."""


def _run(script: str) -> Callable[[sqlite3.Connection], None]:
    """A step that runs *script*, statement by statement."""

    def step(db: sqlite3.Connection) -> None:
        for statement in _statements(script):
            db.execute(statement)

    return step


STEPS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _run(ROWS),  # 0 -> 1: a new file
    _run(DEFERRAL),  # 1 -> 2
    _run(BREAKS_3),  # 2 -> 3
    _run(TOTALS + COUNT_ROWS),  # 3 -> 4
)
"""``STEPS[n]`` brings a file of schema *n* to *n* + 1, inside the upgrade's
one transaction. A new version is one more function at the end. Foreign
keys are off meanwhile, and the totals' triggers gone (made afresh after
the last step), so a step may make ``breaks`` or ``sets`` anew as SQLite's
ALTER TABLE documents it: create, copy keeping every id, drop, rename,
and the indexes again; the totals stay right, every row being the same.
A step that adds an outcome adds it to :data:`OUTCOMES` and a column to
``day_totals``."""

VERSION = len(STEPS)
TOTALS_SINCE = 4  # the first schema with the totals (a reader of an older one counts them)


def upgrade(db: sqlite3.Connection) -> int:
    """Bring the history open in *db* (autocommit) up to :data:`VERSION` in
    one transaction; return the version it had (0: a new file). Raises
    :class:`RuntimeError` for a file of a newer microbreak."""
    found = int(db.execute("PRAGMA user_version").fetchone()[0])
    if found > VERSION:
        raise RuntimeError(f"written by a newer microbreak (schema {found})")
    if found == VERSION:
        return found
    keys = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")  # for a table made anew; not settable in a transaction
    db.execute("BEGIN IMMEDIATE")
    try:
        _drop_triggers(db)  # a table they name cannot be renamed while they name one gone
        for step in STEPS[found:]:
            step(db)
        _run(TRIGGERS)(db)
        db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        db.execute(f"PRAGMA foreign_keys = {keys}")
    return found


def _drop_triggers(db: sqlite3.Connection) -> None:
    """The totals' triggers gone, to be made afresh after the steps."""
    for name in re.findall(r"CREATE TRIGGER IF NOT EXISTS (\w+)", TRIGGERS):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")


def count_in_memory(db: sqlite3.Connection) -> None:
    """For a reader of a file older than the totals, which it may not change: the totals
    counted from its rows into temporary tables of the same names."""
    temporary = TOTALS.replace("CREATE TABLE IF NOT EXISTS ", "CREATE TEMP TABLE ")
    for statement in _statements(temporary + COUNT_ROWS):
        db.execute(statement.replace("DELETE FROM ", "DELETE FROM temp."))


def _statements(script: str) -> list[str]:
    """*script* split into statements (a trigger's body stays whole)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
