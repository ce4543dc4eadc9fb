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

from microbreak.config.device_settings import (
    BreakSection,
    ButtonSection,
    BuzzerSection,
    GuidanceSection,
    HoursSection,
    LedSection,
    PinsSection,
    PresenceSection,
    ScheduleSection,
    SoundSection,
)
from microbreak.config.display_settings import DisplaySection, ScreenSection
from microbreak.config.export_settings import ExportSection
from microbreak.config.network_settings import BusySection, CalendarSection, MqttSection
from microbreak.config.values import (
    as_toml,
)
from microbreak.core.words import said

DEFAULT_PATH = Path("/etc/microbreak/config.toml")
MAX_FILE_BYTES = 64 * 1024  # the commented example with every key is about 6 KiB
FILE_ALLOWED = said("allowed: a regular file of at most {kib} KiB", kib=MAX_FILE_BYTES // 1024)


class SettingsError(ValueError):
    """Settings that cannot be used. ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + p for p in self.problems))


# Rules: what a key allows. Each checks one value and returns it (normalised),
# or raises ValueError with the reason; ``allowed`` words what is allowed.


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
    display: DisplaySection = field(default_factory=DisplaySection)
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
    if match:
        return said("did you mean {choice}?", choice=match[0])
    return said("allowed: {choices}", choices=", ".join(choices))


def settings_from_dict(data: dict, source: str | None = None) -> Settings:
    """Validate parsed TOML *data* against the defaults; raise on any problem."""
    problems: list[str] = []
    defaults = Settings()
    sections = dict(_sections(defaults))
    attrs = {f.metadata.get("key", f.name): f.name for f in fields(defaults)}
    changed: dict[str, Any] = {}
    for name, table in data.items():
        if name not in sections:
            problems.append(
                said(
                    "[{section}] is not a section; {hint}",
                    section=_key(name),
                    hint=_closest(name, sections),
                )
            )
            continue
        if not isinstance(table, dict):
            problems.append(
                said(
                    "{name} must be a table: write [{name}] on its own line, then its keys",
                    name=name,
                )
            )
            continue
        section = sections[name]
        known = {f.name: f for f in fields(section)}
        values = {}
        for key, value in table.items():
            full = f"{name}.{_key(key)}"
            if key not in known:
                options = [f"{name}.{k}" for k in known]
                problems.append(
                    said("{key} is not a setting; {hint}", key=full, hint=_closest(full, options))
                )
                continue
            rule = known[key].metadata["rule"]
            try:
                values[key] = rule.check(value)
            except ValueError as reason:
                problems.append(
                    said(
                        "{key} = {value} {reason}; allowed: {allowed}",
                        key=full,
                        value=as_toml(value),
                        reason=reason.args[0],
                        allowed=rule.allowed,
                    )
                )
        changed[attrs[name]] = replace(section, **values)
    settings = replace(defaults, **changed)
    problems += _cross_checks(settings)
    if problems:
        raise SettingsError(problems, source)
    return settings


def _cross_checks(settings: Settings) -> list[str]:
    problems: list[str] = []
    pins = {"button.pin": settings.button.pin, "led.pin": settings.led.pin}
    if settings.buzzer.kind != "none":
        pins["buzzer.pin"] = settings.buzzer.pin
    if settings.presence.enabled:
        pins["presence.pin"] = settings.presence.pin
    seen: dict[int, str] = {}
    for key, pin in pins.items():
        if pin in seen:
            problems.append(
                said(
                    "{key} = {pin} is already used by {other}; allowed: a pin no other part uses",
                    key=key,
                    pin=pin,
                    other=seen[pin],
                )
            )
        seen.setdefault(pin, key)
    if settings.button.skip_hold_seconds <= settings.button.snooze_hold_seconds:
        problems.append(
            said(
                "button.skip_hold_seconds = {skip} is not longer than "
                "button.snooze_hold_seconds = {snooze}; "
                "allowed: a skip hold longer than the snooze hold",
                skip=format(settings.button.skip_hold_seconds, "g"),
                snooze=format(settings.button.snooze_hold_seconds, "g"),
            )
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
        raise SettingsError([said("not valid TOML: {why}", why=str(exc))], source) from None
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
                said(
                    "no such settings file (give an existing file, or leave "
                    "--config and MICROBREAK_CONFIG unset for the defaults)"
                )
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
        why = str(exc.strerror or exc)
        raise SettingsError([said("cannot be read: {why}", why=why)], str(path)) from None
    except UnicodeDecodeError as exc:
        raise SettingsError([said("is not UTF-8 text: {why}", why=str(exc))], str(path)) from None
    except SettingsError as exc:
        raise SettingsError(exc.problems, str(path)) from None


_KINDS = {
    stat.S_IFIFO: said("a FIFO"),
    stat.S_IFCHR: said("a character device"),
    stat.S_IFBLK: said("a block device"),
    stat.S_IFDIR: said("a folder"),
    stat.S_IFSOCK: said("a socket"),
}


def _check_regular(st: os.stat_result) -> None:
    kind = stat.S_IFMT(st.st_mode)
    if kind != stat.S_IFREG:
        what = _KINDS.get(kind, said("not a file"))
        raise SettingsError(
            [said("is {kind}, not a regular file; {allowed}", kind=what, allowed=FILE_ALLOWED)]
        )
    _check_size(st.st_size)


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise SettingsError(
            [
                said(
                    "is larger than {kib} KiB ({size} bytes); {allowed}",
                    kib=MAX_FILE_BYTES // 1024,
                    size=format(size, ","),
                    allowed=FILE_ALLOWED,
                )
            ]
        )
