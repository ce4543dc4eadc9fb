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
from microbreak.cli.words import _, said_here
from microbreak.config.settings import (
    MAX_FILE_BYTES,
    Settings,
    SettingsError,
    config_path,
    load_settings,
    parse_settings,
)
from microbreak.config.values import as_toml
from microbreak.core.words import said
from microbreak.service.control import ControlError, NotRunning

STANDARD_INPUT = "standard input"  # what ``config check -`` calls it in its messages


def register(commands: Commands) -> None:
    config, config_commands = add_group(
        commands,
        "config",
        _("read, check and change settings"),
        _(
            "Read, check and change the settings file. 'set' and 'edit' check the whole file "
            "first, write it at once keeping its comments, then have the running service "
            "reload it."
        ),
    )
    config.add_argument("--config", metavar="FILE", help=_(CONFIG_HELP))
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
    sub.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help=_(CONFIG_HELP))
    return sub


def _add_show(config_commands: Commands) -> None:
    _config_command(
        config_commands,
        "show",
        cmd_config_show,
        _("the effective settings"),
        runtime=True,
        description=_(
            "the effective settings: the running service's (without "
            "--config), else the file's, and the defaults (marked) for keys "
            "it leaves out"
        ),
        json_output=True,
    )


def _add_get(config_commands: Commands) -> None:
    get = _config_command(
        config_commands,
        "get",
        cmd_config_get,
        _("one setting's effective value"),
        runtime=True,
        json_output=True,
        description=_(
            "one setting's effective value: the running service's "
            "(without --config), else the file's"
        ),
    )
    get.add_argument("key", metavar="KEY", help=_("section.name, e.g. schedule.interval_minutes"))


def _add_set(config_commands: Commands) -> None:
    set_ = _config_command(
        config_commands,
        "set",
        cmd_config_set,
        _("change one setting and have the service reload"),
        runtime=True,
        description=_(
            "Change one setting: the whole file is checked first and nothing is "
            "written if it is bad; it is written at once, keeping its comments; "
            "then the running service reloads it. With no service running, the "
            "change applies at its next start."
        ),
    )
    set_.add_argument("key", metavar="KEY", help=_("section.name, e.g. schedule.interval_minutes"))
    set_.add_argument(
        "value", metavar="VALUE", help=_("a number, true/false, or text (quotes optional)")
    )


def _add_edit(config_commands: Commands) -> None:
    _config_command(
        config_commands,
        "edit",
        cmd_config_edit,
        _("edit the settings in $EDITOR, checked on save"),
        runtime=True,
        description=_(
            "Edit a copy of the settings file in $VISUAL or $EDITOR. On "
            "save it is checked: a bad copy opens again with the problems "
            "on top (leave it unchanged to give up); a good one replaces "
            "the file at once and the running service reloads it."
        ),
    )


def _add_check(config_commands: Commands) -> None:
    check = _config_command(
        config_commands, "check", cmd_config_check, _("check a settings file; exit 1 if it is bad")
    )
    check.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=_("the file to check (default: the settings file); - reads standard input"),
    )


def _add_path(config_commands: Commands) -> None:
    _config_command(
        config_commands,
        "path",
        cmd_config_path,
        _("which settings file is used"),
        runtime=True,
        description=_(
            "which settings file is used: the running service's (without "
            "--config), else the one 'run' would read"
        ),
    )


# -- reading ------------------------------------------------------------------


def cmd_config_check(args: argparse.Namespace) -> int:
    if args.file == "-":
        parse_settings(_standard_input(), STANDARD_INPUT)
        print(_("{path}: OK").format(path=STANDARD_INPUT))
        return 0
    path = Path(args.file) if args.file else config_path(args.config)
    if args.file and not path.exists():
        raise CommandError(said("{path}: no such file", path=str(path)))
    load_settings(path)
    if path.exists():
        print(_("{path}: OK").format(path=path))
    else:
        print(_("{path}: no file, the built-in defaults apply").format(path=path))
    return 0


def _standard_input() -> str:
    """Settings text given on standard input, as much as a file may hold."""
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SettingsError(
            [said("is larger than {kib} KiB", kib=MAX_FILE_BYTES // 1024)], STANDARD_INPUT
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(
            [said("is not UTF-8 text: {why}", why=str(exc))], STANDARD_INPUT
        ) from None


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
            "microbreak: "
            + _("cannot ask the running service ({why}); this is the settings file's").format(
                why=said_here(exc.args[0] if exc.args else str(exc))
            ),
            file=sys.stderr,
        )
        return None
    return Path(paths["settings"]), values


def _file_differs(path: Path, running: dict[str, Any], keys: Iterable[str]) -> None:
    """Say on stderr where the file at *path* is not what the service runs with."""
    try:
        in_file = {key: _plain(value) for key, value, *_rest in load_settings(path).items()}
    except SettingsError as exc:
        print(
            "microbreak: "
            + _(
                "{path} has problems, so the running service keeps its last good settings: "
                "{problem}"
            ).format(path=path, problem=said_here(exc.problems[0])),
            file=sys.stderr,
        )
        return
    for key in keys:
        if in_file[key] != _plain(running[key]):
            print(
                "microbreak: "
                + _(
                    "{path} has {key} = {value}; the running service still uses {running} "
                    "('microbreak reload' applies the file)"
                ).format(
                    path=path,
                    key=key,
                    value=as_toml(in_file[key]),
                    running=as_toml(running[key]),
                ),
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
            "microbreak: "
            + _(
                "{path} does not exist yet: the built-in defaults apply "
                "('microbreak config set' or 'edit' creates it)"
            ).format(path=path),
            file=sys.stderr,
        )
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    running = running_settings(args)
    if running:
        values = running[1]
        rows = [(key, values[key], default) for key, _value, default, _help in Settings().items()]
        _file_differs(running[0], values, values)
    else:
        rows = [
            (key, value, default)
            for key, value, default, _help in load_settings(args.config).items()
        ]
    if args.json:
        print(json.dumps({key: value for key, value, _default in rows}, indent=2))
        return 0
    width = max(len(key) for key, *_rest in rows)
    default_mark = "  " + _("(default)")
    for key, value, default in rows:
        mark = default_mark if _plain(value) == _plain(default) else ""
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
                + [
                    said(
                        "the file was bad before this change: fix it with 'microbreak config edit'"
                    )
                ],
                str(path),
            ) from None
        new = editing.get_value(new_text, key)
        if old_text is not None and new == old and key_in_file(old_text, key):
            print(
                _("{key} is already {value} in {path}").format(
                    key=key, value=as_toml(new), path=path
                )
            )
            return 0
        editing.write_atomically(path, new_text)
    if old is not None and old != new:
        print(
            _("{key} = {value} (was {old}) in {path}").format(
                key=key, value=as_toml(new), old=as_toml(old), path=path
            )
        )
    else:
        print(_("{key} = {value} in {path}").format(key=key, value=as_toml(new), path=path))
    return tell_service(args, path)


def key_in_file(text: str, key: str) -> bool:
    import tomllib

    section, name = key.split(".")
    return name in tomllib.loads(text).get(section, {})
