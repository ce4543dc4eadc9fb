"""What the screen shows, as plain values.

The core turns its state into one of these; the screen draws it. Two views
that compare equal look the same, so the service redraws only when the view
changes. Every text is already worded and formatted here; the screen only lays
it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from microbreak.core.exercise import Exercise


class LedPattern(StrEnum):
    """What the LED shows."""

    OFF = "off"  # idle, off hours
    ON = "on"  # a break on screen, its call answered
    DIM = "dim"  # paused
    PULSE = "pulse"  # a break is coming (the heads-up)
    BLINK = "blink"  # a break calls
    ERROR = "error"  # double blinks: the history cannot be written


@dataclass(frozen=True)
class HoldHint:
    """Shown while the button is held: what a release now would do, and how far
    the hold has come towards the next gesture (0.0–1.0)."""

    label: str  # "Release: confirm", "Release: snooze", "Release: skip break"
    progress: float


@dataclass(frozen=True)
class IdleView:
    """Between breaks: the time, when the next break is, today's progress."""

    clock: str  # "14:05"
    headline: str  # "Next break 14:35", "Break in 45 s", "Paused"
    detail: str  # "in 30 min", "" when there is nothing to add
    today: str  # "Today: 3 breaks · 6 sets"
    hint: str  # "Hold 2 s to snooze" during the heads-up, else ""
    heads_up: bool = False
    hold: HoldHint | None = None
    asleep: bool = False  # outside working hours: the screen sleeps (drawn dark)
    countdown: float | None = None  # the part of the wait still to go, 1.0 → 0.0: a ring
    countdown_text: str = ""  # inside the ring: "23" (minutes)
    countdown_unit: str = ""  # under it, where there is room: "min"
    dots: tuple[str, ...] = ()  # today's breaks, oldest first: their outcomes
    busy: bool = False  # busy (a meeting): nothing calls, breaks wait


@dataclass(frozen=True)
class ExerciseView:
    """One exercise of a break, waiting for a press that confirms its set."""

    exercise: Exercise
    position: str  # "1 / 2": which exercise of this break
    calling: bool  # the cue is still calling (no press yet since it sounded)
    hint: str  # "Press: done · Hold: snooze / skip"
    hold: HoldHint | None = None
    since: float = 0.0  # real monotonic time this exercise appeared: paces its animation
    dose: str = ""  # "5 reps · hold 5 s"


@dataclass(frozen=True)
class DoneView:
    """The end of a break, for a few seconds before going back to idle."""

    title: str  # "Well done", "Break missed", "Break skipped"
    summary: str  # "2/2 sets · next break 14:35"
    hold: HoldHint | None = None
    outcome: str = "completed"  # how the break ended (an Outcome's value): the title's colour


@dataclass(frozen=True)
class NoticeView:
    """A message the person must acknowledge with a press (the first start)."""

    title: str
    lines: tuple[str, ...]
    hint: str  # "Press the button to begin"
    hold: HoldHint | None = None


@dataclass(frozen=True)
class TodayView:
    """A progress page: today's breaks as dots, and what they add up to."""

    title: str  # "Today"
    dots: tuple[str, ...]  # today's ended breaks, oldest first: their outcomes
    headline: str  # "4 of 5 done", "No breaks yet"
    detail: str  # "8 sets · next break 14:35"
    hint: str  # "Press: this week"
    hold: HoldHint | None = None


@dataclass(frozen=True)
class DayBar:
    """One day of the week page: its breaks by outcome, drawn as a bar."""

    label: str  # "Mon"
    # (outcome, breaks), from the bottom of the bar up; "not_done": skipped or missed
    counts: tuple[tuple[str, int], ...]
    today: bool = False
    to_come: bool = False  # later this week
    letter: str = ""  # the label where it does not fit: "M", "X" (its first letter if "")


@dataclass(frozen=True)
class WeekView:
    """A progress page: a bar for each day of this week."""

    title: str  # "This week"
    days: tuple[DayBar, ...]  # Monday to Sunday
    summary: str  # "23 breaks · 91 % done"
    hint: str
    hold: HoldHint | None = None


@dataclass(frozen=True)
class StreakView:
    """A progress page: the days in a row with every break done, and the
    sets done of each exercise, most first."""

    streak: str  # "3"
    caption: str  # "days in a row"
    best: str  # "every break done · best 12"
    exercises: tuple[tuple[str, int], ...]  # (title, sets done), most first
    hint: str
    hold: HoldHint | None = None


ProgressView = TodayView | WeekView | StreakView
View = IdleView | ExerciseView | DoneView | NoticeView | TodayView | WeekView | StreakView
