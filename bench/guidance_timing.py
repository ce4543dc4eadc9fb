"""How exactly a break's guidance sounds when the timeline says it should.

The headless simulator runs with no screen and a speaker on SDL's ``disk``
audio driver, which writes every sample it plays to a file. A break of the
exercises is called; each set is confirmed with a press after its first
hold has ended (the second rep, for a set with no hold). In the recording,
each sound's onset is the first sample above a threshold after at least
10 ms of near silence. Each set's timeline begins where its call's melody
(the break cue, then the confirm tone) ends, so the call's first note is the
anchor; every tick and tone is set against anchor + the melody's length +
its time on the timeline (the core's guidance, the same the screen follows).
The baseline, measured in the same recording: the call melodies' own notes
against their RTTTL timing, which is what the detector and the sound card
alone get wrong.

    python -m bench.guidance_timing [--quick] [--json FILE]
"""

from __future__ import annotations

import re
import tempfile
import time
from array import array
from pathlib import Path

from microbreak.config.exercises import load_exercises
from microbreak.core import guidance
from microbreak.parts.rtttl import load_folder
from microbreak.resources import data_dir
from microbreak.simulator.harness import service_env

from .common import ALWAYS, Device, main, percentile, row

RATE = 22050  # the speaker's mixer: 16-bit mono
LOUD = 1000  # an onset: the first sample above this ...
QUIET = 200  # ... after QUIET_SAMPLES below this
QUIET_SAMPLES = RATE // 100
MATCH = 0.1  # seconds: an expected sound with no onset this near is missing
BUFFER = 4096 / RATE  # the speaker's mixer buffer (parts/speaker.py)

CONFIG = (
    '[screen]\nsize = "none"\n[sound]\nspeaker = true\n'
    "[guidance]\nspoken = false\nlaps = 1\n"
    "[break]\nexercises_per_break = {count}\n[hours]\n" + ALWAYS
)


def onsets(samples: array, rate: int = RATE) -> list[float]:
    """Seconds into *samples* at which a sound begins after a silence."""
    found, quiet, armed = [], 0, True
    for i, sample in enumerate(samples):
        loud = abs(sample)
        if loud >= LOUD and armed:
            found.append(i / rate)
            armed = False
        quiet = quiet + 1 if loud < QUIET else 0
        armed = armed or quiet >= QUIET_SAMPLES
    return found


def note_starts(song) -> list[float]:
    """When each sounding note of *song* begins, from its start."""
    starts, t = [], 0.0
    for note in song.notes:
        if note.frequency is not None:
            starts.append(t)
        t += note.seconds
    return starts


def press_after(exercise) -> float:
    """Seconds into the set to press: a little after its first hold ends,
    or after its second rep begins."""
    prompts = guidance.lap(exercise)
    relax = [p.at for p in prompts if p.sound is guidance.GuideSound.RELAX]
    ticks = [p.at for p in prompts if p.sound is guidance.GuideSound.TICK]
    return (relax[0] if relax else ticks[min(1, len(ticks) - 1)]) + 0.8


def record(folder: Path, count: int, exercises: dict, songs: dict) -> tuple[array, list[str]]:
    """Run a break of *count* exercises on the simulator, pressing as
    :func:`press_after` says; the samples the speaker played, and the
    exercises in the order they came."""
    raw = folder / "played.raw"
    device = Device(
        folder,
        CONFIG.format(count=count),
        speed=1,  # the break's re-cues in their own time
        env=service_env(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw)),
    )
    device.start()
    try:
        device.acknowledge_notice()
        assert device.call("break-now")["state"] == "break"
        called, call = time.monotonic(), songs["break"]
        cued = re.search(r"break cued: (.*)", device.output())
        assert cued, "the log does not say which exercises the break has"
        names = cued.group(1).split(", ")
        for name in names:
            due = called + call.seconds + press_after(exercises[name])
            time.sleep(max(due - time.monotonic(), 0))
            device.call("press")
            called, call = time.monotonic(), songs["confirm"]
        time.sleep(1.5)  # the done chime
    finally:
        device.stop()
    samples = array("h")
    samples.frombytes(raw.read_bytes())
    return samples, names


def errors(found: list[float], names: list[str], exercises: dict, songs: dict) -> dict:
    """For each set: how late its first tick came after its call's melody
    ended ("start", up to one mixer buffer: the call and the guidance are
    two sounds started a few ms apart); then every later tick and tone
    against the first tick + the timeline ("guidance"); and the call
    melodies' notes against their RTTTL ("melody"), in seconds."""
    out: dict[str, list[float]] = {"start": [], "guidance": [], "melody": []}
    cue = note_starts(songs["break"])
    # the break cue: the first run of onsets spaced as its notes are
    start = next(
        i
        for i in range(len(found) - len(cue))
        if all(abs(found[i + k] - found[i] - cue[k]) < 0.01 for k in range(len(cue)))
    )
    anchor, call = found[start], songs["break"]

    def nearest(at: float, within: float = MATCH) -> float:
        onset = min(found, key=lambda f: abs(f - at))
        if abs(onset - at) > within:
            raise AssertionError(f"no sound within {within} s of {at:.3f} s")
        return onset

    for name in names:
        out["melody"] += [nearest(anchor + t) - anchor - t for t in note_starts(call)]
        first = nearest(anchor + call.seconds, within=BUFFER + MATCH)
        out["start"].append(first - anchor - call.seconds)
        end = call.seconds + press_after(exercises[name]) - 0.7
        for p in guidance.lap(exercises[name])[1:]:
            if p.sound and call.seconds + p.at < end:
                out["guidance"].append(nearest(first + p.at) - first - p.at)
        call = songs["confirm"]
        anchor = min((f for f in found if f > anchor + end), default=anchor)
    return out


def measure(quick: bool = False) -> dict:
    exercises = {e.name: e for e in load_exercises()}
    songs = load_folder(data_dir("sounds"))
    with tempfile.TemporaryDirectory() as folder:
        samples, names = record(Path(folder), 2 if quick else 5, exercises, songs)
    found = onsets(samples)
    try:
        result = errors(found, names, exercises, songs)
    except (AssertionError, StopIteration) as error:
        raise SystemExit(f"{error!r} in {names}; onsets: {[round(f, 3) for f in found]}") from None
    late = [abs(e) * 1000 for e in result["guidance"]]
    notes = [abs(e) * 1000 for e in result["melody"]]
    lag = [e * 1000 for e in result["start"]]
    rows = [
        row(
            f"guidance onset vs timeline, speaker ({len(late)} ticks/tones, {len(names)} sets)",
            percentile(late, 0.5),
            "ms",
            p99=percentile(late, 0.99),
            baseline=percentile(notes, 0.5),
            baseline_p99=percentile(notes, 0.99),
            baseline_what="the call melodies' notes vs their RTTTL",
            target=20,
        ),
        row(
            "a set's first tick after its call's melody, speaker",
            percentile(lag, 0.5),
            "ms",
            p99=max(lag),
            baseline=BUFFER * 1000,
            baseline_what="one mixer buffer",
            note="two sounds started ms apart land in the same buffer, or the next",
        ),
    ]
    return {"name": "guidance_timing", "rows": rows, "data": result}


if __name__ == "__main__":
    main(measure, __doc__)
