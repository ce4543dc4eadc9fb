"""Busy: a meeting, a call, when no break may call.

Busy comes from three sources, held apart: the person (``microbreak busy``),
Home Assistant (its switch) and the calendars (the periods of their events).
The desk is busy while any period is on; the one that ends last says why::

    >>> from datetime import datetime, timedelta, timezone
    >>> nine = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> times = BusyTimes()
    >>> times.hold(BusyPeriod(BusySource.MANUAL, until_mono=1600.0))
    >>> times.plan([BusyPeriod(BusySource.CALENDAR, start=nine + timedelta(minutes=5),
    ...                        until=nine + timedelta(minutes=30), what="Design review")])
    >>> times.current(Now(1000.0, nine)).source
    <BusySource.MANUAL: 'manual'>
    >>> times.current(Now(1400.0, nine + timedelta(seconds=400))).what
    'Design review'
    >>> times.current(Now(2900.0, nine + timedelta(minutes=31))) is None
    True

Times are as in :mod:`~microbreak.core.states`: a wall time is followed only
while the wall clock is trusted, so a calendar (all wall times) makes nobody
busy until the clock is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from microbreak.core.now import Now


class BusySource(StrEnum):
    """Who said busy: the person, a calendar, Home Assistant."""

    MANUAL = "manual"
    CALENDAR = "calendar"
    HOME_ASSISTANT = "home_assistant"


@dataclass(frozen=True)
class BusyPeriod:
    """Busy from *start* (wall; None: from when it was said) until *until*
    (wall) or, failing that, *until_mono*; neither: until turned off.
    *what*: the calendar event's title."""

    source: BusySource
    start: datetime | None = None
    until: datetime | None = None
    until_mono: float | None = None
    what: str = ""

    def on(self, now: Now) -> bool:
        if self.start is not None and (not now.trusted or now.wall < self.start):
            return False
        if self.until is not None and now.trusted:
            return now.wall < self.until
        return self.until_mono is None or now.mono < self.until_mono

    def ends_at(self, now: Now) -> float | None:
        """When it ends, in monotonic seconds; None: when turned off."""
        if self.until is not None and now.trusted:
            return now.mono_at(self.until)
        return self.until_mono

    def starts_at(self, now: Now) -> float | None:
        """When a period still to come starts (monotonic); None: on, or unknown."""
        if self.start is None or not now.trusted or now.wall >= self.start:
            return None
        return now.mono_at(self.start)

    def until_wall(self, now: Now) -> datetime | None:
        """When it ends on the wall clock, as far as can be known now."""
        if self.until is not None:
            return self.until
        return now.wall_at(self.until_mono) if self.until_mono is not None else None


class BusyTimes:
    """The busy periods each source has given: one held by the person and
    one by Home Assistant (each replaces the last), and the calendars' plan."""

    def __init__(self) -> None:
        self.held: dict[BusySource, BusyPeriod] = {}
        self.calendar: tuple[BusyPeriod, ...] = ()

    def hold(self, period: BusyPeriod) -> None:
        """The person or Home Assistant says busy (until *period* ends)."""
        self.held[period.source] = period

    def plan(self, periods: Iterable[BusyPeriod]) -> None:
        """The calendars' periods, all of them, replacing the last plan."""
        self.calendar = tuple(periods)

    def clear(self, now: Now) -> None:
        """Not busy now, whoever said so: the held periods end, and the
        calendar's periods on now are let go (those to come still count)."""
        self.held.clear()
        self.calendar = tuple(p for p in self.calendar if not p.on(now))

    def end_of_day(self) -> None:
        """Working hours are over: busy held by the person or Home Assistant
        ends with them (a calendar's periods end by themselves)."""
        self.held.clear()

    def periods(self, now: Now) -> list[BusyPeriod]:
        """The periods on now."""
        return [p for p in (*self.held.values(), *self.calendar) if p.on(now)]

    def current(self, now: Now) -> BusyPeriod | None:
        """The period that makes the desk busy now (the one ending last), or None."""
        on = self.periods(now)
        if not on:
            return None
        return max(on, key=lambda p: _or_never(p.ends_at(now)))

    def ends_at(self, now: Now) -> float | None:
        """When busy ends, as far as the periods on now go (monotonic); None:
        not busy, or not until turned off."""
        ends = [_or_never(p.ends_at(now)) for p in self.periods(now)]
        last = max(ends, default=float("inf"))
        return None if last == float("inf") else last

    def next_change(self, now: Now) -> float:
        """When a period on now ends or one to come starts (monotonic; inf: never)."""
        times = [_or_never(p.ends_at(now)) for p in self.periods(now)]
        times += [t for p in self.calendar if (t := p.starts_at(now)) is not None]
        return min(times, default=float("inf"))


def _or_never(mono: float | None) -> float:
    return float("inf") if mono is None else mono
