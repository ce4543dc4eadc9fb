"""The schedule's states, each holding what is true in it and nothing else.

A state is a frozen value; the schedule moves from one to the next and never
keeps a field that "only matters in" some state beside it::

    >>> state = Idle(Coming(at=2700.0))
    >>> state.name, state.coming.snoozes
    (<StateName.IDLE: 'idle'>, 0)

Times are monotonic seconds (:attr:`~microbreak.core.now.Now.mono`) unless a
field says it is a wall time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from microbreak.core.busy import BusyPeriod, BusySource
from microbreak.core.effects import Outcome
from microbreak.core.now import Now
from microbreak.core.progress import Viewing
from microbreak.core.session import BreakSession


class StateName(StrEnum):
    """The states by name, as ``microbreak status --json`` reports them."""

    NOTICE = "notice"
    IDLE = "idle"
    HEADS_UP = "heads_up"
    BREAK = "break"
    PAUSED = "paused"
    OFF_HOURS = "off_hours"
    BUSY = "busy"


@dataclass(frozen=True)
class Coming:
    """The coming break: when it is cued, the snoozes it has used, the
    break a snooze or busy put off once it had begun (None: not begun yet),
    and, once it fell due while busy, when that was and who was busy."""

    at: float
    snoozes: int = 0
    put_off: BreakSession | None = None
    due: datetime | None = None
    deferred_by: BusySource | None = None


@dataclass(frozen=True)
class Summary:
    """The end of the last break, shown until ``until``."""

    outcome: Outcome
    done: int
    total: int
    until: float


@dataclass(frozen=True)
class Notice:
    """The first-start health notice is on screen: breaks wait for a press."""

    name: ClassVar[StateName] = StateName.NOTICE


@dataclass(frozen=True)
class Idle:
    """Waiting for the coming break, the last break's summary or a progress
    page shown a while."""

    coming: Coming
    summary: Summary | None = None
    viewing: Viewing | None = None
    name: ClassVar[StateName] = StateName.IDLE

    @property
    def snoozed(self) -> bool:
        return self.coming.snoozes > 0


@dataclass(frozen=True)
class HeadsUp:
    """The coming break is announced."""

    coming: Coming
    name: ClassVar[StateName] = StateName.HEADS_UP


@dataclass(frozen=True)
class OnBreak:
    """A break is on screen; *snoozes* it has used so far."""

    session: BreakSession
    snoozes: int = 0
    name: ClassVar[StateName] = StateName.BREAK


@dataclass(frozen=True)
class Paused:
    """No breaks until ``until`` (wall, followed while trusted) or, failing
    that, ``until_mono``; both None: until resumed."""

    until: datetime | None = None
    until_mono: float | None = None
    viewing: Viewing | None = None  # a progress page on screen
    name: ClassVar[StateName] = StateName.PAUSED

    def over(self, now: Now) -> bool:
        if self.until is not None and now.trusted:
            return now.wall >= self.until
        return self.until_mono is not None and now.mono >= self.until_mono

    def ends_at(self, now: Now) -> float | None:
        """When the pause ends, in monotonic seconds; None: when resumed."""
        if self.until is not None and now.trusted:
            return now.mono_at(self.until)
        return self.until_mono

    def until_wall(self, now: Now) -> datetime | None:
        """When the pause ends on the wall clock, as far as can be known now."""
        if self.until is not None:
            return self.until
        return now.wall_at(self.until_mono) if self.until_mono is not None else None


@dataclass(frozen=True)
class OffHours:
    """Outside working hours: asleep until they open (awake a while for a
    progress page)."""

    viewing: Viewing | None = None
    name: ClassVar[StateName] = StateName.OFF_HOURS


@dataclass(frozen=True)
class Busy:
    """Busy (*why* says who said so, and until when): nothing calls; the
    coming break waits, and comes a grace after busy ends. A press shows a
    progress page a while, as when idle."""

    coming: Coming
    why: BusyPeriod
    viewing: Viewing | None = None  # a progress page on screen
    name: ClassVar[StateName] = StateName.BUSY


State = Notice | Idle | HeadsUp | OnBreak | Paused | OffHours | Busy
Browsing = Idle | Paused | OffHours | Busy  # the states where a press shows the progress pages
