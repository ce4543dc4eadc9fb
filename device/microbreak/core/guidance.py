"""Guidance a person can follow with eyes closed: a sound at each mark of the
set's pace (:mod:`~microbreak.core.pacing`) and, with a speaker, short
phrases, all placed on the timeline the screen animates::

    >>> from microbreak.core.exercise import Exercise
    >>> from microbreak.core.animation import Keyframe
    >>> shrug = Exercise("shoulder-shrug", "Shoulder shrug", ("Shrug, hold", "Relax"),
    ...                  reps=2, hold_seconds=3, keyframes=(
    ...                      Keyframe({}, seconds=1.0, pause=1.0),
    ...                      Keyframe({"shrug": 1}, seconds=1.0, hold=True, say="Shrug up")))
    >>> for p in lap(shrug)[:5]:
    ...     print(p.at, p.sound, repr(p.words))
    0.0 guide_tick 'Shoulder shrug'
    1.0 None 'Shrug up'
    2.0 guide_hold 'Hold'
    5.0 guide_relax 'Relax'
    6.0 guide_tick '2'

:func:`guide` gives the prompts of a few passes through the set from any
moment, leaving out phrases that would talk over each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from microbreak.core.exercise import Exercise
from microbreak.core.pacing import Pace, set_marks


class GuideSound(StrEnum):
    """The sounds of the pace, each a melody of the same name in ``sounds/``."""

    TICK = "guide_tick"  # a rep begins: short and soft
    HOLD = "guide_hold"  # a hold begins: rising
    RELAX = "guide_relax"  # a hold ends: falling
    DONE = "guide_done"  # the last rep has ended


SOUNDS = {
    Pace.REP: GuideSound.TICK,
    Pace.HOLD: GuideSound.HOLD,
    Pace.RELAX: GuideSound.RELAX,
    Pace.DONE: GuideSound.DONE,
}


class Phrase(StrEnum):
    """The words guidance says that are not an exercise's own."""

    HOLD = "Hold"
    RELAX = "Relax"
    DONE = "Set done. Press the button."


COUNTDOWN_FROM = 3  # the last seconds of a hold are counted down ...
COUNTDOWN_HOLDS = 5  # ... in holds at least this long


@dataclass(frozen=True)
class Prompt:
    """At *at* seconds after the exercise appeared: play *sound* (or none) and
    say *words* (or nothing). *paces*: the words keep the pace (a count,
    hold, relax), so they are said even over a longer phrase, cutting it."""

    at: float
    sound: GuideSound | None = None
    words: str = ""
    paces: bool = False


def lap(exercise: Exercise) -> tuple[Prompt, ...]:
    """The prompts of one pass through *exercise*'s set, from its start."""
    motion = exercise.motion
    prompts: dict[float, Prompt] = {}

    def add(at: float, **what: Any) -> None:
        prompts[at] = replace(prompts.get(at, Prompt(at)), **what)

    for mark in set_marks(motion):
        add(mark.at, sound=SOUNDS[mark.pace])
        if mark.pace is Pace.REP:
            first = (exercise.title, motion.keyframes[0].say) if mark.rep == 1 else ()
            words = ". ".join(w for w in first if w) or str(mark.rep)
            add(mark.at, words=words, paces=mark.rep > 1)
        elif mark.pace is Pace.DONE:
            add(mark.at, words=Phrase.DONE.value, paces=True)
        else:
            word = Phrase.HOLD if mark.pace is Pace.HOLD else Phrase.RELAX
            add(mark.at, words=word.value, paces=True)
            if mark.pace is Pace.HOLD and motion.hold_seconds >= COUNTDOWN_HOLDS:
                end = mark.at + motion.hold_seconds
                for left in range(COUNTDOWN_FROM, 0, -1):
                    add(end - left, words=str(left), paces=True)
    for rep in range(motion.reps):
        for start, key in zip(motion.move_starts[1:], motion.keyframes[1:], strict=True):
            if key.say:  # the move's own words say more than "relax" as it begins
                add(rep * motion.rep_seconds + start, words=key.say, paces=False)
    return tuple(sorted(prompts.values(), key=lambda p: p.at))


def phrases(exercises: Iterable[Exercise]) -> list[str]:
    """Every phrase the guidance of *exercises* may say, for making them ahead."""
    return list(dict.fromkeys(p.words for e in exercises for p in lap(e) if p.words))


def first_lap_from(exercise: Exercise, after: float) -> float:
    """When the first pass through the set that begins at or after *after*
    (seconds since the exercise appeared) begins."""
    loop = exercise.motion.loop_seconds
    return max(0, math.ceil(round(after / loop, 9))) * loop


def speaking_estimate(words: str) -> float:
    """Roughly how long *words* take to say, until the spoken clip says exactly."""
    return 0.3 + 0.4 * len(words.split())


def guide(
    exercise: Exercise,
    after: float,
    laps: int,
    *,
    spoken: bool,
    speaking_seconds: Callable[[str], float] = speaking_estimate,
) -> list[Prompt]:
    """The prompts of *laps* passes through the set, from the first that
    begins at or after *after*. With *spoken* False, sounds alone. A phrase
    due while another is still being said is left out, unless it keeps the
    pace; a prompt left with neither sound nor words is dropped."""
    start = first_lap_from(exercise, after)
    loop = exercise.motion.loop_seconds
    prompts = [
        replace(p, at=round(start + n * loop + p.at, 6)) for n in range(laps) for p in lap(exercise)
    ]
    if not spoken:
        return [replace(p, words="", paces=False) for p in prompts if p.sound]
    kept, speaking_until = [], -math.inf
    for p in prompts:
        if p.words and p.at < speaking_until and not p.paces:
            p = replace(p, words="")
        if p.words:
            speaking_until = p.at + speaking_seconds(p.words)
        if p.sound or p.words:
            kept.append(p)
    return kept


def holding(prompts: list[Prompt], elapsed: float) -> bool:
    """Whether a hold is under way at *elapsed* seconds, by the prompts: the
    LED's rhythm when there is no screen (on through a hold, off at rest)."""
    state = False
    for p in prompts:
        if p.at > elapsed:
            break
        if p.sound in (GuideSound.HOLD, GuideSound.RELAX, GuideSound.DONE):
            state = p.sound is GuideSound.HOLD
    return state
