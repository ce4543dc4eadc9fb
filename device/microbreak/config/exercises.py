"""The exercises, loaded from data files.

Each exercise is one TOML file named after it (``shoulder-shrug.toml``): a
title, 2–4 short steps, reps, the hold in seconds, the view the figure is drawn
in, and its movement as keyframe poses (see :mod:`microbreak.core.animation`)::

    title = "Shoulder shrug"
    view = "front"
    reps = 5
    hold_seconds = 3
    steps = ["Sit upright, spine relaxed", "Shrug your shoulders up, hold", "Relax"]

    [[keyframes]]           # relaxed; 1 s to come back down at the end of a rep
    seconds = 1
    pause = 1

    [[keyframes]]           # shoulders up, held for hold_seconds
    seconds = 1
    hold = true
    shrug = 1
    shrug_cue = 1

A keyframe has ``seconds`` (the move into it), ``ease`` (``in-out``,
``linear``, ``in`` or ``out``), ``hold`` and ``pause``; every other key is a
pose key, and a pose key left out keeps its value from the keyframe before. A
single ``[pose]`` table instead of keyframes is a simpler form: the figure
moves from resting into that pose and back each rep.

The five built-in exercises live in ``images/exercises/``; files in extra
folders (``/etc/microbreak/exercises.d/``) add to them, or replace one of the
same name. A bad extra file is left out with a warning naming the file and
the field::

    >>> names = [e.name for e in load_exercises()]
    >>> names[:2]
    ['upper-back-movement', 'high-reach-stretch']
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from microbreak.core.animation import FIELDS, VIEWS, Keyframe, full_pose
from microbreak.core.exercise import (
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_STEPS,
    Exercise,
    ExerciseError,
    moving_into,
)
from microbreak.resources import data_dir

log = logging.getLogger(__name__)


def builtin_dir() -> Path:
    return data_dir("images") / "exercises"


def load_exercises(extra_dirs: Iterable[Path | str] = ()) -> list[Exercise]:
    """All exercises, built-in first, in their ``order``; later folders win.

    A bad built-in file raises :class:`ExerciseError`; a bad extra one is
    logged and left out, so one broken custom file never stops the device.
    """
    by_name: dict[str, Exercise] = {}
    for folder in (builtin_dir(), *map(Path, extra_dirs)):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                exercise = load_exercise(path)
            except ExerciseError as exc:
                if folder == builtin_dir():
                    raise
                log.warning("left out: %s", exc)
                continue
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
        raise ExerciseError(
            f"{path}: steps has {len(steps)} entries; expected 1 to {MAX_STEPS} non-empty lines"
        )
    reps = need("reps", int, f"a whole number from 1 to {MAX_REPS}")
    if not 1 <= reps <= MAX_REPS:
        raise ExerciseError(f"{path}: reps = {reps} is out of range; allowed 1 to {MAX_REPS}")
    hold = need("hold_seconds", int, f"a whole number of seconds from 0 to {MAX_HOLD_SECONDS}")
    if not 0 <= hold <= MAX_HOLD_SECONDS:
        raise ExerciseError(
            f"{path}: hold_seconds = {hold} is out of range; allowed 0 to {MAX_HOLD_SECONDS}"
        )
    view = data.get("view", "front")
    if view not in VIEWS:
        raise ExerciseError(
            f"{path}: view = {view!r} is not allowed; expected one of {', '.join(VIEWS)}"
        )
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise ExerciseError(f"{path}: order = {order!r} is not allowed; expected a whole number")
    exercise = Exercise(
        name=path.stem,
        title=title,
        steps=tuple(s.strip() for s in steps),
        reps=reps,
        hold_seconds=hold,
        view=view,
        order=order,
        keyframes=_movement(path, data, view, hold),
        source=path,
    )
    try:
        _ = exercise.motion  # made now: every keyframe and pose key checked, not on screen
    except ValueError as exc:
        raise ExerciseError(f"{path}: {exc}") from None
    return exercise


def _movement(path: Path, data: dict[str, Any], view: str, hold: int) -> tuple[Keyframe, ...]:
    """The file's keyframes, or its single pose moved into and back."""
    if "keyframes" in data and "pose" in data:
        raise ExerciseError(
            f"{path}: pose and keyframes are both given; keep one "
            "(keyframes for a movement, pose for a single pose)"
        )
    if "keyframes" in data:
        return _keyframes(path, data["keyframes"])
    pose = data.get("pose", {})
    if not isinstance(pose, dict):
        raise ExerciseError(f"{path}: pose must be a table of joint angles")
    try:
        full_pose(pose, view)
    except ValueError as exc:
        raise ExerciseError(f"{path}: pose: {exc}") from None
    return moving_into(pose, hold)


def _keyframes(path, tables) -> tuple[Keyframe, ...]:
    """The ``[[keyframes]]`` tables as :class:`Keyframe` values; the values
    themselves are checked by :class:`~microbreak.core.animation.Motion`."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ExerciseError(f"{path}: keyframes must be [[keyframes]] tables, one per pose")
    keyframes = []
    for table in tables:
        settings = {key: table[key] for key in FIELDS if key in table}
        pose = {key: value for key, value in table.items() if key not in FIELDS}
        keyframes.append(Keyframe(MappingProxyType(pose), **settings))
    return tuple(keyframes)
