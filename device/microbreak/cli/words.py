"""The command's words in the caller's language: their locale (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads them; over SSH the
client's, when it sends them), with its forms of dates and times::

    print(_("no breaks yet"))
    print(ngettext("{count} break", "{count} breaks", n).format(count=n))

What a script reads stays English: ``--json``, the CSV, the settings' keys
and values, and the log. A locale of C or POSIX, or a language microbreak
does not speak, is English (and Babel is not loaded).
"""

from __future__ import annotations

import functools
import gettext
import math
import os
from datetime import date, datetime, timedelta

from microbreak.core.words import N_, Words, say
from microbreak.language import DOMAIN, chosen, locale_dir, translation

__all__ = ["N_", "_", "caller", "counted", "ngettext", "said_here"]


def for_argparse() -> None:
    """Have argparse's own words (``usage:``, ``options``, its errors) come
    from microbreak's catalog too: argparse asks gettext's default domain,
    which reads the same locale variables."""
    gettext.bindtextdomain(DOMAIN, str(locale_dir()))
    gettext.textdomain(DOMAIN)


@functools.cache
def caller() -> Words:
    """The caller's language, read once from their locale."""
    return translation(chosen("", os.environ))


def _(message: str) -> str:
    return caller().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return caller().ngettext(singular, plural, count)


def said_here(text: str) -> str:
    """An error's text in the caller's language, when it was
    :func:`~microbreak.core.words.said`; else as it is."""
    return say(text, caller())


def counted(singular: str, plural: str, count: int) -> str:
    """``counted("{count} break", "{count} breaks", 3)`` → ``"3 breaks"``, in
    the caller's language (the two forms marked where this is called)."""
    return ngettext(singular, plural, count).format(count=count)


STATES = {
    # Translators: the states, after "microbreak: " in `microbreak status`.
    "notice": N_("notice"),
    "idle": N_("idle"),
    "heads_up": N_("heads-up"),
    "break": N_("break"),
    "paused": N_("paused"),
    "off_hours": N_("off-hours"),
    "busy": N_("busy"),
}  # the state names of ``status --json``, as ``status`` says them


def state_words(state: str) -> str:
    return _(STATES[state]) if state in STATES else state.replace("_", "-")


OUTCOMES = {
    "completed": N_("completed"),
    "partial": N_("partial"),
    "skipped": N_("skipped"),
    "missed": N_("missed"),
    "away": N_("away"),
    "deferred": N_("deferred"),
}  # how a break ended, as a person reads it


def outcome_words(outcome: str) -> str:
    return _(OUTCOMES[outcome]) if outcome in OUTCOMES else outcome


def when(iso: str, today: date | None = None) -> str:
    """``14:35`` today, ``Mon 09:00`` within a week, else the date too, in
    the caller's forms of them."""
    at = datetime.fromisoformat(iso)
    today = today or date.today()
    words = caller()
    if at.date() == today:
        return words.time(at)
    if today < at.date() < today + timedelta(days=7):
        return words.weekday_time(at)
    return f"{words.numeric_date(at.date())} {words.time(at)}"


def duration(seconds: float) -> str:
    """How long until something, as the screen counts it: ``29 s`` under a
    minute, then whole minutes rounded up (``2 h 5 min`` from two hours)."""
    if seconds < 60:
        return _("{seconds} s").format(seconds=max(math.ceil(seconds), 0))
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return _("{minutes} min").format(minutes=minutes)
    return _("{hours} h {minutes} min").format(hours=minutes // 60, minutes=minutes % 60)
