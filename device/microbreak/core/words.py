"""The words people read and hear, in their language: the seam between the
core, which words everything it shows, and the catalogs, which the shells
load. The core is handed a :class:`Words` and never reads a locale itself::

    >>> ENGLISH.gettext("Paused")
    'Paused'
    >>> ENGLISH.ngettext("{count} break", "{count} breaks", 3).format(count=3)
    '3 breaks'

:class:`PlainEnglish` is English with a 24-hour clock and no catalog, for the
core's own defaults and its tests; :mod:`microbreak.language` makes the
real thing from the gettext catalogs and Babel's forms of dates and times.
Messages are written in English with ``{name}`` placeholders, marked where
they are written (a call of ``gettext``, ``ngettext`` or :func:`N_`) so the
catalogs' extraction finds each one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from microbreak.core.exercise import Exercise


class Words(Protocol):
    """A language: its messages, and its forms of a time of day."""

    @property
    def language(self) -> str:
        """The BCP 47 tag spoken: ``"en"``, ``"de"``, ``"es-ES"``."""
        ...

    def gettext(self, message: str) -> str:
        """*message* in this language (as written when there is no translation)."""
        ...

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of a message that fits *count*, in this language."""
        ...

    def number(self, value: float) -> str:
        """A number as the language writes it: ``"2.5"``, ``"2,5"``."""
        ...

    def time(self, when: datetime) -> str:
        """A time of day, short: ``"14:35"``, ``"2:35 PM"``."""
        ...

    def weekday_time(self, when: datetime) -> str:
        """A time on another day of the week, short: ``"Mon 09:45"``, ``"Mo., 09:45"``."""
        ...

    def numeric_date(self, day: date) -> str:
        """A day, in numbers: ``"2026-11-23"``, ``"23.11.2026"``."""
        ...

    def weekday_date(self, day: date) -> str:
        """A day with its weekday: ``"Mon 2026-11-23"``, ``"Mo., 23.11.2026"``."""
        ...

    def weekday_name(self, weekday: int, narrow: bool = False) -> str:
        """A weekday (Monday 0) as a label: ``"Mon"``, ``"Mi"``, ``"mié"``;
        *narrow*: a letter or so, ``"W"``, ``"X"``."""
        ...

    def month_name(self, month: int) -> str:
        """A month (January 1) as a label: ``"Jun"``, ``"Mär"``, ``"sept"``."""
        ...

    def day_month(self, day: date, year: bool = True) -> str:
        """A day with its month's name: ``"8 Jun 2026"``, ``"8. Juni 2026"``;
        without the *year*, ``"8 Jun"``."""
        ...

    def month_year(self, day: date) -> str:
        """The month of *day*: ``"Jun 26"``, ``"Juni 2026"``."""
        ...


def N_(message: str) -> str:
    """Mark *message* for the catalogs where it is written; it is translated
    where it is shown (``words.gettext(message)``)."""
    return message


@dataclass(frozen=True)
class PlainEnglish:
    """English as written, on a 24-hour clock::

    >>> ENGLISH.weekday_time(datetime(2026, 11, 23, 9, 45))
    'Mon 09:45'
    """

    language: str = "en"

    def gettext(self, message: str) -> str:
        return str(message)  # a str, whatever kind of one (a StrEnum's value)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return singular if count == 1 else plural

    def number(self, value: float) -> str:
        return f"{value:,}" if isinstance(value, int) else f"{value:g}"

    def time(self, when: datetime) -> str:
        return f"{when:%H:%M}"

    def weekday_time(self, when: datetime) -> str:
        return f"{when:%a %H:%M}"

    def numeric_date(self, day: date) -> str:
        return day.isoformat()

    def weekday_date(self, day: date) -> str:
        return f"{day:%a %Y-%m-%d}"

    def weekday_name(self, weekday: int, narrow: bool = False) -> str:
        return (NARROW_WEEKDAYS if narrow else WEEKDAYS)[weekday]

    def month_name(self, month: int) -> str:
        return MONTHS[month - 1]

    def day_month(self, day: date, year: bool = True) -> str:
        return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")

    def month_year(self, day: date) -> str:
        return f"{MONTHS[day.month - 1]} {day:%y}"


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NARROW_WEEKDAYS = ("M", "T", "W", "T", "F", "S", "S")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


ENGLISH: Words = PlainEnglish()


def exercise_in(words: Words, exercise: Exercise) -> Exercise:
    """*exercise* with its title, steps and spoken words in *words*'s
    language (a custom exercise's own words stay as written when the
    catalog has none for them); its name stays, as the history knows it."""
    return replace(
        exercise,
        title=words.gettext(exercise.title),
        steps=tuple(words.gettext(step) for step in exercise.steps),
        keyframes=tuple(
            replace(key, say=words.gettext(key.say)) if key.say else key
            for key in exercise.keyframes
        ),
    )


class Said(str):
    """An English message that keeps its catalog message and values, so a
    shell can say it in another language, while ``str`` stays English for
    logs and ``--json``::

        >>> error = said("no exercise called {name!r}", name="neck")
        >>> error
        "no exercise called 'neck'"
        >>> error.message, error.values
        ('no exercise called {name!r}', {'name': 'neck'})
    """

    message: str
    values: dict[str, object]


def said(message: str, **values: object) -> Said:
    """*message* (marked for the catalogs by the call) with *values* filled in."""
    text = Said(message.format(**values))
    text.message, text.values = message, values
    return text


def say(text: str, words: Words) -> str:
    """*text* in *words*' language: a :class:`Said` translated (its values
    that are Said too, and its decimal numbers as the language writes them),
    any other text as it is::

        >>> say(said("not paused"), ENGLISH)
        'not paused'
    """
    if not isinstance(text, Said):
        return str(text)
    values = {k: _value(v, words) for k, v in text.values.items()}
    return words.gettext(text.message).format(**values)


def _value(value: object, words: Words) -> object:
    if isinstance(value, Said):
        return say(value, words)
    return words.number(value) if isinstance(value, float) else value
