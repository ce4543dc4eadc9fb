"""Carrying out what the core asks for (:mod:`microbreak.core.effects`), in
the order it asks: the history first, then the log, the light and the sound,
so what the person was told is never lost."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from microbreak.core import presenter
from microbreak.core.effects import (
    BreakDeferred,
    BreakEnded,
    BreakStarted,
    Cue,
    Effect,
    Flash,
    NoticeAcknowledged,
    Outcome,
    SetConfirmed,
)
from microbreak.service.journal import event as journal_event

if TYPE_CHECKING:
    from microbreak.service.loop import Service

log = logging.getLogger("microbreak")


class Effects:
    """Carries out effects on *service*'s parts as they stand at each call."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._break_id: int | None = None  # the history's key for the break on

    def apply(self, effects: list[Effect]) -> None:
        service = self.service
        for effect in effects:
            if isinstance(effect, (BreakStarted, SetConfirmed, BreakEnded)):
                self._record(effect)
                service.report.forget_today()
            elif isinstance(effect, BreakDeferred):
                if effect.begun and self._break_id is not None:  # its record says so now
                    service.history.break_deferred(
                        self._break_id, effect.due_at, effect.deferred_by
                    )
                log.info(
                    "break deferred: busy (%s)",
                    effect.deferred_by.replace("_", " "),
                    extra=journal_event("break_deferred", source=effect.deferred_by),
                )
            elif isinstance(effect, Cue):
                guided = service.guiding.called(effect)  # the speaker's, with the set after
                service.hardware.sounder.play(effect.name, quiet=effect.quiet, speaker=not guided)
            elif isinstance(effect, Flash):
                service.hardware.light.flash()
            elif isinstance(effect, NoticeAcknowledged):
                service.history.acknowledge(presenter.FIRST_START_NOTICE, effect.at)
                log.info("first-start notice acknowledged")

    def _record(self, effect: BreakStarted | SetConfirmed | BreakEnded) -> None:
        history = self.service.history
        if isinstance(effect, BreakStarted):
            self._break_id = history.break_started(
                effect.started_at,
                effect.exercises,
                effect.reason,
                effect.due_at,
                effect.deferred_by,
            )
            if effect.reason != "away":
                log.info(
                    "break cued: %s",
                    ", ".join(effect.exercises),
                    extra=journal_event(
                        "break_cued", exercises=",".join(effect.exercises), reason=effect.reason
                    ),
                )
        elif isinstance(effect, SetConfirmed):
            assert self._break_id is not None  # the core starts a break before its sets
            history.set_confirmed(self._break_id, effect.exercise, effect.confirmed_at)
            log.info(
                "set confirmed: %s",
                effect.exercise,
                extra=journal_event("set_confirmed", exercise=effect.exercise),
            )
        else:
            assert self._break_id is not None
            history.break_ended(self._break_id, effect.outcome, effect.ended_at)
            self._break_id = None
            outcome = effect.outcome.value
            if effect.outcome is Outcome.DEFERRED:  # ("break_deferred" is when it fell due)
                log.info(
                    "break not taken: busy held it off until the working hours ended (or a stop)",
                    extra=journal_event("break_ended_deferred"),
                )
            else:
                log.info("break %s", outcome, extra=journal_event(f"break_{outcome}"))
