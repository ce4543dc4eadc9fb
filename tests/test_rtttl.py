"""The RTTTL reader and the built-in cue melodies."""

import pytest

from microbreak.core.effects import CueName
from microbreak.core.guidance import GuideSound
from microbreak.parts.rtttl import RTTTLError, frequency, load_folder, parse
from microbreak.resources import data_dir


def test_pitches_follow_equal_temperament_from_a4():
    assert frequency("a", 4) == 440.0
    assert frequency("a", 5) == 880.0
    assert frequency("c", 4) == pytest.approx(261.63, abs=0.01)
    assert frequency("f", 4, sharp=True) == pytest.approx(369.99, abs=0.01)


def test_defaults_durations_dots_and_pauses():
    song = parse("t:d=8,o=5,b=120:c,4e6,g.,p,16c#7.")
    whole = 2.0  # 4 beats at 120 bpm
    assert [n.seconds for n in song.notes] == [
        whole / 8,
        whole / 4,
        whole / 8 * 1.5,
        whole / 8,
        whole / 16 * 1.5,
    ]
    assert song.notes[3].frequency is None
    assert song.notes[4].frequency == pytest.approx(frequency("c", 7, sharp=True))


def test_spec_defaults_when_none_given():
    [note] = parse("t::a").notes  # d=4, o=6, b=63
    assert note.frequency == pytest.approx(1760.0)
    assert note.seconds == pytest.approx(60 / 63)


@pytest.mark.parametrize(
    "text, position, reason",
    [
        ("t:d=4,o=5,b=120:c,x,e", 19, "malformed note 'x'"),
        ("t:d=3,o=5,b=120:c", 3, "default 'd=3' is out of range; allowed: 1, 2, 4, 8, 16 or 32"),
        ("t:d=4,o=5,b=120:c,e9", 19, "octave 9 is not allowed"),
        ("t:d=4,o=5,b=120:c,64e", 19, "duration 64 is not allowed"),
        ("t:d=4,x=5:c", 7, "bad default 'x=5'"),
        ("t:b=0:c", 3, "allowed: 1 to 900"),
        ("t:d=4:p#", 7, "malformed note 'p#'"),
        ("t:d=4:", 7, "no notes"),
        ("no colons", 1, "three parts"),
        ("a:b:c:d", 6, "three parts"),
        ("\n  t:d=4,o=5,b=120:c,  x", 24, "malformed note 'x'"),  # counts from the file's start
    ],
)
def test_errors_name_the_source_and_position(text, position, reason):
    with pytest.raises(RTTTLError) as caught:
        parse(text, "cue.rtttl")
    assert str(caught.value).startswith(f"cue.rtttl: character {position}: ")
    assert reason in str(caught.value)
    assert (caught.value.source, caught.value.position) == ("cue.rtttl", position)


def test_every_cue_has_a_short_melody_in_a_piezo_friendly_range():
    songs = load_folder(data_dir("sounds"))
    assert {*CueName, *GuideSound} == set(songs)
    for name, song in songs.items():
        assert song.seconds <= 2.2, f"{name} lasts {song.seconds:.2f} s"
        tones = [n.frequency for n in song.notes if n.frequency]
        assert tones and all(400 <= hz <= 2600 for hz in tones), name


def test_the_cues_a_person_must_tell_apart_sound_different():
    songs = load_folder(data_dir("sounds"))
    tunes = {
        name: tuple((round(n.frequency or 0), round(n.seconds, 2)) for n in songs[name].notes)
        for name in CueName
    }
    assert len(set(tunes.values())) == len(CueName)


def test_a_folder_of_tunes_over_others_with_bad_ones_refused(tmp_path):
    (tmp_path / "break.rtttl").write_text("break:d=4,o=5,b=120:a\n")
    (tmp_path / "confirm.rtttl").write_text("confirm:d=4,o=5,b=120:a,zz\n")
    (tmp_path / "notes.txt").write_text("not a tune")
    builtin = {"confirm": parse("confirm:d=8:c"), "done": parse("done:d=8:e")}
    with pytest.raises(RTTTLError, match="confirm.rtttl: character 25: malformed note 'zz'"):
        load_folder(tmp_path, builtin)
    refused = []
    songs = load_folder(tmp_path, builtin, refused=lambda path, error: refused.append(path.name))
    assert refused == ["confirm.rtttl"]
    assert songs == {"break": parse("break:d=4,o=5,b=120:a"), **builtin}
    assert load_folder(tmp_path / "absent", builtin) == builtin


def test_an_active_buzzer_can_tell_every_cue_apart_by_its_rhythm():
    songs = load_folder(data_dir("sounds"))
    rhythms = {
        name: tuple((n.frequency is not None, round(n.seconds, 2)) for n in songs[name].notes)
        for name in CueName
    }
    assert len(set(rhythms.values())) == len(CueName)
