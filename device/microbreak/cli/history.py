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
    simulator_state_dir,
    state_dir,
)
from microbreak.cli.words import _, caller, counted, outcome_words
from microbreak.core.words import said
from microbreak.service.control import ControlError
from microbreak.storage.history import HISTORY_FILE, HistoryUnavailable

if TYPE_CHECKING:
    from microbreak.cli.chart import Glyphs
    from microbreak.storage.stats import Stats, Totals


def register(commands: Commands) -> None:
    history = add_command(
        commands,
        "history",
        cmd_history,
        _("the last breaks: when, outcome, sets"),
        json_output=True,
    )
    history.add_argument(
        "-n",
        "--limit",
        type=limit,
        metavar="N",
        help=_("how many breaks: a number or 'all' (default: 20, or all with --since)"),
    )
    history.add_argument("--since", type=since_date, metavar="DATE", help=_(SINCE_HELP))
    history.add_argument("--csv", action="store_true", help=_("print CSV, one row per break"))
    history.add_argument("--state-dir", metavar="DIR", help=_(STATE_HELP))
    stats = add_command(
        commands,
        "stats",
        cmd_stats,
        _("today, this week, each exercise, completion per day and week, streaks"),
        json_output=True,
    )
    stats.add_argument(
        "--since",
        type=since_date,
        metavar="DATE",
        help=_(
            "only breaks from DATE on: YYYY-MM-DD, today, yesterday, or N days back as Nd "
            "(default: all, with the last 14 days listed)"
        ),
    )
    stats.add_argument("--csv", action="store_true", help=_("print CSV, one row per day"))
    stats.add_argument(
        "--chart",
        action="store_true",
        help=_(
            "draw the weeks as bars and the days as a heat strip (ASCII unless the locale is UTF-8)"
        ),
    )
    stats.add_argument("--state-dir", metavar="DIR", help=_(STATE_HELP))


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
            "microbreak: "
            + _("no history at {path}; this is the simulator's, in {folder}").format(
                path=chosen, folder=simulated.parent
            ),
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
        raise CommandError(said("--json or --csv, not both"))
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
        print(
            _("no breaks since {date}").format(date=caller().numeric_date(args.since))
            if args.since
            else _("no breaks yet")
        )
    else:
        print(format_history(breaks))
    return 0


def format_history(breaks: list[dict[str, Any]]) -> str:
    """The breaks as a table that fits 80 columns, in the caller's language."""
    words = caller()
    rows = [
        (
            f"{words.numeric_date(started.date())} {words.time(started)}",
            outcome_words(b["outcome"]) if b["outcome"] else _("not ended"),
            f"{len(b['sets'])}/{len(b['planned'])}",
            b["planned"],
        )
        for b in breaks
        for started in [datetime.fromisoformat(b["started_at"])]
    ]
    head = (_("started"), _("outcome"), _("sets"), _("exercises"))
    widths = [
        max(least, *(len(r[i]) for r in [*rows, head])) for i, least in enumerate((16, 10, 5))
    ]
    lines = [" ".join(f"{c:<{w}}" for c, w in zip(head, widths, strict=False)) + f" {head[3]}"]
    room = WIDTH - 1 - len(lines[0]) + len(head[3])
    for started, outcome, sets, planned in rows:
        cells = " ".join(f"{c:<{w}}" for c, w in zip((started, outcome, sets), widths, strict=True))
        lines.append(f"{cells} {_fit(planned, room)}")
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
        raise CommandError(said("one of --json, --csv and --chart, not more"))
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
    """The stats in aligned sections that fit 80 columns, in the caller's
    language: the days and weeks *stats* lists."""
    return "\n".join(_summary(stats) + _exercises(stats) + _days_and_weeks(stats))


def _summary(stats: Stats) -> list[str]:
    """Today, this week and the streak, a line each (and the whole, with --since)."""
    words = caller()
    heads = [_("today"), _("this week")]
    if stats.since:
        heads.append(_("since {date}").format(date=words.numeric_date(stats.since)))
    heads.append(_("streak"))
    width = max(12, *(len(h) + 1 for h in heads))
    lines = []
    if stats.since:
        lines.append(f"{heads[2]:<{width}} {_totals_line(stats.all_time)}")
    lines += [
        f"{heads[0]:<{width}} {_totals_line(stats.today)}",
        f"{heads[1]:<{width}} {_totals_line(stats.week)}",
    ]
    current, best = stats.current_streak, stats.best_streak
    streak = counted(
        "{count} day with every break done", "{count} days with every break done", current.days
    )
    if best.days:
        streak += " " + _("(best {days}, to {date})").format(
            days=best.days, date=words.numeric_date(best.last) if best.last else ""
        )
    lines.append(f"{heads[-1]:<{width}} {streak}")
    return lines


def _exercises(stats: Stats) -> list[str]:
    """Each exercise: how often offered, how often done."""
    if not stats.exercises:
        return []
    exercise, offered, done = _("exercise"), _("offered"), _("done")
    w1, w2 = max(7, len(offered)), max(7, len(done))  # a column as wide as its heading
    lines = ["", f"{exercise:<28} {offered:>{w1}} {done:>{w2}}"]
    for e in stats.exercises:
        share = e.done / e.offered if e.offered else None
        lines.append(f"{e.name[:28]:<28} {e.offered:>{w1}} {e.done:>{w2}}  {_percent(share)}")
    return lines


def _days_and_weeks(stats: Stats) -> list[str]:
    """The days and the weeks (when more than one) *stats* lists, a table each."""
    words = caller()
    lines = []
    if stats.days:
        lines += _table(_("day"), [(words.weekday_date(day), t) for day, t in stats.days])
    if len(stats.weeks) > 1:
        rows = []
        for monday, t in stats.weeks:
            year, week, _weekday = monday.isocalendar()
            rows.append((f"{year}-W{week:02d}", t))
        lines += _table(_("week"), rows)
    return lines


def _table(first: str, rows: list[tuple[str, Totals]]) -> list[str]:
    """Days or weeks: breaks, completed, sets and the share completed, a bar."""
    width = max(14, len(first), *(len(label) for label, _t in rows))
    breaks, done, sets, completed = _("breaks"), _("done"), _("sets"), _("completed")
    w1, w2, w3 = max(6, len(breaks)), max(5, len(done)), max(5, len(sets))
    head = f"{first:<{width}} {breaks:>{w1}} {done:>{w2}} {sets:>{w3}}  {completed}"
    lines = ["", head]
    for label, t in rows:
        lines.append(
            f"{label:<{width}} {t.breaks:>{w1}} {t.completed:>{w2}} "
            f"{t.sets:>{w3}}  {_percent(t.completion)} {_bar(t.completion)}"
        )
    return lines


def _totals_line(t: Totals) -> str:
    if not t.breaks:
        return _("no breaks")
    outcomes = ", ".join(
        [
            _("{count} {outcome}").format(count=getattr(t, k), outcome=outcome_words(k))
            for k in OUTCOMES
            if getattr(t, k)
        ]
        + ([_("{count} not ended").format(count=t.not_ended)] if t.not_ended else [])
    )
    done = ""
    if t.completion is not None:
        done = " · " + _("{percent} done").format(percent=_percent(t.completion).strip())
    if done and t.not_ended:
        done += " " + _("(of {ended})").format(
            ended=counted("{count} ended break", "{count} ended breaks", t.ended)
        )
    return (
        counted("{count} break", "{count} breaks", t.breaks)
        + (f" ({outcomes})" if outcomes else "")
        + " · "
        + counted("{count} set", "{count} sets", t.sets)
        + done
    )


def _percent(share: float | None) -> str:
    return "   -" if share is None else f"{share * 100:3.0f} %"


def _bar(share: float | None, width: int = 20) -> str:
    return "" if share is None else "#" * round(share * width)
