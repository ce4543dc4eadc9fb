"""A set's pace as marks in time: each rep's start, each hold's start and
end, and the set's end, taken from the motion's own timeline, so that what is
heard (or felt) and what the screen animates never disagree::

    >>> from microbreak.core.animation import Keyframe, Motion
    >>> shrug = Motion([Keyframe({}, seconds=1.0, pause=1.0),
    ...                 Keyframe({"shrug": 1}, seconds=1.0, hold=True)],
    ...                reps=2, hold_seconds=3)
    >>> [(mark.at, mark.pace.value) for mark in set_marks(shrug)][:4]
    [(0.0, 'rep'), (2.0, 'hold'), (5.0, 'relax'), (6.0, 'rep')]
    >>> set_marks(shrug)[-1]
    Mark(at=12.0, pace=<Pace.DONE: 'done'>, rep=2)

The motion loops (its set, a short rest, the set again) for as long as the
exercise is on screen; :func:`marks_between` gives the marks that fall in any
stretch of that, the way a loop asks "what was due since I last looked".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from microbreak.core.animation import Motion


class Pace(StrEnum):
    REP = "rep"  # a rep begins
    HOLD = "hold"  # a hold begins
    RELAX = "relax"  # a hold ends
    DONE = "done"  # the last rep has ended: the set is done


@dataclass(frozen=True)
class Mark:
    """*pace* at *at* seconds after the exercise appeared, in rep *rep*."""

    at: float
    pace: Pace
    rep: int


def set_marks(motion: Motion) -> tuple[Mark, ...]:
    """The marks of one pass through the set, from its start."""
    marks: list[Mark] = []
    hold = motion.hold_span
    for rep in range(1, motion.reps + 1):
        start = (rep - 1) * motion.rep_seconds
        marks.append(Mark(start, Pace.REP, rep))
        if hold is not None:
            marks += [Mark(start + hold[0], Pace.HOLD, rep), Mark(start + hold[1], Pace.RELAX, rep)]
    marks.append(Mark(motion.reps * motion.rep_seconds, Pace.DONE, motion.reps))
    return tuple(marks)


def marks_between(motion: Motion, after: float, until: float) -> list[Mark]:
    """The marks in (*after*, *until*], seconds since the exercise appeared,
    as the motion loops; a mark at 0 counts when *after* is below 0."""
    if until <= after:
        return []
    marks = set_marks(motion)
    found = []
    first = max(0, math.floor(after / motion.loop_seconds))
    last = math.floor(until / motion.loop_seconds)
    for lap in range(first, last + 1):
        offset = lap * motion.loop_seconds
        found += [
            Mark(offset + m.at, m.pace, m.rep) for m in marks if after < offset + m.at <= until
        ]
    return found
