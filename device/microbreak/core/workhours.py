"""Working days and hours, in a time zone: when breaks may be cued.

Each weekday has zero or more periods ``HH:MM-HH:MM``; times are local to the
zone, so a change to or from daylight saving time moves nothing::

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> hours = WorkHours.parse({"mon": "09:00-17:30", "fri": "09:00-15:00"},
    ...                         ZoneInfo("Europe/London"))
    >>> friday = datetime(2026, 11, 27, 15, 30, tzinfo=ZoneInfo("Europe/London"))
    >>> hours.is_open(friday)
    False
    >>> hours.next_open(friday).isoformat()
    '2026-11-30T09:00:00+00:00'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from microbreak.core.words import said

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_periods(text: str) -> tuple[tuple[int, int], ...]:
    """``"09:00-12:00, 13:00-17:30"`` → minutes of the day, ``((540, 720), (780, 1050))``.

    An empty text is a day off. ``24:00`` may end a period. Raises ValueError
    saying what is wrong (worded to follow the text: "has '9-5', which ...").
    """
    periods = []
    for part in filter(str.strip, text.split(",")):
        match = _PERIOD.match(part)
        if not match:
            raise ValueError(
                said("has {part!r}, which is not a period like 09:00-17:30", part=part.strip())
            )
        h1, m1, h2, m2 = map(int, match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(
                said("has {part!r}, with a time that does not exist", part=part.strip())
            )
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise ValueError(said("has {part!r}, which ends before it starts", part=part.strip()))
        periods.append((start, end))
    periods.sort()
    for (_, end), (start, _) in pairwise(periods):
        if start < end:
            raise ValueError(said("has periods that overlap"))
    return tuple(periods)


@dataclass(frozen=True)
class WorkHours:
    days: tuple[tuple[tuple[int, int], ...], ...]  # per weekday, Monday first
    zone: tzinfo

    @classmethod
    def parse(cls, by_day: dict[str, str], zone: tzinfo) -> WorkHours:
        """From ``{"mon": "09:00-17:30", ...}``; a day not named is a day off."""
        unknown = set(by_day) - set(DAYS)
        if unknown:
            raise ValueError(
                f"unknown day(s) {', '.join(sorted(unknown))}; days are " + ", ".join(DAYS)
            )
        return cls(tuple(parse_periods(by_day.get(day, "")) for day in DAYS), zone)

    def _local(self, when: datetime) -> datetime:
        return when.astimezone(self.zone)

    def _at(self, day: date, minute: int) -> datetime:
        if minute >= 24 * 60:
            return datetime.combine(day + timedelta(days=1), time(0), self.zone)
        return datetime.combine(day, time(minute // 60, minute % 60), self.zone)

    def is_open(self, when: datetime) -> bool:
        local = self._local(when)
        minute = local.hour * 60 + local.minute + local.second / 60
        return any(start <= minute < end for start, end in self.days[local.weekday()])

    def next_open(self, when: datetime) -> datetime | None:
        """*when* if open then, else the start of the next period (None: never open)."""
        if self.is_open(when):
            return when
        return self.next_change(when)

    def next_change(self, when: datetime) -> datetime | None:
        """The next moment after *when* that the hours open or close. Periods
        that meet (``09:00-12:00, 12:00-17:30``, midnight in ``00:00-24:00``, a
        night shift over midnight) are one: their meeting changes nothing."""
        local = self._local(when)
        for offset in range(9):
            day = local.date() + timedelta(days=offset)
            for start, end in self.days[day.weekday()]:
                for minute in (start, end):
                    moment = self._at(day, minute)
                    if moment > when and self.is_open(moment) != self.is_open(
                        moment - timedelta(seconds=1)
                    ):
                        return moment
        return None

    def describe(self) -> str:
        """``"Mon–Fri 09:00–17:30"``-style summary for messages."""

        def fmt(periods: tuple[tuple[int, int], ...]) -> str:
            return (
                ", ".join(
                    f"{s // 60:02d}:{s % 60:02d}–{e // 60:02d}:{e % 60:02d}" for s, e in periods
                )
                or "off"
            )

        parts: list[list[tuple[str, tuple[tuple[int, int], ...]]]] = []
        run: list[tuple[str, tuple[tuple[int, int], ...]]] = []
        for name, periods in zip(DAYS, self.days, strict=True):
            if run and periods == run[-1][1]:
                run.append((name, periods))
                continue
            if run:
                parts.append(run)
            run = [(name, periods)]
        parts.append(run)
        words = []
        for group in parts:
            if group[0][1] == ():
                continue
            first, last = group[0][0].title(), group[-1][0].title()
            days = first if first == last else f"{first}–{last}"
            words.append(f"{days} {fmt(group[0][1])}")
        return "; ".join(words) or "never"
