"""How fast ``microbreak stats`` answers as the history grows: 1,000, 10,000
and 100,000 breaks (about five months, four years and forty years of a
working day's ten breaks; four in five completed, two sets each).

For each size, medians in milliseconds, each beside a baseline measured in
the same run:

- in-process: opening the file read-only and computing everything ``stats``
  shows, with its text, against opening it and ``SELECT count(*)``;
- the whole command, a new Python process each time as over SSH:
  ``microbreak stats`` against ``microbreak --version`` (start-up alone).

The rows are inserted in one transaction for speed; the service writes the
same rows one short synced transaction at a time.

    python -m bench.stats_speed [--quick] [--json FILE]
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from microbreak.cli.history import format_stats  # noqa: E402
from microbreak.storage.history import HISTORY_FILE, History, open_read_only  # noqa: E402
from microbreak.storage.stats import compute  # noqa: E402

from .common import main, median, row, service_env

EXERCISES = (
    "upper-back-movement",
    "high-reach-stretch",
    "shoulder-rolls",
    "shoulder-shrug",
    "shoulder-squeeze",
)
OUTCOMES = (("completed", 0.80), ("partial", 0.08), ("skipped", 0.06), ("missed", 0.06))


def build(path: Path, breaks: int) -> date:
    """Write *breaks* breaks of working days ending yesterday; return today."""
    rng = random.Random(6)
    today = date.today()
    working_days = -(-breaks // 10)
    day, days = today, []
    while len(days) < working_days:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    zone = timezone(timedelta(hours=1))
    rows, sets, rotation = [], [], 0
    for day in reversed(days):
        for n in range(10):
            if len(rows) == breaks:
                break
            start = datetime(day.year, day.month, day.day, 9, tzinfo=zone) + timedelta(
                minutes=47 * n
            )
            planned = [EXERCISES[rotation % 5], EXERCISES[(rotation + 1) % 5]]
            rotation += 2
            outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            rows.append(
                (
                    len(rows) + 1,
                    start.isoformat(),
                    day.isoformat(),
                    "scheduled",
                    json.dumps(planned),
                    (start + timedelta(minutes=2)).isoformat(),
                    outcome,
                )
            )
            done = {"completed": 2, "partial": 1}.get(outcome, 0)
            sets += [(len(rows), name, start.isoformat()) for name in planned[:done]]
    history = History(path)
    db = history.connection
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO breaks (id, started_at, day, reason, planned, ended_at, outcome) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany("INSERT INTO sets (break_id, exercise, confirmed_at) VALUES (?, ?, ?)", sets)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    history.close()
    return today


def median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return median(times) * 1000


def in_process(path: Path, today: date) -> str:
    db = open_read_only(path)
    try:
        return format_stats(compute(db, today))
    finally:
        db.close()


def baseline(path: Path) -> int:
    db = open_read_only(path)
    try:
        return db.execute("SELECT count(*) FROM breaks").fetchone()[0]
    finally:
        db.close()


def command(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "microbreak", *args],
        env=service_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


SIZES = (1_000, 10_000, 100_000)
TARGET = 200.0  # ms for the whole command


def measure_size(breaks: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="microbreak-stats-") as folder:
        path = Path(folder) / HISTORY_FILE
        today = build(path, breaks)
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        count = baseline(path)
        in_process(path, today)  # warm the page cache
        command_runs = max(runs // 3, 3)
        return {
            "breaks": count,
            "bytes": size,
            "stats_ms": median_ms(lambda: in_process(path, today), runs),
            "count_ms": median_ms(lambda: baseline(path), runs),
            "command_ms": median_ms(lambda: command("stats", "--state-dir", folder), command_runs),
            "startup_ms": median_ms(lambda: command("--version"), command_runs),
            "runs": runs,
            "command_runs": command_runs,
        }


def measure(quick: bool = False) -> dict:
    sizes, runs = ((1_000,), 3) if quick else (SIZES, 21)
    results = {breaks: measure_size(breaks, runs) for breaks in sizes}
    rows = []
    for breaks, r in results.items():
        where = f"{breaks:,} breaks ({r['bytes'] / 1e6:.1f} MB)"
        rows.append(
            row(
                f"stats in-process, {where}",
                r["stats_ms"],
                "ms",
                baseline=r["count_ms"],
                baseline_what="SELECT count(*)",
            )
        )
        rows.append(
            row(
                f"'microbreak stats', {where}",
                r["command_ms"],
                "ms",
                baseline=r["startup_ms"],
                baseline_what="'microbreak --version'",
                target=TARGET,
            )
        )
    return {
        "name": "stats_speed",
        "rows": rows,
        "data": {str(breaks): r for breaks, r in results.items()},
    }


if __name__ == "__main__":
    main(measure, __doc__)
