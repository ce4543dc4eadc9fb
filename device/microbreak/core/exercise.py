"""An exercise as the core knows it: title, steps, the dose, and its motion.

Loaded from files by :mod:`microbreak.config.exercises`; here only the value::

    >>> Exercise("shrug", "Shoulder shrug", ("Shrug, hold", "Relax"), reps=5, hold_seconds=3).reps
    5
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

from microbreak.core.animation import Keyframe, Motion

if TYPE_CHECKING:
    from pathlib import Path

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
    keyframes: tuple[Keyframe, ...] = ()  # none: the figure sits still, the counters run
    source: Path | None = field(default=None, compare=False)

    @cached_property
    def motion(self) -> Motion:
        """The set as it moves: reps of the keyframes, paced by the hold."""
        keyframes = self.keyframes or _still(self.hold_seconds)
        return Motion(keyframes, self.reps, self.hold_seconds, self.view)

    @property
    def pose(self) -> Mapping[str, float]:
        """The pose a still picture shows: the held one, or the first move's."""
        return self.motion.at(self.motion.key_seconds).pose


def _still(hold_seconds: float) -> tuple[Keyframe, ...]:
    return (Keyframe({}, seconds=1.0, pause=1.0), Keyframe({}, seconds=1.0, hold=hold_seconds > 0))


def moving_into(pose: Mapping[str, float], hold_seconds: float) -> tuple[Keyframe, ...]:
    """The keyframes for a file with a single ``[pose]``: into it and back."""
    return (
        Keyframe({}, seconds=1.5, pause=1.0),
        Keyframe(
            MappingProxyType(dict(pose)),
            seconds=1.5,
            hold=hold_seconds > 0,
            pause=0.0 if hold_seconds else 1.0,
        ),
    )
