"""The exercise on a break, in step: when its timeline began (which paces the
screen's animation and the guidance alike) and its guidance playing.

The loop tells it of each call (:meth:`Guiding.called`: the break's cue, a
re-cue, a confirmed set's tone) and each press (:meth:`Guiding.pressed`), and
lets it :meth:`~Guiding.follow` the schedule every turn::

    guiding.called(Cue(CueName.BREAK))
    guiding.follow(schedule, now)   # the exercise appears as the call's melody ends
    guiding.since                   # the timeline's zero, real monotonic seconds

A timeline begins as the melody that announced it ends, so the guidance's
first tick never sounds over the call, and the screen holds the first pose
until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from microbreak.core import guidance
from microbreak.core.effects import Cue
from microbreak.core.exercise import Exercise
from microbreak.core.states import OnBreak
from microbreak.parts.guide import CALLS, GuidedHold
from microbreak.service.clock import real_time

if TYPE_CHECKING:
    from microbreak.config.settings import GuidanceSection
    from microbreak.core.schedule import Schedule
    from microbreak.parts.hardware import Hardware


class Guiding:
    def __init__(self, exercises: Mapping[str, Exercise]):
        self.exercises = exercises
        self.screen = True  # a screen shows the set: the LED keeps its own patterns
        self.since = 0.0  # when the exercise's timeline began (real monotonic seconds)
        self.holding: bool | None = None  # a guided hold on (True), at rest, or not guiding
        self._shown: tuple[int, int] | None = None  # (session, set) on show
        self._call: Cue | None = None

    def called(self, cue: Cue) -> bool:
        """A cue sounds; True when it is a call the guidance follows, whose
        melody the guidance then plays on the speaker with the set after it
        (two sounds started apart could fall a sound card's buffer apart)."""
        if cue.name not in CALLS:
            return False
        self._call = cue
        return True

    def pressed(self, hardware: Hardware) -> None:
        """A press has begun: the guidance stops at once."""
        hardware.guide.stop()
        self.holding = None

    def heard(self, event: GuidedHold) -> None:
        """The guidance reached a hold's start or end, or its last prompt."""
        if not self.screen:
            self.holding = event.on

    def follow(
        self, schedule: Schedule, settings: GuidanceSection, hardware: Hardware, screen: bool
    ) -> None:
        """Start the timeline and the guidance of an exercise as it appears
        or is called again; stop the guidance when the break is over.
        *screen*: the device shows the set (without one, the LED keeps the
        rhythm)."""
        self.screen = screen
        state = schedule.state
        call, self._call = self._call, None
        if not isinstance(state, OnBreak):
            if self._shown is not None:
                self._shown = None
                hardware.guide.stop()
                self.holding = None
            if call is not None:  # the break ended as it was called: the melody alone
                now = real_time()
                hardware.guide.start((), now, quiet=call.quiet, call=call.name, called_at=now)
            return
        session = state.session
        shown = (id(session), session.index)
        lead = hardware.sounder.seconds(call.name) if call else 0.0  # the call sounds first
        begins = real_time() + lead
        if shown != self._shown:
            self._shown, self.since = shown, begins
        elif call is None:
            return
        exercise = self.exercises[session.exercises[session.index]]
        spoken = settings.spoken and hardware.guide.voice is not None
        prompts: list[guidance.Prompt] = []
        if settings.paced or spoken or not self.screen:
            voice = hardware.guide.voice
            prompts = guidance.guide(
                exercise,
                begins - self.since,
                settings.laps,
                spoken=spoken,
                speaking_seconds=voice.speaking_seconds if spoken else guidance.speaking_estimate,
            )
        hardware.guide.start(
            prompts,
            self.since,
            quiet=bool(call and call.quiet),
            paced=settings.paced,
            call=call.name if call else None,
            called_at=begins - lead,
        )
        self.holding = None  # until the guidance's first prompt
