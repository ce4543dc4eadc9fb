"""Button gestures: what a press held for some time means, and what each
does in each of the schedule's states (one table, read by the schedule to act
and by the presenter to say what a release would do)::

    >>> thresholds = HoldThresholds(snooze=2.0, skip=5.0)
    >>> thresholds.classify(0.2), thresholds.classify(2.5), thresholds.classify(6)
    (<Gesture.PRESS: 'press'>, <Gesture.SNOOZE: 'snooze'>, <Gesture.SKIP: 'skip'>)
    >>> action_for(StateName.HEADS_UP, Gesture.SNOOZE)
    <Action.SNOOZE: 'snooze'>
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from microbreak.core.states import StateName


class Gesture(StrEnum):
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


class Action(StrEnum):
    """What a gesture does."""

    BEGIN = "begin"  # the health notice is read: breaks begin
    CONFIRM = "confirm"  # the set on screen is done
    SNOOZE = "snooze"
    SKIP = "skip"  # the break on screen or announced
    PAUSE = "pause"
    RESUME = "resume"
    NOT_BUSY = "not_busy"  # busy ends now (the meeting ended early)
    STATUS = "status"  # nothing changes; the screen shows how things stand
    PROGRESS = "progress"  # the next progress page: today, this week, the streak, back
    NOTHING = "nothing"


ACTIONS: dict[StateName, tuple[Action, Action, Action]] = {  # press, snooze hold, skip hold
    StateName.NOTICE: (Action.BEGIN, Action.NOTHING, Action.NOTHING),
    StateName.IDLE: (Action.PROGRESS, Action.STATUS, Action.PAUSE),
    StateName.HEADS_UP: (Action.NOTHING, Action.SNOOZE, Action.SKIP),
    StateName.BREAK: (Action.CONFIRM, Action.SNOOZE, Action.SKIP),
    StateName.PAUSED: (Action.PROGRESS, Action.STATUS, Action.RESUME),
    StateName.OFF_HOURS: (Action.PROGRESS, Action.STATUS, Action.PAUSE),
    StateName.BUSY: (Action.PROGRESS, Action.STATUS, Action.NOT_BUSY),
}


def action_for(state: StateName, gesture: Gesture) -> Action:
    """What *gesture* does in *state*."""
    return ACTIONS[state][list(Gesture).index(gesture)]
