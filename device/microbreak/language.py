"""The person's language: which one (``[display] language``, else the
locale), its gettext catalog, and Babel's forms of dates and times::

    >>> words = translation("de")
    >>> words.gettext("Paused")
    'Pausiert'
    >>> words.time(datetime(2026, 11, 23, 9, 45)), words.weekday_time(datetime(2026, 11, 23, 9, 45))
    ('09:45', 'Mo., 09:45')
    >>> chosen("", {"LANG": "es_ES.UTF-8"})
    'es-ES'

English needs no catalog: the messages are written in it. A locale of C or
POSIX, none at all, or a language microbreak does not speak gives
:data:`~microbreak.core.words.ENGLISH` (on a 24-hour clock, with Babel
left unloaded). The catalogs are ``locale/LANG/LC_MESSAGES/microbreak.mo``
beside ``images/`` (in the package, once built); ``tools/catalogs.py``
makes them from the ``.po`` files translators write.
"""

from __future__ import annotations

import functools
import gettext
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from microbreak.core.words import ENGLISH, Words, exercise_in, said
from microbreak.resources import data_dir

if TYPE_CHECKING:
    from microbreak.core.exercise import Exercise

DOMAIN = "microbreak"
SOURCE_LANGUAGE = "en"  # what the messages are written in
TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def locale_dir() -> Any:
    return data_dir("locale")


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages microbreak speaks: English, and one per catalog."""
    found = sorted(p.parent.parent.name for p in locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE_LANGUAGE, *found)


def primary(tag: str) -> str:
    """``"es-ES"`` → ``"es"``."""
    return tag.replace("_", "-").split("-")[0].lower()


def check_tag(tag: str) -> str:
    """*tag* (a setting's value) as a BCP 47 tag microbreak speaks,
    ``"es_es"`` → ``"es-ES"``; ValueError saying why not."""
    if not TAG.fullmatch(tag.replace("_", "-")):
        raise ValueError(said("is not a language tag"))
    if primary(tag) not in languages():
        raise ValueError(said("is not a language microbreak speaks"))
    parts = tag.replace("_", "-").split("-")
    return "-".join([parts[0].lower()] + [p.upper() if len(p) == 2 else p for p in parts[1:]])


def chosen(setting: str, environ: Mapping[str, str] = os.environ) -> str:
    """The language to speak as a BCP 47 tag: *setting* (``[display]
    language``), else the locale's, read as gettext reads it (``LANGUAGE``,
    a list like ``de:en``, unless the locale is C; then ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``); ``""`` when that is none microbreak speaks."""
    if setting:
        return setting
    locale = next((environ[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(v)), "")
    if _name(locale) in ("C", "POSIX"):
        return ""
    wanted = [_name(v) for v in environ.get("LANGUAGE", "").split(":")] + [_name(locale)]
    return next((check_tag(name) for name in wanted if name and primary(name) in languages()), "")


def _name(locale: str) -> str:
    """``"de_DE.UTF-8@euro"`` → ``"de_DE"``."""
    return locale.split(".")[0].split("@")[0]


class Translation:
    """A language's messages from its catalog and its dates, times and
    numbers in Babel's forms (CLDR's): ``Translation("es-ES")``. Babel and
    the language's CLDR data (about 9 MiB together) are loaded at the first
    date, time or number, not before: words alone (a device with no
    screen, speaking) need only the catalog."""

    def __init__(self, tag: str):
        self.language = tag
        self.catalog = gettext.translation(
            DOMAIN, locale_dir(), languages=[tag.replace("-", "_")], fallback=True
        )

    @functools.cached_property
    def locale(self) -> Any:
        """Babel's :class:`~babel.Locale` of the language."""
        from babel import Locale

        return Locale.parse(self.language, sep="-")

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message) if message else ""  # "" is the catalog's header

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.catalog.ngettext(singular, plural, count)

    def number(self, value: float) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def time(self, when: datetime) -> str:
        from babel.dates import format_time

        return format_time(when, "short", tzinfo=when.tzinfo, locale=self.locale)

    def weekday_time(self, when: datetime) -> str:
        twelve = "h" in self.locale.time_formats["short"].pattern  # "h:mm a": a 12-hour clock
        return self._skeleton("Ehm" if twelve else "EHm", when)

    def numeric_date(self, day: date) -> str:
        return self._skeleton("yMd", day)

    def weekday_date(self, day: date) -> str:
        return self._skeleton("yMEd", day)

    def weekday_name(self, weekday: int, narrow: bool = False) -> str:
        return str(self.locale.days["stand-alone"]["narrow" if narrow else "abbreviated"][weekday])

    def month_name(self, month: int) -> str:
        return str(self.locale.months["stand-alone"]["abbreviated"][month])

    def day_month(self, day: date, year: bool = True) -> str:
        return self._skeleton("yMMMd" if year else "MMMd", day)

    def month_year(self, day: date) -> str:
        return self._skeleton("yMMM", day)

    def _skeleton(self, skeleton: str, when: date) -> str:
        from babel.dates import format_skeleton

        tz = when.tzinfo if isinstance(when, datetime) else None
        return format_skeleton(skeleton, when, tzinfo=tz, locale=self.locale)


@functools.cache
def translation(tag: str) -> Words:
    """The words of *tag* (see :func:`chosen`): plain English for ``""``."""
    return Translation(tag) if tag else ENGLISH


def speaking(setting: str, exercises: Iterable[Exercise]) -> tuple[Words, dict[str, Exercise]]:
    """The language *setting* (``[display] language``) chooses, else the
    locale's, and *exercises* worded in it, by name."""
    words = translation(chosen(setting))
    return words, {e.name: exercise_in(words, e) for e in exercises}


def espeak_voice(tag: str) -> str:
    """The espeak-ng voice that speaks *tag*: ``"de"``, ``"en-us"``, ``"es-419"``."""
    language, *rest = tag.lower().replace("_", "-").split("-") if tag else ["en"]
    region = rest[0] if rest else ""
    if language == "en":
        return "en-us" if region == "us" else "en"
    if language == "es" and region and region != "es":
        return "es-419"  # Latin American Spanish
    return language
