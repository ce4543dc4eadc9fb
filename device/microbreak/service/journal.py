"""Logging: to the journal with structured fields under systemd, else stderr.

Each event the person setting the device up may look for has a stable
MESSAGE_ID, so ``journalctl -u microbreak MESSAGE_ID=...`` finds every one::

    >>> fields = event("set_confirmed", exercise="shoulder-rolls")
    >>> fields["MESSAGE_ID"], fields["MICROBREAK_EXERCISE"]
    ('28503b88c95343eb83903a90db0ed464', 'shoulder-rolls')

Pass the fields as a log call's ``extra``: the journal keeps them, stderr
shows only the message.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the VM test reads MESSAGE_IDS from this file without the package)
    from microbreak.service.clock import Clock

# Never change these: they are how people find events in their journals.
MESSAGE_IDS = {
    "started": "c0bf493d847b40ebbe40489217ce6bf6",
    "stopping": "644c818ba33b4d27ac72d6f27ccedfae",
    "break_cued": "2041cbc3275e44c3a01777047cebddf3",
    "set_confirmed": "28503b88c95343eb83903a90db0ed464",
    "break_completed": "611c39049d554b0780d8dec8a6d1a32e",
    "break_partial": "e31cf804b6fb4cdea3297cf3548b2e29",
    "break_missed": "c641b248a878411293ea627f53239889",
    "break_skipped": "4fc523e39940402b8ac19caea61ed5fd",
    "break_away": "984b23ba93c44e9797788a60f37f25c3",
    "break_deferred": "52e10b6d5d434b4cbe295e97ef24dc80",
    "break_ended_deferred": "2d87fc7c483f464a98009e5853742be8",
    "busy": "22d41e1728804bfdb9321b05da844870",
    "settings_reloaded": "e9dd859abe854e7e8baf1a61c4b044db",
    "settings_rejected": "9ca16a041e4b4023bbdbcae256fa7aca",
    "history_failing": "264ac42a059346249ffb2e770a190afb",
    "history_damaged": "4e3fcd3a493f44ba99ed4af0363e73f0",
    "history_lost": "75a38110ac384d74a3895471cb13f83e",
}


def event(kind: str, **fields: object) -> dict[str, str]:
    """Journal fields for an event of *kind* (a key of :data:`MESSAGE_IDS`)."""
    extra = {"MESSAGE_ID": MESSAGE_IDS[kind], "MICROBREAK_EVENT": kind}
    extra.update((f"MICROBREAK_{key.upper()}", str(value)) for key, value in fields.items())
    return extra


def under_journald(environ: Mapping[str, str] = os.environ) -> bool:
    """systemd connected our output to the journal (it sets JOURNAL_STREAM)."""
    return bool(environ.get("JOURNAL_STREAM"))


class ClockFormatter(logging.Formatter):
    """Stamps each line with the time of *clock* (the simulator's, which may
    run faster), the time its screen and ``status`` show."""

    def __init__(self, fmt: str, clock: Clock) -> None:
        super().__init__(fmt)
        self._clock = clock

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        wall = self._clock.now().wall
        return (
            wall.strftime(datefmt)
            if datefmt
            else wall.strftime("%Y-%m-%d %H:%M:%S") + f",{wall.microsecond // 1000:03d}"
        )


def setup_logging(level: int = logging.INFO, clock: Clock | None = None) -> logging.Handler:
    """Send the ``microbreak`` log to the journal when run by systemd and
    systemd-python is installed, else to stderr with timestamps (of *clock*,
    when given: the simulator's)."""
    handler: logging.Handler | None = None
    if under_journald():
        try:
            from systemd.journal import JournalHandler
        except ImportError:
            pass
        else:
            handler = JournalHandler(SYSLOG_IDENTIFIER="microbreak")
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        line = "%(asctime)s %(levelname)s %(message)s"
        handler.setFormatter(ClockFormatter(line, clock) if clock else logging.Formatter(line))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    return handler
