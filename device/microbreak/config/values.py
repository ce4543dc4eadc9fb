"""What a setting allows: each kind of value, checked, with the words that
say what is allowed when a value is not::

    >>> Whole(1, 480, "minutes").check(30)
    30
    >>> Whole(1, 480, "minutes").allowed
    'a whole number from 1 to 480 (minutes)'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


def setting(default: Any, rule: Any, help: str) -> Any:
    """A settings field: its default, its rule, one line of help."""
    return field(default=default, metadata={"rule": rule, "help": help})


@dataclass(frozen=True)
class Whole:
    low: int
    high: int
    unit: str = ""

    @property
    def allowed(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"a whole number from {self.low} to {self.high}{unit}"

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"is {_kind(value)}, not a whole number")
        if not self.low <= value <= self.high:
            raise ValueError("is out of range")
        return value


@dataclass(frozen=True)
class Number:
    low: float
    high: float
    unit: str = ""

    @property
    def allowed(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"a number from {self.low:g} to {self.high:g}{unit}"

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"is {_kind(value)}, not a number")
        if not self.low <= value <= self.high:
            raise ValueError("is out of range")
        return float(value)


@dataclass(frozen=True)
class OneOf:
    choices: tuple[str, ...]

    @property
    def allowed(self) -> str:
        return "one of " + ", ".join(f'"{c}"' for c in self.choices)

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        if value not in self.choices:
            raise ValueError("is not a choice")
        return value


@dataclass(frozen=True)
class ScreenSize:
    """``"auto"`` (the display's own size), ``"none"``, or ``"WIDTHxHEIGHT"``."""

    low: tuple[int, int] = (240, 240)
    high: tuple[int, int] = (1024, 600)

    @property
    def allowed(self) -> str:
        return (
            f'"auto", "none" or "WIDTHxHEIGHT" from {self.low[0]}x{self.low[1]} '
            f"to {self.high[0]}x{self.high[1]}"
        )

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        if value in ("auto", "none"):
            return value
        try:
            width, height = (int(n) for n in value.lower().split("x"))
        except ValueError:
            raise ValueError("is not a size") from None
        if not (self.low[0] <= width <= self.high[0] and self.low[1] <= height <= self.high[1]):
            raise ValueError("is out of range")
        return f"{width}x{height}"


@dataclass(frozen=True)
class Flag:
    @property
    def allowed(self) -> str:
        return "true or false"

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"is {_kind(value)}, not true/false")
        return value


@dataclass(frozen=True)
class Periods:
    """A day's working periods: ``"09:00-17:30"``, ``"09:00-12:00, 13:00-17:30"``,
    or ``""`` for a day off."""

    @property
    def allowed(self) -> str:
        return '"HH:MM-HH:MM", several separated by commas, or "" for a day off'

    def check(self, value: Any) -> str:
        from microbreak.core.workhours import parse_periods

        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        periods = parse_periods(value)  # ValueError says what is wrong
        return ", ".join(
            f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in periods
        )


@dataclass(frozen=True)
class TimeZoneName:
    @property
    def allowed(self) -> str:
        return '"" (the system\'s time zone) or a zone name like "Europe/London"'

    def check(self, value: Any) -> str:
        import zoneinfo

        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        if value:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError("is not a known time zone") from None
        return value


@dataclass(frozen=True)
class QuietPeriods:
    """A list of ``"HH:MM-HH:MM"`` times of day; one may run over midnight."""

    @property
    def allowed(self) -> str:
        return (
            'a list of "HH:MM-HH:MM" times of day, e.g. ["12:30-13:15", "22:00-07:00"], '
            "or [] for none"
        )

    def check(self, value: Any) -> tuple[str, ...]:
        from microbreak.core.quiet import QuietPeriod

        if not isinstance(value, list):
            raise ValueError(f"is {_kind(value)}, not a list")
        periods = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"has {as_toml(item)}, which is {_kind(item)}, not text")
            try:
                periods.append(str(QuietPeriod.parse(item)))
            except ValueError as reason:
                raise ValueError(f"has {as_toml(item)}, which {reason}") from None
        return tuple(periods)


@dataclass(frozen=True)
class FolderPath:
    @property
    def allowed(self) -> str:
        return 'an absolute folder path, e.g. "/etc/microbreak/sounds"'

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        if not value.startswith("/"):
            raise ValueError("is not an absolute path")
        return value


class PromFile:
    @property
    def allowed(self) -> str:
        return (
            "an absolute path ending in .prom (node_exporter reads no other), e.g. "
            '"/var/lib/prometheus/node-exporter/microbreak.prom", or "" for none'
        )

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        if value and not (value.startswith("/") and value.endswith(".prom")):
            raise ValueError("is not an absolute path ending in .prom")
        return value


@dataclass(frozen=True)
class FilePath:
    """An absolute file path, or ``""`` for none."""

    example: str = "/etc/microbreak/file"

    @property
    def allowed(self) -> str:
        return f'"" (none) or an absolute file path, e.g. "{self.example}"'

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        if value and not value.startswith("/"):
            raise ValueError("is not an absolute path")
        return value


@dataclass(frozen=True)
class Name:
    """A short name of letters, digits and ``._-`` (a host name, a topic's
    part, a user name); ``""`` where *empty* says what none means."""

    empty: str = ""
    longest: int = 64
    extra: str = ""  # other characters allowed: "@+" for an e-mail address

    @property
    def allowed(self) -> str:
        none = f'"" ({self.empty}) or ' if self.empty else ""
        extra = "".join(f"'{c}', " for c in self.extra)
        return f"{none}up to {self.longest} letters, digits, {extra}'.', '_' and '-'"

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not text")
        if not value and not self.empty:
            raise ValueError("is empty")
        allowed = "[A-Za-z0-9._" + re.escape(self.extra) + "-]*"
        if len(value) > self.longest or not re.fullmatch(allowed, value):
            raise ValueError("is not such a name")
        return value


LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True)
class CalendarSources:
    """iCalendar feeds: https URLs (webcal:// is https), http on this machine
    only, or absolute file paths."""

    @property
    def allowed(self) -> str:
        return (
            'a list of iCalendar feeds: "https://..." URLs (or webcal://), '
            "absolute file paths, or http://127.0.0.1 URLs; [] for none"
        )

    def check(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise ValueError(f"is {_kind(value)}, not a list")
        sources = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"has {as_toml(item)}, which is {_kind(item)}, not text")
            sources.append(self._one(item))
        if len(sources) > 8:
            raise ValueError("has more than 8 feeds")
        return tuple(sources)

    def _one(self, item: str) -> str:
        from urllib.parse import urlsplit

        if item.startswith("/"):
            return item
        if item.startswith("webcal://"):
            item = "https://" + item[len("webcal://") :]
        parts = urlsplit(item)
        shown = redact(item)
        if parts.scheme == "https" and parts.hostname:
            return item
        if parts.scheme == "http" and parts.netloc.rsplit("@", 1)[-1].split(":")[0] in (
            "127.0.0.1",
            "localhost",
        ):
            return item
        if parts.scheme == "http":
            raise ValueError(f"has {shown}, which is plain http off this machine: use https")
        raise ValueError(f"has {shown}, which is neither an https URL nor an absolute file path")


def redact(source: str) -> str:
    """A feed's address as logs and messages show it: no user or password,
    no query, and of the path only its last part (calendar services put
    secret tokens there)::

        >>> redact("https://me:secret@cal.example/private-abc123/basic.ics?key=x")
        'https://cal.example/…/basic.ics'
    """
    from urllib.parse import urlsplit

    if source.startswith("/"):
        return source
    try:
        parts = urlsplit(source)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an address that cannot be read)"
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    middle = "/…/" if parts.path.count("/") > 1 else "/"
    return f"{parts.scheme}://{host}{port}{middle}{last}"


def _kind(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a whole number",
        float: "a decimal number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def as_toml(value: Any) -> str:
    """*value* as TOML writes it, for messages: ``"text"``, ``true``, ``[1, 2]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(as_toml(item) for item in value) + "]"
    return repr(value)
