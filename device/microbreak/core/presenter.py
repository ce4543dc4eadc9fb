"""Turns the core's state into what people see: screen views and status.

Pure functions of the schedule, the time and today's counts; two calls that
would look the same return equal values, so the service redraws only on change.
Every word of a view is in the language of the :class:`~microbreak.core.words.Words`
handed in (English as written by default); the status is data, and its line
for ``systemctl status`` English, as the log is.
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
from microbreak.core.progress import Figures, Page, Viewing, next_page
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
from microbreak.core.words import ENGLISH, N_, Words

DONE_TITLES = {
    Outcome.COMPLETED: N_("Well done"),
    Outcome.PARTIAL: N_("Break over"),
    Outcome.SKIPPED: N_("Break skipped"),
    Outcome.MISSED: N_("Break missed"),
}


def day_and_time(when: datetime, now: Now, words: Words = ENGLISH) -> str:
    """``"14:35"`` today, ``"Mon 09:45"`` on another day (in *words*' forms)."""
    local, today = when.astimezone(now.wall.tzinfo), now.wall
    if local.date() == today.date():
        return words.time(local)
    return words.weekday_time(local)


def today_text(today: Totals, words: Words = ENGLISH) -> str:
    breaks = words.ngettext("{count} break", "{count} breaks", today.breaks)
    sets = words.ngettext("{count} set", "{count} sets", today.sets)
    return words.gettext("Today: {breaks} · {sets}").format(
        breaks=breaks.format(count=today.breaks), sets=sets.format(count=today.sets)
    )


RELEASE = {
    # Translators: shown while the button is held: what letting go does now.
    Action.BEGIN: N_("Release: begin"),
    Action.CONFIRM: N_("Release: done"),
    Action.SNOOZE: N_("Release: snooze"),
    Action.SKIP: N_("Release: skip break"),
    Action.PAUSE: N_("Release: pause"),
    Action.RESUME: N_("Release: resume"),
    Action.NOT_BUSY: N_("Release: end busy"),
    Action.STATUS: N_("Release: status"),
    Action.NOTHING: N_("Release: nothing"),
}
RELEASE_PAGE = {  # Action.PROGRESS: the page a press shows next
    # Translators: shown while the button is held: a press shows this progress page.
    Page.TODAY: N_("Release: today"),
    Page.WEEK: N_("Release: this week"),
    Page.STREAK: N_("Release: streak"),
    None: N_("Release: back"),
}


def hold_hint(
    schedule: Schedule, held_seconds: float, thresholds: HoldThresholds, words: Words = ENGLISH
) -> HoldHint:
    """What releasing the button now would do (the schedule's own table says)."""
    action = schedule.action(thresholds.classify(held_seconds))
    label = RELEASE.get(action) or RELEASE_PAGE[next_page(viewing_of(schedule.state))]
    return HoldHint(words.gettext(label), round(thresholds.progress(held_seconds), 2))


def viewing_of(state: State) -> Viewing | None:
    """The progress page on screen, if one is."""
    return state.viewing if isinstance(state, Browsing) else None


FIRST_START_NOTICE = "first_start"  # its name in status and the history


def first_start(words: Words = ENGLISH) -> NoticeView:
    """The health notice a new device shows until someone presses the button."""
    _ = words.gettext
    return NoticeView(
        _("Before you start"),
        (
            _("Check with your physician before you take up these exercises."),
            _("Stop any exercise that hurts."),
        ),
        _("Press the button to begin"),
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
    words: Words = ENGLISH,
) -> View:
    """The view for this moment; *exercise_since* is when the exercise on
    screen appeared (real monotonic seconds), which paces its animation;
    *outcomes* are today's breaks so far, oldest first; *figures* what a
    progress page shows from the history. *exercises* are worded in
    *words*' language already (:func:`~microbreak.core.words.exercise_in`)."""
    state = schedule.state
    if isinstance(state, Notice):
        return replace(first_start(words), hold=hold)
    if isinstance(state, OnBreak):
        return _break_view(state, exercises, hold, exercise_since, words)
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
            day_and_time(at, now, words) if at else None,
            words,
        )
        return replace(page, hold=hold)
    if isinstance(state, Idle) and state.summary:
        return _summary_view(schedule, state.summary, now, hold, words)
    common: dict[str, Any] = dict(
        clock=words.time(now.wall), today=today_text(today, words), hold=hold, dots=tuple(outcomes)
    )
    if isinstance(state, Paused):
        return _paused_view(state, now, thresholds, common, words)
    if isinstance(state, OffHours):
        return _off_hours_view(schedule, now, common, words)
    if isinstance(state, Busy):
        return _busy_view(schedule, state, now, thresholds, common, words)
    remaining = state.coming.at - now.mono
    if isinstance(state, HeadsUp):
        return _heads_up_view(remaining, thresholds, common, words)
    return _waiting(schedule, state, now, remaining, common, words)


def dose(exercise: Exercise, words: Words = ENGLISH) -> str:
    """The set in words: ``'5 reps · hold 5 s'``, or ``'5 reps'`` with no hold."""
    reps = words.ngettext("{count} rep", "{count} reps", exercise.reps)
    reps = reps.format(count=exercise.reps)
    if not exercise.hold_seconds:
        return reps
    hold = words.gettext("hold {seconds} s").format(seconds=exercise.hold_seconds)
    return f"{reps} · {hold}"


def _break_view(
    state: OnBreak,
    exercises: Mapping[str, Exercise],
    hold: HoldHint | None,
    since: float,
    words: Words,
) -> ExerciseView:
    """On a break: the exercise whose set is to be done now."""
    session = state.session
    exercise = exercises[session.exercises[session.index]]
    return ExerciseView(
        exercise=exercise,
        position=f"{session.index + 1} / {len(session.exercises)}",
        calling=session.calling,
        hint=words.gettext("Press: done · Hold: snooze / skip"),
        hold=hold,
        since=since,
        dose=dose(exercise, words),
    )


def _summary_view(
    schedule: Schedule, s: Summary, now: Now, hold: HoldHint | None, words: Words
) -> DoneView:
    """Just after a break: how it went, and when the next one is."""
    at = schedule.next_break_wall(now)
    sets = words.ngettext("{done}/{total} set", "{done}/{total} sets", s.total)
    summary = sets.format(done=s.done, total=s.total)
    if at:
        summary = words.gettext("{sets} · next break {time}").format(
            sets=summary, time=day_and_time(at, now, words)
        )
    return DoneView(
        words.gettext(DONE_TITLES[s.outcome]), summary, hold=hold, outcome=s.outcome.value
    )


def _paused_view(
    state: Paused, now: Now, thresholds: HoldThresholds, common: dict[str, Any], words: Words
) -> IdleView:
    """Paused: until when, and how to resume."""
    _ = words.gettext
    until = state.until_wall(now)
    return IdleView(
        headline=(
            _("Paused until {time}").format(time=day_and_time(until, now, words))
            if until
            else _("Paused")
        ),
        detail=_("No breaks until then") if until else _("No breaks until resumed"),
        hint=_("Hold {seconds} s to resume").format(seconds=words.number(thresholds.skip)),
        **common,
    )


BUSY_BECAUSE = {
    BusySource.MANUAL: N_("Busy"),
    BusySource.CALENDAR: N_("Meeting"),
    BusySource.HOME_ASSISTANT: N_("Busy"),
}


def _busy_view(
    schedule: Schedule,
    state: Busy,
    now: Now,
    thresholds: HoldThresholds,
    common: dict[str, Any],
    words: Words,
) -> IdleView:
    """Busy: until when, and that breaks wait (a break due already comes after)."""
    _ = words.gettext
    ends = schedule.busy_times.ends_at(now)
    at = day_and_time(now.wall_at(ends), now, words) if ends else None
    if now.mono >= state.coming.at:  # a break fell due: it comes after
        detail = _("Break after {time}").format(time=at) if at else _("Break after it ends")
    else:
        detail = _("until {time}").format(time=at) if at else _("until you end it")
    return IdleView(
        headline=_(BUSY_BECAUSE[state.why.source]),
        detail=detail,
        hint=_("Hold {seconds} s to end busy").format(seconds=words.number(thresholds.skip)),
        busy=True,
        **common,
    )


def _off_hours_view(schedule: Schedule, now: Now, common: dict[str, Any], words: Words) -> IdleView:
    """Outside working hours: the screen asleep, saying when it is back."""
    _ = words.gettext
    at = schedule.next_break_wall(now)
    opens = schedule.next_open_wall(now)
    return IdleView(
        headline=(
            _("Back {time}").format(time=day_and_time(opens, now, words))
            if opens
            else _("Off hours")
        ),
        detail=_("First break {time}").format(time=day_and_time(at, now, words)) if at else "",
        hint="",
        asleep=True,
        **common,
    )


def _heads_up_view(
    remaining: float, thresholds: HoldThresholds, common: dict[str, Any], words: Words
) -> IdleView:
    """The heads-up: seconds to the break, and how to snooze it."""
    _ = words.gettext
    return IdleView(
        headline=_("Break in {seconds} s").format(seconds=max(math.ceil(remaining), 0)),
        detail="",
        hint=_("Hold {seconds} s to snooze").format(seconds=words.number(thresholds.snooze)),
        heads_up=True,
        **common,
    )


def _waiting(
    schedule: Schedule,
    state: Idle,
    now: Now,
    remaining: float,
    common: dict[str, Any],
    words: Words,
) -> IdleView:
    """Idle: when the next break is, with a countdown ring when it is today's."""
    _ = words.gettext
    if not schedule.present(now):
        return IdleView(
            headline=_("Desk empty"), detail=_("Breaks wait for you"), hint="", **common
        )
    at = schedule.next_break_wall(now)
    if at is None:  # working hours that never open
        return IdleView(headline=_("No break ahead"), detail="", hint="", **common)
    when = day_and_time(at, now, words)
    headline = (
        _("Snoozed until {time}").format(time=when)
        if state.snoozed
        else _("Next break {time}").format(time=when)
    )
    if abs(now.mono_at(at) - state.coming.at) >= 1:  # after closing time: no countdown to it
        return IdleView(headline=headline, detail="", hint="", **common)
    minutes = max(math.ceil(remaining / 60), 1)
    wait = schedule.rules.interval_seconds
    return IdleView(
        headline=headline,
        detail=_("in {minutes} min").format(minutes=minutes),
        hint="",
        countdown=min(1.0, minutes * 60 / wait),
        countdown_text=str(minutes),
        # Translators: minutes, under the number in the countdown ring.
        countdown_unit=_("min"),
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
