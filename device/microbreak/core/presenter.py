"""Turns the core's state into what people see: screen views and status.

Pure functions of the schedule, the time and today's counts; two calls that
would look the same return equal values, so the service redraws only on change.
"""

from __future__ import annotations

import math
from datetime import datetime
from collections.abc import Mapping

from microbreak.core.now import Now
from microbreak.core.effects import Outcome
from microbreak.core.exercise import Exercise
from microbreak.core.gestures import HoldThresholds
from microbreak.storage.history import DayCounts
from microbreak.core.schedule import Schedule, State
from microbreak.core.views import DoneView, ExerciseView, HoldHint, IdleView, NoticeView, View

DONE_TITLES = {
    Outcome.COMPLETED: "Well done",
    Outcome.PARTIAL: "Break over",
    Outcome.SKIPPED: "Break skipped",
    Outcome.MISSED: "Break missed",
}


def clock_text(when) -> str:
    return when.strftime("%H:%M")


def day_and_time(when, now: Now) -> str:
    """``"14:35"`` today, ``"Mon 09:45"`` on another day."""
    local, today = when.astimezone(now.wall.tzinfo), now.wall
    return clock_text(local) if local.date() == today.date() else local.strftime("%a %H:%M")


def today_text(today: DayCounts) -> str:
    breaks = "1 break" if today.breaks == 1 else f"{today.breaks} breaks"
    sets = "1 set" if today.sets == 1 else f"{today.sets} sets"
    return f"Today: {breaks} · {sets}"


def hold_hint(state: State, held_seconds: float, thresholds: HoldThresholds) -> HoldHint:
    """What releasing the button now would do, in this state."""
    gesture = thresholds.classify(held_seconds)
    labels = {
        State.BREAK: ("Release: done", "Release: snooze", "Release: skip break"),
        State.HEADS_UP: ("Release: nothing", "Release: snooze", "Release: skip break"),
        State.IDLE: ("Release: status", "Release: status", "Release: pause"),
        State.PAUSED: ("Release: status", "Release: status", "Release: resume"),
        State.OFF_HOURS: ("Release: status", "Release: status", "Release: pause"),
    }[state]
    index = ("press", "snooze", "skip").index(gesture.value)
    return HoldHint(labels[index], round(thresholds.progress(held_seconds), 2))


FIRST_START = NoticeView(
    "Before you start",
    ("Check with your physician before you take up these exercises.",
     "Stop any exercise that hurts."),
    "Press the button to begin")


def present(schedule: Schedule, now: Now, exercises: Mapping[str, Exercise], today: DayCounts,
            thresholds: HoldThresholds, hold: HoldHint | None = None,
            exercise_since: float = 0.0, outcomes: tuple[str, ...] = ()) -> View:
    """The view for this moment; *exercise_since* is when the exercise on
    screen appeared (real monotonic seconds), which paces its animation;
    *outcomes* are today's breaks so far, oldest first."""
    snooze, skip = f"{thresholds.snooze:g}", f"{thresholds.skip:g}"
    if schedule.state is State.BREAK:
        session = schedule.session
        return ExerciseView(
            exercise=exercises[session.current],
            position=f"{session.index + 1} / {len(session.exercises)}",
            calling=session.calling,
            hint="Press: done · Hold: snooze / skip",
            hold=hold, since=exercise_since)
    if schedule.summary:
        s = schedule.summary
        at = schedule.next_break_wall(now)
        return DoneView(DONE_TITLES[s.outcome],
                        f"{s.done}/{s.total} sets"
                        + (f" · next break {day_and_time(at, now)}" if at else ""), hold=hold,
                        outcome=s.outcome.value)
    common = dict(clock=clock_text(now.wall), today=today_text(today), hold=hold,
                  dots=tuple(outcomes))
    if schedule.state is State.PAUSED:
        until = schedule.pause_.until or (schedule.pause_.until_mono is not None
                                          and now.wall_at(schedule.pause_.until_mono))
        return IdleView(headline=f"Paused until {day_and_time(until, now)}" if until
                        else "Paused", detail="No breaks until then" if until
                        else "No breaks until resumed",
                        hint=f"Hold {skip} s to resume", **common)
    if schedule.state is State.OFF_HOURS:
        at = schedule.next_break_wall(now)
        opens = schedule.next_open_wall(now)
        return IdleView(headline=f"Back {day_and_time(opens, now)}" if opens else "Off hours",
                        detail=f"First break {day_and_time(at, now)}" if at else "",
                        hint="", asleep=True, **common)
    remaining = schedule.next_break - now.mono
    if schedule.state is State.HEADS_UP:
        return IdleView(headline=f"Break in {max(math.ceil(remaining), 0)} s", detail="",
                        hint=f"Hold {snooze} s to snooze", heads_up=True, **common)
    at = schedule.next_break_wall(now)
    if not schedule.present(now):
        return IdleView(headline="Desk empty", detail="Breaks wait for you", hint="", **common)
    headline = f"Snoozed until {day_and_time(at, now)}" if schedule.snoozed \
        else f"Next break {day_and_time(at, now)}"
    soon = at is not None and abs(now.mono_at(at) - schedule.next_break) < 1
    if not soon:  # the break is after closing time: no countdown to it
        return IdleView(headline=headline, detail="", hint="", **common)
    minutes = max(math.ceil(remaining / 60), 1)
    wait = schedule.rules.interval_seconds
    return IdleView(headline=headline, detail=f"in {minutes} min", hint="",
                    countdown=min(1.0, minutes * 60 / wait), countdown_text=str(minutes),
                    **common)


def view_changes_at(schedule: Schedule, now: Now) -> float:
    """The next monotonic time the view could change by itself (clock, countdown)."""
    if schedule.state is State.HEADS_UP:
        return now.mono + 1 - (schedule.next_break - now.mono) % 1
    to_minute = 60 - (now.wall.second + now.wall.microsecond / 1e6)
    times = [now.mono + to_minute]
    if schedule.state is State.IDLE:
        left = (schedule.next_break - now.mono) % 60
        times.append(now.mono + (left or 60))
    return min(times)


def led_pattern(schedule: Schedule, storage_failing: bool = False) -> str:
    """The LED's pattern. When the history cannot be written, idle in working
    hours shows double blinks (``error``); a break shows its own patterns."""
    if schedule.state is State.HEADS_UP:
        return "pulse"
    if schedule.state is State.BREAK:
        return "blink" if schedule.session.calling else "on"
    if schedule.state is State.PAUSED:
        return "dim"
    if storage_failing and schedule.state is State.IDLE:
        return "error"
    return "off"  # idle, off hours


def status_line(schedule: Schedule, now: Now, today: DayCounts) -> str:
    """The service's state in one line, as ``systemctl status`` shows it::

        Next break 14:35 · 2 of 3 breaks done today
    """
    done = f"{today.completed} of {today.breaks} breaks done today"
    if schedule.state is State.BREAK:
        session = schedule.session
        return (f"Break on: {session.current} ({session.index + 1} of "
                f"{len(session.exercises)}) · {done}")
    if schedule.state is State.PAUSED:
        until = _paused_until(schedule, now)
        return (f"Paused until {day_and_time(datetime.fromisoformat(until), now)}"
                if until else "Paused") + f" · {done}"
    at = schedule.next_break_wall(now)
    if schedule.state is State.OFF_HOURS:
        return f"Off hours, next break {day_and_time(at, now)}" if at else "Off hours"
    if at is None:
        return f"No break ahead · {done}"
    return f"Next break {day_and_time(at, now)} · {done}"


def status(schedule: Schedule, now: Now, today: DayCounts) -> dict:
    """The service's state as data, for ``microbreak status --json``."""
    at = schedule.next_break_wall(now)
    session = schedule.session
    current = None
    if session is not None:
        current = {
            "started_at": session.started_at.isoformat(timespec="seconds"),
            "exercises": list(session.exercises),
            "confirmed": list(session.confirmed),
            "current": session.current,
            "snoozed": schedule.state is not State.BREAK,
        }
    return {
        "state": schedule.state.value,
        "next_break_at": at.isoformat(timespec="seconds") if at else None,
        "next_break_in_seconds": math.ceil((at - now.wall).total_seconds()) if at else None,
        "snoozed": schedule.snoozed,
        "snoozes_left": schedule.rules.max_snoozes - schedule.snoozes,
        "break": current,
        "paused_until": _paused_until(schedule, now),
        "present": schedule.present(now),
        "wall_clock_trusted": now.trusted,
        "today": today.as_dict(),
    }


def _paused_until(schedule: Schedule, now: Now) -> str | None:
    if schedule.state is not State.PAUSED:
        return None
    pause = schedule.pause_
    until = pause.until or (pause.until_mono is not None and now.wall_at(pause.until_mono))
    return until.isoformat(timespec="seconds") if until else None
