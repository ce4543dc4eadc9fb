"""``config check|path|show|get|set|edit``: read, check and change the
settings file, and have the running service reload it. The subcommands and
those that read or set one key are here; ``edit`` is config_edit, and how a
change is written and the service told is config_change."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from microbreak.cli.arguments import CONFIG_HELP, Command, Commands, add_command, add_group
from microbreak.cli.common import CommandError, ask_service
from microbreak.cli.config_change import (
    changing,
    not_a_foreign_link,
    not_managed,
    tell_service,
)
from microbreak.cli.config_edit import cmd_config_edit
from microbreak.config.settings import (
    MAX_FILE_BYTES,
    Settings,
    SettingsError,
    config_path,
    load_settings,
    parse_settings,
)
from microbreak.config.values import as_toml
from microbreak.service.control import ControlError, NotRunning

STANDARD_INPUT = "standard input"  # what ``config check -`` calls it in its messages


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
    _add_show(config_commands)
    _add_get(config_commands)
    _add_set(config_commands)
    _add_edit(config_commands)
    _add_check(config_commands)
    _add_path(config_commands)


def _config_command(
    config_commands: Commands,
    name: str,
    func: Command,
    help: str,
    runtime: bool = False,
    json_output: bool = False,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A ``config`` subcommand, which takes ``--config`` after its name too."""
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


def _add_show(config_commands: Commands) -> None:
    _config_command(
        config_commands,
        "show",
        cmd_config_show,
        "the effective settings",
        runtime=True,
        description="the effective settings: the running service's (without "
        "--config), else the file's, and the defaults (marked) for keys "
        "it leaves out",
        json_output=True,
    )


def _add_get(config_commands: Commands) -> None:
    get = _config_command(
        config_commands,
        "get",
        cmd_config_get,
        "one setting's effective value",
        runtime=True,
        json_output=True,
        description="one setting's effective value: the running service's "
        "(without --config), else the file's",
    )
    get.add_argument("key", metavar="KEY", help="section.name, e.g. schedule.interval_minutes")


def _add_set(config_commands: Commands) -> None:
    set_ = _config_command(
        config_commands,
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


def _add_edit(config_commands: Commands) -> None:
    _config_command(
        config_commands,
        "edit",
        cmd_config_edit,
        "edit the settings in $EDITOR, checked on save",
        runtime=True,
        description="Edit a copy of the settings file in $VISUAL or $EDITOR. On "
        "save it is checked: a bad copy opens again with the problems "
        "on top (leave it unchanged to give up); a good one replaces "
        "the file at once and the running service reloads it.",
    )


def _add_check(config_commands: Commands) -> None:
    check = _config_command(
        config_commands, "check", cmd_config_check, "check a settings file; exit 1 if it is bad"
    )
    check.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="the file to check (default: the settings file); - reads standard input",
    )


def _add_path(config_commands: Commands) -> None:
    _config_command(
        config_commands,
        "path",
        cmd_config_path,
        "which settings file is used",
        runtime=True,
        description="which settings file is used: the running service's (without "
        "--config), else the one 'run' would read",
    )


# -- reading ------------------------------------------------------------------


def cmd_config_check(args: argparse.Namespace) -> int:
    if args.file == "-":
        parse_settings(_standard_input(), STANDARD_INPUT)
        print(f"{STANDARD_INPUT}: OK")
        return 0
    path = Path(args.file) if args.file else config_path(args.config)
    if args.file and not path.exists():
        raise CommandError(f"{path}: no such file")
    load_settings(path)
    print(f"{path}: OK" if path.exists() else f"{path}: no file, the built-in defaults apply")
    return 0


def _standard_input() -> str:
    """Settings text given on standard input, as much as a file may hold."""
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SettingsError([f"is larger than {MAX_FILE_BYTES // 1024} KiB"], STANDARD_INPUT)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError([f"is not UTF-8 text: {exc}"], STANDARD_INPUT) from None


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
    not_a_foreign_link(path)
    not_managed(path)
    with changing(path):
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
