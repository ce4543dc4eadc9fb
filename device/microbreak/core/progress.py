"""The progress pages a press steps through between breaks: today, this
week, the streak with the exercises done most and least, then back to the
screen's own view; each page goes back by itself after a while::

    >>> shown = next_viewing(None, now=100.0, seconds=20)
    >>> shown
    Viewing(page=<Page.TODAY: 'today'>, until=120.0)
    >>> next_viewing(shown, now=105.0, seconds=20).page
    <Page.WEEK: 'week'>
    >>> next_viewing(Viewing(Page.STREAK, 130.0), now=110.0, seconds=20) is None
    True

What the pages show comes from the history, which the core does not read:
the service reads it into :class:`Figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from microbreak.core.totals import Totals


class Page(StrEnum):
    """The progress pages, in the order a press steps through them."""

    TODAY = "today"
    WEEK = "week"
    STREAK = "streak"


PAGES = tuple(Page)


@dataclass(frozen=True)
class Viewing:
    """A progress page on screen until ``until`` (monotonic seconds)."""

    page: Page
    until: float


def next_viewing(viewing: Viewing | None, now: float, seconds: float) -> Viewing | None:
    """What a press shows after *viewing* (None: the state's own view): the
    next page for *seconds* from *now*, or, after the last, none."""
    if viewing is None:
        return Viewing(PAGES[0], now + seconds)
    following = PAGES.index(viewing.page) + 1
    return Viewing(PAGES[following], now + seconds) if following < len(PAGES) else None


def next_page(viewing: Viewing | None) -> Page | None:
    """The page the next press shows after *viewing* (None: back)."""
    shown = next_viewing(viewing, 0.0, 0.0)
    return shown.page if shown is not None else None


@dataclass(frozen=True)
class Figures:
    """What the pages show from the history: this week's days from Monday to
    today, the streak of days with every break done (and the best), and how
    many sets of each exercise were done, all time."""

    week: tuple[Totals, ...] = ()
    streak: int = 0
    best: int = 0
    done: tuple[tuple[str, int], ...] = ()  # (exercise, sets done)
