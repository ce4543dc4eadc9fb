"""The one place time is read.

The core never reads a clock: the service asks a clock for :class:`Now` and
hands it in. Intervals are measured on ``mono`` (seconds, never jumps); ``wall``
is only for showing and recording times of day::

    >>> clock = FakeClock()
    >>> start = clock.now()
    >>> clock.advance(90)
    >>> clock.now().mono - start.mono
    90.0
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True)
class Now:
    """One reading of both clocks: monotonic seconds and the aware wall time."""

    mono: float
    wall: datetime

    def wall_at(self, mono: float) -> datetime:
        """The wall time that monotonic instant *mono* corresponds to."""
        return self.wall + timedelta(seconds=mono - self.mono)


class SystemClock:
    """The real clocks: :func:`time.monotonic` and the local wall time."""

    speed = 1.0

    def now(self) -> Now:
        return Now(time.monotonic(), datetime.now().astimezone())

    def real_seconds(self, seconds: float) -> float:
        """How long to really wait for *seconds* of this clock's time."""
        return seconds


class ScaledClock(SystemClock):
    """The real clocks run *speed* times faster, from the moment of creation.

    Used by ``microbreak simulate --speed N`` to watch a day in minutes.
    """

    def __init__(self, speed: float):
        if not speed > 0:
            raise ValueError(f"speed must be greater than 0, not {speed}")
        self.speed = float(speed)
        self._start = super().now()

    def now(self) -> Now:
        elapsed = (time.monotonic() - self._start.mono) * self.speed
        return Now(self._start.mono + elapsed, self._start.wall + timedelta(seconds=elapsed))

    def real_seconds(self, seconds: float) -> float:
        return seconds / self.speed


class FakeClock:
    """A clock that moves only when told to, for tests.

    *wall* defaults to a fixed Monday morning in UTC.
    """

    speed = 1.0

    def __init__(self, wall: datetime | None = None, mono: float = 1000.0):
        self._wall = wall or datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
        if self._wall.tzinfo is None:
            raise ValueError("FakeClock needs an aware wall time (with tzinfo)")
        self._mono = float(mono)

    def now(self) -> Now:
        return Now(self._mono, self._wall)

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by *seconds*."""
        if seconds < 0:
            raise ValueError(f"a monotonic clock cannot go back ({seconds} s)")
        self._mono += seconds
        self._wall += timedelta(seconds=seconds)

    def real_seconds(self, seconds: float) -> float:
        return seconds
