"""``microbreak report`` as pictures: a section each for the weeks, the
hours of the day, the exercises and the days, and the whole as one page::

    >>> from datetime import date
    >>> content = Report("Breaks", "none yet", today=date(2026, 12, 1))
    >>> [title for title, _ in sections(content)][:2]
    ['Breaks done, week by week', 'When breaks came, by hour of the day']

Each section is its own picture (the HTML page shows them with its own
text); :func:`page` stacks them under a header into one PNG.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pygame

from microbreak.core.totals import Totals
from microbreak.core.words import ENGLISH, N_, Words
from microbreak.drawing.report_charts import (
    AWAY,
    DONE,
    FAINT,
    INK,
    PAPER,
    RULE,
    bars,
    legend,
    stacked_columns,
    text,
)
from microbreak.drawing.text import font

WIDTH = 1000
MARGIN = 32
MOST_COLUMNS = 60  # weeks, or else months, or else years
CALENDAR_WEEKS = 26
SHADES = (0.22, 0.45, 0.7, 1.0)  # a day's completion steps, as shares of the teal


@dataclass(frozen=True)
class Report:
    """What the report shows, as plain values."""

    title: str  # "Breaks, 8 Jun – 1 Dec 2026"
    summary: str  # "1,270 breaks · 79 % done · 2,108 sets"
    streak: str = ""  # "2 days in a row with every break done (best 3, to 7 Oct)"
    weeks: tuple[tuple[date, Totals], ...] = ()  # (monday, totals), oldest first
    hours: tuple[tuple[int, Totals], ...] = ()  # (hour of the day, totals)
    exercises: tuple[tuple[str, int, int], ...] = ()  # (title, sets done, offered)
    days: dict[date, Totals] = field(default_factory=dict)  # the calendar's days
    today: date = field(default_factory=date.today)
    words: Words = ENGLISH  # the language of the pictures' words


COLUMN_TITLES = {
    "week": N_("Breaks done, week by week"),
    "month": N_("Breaks done, month by month"),
    "year": N_("Breaks done, year by year"),
}
CALENDAR_KEYS = (
    # Translators: the report's calendar: what each shade of a day means.
    (N_("every break done"), Totals(1, completed=1)),
    (N_("two thirds or more"), Totals(3, completed=2, missed=1)),
    (N_("a third or more"), Totals(3, completed=1, missed=2)),
    (N_("less"), Totals(1, missed=1)),
    (N_("none ended"), Totals(1, away=1)),
    (N_("no break"), None),
)


def periods(
    weeks: tuple[tuple[date, Totals], ...], words: Words = ENGLISH
) -> tuple[list[tuple[str, Totals]], str]:
    """*weeks* as columns: by week, or by month or year when there are more
    than :data:`MOST_COLUMNS`; with the word for what a column is (a key of
    :data:`COLUMN_TITLES`)."""
    keyed: list[tuple[Callable[[date], str], str]] = [
        (lambda d: d.isoformat(), "week"),
        (lambda d: d.strftime("%Y-%m"), "month"),
        (lambda d: str(d.year), "year"),
    ]
    for key, word in keyed:
        columns: dict[str, Totals] = {}
        for monday, totals in weeks:
            k = key(monday)
            columns[k] = columns[k] + totals if k in columns else totals
        if len(columns) <= MOST_COLUMNS or word == "year":
            return [(_label(k, word, words), t) for k, t in columns.items()], word
    raise AssertionError("unreachable")


def _label(key: str, word: str, words: Words) -> str:
    if word == "week":
        return words.day_month(date.fromisoformat(key), year=False)
    if word == "month":
        return words.month_year(date.fromisoformat(key + "-01"))
    return key


def sections(report: Report) -> list[tuple[str, pygame.Surface]]:
    """(title, picture) for each part of the report."""
    words = report.words
    columns, word = periods(report.weeks, words)
    calendar = words.ngettext(
        "Every day, the last {count} week", "Every day, the last {count} weeks", CALENDAR_WEEKS
    )
    return [
        (words.gettext(COLUMN_TITLES[word]), _columns_section(columns, words)),
        (
            words.gettext("When breaks came, by hour of the day"),
            _columns_section([(f"{h:02d}", t) for h, t in report.hours], words),
        ),
        (words.gettext("Sets done, by exercise"), _exercises_section(report.exercises, words)),
        (
            calendar.format(count=CALENDAR_WEEKS),
            _calendar_section(report.days, report.today, words),
        ),
    ]


def _columns_section(columns: list[tuple[str, Totals]], words: Words) -> pygame.Surface:
    surface = pygame.Surface((WIDTH, 300))
    surface.fill(PAPER)
    if not columns:
        text(surface, words.gettext("no breaks"), (MARGIN, 20), 16, FAINT)
        return surface
    label_width = max(font(14).size(label)[0] for label, _ in columns) + 8
    plot = pygame.Rect(MARGIN, 10, WIDTH - 2 * MARGIN, 250)
    every = max(1, -(-label_width * len(columns) // plot.width))
    stacked_columns(surface, plot, columns, 14, every)
    legend(surface, (MARGIN, 272), 14, words)
    return surface


def _exercises_section(rows: tuple[tuple[str, int, int], ...], words: Words) -> pygame.Surface:
    surface = pygame.Surface((WIDTH, max(40, 36 * len(rows) + 10)))
    surface.fill(PAPER)
    area = pygame.Rect(MARGIN, 5, WIDTH - 2 * MARGIN, 36 * len(rows))
    bars(surface, area, rows, 16, words)
    return surface


def _calendar_section(days: dict[date, Totals], today: date, words: Words) -> pygame.Surface:
    """The days as a calendar: a row per weekday, a column per week, each a
    square shaded by the share of its breaks done."""
    cell, gap = 22, 4
    surface = pygame.Surface((WIDTH, 7 * (cell + gap) + 40))
    surface.fill(PAPER)
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=CALENDAR_WEEKS - 1)
    left = MARGIN + 48
    for row in range(7):
        name, middle = words.weekday_name(row), 10 + row * (cell + gap) + cell // 2
        text(surface, name, (MARGIN, middle), 14, FAINT, "midleft")
    for column in range(CALENDAR_WEEKS):
        week = first + timedelta(weeks=column)
        x = left + column * (cell + gap)
        if week.day <= 7:
            text(surface, words.month_name(week.month), (x, 10 + 7 * (cell + gap)), 14, FAINT)
        for row in range(7):
            day = week + timedelta(days=row)
            if day > today:
                continue
            rect = pygame.Rect(x, 10 + row * (cell + gap), cell, cell)
            pygame.draw.rect(surface, _shade(days.get(day)), rect, border_radius=3)
    _calendar_legend(surface, (left + CALENDAR_WEEKS * (cell + gap) + 24, 10), cell, words)
    return surface


def _calendar_legend(surface: pygame.Surface, at: tuple[int, int], cell: int, words: Words) -> None:
    """What the shades say, a line each."""
    x, y = at
    for i, (meaning, example) in enumerate(CALENDAR_KEYS):
        rect = pygame.Rect(x, y + i * (cell + 4), cell, cell)
        pygame.draw.rect(surface, _shade(example), rect, border_radius=3)
        text(surface, words.gettext(meaning), (rect.right + 8, rect.centery), 14, FAINT, "midleft")


def _shade(totals: Totals | None) -> tuple[int, int, int]:
    if totals is None or not totals.breaks:
        return RULE
    step = totals.completion_step
    if step is None:
        return AWAY
    share = SHADES[step]
    return (
        round(PAPER[0] + (DONE[0] - PAPER[0]) * share),
        round(PAPER[1] + (DONE[1] - PAPER[1]) * share),
        round(PAPER[2] + (DONE[2] - PAPER[2]) * share),
    )


def page(report: Report) -> pygame.Surface:
    """The whole report as one picture: the header, then every section."""
    parts = sections(report)
    heading = 44
    height = 150 + sum(heading + s.get_height() + 16 for _, s in parts)
    surface = pygame.Surface((WIDTH, height))
    surface.fill(PAPER)
    text(surface, report.title, (MARGIN, 28), 30, INK)
    text(surface, report.summary, (MARGIN, 76), 18, INK)
    text(surface, report.streak, (MARGIN, 106), 18, FAINT)
    y = 150
    for title, picture in parts:
        pygame.draw.line(surface, RULE, (MARGIN, y), (WIDTH - MARGIN, y))
        text(surface, title, (MARGIN, y + 12), 20, INK)
        surface.blit(picture, (0, y + heading))
        y += heading + picture.get_height() + 16
    return surface
