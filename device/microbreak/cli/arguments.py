"""The commands' arguments: types whose usage errors (exit 2) say what is
allowed, the options many commands share, and adding a command::

    status = add_command(commands, "status", cmd_status, "state, next break ...",
                         json_output=True)
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeAlias

from microbreak.cli.words import N_, _

# What add_subparsers returns: add_parser() on it adds a command. A string, as
# the class is generic only to type checkers.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Command: TypeAlias = Callable[[argparse.Namespace], int]

# Help the commands share; in the caller's language where it is used (_()).
RUNTIME_HELP = N_(
    "where the service's control socket is (default: $MICROBREAK_RUNTIME_DIR, "
    "$RUNTIME_DIRECTORY, /run/microbreak)"
)
CONFIG_HELP = N_("settings file (default: $MICROBREAK_CONFIG, else /etc/microbreak/config.toml)")
STATE_HELP = N_(
    "where the history is (default: the running service's, else $STATE_DIRECTORY, "
    "else /var/lib/microbreak, else the simulator's)"
)
SINCE_HELP = N_("only breaks from DATE on: YYYY-MM-DD, today, yesterday, or N days back as Nd")


def add_command(
    commands: Commands,
    name: str,
    func: Command,
    help: str,
    *,
    runtime: bool = True,
    json_output: bool = False,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A command that runs *func*; with ``--runtime-dir`` unless *runtime* is
    false, and ``--json`` if *json_output*."""
    sub = commands.add_parser(name, help=help, description=description or help)
    sub.set_defaults(func=func)
    if runtime:
        sub.add_argument("--runtime-dir", metavar="DIR", help=_(RUNTIME_HELP))
    if json_output:
        sub.add_argument("--json", action="store_true", help=_("print JSON"))
    return sub


def add_group(
    commands: Commands, name: str, help: str, description: str
) -> tuple[argparse.ArgumentParser, Commands]:
    """A command with commands of its own (``config set``); alone, it prints
    its help and exits 2."""
    group = commands.add_parser(name, help=help, description=description)
    group.set_defaults(func=usage(group))
    title = _("{name} commands").format(name=name)
    return group, group.add_subparsers(title=title, metavar="COMMAND")


def usage(parser: argparse.ArgumentParser) -> Command:
    """A command that prints *parser*'s help and exits 2: what ``microbreak``
    or ``microbreak config`` does alone."""

    def command(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return command


def png_file(text: str) -> Path:
    if not text.lower().endswith(".png"):
        raise argparse.ArgumentTypeError(
            _("{text!r}: allowed: a file name ending in .png").format(text=text)
        )
    return Path(text)


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number").format(text=text)) from None
    if not value > 0:
        raise argparse.ArgumentTypeError(_("{text} must be greater than 0").format(text=text))
    return value


def whole_minutes(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            _("{text!r}: allowed: a whole number of minutes, 1 or more").format(text=text)
        )
    return int(text)


def clock_time(text: str) -> str:
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", text):
        raise argparse.ArgumentTypeError(
            _("{text!r}: allowed: a time of day HH:MM, e.g. 13:30").format(text=text)
        )
    hours, minutes = text.split(":")
    return f"{int(hours):02d}:{minutes}"


def limit(text: str) -> int | str:
    if text == "all":
        return text
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            _("{text!r}: allowed: a whole number, 1 or more, or all").format(text=text)
        )
    return int(text)


def since_date(text: str, today: date | None = None) -> date:
    """``2026-11-23``, ``today``, ``yesterday`` or ``7d`` (seven days back)::

    >>> since_date("7d", today=date(2026, 11, 23))
    datetime.date(2026, 11, 16)
    """
    today = today or date.today()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if re.fullmatch(r"\d+d", text):
        return today - timedelta(days=int(text[:-1]))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r}: allowed: YYYY-MM-DD, today, yesterday, or Nd for N days back").format(
                text=text
            )
        ) from None
