"""``history`` and ``stats``: the breaks kept in the history database, as a
table, CSV or JSON."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microbreak.cli.arguments import (
    SINCE_HELP,
    STATE_HELP,
    Commands,
    add_command,
    limit,
    since_date,
)
from microbreak.cli.common import (
    OUTCOMES,
    SYSTEM_STATE_DIR,
    WIDTH,
    CommandError,
    ask_service,
    plural,
    simulator_state_dir,
    state_dir,
)
from microbreak.service.control import ControlError
from microbreak.storage.history import HISTORY_FILE, HistoryUnavailable

if TYPE_CHECKING:
    from microbreak.cli.chart import Glyphs
    from microbreak.storage.stats import Stats, Totals


def register(commands: Commands) -> None:
    history = add_command(
        commands, "history", cmd_history, "the last breaks: when, outcome, sets", json_output=True
    )
    history.add_argument(
        "-n",
        "--limit",
        type=limit,
        metavar="N",
        help="how many breaks: a number or 'all' (default: 20, or all with --since)",
    )
    history.add_argument("--since", type=since_date, metavar="DATE", help=SINCE_HELP)
    history.add_argument("--csv", action="store_true", help="print CSV, one row per break")
    history.add_argument("--state-dir", metavar="DIR", help=STATE_HELP)
    stats = add_command(
        commands,
        "stats",
        cmd_stats,
        "today, this week, each exercise, completion per day and week, streaks",
        json_output=True,
    )
    stats.add_argument(
        "--since",
        type=since_date,
        metavar="DATE",
        help=SINCE_HELP + " (default: all, with the last 14 days listed)",
    )
    stats.add_argument("--csv", action="store_true", help="print CSV, one row per day")
    stats.add_argument(
        "--chart",
        action="store_true",
        help="draw the weeks as bars and the days as a heat strip (ASCII unless the "
        "locale is UTF-8)",
    )
    stats.add_argument("--state-dir", metavar="DIR", help=STATE_HELP)


def history_file(args: argparse.Namespace) -> Path:
    """The history database: under --state-dir; else where the running service
    keeps it; else where ``run`` would keep it."""
    if args.state_dir:
        return Path(args.state_dir) / HISTORY_FILE
    try:
        return Path(ask_service(args, "paths", timeout=5)["history"])
    except ControlError:
        pass
    chosen = state_dir(None, SYSTEM_STATE_DIR) / HISTORY_FILE
    simulated = simulator_state_dir() / HISTORY_FILE
    if not chosen.exists() and chosen.parent == SYSTEM_STATE_DIR and simulated.exists():
        print(
            f"microbreak: no history at {chosen}; this is the simulator's, in {simulated.parent}",
            file=sys.stderr,
        )
        return simulated
    return chosen


@contextlib.contextmanager
def reading_history(args: argparse.Namespace) -> Iterator[sqlite3.Connection]:
    """The history open for reading; what it cannot be read for (damaged,
    empty, locked, missing) becomes one line naming the file."""
    from microbreak.storage.history import open_read_only, unreadable

    path = history_file(args)
    db = open_read_only(path)
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        raise HistoryUnavailable(unreadable(path, exc)) from None
    finally:
        db.close()


# -- history ------------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    from microbreak.storage.history import recent_breaks

    if args.json and args.csv:
        raise CommandError("--json or --csv, not both")
    if args.limit is None:
        count = None if args.since else 20
    else:
        count = None if args.limit == "all" else args.limit
    with reading_history(args) as db:
        breaks = recent_breaks(db, count, args.since)
    if args.json:
        print(json.dumps(breaks, indent=2))
    elif args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["started_at", "ended_at", "reason", "outcome", "planned", "done", "sets"])
        for b in breaks:
            out.writerow(
                [
                    b["started_at"],
                    b["ended_at"] or "",
                    b["reason"],
                    b["outcome"] or "",
                    " ".join(b["planned"]),
                    " ".join(s["exercise"] for s in b["sets"]),
                    len(b["sets"]),
                ]
            )
    elif not breaks:
        print("no breaks yet" if not args.since else f"no breaks since {args.since}")
    else:
        print(format_history(breaks))
    return 0


def format_history(breaks: list[dict[str, Any]]) -> str:
    lines = [f"{'started':<16} {'outcome':<10} {'sets':<5} exercises"]
    room = WIDTH - 1 - len(lines[0]) + len("exercises")
    for b in breaks:
        started = datetime.fromisoformat(b["started_at"]).strftime("%Y-%m-%d %H:%M")
        sets = f"{len(b['sets'])}/{len(b['planned'])}"
        lines.append(
            f"{started:<16} {b['outcome'] or 'not ended':<10} {sets:<5} {_fit(b['planned'], room)}"
        )
    return "\n".join(lines)


def _fit(names: list[str], room: int) -> str:
    """*names* joined, cut short with a count of the rest to fit *room*."""
    text = ", ".join(names)
    shown = list(names)
    while len(text) > room and len(shown) > 1:
        shown.pop()
        text = ", ".join(shown) + f", +{len(names) - len(shown)}"
    return text


# -- stats --------------------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    from microbreak.cli.chart import STRIP_WEEKS, glyphs_for
    from microbreak.storage.stats import compute, days_between

    if sum((args.json, args.csv, args.chart)) > 1:
        raise CommandError("one of --json, --csv and --chart, not more")
    listed: tuple[int | None, int | None] = (DAYS_LISTED, WEEKS_LISTED)
    if args.since or args.json or args.csv:
        listed = (None, None)  # every day and week
    if args.chart:
        listed = (0, None if args.since else CHART_WEEKS)
    today = date.today()
    with reading_history(args) as db:
        stats = compute(db, today, args.since, *listed)
        if args.chart:
            start = max(args.since or date.min, today - timedelta(weeks=STRIP_WEEKS))
            strip = dict(days_between(db, start, today))
    if args.chart:
        print(format_chart(stats, strip, today, glyphs_for(_locale(), sys.stdout.encoding)))
    elif args.json:
        print(json.dumps(stats.as_dict(), indent=2))
    elif args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["day", "breaks", *OUTCOMES, "not_ended", "sets", "completion"])
        for day, t in stats.days:
            out.writerow(
                [
                    day.isoformat(),
                    t.breaks,
                    *(getattr(t, k) for k in OUTCOMES),
                    t.not_ended,
                    t.sets,
                    "" if t.completion is None else f"{t.completion:.3f}",
                ]
            )
    else:
        print(format_stats(stats))
    return 0


DAYS_LISTED, WEEKS_LISTED = 14, 8  # without --since: the last days and weeks with a break
CHART_WEEKS = 12  # the chart's bars, without --since


def _locale() -> str | None:
    """The locale the command was started with (``LC_ALL``, ``LC_CTYPE``,
    ``LANG``). Python's own start-up turns a C locale into C.UTF-8 in its
    environment (PEP 538), so the process's first environment is read."""
    try:
        first = dict(
            entry.split("=", 1)
            for entry in Path("/proc/self/environ").read_text(errors="replace").split("\0")
            if "=" in entry
        )
    except OSError:
        first = dict(os.environ)
    return next((first[k] for k in ("LC_ALL", "LC_CTYPE", "LANG") if first.get(k)), None)


def format_chart(stats: Stats, days: dict[date, Totals], today: date, glyphs: Glyphs) -> str:
    """``stats --chart``: today, the week and the streak in words, then the
    weeks *stats* lists as bars and *days* as a heat strip."""
    from microbreak.cli.chart import heat_strip, week_bars

    lines = _summary(stats)
    if stats.weeks:
        lines += ["", *week_bars(list(stats.weeks), glyphs)]
    lines += ["", *heat_strip(days, today, glyphs, first=stats.since)]
    return "\n".join(lines)


def format_stats(stats: Stats) -> str:
    """The stats in aligned sections that fit 80 columns: the days and weeks
    *stats* lists."""
    return "\n".join(_summary(stats) + _exercises(stats) + _days_and_weeks(stats))


def _summary(stats: Stats) -> list[str]:
    """Today, this week and the streak, a line each (and the whole, with --since)."""
    lines = []
    if stats.since:
        lines.append(f"since {stats.since}: {_totals_line(stats.all_time)}")
    lines += [
        f"today        {_totals_line(stats.today)}",
        f"this week    {_totals_line(stats.week)}",
    ]
    current, best = stats.current_streak, stats.best_streak
    streak = f"streak       {plural(current.days, 'day')} with every break done"
    if best.days:
        streak += f" (best {best.days}, to {best.last})"
    lines.append(streak)
    return lines


def _exercises(stats: Stats) -> list[str]:
    lines = []
    if stats.exercises:
        lines += ["", f"{'exercise':<28} {'offered':>7} {'done':>7}"]
        for e in stats.exercises:
            share = e.done / e.offered if e.offered else None
            lines.append(f"{e.name[:28]:<28} {e.offered:>7} {e.done:>7}  {_percent(share)}")
    return lines


def _days_and_weeks(stats: Stats) -> list[str]:
    lines = []
    if stats.days:
        lines += ["", f"{'day':<14} {'breaks':>6} {'done':>5} {'sets':>5}  completed"]
        for day, t in stats.days:
            lines.append(
                f"{day.strftime('%a %Y-%m-%d'):<14} {t.breaks:>6} {t.completed:>5} "
                f"{t.sets:>5}  {_percent(t.completion)} {_bar(t.completion)}"
            )
    if len(stats.weeks) > 1:
        lines += ["", f"{'week':<14} {'breaks':>6} {'done':>5} {'sets':>5}  completed"]
        for monday, t in stats.weeks:
            year, week, _ = monday.isocalendar()
            lines.append(
                f"{f'{year}-W{week:02d}':<14} {t.breaks:>6} {t.completed:>5} "
                f"{t.sets:>5}  {_percent(t.completion)} {_bar(t.completion)}"
            )
    return lines


def _totals_line(t: Totals) -> str:
    if not t.breaks:
        return "no breaks"
    outcomes = ", ".join(
        [f"{getattr(t, k)} {k}" for k in OUTCOMES if getattr(t, k)]
        + ([f"{t.not_ended} not ended"] if t.not_ended else [])
    )
    done = f" · {_percent(t.completion).strip()} done" if t.completion is not None else ""
    if done and t.not_ended:
        done += f" (of {plural(t.ended, 'ended break')})"
    return (
        f"{plural(t.breaks, 'break')}"
        + (f" ({outcomes})" if outcomes else "")
        + f" · {plural(t.sets, 'set')}{done}"
    )


def _percent(share: float | None) -> str:
    return "   -" if share is None else f"{share * 100:3.0f} %"


def _bar(share: float | None, width: int = 20) -> str:
    return "" if share is None else "#" * round(share * width)
