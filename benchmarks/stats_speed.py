"""How fast ``microbreak stats`` answers over ten years of history.

Builds a history of about 25,000 breaks (ten breaks a working day, 250 working
days a year, ten years; four in five completed, two sets each), then prints
medians, in milliseconds, each beside a baseline measured in the same run:

- in-process: opening the file read-only and computing everything ``stats``
  shows, with its text, against opening it and ``SELECT count(*)``;
- the whole command, a new Python process each time as over SSH:
  ``microbreak stats`` against ``microbreak --version`` (start-up alone).

The rows are inserted in one transaction for speed; the service writes the
same rows one short synced transaction at a time.

    python benchmarks/stats_speed.py [--breaks 25000] [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "device"))

from microbreak.cli import format_stats  # noqa: E402
from microbreak.history import HISTORY_FILE, History, open_read_only  # noqa: E402
from microbreak.stats import compute  # noqa: E402

EXERCISES = ("upper-back-movement", "high-reach-stretch", "shoulder-rolls", "shoulder-shrug",
             "shoulder-squeeze")
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
            start = datetime(day.year, day.month, day.day, 9, tzinfo=zone) + timedelta(minutes=47 * n)
            planned = [EXERCISES[rotation % 5], EXERCISES[(rotation + 1) % 5]]
            rotation += 2
            outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            rows.append((len(rows) + 1, start.isoformat(), day.isoformat(), "scheduled",
                         json.dumps(planned), (start + timedelta(minutes=2)).isoformat(), outcome))
            done = {"completed": 2, "partial": 1}.get(outcome, 0)
            sets += [(len(rows), name, start.isoformat()) for name in planned[:done]]
    history = History(path)
    db = history.connection
    db.execute("BEGIN")
    db.executemany("INSERT INTO breaks (id, started_at, day, reason, planned, ended_at, outcome) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
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
    return statistics.median(times) * 1000


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
    env = dict(os.environ, PYTHONPATH=str(ROOT / "device"))
    subprocess.run([sys.executable, "-m", "microbreak", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Model")):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.machine()}, {os.cpu_count()} cores {model}".strip()
            + f", Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--breaks", type=int, default=25_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="microbreak-stats-") as folder:
        path = Path(folder) / HISTORY_FILE
        today = build(path, args.breaks)
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        count = baseline(path)
        in_process(path, today)  # warm the page cache
        stats_ms = median_ms(lambda: in_process(path, today), args.runs)
        count_ms = median_ms(lambda: baseline(path), args.runs)
        runs = max(args.runs // 3, 3)
        command_ms = median_ms(lambda: command("stats", "--state-dir", folder), runs)
        startup_ms = median_ms(lambda: command("--version"), runs)
    print(f"machine: {machine()}")
    print(f"history: {count} breaks, {size / 1e6:.1f} MB")
    print(f"in-process stats:      {stats_ms:7.1f} ms  (baseline SELECT count(*): "
          f"{count_ms:.2f} ms)")
    print(f"'microbreak stats':    {command_ms:7.1f} ms  (baseline 'microbreak --version': "
          f"{startup_ms:.1f} ms; stats itself {command_ms - startup_ms:.1f} ms)")
    print(f"medians of {args.runs} and {runs} runs; target: at most 200 ms for the command")


if __name__ == "__main__":
    main()
