"""One break, from its cue to its outcome: a pure state machine.

A break shows its exercises one after another; a press confirms the set shown.
With no press, the cue repeats every ``recue_seconds`` up to ``max_recues``
times, then the break ends as missed (or partial, if some sets were done)::

    >>> from microbreak.service.clock import FakeClock
    >>> clock = FakeClock()
    >>> session = BreakSession(("shoulder-rolls", "shoulder-shrug"), clock.now(),
    ...                        recue_seconds=180, max_recues=2)
    >>> session.current
    'shoulder-rolls'
    >>> [type(e).__name__ for e in session.confirm(clock.now())]
    ['SetConfirmed', 'Cue', 'Flash']
    >>> _ = session.confirm(clock.now())
    >>> session.outcome
    <Outcome.COMPLETED: 'completed'>
"""

from __future__ import annotations

from collections.abc import Sequence

from microbreak.core.effects import (
    BreakEnded,
    Cue,
    CueName,
    Effect,
    Flash,
    Outcome,
    SetConfirmed,
)
from microbreak.core.now import Now


class BreakSession:
    def __init__(
        self, exercises: Sequence[str], now: Now, *, recue_seconds: float, max_recues: int
    ):
        if not exercises:
            raise ValueError("a break needs at least one exercise")
        self.exercises = tuple(exercises)
        self.started_at = now.wall
        self.recue_seconds = recue_seconds
        self.max_recues = max_recues
        self.confirmed: list[str] = []
        self.outcome: Outcome | None = None
        self.calling = True  # the cue sounded and no press has answered it yet
        self.recues = 0
        self._last_contact = now.mono

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def current(self) -> str | None:
        """The exercise whose set a press would confirm, or None once finished."""
        if self.finished:
            return None
        return self.exercises[len(self.confirmed)]

    @property
    def index(self) -> int:
        return len(self.confirmed)

    def deadline(self) -> float:
        """When :meth:`advance` next has something to do (monotonic seconds)."""
        if self.finished:
            return float("inf")
        return self._last_contact + self.recue_seconds

    def confirm(self, now: Now) -> list[Effect]:
        """The person pressed the button: the set shown is done."""
        if self.finished:
            return []
        done = self.exercises[self.index]
        self.confirmed.append(done)
        self.calling = False
        self.recues = 0
        self._last_contact = now.mono
        if len(self.confirmed) < len(self.exercises):
            return [SetConfirmed(done, now.wall), Cue(CueName.CONFIRM), Flash()]
        # The last set: the done chime in the confirm tone's place (the tone,
        # cut short by the chime a moment later, was heard as a blip).
        effects: list[Effect] = [SetConfirmed(done, now.wall), Flash()]
        return effects + self._end(Outcome.COMPLETED, now, cue=CueName.DONE)

    def advance(self, now: Now) -> list[Effect]:
        """Time passed: cue again, or give up on an unanswered break."""
        if now.mono < self.deadline():
            return []
        if self.recues < self.max_recues:
            self.recues += 1
            self.calling = True
            self._last_contact = now.mono
            return [Cue(CueName.RECUE)]
        outcome = Outcome.PARTIAL if self.confirmed else Outcome.MISSED
        return self._end(outcome, now, cue=CueName.MISSED)

    def skip(self, now: Now) -> list[Effect]:
        if self.finished:
            return []
        return self._end(Outcome.SKIPPED, now, cue=CueName.SKIP)

    def close(self, outcome: Outcome | None, now: Now) -> list[Effect]:
        """End quietly: with *outcome*, or as partial/missed by the sets done
        (the working day ended, the person went away)."""
        if self.finished:
            return []
        if outcome is None:
            outcome = Outcome.PARTIAL if self.confirmed else Outcome.MISSED
        return self._end(outcome, now, cue=None)

    def wait_from(self, now: Now) -> None:
        """Count the wait for a press afresh from *now* (the person is back)."""
        self._last_contact = now.mono

    def resume(self, now: Now) -> list[Effect]:
        """Call again after a snooze, from the set where the person left off."""
        self.calling = True
        self.recues = 0
        self._last_contact = now.mono
        return [Cue(CueName.BREAK)]

    def _end(self, outcome: Outcome, now: Now, cue: CueName | None) -> list[Effect]:
        self.outcome = outcome
        self.calling = False
        effects: list[Effect] = [BreakEnded(outcome, now.wall)]
        return effects + [Cue(cue)] if cue else effects
