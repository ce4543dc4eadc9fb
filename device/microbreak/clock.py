"""The one place time is read.

The core never reads a clock: the service asks a clock for :class:`Now` and
hands it in. Intervals are measured on ``mono`` (seconds, never jumps); ``wall``
is for working hours and for showing and recording times of day, and counts
only while ``trusted``::

    >>> clock = FakeClock()
    >>> start = clock.now()
    >>> clock.advance(90)
    >>> clock.now().mono - start.mono
    90.0

The monotonic clock is ``CLOCK_BOOTTIME``: unlike ``CLOCK_MONOTONIC`` it keeps
counting while the machine is suspended, so "45 minutes" means 45 minutes of
the person's day even on a laptop that slept. A break that fell due during a
suspend is cued once on waking, never as a burst.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# A wall clock earlier than this is certainly wrong (a Pi has no RTC: it boots
# in 1970, or at the time fake-hwclock saved).
PLAUSIBLE_FROM = datetime(2026, 1, 1, tzinfo=timezone.utc)
SYNCHRONIZED_FLAG = "/run/systemd/timesync/synchronized"  # touched by systemd-timesyncd

_monotonic = (lambda: time.clock_gettime(time.CLOCK_BOOTTIME)) \
    if hasattr(time, "CLOCK_BOOTTIME") else time.monotonic


@dataclass(frozen=True)
class Now:
    """One reading of both clocks: monotonic seconds, the aware wall time, and
    whether the wall time can be trusted (synchronised, or at least plausible)."""

    mono: float
    wall: datetime
    trusted: bool = True

    def wall_at(self, mono: float) -> datetime:
        """The wall time that monotonic instant *mono* corresponds to."""
        return self.wall + timedelta(seconds=mono - self.mono)

    def mono_at(self, wall: datetime) -> float:
        """The monotonic instant of wall time *wall*, if the wall clock holds."""
        return self.mono + (wall - self.wall).total_seconds()


class SystemClock:
    """The real clocks: ``CLOCK_BOOTTIME`` and the local wall time."""

    speed = 1.0

    def __init__(self, synchronized_flag: str = SYNCHRONIZED_FLAG):
        self._flag = synchronized_flag
        self._synchronized = False
        self._flag_checked = float("-inf")

    @property
    def synchronized(self) -> bool:
        """Whether NTP has set the wall clock since boot (looked up every 10 s)."""
        now = time.monotonic()
        if not self._synchronized and now - self._flag_checked >= 10:
            self._flag_checked = now
            self._synchronized = os.path.exists(self._flag)
        return self._synchronized

    def _read(self) -> tuple[float, datetime]:
        return _monotonic(), datetime.now().astimezone()

    def now(self) -> Now:
        mono, wall = self._read()
        return Now(mono, wall, self.synchronized or wall >= PLAUSIBLE_FROM)

    def real_seconds(self, seconds: float) -> float:
        """How long to really wait for *seconds* of this clock's time."""
        return seconds


class ScaledClock(SystemClock):
    """The real clocks run *speed* times faster, from the moment of creation.

    Used by ``microbreak simulate --speed N`` to watch a day in minutes.
    """

    def __init__(self, speed: float, **kwargs):
        if not speed > 0:
            raise ValueError(f"speed must be greater than 0, not {speed}")
        super().__init__(**kwargs)
        self.speed = float(speed)
        self._start = super()._read()

    def _read(self) -> tuple[float, datetime]:
        mono0, wall0 = self._start
        elapsed = (_monotonic() - mono0) * self.speed
        return mono0 + elapsed, wall0 + timedelta(seconds=elapsed)

    def real_seconds(self, seconds: float) -> float:
        return seconds / self.speed


class FakeClock:
    """A clock that moves only when told to, for tests.

    *wall* defaults to a Monday at 09:00 UTC. :meth:`step_wall` moves the wall
    clock alone, as NTP or a person setting the time does.
    """

    speed = 1.0

    def __init__(self, wall: datetime | None = None, mono: float = 1000.0,
                 trusted: bool = True):
        self._wall = wall or datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
        if self._wall.tzinfo is None:
            raise ValueError("FakeClock needs an aware wall time (with tzinfo)")
        self._mono = float(mono)
        self.trusted = trusted

    def now(self) -> Now:
        return Now(self._mono, self._wall, self.trusted)

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by *seconds*."""
        if seconds < 0:
            raise ValueError(f"a monotonic clock cannot go back ({seconds} s)")
        self._mono += seconds
        self._wall += timedelta(seconds=seconds)

    def step_wall(self, seconds: float) -> None:
        """Set the wall clock forward (or back, negative) without time passing."""
        self._wall += timedelta(seconds=seconds)

    def set_wall(self, wall: datetime) -> None:
        self._wall = wall

    def real_seconds(self, seconds: float) -> float:
        return seconds
