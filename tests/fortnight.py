"""A made history for the progress and report tests: two weeks of working
days up to yesterday, a break at 10:00 and one at 15:00, the afternoon's
missed on Fridays and every other one done."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from microbreak.core.effects import Outcome
from microbreak.storage.history import History


def fortnight(folder: Path, exercises: tuple[str, ...], zone: tzinfo | None) -> Path:
    """Write the history into *folder* (each break of *exercises*, in *zone*); return *folder*."""
    history = History(folder / "history.sqlite")
    today = date.today()
    with history.transaction():
        for back in range(14, 0, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            for hour in (10, 15):
                at = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
                b = history.break_started(at, exercises, "scheduled")
                missed = hour == 15 and day.weekday() == 4
                for name in () if missed else exercises:
                    history.set_confirmed(b, name, at)
                history.break_ended(b, Outcome.MISSED if missed else Outcome.COMPLETED, at)
    history.close()
    return folder
