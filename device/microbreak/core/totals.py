"""Breaks by outcome and confirmed sets, over a day or more: what the idle
screen's "today" line, ``status`` and ``stats`` count::

    >>> day = Totals(breaks=3, completed=2, missed=1, sets=4)
    >>> day.ended, f"{day.completion:.0%}", (day + day).sets
    (3, '67%', 8)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Totals:
    """Breaks by outcome, and confirmed sets, over one or more days.

    ``completion`` is over the cued breaks that ended. A break still on has
    no outcome yet, a natural break (``away``: the desk was empty long
    enough) was not cued, and one ``deferred`` was held off by busy until the
    working hours ended: all count in ``breaks`` but none helps or hurts
    ``completion``.
    """

    breaks: int = 0
    completed: int = 0
    partial: int = 0
    skipped: int = 0
    missed: int = 0
    away: int = 0
    deferred: int = 0
    sets: int = 0

    @property
    def ended(self) -> int:
        """Cued breaks with an outcome."""
        return self.completed + self.partial + self.skipped + self.missed

    @property
    def not_ended(self) -> int:
        """Breaks still on, or snoozed: no outcome yet."""
        return self.breaks - self.ended - self.away - self.deferred

    @property
    def completion(self) -> float | None:
        """Completed breaks as a share of ended ones; None when none ended."""
        return self.completed / self.ended if self.ended else None

    @property
    def all_done(self) -> bool | None:
        """Whether every cued break was completed; None when none ended, or
        while one has not ended yet (the day is not decided)."""
        if not self.ended or self.not_ended:
            return None
        return self.completed == self.ended

    @property
    def completion_step(self) -> int | None:
        """The completion in four steps, for a calendar's shades: 3 all
        done, 2 two thirds or more, 1 a third or more, 0 less; None when no
        cued break ended."""
        share = self.completion
        if share is None:
            return None
        return 3 if share >= 1 else 2 if share >= 2 / 3 else 1 if share >= 1 / 3 else 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.breaks + other.breaks,
            self.completed + other.completed,
            self.partial + other.partial,
            self.skipped + other.skipped,
            self.missed + other.missed,
            self.away + other.away,
            self.deferred + other.deferred,
            self.sets + other.sets,
        )

    def as_dict(self) -> dict[str, int | float | None]:
        return dict(asdict(self), not_ended=self.not_ended, completion=self.completion)
