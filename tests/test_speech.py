"""Spoken guidance: phrases made by espeak-ng once, kept, and read back
trimmed to the words; one rep's guidance written as a WAV file."""

from __future__ import annotations

import subprocess
import sys
import wave
from array import array

import pytest

from bench.guidance_timing import onsets
from microbreak.config.exercises import load_exercises
from microbreak.core import guidance
from microbreak.core.words import ENGLISH
from microbreak.parts.speech import SILENT, SpeechUnavailable, Voice

EXERCISES = {e.name: e for e in load_exercises()}


def test_a_phrase_is_made_once_kept_and_read_back_without_the_silence_around_it(tmp_path):
    voice = Voice(tmp_path)
    assert voice.samples("Hold") is None  # not made yet: a break never waits for it
    voice.prepare(["Hold", "Relax", "Hold"])
    voice.wait()
    made = voice.path("Hold")
    first = made.stat().st_mtime_ns
    voice.render("Hold")
    assert made.stat().st_mtime_ns == first
    samples = voice.samples("Hold")
    assert samples is not None and 0.2 < len(samples) / voice.rate < 1.0
    margin = voice.rate // 100
    assert max(map(abs, samples[: margin + 1])) >= SILENT  # the word begins within 10 ms
    assert voice.seconds("Hold") == len(samples) / voice.rate
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [voice.path("Hold").name, voice.path("Relax").name]
    )
    assert Voice(tmp_path, language="de").path("Hold") != made


def test_with_no_speech_engine_it_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SpeechUnavailable, match="sudo apt-get install espeak-ng"):
        Voice(tmp_path)


@pytest.mark.parametrize("name", ["shoulder-shrug", "upper-back-movement"])
def test_one_reps_guidance_as_a_wav_has_each_tick_and_tone_on_its_time(tmp_path, name):
    out = tmp_path / "rep.wav"
    run = subprocess.run(
        [sys.executable, "-m", "microbreak", "exercises", "render", name, "--out", str(out)],
        capture_output=True,
        text=True,
        env={"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    exercise = EXERCISES[name]
    seconds = ENGLISH.number(round(exercise.motion.rep_seconds, 1))  # "6", "13.5"
    assert run.stdout.startswith(f"{out}: one rep, {seconds} s: ")
    with wave.open(str(out)) as wav:
        rate = wav.getframerate()
        samples = array("h", wav.readframes(wav.getnframes()))
    assert len(samples) == round(exercise.motion.rep_seconds * rate)
    heard = onsets(samples, rate)
    for prompt in guidance.lap(exercise):
        if prompt.sound and prompt.at < exercise.motion.rep_seconds:
            assert min(abs(h - prompt.at) for h in heard) < 0.005, prompt
    for said in ("Hold", exercise.title):
        assert said in run.stdout
