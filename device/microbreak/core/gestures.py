"""Button gestures: what a press held for some time means.

    >>> thresholds = HoldThresholds(snooze=2.0, skip=5.0)
    >>> thresholds.classify(0.2), thresholds.classify(2.5), thresholds.classify(6)
    (<Gesture.PRESS: 'press'>, <Gesture.SNOOZE: 'snooze'>, <Gesture.SKIP: 'skip'>)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Gesture(str, Enum):
    PRESS = "press"  # confirm the set / advance
    SNOOZE = "snooze"  # hold ~2 s
    SKIP = "skip"  # hold ~5 s: skip the break; when idle, pause or resume


@dataclass(frozen=True)
class HoldThresholds:
    snooze: float = 2.0
    skip: float = 5.0

    def classify(self, held_seconds: float) -> Gesture:
        """The gesture a release after *held_seconds* makes."""
        if held_seconds >= self.skip:
            return Gesture.SKIP
        if held_seconds >= self.snooze:
            return Gesture.SNOOZE
        return Gesture.PRESS

    def progress(self, held_seconds: float) -> float:
        """How far a hold has come towards the next gesture, 0.0–1.0."""
        if held_seconds >= self.skip:
            return 1.0
        if held_seconds >= self.snooze:
            return (held_seconds - self.snooze) / (self.skip - self.snooze)
        return held_seconds / self.snooze
