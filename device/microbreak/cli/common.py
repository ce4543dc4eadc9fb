"""What several command groups share: refusing, asking the running service,
where things are kept, and words for the output."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, cast

from microbreak.core.effects import Outcome
from microbreak.core.words import said
from microbreak.service.control.client import call

SYSTEM_STATE_DIR = Path("/var/lib/microbreak")
EXERCISES_DIR = Path("/etc/microbreak/exercises.d")  # custom exercises, beside the built-in
WIDTH = 80  # plain output fits a terminal this wide
OUTCOMES = tuple(Outcome)


class CommandError(Exception):
    """Ends the command with exit code 1 and this message."""


def ask_service(
    args: argparse.Namespace, verb: str, *, timeout: float = 30, **request: Any
) -> dict[str, Any]:
    """The running service's answer to *verb* over the control socket in
    ``--runtime-dir``: ``ask_service(args, "snooze", minutes=10)``."""
    return cast(dict[str, Any], call(verb, request, runtime=args.runtime_dir, timeout=timeout))


def state_dir(explicit: str | None, fallback: Path) -> Path:
    chosen = explicit or (os.environ.get("STATE_DIRECTORY") or "").split(":")[0]
    return Path(chosen) if chosen else fallback


def simulator_state_dir() -> Path:
    """Where the simulator keeps its history unless told: the user's state
    folder, so that trying it needs no root and leaves a device's alone."""
    return (
        Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local/state")
        / "microbreak-simulator"
    )


def screen_pixels(text: str) -> tuple[int, int]:
    """``"320x240"`` → ``(320, 240)``; ValueError for anything else, as for a
    size the screen.size setting does not allow, or ``auto``."""
    from microbreak.config.values import ScreenSize

    width, height = (int(n) for n in ScreenSize().check(text).split("x"))
    return width, height


def write_file(path: Path, data: bytes) -> None:
    """Write *data* to *path* as whoever runs the command; refused in one line
    when that cannot be done."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CommandError(
            said("cannot write {path}: {why}", path=str(path), why=str(exc.strerror or exc))
        ) from None
