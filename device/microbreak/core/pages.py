"""The progress pages as views: what each says, worded for arm's length.

Pure functions of the page, today's counts and the :class:`Figures` the
service read from the history; the screen only lays them out::

    >>> page = week_page(Figures(week=(Totals(3, completed=3, sets=6),)), weekday=1,
    ...                  hint="Press: streak")
    >>> [day.label for day in page.days][:3], page.days[1].today, page.summary
    (['Mon', 'Tue', 'Wed'], True, '3 breaks · 100 % done')
"""

from __future__ import annotations

from collections.abc import Mapping

from microbreak.core.exercise import Exercise
from microbreak.core.progress import Figures, Page, Viewing, next_title
from microbreak.core.totals import Totals
from microbreak.core.views import DayBar, ProgressView, StreakView, TodayView, WeekView

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BAR_ORDER = ("completed", "partial", "away", "deferred", "not_done")  # filled, then hollow


def page_view(
    viewing: Viewing,
    today: Totals,
    outcomes: tuple[str, ...],
    figures: Figures,
    exercises: Mapping[str, Exercise],
    weekday: int,
    next_break: str | None,
) -> ProgressView:
    """The view of the page *viewing* shows; *weekday* is today's (Monday 0),
    *next_break* when the next break comes (``"14:35"``), if one is coming."""
    hint = f"Press: {next_title(viewing)}"
    if viewing.page is Page.TODAY:
        return today_page(today, outcomes, next_break, hint)
    if viewing.page is Page.WEEK:
        return week_page(figures, weekday, hint)
    return streak_page(figures, exercises, hint)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _done(totals: Totals) -> str:
    """``"91 % done"``: completed breaks as a share of the cued ones ended."""
    return "" if totals.completion is None else f"{totals.completion:.0%}".replace("%", " % done")


def today_page(
    today: Totals, outcomes: tuple[str, ...], next_break: str | None, hint: str
) -> TodayView:
    headline = f"{today.completed} of {today.ended} done" if today.ended else "No breaks yet"
    if not today.ended and today.away:
        headline = _plural(today.away, "natural break")
    detail = [_plural(today.sets, "set")] + ([f"next break {next_break}"] if next_break else [])
    return TodayView("Today", outcomes, headline, " · ".join(detail), hint)


def week_page(figures: Figures, weekday: int, hint: str) -> WeekView:
    days = []
    for n, label in enumerate(WEEKDAYS):
        totals = figures.week[n] if n < len(figures.week) else Totals()
        parts = {
            "completed": totals.completed,
            "partial": totals.partial,
            "away": totals.away,
            "deferred": totals.deferred,
            "not_done": totals.skipped + totals.missed,
        }
        counts = tuple((outcome, parts[outcome]) for outcome in BAR_ORDER if parts[outcome])
        days.append(DayBar(label, counts, today=n == weekday, to_come=n > weekday))
    week = sum(figures.week, Totals())
    summary = (
        " · ".join(filter(None, [_plural(week.breaks, "break"), _done(week)]))
        if week.breaks
        else "No breaks yet this week"
    )
    return WeekView("This week", tuple(days), summary, hint)


def streak_page(figures: Figures, exercises: Mapping[str, Exercise], hint: str) -> StreakView:
    """The streak, and every exercise the device knows with its sets done,
    most first (the least done last)."""
    done = dict(figures.done)
    counts = sorted(
        ((exercise.title, done.get(name, 0)) for name, exercise in exercises.items()),
        key=lambda title_count: (-title_count[1], title_count[0]),
    )
    best = f"every break done · best {figures.best}" if figures.best else "every break done"
    caption = "day in a row" if figures.streak == 1 else "days in a row"
    return StreakView(str(figures.streak), caption, best, tuple(counts), hint)
