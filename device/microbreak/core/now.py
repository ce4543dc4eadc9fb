"""One reading of the two clocks, as the core receives it.

Two time bases, and why: ``mono`` is seconds on the boot-time clock, which
never jumps and keeps counting through a suspend, so intervals ("45 minutes")
are measured on it; ``wall`` is the time of day, for working hours, quiet
periods and what is shown and recorded, and it may jump (NTP, a Pi booting in
1970), so it is used only while ``trusted``. The service reads both in one
place (:mod:`microbreak.service.clock`) and hands them in::

    >>> from datetime import datetime, timezone
    >>> now = Now(mono=100.0, wall=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    >>> now.wall_at(160.0).minute
    1
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


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
