"""``microbreak stats --chart``: the weeks as bars and the days as a heat
strip, in characters a plain SSH terminal shows, 80 columns wide.

Block characters where the locale is UTF-8, ASCII where it is not (``LANG=C``
over SSH, a Latin-1 terminal)::

    >>> week = Totals(10, completed=7, partial=1, skipped=1, missed=1)
    >>> week_bar(week, scale=1.0, glyphs=UNICODE)
    '███████▓▒░'
    >>> week_bar(week, scale=1.0, glyphs=ASCII)
    '#######+-.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from microbreak.cli.words import _, caller, ngettext, outcome_words
from microbreak.core.totals import Totals

WIDTH = 80
LABEL = len("2026-W48  ")
STRIP_WEEKS = 26  # the heat strip's columns: half a year


@dataclass(frozen=True)
class Glyphs:
    """The characters a chart is drawn with."""

    completed: str
    partial: str
    skipped: str
    missed: str
    away: str
    deferred: str
    levels: tuple[str, str, str, str]  # a day: all done, most, some, few or none done
    no_verdict: str  # a day whose breaks have not ended, or were natural ones only

    def outcome(self, name: str) -> str:
        return str(getattr(self, name))


UNICODE = Glyphs("█", "▓", "▒", "░", "·", "╌", ("█", "▓", "▒", "░"), "·")
ASCII = Glyphs("#", "+", "-", ".", "~", "=", ("#", "+", "-", "."), "~")
BAR_OUTCOMES = ("completed", "partial", "skipped", "missed", "away", "deferred")


def glyphs_for(locale_name: str | None, encoding: str | None) -> Glyphs:
    """Block characters when the locale (``LC_ALL``, else ``LC_CTYPE``, else
    ``LANG``, as the command was started with) is a UTF-8 one and the output
    takes them; else ASCII::

        >>> glyphs_for("en_GB.UTF-8", "utf-8") is UNICODE, glyphs_for("C", "utf-8") is ASCII
        (True, True)
    """
    utf8 = bool(locale_name) and re.search(r"utf-?8", locale_name or "", re.IGNORECASE)
    if not utf8 or not encoding:
        return ASCII
    try:
        "".join(UNICODE.levels).encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return ASCII
    return UNICODE


def week_bar(totals: Totals, scale: float, glyphs: Glyphs) -> str:
    """A week's breaks as one bar, *scale* characters a break, by outcome in
    the order of :data:`BAR_OUTCOMES` (a break not ended yet is left out).
    Each part's length is rounded so the parts add up to the whole's."""
    bar, drawn, counted = "", 0, 0
    for name in BAR_OUTCOMES:
        counted += getattr(totals, name)
        end = round(counted * scale)
        bar += glyphs.outcome(name) * (end - drawn)
        drawn = end
    return bar


def week_bars(weeks: list[tuple[date, Totals]], glyphs: Glyphs) -> list[str]:
    """A line per week: its ISO week, its bar, its breaks and completion."""
    if not weeks:
        return []
    figures = len("  999  100 %")
    room = WIDTH - LABEL - figures
    scale = room / (max(t.breaks for _monday, t in weeks) or 1)  # the busiest week fills the room
    legend = "  ".join(f"{glyphs.outcome(n)} {outcome_words(n)}" for n in BAR_OUTCOMES)
    lines = _titled(_("breaks a week"), legend)
    for monday, totals in weeks:
        year, week, _weekday = monday.isocalendar()
        done = "   -" if totals.completion is None else f"{totals.completion * 100:3.0f} %"
        bar = week_bar(totals, scale, glyphs)
        lines.append(f"{f'{year}-W{week:02d}':<{LABEL}}{bar:<{room}}{totals.breaks:>5}  {done}")
    return lines


def day_level(totals: Totals | None, glyphs: Glyphs) -> str:
    """A day's cell in the heat strip: blank without a break; by the share
    of its cued breaks done, in four steps; a dot when none has ended."""
    if totals is None or not totals.breaks:
        return " "
    step = totals.completion_step
    return glyphs.no_verdict if step is None else glyphs.levels[3 - step]


def heat_strip(
    days: dict[date, Totals], today: date, glyphs: Glyphs, first: date | None = None
) -> list[str]:
    """The days as a calendar: a row per weekday, a column per week (the
    last :data:`STRIP_WEEKS`, none before *first*), the months named above.
    Weekend rows only when a weekend had a break."""
    this_monday = today - timedelta(days=today.weekday())
    start = this_monday - timedelta(weeks=STRIP_WEEKS - 1)
    if first is not None and first > start:
        start = first - timedelta(days=first.weekday())
    mondays = [start + timedelta(weeks=n) for n in range((this_monday - start).days // 7 + 1)]
    words = caller()
    months = [" "] * (2 * len(mondays))
    for column, monday in enumerate(mondays):
        if column == 0 or monday.month != mondays[column - 1].month:
            name = words.month_name(monday.month)
            if all(c == " " for c in months[2 * column : 2 * column + len(name) + 1]):
                months[2 * column : 2 * column + len(name)] = name
    weekends = {day.weekday() for day in days if start <= day <= today and days[day].breaks}
    shown = [d for d in range(7) if d < 5 or d in weekends]
    legend = "{done} {levels} {none}  {no_verdict} {not_ended}".format(
        done=_("all done"),
        levels=" ".join(glyphs.levels),
        none=_("none done"),
        no_verdict=glyphs.no_verdict,
        not_ended=_("not ended"),
    )
    title = ngettext(
        "each day, the last {count} week", "each day, the last {count} weeks", len(mondays)
    )
    names = [words.weekday_name(weekday) for weekday in range(7)]
    label = max(len(name) for name in names) + 2
    lines = _titled(title.format(count=len(mondays)), legend)
    lines.append((" " * label + "".join(months)).rstrip())
    for weekday in shown:
        cells = []
        for monday in mondays:
            day = monday + timedelta(days=weekday)
            cells.append(" " if day > today else day_level(days.get(day), glyphs))
        lines.append((f"{names[weekday]:<{label}}" + " ".join(cells)).rstrip())
    return lines


def _titled(title: str, legend: str) -> list[str]:
    """*title* with *legend* at the right of its line, or on a line of its
    own under it when the two do not fit 80 columns together."""
    if len(title) + 2 + len(legend) <= WIDTH:
        return [f"{title:<{WIDTH - len(legend)}}{legend}"]
    return [title, legend]
