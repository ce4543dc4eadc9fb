"""Settings: built-in defaults, overridden by a TOML file, always validated.

Every setting is a field of one of the section classes below, with the rule
that says what is allowed. A file is read whole and checked whole; any problem
refuses the file, and each message names the key, the bad value and what is
allowed::

    >>> settings = parse_settings("[schedule]\\ninterval_minutes = 30\\n")
    >>> settings.schedule.interval_minutes
    30
    >>> parse_settings("[schedule]\\ninterval_minutes = 0\\n")
    Traceback (most recent call last):
      ...
    microbreak.config.settings.SettingsError: schedule.interval_minutes = 0 is out of range; ...
"""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from microbreak.config.network_settings import BusySection, CalendarSection, MqttSection
from microbreak.config.values import (
    Flag,
    FolderPath,
    Number,
    OneOf,
    Periods,
    PromFile,
    QuietPeriods,
    ScreenSize,
    TimeZoneName,
    Whole,
    as_toml,
    setting,
)

DEFAULT_PATH = Path("/etc/microbreak/config.toml")
MAX_FILE_BYTES = 64 * 1024  # the commented example with every key is about 6 KiB
FILE_ALLOWED = f"allowed: a regular file of at most {MAX_FILE_BYTES // 1024} KiB"


class SettingsError(ValueError):
    """Settings that cannot be used. ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + p for p in self.problems))


# Rules: what a key allows. Each checks one value and returns it (normalised),
# or raises ValueError with the reason; ``allowed`` words what is allowed.


BCM_PIN = Whole(2, 27, "BCM GPIO number")


@dataclass(frozen=True)
class ScheduleSection:
    interval_minutes: int = setting(
        45, Whole(1, 480, "minutes"), "time from the end of one break to the start of the next"
    )
    heads_up_seconds: int = setting(
        60, Whole(0, 600, "seconds"), "the LED pulses this long before a break; 0 turns it off"
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
        3, Whole(1, 60, "minutes"), "cue again after this long without a press"
    )
    max_recues: int = setting(
        2, Whole(0, 10), "cues after the first before the break counts as missed"
    )
    snooze_minutes: int = setting(
        10, Whole(1, 120, "minutes"), "how long a snooze puts a break off"
    )
    max_snoozes: int = setting(2, Whole(0, 10), "snoozes allowed per break")
    summary_seconds: int = setting(
        8, Whole(1, 120, "seconds"), "how long the end-of-break summary stays"
    )


@dataclass(frozen=True)
class ButtonSection:
    pin: int = setting(17, BCM_PIN, "the push button, wired to GND (internal pull-up)")
    bounce_ms: int = setting(30, Whole(0, 500, "milliseconds"), "ignore contact bounce this long")
    snooze_hold_seconds: float = setting(
        2.0, Number(0.5, 10, "seconds"), "hold this long to snooze"
    )
    skip_hold_seconds: float = setting(
        5.0, Number(1, 20, "seconds"), "hold this long to skip the break (idle: pause/resume)"
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
        Whole(0, 100, "percent"),
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
        2, Whole(1, 10, "passes"), "passes through a set guided after each call or press"
    )


@dataclass(frozen=True)
class PresenceSection:
    enabled: bool = setting(False, Flag(), "a PIR motion sensor is fitted")
    pin: int = setting(4, BCM_PIN, "the PIR sensor's output")
    empty_after_seconds: int = setting(
        60, Whole(10, 600, "seconds"), "no motion this long and the desk counts as empty"
    )
    away_minutes: int = setting(
        5, Whole(1, 120, "minutes"), "an empty desk this long is a natural break"
    )
    return_grace_seconds: int = setting(
        30,
        Whole(0, 600, "seconds"),
        "a break that fell due while away waits this long after the person is back",
    )


@dataclass(frozen=True)
class ScreenSection:
    size: str = setting("auto", ScreenSize(), "the screen size, or none for no screen")
    output: str = setting(
        "auto",
        OneOf(("auto", "kms", "sdl")),
        "how the picture reaches the screen: kms (the kernel's mode "
        "setting, no GL), sdl (a window, or SDL's KMS/DRM driver), or "
        "auto: kms on a console, sdl in a desktop session",
    )


@dataclass(frozen=True)
class PinsSection:
    factory: str = setting(
        "auto",
        OneOf(("auto", "lgpio", "rpigpio", "pigpio", "native", "mock")),
        "the gpiozero pin library; auto picks the right one for the Pi",
    )


@dataclass(frozen=True)
class ExportSection:
    prometheus_textfile: str = setting("", PromFile(), "a .prom file for node_exporter, or none")


@dataclass(frozen=True)
class Settings:
    schedule: ScheduleSection = field(default_factory=ScheduleSection)
    hours: HoursSection = field(default_factory=HoursSection)
    break_: BreakSection = field(default_factory=BreakSection, metadata={"key": "break"})
    button: ButtonSection = field(default_factory=ButtonSection)
    led: LedSection = field(default_factory=LedSection)
    buzzer: BuzzerSection = field(default_factory=BuzzerSection)
    sound: SoundSection = field(default_factory=SoundSection)
    guidance: GuidanceSection = field(default_factory=GuidanceSection)
    presence: PresenceSection = field(default_factory=PresenceSection)
    busy: BusySection = field(default_factory=BusySection)
    calendar: CalendarSection = field(default_factory=CalendarSection)
    mqtt: MqttSection = field(default_factory=MqttSection)
    screen: ScreenSection = field(default_factory=ScreenSection)
    pins: PinsSection = field(default_factory=PinsSection)
    export: ExportSection = field(default_factory=ExportSection)

    def items(self):
        """Yield ``(key, value, default, help)`` for every setting, in order::

        >>> next(Settings().items())[:3]
        ('schedule.interval_minutes', 45, 45)
        """
        for section, section_value in _sections(self):
            for f in fields(section_value):
                yield (
                    f"{section}.{f.name}",
                    getattr(section_value, f.name),
                    f.default,
                    f.metadata["help"],
                )


def _sections(settings: Settings):
    for f in fields(settings):
        yield f.metadata.get("key", f.name), getattr(settings, f.name)


def _closest(word: str, choices) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else f"; allowed: {', '.join(choices)}"


def settings_from_dict(data: dict, source: str | None = None) -> Settings:
    """Validate parsed TOML *data* against the defaults; raise on any problem."""
    problems: list[str] = []
    defaults = Settings()
    sections = dict(_sections(defaults))
    attrs = {f.metadata.get("key", f.name): f.name for f in fields(defaults)}
    changed: dict[str, Any] = {}
    for name, table in data.items():
        if name not in sections:
            problems.append(f"[{_key(name)}] is not a section{_closest(name, sections)}")
            continue
        if not isinstance(table, dict):
            problems.append(
                f"{name} must be a table: write [{name}] on its own line, then its keys"
            )
            continue
        section = sections[name]
        known = {f.name: f for f in fields(section)}
        values = {}
        for key, value in table.items():
            full = f"{name}.{_key(key)}"
            if key not in known:
                options = [f"{name}.{k}" for k in known]
                problems.append(f"{full} is not a setting{_closest(full, options)}")
                continue
            rule = known[key].metadata["rule"]
            try:
                values[key] = rule.check(value)
            except ValueError as reason:
                problems.append(f"{full} = {as_toml(value)} {reason}; allowed: {rule.allowed}")
        changed[attrs[name]] = replace(section, **values)
    settings = replace(defaults, **changed)
    problems += _cross_checks(settings)
    if problems:
        raise SettingsError(problems, source)
    return settings


def _cross_checks(settings: Settings) -> list[str]:
    problems = []
    pins = {"button.pin": settings.button.pin, "led.pin": settings.led.pin}
    if settings.buzzer.kind != "none":
        pins["buzzer.pin"] = settings.buzzer.pin
    if settings.presence.enabled:
        pins["presence.pin"] = settings.presence.pin
    seen: dict[int, str] = {}
    for key, pin in pins.items():
        if pin in seen:
            problems.append(
                f"{key} = {pin} is already used by {seen[pin]}; allowed: a pin no other part uses"
            )
        seen.setdefault(pin, key)
    if settings.button.skip_hold_seconds <= settings.button.snooze_hold_seconds:
        problems.append(
            f"button.skip_hold_seconds = {settings.button.skip_hold_seconds:g} is not longer than "
            f"button.snooze_hold_seconds = {settings.button.snooze_hold_seconds:g}; "
            "allowed: a skip hold longer than the snooze hold"
        )
    return problems


def _key(name: str) -> str:
    """*name* as TOML writes a key: bare when it can be, else quoted, so a
    problem stays on one line whatever the file holds."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def parse_settings(text: str, source: str | None = None) -> Settings:
    """Validate settings from TOML *text*."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([f"not valid TOML: {exc}"], source) from None
    return settings_from_dict(data, source)


def config_path(explicit: str | Path | None = None) -> Path:
    """The settings file: *explicit*, else ``$MICROBREAK_CONFIG``, else the default."""
    return Path(explicit or os.environ.get("MICROBREAK_CONFIG") or DEFAULT_PATH)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the settings file; a missing file means the defaults.

    A file named explicitly (or by ``MICROBREAK_CONFIG``) must exist.
    """
    chosen = config_path(path)
    try:
        text = read_file(chosen)
    except FileNotFoundError:
        if chosen == DEFAULT_PATH:
            return Settings()
        raise SettingsError(
            [
                "no such settings file (give an existing file, or leave "
                "--config and MICROBREAK_CONFIG unset for the defaults)"
            ],
            str(chosen),
        ) from None
    return parse_settings(text, str(chosen))


def read_file(path: Path) -> str:
    """The text of the settings file *path*, read only if it is a regular file
    of at most :data:`MAX_FILE_BYTES`: a FIFO would block the reader, a device
    such as ``/dev/zero`` never end. Raises :class:`FileNotFoundError` for no
    file, :class:`SettingsError` in one line for anything else::

        >>> read_file(Path("/dev/zero"))
        Traceback (most recent call last):
          ...
        microbreak.config.settings.SettingsError: /dev/zero: is a character device, not a ...
    """
    try:
        _check_regular(os.stat(path))  # before opening: opening a device may act
        # O_NONBLOCK: a FIFO swapped in meanwhile opens at once, then fails the check
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as file:
            _check_regular(os.fstat(fd))
            data = file.read(MAX_FILE_BYTES + 1)
        _check_size(len(data))
        return data.decode("utf-8")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise SettingsError([f"cannot be read: {exc.strerror or exc}"], str(path)) from None
    except UnicodeDecodeError as exc:
        raise SettingsError([f"is not UTF-8 text: {exc}"], str(path)) from None
    except SettingsError as exc:
        raise SettingsError(exc.problems, str(path)) from None


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
    stat.S_IFSOCK: "a socket",
}


def _check_regular(st: os.stat_result) -> None:
    kind = stat.S_IFMT(st.st_mode)
    if kind != stat.S_IFREG:
        raise SettingsError(
            [f"is {_KINDS.get(kind, 'not a file')}, not a regular file; {FILE_ALLOWED}"]
        )
    _check_size(st.st_size)


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise SettingsError(
            [f"is larger than {MAX_FILE_BYTES // 1024} KiB ({size:,} bytes); {FILE_ALLOWED}"]
        )
