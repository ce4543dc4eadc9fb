"""Guidance by sound: the prompts the core places on an exercise's timeline,
the sounds that pace a set, and the buzzer keeping time with them."""

from __future__ import annotations

import re
import time
from array import array
from dataclasses import replace

import pytest

from bench.guidance_timing import guided, on_speaker, onsets
from microbreak.config.exercises import load_exercises
from microbreak.core import guidance
from microbreak.core.animation import Keyframe
from microbreak.core.effects import CueName
from microbreak.core.exercise import Exercise
from microbreak.core.guidance import GuideSound, Phrase
from microbreak.core.pacing import Pace, set_marks
from microbreak.parts.guide import Guide, GuidedHold, pieces
from microbreak.parts.rtttl import load_folder
from microbreak.parts.sounder import Sounder
from microbreak.parts.speech import Voice
from microbreak.resources import data_dir
from microbreak.simulator.harness import ALWAYS, Device, service_env

EXERCISES = {e.name: e for e in load_exercises()}
SONGS = load_folder(data_dir("sounds"))
SHRUG = Exercise(
    "shrug",
    "Shrug",
    ("Shrug", "Relax"),
    reps=3,
    hold_seconds=6,
    keyframes=(
        Keyframe({}, seconds=1.0, pause=1.0),
        Keyframe({"shrug": 1}, seconds=1.0, hold=True, say="Shoulders up"),
    ),
)


@pytest.mark.parametrize("name", EXERCISES)
def test_every_mark_of_the_pace_has_its_sound_at_its_time(name):
    exercise = EXERCISES[name]
    sounds = {p.at: p.sound for p in guidance.lap(exercise) if p.sound}
    expected = {
        Pace.REP: GuideSound.TICK,
        Pace.HOLD: GuideSound.HOLD,
        Pace.RELAX: GuideSound.RELAX,
        Pace.DONE: GuideSound.DONE,
    }
    assert sounds == {mark.at: expected[mark.pace] for mark in set_marks(exercise.motion)}


@pytest.mark.parametrize("name", EXERCISES)
def test_every_built_in_exercise_says_its_name_and_a_step_of_its_own(name):
    said = [p.words for p in guidance.lap(EXERCISES[name])]
    assert said[0].startswith(EXERCISES[name].title)
    own = {k.say for k in EXERCISES[name].keyframes if k.say}
    assert own and all(any(step in words for words in said) for step in own)


def test_a_set_is_spoken_name_step_hold_count_relax_reps_and_done():
    said = [(p.at, p.words) for p in guidance.lap(SHRUG) if p.words]
    assert said[:7] == [
        (0.0, "Shrug"),
        (1.0, "Shoulders up"),
        (2.0, Phrase.HOLD),
        (5.0, "3"),
        (6.0, "2"),
        (7.0, "1"),
        (8.0, Phrase.RELAX),
    ]
    assert (SHRUG.motion.rep_seconds, "2") in said
    assert said[-1] == (3 * SHRUG.motion.rep_seconds, Phrase.DONE)


def test_a_phrase_that_would_talk_over_another_is_left_out_unless_it_keeps_the_pace():
    slow = guidance.guide(SHRUG, 0, 1, spoken=True, speaking_seconds=lambda words: 1.5)
    said = [p.words for p in slow if p.words]
    assert "Shoulders up" not in said  # the name is still being said at 1.0
    assert said[:7] == ["Shrug", Phrase.HOLD, "3", "2", "1", Phrase.RELAX, "2"]
    quick = guidance.guide(SHRUG, 0, 1, spoken=True, speaking_seconds=lambda words: 0.5)
    assert "Shoulders up" in [p.words for p in quick]


def test_without_speech_only_the_sounds_are_left():
    prompts = guidance.guide(SHRUG, 0, 2, spoken=False)
    assert all(p.sound and not p.words for p in prompts)
    assert len(prompts) == 2 * len(set_marks(SHRUG.motion))


def test_guidance_called_again_mid_set_begins_with_the_next_pass():
    loop = SHRUG.motion.loop_seconds
    prompts = guidance.guide(SHRUG, 5.0, 1, spoken=False)
    assert prompts[0].at == loop and prompts[0].sound is GuideSound.TICK
    assert prompts[-1].at == loop + 3 * SHRUG.motion.rep_seconds
    assert guidance.guide(SHRUG, 0.0, 1, spoken=False)[0].at == 0.0


def test_the_lights_rhythm_is_on_through_a_hold_and_off_at_rest():
    prompts = guidance.guide(SHRUG, 0, 1, spoken=False)
    assert [guidance.holding(prompts, t) for t in (0.5, 2.5, 7.9, 8.5, 11.5)] == [
        False,
        True,
        True,
        False,
        True,
    ]


def test_the_pace_sounds_are_short_and_tell_apart_even_on_an_active_buzzer():
    rhythms = {
        name: tuple((n.frequency is not None, round(n.seconds, 2)) for n in SONGS[name].notes)
        for name in [*CueName, *GuideSound]
    }
    assert len(set(rhythms.values())) == len(rhythms)
    assert SONGS[GuideSound.TICK].seconds <= 0.04
    assert all(SONGS[name].seconds <= 0.5 for name in GuideSound)
    hold = [n.frequency for n in SONGS[GuideSound.HOLD].notes]
    relax = [n.frequency for n in SONGS[GuideSound.RELAX].notes]
    assert hold == sorted(hold) and relax == sorted(relax, reverse=True)


def test_pieces_of_the_stream_put_every_clip_at_its_sample():
    from array import array

    clips = [(100, array("h", [5] * 50)), (130, array("h", [7] * 10)), (400, array("h", [9] * 5))]
    played = array("h")
    for piece in pieces(clips, shortest=200):
        played.extend(piece)
    assert len(played) == 405
    assert played[99:101].tolist() == [0, 5]
    assert played[130] == 12  # overlapping clips are mixed
    assert played[400:405].tolist() == [9] * 5


@pytest.mark.slow
def test_each_tick_and_tone_starts_on_the_buzzer_within_20_ms_of_its_time():
    results = guided(10.0)  # the five exercises' first 10 s, all at once
    late = []
    for name, (due, heard) in results.items():
        assert len(heard) == len(due), name
        late += [abs(h - d) for h, d in zip(heard, due, strict=True)]
    late.sort()
    assert late[int(0.99 * (len(late) - 1))] <= 0.020, late[-5:]


def test_a_guided_hold_is_told_as_it_begins_and_ends():
    told: list[GuidedHold] = []
    guide = Guide(Sounder(None, SONGS), post=told.append)
    prompts = [p for p in guidance.guide(SHRUG, 0, 1, spoken=False) if p.at < 9]
    guide.start([replace(p, at=p.at / 100) for p in prompts], time.monotonic())
    guide._buzzer.wait(2)
    assert [e.on for e in told] == [False, True, False, None]


@pytest.mark.slow
def test_with_no_screen_a_break_is_guided_by_sound_and_the_lights_rhythm(tmp_path):
    raw = tmp_path / "played.raw"
    config = (
        '[screen]\nsize = "none"\n[sound]\nspeaker = true\n[break]\nexercises_per_break = 1\n'
        "[hours]\n" + ALWAYS
    )
    env = service_env(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw))
    device = Device(tmp_path, config, speed=1, env=env)
    device.start()
    try:
        device.acknowledge_notice()
        device.call("break-now")
        called = time.monotonic()
        name = re.search(r"break cued: (.*)", device.output()).group(1)
        lead = SONGS["break"].seconds
        lap = guidance.lap(EXERCISES[name])
        hold = next(p.at for p in lap if p.sound is GuideSound.HOLD)
        relax = next(p.at for p in lap if p.sound is GuideSound.RELAX)
        leds = {}
        for moment in (hold + 0.8, relax + 0.5):
            time.sleep(max(called + lead + moment - time.monotonic(), 0))
            leds[moment] = device.status()["led"]
        assert list(leds.values()) == ["on", "off"]  # on through the hold, off at rest
        device.call("press")
        assert device.status()["today"]["sets"] == 1
        time.sleep(1.5)
    finally:
        device.stop()
    played = array("h")
    played.frombytes(raw.read_bytes())
    heard = onsets(played)
    assert len(heard) > 8  # the call, the ticks and tones, the phrases, the done chime
    said = [p.words for p in guidance.lap(EXERCISES[name]) if p.words and p.at < relax]
    made = Voice(device.state / "speech")
    assert all(made.path(words).exists() for words in said), "every phrase was made ahead"


@pytest.mark.slow
def test_a_break_on_the_speaker_sounds_each_tick_on_time_and_nothing_at_a_press():
    # the simulator's speaker recorded by SDL's disk driver; each set pressed
    # after its first hold: a sound at a press would be taken for the call
    errors = on_speaker(2)
    late = sorted(abs(e) for e in errors["guidance"])
    assert len(late) >= 6 and late[-1] <= 0.020, late


def test_with_a_screen_the_led_keeps_its_own_patterns_through_the_guidance():
    from microbreak.service.guiding import Guiding

    guiding = Guiding(EXERCISES)
    guiding.heard(GuidedHold(True))
    assert guiding.holding is None  # the screen shows the hold; the LED calls as before
    guiding.screen = False
    guiding.heard(GuidedHold(True))
    assert guiding.holding is True


@pytest.mark.parametrize("silence", ["mute", "volume 0", "quiet period"])
def test_muted_at_volume_0_or_in_a_quiet_period_the_guidance_keeps_only_the_lights_rhythm(
    silence,
):
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    from microbreak.parts.sounder import buzzer

    device = buzzer("passive", 12, MockFactory(pin_class=MockPWMPin))
    sounder = Sounder(
        device, SONGS, mute=silence == "mute", volume=0 if silence == "volume 0" else 1
    )
    told: list[GuidedHold] = []
    guide = Guide(sounder, post=told.append)
    pin = device.pwm_device.pin
    pin.clear_states()
    prompts = [replace(p, at=p.at / 100) for p in guidance.guide(SHRUG, 0, 1, spoken=False)]
    guide.start(prompts[:3], time.monotonic(), quiet=silence == "quiet period")
    guide._buzzer.wait(2)
    assert len(pin.states) == 1  # not a sound
    assert [e.on for e in told] == [False, True, False, None]
    sounder.close()


def test_a_press_stops_the_buzzers_guidance_at_once():
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    from microbreak.parts.sounder import buzzer

    device = buzzer("passive", 13, MockFactory(pin_class=MockPWMPin))
    sounder = Sounder(device, SONGS)
    guide = Guide(sounder)
    pin = device.pwm_device.pin
    guide.start(guidance.guide(SHRUG, 0, 1, spoken=False), time.monotonic())
    time.sleep(0.1)  # the first tick has sounded
    stopped = time.monotonic()
    guide.stop()
    assert time.monotonic() - stopped < 0.05 and not guide.playing
    count = len(pin.states)
    time.sleep(2.2)  # past the hold's tone, had it gone on
    assert len(pin.states) == count and not device.value
    sounder.close()
