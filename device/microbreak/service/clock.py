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
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from microbreak.core.now import Now

# A wall clock earlier than this is certainly wrong (a Pi has no RTC: it boots
# in 1970, or at the time fake-hwclock saved).
PLAUSIBLE_FROM = datetime(2026, 1, 1, tzinfo=UTC)
SYNCHRONIZED_FLAG = "/run/systemd/timesync/synchronized"  # touched by systemd-timesyncd
LOCALTIME = "/etc/localtime"  # the system's time zone: a link into /usr/share/zoneinfo

_monotonic: Callable[[], float] = (
    (lambda: time.clock_gettime(time.CLOCK_BOOTTIME))
    if hasattr(time, "CLOCK_BOOTTIME")
    else time.monotonic
)


def real_time() -> float:
    """Real monotonic seconds, whatever the simulator's speed: the third time,
    that of what people and parts do (how long the button is held, an
    animation's frames, the LED, I/O deadlines). The schedule's two, ``mono``
    and ``wall``, come from a clock's :meth:`~SystemClock.now`."""
    return time.monotonic()


def zone_named(
    name: str, *, environ: Mapping[str, str] = os.environ, localtime: str = LOCALTIME
) -> tzinfo:
    """The zone working hours are in: *name* (``hours.timezone``), or, when it
    is empty, the system's zone with its rules, so that a change to or from
    daylight saving time moves the hours with the local clock::

        >>> zone_named("", environ={"TZ": "Europe/London"})
        zoneinfo.ZoneInfo(key='Europe/London')
    """
    return ZoneInfo(name) if name else system_zone(environ, localtime)


def system_zone(environ: Mapping[str, str] = os.environ, localtime: str = LOCALTIME) -> tzinfo:
    """The system's time zone as the C library sees it: ``TZ`` if set, else
    ``/etc/localtime``. By its IANA name where there is one; a ``TZ`` that is no
    zone name (``CET-1CEST,M3.5.0,M10.5.0/3``) is followed through the C library."""
    tz = environ.get("TZ")
    if tz is not None:
        name = tz.removeprefix(":")
        if not name:
            return UTC
        try:
            if name.startswith("/"):
                with open(name, "rb") as file:
                    return ZoneInfo.from_file(file, key=name)
            return ZoneInfo(name)
        except (OSError, ValueError, ZoneInfoNotFoundError):
            return LocalZone()
    try:
        target = os.readlink(localtime)
        if "zoneinfo/" in target:
            return ZoneInfo(target.rsplit("zoneinfo/", 1)[1])
    except (OSError, ValueError, ZoneInfoNotFoundError):
        pass
    try:
        with open(localtime, "rb") as file:
            return ZoneInfo.from_file(file, key="localtime")
    except (OSError, ValueError):
        return UTC  # no /etc/localtime: the C library's UTC


class LocalZone(tzinfo):
    """The C library's local time zone, asked afresh for each moment (for a
    ``TZ`` rule that is no IANA name)."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None if dt is None else timedelta(seconds=_local(dt).tm_gmtoff)

    def dst(self, dt: datetime | None) -> None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None if dt is None else _local(dt).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        stamp = dt.replace(tzinfo=UTC).timestamp()
        return dt + timedelta(seconds=time.localtime(stamp).tm_gmtoff)


def _local(dt: datetime) -> time.struct_time:
    """The C library's local time at the wall time *dt* (its zone left out)."""
    return time.localtime(time.mktime((*dt.timetuple()[:8], -1)))


class Clock(Protocol):
    """What is asked of a clock: the real one, a faster one, a test's."""

    def now(self) -> Now: ...


class SystemClock:
    """The real clocks: ``CLOCK_BOOTTIME`` and the local wall time."""

    speed = 1.0

    def __init__(self, synchronized_flag: str = SYNCHRONIZED_FLAG) -> None:
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

    def __init__(self, speed: float, synchronized_flag: str = SYNCHRONIZED_FLAG) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be greater than 0, not {speed}")
        super().__init__(synchronized_flag)
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

    def __init__(
        self, wall: datetime | None = None, mono: float = 1000.0, trusted: bool = True
    ) -> None:
        self._wall = wall or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
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
