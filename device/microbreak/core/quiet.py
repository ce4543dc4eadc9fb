"""Quiet periods: times of day when cues make no sound (the LED still shows them).

A period is written ``"HH:MM-HH:MM"``, from its start up to (not including)
its end, on the local wall clock; one that ends before it starts runs over
midnight::

    >>> from datetime import time
    >>> periods = [QuietPeriod.parse("12:30-13:15"), QuietPeriod.parse("22:00-07:00")]
    >>> [is_quiet(periods, time(*hm)) for hm in ((12, 30), (13, 15), (23, 59), (6, 59))]
    [True, False, True, True]

The decision is a plain function of the time it is given, so it is tested with
any time at all; the caller reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from microbreak.core.words import said

_PERIOD = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class QuietPeriod:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietPeriod:
        """Read ``"HH:MM-HH:MM"``; raise ValueError saying what is wrong::

        >>> QuietPeriod.parse("9:00-9:00")
        Traceback (most recent call last):
          ...
        ValueError: starts and ends at the same time; to silence the whole day, use mute
        """
        match = _PERIOD.fullmatch(text.strip())
        if not match:
            raise ValueError(said("is not HH:MM-HH:MM"))
        hour1, minute1, hour2, minute2 = (int(n) for n in match.groups())
        if not (hour1 < 24 and hour2 < 24 and minute1 < 60 and minute2 < 60):
            raise ValueError(said("is not a time of day (00:00 to 23:59)"))
        start, end = time(hour1, minute1), time(hour2, minute2)
        if start == end:
            raise ValueError(
                said("starts and ends at the same time; to silence the whole day, use mute")
            )
        return cls(start, end)

    def __contains__(self, when: time) -> bool:
        if self.start < self.end:
            return self.start <= when < self.end
        return when >= self.start or when < self.end  # over midnight

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def is_quiet(periods: Iterable[QuietPeriod], when: time | datetime) -> bool:
    """Whether the time of day *when* (a datetime's own local time) falls in a period."""
    if isinstance(when, datetime):
        when = when.time()
    when = when.replace(tzinfo=None)
    return any(when in period for period in periods)
