"""Turns the core's state into what people see: screen views and status.

Pure functions of the schedule, the time and today's counts; two calls that
would look the same return equal values, so the service redraws only on change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from microbreak.core.busy import BusySource
from microbreak.core.effects import Outcome
from microbreak.core.exercise import Exercise
from microbreak.core.gestures import Action, HoldThresholds
from microbreak.core.now import Now
from microbreak.core.pages import page_view
from microbreak.core.progress import Figures, Viewing, next_title
from microbreak.core.schedule import Schedule
from microbreak.core.states import (
    Browsing,
    Busy,
    HeadsUp,
    Idle,
    Notice,
    OffHours,
    OnBreak,
    Paused,
    State,
    Summary,
)
from microbreak.core.totals import Totals
from microbreak.core.views import (
    DoneView,
    ExerciseView,
    HoldHint,
    IdleView,
    LedPattern,
    NoticeView,
    View,
)

DONE_TITLES = {
    Outcome.COMPLETED: "Well done",
    Outcome.PARTIAL: "Break over",
    Outcome.SKIPPED: "Break skipped",
    Outcome.MISSED: "Break missed",
}


def clock_text(when: datetime) -> str:
    return f"{when:%H:%M}"


def day_and_time(when: datetime, now: Now) -> str:
    """``"14:35"`` today, ``"Mon 09:45"`` on another day."""
    local, today = when.astimezone(now.wall.tzinfo), now.wall
    return clock_text(local) if local.date() == today.date() else local.strftime("%a %H:%M")


def today_text(today: Totals) -> str:
    breaks = "1 break" if today.breaks == 1 else f"{today.breaks} breaks"
    sets = "1 set" if today.sets == 1 else f"{today.sets} sets"
    return f"Today: {breaks} · {sets}"


RELEASE = {
    Action.BEGIN: "Release: begin",
    Action.CONFIRM: "Release: done",
    Action.SNOOZE: "Release: snooze",
    Action.SKIP: "Release: skip break",
    Action.PAUSE: "Release: pause",
    Action.RESUME: "Release: resume",
    Action.NOT_BUSY: "Release: end busy",
    Action.STATUS: "Release: status",
    Action.NOTHING: "Release: nothing",
}  # and Action.PROGRESS: "Release: " and the page it shows


def hold_hint(schedule: Schedule, held_seconds: float, thresholds: HoldThresholds) -> HoldHint:
    """What releasing the button now would do (the schedule's own table says)."""
    action = schedule.action(thresholds.classify(held_seconds))
    label = RELEASE.get(action) or f"Release: {next_title(viewing_of(schedule.state))}"
    return HoldHint(label, round(thresholds.progress(held_seconds), 2))


def viewing_of(state: State) -> Viewing | None:
    """The progress page on screen, if one is."""
    return state.viewing if isinstance(state, Browsing) else None


FIRST_START_NOTICE = "first_start"  # its name in status and the history
FIRST_START = NoticeView(
    "Before you start",
    (
        "Check with your physician before you take up these exercises.",
        "Stop any exercise that hurts.",
    ),
    "Press the button to begin",
)


def present(
    schedule: Schedule,
    now: Now,
    exercises: Mapping[str, Exercise],
    today: Totals,
    thresholds: HoldThresholds,
    hold: HoldHint | None = None,
    exercise_since: float = 0.0,
    outcomes: tuple[str, ...] = (),
    figures: Figures | None = None,
) -> View:
    """The view for this moment; *exercise_since* is when the exercise on
    screen appeared (real monotonic seconds), which paces its animation;
    *outcomes* are today's breaks so far, oldest first; *figures* what a
    progress page shows from the history."""
    state = schedule.state
    if isinstance(state, Notice):
        return replace(FIRST_START, hold=hold)
    if isinstance(state, OnBreak):
        return _break_view(state, exercises, hold, exercise_since)
    viewing = viewing_of(state)
    if viewing is not None:
        at = schedule.next_break_wall(now)
        page = page_view(
            viewing,
            today,
            outcomes,
            figures or Figures(),
            exercises,
            now.wall.weekday(),
            day_and_time(at, now) if at else None,
        )
        return replace(page, hold=hold)
    if isinstance(state, Idle) and state.summary:
        return _summary_view(schedule, state.summary, now, hold)
    common: dict[str, Any] = dict(
        clock=clock_text(now.wall), today=today_text(today), hold=hold, dots=tuple(outcomes)
    )
    if isinstance(state, Paused):
        return _paused_view(state, now, thresholds, common)
    if isinstance(state, OffHours):
        return _off_hours_view(schedule, now, common)
    if isinstance(state, Busy):
        return _busy_view(schedule, state, now, thresholds, common)
    remaining = state.coming.at - now.mono
    if isinstance(state, HeadsUp):
        return _heads_up_view(remaining, thresholds, common)
    return _waiting(schedule, state, now, remaining, common)


def _break_view(
    state: OnBreak, exercises: Mapping[str, Exercise], hold: HoldHint | None, since: float
) -> ExerciseView:
    """On a break: the exercise whose set is to be done now."""
    session = state.session
    return ExerciseView(
        exercise=exercises[session.exercises[session.index]],
        position=f"{session.index + 1} / {len(session.exercises)}",
        calling=session.calling,
        hint="Press: done · Hold: snooze / skip",
        hold=hold,
        since=since,
    )


def _summary_view(schedule: Schedule, s: Summary, now: Now, hold: HoldHint | None) -> DoneView:
    """Just after a break: how it went, and when the next one is."""
    at = schedule.next_break_wall(now)
    return DoneView(
        DONE_TITLES[s.outcome],
        f"{s.done}/{s.total} sets" + (f" · next break {day_and_time(at, now)}" if at else ""),
        hold=hold,
        outcome=s.outcome.value,
    )


def _paused_view(
    state: Paused, now: Now, thresholds: HoldThresholds, common: dict[str, Any]
) -> IdleView:
    """Paused: until when, and how to resume."""
    until = state.until_wall(now)
    return IdleView(
        headline=f"Paused until {day_and_time(until, now)}" if until else "Paused",
        detail="No breaks until then" if until else "No breaks until resumed",
        hint=f"Hold {thresholds.skip:g} s to resume",
        **common,
    )


BUSY_BECAUSE = {
    BusySource.MANUAL: "Busy",
    BusySource.CALENDAR: "Meeting",
    BusySource.HOME_ASSISTANT: "Busy",
}


def _busy_view(
    schedule: Schedule, state: Busy, now: Now, thresholds: HoldThresholds, common: dict[str, Any]
) -> IdleView:
    """Busy: until when, and that breaks wait (a break due already comes after)."""
    ends = schedule.busy_times.ends_at(now)
    at = day_and_time(now.wall_at(ends), now) if ends else None
    if now.mono >= state.coming.at:  # a break fell due: it comes after
        detail = f"Break after {at}" if at else "Break after it ends"
    else:
        detail = f"until {at}" if at else "until you end it"
    return IdleView(
        headline=BUSY_BECAUSE[state.why.source],
        detail=detail,
        hint=f"Hold {thresholds.skip:g} s to end busy",
        busy=True,
        **common,
    )


def _off_hours_view(schedule: Schedule, now: Now, common: dict[str, Any]) -> IdleView:
    """Outside working hours: the screen asleep, saying when it is back."""
    at = schedule.next_break_wall(now)
    opens = schedule.next_open_wall(now)
    return IdleView(
        headline=f"Back {day_and_time(opens, now)}" if opens else "Off hours",
        detail=f"First break {day_and_time(at, now)}" if at else "",
        hint="",
        asleep=True,
        **common,
    )


def _heads_up_view(
    remaining: float, thresholds: HoldThresholds, common: dict[str, Any]
) -> IdleView:
    """The heads-up: seconds to the break, and how to snooze it."""
    return IdleView(
        headline=f"Break in {max(math.ceil(remaining), 0)} s",
        detail="",
        hint=f"Hold {thresholds.snooze:g} s to snooze",
        heads_up=True,
        **common,
    )


def _waiting(
    schedule: Schedule, state: Idle, now: Now, remaining: float, common: dict[str, Any]
) -> IdleView:
    """Idle: when the next break is, with a countdown ring when it is today's."""
    if not schedule.present(now):
        return IdleView(headline="Desk empty", detail="Breaks wait for you", hint="", **common)
    at = schedule.next_break_wall(now)
    if at is None:  # working hours that never open
        return IdleView(headline="No break ahead", detail="", hint="", **common)
    headline = (
        f"Snoozed until {day_and_time(at, now)}"
        if state.snoozed
        else f"Next break {day_and_time(at, now)}"
    )
    if abs(now.mono_at(at) - state.coming.at) >= 1:  # after closing time: no countdown to it
        return IdleView(headline=headline, detail="", hint="", **common)
    minutes = max(math.ceil(remaining / 60), 1)
    wait = schedule.rules.interval_seconds
    return IdleView(
        headline=headline,
        detail=f"in {minutes} min",
        hint="",
        countdown=min(1.0, minutes * 60 / wait),
        countdown_text=str(minutes),
        **common,
    )


def view_changes_at(schedule: Schedule, now: Now) -> float:
    """The next monotonic time the view could change by itself (clock, countdown)."""
    state = schedule.state
    if isinstance(state, Notice):
        return float("inf")
    if isinstance(state, HeadsUp):
        return now.mono + 1 - (state.coming.at - now.mono) % 1
    to_minute = 60 - (now.wall.second + now.wall.microsecond / 1e6)
    times = [now.mono + to_minute]
    if isinstance(state, Idle):
        left = (state.coming.at - now.mono) % 60
        times.append(now.mono + (left or 60))
    return min(times)


def led_pattern(
    schedule: Schedule, storage_failing: bool = False, guided_hold: bool | None = None
) -> LedPattern:
    """The LED's pattern. When the history cannot be written, idle in working
    hours shows double blinks (``error``); a break shows its own patterns.
    *guided_hold*: with no screen, a set's guidance is under way and a hold
    is on (True) or not (False): the LED keeps its rhythm, on through a hold."""
    state = schedule.state
    if isinstance(state, HeadsUp):
        return LedPattern.PULSE
    if isinstance(state, OnBreak):
        if guided_hold is not None:
            return LedPattern.ON if guided_hold else LedPattern.OFF
        return LedPattern.BLINK if state.session.calling else LedPattern.ON
    if isinstance(state, Paused):
        return LedPattern.DIM
    if storage_failing and isinstance(state, Idle):
        return LedPattern.ERROR
    return LedPattern.OFF  # idle, off hours, the notice


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
