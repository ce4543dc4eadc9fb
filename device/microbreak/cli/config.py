"""``config check|path|show|get|set|edit``: read, check and change the
settings file, and have the running service reload it."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from microbreak.cli.arguments import CONFIG_HELP, Command, Commands, add_command, add_group
from microbreak.cli.common import CommandError, ask_service
from microbreak.config.settings import (
    Settings,
    SettingsError,
    config_path,
    load_settings,
    parse_settings,
)
from microbreak.config.values import as_toml
from microbreak.service.control import AccessDenied, ControlError, NotRunning


def register(commands: Commands) -> None:
    config, config_commands = add_group(
        commands,
        "config",
        "read, check and change settings",
        "Read, check and change the settings file. 'set' and 'edit' check the whole file "
        "first, write it at once keeping its comments, then have the running service "
        "reload it.",
    )
    config.add_argument("--config", metavar="FILE", help=CONFIG_HELP)

    def config_command(
        name: str,
        func: Command,
        help: str,
        runtime: bool = False,
        json_output: bool = False,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        sub = add_command(
            config_commands,
            name,
            func,
            help,
            runtime=runtime,
            json_output=json_output,
            description=description,
        )
        sub.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help=CONFIG_HELP)
        return sub

    config_command(
        "show",
        cmd_config_show,
        "the effective settings",
        runtime=True,
        description="the effective settings: the running service's (without "
        "--config), else the file's, and the defaults (marked) for keys "
        "it leaves out",
        json_output=True,
    )
    get = config_command(
        "get",
        cmd_config_get,
        "one setting's effective value",
        runtime=True,
        json_output=True,
        description="one setting's effective value: the running service's "
        "(without --config), else the file's",
    )
    get.add_argument("key", metavar="KEY", help="section.name, e.g. schedule.interval_minutes")
    set_ = config_command(
        "set",
        cmd_config_set,
        "change one setting and have the service reload",
        runtime=True,
        description="Change one setting: the whole file is checked first and nothing is "
        "written if it is bad; it is written at once, keeping its comments; "
        "then the running service reloads it. With no service running, the "
        "change applies at its next start.",
    )
    set_.add_argument("key", metavar="KEY", help="section.name, e.g. schedule.interval_minutes")
    set_.add_argument(
        "value", metavar="VALUE", help="a number, true/false, or text (quotes optional)"
    )
    config_command(
        "edit",
        cmd_config_edit,
        "edit the settings in $EDITOR, checked on save",
        runtime=True,
        description="Edit a copy of the settings file in $VISUAL or $EDITOR. On "
        "save it is checked: a bad copy opens again with the problems "
        "on top (leave it unchanged to give up); a good one replaces "
        "the file at once and the running service reloads it.",
    )
    check = config_command("check", cmd_config_check, "check a settings file; exit 1 if it is bad")
    check.add_argument(
        "file", nargs="?", metavar="FILE", help="the file to check (default: the settings file)"
    )
    config_command(
        "path",
        cmd_config_path,
        "which settings file is used",
        runtime=True,
        description="which settings file is used: the running service's (without "
        "--config), else the one 'run' would read",
    )


# -- reading ------------------------------------------------------------------


def cmd_config_check(args: argparse.Namespace) -> int:
    path = Path(args.file) if args.file else config_path(args.config)
    if args.file and not path.exists():
        raise CommandError(f"{path}: no such file")
    load_settings(path)
    print(f"{path}: OK" if path.exists() else f"{path}: no file, the built-in defaults apply")
    return 0


def running_settings(args: argparse.Namespace) -> tuple[Path, dict[str, Any]] | None:
    """The settings file and values of the running service, unless --config
    names a file; None with no service running (or none that answers us)."""
    if args.config:
        return None
    try:
        paths = ask_service(args, "paths", timeout=5)
        values = ask_service(args, "settings", timeout=5)
    except NotRunning:
        return None
    except ControlError as exc:
        print(
            f"microbreak: cannot ask the running service ({exc}); this is the settings file's",
            file=sys.stderr,
        )
        return None
    return Path(paths["settings"]), values


def _file_differs(path: Path, running: dict[str, Any], keys: Iterable[str]) -> None:
    """Say on stderr where the file at *path* is not what the service runs with."""
    try:
        in_file = {key: _plain(value) for key, value, *_ in load_settings(path).items()}
    except SettingsError as exc:
        print(
            f"microbreak: {path} has problems, so the running service keeps its last good "
            f"settings: {str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return
    for key in keys:
        if in_file[key] != _plain(running[key]):
            print(
                f"microbreak: {path} has {key} = {as_toml(in_file[key])}; the running service "
                f"still uses {as_toml(running[key])} ('microbreak reload' applies the file)",
                file=sys.stderr,
            )


def _plain(value: Any) -> Any:
    """A setting's value as JSON gives it back (tuples as lists)."""
    return json.loads(json.dumps(list(value) if isinstance(value, tuple) else value))


def cmd_config_path(args: argparse.Namespace) -> int:
    running = running_settings(args)
    path = running[0] if running else config_path(args.config)
    print(path)
    if not path.exists():
        print(
            f"microbreak: {path} does not exist yet: the built-in defaults apply "
            "('microbreak config set' or 'edit' creates it)",
            file=sys.stderr,
        )
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    running = running_settings(args)
    if running:
        values = running[1]
        rows = [(key, values[key], default) for key, _, default, _ in Settings().items()]
        _file_differs(running[0], values, values)
    else:
        rows = [
            (key, value, default) for key, value, default, _ in load_settings(args.config).items()
        ]
    if args.json:
        print(json.dumps({key: value for key, value, _ in rows}, indent=2))
        return 0
    width = max(len(key) for key, *_ in rows)
    for key, value, default in rows:
        mark = "  (default)" if _plain(value) == _plain(default) else ""
        print(f"{key:<{width}} = {as_toml(value)}{mark}")
    return 0


def cmd_config_get(args: argparse.Namespace) -> int:
    from microbreak.config import editing

    key = editing.check_key(args.key)
    running = running_settings(args)
    if running:
        value = running[1][key]
        _file_differs(running[0], running[1], [key])
    else:
        value = editing.get_value(_settings_text(config_path(args.config)), key)
    if args.json:
        print(json.dumps(value))
    else:
        print(value if isinstance(value, str) else as_toml(value))
    return 0


def _settings_text(path: Path) -> str:
    """The settings file's text; empty (the defaults) for a missing default file."""
    from microbreak.config import editing

    load_settings(path)  # a named file must exist; a bad one is refused with its name
    text = editing.read_text(path)
    return text or ""


# -- changing -----------------------------------------------------------------


def cmd_config_set(args: argparse.Namespace) -> int:
    from microbreak.config import editing

    path = config_path(args.config)
    key = editing.check_key(args.key)
    value = editing.parse_value(key, args.value)
    _not_a_foreign_link(path)
    with _changing(path):
        old_text = editing.read_text(path)
        try:
            old = editing.get_value(old_text or "", key)
        except SettingsError:
            old = None  # bad already: this change may be what mends it
        try:
            new_text = editing.set_value(
                old_text if old_text is not None else editing.template(), key, value
            )
        except SettingsError as exc:
            if old is not None or old_text is None:
                raise
            raise SettingsError(
                exc.problems
                + ["the file was bad before this change: fix it with 'microbreak config edit'"],
                str(path),
            ) from None
        new = editing.get_value(new_text, key)
        if old_text is not None and new == old and key_in_file(old_text, key):
            print(f"{key} is already {as_toml(new)} in {path}")
            return 0
        editing.write_atomically(path, new_text)
    was = f" (was {as_toml(old)})" if old is not None and old != new else ""
    print(f"{key} = {as_toml(new)}{was} in {path}")
    return tell_service(args, path)


def key_in_file(text: str, key: str) -> bool:
    import tomllib

    section, name = key.split(".")
    return name in tomllib.loads(text).get(section, {})


def cmd_config_edit(args: argparse.Namespace) -> int:
    from microbreak.config import editing

    path = config_path(args.config)
    _not_a_foreign_link(path)
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
    with _changing(path):
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


def _not_a_foreign_link(path: Path) -> None:
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


@contextlib.contextmanager
def _changing(path: Path) -> Iterator[None]:
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
        changed = ask_service(args, "reload")["changed"]
    except ControlError as exc:
        raise CommandError(
            f"saved, but the running service did not take it and keeps its last "
            f"good settings: {exc}"
        ) from None
    later = [k for k in changed if k.startswith(("screen.", "pins."))]
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
