"""The ``microbreak`` command: the service itself, the simulator, and the verbs
that set it up and talk to it over SSH.

Every command has ``--help``; commands whose output is data take ``--json``.
Exit codes: 0 done, 1 refused or failed, 2 wrong usage.

Each command group is a module here that adds its commands to the parser in
its ``register(commands)``: run (run, simulate), remote (the verbs sent to the
running service), config (with config_edit and config_change), history
(history, stats), exercises, hardware (test-hardware), bridge (the network
unit); arguments holds the
argument types, common what they share.
"""

from __future__ import annotations

import argparse
import json
import sys

from microbreak import __version__
from microbreak.cli import bridge, config, exercises, hardware, history, remote, run
from microbreak.cli.arguments import Command, usage
from microbreak.cli.common import CommandError
from microbreak.cli.words import _, for_argparse, said_here
from microbreak.config.settings import SettingsError
from microbreak.service.control import AccessDenied, ControlError, NotRunning
from microbreak.storage.history import HistoryUnavailable

GROUPS = (
    run,
    remote,
    config,
    history,
    exercises,
    hardware,
    bridge,
)  # in the order --help lists them


def main(argv: list[str] | None = None) -> int:
    """Run the command in *argv* (default: the process's); return its exit code."""
    for_argparse()
    args = build_parser().parse_args(argv)
    command: Command = args.func
    try:
        return command(args)
    except (CommandError, ControlError, SettingsError, HistoryUnavailable) as exc:
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
    if isinstance(exc, SettingsError):
        prefix = f"{exc.source}: " if exc.source else ""
        return [prefix + said_here(problem) for problem in exc.problems]
    return said_here(exc.args[0] if exc.args else str(exc)).splitlines()


def build_parser() -> argparse.ArgumentParser:
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
    for group in GROUPS:
        group.register(commands)
    return parser
