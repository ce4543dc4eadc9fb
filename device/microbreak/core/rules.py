"""The schedule's rules: the settings it follows, in seconds and values::

>>> Rules().interval_seconds / 60, Rules().hours_text()
(45.0, 'always')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING

from microbreak.core.quiet import QuietPeriod
from microbreak.core.workhours import WorkHours

if TYPE_CHECKING:
    from microbreak.config.settings import Settings


@dataclass(frozen=True)
class Rules:
    """The schedule's settings, in seconds; ``hours`` None means always.
    Quiet periods are times of day in ``zone`` (None: the wall clock's own)."""

    interval_seconds: float = 45 * 60
    heads_up_seconds: float = 60
    exercises_per_break: int = 2
    recue_seconds: float = 3 * 60
    max_recues: int = 2
    snooze_seconds: float = 10 * 60
    max_snoozes: int = 2
    summary_seconds: float = 8
    progress_seconds: float = 20  # a progress page stays this long after the last press
    hours: WorkHours | None = None
    empty_after_seconds: float = 60
    away_seconds: float = 5 * 60
    return_grace_seconds: float = 30
    busy_grace_seconds: float = 60
    quiet_periods: tuple[QuietPeriod, ...] = ()
    zone: tzinfo | None = None

    @classmethod
    def from_settings(cls, settings: Settings, zone: tzinfo) -> Rules:
        """From :class:`~microbreak.config.settings.Settings`; *zone* is the zone the
        working hours are in (``hours.timezone``, or the system's zone with its
        rules: :func:`microbreak.service.clock.zone_named` finds it)."""
        b, h = settings.break_, settings.hours
        days = {day: getattr(h, day) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        return cls(
            interval_seconds=settings.schedule.interval_minutes * 60,
            heads_up_seconds=settings.schedule.heads_up_seconds,
            exercises_per_break=b.exercises_per_break,
            recue_seconds=b.recue_minutes * 60,
            max_recues=b.max_recues,
            snooze_seconds=b.snooze_minutes * 60,
            max_snoozes=b.max_snoozes,
            summary_seconds=b.summary_seconds,
            hours=WorkHours.parse(days, zone),
            empty_after_seconds=settings.presence.empty_after_seconds,
            away_seconds=settings.presence.away_minutes * 60,
            return_grace_seconds=settings.presence.return_grace_seconds,
            busy_grace_seconds=settings.busy.grace_seconds,
            quiet_periods=tuple(QuietPeriod.parse(p) for p in settings.sound.quiet_periods),
            zone=zone,
        )

    def hours_text(self) -> str:
        return self.hours.describe() if self.hours else "always"
