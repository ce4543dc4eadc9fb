"""How exactly the guidance sounds when the timeline says it should.

- On the buzzer: the five exercises' guidance played at once (five buzzers
  on gpiozero's mock pins, which time every change of their pin), each
  tick's and tone's first edge against its time on the timeline. Baseline,
  in the same run: a cue melody's notes against their RTTTL timing.
- On a speaker, as a break plays it: the headless simulator with no screen
  and its speaker on SDL's ``disk`` audio driver, which writes every sample
  it plays to a file; a break of the exercises, each set pressed a little
  after its first hold. Each sound's onset in the recording (the first
  sample above a threshold after 10 ms of near silence) against its call's
  first note + the call's length + its time on the timeline. Baseline: the
  call melodies' own notes against their RTTTL.

    python -m bench.guidance_timing [--quick] [--json FILE]
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from array import array
from pathlib import Path

from gpiozero.pins.mock import MockFactory, MockPWMPin

from microbreak.config.exercises import load_exercises
from microbreak.core import guidance
from microbreak.parts.guide import Guide
from microbreak.parts.rtttl import load_folder
from microbreak.parts.sounder import Sounder, buzzer
from microbreak.resources import data_dir
from microbreak.simulator.harness import service_env

from .common import ALWAYS, Device, main, percentile, row

SONGS = load_folder(data_dir("sounds"))


def sounds_started(pin, cleared_at: float, start: float, gap: float = 0.05) -> list[float]:
    """When *pin* began each sound after a silence of *gap* or more, in
    seconds after *start*; gpiozero's mock pin keeps each change's time
    since the one before, from *cleared_at* (when its states were cleared)."""
    onsets, last_off, now = [], -1.0, cleared_at
    for state in pin.states[1:]:
        now += state.timestamp
        if state.state and (not onsets or now - last_off >= gap):
            onsets.append(now - start)
        if not state.state:
            last_off = now
    return onsets


def play_on_buzzer(prompts, factory, gpio: int) -> list[float]:
    """Play *prompts* on a passive buzzer on *gpio*; each sound's first edge,
    in seconds on the timeline."""
    device = buzzer("passive", gpio, factory)
    sounder = Sounder(device, SONGS)
    pin = device.pwm_device.pin
    pin.clear_states()
    cleared_at = time.monotonic()
    origin = cleared_at + 0.2
    guide = Guide(sounder)
    guide.start(prompts, origin)
    time.sleep(max(origin + prompts[-1].at + 0.6 - time.monotonic(), 0))
    guide.stop()
    heard = sounds_started(pin, cleared_at, origin)
    sounder.close()
    return heard


def guided(seconds: float) -> dict[str, tuple[list[float], list[float]]]:
    """Each exercise's sounds in its first *seconds*: (due, heard), all five at once."""
    factory = MockFactory(pin_class=MockPWMPin)
    results: dict[str, tuple[list[float], list[float]]] = {}

    def run(exercise, gpio: int) -> None:
        prompts = [
            p for p in guidance.guide(exercise, 0, 1, spoken=False) if p.at < seconds and p.sound
        ]
        results[exercise.name] = ([p.at for p in prompts], play_on_buzzer(prompts, factory, gpio))

    threads = [
        threading.Thread(target=run, args=(e, 5 + i)) for i, e in enumerate(load_exercises())
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def melody_notes() -> list[float]:
    """The break cue's notes against their RTTTL times, on the buzzer, from
    its first note (seconds)."""
    factory = MockFactory(pin_class=MockPWMPin)
    device = buzzer("passive", 4, factory)
    sounder = Sounder(device, SONGS)
    pin = device.pwm_device.pin
    pin.clear_states()
    cleared_at = time.monotonic()
    sounder.play("break")
    started = time.monotonic()
    sounder.wait(3)
    due, t = [], 0.0
    for note in SONGS["break"].notes:
        due.append(t)
        t += note.seconds
    heard = sounds_started(pin, cleared_at, started, gap=0.001)
    sounder.close()
    assert len(heard) == len(due), (heard, due)
    return [(h - heard[0]) - d for h, d in zip(heard, due, strict=True)]


RATE = 22050  # the speaker's mixer: 16-bit mono
SPEAKER = (
    '[screen]\nsize = "none"\n[sound]\nspeaker = true\n'
    "[guidance]\nspoken = false\nlaps = 1\n"
    "[break]\nexercises_per_break = {count}\n[hours]\n" + ALWAYS
)


def onsets(samples: array, rate: int = RATE) -> list[float]:
    """Seconds into *samples* at which a sound begins after 10 ms of near silence."""
    found, quiet, armed = [], 0, True
    for i, sample in enumerate(samples):
        if abs(sample) >= 1000 and armed:
            found.append(i / rate)
            armed = False
        quiet = quiet + 1 if abs(sample) < 200 else 0
        armed = armed or quiet >= rate // 100
    return found


def note_starts(song) -> list[float]:
    starts, t = [], 0.0
    for note in song.notes:
        if note.frequency is not None:
            starts.append(t)
        t += note.seconds
    return starts


def press_after(exercise) -> float:
    """Seconds into a set to press: a little after its first hold ends, or
    after its second rep begins."""
    lap = [p for p in guidance.lap(exercise) if p.sound]
    relax = [p.at for p in lap if p.sound is guidance.GuideSound.RELAX]
    return (relax[0] if relax else lap[1].at) + 0.8


def record_break(folder: Path, count: int) -> tuple[array, list[str]]:
    """A break of *count* exercises on the simulator, as its speaker played it."""
    raw = folder / "played.raw"
    env = service_env(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw))
    device = Device(folder, SPEAKER.format(count=count), speed=1, env=env)
    exercises = {e.name: e for e in load_exercises()}
    device.start()
    try:
        device.acknowledge_notice()
        # The acknowledging press's confirm tone ends first: a call sounding
        # over it has no onset of its own to find.
        time.sleep(SONGS["confirm"].seconds + 0.2)
        device.call("break-now")
        called, call = time.monotonic(), SONGS["break"]
        cued = re.search(r"break cued: (.*)", device.output())
        assert cued, "the log does not say which exercises the break has"
        names = cued.group(1).split(", ")
        for name in names:
            due = called + call.seconds + press_after(exercises[name])
            time.sleep(max(due - time.monotonic(), 0))
            device.call("press")
            called, call = time.monotonic(), SONGS["confirm"]
        time.sleep(1.5)  # the done chime
    finally:
        device.stop()
    samples = array("h")
    samples.frombytes(raw.read_bytes())
    return samples, names


def speaker_errors(found: list[float], names: list[str]) -> dict[str, list[float]]:
    """Each set's sounds against their call's first note + the call's length +
    the timeline, and the calls' notes against their RTTTL, in seconds."""
    exercises = {e.name: e for e in load_exercises()}
    out: dict[str, list[float]] = {"guidance": [], "melody": []}

    def heard_from(song, after: float) -> float:
        """The first onset after *after* that begins a run spaced as *song*'s notes."""
        notes = note_starts(song)
        return next(
            found[i]
            for i in range(len(found) - len(notes) + 1)
            if found[i] > after
            and all(abs(found[i + k] - found[i] - notes[k]) < 0.03 for k in range(len(notes)))
        )

    anchor, call = heard_from(SONGS["break"], 0.0), SONGS["break"]

    def nearest(at: float) -> float:
        onset = min(found, key=lambda f: abs(f - at))
        if abs(onset - at) > 0.1:
            raise AssertionError(f"no sound within 0.1 s of {at:.3f} s")
        return onset

    for name in names:
        out["melody"] += [nearest(anchor + t) - anchor - t for t in note_starts(call)]
        end = call.seconds + press_after(exercises[name]) - 0.7
        for p in guidance.lap(exercises[name]):
            if p.sound and call.seconds + p.at < end:
                t = call.seconds + p.at
                out["guidance"].append(nearest(anchor + t) - anchor - t)
        if name != names[-1]:
            anchor, call = heard_from(SONGS["confirm"], anchor + end), SONGS["confirm"]
    return out


def on_speaker(count: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        samples, names = record_break(Path(folder), count)
    found = onsets(samples)
    try:
        return speaker_errors(found, names)
    except (AssertionError, StopIteration) as error:
        rounded = [round(f, 3) for f in found]
        raise SystemExit(f"{error!r} in a break of {names}; onsets: {rounded}") from None


def measure(quick: bool = False) -> dict:
    results = guided(4.5 if quick else 30.0)
    assert all(len(due) == len(heard) for due, heard in results.values()), results
    late = [
        abs(h - d) * 1000
        for due, heard in results.values()
        for d, h in zip(due, heard, strict=True)
    ]
    notes = [abs(e) * 1000 for e in melody_notes()]
    speaker = on_speaker(2 if quick else 5)
    heard = [abs(e) * 1000 for e in speaker["guidance"]]
    calls = [abs(e) * 1000 for e in speaker["melody"]]
    rows = [
        row(
            f"guidance onset vs timeline, buzzer ({len(late)} ticks/tones, 5 exercises at once)",
            percentile(late, 0.5),
            "ms",
            p99=percentile(late, 0.99),
            baseline=percentile(notes, 0.5),
            baseline_p99=max(notes),
            baseline_what="the break cue's notes vs their RTTTL",
            target=20,
        ),
        row(
            f"guidance onset vs timeline, speaker ({len(heard)} ticks/tones, a break)",
            percentile(heard, 0.5),
            "ms",
            p99=percentile(heard, 0.99),
            baseline=percentile(calls, 0.5),
            baseline_p99=max(calls),
            baseline_what="the calls' notes vs their RTTTL",
            target=20,
        ),
    ]
    return {"name": "guidance_timing", "rows": rows, "data": {"buzzer": late, "speaker": speaker}}


if __name__ == "__main__":
    main(measure, __doc__)
