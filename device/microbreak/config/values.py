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

from microbreak.core.words import said


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
        if self.unit:
            return said(
                "a whole number from {low} to {high} ({unit})",
                low=self.low,
                high=self.high,
                unit=said(self.unit),
            )
        return said("a whole number from {low} to {high}", low=self.low, high=self.high)

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(said("is {kind}, not a whole number", kind=_kind(value)))
        if not self.low <= value <= self.high:
            raise ValueError(said("is out of range"))
        return value


@dataclass(frozen=True)
class Number:
    low: float
    high: float
    unit: str = ""

    @property
    def allowed(self) -> str:
        low, high = format(self.low, "g"), format(self.high, "g")
        if self.unit:
            return said(
                "a number from {low} to {high} ({unit})", low=low, high=high, unit=said(self.unit)
            )
        return said("a number from {low} to {high}", low=low, high=high)

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(said("is {kind}, not a number", kind=_kind(value)))
        if not self.low <= value <= self.high:
            raise ValueError(said("is out of range"))
        return float(value)


@dataclass(frozen=True)
class OneOf:
    choices: tuple[str, ...]

    @property
    def allowed(self) -> str:
        return said("one of {choices}", choices=", ".join(f'"{c}"' for c in self.choices))

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        if value not in self.choices:
            raise ValueError(said("is not a choice"))
        return value


@dataclass(frozen=True)
class ScreenSize:
    """``"auto"`` (the display's own size), ``"none"``, or ``"WIDTHxHEIGHT"``."""

    low: tuple[int, int] = (240, 240)
    high: tuple[int, int] = (1024, 600)

    @property
    def allowed(self) -> str:
        return said(
            '"auto", "none" or "WIDTHxHEIGHT" from {low} to {high}',
            low="x".join(map(str, self.low)),
            high="x".join(map(str, self.high)),
        )

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        if value in ("auto", "none"):
            return value
        try:
            width, height = (int(n) for n in value.lower().split("x"))
        except ValueError:
            raise ValueError(said("is not a size")) from None
        if not (self.low[0] <= width <= self.high[0] and self.low[1] <= height <= self.high[1]):
            raise ValueError(said("is out of range"))
        return f"{width}x{height}"


@dataclass(frozen=True)
class LanguageTag:
    """A BCP 47 tag of a language microbreak speaks (``"de"``, ``"es-ES"``),
    or ``""`` for the system's locale."""

    @property
    def allowed(self) -> str:
        from microbreak.language import languages

        spoken = ", ".join(f'"{tag}"' for tag in languages())
        return said(
            '{languages}, with a region if you like ("es-ES"), or "" for the system\'s',
            languages=spoken,
        )

    def check(self, value: Any) -> str:
        from microbreak.language import check_tag

        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        return check_tag(value) if value else ""


@dataclass(frozen=True)
class Flag:
    @property
    def allowed(self) -> str:
        return said("true or false")

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(said("is {kind}, not true/false", kind=_kind(value)))
        return value


@dataclass(frozen=True)
class Periods:
    """A day's working periods: ``"09:00-17:30"``, ``"09:00-12:00, 13:00-17:30"``,
    or ``""`` for a day off."""

    @property
    def allowed(self) -> str:
        return said('"HH:MM-HH:MM", several separated by commas, or "" for a day off')

    def check(self, value: Any) -> str:
        from microbreak.core.workhours import parse_periods

        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        periods = parse_periods(value)  # ValueError says what is wrong
        return ", ".join(
            f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in periods
        )


@dataclass(frozen=True)
class TimeZoneName:
    @property
    def allowed(self) -> str:
        return said('"" (the system\'s time zone) or a zone name like "Europe/London"')

    def check(self, value: Any) -> str:
        import zoneinfo

        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        if value:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(said("is not a known time zone")) from None
        return value


@dataclass(frozen=True)
class QuietPeriods:
    """A list of ``"HH:MM-HH:MM"`` times of day; one may run over midnight."""

    @property
    def allowed(self) -> str:
        return said(
            'a list of "HH:MM-HH:MM" times of day, e.g. ["12:30-13:15", "22:00-07:00"], '
            "or [] for none"
        )

    def check(self, value: Any) -> tuple[str, ...]:
        from microbreak.core.quiet import QuietPeriod

        if not isinstance(value, list):
            raise ValueError(said("is {kind}, not a list", kind=_kind(value)))
        periods = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(
                    said(
                        "has {item}, which is {kind}, not text",
                        item=as_toml(item),
                        kind=_kind(item),
                    )
                )
            try:
                periods.append(str(QuietPeriod.parse(item)))
            except ValueError as reason:
                raise ValueError(
                    said("has {item}, which {reason}", item=as_toml(item), reason=reason.args[0])
                ) from None
        return tuple(periods)


@dataclass(frozen=True)
class FolderPath:
    @property
    def allowed(self) -> str:
        return said('an absolute folder path, e.g. "/etc/microbreak/sounds"')

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        if not value.startswith("/"):
            raise ValueError(said("is not an absolute path"))
        return value


@dataclass(frozen=True)
class FilePath:
    """An absolute file path, or ``""`` for none."""

    example: str = "/etc/microbreak/file"

    @property
    def allowed(self) -> str:
        return said('"" (none) or an absolute file path, e.g. "{example}"', example=self.example)

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        if value and not value.startswith("/"):
            raise ValueError(said("is not an absolute path"))
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
        extra = "".join(f"'{c}', " for c in self.extra) + "'.', '_'"
        if self.empty:
            return said(
                "\"\" ({empty}) or up to {longest} letters, digits, {extra} and '-'",
                empty=said(self.empty),
                longest=self.longest,
                extra=extra,
            )
        return said(
            "up to {longest} letters, digits, {extra} and '-'", longest=self.longest, extra=extra
        )

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        if not value and not self.empty:
            raise ValueError(said("is empty"))
        allowed = "[A-Za-z0-9._" + re.escape(self.extra) + "-]*"
        if len(value) > self.longest or not re.fullmatch(allowed, value):
            raise ValueError(said("is not such a name"))
        return value


LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True)
class CalendarSources:
    """iCalendar feeds: https URLs (webcal:// is https), http on this machine
    only, or absolute file paths."""

    @property
    def allowed(self) -> str:
        return said(
            'a list of iCalendar feeds: "https://..." URLs (or webcal://), '
            "absolute file paths, or http://127.0.0.1 URLs; [] for none"
        )

    def check(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise ValueError(said("is {kind}, not a list", kind=_kind(value)))
        sources = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(
                    said(
                        "has {item}, which is {kind}, not text",
                        item=as_toml(item),
                        kind=_kind(item),
                    )
                )
            sources.append(self._one(item))
        if len(sources) > 8:
            raise ValueError(said("has more than 8 feeds"))
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
            raise ValueError(
                said("has {source}, which is plain http off this machine: use https", source=shown)
            )
        raise ValueError(
            said(
                "has {source}, which is neither an https URL nor an absolute file path",
                source=shown,
            )
        )


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


KINDS = {
    bool: said("true/false"),
    int: said("a whole number"),
    float: said("a decimal number"),
    str: said("text"),
    list: said("a list"),
    dict: said("a table"),
}


def _kind(value: Any) -> str:
    return KINDS.get(type(value), type(value).__name__)


def as_toml(value: Any) -> str:
    """*value* as TOML writes it, for messages: ``"text"``, ``true``, ``[1, 2]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(as_toml(item) for item in value) + "]"
    return repr(value)
