"""RTTTL, the ring-tone text format: ``name:d=4,o=5,b=120:8c6,8e6,4g6``.

:func:`parse` turns a tune into a :class:`Song` of :class:`Note` values (a
frequency, or None for a pause, and a length in seconds)::

    >>> song = parse("beep:d=4,o=4,b=120:8a,p,a5")
    >>> [(n.frequency and round(n.frequency), n.seconds) for n in song.notes]
    [(440, 0.25), (None, 0.5), (880, 0.5)]

It follows Nokia's specification: the defaults ``d`` (a fraction of a whole
note), ``o`` (the octave; A4 is 440 Hz) and ``b`` (quarter notes a minute) are
4, 6 and 63 when left out; ``h`` is another name for ``b``; a dot makes a note
half as long again. Like most players it also takes what tunes in the wild do:
the dot before the octave (``c.6``), octaves 3 and 8, any beat from 1 to 900,
spaces and capitals.

A malformed tune raises :class:`RTTTLError` naming the source and the character
where the trouble starts::

    >>> parse("t:d=4,o=5,b=120:c,x,e", "break.rtttl")
    Traceback (most recent call last):
      ...
    microbreak.parts.rtttl.RTTTLError: break.rtttl: character 19: malformed note 'x'; ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

DURATIONS = (1, 2, 4, 8, 16, 32)
OCTAVES = range(3, 9)
BEATS = range(1, 901)
SPEC_DEFAULTS = {"d": 4, "o": 6, "b": 63}

# Semitones from A in the same octave.
_SEMITONES = {"c": -9, "d": -7, "e": -5, "f": -4, "g": -2, "a": 0, "b": 2, "h": 2}
_NOTE = re.compile(
    r"(?P<duration>\d+)?(?P<pitch>[a-h]#?|p)(?P<dot>\.)?(?P<octave>\d)?"
    r"(?P<late_dot>\.)?"
)
_NOTE_HELP = "a note is [duration]pitch[#][octave][.], e.g. 8c#6, 4p or a."


class RTTTLError(ValueError):
    """A malformed tune: *source* (a file name) and *position* (the first
    character of the trouble, counting from 1) say where, *reason* what."""

    def __init__(self, source: str, position: int, reason: str):
        self.source, self.position, self.reason = source, position, reason
        super().__init__(f"{source}: character {position}: {reason}")


@dataclass(frozen=True)
class Note:
    frequency: float | None  # Hz; None is a pause
    seconds: float


@dataclass(frozen=True)
class Song:
    name: str
    notes: tuple[Note, ...]

    @property
    def seconds(self) -> float:
        return sum(n.seconds for n in self.notes)


def frequency(pitch: str, octave: int, sharp: bool = False) -> float:
    """Equal-tempered frequency, A4 = 440 Hz: ``frequency("a", 4) == 440.0``."""
    semitones = _SEMITONES[pitch] + (1 if sharp else 0) + 12 * (octave - 4)
    return 440.0 * 2 ** (semitones / 12)


def _items(text: str, offset: int):
    """Each non-blank comma-separated item of *text*, stripped, with the
    offset of its first character (*text* itself starts at *offset*)."""
    for item in text.split(","):
        stripped = item.strip()
        if stripped:
            yield stripped, offset + len(item) - len(item.lstrip())
        offset += len(item) + 1


def parse(text: str, source: str = "<tune>") -> Song:
    """Parse one RTTTL tune; raise :class:`RTTTLError` naming *source* and the position."""
    parts = text.split(":")
    if len(parts) != 3:
        where = 0 if len(parts) < 3 else len(":".join(parts[:3]))
        raise RTTTLError(
            source, where + 1, "expected three parts, name:defaults:notes, separated by ':'"
        )
    name, defaults_text, notes_text = parts
    settings = dict(SPEC_DEFAULTS)
    for item, at in _items(defaults_text, len(name) + 1):
        key, equals, value = (part.strip().lower() for part in item.partition("="))
        if key not in settings or not equals or not value.isdigit():
            raise RTTTLError(
                source,
                at + 1,
                f"bad default {item!r}; expected d=N, o=N or b=N, e.g. d=4,o=5,b=120",
            )
        number = int(value)
        allowed = {"d": DURATIONS, "o": OCTAVES, "b": BEATS}[key]
        if number not in allowed:
            raise RTTTLError(
                source, at + 1, f"default {item!r} is out of range; allowed: {_allowed(key)}"
            )
        settings[key] = number
    whole_note = 4 * 60 / settings["b"]  # the beat counts quarter notes
    notes = []
    for item, at in _items(notes_text, len(name) + len(defaults_text) + 2):
        match = _NOTE.fullmatch(item.lower())
        if not match:
            raise RTTTLError(source, at + 1, f"malformed note {item!r}; {_NOTE_HELP}")
        duration = int(match["duration"] or settings["d"])
        if duration not in DURATIONS:
            raise RTTTLError(
                source,
                at + 1,
                f"note {item!r}: duration {duration} is not allowed; allowed: {_allowed('d')}",
            )
        octave = int(match["octave"] or settings["o"])
        if octave not in OCTAVES:
            raise RTTTLError(
                source,
                at + 1,
                f"note {item!r}: octave {octave} is not allowed; allowed: {_allowed('o')}",
            )
        seconds = whole_note / duration * (1.5 if match["dot"] or match["late_dot"] else 1)
        pitch = match["pitch"]
        hz = None if pitch == "p" else frequency(pitch[0], octave, pitch.endswith("#"))
        notes.append(Note(hz, seconds))
    if not notes:
        raise RTTTLError(source, len(text) + 1, "no notes after the second ':'")
    return Song(name.strip(), tuple(notes))


def _allowed(key: str) -> str:
    return {
        "d": "1, 2, 4, 8, 16 or 32 (a whole note to a 32nd)",
        "o": "3 to 8 (A4 is 440 Hz)",
        "b": "1 to 900 (quarter notes a minute)",
    }[key]


def load_folder(
    folder: str | Path,
    songs: Mapping[str, Song] | None = None,
    *,
    refused: Callable[[Path, Exception], None] | None = None,
) -> dict[str, Song]:
    """Every ``NAME.rtttl`` in *folder*, by NAME, over *songs* (a later folder wins).

    A file that cannot be read or parsed raises, or when *refused* is given is
    handed to it with the error and skipped, so *songs* keeps its own NAME. A
    missing folder adds nothing.
    """
    songs = dict(songs or {})
    for path in sorted(Path(folder).glob("*.rtttl")):
        try:
            songs[path.stem] = parse(path.read_text(encoding="utf-8"), str(path))
        except (RTTTLError, OSError, UnicodeDecodeError) as error:
            if refused is None:
                raise
            refused(path, error)
    return songs
