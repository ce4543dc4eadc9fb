"""The speaker: melodies synthesized to samples, played through pygame's mixer
(SDL's dummy audio driver here, set in conftest)."""

import logging
import math
import time

import pytest

from microbreak.config.settings import parse_settings
from microbreak.parts.hardware import Hardware
from microbreak.parts.rtttl import parse
from microbreak.parts.sounder import Sounder
from microbreak.parts.speaker import GAP, PEAK, RATE, Speaker, SpeakerUnavailable, synthesize

FULL_SCALE = 32767


def rising_crossings(samples):
    """Sample positions (interpolated) where the wave crosses zero going up."""
    return [
        i - 1 + -samples[i - 1] / (samples[i] - samples[i - 1])
        for i in range(1, len(samples))
        if samples[i - 1] < 0 <= samples[i]
    ]


def measured_hz(samples, rate):
    crossings = rising_crossings(samples)
    return (len(crossings) - 1) / (crossings[-1] - crossings[0]) * rate


def strength(samples, hz, rate):
    """How much of *hz* is in *samples* (Goertzel), relative to full scale."""
    coeff = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return 2 * math.sqrt(max(power, 0)) / len(samples) / FULL_SCALE


def test_the_samples_last_exactly_as_long_as_the_song():
    song = parse("t:d=8,o=5,b=150:c6,e6,p,16g6,4c.7,32a,2a6")
    for rate in (8000, 22050, 44100):
        assert len(synthesize(song, rate)) == round(song.seconds * rate)


def test_each_note_has_its_frequency_within_one_percent():
    song = parse("t:d=4,o=5,b=120:c,a,c#6,g7")
    samples = synthesize(song, RATE)
    half = RATE // 2
    for index, note in enumerate(song.notes):
        sounding = samples[index * half : (index + 1) * half - round(GAP * RATE)]
        assert measured_hz(sounding, RATE) == pytest.approx(note.frequency, rel=0.01)


def test_notes_fade_in_and_out_and_rest_before_the_next():
    samples = synthesize(parse("t:d=4,o=5,b=120:a,p,a"), RATE)
    half, gap = RATE // 2, round(GAP * RATE)
    first = samples[:half]
    assert first[0] == 0
    assert max(map(abs, first[:20])) < 0.25 * PEAK * FULL_SCALE  # under 1 ms in: still quiet
    assert max(map(abs, first[half - gap - 5 : half - gap])) < 0.05 * PEAK * FULL_SCALE
    assert set(first[half - gap :]) == {0}  # the rest after the note
    assert set(samples[half : 2 * half]) == {0}  # the pause
    loudest = max(map(abs, samples))
    assert 0.8 * PEAK * FULL_SCALE < loudest <= PEAK * FULL_SCALE + 1


def test_no_harmonic_above_half_the_sample_rate_folds_back():
    rate = 22050
    samples = synthesize(parse("t:d=4,o=7,b=60:f#"), rate)[: rate // 2]  # F#7, about 2960 Hz
    hz = 2959.96
    assert strength(samples, hz, rate) > 0.3
    assert strength(samples, 3 * hz, rate) > 0.03  # the third harmonic is in ...
    assert strength(samples, rate - 5 * hz, rate) < 0.002  # ... the fifth would fold back


def test_a_note_above_half_a_low_sample_rate_still_synthesizes():
    samples = synthesize(parse("t:d=4,o=8,b=120:c"), rate=8000)  # C8, 4186 Hz
    assert len(samples) == 4000 and max(samples) > 0


def test_the_speaker_plays_stops_and_sets_the_volume(no_mixer):
    speaker = Speaker(volume=0.3)
    song = parse("t:d=4,o=5,b=120:a,a")
    speaker.play(song)
    assert speaker.busy
    assert speaker.sound_for(song).get_volume() == pytest.approx(0.3, abs=0.01)
    assert speaker.sound_for(song).get_length() == pytest.approx(1.0, abs=0.001)
    speaker.stop()
    assert not speaker.busy
    speaker.close()
    import pygame.mixer

    assert pygame.mixer.get_init() is None  # it set up the mixer, so it shuts it down


def test_prepared_songs_are_synthesized_once(no_mixer):
    speaker = Speaker()
    songs = [parse(f"t{n}:d=16,o=6,b=150:c,e,g") for n in range(3)]
    speaker.prepare(songs)
    speaker._preparing.join(5)
    sounds = [speaker.sound_for(song) for song in songs]
    assert [speaker.sound_for(song) for song in songs] == sounds
    speaker.close()


def wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.fixture
def no_mixer():
    """Start and end with pygame's mixer shut, whatever a test does."""
    import pygame.mixer

    pygame.mixer.quit()
    yield
    pygame.mixer.quit()


def test_a_sounder_with_only_a_speaker_plays_and_is_interrupted(no_mixer):
    speaker = Speaker()
    slow, quick = parse("slow:d=1,o=5,b=30:a,a"), parse("quick:d=16,o=6,b=150:c")
    sounder = Sounder(None, {"slow": slow, "confirm": quick}, speaker=speaker)
    assert sounder.play("slow")  # 16 s of sound, synthesized on the cue's own thread
    assert wait_until(lambda: speaker.busy) and sounder.playing
    sounder.play("confirm")
    assert sounder.wait(2) and not sounder.playing
    sounder.close()


def test_the_speaker_setting_adds_a_speaker(tmp_path, mock_factory, no_mixer):
    settings = parse_settings(
        f'[sound]\nspeaker = true\nvolume = 50\nmelodies_folder = "{tmp_path}"\n'
    )
    parts = Hardware(
        settings, lambda e: None, songs={"break": parse("b:d=8:c")}, pin_factory=mock_factory
    )
    assert parts.sounder.speaker is not None and parts.sounder.speaker.volume == 0.5
    assert parts.sounder.play("break")
    parts.close()


def test_no_audio_output_is_logged_and_the_buzzer_still_plays(
    tmp_path, mock_factory, monkeypatch, caplog, no_mixer
):
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    with pytest.raises(SpeakerUnavailable, match="set sound.speaker = false"):
        Speaker()
    settings = parse_settings(f'[sound]\nspeaker = true\nmelodies_folder = "{tmp_path}"\n')
    with caplog.at_level(logging.WARNING, logger="microbreak"):
        parts = Hardware(
            settings, lambda e: None, songs={"break": parse("b:d=8:c")}, pin_factory=mock_factory
        )
    assert parts.sounder.speaker is None
    assert "no speaker: no audio output for the speaker" in caplog.text
    assert parts.sounder.play("break")
    parts.close()
