"""How a change reaches the settings file and the running service: no
writing through a link into another folder nor to a read-only file (its
settings are managed centrally), one writer at a time, a permission problem
answered with sudo, then the service told to reload."""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from microbreak.cli.common import CommandError, ask_service
from microbreak.service.control import AccessDenied, ControlError, NotRunning


def not_a_foreign_link(path: Path) -> None:
    """Refuse to change the settings through a link into another folder: as
    root that could write anywhere the link's maker chose."""
    from microbreak.config.editing import foreign_link

    target = foreign_link(path)
    if target is not None:
        raise CommandError(
            f"{path} is a symbolic link to {target}, in another folder: not "
            f"followed; allowed: change that file by name (--config {target}), "
            "or put a file in place of the link"
        )


def not_managed(path: Path) -> None:
    """Refuse to change a settings file that no one may write: that is how a
    fleet's settings are locked (deploy/ansible's microbreak_lock_settings),
    and root, who may write it anyway, is told so too."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # no file yet, or none to read: the change itself says what is wrong
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise CommandError(
            f"cannot change {path}: it is read-only, as this device's settings are "
            "managed centrally; allowed: ask whoever manages them (the file's first "
            "lines may say who)"
        )


@contextlib.contextmanager
def changing(path: Path) -> Iterator[None]:
    """Around a change of the settings file: its folder exists and is locked
    against a second writer, and a permission problem says to use sudo."""
    from microbreak.config.editing import locked

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with locked(path):
            yield
    except PermissionError:
        raise CommandError(f"cannot change {path}: permission denied; run this with sudo") from None


def tell_service(args: argparse.Namespace, path: Path) -> int:
    """Have the running service reload *path*, if that is the file it reads."""
    try:
        paths: dict[str, Any] | None = ask_service(args, "paths", timeout=5)
    except NotRunning:
        print("microbreak is not running: the change applies at its next start")
        return 0
    except AccessDenied as exc:
        raise CommandError(
            f"saved, but the running service was not told: {exc} "
            "Or have it reload with 'sudo microbreak reload'."
        ) from None
    except ControlError:
        paths = None  # a service from before the paths request: reload anyway
    if paths is not None and not _same_file(paths["settings"], path):
        print(f"the running service reads {paths['settings']}, not this file: nothing reloaded")
        return 0
    try:
        later = ask_service(args, "reload").get("at_next_start", [])
    except ControlError as exc:
        raise CommandError(
            f"saved, but the running service did not take it and keeps its last "
            f"good settings: {exc}"
        ) from None
    if later:
        print(
            f"the running service reloaded; it applies {', '.join(later)} when it restarts "
            "('sudo systemctl restart microbreak')"
        )
    else:
        print("the running service reloaded: it uses the new settings now")
    return 0


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
