"""How fast ``microbreak stats`` answers as the history grows: 1,000, 10,000,
100,000 and 1,000,000 breaks (about five months, four years, forty years and
four centuries of a working day's ten breaks; four in five completed, two
sets each).

For each size, medians in milliseconds, each beside a baseline measured in
the same run:

- in-process: opening the file read-only and computing everything ``stats``
  shows, with its text, and what the device's progress pages read, against
  opening it and ``SELECT count(*)``;
- the whole command, a new Python process each time as over SSH:
  ``microbreak stats``, ``stats --chart`` and ``report --out`` a PNG and an
  HTML page, against ``microbreak --version`` (start-up alone), each run in
  turn with the others so that all meet the same load; for ``stats`` also
  the CPU time it used, which a busy machine changes less than the wall
  time.

The rows are written as schema 1 kept them (in one transaction, for speed;
the service writes them one short synced transaction at a time), then the
file is upgraded as the service upgrades it at its first start: that
upgrade's time is a figure too, beside the time to write the rows.

    python -m bench.stats_speed [--quick] [--json FILE]
"""

from __future__ import annotations

import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from microbreak.cli.history import DAYS_LISTED, WEEKS_LISTED, format_stats
from microbreak.storage import schema
from microbreak.storage.history import HISTORY_FILE, History, open_read_only
from microbreak.storage.stats import compute, progress_figures

from .common import main, median, row, service_env

EXERCISES = (
    "upper-back-movement",
    "high-reach-stretch",
    "shoulder-rolls",
    "shoulder-shrug",
    "shoulder-squeeze",
)
OUTCOMES = (("completed", 0.80), ("partial", 0.08), ("skipped", 0.06), ("missed", 0.06))


def build(path: Path, breaks: int) -> tuple[date, float, float]:
    """Write *breaks* breaks of working days ending yesterday, as schema 1
    did, and upgrade the file; return today, and the seconds it took to
    write the rows and to upgrade."""
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
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    written = time.perf_counter()
    db.execute("BEGIN")
    for statement in schema._statements(schema.ROWS):
        db.execute(statement)
    db.executemany(
        "INSERT INTO breaks (id, started_at, day, reason, planned, ended_at, outcome) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany("INSERT INTO sets (break_id, exercise, confirmed_at) VALUES (?, ?, ?)", sets)
    db.execute("PRAGMA user_version = 1")
    db.execute("COMMIT")
    db.close()
    written = time.perf_counter() - written
    upgraded = time.perf_counter()
    history = History(path)  # as the service opens it: upgraded to the current schema
    upgraded = time.perf_counter() - upgraded
    history.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    history.close()
    return today, written, upgraded


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
        return format_stats(compute(db, today, None, DAYS_LISTED, WEEKS_LISTED))
    finally:
        db.close()


def figures(path: Path, today: date) -> None:
    """What the device reads when a progress page appears (in its loop)."""
    db = open_read_only(path)
    try:
        progress_figures(db, today)
    finally:
        db.close()


def baseline(path: Path) -> int:
    db = open_read_only(path)
    try:
        return db.execute("SELECT count(*) FROM breaks").fetchone()[0]
    finally:
        db.close()


def command(*args: str) -> None:
    """Run ``microbreak ARGS`` as over SSH. Its modules are compiled once and
    read compiled after, as an installed microbreak's are: an environment
    that says not to write bytecode would have every run compile them again
    (about 80 ms here)."""
    env = service_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "microbreak", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


SIZES = (1_000, 10_000, 100_000, 1_000_000)


REPORT_TARGET = 2000.0  # ms for a report over up to 100,000 breaks


def target(breaks: int) -> float:
    """The whole command's target, in milliseconds."""
    return 150.0 if breaks <= 100_000 else 500.0


def timed(*args: str) -> tuple[float, float]:
    """``microbreak ARGS``: its wall time and the CPU time it used, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command(*args)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def commands_ms(folder: str, rounds: int) -> dict[str, float]:
    """Each command's median wall and CPU time in ms (``NAME_ms``,
    ``NAME_cpu_ms``). A round runs each once, the baseline among them, so
    that all meet the same load of a shared machine."""
    cases = {
        "startup": ("--version",),
        "command": ("stats", "--state-dir", folder),
        "chart": ("stats", "--chart", "--state-dir", folder),
        "report_png": ("report", "--out", f"{folder}/r.png", "--state-dir", folder),
        "report_html": ("report", "--out", f"{folder}/r.html", "--state-dir", folder),
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, args in cases.items():
            times[name].append(timed(*args))
    result = {}
    for name, pairs in times.items():
        result[f"{name}_ms"] = median(w for w, _ in pairs) * 1000
        result[f"{name}_cpu_ms"] = median(c for _, c in pairs) * 1000
    return result


def measure_size(breaks: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="microbreak-stats-") as folder:
        path = Path(folder) / HISTORY_FILE
        today, written, upgraded = build(path, breaks)
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        count = baseline(path)
        in_process(path, today)  # warm the page cache
        command("--version")  # compile the modules once
        command_runs = max(runs // 3, 3)
        return {
            "breaks": count,
            "bytes": size,
            "write_s": written,
            "upgrade_s": upgraded,
            "stats_ms": median_ms(lambda: in_process(path, today), runs),
            "count_ms": median_ms(lambda: baseline(path), runs),
            "figures_ms": median_ms(lambda: figures(path, today), runs),
            **commands_ms(folder, command_runs),
            "runs": runs,
            "command_runs": command_runs,
        }


IN_PROCESS = (
    ("stats_ms", "stats in-process"),
    ("figures_ms", "progress pages' figures in-process"),
)
COMMANDS = (  # (figure, what, target up to 100,000 breaks)
    ("chart_ms", "'microbreak stats --chart'", None),
    ("report_png_ms", "'microbreak report --out FILE.png'", REPORT_TARGET),
    ("report_html_ms", "'microbreak report --out FILE.html'", REPORT_TARGET),
)


def size_rows(breaks: int, r: dict) -> list[dict]:
    """The table's rows for one size of history."""
    where = f"{breaks:,} breaks ({r['bytes'] / 1e6:.1f} MB)"
    rows = [
        row(
            f"{what}, {where}",
            r[kind],
            "ms",
            baseline=r["count_ms"],
            baseline_what="SELECT count(*)",
        )
        for kind, what in IN_PROCESS
    ]
    startup = {"baseline": r["startup_ms"], "baseline_what": "'microbreak --version'"}
    rows.append(
        row(f"'microbreak stats', {where}", r["command_ms"], "ms", target=target(breaks), **startup)
    )
    rows.append(
        row(
            f"'microbreak stats', CPU time, {where}",
            r["command_cpu_ms"],
            "ms",
            baseline=r["startup_cpu_ms"],
            baseline_what="'microbreak --version'",
        )
    )
    rows += [
        row(f"{what}, {where}", r[kind], "ms", target=aim if breaks <= 100_000 else None, **startup)
        for kind, what, aim in COMMANDS
    ]
    rows.append(
        row(
            f"upgrade from schema 1, {where}",
            r["upgrade_s"],
            "s",
            baseline=r["write_s"],
            baseline_what="writing its rows in one transaction",
        )
    )
    return rows


def measure(quick: bool = False) -> dict:
    sizes, runs = ((1_000,), 3) if quick else (SIZES, 21)
    results = {breaks: measure_size(breaks, runs) for breaks in sizes}
    return {
        "name": "stats_speed",
        "rows": [r for breaks, result in results.items() for r in size_rows(breaks, result)],
        "data": {str(breaks): r for breaks, r in results.items()},
    }


if __name__ == "__main__":
    main(measure, __doc__)
