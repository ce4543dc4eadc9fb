"""The service's state as data, for ``microbreak status --json``, and as
the one line ``systemctl status`` shows: English, as the log is (the
command words the data in the caller's language)."""

from __future__ import annotations

import math
from typing import Any

from microbreak.core.now import Now
from microbreak.core.presenter import FIRST_START_NOTICE, day_and_time, viewing_of
from microbreak.core.schedule import Schedule
from microbreak.core.states import Busy, Notice, OffHours, OnBreak, Paused
from microbreak.core.totals import Totals


def status_line(schedule: Schedule, now: Now, today: Totals) -> str:
    """The service's state in one line, as ``systemctl status`` shows it::

    Next break 14:35 · 2 of 3 breaks done today
    """
    state = schedule.state
    done = f"{today.completed} of {today.breaks} breaks done today"
    if isinstance(state, Notice):
        return "Waiting for a press of the button: the first-start notice is on screen"
    if isinstance(state, OnBreak):
        session = state.session
        return (
            f"Break on: {session.current} ({session.index + 1} of "
            f"{len(session.exercises)}) · {done}"
        )
    if isinstance(state, Paused):
        until = state.until_wall(now)
        return (f"Paused until {day_and_time(until, now)}" if until else "Paused") + f" · {done}"
    at = schedule.next_break_wall(now)
    if isinstance(state, OffHours):
        return f"Off hours, next break {day_and_time(at, now)}" if at else "Off hours"
    if isinstance(state, Busy):
        until = state.why.until_wall(now)
        words = f"Busy ({state.why.source.value.replace('_', ' ')})"
        return (f"{words} until {day_and_time(until, now)}" if until else words) + f" · {done}"
    if at is None:
        return f"No break ahead · {done}"
    return f"Next break {day_and_time(at, now)} · {done}"


def status(schedule: Schedule, now: Now, today: Totals) -> dict[str, Any]:
    """The service's state as data, for ``microbreak status --json``."""
    state = schedule.state
    at = schedule.next_break_wall(now)
    session = schedule.session
    current = None
    if session is not None:
        current = {
            "started_at": session.started_at.isoformat(timespec="seconds"),
            "exercises": list(session.exercises),
            "confirmed": list(session.confirmed),
            "current": session.current,
            "snoozed": not isinstance(state, OnBreak),
        }
    until = state.until_wall(now) if isinstance(state, Paused) else None
    result: dict[str, Any] = {
        "state": state.name.value,
        "notice": FIRST_START_NOTICE if isinstance(state, Notice) else None,
        "next_break_at": at.isoformat(timespec="seconds") if at else None,
        "next_break_in_seconds": math.ceil((at - now.wall).total_seconds()) if at else None,
        "snoozed": schedule.snoozed,
        "snoozes_left": schedule.rules.max_snoozes - schedule.snoozes,
        "break": current,
        "paused_until": until.isoformat(timespec="seconds") if until else None,
        "busy": busy_status(schedule, now),
        "present": schedule.present(now),
        "progress": viewing.page.value if (viewing := viewing_of(state)) else None,
        "wall_clock_trusted": now.trusted,
        "today": today.as_dict(),
    }
    if isinstance(state, Notice):  # the first break comes one interval after the press
        result["first_break_after_press_seconds"] = schedule.rules.interval_seconds
    return result


def busy_status(schedule: Schedule, now: Now) -> dict[str, Any] | None:
    """Whether the desk is busy, and why: who said so, until when; None: not busy.
    While paused or off hours it may be busy too (it shows once they end)."""
    why = schedule.busy_times.current(now)
    if why is None:
        return None
    ends = schedule.busy_times.ends_at(now)
    until = now.wall_at(ends) if ends is not None else None
    return {
        "source": why.source.value,
        "sources": sorted({p.source.value for p in schedule.busy_times.periods(now)}),
        "until": until.isoformat(timespec="seconds") if until else None,
        "what": why.what,
        "deferred": isinstance(schedule.state, Busy) and schedule.state.coming.due is not None,
    }
