"""The progress pages as views: what each says, worded for arm's length in
the language of the :class:`~microbreak.core.words.Words` handed in.

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
from microbreak.core.progress import Figures, Page, Viewing, next_page
from microbreak.core.totals import Totals
from microbreak.core.views import DayBar, ProgressView, StreakView, TodayView, WeekView
from microbreak.core.words import ENGLISH, N_, Words

BAR_ORDER = ("completed", "partial", "away", "deferred", "not_done")  # filled, then hollow
PRESS = {  # on a page, what the next press shows (the first page comes from none)
    # Translators: a progress page's hint: what the next press shows.
    Page.WEEK: N_("Press: this week"),
    Page.STREAK: N_("Press: streak"),
    None: N_("Press: back"),
}


def page_view(
    viewing: Viewing,
    today: Totals,
    outcomes: tuple[str, ...],
    figures: Figures,
    exercises: Mapping[str, Exercise],
    weekday: int,
    next_break: str | None,
    words: Words = ENGLISH,
) -> ProgressView:
    """The view of the page *viewing* shows; *weekday* is today's (Monday 0),
    *next_break* when the next break comes (``"14:35"``), if one is coming."""
    hint = words.gettext(PRESS[next_page(viewing)])
    if viewing.page is Page.TODAY:
        return today_page(today, outcomes, next_break, hint, words)
    if viewing.page is Page.WEEK:
        return week_page(figures, weekday, hint, words)
    return streak_page(figures, exercises, hint, words)


def _done(totals: Totals, words: Words) -> str:
    """``"91 % done"``: completed breaks as a share of the cued ones ended."""
    if totals.completion is None:
        return ""
    return words.gettext("{percent} done").format(percent=f"{totals.completion * 100:.0f} %")


def today_page(
    today: Totals,
    outcomes: tuple[str, ...],
    next_break: str | None,
    hint: str,
    words: Words = ENGLISH,
) -> TodayView:
    _ = words.gettext
    if today.ended:
        headline = _("{done} of {ended} done").format(done=today.completed, ended=today.ended)
    elif today.away:
        headline = words.ngettext("{count} natural break", "{count} natural breaks", today.away)
        headline = headline.format(count=today.away)
    else:
        headline = _("No breaks yet")
    sets = words.ngettext("{count} set", "{count} sets", today.sets).format(count=today.sets)
    detail = _("{sets} · next break {time}").format(sets=sets, time=next_break)
    return TodayView(_("Today"), outcomes, headline, detail if next_break else sets, hint)


def week_page(figures: Figures, weekday: int, hint: str, words: Words = ENGLISH) -> WeekView:
    days = []
    for n in range(7):
        totals = figures.week[n] if n < len(figures.week) else Totals()
        parts = {
            "completed": totals.completed,
            "partial": totals.partial,
            "away": totals.away,
            "deferred": totals.deferred,
            "not_done": totals.skipped + totals.missed,
        }
        counts = tuple((outcome, parts[outcome]) for outcome in BAR_ORDER if parts[outcome])
        label, letter = words.weekday_name(n), words.weekday_name(n, narrow=True)
        days.append(DayBar(label, counts, today=n == weekday, to_come=n > weekday, letter=letter))
    week = sum(figures.week, Totals())
    summary = words.gettext("No breaks yet this week")
    if week.breaks:
        breaks = words.ngettext("{count} break", "{count} breaks", week.breaks)
        summary = " · ".join(filter(None, [breaks.format(count=week.breaks), _done(week, words)]))
    return WeekView(words.gettext("This week"), tuple(days), summary, hint)


def streak_page(
    figures: Figures, exercises: Mapping[str, Exercise], hint: str, words: Words = ENGLISH
) -> StreakView:
    """The streak, and every exercise the device knows with its sets done,
    most first (the least done last)."""
    done = dict(figures.done)
    counts = sorted(
        ((exercise.title, done.get(name, 0)) for name, exercise in exercises.items()),
        key=lambda title_count: (-title_count[1], title_count[0]),
    )
    if figures.best:
        best = words.gettext("every break done · best {days}").format(days=figures.best)
    else:
        best = words.gettext("every break done")
    # Translators: beside the streak's number, large: "3 / days in a row".
    caption = words.ngettext("day in a row", "days in a row", figures.streak)
    return StreakView(str(figures.streak), caption, best, tuple(counts), hint)
