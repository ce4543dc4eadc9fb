"""The ``microbreak`` command: the service itself, the simulator, and the verbs
that set it up and talk to it over SSH.

Every command has ``--help``; commands whose output is data take ``--json``.
Exit codes: 0 done, 1 refused or failed, 2 wrong usage.

Each command group is a module here that adds its commands to the parser in
its ``register(commands)``: run (run, simulate), remote (the verbs sent to the
running service), config (with config_edit and config_change), history
(history, stats), report, exercises, hardware (test-hardware), bridge (the
network unit); arguments holds the argument types, common what they share,
chart the drawing of ``stats --chart``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from types import ModuleType
from typing import TYPE_CHECKING, cast

from microbreak import __version__
from microbreak.cli.arguments import Command, usage
from microbreak.cli.common import CommandError
from microbreak.cli.words import _, for_argparse, said_here
from microbreak.service.control.client import AccessDenied, ControlError, NotRunning
from microbreak.storage.history import HistoryUnavailable

if TYPE_CHECKING:
    from microbreak.config.settings import SettingsError

GROUPS = (  # in the order --help lists them
    "run",
    "remote",
    "config",
    "history",
    "report",
    "exercises",
    "hardware",
    "bridge",
)
COMMANDS = {
    "run": ("run", "simulate"),
    "remote": (
        "status",
        "break-now",
        "snooze",
        "skip",
        "pause",
        "resume",
        "busy",
        "reload",
        "press",
        "hold",
        "motion",
        "screenshot",
    ),
    "config": ("config",),
    "history": ("history", "stats"),
    "report": ("report",),
    "exercises": ("exercises",),
    "hardware": ("test-hardware",),
    "bridge": ("bridge",),
}
"""Each group's commands: a command named here has only its own group's
module imported, so ``microbreak stats`` over SSH does not wait for the
settings' and the service's modules to load (a command not named here has
every group loaded, and still works)."""


def main(argv: list[str] | None = None) -> int:
    """Run the command in *argv* (default: the process's); return its exit code."""
    for_argparse()
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(_groups_for(argv)).parse_args(argv)
    command: Command = args.func
    said: tuple[type[Exception], ...] = (CommandError, ControlError, HistoryUnavailable)
    try:
        return command(args)
    except said + _settings_error() as exc:
        for line in error_lines(exc):  # each problem a line of its own, like a compiler's
            print(f"microbreak: {line}", file=sys.stderr)
        if getattr(args, "json", False):  # a script reading stdout hears of it too
            reason = (
                "not_running"
                if isinstance(exc, NotRunning)
                else "access_denied"
                if isinstance(exc, AccessDenied)
                else "refused"
            )
            print(json.dumps({"error": str(exc), "reason": reason}))
        return 1
    except BrokenPipeError:  # `microbreak history | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 1


def error_lines(exc: Exception) -> list[str]:
    """What went wrong, in the caller's language where it was worded for
    that (:func:`~microbreak.core.words.said`); ``--json`` keeps ``str(exc)``."""
    if isinstance(exc, _settings_error()):
        settings = cast("SettingsError", exc)
        prefix = f"{settings.source}: " if settings.source else ""
        return [prefix + said_here(problem) for problem in settings.problems]
    return said_here(exc.args[0] if exc.args else str(exc)).splitlines()


def _groups_for(argv: list[str]) -> tuple[str, ...]:
    """The command groups to load for *argv*: the one its command is in, or all."""
    word = next((a for a in argv if not a.startswith("-")), None)
    for group, commands in COMMANDS.items():
        if word in commands:
            return (group,)
    return GROUPS


def _settings_error() -> tuple[type[Exception], ...]:
    """Settings' error, if the command loaded the settings (else none was raised)."""
    settings = sys.modules.get("microbreak.config.settings")
    return (settings.SettingsError,) if settings is not None else ()


def group_module(name: str) -> ModuleType:
    """The module of command group *name* (``microbreak.cli.NAME``)."""
    return importlib.import_module(f"microbreak.cli.{name}")


def build_parser(groups: tuple[str, ...] = GROUPS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="microbreak",
        description=_("A desk companion that cues upper-back exercise microbreaks."),
        epilog=_(
            "Exit codes: 0 done, 1 refused or failed, 2 wrong usage. "
            "'microbreak COMMAND --help' tells more."
        ),
    )
    parser.add_argument("--version", action="version", version=f"microbreak {__version__}")
    parser.set_defaults(func=usage(parser))
    commands = parser.add_subparsers(title=_("commands"), metavar="COMMAND")
    for name in groups:
        group_module(name).register(commands)
    return parser
