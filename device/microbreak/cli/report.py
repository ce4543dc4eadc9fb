"""``microbreak report --out FILE.html|FILE.png``: the trends of the history
as a page to open in a browser (one file, its pictures inside it) or as one
picture: the weeks, the hours of the day, the exercises, the days.

It reads the history as ``stats`` does (read-only, in this command's own
process, never the service's loop) and draws with pygame, as the device
does: README.md ("The report") says why no charting library.
"""

from __future__ import annotations

import argparse
import base64
import html
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from microbreak import __version__
from microbreak.cli.arguments import SINCE_HELP, STATE_HELP, Commands, add_command, since_date
from microbreak.cli.common import EXERCISES_DIR, CommandError, write_file
from microbreak.cli.words import _, caller, counted, ngettext
from microbreak.core.words import said

if TYPE_CHECKING:
    import pygame

    from microbreak.core.totals import Totals
    from microbreak.drawing.report_page import Report
    from microbreak.storage.stats import Stats

KINDS = (".html", ".png")


def register(commands: Commands) -> None:
    report = add_command(
        commands,
        "report",
        cmd_report,
        _("the trends as a page or a picture: weeks, hours of the day, exercises, days"),
    )
    report.add_argument(
        "--out",
        required=True,
        metavar="FILE.html|FILE.png",
        help=_(
            "where to write it: .html for a page with its pictures inside, .png for one picture"
        ),
    )
    report.add_argument("--since", type=since_date, metavar="DATE", help=_(SINCE_HELP))
    report.add_argument("--state-dir", metavar="DIR", help=_(STATE_HELP))


def cmd_report(args: argparse.Namespace) -> int:
    from microbreak.cli.history import reading_history
    from microbreak.drawing.report_page import CALENDAR_WEEKS
    from microbreak.storage.stats import by_hour, compute, days_between

    out = Path(args.out)
    if out.suffix.lower() not in KINDS:
        raise CommandError(
            said("--out {out}: allowed: a file name ending in .html or .png", out=str(out))
        )
    today = date.today()
    with reading_history(args) as db:
        stats = compute(db, today, args.since, days_listed=1, weeks_listed=None)
        hours = by_hour(db, args.since)
        start = max(args.since or date.min, today - timedelta(weeks=CALENDAR_WEEKS))
        days = dict(days_between(db, start, today))
    report = gather(stats, hours, days, today, _titles())
    if out.suffix.lower() == ".png":
        from microbreak.drawing.report_page import page

        write_file(out, _png(page(report)))
    else:
        write_file(out, as_html(report).encode())
    print(f"{out}: {report.summary}")
    return 0


def _titles() -> dict[str, str]:
    """Each exercise's title, by name, in the caller's language: the built-in
    ones and the custom folder's (as written, when the catalog has none)."""
    from microbreak.config.exercises import load_exercises

    return {e.name: caller().gettext(e.title) for e in load_exercises([EXERCISES_DIR])}


def gather(
    stats: Stats,
    hours: list[tuple[int, Totals]],
    days: dict[date, Totals],
    today: date,
    titles: dict[str, str],
) -> Report:
    """What the report shows, worded in the caller's language, from what the
    history says."""
    from microbreak.drawing.report_page import Report

    words = caller()
    first = stats.since or (stats.weeks[0][0] if stats.weeks else today)
    total = stats.all_time
    done = ""
    if total.completion is not None:
        done = _("{percent} done").format(percent=f"{round(100 * total.completion)} %")
    current, best = stats.current_streak, stats.best_streak
    streak = counted(
        "Streak: {count} day in a row with every break done",
        "Streak: {count} days in a row with every break done",
        current.days,
    )
    if best.days and best.first and best.last:
        streak += " " + _("(best {days}, {first} to {last})").format(
            days=best.days, first=words.day_month(best.first), last=words.day_month(best.last)
        )
    breaks = ngettext("{count} break", "{count} breaks", total.breaks)
    sets = ngettext("{count} set", "{count} sets", total.sets)
    return Report(
        title=_("Breaks, {first} to {last}").format(
            first=words.day_month(first), last=words.day_month(today)
        ),
        summary=" · ".join(
            filter(
                None,
                [
                    breaks.format(count=words.number(total.breaks)),
                    done,
                    sets.format(count=words.number(total.sets)),
                ],
            )
        ),
        streak=streak,
        weeks=stats.weeks,
        hours=tuple(hours),
        exercises=tuple(
            (titles.get(e.name) or e.name.replace("-", " ").capitalize(), e.done, e.offered)
            for e in stats.exercises
        ),
        days=days,
        today=today,
        words=words,
    )


def _png(surface: pygame.Surface) -> bytes:
    import io

    import pygame

    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "report.png")
    return buffer.getvalue()


PAGE = """<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; color: #212529; max-width: 1000px;
       margin: 2em auto; padding: 0 1em; }}
h1 {{ font-size: 1.6em; margin-bottom: .2em; }}
h2 {{ font-size: 1.15em; border-top: 1px solid #dee2e6; padding-top: .8em; }}
p.quiet, footer {{ color: #6c757d; }}
img {{ width: 100%; height: auto; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: .2em .8em .2em 0; text-align: left; }}
td.n {{ text-align: right; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{summary}</p>
<p class="quiet">{streak}</p>
{sections}
<h2>{numbers}</h2>
<table>
<tr><th>{exercise}</th><th>{done}</th><th>{offered}</th></tr>
{rows}
</table>
<footer><p>microbreak {version}, {made}</p></footer>
</body>
</html>
"""


def as_html(report: Report) -> str:
    """The report as one HTML file: its pictures inside it, as data."""
    from microbreak.drawing.report_page import sections

    parts = []
    for title, picture in sections(report):
        data = base64.b64encode(_png(picture)).decode()
        parts.append(
            f"<h2>{html.escape(title)}</h2>\n"
            f'<img alt="{html.escape(title)}" src="data:image/png;base64,{data}">'
        )
    rows = "\n".join(
        f"<tr><td>{html.escape(title)}</td><td class=n>{done}</td><td class=n>{offered}</td></tr>"
        for title, done, offered in report.exercises
    )
    words, now = report.words, datetime.now()
    return PAGE.format(
        language=words.language,
        numbers=html.escape(words.gettext("Sets done, as numbers")),
        exercise=html.escape(words.gettext("exercise")),
        done=html.escape(words.gettext("done")),
        offered=html.escape(words.gettext("offered")),
        title=html.escape(report.title),
        summary=html.escape(report.summary),
        streak=html.escape(report.streak),
        sections="\n".join(parts),
        rows=rows,
        version=__version__,
        made=f"{words.numeric_date(now.date())} {words.time(now)}",
    )
