"""A set's guidance played at its times: the prompts the core places on the
exercise's timeline (:mod:`~microbreak.core.guidance`), each due at
*origin* + its seconds on the loop's monotonic clock::

    guide = Guide(sounder, voice, post=inbox.post)
    guide.start(prompts, origin=exercise_since, quiet=False)
    guide.stop()        # a press, a hold, a skip: silent at once

On the buzzer each prompt's sound starts when it is due, waited for against
the clock (never a sum of sleeps). With a speaker, the sounds and the spoken
phrases are laid out on one stream of samples played on a channel of its
own, piece after piece queued back to back, so each sits where the timeline
puts it to the sample. A hold's start and end are posted (:class:`GuidedHold`)
for the LED's rhythm when there is no screen.
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from microbreak.core.effects import CueName
from microbreak.core.guidance import GuideSound, Prompt
from microbreak.parts.sounder import Sounder
from microbreak.parts.timing import Runner

log = logging.getLogger(__name__)

MIN_PIECE = 0.5  # seconds: pieces are queued ahead every QUEUE_CHECK, so none is shorter
READY = 0.03  # seconds from start to the stream's first sample
QUEUE_CHECK = 0.05
LOUDEST = 32767


@dataclass(frozen=True)
class GuidedHold:
    """Posted when a guided hold begins (*on* True) or ends (False), and
    when the guidance is over (None)."""

    on: bool | None


Clip = tuple[int, array]  # (first sample, samples)
CALLS = (CueName.BREAK, CueName.RECUE, CueName.CONFIRM)  # the melodies a set follows


class Guide:
    """Plays prompts on *sounder*'s buzzer and, when it has a speaker, as one
    stream with the phrases *voice* (a :class:`~microbreak.parts.speech.Voice`,
    or None: sounds only) has made."""

    def __init__(
        self,
        sounder: Sounder,
        voice=None,
        *,
        post: Callable[[object], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.sounder = sounder
        self.voice = voice
        self.post = post
        self.clock = clock
        self._buzzer = Runner("guide")
        self._stream = Runner("guide-speaker")
        self._tones: dict[str, array] = {}
        if sounder.speaker is not None:  # made ahead: a stream never waits for them
            names = [*CALLS, *GuideSound]
            threading.Thread(target=self._warm, args=(names,), daemon=True).start()

    def _warm(self, names: list[str]) -> None:
        for name in names:
            if name in self.sounder.songs:
                self._tone(name, self.sounder.speaker.rate)

    def start(
        self,
        prompts: Sequence[Prompt],
        origin: float,
        *,
        quiet: bool = False,
        paced: bool = True,
        call: str | None = None,
        called_at: float | None = None,
    ) -> None:
        """Play *prompts*, each at *origin* + its ``at`` (monotonic seconds),
        stopping what was playing. *quiet*: a quiet period, so the LED's
        rhythm alone (as when muted, or at volume 0); *paced* False: the
        words alone, no ticks or tones. *call*: the melody that called the
        set at *called_at* (monotonic seconds), which the speaker's stream
        begins with: the set follows it there as it does on the timeline."""
        self.stop()
        audible = self.sounder.silent_because(quiet) is None
        prompts = tuple(prompts)
        if prompts:
            self._buzzer.start(self._pace, prompts, origin, audible and paced)
        speaker = self.sounder.speaker
        if audible and speaker is not None:
            if not paced:
                prompts = tuple(replace(p, sound=None) for p in prompts if p.words)
            called = (call, self.clock() if called_at is None else called_at) if call else None
            self._stream.start(self._play_stream, speaker, prompts, origin, called)

    @property
    def playing(self) -> bool:
        return self._buzzer.running or self._stream.running

    def stop(self) -> None:
        self._buzzer.stop()
        self._stream.stop()

    close = stop

    def _pace(
        self, prompts: tuple[Prompt, ...], origin: float, audible: bool, stop: threading.Event
    ) -> None:
        for i, prompt in enumerate(prompts):
            if stop.wait(max(origin + prompt.at - self.clock(), 0)):
                return
            if i == 0:
                self._tell(GuidedHold(False))  # the set begins: at rest
            if prompt.sound in (GuideSound.HOLD, GuideSound.RELAX, GuideSound.DONE):
                self._tell(GuidedHold(prompt.sound is GuideSound.HOLD))
            if prompt.sound is not None and audible:
                self.sounder.pace(prompt.sound, stop)
        self._tell(GuidedHold(None))

    def _tell(self, event: GuidedHold) -> None:
        if self.post is not None:
            self.post(event)

    # -- the speaker's stream ----------------------------------------------

    def _play_stream(
        self,
        speaker,
        prompts: tuple[Prompt, ...],
        origin: float,
        called: tuple[str, float] | None,
        stop: threading.Event,
    ) -> None:
        channel = speaker.guide_channel
        rate = speaker.rate
        begun = self.clock() + READY  # time to lay out the first piece, then exactly then
        if called is None:
            clips = self._clips(prompts, rate, origin - begun)
        else:  # the call at the stream's start, the set after it as on the timeline
            name, called_at = called
            clips = self._clips(prompts, rate, origin - called_at)
            if name in self.sounder.songs:
                clips.insert(0, (0, self._tone(name, rate)))
        try:
            for i, piece in enumerate(pieces(clips, round(MIN_PIECE * rate))):
                sound = speaker.sound_of(piece)
                if i == 0:
                    if stop.wait(max(begun - self.clock(), 0)):
                        return
                    channel.play(sound)
                    continue
                while channel.get_queue() is not None:
                    if stop.wait(QUEUE_CHECK):
                        return
                channel.queue(sound)
            while channel.get_busy():
                if stop.wait(QUEUE_CHECK):
                    return
        finally:
            _silence(channel)

    def _clips(self, prompts: tuple[Prompt, ...], rate: int, offset: float) -> list[Clip]:
        return clips_of(prompts, lambda name: self._tone(name, rate), self.voice, rate, offset)

    def _tone(self, name: str, rate: int) -> array:
        if name not in self._tones:
            from microbreak.parts.speaker import synthesize  # only with a speaker: no pygame

            self._tones[name] = synthesize(self.sounder.songs[name], rate)
        return self._tones[name]


def clips_of(
    prompts: Sequence[Prompt], tone: Callable[[str], array], voice, rate: int, offset: float = 0.0
) -> list[Clip]:
    """Each prompt's sound (*tone* of its name) and words (as *voice* said
    them, when it has) as samples at *rate*, at their first sample, *offset*
    seconds being the timeline's zero. A phrase is cut where the next one
    begins (the core left only the ones that keep the pace)."""
    clips: list[Clip] = []
    said: list[Clip] = []
    for prompt in prompts:
        at = round((offset + prompt.at) * rate)
        if at < 0:
            continue  # due before the stream could start: left out, never late
        if prompt.sound is not None:
            clips.append((at, tone(prompt.sound)))
        words = voice.samples(prompt.words) if voice is not None and prompt.words else None
        if words is not None:
            if said and said[-1][0] + len(said[-1][1]) > at:
                start, samples = said[-1]
                said[-1] = (start, samples[: at - start])
            said.append((at, _resampled(words, voice.rate, rate)))
    return sorted(clips + said, key=lambda clip: clip[0])


def pieces(clips: list[Clip], shortest: int) -> Iterator[array]:
    """The stream of *clips* (sorted by their first sample) as pieces played
    back to back from sample 0: each from one clip's start to the next's (at
    least *shortest* long), holding whatever clips sound in it, mixed."""
    starts = [0]
    for start, _ in clips:
        if start - starts[-1] >= shortest:
            starts.append(start)
    end = max((start + len(samples) for start, samples in clips), default=0)
    starts.append(max(end, starts[-1]))
    for begin, until in zip(starts, starts[1:], strict=False):
        if until <= begin:
            continue
        piece = array("h", bytes(2 * (until - begin)))
        for start, samples in clips:
            low, high = max(begin, start), min(until, start + len(samples))
            for i in range(low, high):
                mixed = piece[i - begin] + samples[i - start]
                piece[i - begin] = max(-LOUDEST, min(LOUDEST, mixed))
        yield piece


def _silence(channel) -> None:
    """Stop *channel* and what is queued on it. pygame starts a queued sound
    when the one playing ends, a stop included: so the channel is muted,
    stopped twice (the second stops the queued one), and unmuted."""
    channel.set_volume(0.0)
    channel.stop()
    channel.stop()
    channel.set_volume(1.0)


def _resampled(samples: array, rate: int, to: int) -> array:
    """*samples* at *rate* as samples at *to* (the nearest sample: speech only)."""
    if rate == to:
        return samples
    count = len(samples) * to // rate
    return array("h", (samples[i * rate // to] for i in range(count)))
