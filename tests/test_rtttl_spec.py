"""The RTTTL reader agrees with Nokia's specification on well-known public tunes.

The expected notes are worked out here, from the specification, without the
reader: the grammar is walked character by character, pitches come from the
published equal-tempered table (A4 = 440 Hz, one octave = twice the
frequency), and a note lasts ``4 / duration`` beats of ``60 / b`` seconds,
half as long again when dotted.

    <note-command> := [<duration>] <note> [<scale>] [<special-duration>] <delimiter>

Defaults when left out: duration 4, scale 6, 63 beats a minute. Tunes in the
wild often put the dot before the scale (``c.6``); the walk takes that too.
"""

from pathlib import Path

import pytest

from microbreak.parts.rtttl import parse

TUNES_FILE = Path(__file__).parent / "data" / "rtttl" / "well_known.txt"

# Octave 4 of the equal-tempered scale, in Hz, as printed in pitch tables.
OCTAVE_4 = {
    "c": 261.626,
    "c#": 277.183,
    "d": 293.665,
    "d#": 311.127,
    "e": 329.628,
    "f": 349.228,
    "f#": 369.994,
    "g": 391.995,
    "g#": 415.305,
    "a": 440.000,
    "a#": 466.164,
    "b": 493.883,
    "h": 493.883,
}


def tunes():
    lines = TUNES_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def by_the_spec(tune):
    """[(frequency or None, seconds)] for every note of *tune*."""
    name, defaults, commands = tune.split(":")
    duration, scale, beats = 4, 6, 63
    for item in defaults.split(","):
        if item.strip():
            key, value = item.split("=")
            key, value = key.strip().lower(), int(value)
            if key == "d":
                duration = value
            elif key == "o":
                scale = value
            else:
                assert key == "b", item
                beats = value
    notes = []
    for command in commands.split(","):
        text = command.strip().lower()
        if not text:
            continue
        i = 0
        while text[i].isdigit():
            i += 1
        length = int(text[:i]) if i else duration
        pitch = text[i]
        i += 1
        if i < len(text) and text[i] == "#":
            pitch += "#"
            i += 1
        dotted = False
        if i < len(text) and text[i] == ".":
            dotted, i = True, i + 1
        octave = scale
        if i < len(text) and text[i].isdigit():
            octave, i = int(text[i]), i + 1
        if i < len(text) and text[i] == ".":
            dotted, i = True, i + 1
        assert i == len(text), f"{name}: cannot read {command!r}"
        seconds = 60 / beats * 4 / length * (1.5 if dotted else 1)
        hz = None if pitch == "p" else OCTAVE_4[pitch] * 2 ** (octave - 4)
        notes.append((hz, seconds))
    return notes


def test_there_are_at_least_thirty_distinct_tunes():
    names = [tune.split(":")[0] for tune in tunes()]
    assert len(names) >= 30 and len(set(names)) == len(names)


@pytest.mark.parametrize("tune", tunes(), ids=lambda tune: tune.split(":")[0])
def test_every_note_has_the_frequency_and_length_the_spec_gives(tune):
    expected = by_the_spec(tune)
    song = parse(tune, TUNES_FILE.name)
    assert song.name == tune.split(":")[0]
    assert len(song.notes) == len(expected)
    for index, (note, (hz, seconds)) in enumerate(zip(song.notes, expected, strict=True)):
        where = f"note {index + 1}"
        if hz is None:
            assert note.frequency is None, where
        else:
            assert note.frequency == pytest.approx(hz, rel=1e-5), where
        assert note.seconds == pytest.approx(seconds, rel=1e-12), where


@pytest.mark.parametrize(
    "tune",
    [
        "h:d=4,o=5,b=120:h,b",  # H is the specification's name for B
        "caps:D=8,O=4,B=90:C#,4P,A.",  # capitals
        " spaced : d = 16 , o = 7 , b = 200 : c , 8e. , p ",
        "none::c,d,e",  # all three defaults
        "low:d=1,o=4,b=25:a,2a.,32a",  # the slowest beat, the longest and shortest notes
        "fast:d=32,o=7,b=900:a#,c6,p",
    ],
)
def test_edge_cases_of_the_grammar(tune):
    expected = by_the_spec(tune)
    got = [(n.frequency, n.seconds) for n in parse(tune).notes]
    assert len(got) == len(expected)
    for (hz, seconds), (want_hz, want_seconds) in zip(got, expected, strict=True):
        assert (hz is None) == (want_hz is None)
        if hz is not None:
            assert hz == pytest.approx(want_hz, rel=1e-5)
        assert seconds == pytest.approx(want_seconds, rel=1e-12)
