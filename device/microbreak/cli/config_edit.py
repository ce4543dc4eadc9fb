"""``config edit``: the settings edited in a copy in $VISUAL or $EDITOR,
reopened with its problems on top until it is good or left unchanged."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from microbreak.cli.common import CommandError
from microbreak.cli.config_change import (
    changing,
    not_a_foreign_link,
    not_managed,
    tell_service,
)
from microbreak.config.settings import SettingsError, config_path, parse_settings


def cmd_config_edit(args: argparse.Namespace) -> int:
    from microbreak.config import editing

    path = config_path(args.config)
    not_a_foreign_link(path)
    not_managed(path)
    original = editing.read_text(path)
    offered = original if original is not None else editing.template()
    editor = _editor()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="microbreak-edit-") as folder:
        copy = Path(folder) / path.name
        while True:
            copy.write_text(offered, encoding="utf-8")
            finished = subprocess.run([*editor, str(copy)])
            if finished.returncode != 0:
                raise CommandError(
                    f"the editor ({shlex.join(editor)}) exited with "
                    f"{finished.returncode}: {path} is unchanged"
                )
            edited = copy.read_text(encoding="utf-8")
            text = editing.without_problems(edited)
            if edited == offered:
                if problems:  # reopened with problems and left as it was: give up
                    raise CommandError(
                        f"not saved, {path} is unchanged; the edit still had "
                        "problems:\n" + "\n".join(problems)
                    )
                print(f"no change: {path} is as it was")
                return 0
            try:
                parse_settings(text)
                break
            except SettingsError as exc:
                problems = exc.problems
                offered = editing.with_problems(text, problems)
    with changing(path):
        if editing.read_text(path) != original:
            kept = _keep(text)
            raise CommandError(
                f"{path} was changed by someone else while you edited it; nothing "
                f"written. Your version is in {kept}."
            )
        editing.write_atomically(path, text)
    print(f"saved {path}")
    return tell_service(args, path)


def _editor() -> list[str]:
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    for fallback in ("editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise CommandError("no editor found: set EDITOR, e.g. 'EDITOR=nano microbreak config edit'")


def _keep(text: str) -> str:
    fd, kept = tempfile.mkstemp(prefix="microbreak-config-", suffix=".toml")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return kept
