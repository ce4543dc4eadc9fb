"""The settings of the schedule and the device's parts: ``[schedule]``,
``[hours]``, ``[break]``, ``[button]``, ``[led]``, ``[buzzer]``, ``[sound]``,
``[guidance]``, ``[presence]`` and ``[pins]`` (sections of
:class:`~microbreak.config.settings.Settings`). Each field: its default, the
rule that says what is allowed, one line of help."""

from __future__ import annotations

from dataclasses import dataclass

from microbreak.config.values import (
    Flag,
    FolderPath,
    Number,
    OneOf,
    Periods,
    QuietPeriods,
    TimeZoneName,
    Whole,
    setting,
)
from microbreak.core.words import N_

BCM_PIN = Whole(2, 27, N_("BCM GPIO number"))


@dataclass(frozen=True)
class ScheduleSection:
    interval_minutes: int = setting(
        45, Whole(1, 480, N_("minutes")), "time from the end of one break to the start of the next"
    )
    heads_up_seconds: int = setting(
        60, Whole(0, 600, N_("seconds")), "the LED pulses this long before a break; 0 turns it off"
    )


WORKDAY = "09:00-17:30"


@dataclass(frozen=True)
class HoursSection:
    mon: str = setting(WORKDAY, Periods(), "working hours on Mondays; breaks only then")
    tue: str = setting(WORKDAY, Periods(), "on Tuesdays")
    wed: str = setting(WORKDAY, Periods(), "on Wednesdays")
    thu: str = setting(WORKDAY, Periods(), "on Thursdays")
    fri: str = setting(WORKDAY, Periods(), "on Fridays")
    sat: str = setting("", Periods(), "on Saturdays")
    sun: str = setting("", Periods(), "on Sundays")
    timezone: str = setting("", TimeZoneName(), "the zone the hours are in; empty: the system's")


@dataclass(frozen=True)
class BreakSection:
    exercises_per_break: int = setting(
        2, Whole(1, 10), "exercises in each break, rotated through the day"
    )
    recue_minutes: int = setting(
        3, Whole(1, 60, N_("minutes")), "cue again after this long without a press"
    )
    max_recues: int = setting(
        2, Whole(0, 10), "cues after the first before the break counts as missed"
    )
    snooze_minutes: int = setting(
        10, Whole(1, 120, N_("minutes")), "how long a snooze puts a break off"
    )
    max_snoozes: int = setting(2, Whole(0, 10), "snoozes allowed per break")
    summary_seconds: int = setting(
        8, Whole(1, 120, N_("seconds")), "how long the end-of-break summary stays"
    )


@dataclass(frozen=True)
class ButtonSection:
    pin: int = setting(17, BCM_PIN, "the push button, wired to GND (internal pull-up)")
    bounce_ms: int = setting(
        30, Whole(0, 500, N_("milliseconds")), "ignore contact bounce this long"
    )
    snooze_hold_seconds: float = setting(
        2.0, Number(0.5, 10, N_("seconds")), "hold this long to snooze"
    )
    skip_hold_seconds: float = setting(
        5.0, Number(1, 20, N_("seconds")), "hold this long to skip the break (idle: pause/resume)"
    )


@dataclass(frozen=True)
class LedSection:
    pin: int = setting(27, BCM_PIN, "the LED (a PWM-capable pin pulses smoothly)")


@dataclass(frozen=True)
class BuzzerSection:
    kind: str = setting(
        "passive",
        OneOf(("passive", "active", "none")),
        "passive piezo (tones), active buzzer (beeps) or none",
    )
    pin: int = setting(18, BCM_PIN, "the buzzer")


@dataclass(frozen=True)
class SoundSection:
    volume: int = setting(
        100,
        Whole(0, 100, N_("percent")),
        "loudness of the buzzer and the speaker; an active buzzer is on or off",
    )
    mute: bool = setting(False, Flag(), "no sound at all; the LED still shows every cue")
    quiet_periods: tuple = setting(
        (), QuietPeriods(), "times of day with no sound; the LED still shows every cue"
    )
    speaker: bool = setting(
        False, Flag(), "also play the cues through a speaker (the audio output)"
    )
    melodies_folder: str = setting(
        "/etc/microbreak/sounds",
        FolderPath(),
        "a NAME.rtttl file here replaces the built-in cue NAME",
    )


@dataclass(frozen=True)
class GuidanceSection:
    paced: bool = setting(
        True,
        Flag(),
        "during a set, a tick at each rep, a rising tone as a hold begins and a falling one "
        "as it ends",
    )
    spoken: bool = setting(
        True, Flag(), "with a speaker, say each step, the holds, the count and the reps"
    )
    laps: int = setting(
        2, Whole(1, 10, N_("passes")), "passes through a set guided after each call or press"
    )


@dataclass(frozen=True)
class PresenceSection:
    enabled: bool = setting(False, Flag(), "a PIR motion sensor is fitted")
    pin: int = setting(4, BCM_PIN, "the PIR sensor's output")
    empty_after_seconds: int = setting(
        60, Whole(10, 600, N_("seconds")), "no motion this long and the desk counts as empty"
    )
    away_minutes: int = setting(
        5, Whole(1, 120, N_("minutes")), "an empty desk this long is a natural break"
    )
    return_grace_seconds: int = setting(
        30,
        Whole(0, 600, N_("seconds")),
        "a break that fell due while away waits this long after the person is back",
    )


@dataclass(frozen=True)
class PinsSection:
    factory: str = setting(
        "auto",
        OneOf(("auto", "lgpio", "rpigpio", "pigpio", "native", "mock")),
        "the gpiozero pin library; auto picks the right one for the Pi",
    )
