"""The exercises, loaded from data files.

Each exercise is one TOML file named after it (``shoulder-shrug.toml``): a
title, 2–4 short steps, reps, the hold in seconds, the view the figure is drawn
in and its pose. The five built-in ones live in ``images/exercises/``; files in
extra folders (``/etc/microbreak/exercises.d/``) add to them, or replace one of
the same name::

    >>> names = [e.name for e in load_exercises()]
    >>> names[:2]
    ['upper-back-movement', 'high-reach-stretch']
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .resources import data_dir

VIEWS = ("front", "side")
MAX_STEPS = 4
MAX_REPS = 50
MAX_HOLD_SECONDS = 60


class ExerciseError(ValueError):
    """An exercise file that cannot be used; the message names file and key."""


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    steps: tuple[str, ...]
    reps: int
    hold_seconds: int
    view: str = "front"
    order: int = 100
    pose: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    source: Path | None = field(default=None, compare=False)

    @property
    def dose(self) -> str:
        """The set in words: ``'5 reps · hold 5 s'``, or ``'5 reps'`` with no hold."""
        hold = f" · hold {self.hold_seconds} s" if self.hold_seconds else ""
        return f"{self.reps} reps{hold}"


def builtin_dir() -> Path:
    return data_dir("images") / "exercises"


def load_exercises(extra_dirs: Iterable[Path | str] = ()) -> list[Exercise]:
    """All exercises, built-in first, in their ``order``; later folders win."""
    by_name: dict[str, Exercise] = {}
    for folder in (builtin_dir(), *map(Path, extra_dirs)):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            exercise = load_exercise(path)
            by_name[exercise.name] = exercise
    return sorted(by_name.values(), key=lambda e: (e.order, e.name))


def load_exercise(path: Path) -> Exercise:
    """Read one exercise file, or raise :class:`ExerciseError` saying why not."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ExerciseError(f"{path}: not valid TOML: {exc}") from None

    def need(key: str, kind: type, allowed: str) -> Any:
        if key not in data:
            raise ExerciseError(f"{path}: {key} is missing; expected {allowed}")
        value = data[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ExerciseError(f"{path}: {key} = {value!r} is not allowed; expected {allowed}")
        return value

    title = need("title", str, "a short title in quotes").strip()
    steps = need("steps", list, f"a list of 1 to {MAX_STEPS} short step lines")
    if not 1 <= len(steps) <= MAX_STEPS or not all(isinstance(s, str) and s.strip() for s in steps):
        raise ExerciseError(f"{path}: steps has {len(steps)} entries; expected 1 to {MAX_STEPS} non-empty lines")
    reps = need("reps", int, f"a whole number from 1 to {MAX_REPS}")
    if not 1 <= reps <= MAX_REPS:
        raise ExerciseError(f"{path}: reps = {reps} is out of range; allowed 1 to {MAX_REPS}")
    hold = need("hold_seconds", int, f"a whole number of seconds from 0 to {MAX_HOLD_SECONDS}")
    if not 0 <= hold <= MAX_HOLD_SECONDS:
        raise ExerciseError(f"{path}: hold_seconds = {hold} is out of range; allowed 0 to {MAX_HOLD_SECONDS}")
    view = data.get("view", "front")
    if view not in VIEWS:
        raise ExerciseError(f"{path}: view = {view!r} is not allowed; expected one of {', '.join(VIEWS)}")
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise ExerciseError(f"{path}: order = {order!r} is not allowed; expected a whole number")
    pose = data.get("pose", {})
    if not isinstance(pose, dict):
        raise ExerciseError(f"{path}: pose must be a table of joint angles")
    return Exercise(
        name=path.stem,
        title=title,
        steps=tuple(s.strip() for s in steps),
        reps=reps,
        hold_seconds=hold,
        view=view,
        order=order,
        pose=MappingProxyType(pose),
        source=path,
    )
