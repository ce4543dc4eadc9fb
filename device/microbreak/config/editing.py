"""Changing the settings file safely: one key at a time, comments kept,
nothing written that the service would refuse, and never half a file.

:func:`set_value` returns the new text of a file with one key changed, its
comments and layout as they were; it refuses (:class:`SettingsError`) when the
whole resulting file would not be valid settings::

    >>> text = "[schedule]\\n# how often\\ninterval_minutes = 45  # minutes\\n"
    >>> print(set_value(text, "schedule.interval_minutes", parse_value(
    ...     "schedule.interval_minutes", "30")), end="")
    [schedule]
    # how often
    interval_minutes = 30  # minutes
    >>> set_value(text, "schedule.interval_minutes", 0)
    Traceback (most recent call last):
      ...
    microbreak.config.settings.SettingsError: ...allowed: a whole number from 1 to 480 (minutes)

:func:`write_atomically` puts the text in place so that a reader (the service
reloading, a power cut) sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import os
import tempfile
import textwrap
import tomllib
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any, Protocol

import tomlkit
import tomlkit.exceptions

from microbreak.config.settings import Settings, SettingsError, parse_settings, read_file
from microbreak.core.words import said

DEFAULTS = {key: default for key, _, default, _ in Settings().items()}


def check_key(key: str) -> str:
    """Return *key* if it is a setting, else raise saying which one was meant::

    >>> check_key("schedule.intervl_minutes")
    Traceback (most recent call last):
      ...
    microbreak.config.settings.SettingsError: ...did you mean schedule.interval_minutes?
    """
    if key in DEFAULTS:
        return key
    close = difflib.get_close_matches(key, DEFAULTS, n=1, cutoff=0.6)
    if not close:  # perhaps the section was left out: "interval_minutes"
        close = [k for k in DEFAULTS if k.split(".", 1)[1] == key][:1]
    if close:
        raise SettingsError(
            [said("{key} is not a setting; did you mean {close}?", key=key, close=close[0])]
        )
    raise SettingsError(
        [said("{key} is not a setting; see them all with 'microbreak config show'", key=key)]
    )


class Rule(Protocol):
    """What a setting allows: ``check`` returns a value (normalised) or raises
    ValueError; ``allowed`` says in words what passes."""

    @property
    def allowed(self) -> str: ...

    def check(self, value: Any) -> Any: ...


def rule_of(key: str) -> Rule:
    """The rule that says what *key* allows."""
    section, name = check_key(key).split(".")
    defaults = Settings()
    for group in fields(defaults):
        if group.metadata.get("key", group.name) == section:
            for f in fields(getattr(defaults, group.name)):
                if f.name == name:
                    rule: Rule = f.metadata["rule"]
                    return rule
    raise AssertionError(key)  # check_key let through a key with no field


def parse_value(key: str, text: str) -> Any:
    """A value typed on the command line, as the TOML value it stands for.

    Numbers and ``true``/``false`` are read as TOML; text may be given with
    or without quotes::

        >>> parse_value("schedule.interval_minutes", "30")
        30
        >>> parse_value("button.snooze_hold_seconds", "3")
        3.0
        >>> parse_value("buzzer.kind", "active"), parse_value("screen.size", '"320x240"')
        ('active', '320x240')

    A value of the wrong kind is kept as it is, for the settings to refuse
    with the key, the value and what is allowed.
    """
    default = DEFAULTS[check_key(key)]
    try:
        value = tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text
    if isinstance(default, str) and not isinstance(value, str):
        return text  # `set buzzer.kind none` and the like: plain words are text
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def get_value(text: str, key: str) -> Any:
    """The effective value of *key* with the settings file *text*: the file's,
    or the default."""
    settings = parse_settings(text)
    return dict((k, v) for k, v, *_ in settings.items())[check_key(key)]


def set_value(text: str, key: str, value: Any) -> str:
    """The settings file *text* with *key* set to *value*, comments and layout
    kept. Raises :class:`SettingsError` if the result is not valid settings."""
    section, name = check_key(key).split(".")
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        why = said("not valid TOML: {why}; fix it with 'microbreak config edit'", why=str(exc))
        raise SettingsError([why]) from None
    if section not in document:
        if document.body:
            document.add(tomlkit.nl())
        document.add(section, tomlkit.table())
    table = document[section]
    if not isinstance(table, dict):
        raise SettingsError(
            [
                said(
                    "{name} must be a table: write [{name}] on its own line, "
                    "then its keys; fix it with 'microbreak config edit'",
                    name=section,
                )
            ]
        )
    table[name] = value
    new = tomlkit.dumps(document)
    settings = parse_settings(new)
    effective = dict((k, v) for k, v, *_ in settings.items())[key]
    if effective != rule_of(key).check(value):  # tomlkit put it somewhere unexpected
        raise SettingsError(
            [
                said(
                    "could not change {key} in this file's layout; change it by "
                    "hand with 'microbreak config edit'",
                    key=key,
                )
            ]
        )
    return new


def template() -> str:
    """A new settings file: every key commented out at its default, with its
    help and what it allows, grouped by section."""
    lines = [
        "# microbreak settings. Every key is optional; a missing key keeps its",
        "# default (shown commented out). Check a file: microbreak config check FILE",
    ]
    section = None
    for key, _, default, help in Settings().items():
        this, name = key.split(".")
        if this != section:
            section = this
            lines += ["", f"[{section}]"]
        words = f"{help[0].upper()}{help[1:]}; allowed: {rule_of(key).allowed}."
        lines += textwrap.wrap(
            words, 79, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False
        )
        lines.append(f"#{name} = {tomlkit.item(default).as_string()}")
    return "\n".join(lines) + "\n"


PROBLEM_MARK = "# microbreak: "


def with_problems(text: str, problems: list[str]) -> str:
    """*text* with *problems* on top as comments, for the editor to show again
    (as ``visudo`` does); :func:`without_problems` takes them off::

        >>> marked = with_problems("[led]\\npin = 99\\n", ["led.pin = 99 is out of range"])
        >>> print(marked, end="")
        # microbreak: NOT SAVED. Fix these problems and save, or quit without
        # microbreak: saving to leave the settings file as it was:
        # microbreak: led.pin = 99 is out of range
        [led]
        pin = 99
        >>> without_problems(marked)
        '[led]\\npin = 99\\n'
    """
    header = [
        "NOT SAVED. Fix these problems and save, or quit without",
        "saving to leave the settings file as it was:",
        *problems,
    ]
    return "".join(f"{PROBLEM_MARK}{line}\n" for line in header) + without_problems(text)


def without_problems(text: str) -> str:
    """*text* without the problem lines :func:`with_problems` put on top."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(PROBLEM_MARK):
        lines.pop(0)
    return "".join(lines)


def read_text(path: Path) -> str | None:
    """The file's text, or None when there is no file; refused as the service
    refuses it when it is not a regular file of a settings file's size."""
    try:
        return read_file(path)
    except FileNotFoundError:
        return None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold a lock on the settings file's folder while the file is read and
    replaced, so two changes at once do not lose one of them."""
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # releases the lock


def remove_stale(path: Path) -> None:
    """Remove the temporary files a change of *path* killed before its rename
    left beside it (``.config.toml.*.new``); call with the folder
    :func:`locked`, so none of them is another change's in progress. Only
    this user's regular files go."""
    with os.scandir(path.parent) as entries:
        for entry in entries:
            if (
                entry.name.startswith(f".{path.name}.")
                and entry.name.endswith(".new")
                and entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_uid == os.geteuid()
            ):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def foreign_link(path: Path) -> Path | None:
    """Where *path* leads when it is a symbolic link out of its own folder
    (a change there would land in another folder), else None."""
    if not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    return None if target.parent == Path(os.path.realpath(path.parent)) else target


def write_atomically(path: Path, text: str) -> None:
    """Replace *path* with *text* all at once: a temporary file in the same
    folder, flushed to disk, renamed over the old one, the folder flushed too.
    The old file's permissions and owner carry over; a symbolic link is
    followed, so the link stays."""
    path = Path(os.path.realpath(path))
    try:
        old = path.stat()
    except FileNotFoundError:
        old = None
    remove_stale(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            if old is not None:
                os.fchmod(out.fileno(), old.st_mode & 0o7777)
                if os.geteuid() == 0:
                    os.fchown(out.fileno(), old.st_uid, old.st_gid)
            else:
                os.fchmod(out.fileno(), 0o644)
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
