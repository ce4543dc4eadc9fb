"""The parts on gpiozero's mock pins: button edges, LED patterns, buzzer melodies.

Timing is read from the mock pins' own record of state changes; a change is
allowed to come TOLERANCE seconds early or late. Measured on a 2-core x86
machine over every cue: at most 0.55 ms idle, 13.5 ms with both cores busy.
"""

import logging
import math
import threading
import time
from datetime import UTC, datetime

import pytest
from gpiozero.pins.mock import MockPWMPin
from hypothesis import given
from hypothesis import strategies as st
from mock_pins import mock_pins

from microbreak.config.settings import Settings, parse_settings
from microbreak.core.effects import CueName
from microbreak.core.guidance import GuideSound
from microbreak.core.now import Now
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.parts.hardware import Hardware
from microbreak.parts.light import FLASH, LED_PATTERNS, PLAIN_PATTERNS, PWM_PATTERNS, Light
from microbreak.parts.pins import ButtonDown, ButtonUp
from microbreak.parts.rtttl import parse
from microbreak.parts.sounder import Sounder, duty_for, into_range
from microbreak.service.clock import zone_named

TOLERANCE = 0.020  # seconds


class Ticks:
    """A settable stand-in for time.monotonic."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Wall:
    """A settable wall clock."""

    def __init__(self, hour, minute=0):
        self.set(hour, minute)

    def set(self, hour, minute=0):
        self.now = datetime(2026, 11, 23, hour, minute, tzinfo=UTC)

    def __call__(self):
        return self.now


class TonePin(MockPWMPin):
    """A mock PWM pin that also notes the frequency at each state change, so
    ``tones`` lines up with ``states[1:]``."""

    def __init__(self, factory, info):
        super().__init__(factory, info)
        self.tones = []

    def clear_states(self):
        super().clear_states()
        self.tones = []

    def _change_state(self, value):
        changed = super()._change_state(value)
        if changed:
            self.tones.append(self._frequency)
        return changed


@pytest.fixture
def tone_factory():
    """Mock PWM pins that also record the tone of each change."""
    yield from mock_pins(TonePin)


def timeline(pin):
    """[(seconds since ``clear_states()``, state)] for each change a mock pin
    recorded; its own timestamps are the time since the change before."""
    changes, elapsed = [], 0.0
    for since_last, state in pin.states[1:]:
        elapsed += since_last
        changes.append((elapsed, state))
    return changes


def expected_timeline(steps, until, initial=0.0):
    """[(seconds, level)] of LED *steps* repeated from 0 until *until* seconds,
    leaving out steps that do not change the level (which starts at *initial*)."""
    changes, at, last = [], 0.0, initial
    while at < until:
        for level, seconds in steps:
            if level != last and at < until:
                changes.append((at, level))
                last = level
            if seconds is None:
                return changes
            at += seconds
    return changes


def assert_timeline(actual, expected):
    assert len(actual) == len(expected), (actual, expected)
    for (at, state), (want_at, want_state) in zip(actual, expected, strict=True):
        assert at == pytest.approx(want_at, abs=TOLERANCE)
        assert state == pytest.approx(want_state, abs=1e-9)


def sounds_settings(tmp_path, extra=""):
    """Settings whose melodies folder is an empty temporary one."""
    return parse_settings(f'[sound]\nmelodies_folder = "{tmp_path}"\n{extra}')


# -- the button --------------------------------------------------------------------


def test_button_edges_are_posted_with_their_time(mock_factory):
    posted, ticks = [], Ticks()
    parts = Hardware(Settings(), posted.append, pin_factory=mock_factory, clock=ticks)
    pin = mock_factory.pin(17)
    pin.drive_low()
    ticks.now += 2.5
    pin.drive_high()
    assert posted == [ButtonDown(100.0), ButtonUp(102.5)]
    parts.close()


def test_button_bounce_time_reaches_the_pin(mock_factory):
    # gpiozero's mock pins record the bounce time but do not filter with it;
    # the real pin libraries do.
    settings = parse_settings("[button]\nbounce_ms = 200\n")
    parts = Hardware(settings, lambda e: None, pin_factory=mock_factory)
    assert parts.button.pin.bounce == pytest.approx(0.2)
    parts.close()


def test_pins_follow_the_settings(mock_factory):
    settings = parse_settings("[button]\npin = 5\n[led]\npin = 6\n[buzzer]\npin = 13\n")
    parts = Hardware(settings, lambda e: None, pin_factory=mock_factory)
    assert parts.button.pin.info.name == "GPIO5"
    assert parts.light.device.pin.info.name == "GPIO6"
    assert parts.sounder.pin.info.name == "GPIO13"
    parts.close()


# -- the LED ------------------------------------------------------------------------


def test_steady_patterns_are_set_at_once(mock_factory):
    light = Light(27, mock_factory)
    pin = mock_factory.pin(27)
    for pattern, level in (("on", 1.0), ("dim", 0.1), ("off", 0.0)):
        light.show(pattern)
        assert pin.state == pytest.approx(level)
        assert not light.animated
    light.close()


@pytest.mark.slow
@pytest.mark.parametrize("pattern, seconds", [("blink", 0.7), ("error", 1.6)])
def test_blinking_patterns_keep_their_times(mock_factory, pattern, seconds):
    light = Light(27, mock_factory)
    pin = mock_factory.pin(27)
    pin.clear_states()
    light.show(pattern)
    assert light.animated
    time.sleep(seconds)
    changes = timeline(pin)
    light.close()
    want = {
        "blink": [(0, 1), (0.3, 0), (0.6, 1)],
        "error": [(0, 1), (0.15, 0), (0.3, 1), (0.45, 0), (1.5, 1)],
    }[pattern]
    assert_timeline(changes, want)


@pytest.mark.slow
def test_pulse_swells_over_one_and_a_half_seconds_then_fades(mock_factory):
    light = Light(27, mock_factory)
    pin = mock_factory.pin(27)
    pin.clear_states()
    light.show("pulse")
    time.sleep(1.9)
    changes = timeline(pin)
    light.close()
    assert_timeline(changes, expected_timeline(PWM_PATTERNS["pulse"], 1.9))
    assert sum(seconds for _, seconds in PWM_PATTERNS["pulse"]) == pytest.approx(3.0)
    levels = [state for _, state in changes]
    top = levels.index(max(levels))
    assert max(levels) > 0.9 and changes[top][0] == pytest.approx(1.5, abs=0.05)
    assert levels[:top] == sorted(levels[:top])  # swells ...
    assert levels[top:] == sorted(levels[top:], reverse=True)  # ... then fades


def test_flash_then_back_to_the_pattern(mock_factory):
    ticks = Ticks()
    light = Light(27, mock_factory, clock=ticks)
    pin = mock_factory.pin(27)
    pin.clear_states()
    light.flash()
    assert light.deadline() == pytest.approx(100 + Light.FLASH_SECONDS) and light.animated
    light.show("on")  # a new pattern waits for the flash to finish
    time.sleep(0.6)
    assert_timeline(timeline(pin), [(0, 1), (0.12, 0), (0.24, 1), (0.36, 0), (0.48, 1)])
    ticks.now += Light.FLASH_SECONDS
    light.tick()
    assert light.deadline() is None and not light.animated and pin.state == 1
    light.close()


def test_a_flash_over_a_blinking_pattern_hands_back_to_it(mock_factory):
    light = Light(27, mock_factory)
    pin = mock_factory.pin(27)
    light.show("blink")
    time.sleep(0.1)
    assert pin.state == 1
    pin.clear_states()
    light.flash()
    time.sleep(0.85)
    changes = timeline(pin)
    light.close()
    flash = expected_timeline(FLASH, Light.FLASH_SECONDS, initial=1.0)
    blink = [(0.48 + at, level) for at, level in expected_timeline(PWM_PATTERNS["blink"], 0.5)]
    assert_timeline(changes, flash + blink)


def test_led_on_a_pin_without_pwm_says_it_with_on_and_off(plain_factory):
    light = Light(27, plain_factory)
    pin = plain_factory.pin(27)
    assert not light.pwm
    pin.clear_states()
    light.show("dim")  # paused: a wink every 3 s, not a steady light
    time.sleep(0.3)
    light.show("pulse")
    time.sleep(0.1)
    changes = timeline(pin)
    light.close()
    assert_timeline(changes, [(0, 1), (0.1, 0), (0.3, 1)])


@pytest.mark.parametrize("patterns", [PWM_PATTERNS, PLAIN_PATTERNS], ids=["pwm", "plain"])
def test_every_pattern_looks_different(patterns):
    assert set(patterns) == set(LED_PATTERNS)
    looks = {name: tuple(expected_timeline(steps, 6.0)) for name, steps in patterns.items()}
    assert len(set(looks.values())) == len(LED_PATTERNS)
    assert FLASH not in patterns.values()


def test_plain_patterns_are_only_on_and_off():
    assert {level for steps in PLAIN_PATTERNS.values() for level, _ in steps} == {0.0, 1.0}


def test_an_unknown_pattern_is_refused(mock_factory):
    light = Light(27, mock_factory)
    with pytest.raises(ValueError, match="known: off, on, dim, pulse, blink, error"):
        light.show("sparkle")
    light.close()


# -- the buzzer ---------------------------------------------------------------------


def played(pin):
    """[(start, seconds, Hz)] of each tone a passive buzzer's pin sounded."""
    notes, start = [], None
    for (at, state), hz in zip(timeline(pin), pin.tones, strict=True):
        if state and start is None:
            start, tone = at, hz
        elif not state and start is not None:
            notes.append((start, at - start, tone))
            start = None
    return notes


def expected_notes(song, gap=Sounder.GAP):
    notes, at = [], 0.0
    for note in song.notes:
        if note.frequency is not None:
            notes.append((at, note.seconds - min(gap, note.seconds / 4), note.frequency))
        at += note.seconds
    return notes


def assert_notes(actual, expected):
    assert len(actual) == len(expected)
    for (start, seconds, hz), (want_start, want_seconds, want_hz) in zip(
        actual, expected, strict=True
    ):
        assert start == pytest.approx(want_start, abs=TOLERANCE)
        assert seconds == pytest.approx(want_seconds, abs=TOLERANCE)
        assert hz == pytest.approx(want_hz, rel=0.01)


@pytest.mark.slow
def test_passive_buzzer_plays_each_tone_at_its_time(tone_factory):
    # quarter note = 0.2 s: eighths, a pause, a sixteenth, a dotted quarter, a 32nd
    song = parse("t:d=8,o=5,b=300:c6,e6,p,16g6,4c.7,32a,2a6")
    sounder = Sounder.for_kind("passive", 18, {"break": song}, tone_factory)
    pin = tone_factory.pin(18)
    pin.clear_states()
    assert sounder.play("break")
    assert sounder.wait(5)
    assert_notes(played(pin), expected_notes(song))
    assert [round(s, 2) for _, s in pin.states[1:]][1::2] == [0.0] * 6  # silent between notes
    assert {state for _, state in pin.states[1:]} == {0.5, 0.0}  # half duty: full volume
    assert pin.frequency is None
    sounder.close()


@pytest.mark.slow
def test_the_built_in_break_cue_on_the_pin(tone_factory):
    from microbreak.parts.rtttl import load_folder
    from microbreak.resources import data_dir

    songs = load_folder(data_dir("sounds"))
    sounder = Sounder.for_kind("passive", 18, songs, tone_factory)
    pin = tone_factory.pin(18)
    pin.clear_states()
    sounder.play("break")
    sounder.wait(5)
    assert_notes(played(pin), expected_notes(songs["break"]))
    sounder.close()


def test_notes_out_of_range_are_moved_by_octaves_on_the_pin(tone_factory):
    sounder = Sounder.for_kind("passive", 18, {}, tone_factory)
    low, high = sounder.device.min_tone.frequency, sounder.device.max_tone.frequency
    assert (low, high) == pytest.approx((220.0, 3520.0))
    song = parse("t:d=32,o=5,b=250:c8,b8,a7,c3,a3,g#3,c5")
    sounder.songs["t"] = song
    pin = tone_factory.pin(18)
    pin.clear_states()
    sounder.play("t")
    sounder.wait(5)
    tones = [hz for _, _, hz in played(pin)]
    want = [4186.01 / 2, 7902.13 / 4, 3520.0, 130.81 * 2, 220.0, 207.65 * 2, 523.25]
    assert tones == pytest.approx(want, rel=0.001)
    sounder.close()


@given(st.floats(min_value=8.0, max_value=20000.0))
def test_into_range_moves_by_whole_octaves_only(hz):
    moved = into_range(hz, 220.0, 3520.0)
    assert 220.0 <= moved <= 3520.0
    octaves = math.log2(moved / hz)
    assert octaves == round(octaves)  # exactly: halving and doubling lose nothing
    assert moved == hz or not 220.0 <= hz <= 3520.0


def test_into_range_keeps_notes_already_in_range_and_refuses_a_narrow_range():
    assert into_range(220.0, 220.0, 3520.0) == 220.0
    assert into_range(3520.0, 220.0, 3520.0) == 3520.0
    with pytest.raises(ValueError, match="less than an octave"):
        into_range(500.0, 400.0, 700.0)


def test_volume_shortens_the_passive_buzzers_pulses(tone_factory):
    song = parse("t:d=8,o=5,b=240:a,a")
    sounder = Sounder.for_kind("passive", 18, {"t": song}, tone_factory, volume=0.5)
    pin = tone_factory.pin(18)
    sounder.play("t")
    sounder.wait(2)
    duties = {round(state, 3) for _, state in pin.states if state}
    assert round(duty_for(0.5), 3) in duties and duties <= {0.5, round(duty_for(0.5), 3)}
    assert pin.states[-1].state == 0  # it ends silent at the lower duty too
    sounder.close()


def test_active_buzzer_beeps_the_rhythm(mock_factory):
    song = parse("t:d=16,o=5,b=150:a,p,8a,c6.")
    sounder = Sounder.for_kind("active", 18, {"confirm": song}, mock_factory)
    pin = mock_factory.pin(18)
    pin.clear_states()
    sounder.play("confirm")
    sounder.wait(2)
    gap = Sounder.GAP
    assert_timeline(
        timeline(pin), [(0, 1), (0.1 - gap, 0), (0.2, 1), (0.4 - gap, 0), (0.4, 1), (0.55 - gap, 0)]
    )
    sounder.close()


def test_no_buzzer_is_valid(mock_factory):
    sounder = Sounder.for_kind("none", 18, {"break": parse("t:d=4:a")}, mock_factory)
    assert sounder.pin is None
    assert not sounder.play("break") and not sounder.playing
    assert sounder.silent_because() == "no buzzer or speaker"


def test_an_unknown_buzzer_kind_is_refused(mock_factory):
    with pytest.raises(ValueError, match="known: passive, active, none"):
        Sounder.for_kind("piezo", 18, {}, mock_factory)


# -- never blocking; a new cue interrupts ----------------------------------------------


def test_playing_returns_at_once_and_a_new_cue_cleanly_interrupts(tone_factory):
    slow = parse("slow:d=1,o=5,b=30:a,a,a")  # 24 s long
    quick = parse("quick:d=16,o=6,b=150:c,e")
    sounder = Sounder.for_kind("passive", 18, {"slow": slow, "confirm": quick}, tone_factory)
    pin = tone_factory.pin(18)
    pin.clear_states()
    threads = threading.active_count()
    start = time.monotonic()
    sounder.play("slow")
    first = time.monotonic() - start
    time.sleep(0.2)
    start = time.monotonic()
    sounder.play("confirm")
    second = time.monotonic() - start
    assert first < 0.02 and second < 0.02  # measured: 0.4 ms idle, 8 ms at most when busy
    sounder.wait(2)
    tones = played(pin)
    assert [hz for _, _, hz in tones] == pytest.approx([880.0, 1046.5, 1318.5], rel=0.01)
    assert tones[0][1] == pytest.approx(0.2, abs=TOLERANCE)  # cut short, and silent before ...
    assert tones[1][0] - (tones[0][0] + tones[0][1]) < TOLERANCE  # ... the new one starts at once
    assert_notes([(t - tones[1][0], s, hz) for t, s, hz in tones[1:]], expected_notes(quick))
    assert threading.active_count() == threads and pin.frequency is None
    sounder.close()


def test_a_failing_output_is_logged_not_raised(mock_factory, caplog):
    class Broken:
        def play(self, song):
            raise OSError("audio device went away")

        def stop(self):
            pass

    sounder = Sounder(None, {"t": parse("t:d=32:c")}, speaker=Broken())
    with caplog.at_level(logging.ERROR, logger="microbreak"):
        assert sounder.play("t")
        sounder.wait(1)
    assert "cue failed" in caplog.text and "audio device went away" in caplog.text


def test_stop_and_close_silence_the_buzzer_at_once(tone_factory):
    sounder = Sounder.for_kind("passive", 18, {"slow": parse("slow:d=1,o=5,b=30:a")}, tone_factory)
    sounder.play("slow")
    time.sleep(0.05)
    assert sounder.playing and tone_factory.pin(18).frequency == pytest.approx(880)
    start = time.monotonic()
    sounder.close()
    assert time.monotonic() - start < 1  # not the 8 s the note would last
    assert not sounder.playing and tone_factory.pin(18).frequency is None


# -- quiet ---------------------------------------------------------------------------


def test_a_cue_the_core_marked_quiet_makes_no_sound_but_the_light_shows(tmp_path, tone_factory):
    settings = sounds_settings(tmp_path, 'quiet_periods = ["12:30-13:15"]\n')
    parts = Hardware(
        settings,
        lambda e: None,
        songs={"break": parse("break:d=16,o=6,b=150:c")},
        pin_factory=tone_factory,
    )
    buzzer, led = tone_factory.pin(18), tone_factory.pin(27)
    buzzer.clear_states()
    assert not parts.sounder.play("break", quiet=True)
    assert parts.sounder.silent_because(quiet=True) == "a quiet period"
    parts.light.show("on")
    assert led.state == 1 and len(buzzer.states) == 1
    assert parts.sounder.play("break")
    parts.sounder.wait(1)
    assert len(played(buzzer)) == 1
    parts.close()


def test_quiet_periods_are_times_of_day_in_the_working_hours_zone(tmp_path):
    settings = sounds_settings(
        tmp_path,
        'quiet_periods = ["12:30-13:15", "22:00-07:00"]\n[hours]\ntimezone = "Asia/Tokyo"\n',
    )
    rules = Rules.from_settings(settings, zone_named(settings.hours.timezone))
    wall = Wall(3, 40)  # UTC: 12:40 in Tokyo
    schedule = Schedule(rules, ["shoulder-rolls"], Now(0.0, wall()))
    for hour, minute, quiet in (
        (3, 40, True),
        (4, 15, False),
        (12, 59, False),
        (13, 0, True),
        (21, 59, True),
        (22, 0, False),
    ):  # Tokyo 12:40 … 07:00
        wall.set(hour, minute)
        assert schedule.cue(CueName.BREAK, Now(0.0, wall())).quiet is quiet, (hour, minute)
    assert not schedule.cue(CueName.BREAK, Now(0.0, Wall(3, 40)(), trusted=False)).quiet


def test_mute_and_volume_zero_are_silent(tmp_path, mock_factory):
    songs = {"break": parse("break:d=16,o=6,b=150:c")}
    for extra, reason in (("mute = true\n", "muted"), ("volume = 0\n", "volume 0")):
        parts = Hardware(
            sounds_settings(tmp_path, extra), lambda e: None, songs=songs, pin_factory=mock_factory
        )
        assert not parts.sounder.play("break")
        assert parts.sounder.silent_because() == reason
        parts.close()


def test_test_hardware_plays_a_cue_even_when_muted(mock_factory):
    sounder = Sounder.for_kind(
        "active", 18, {"t": parse("t:d=32,o=5,b=250:a")}, mock_factory, mute=True
    )
    assert not sounder.play("t")
    assert sounder.play("t", despite_mute=True)
    sounder.wait(1)
    sounder.close()


# -- custom melodies ------------------------------------------------------------------


def test_custom_melodies_replace_the_built_in_and_a_bad_one_is_refused(
    tmp_path, mock_factory, caplog
):
    builtin = {"break": parse("break:d=8:c"), "confirm": parse("confirm:d=8:e")}
    (tmp_path / "break.rtttl").write_text("mine:d=4,o=5,b=100:a,b,c6\n")
    (tmp_path / "confirm.rtttl").write_text("confirm:d=4,o=5,b=100:a,q\n")
    (tmp_path / "brake.rtttl").write_text("brake:d=4:a\n")
    caplog.set_level(logging.INFO, logger="microbreak")
    parts = Hardware(
        sounds_settings(tmp_path), lambda e: None, songs=builtin, pin_factory=mock_factory
    )
    songs = parts.sounder.songs
    assert songs["break"] == parse("mine:d=4,o=5,b=100:a,b,c6")
    assert songs["confirm"] == builtin["confirm"]
    log = caplog.text
    assert (
        f"{tmp_path}/confirm.rtttl: character 25: malformed note 'q'; " in log
        and "playing the built-in confirm melody instead" in log
    )
    assert f"{tmp_path}/brake.rtttl: no cue is called 'brake', so it never plays" in log
    assert f"cue break: the melody from {tmp_path}/break.rtttl" in log
    parts.close()


def test_the_built_in_melodies_are_the_default(tmp_path, mock_factory):
    parts = Hardware(sounds_settings(tmp_path), lambda e: None, pin_factory=mock_factory)
    assert set(parts.sounder.songs) == {*CueName, *GuideSound}
    parts.close()


def test_a_missing_melodies_folder_changes_nothing(tmp_path, mock_factory):
    builtin = {"break": parse("break:d=8:c")}
    parts = Hardware(
        sounds_settings(tmp_path / "absent"),
        lambda e: None,
        songs=builtin,
        pin_factory=mock_factory,
    )
    assert parts.sounder.songs == builtin
    parts.close()


def test_gpiozero_is_imported_without_importlib_metadata_and_still_finds_factories_by_name():
    """importlib.metadata (1.2 MiB resident) is imported only when gpiozero
    looks a pin factory or a mock pin class up by name, and then it works."""
    import subprocess
    import sys

    check = """
import os, sys
import microbreak.parts.hardware
assert "importlib.metadata" not in sys.modules, "imported with gpiozero"
from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPWMPin
assert MockFactory(pin_class="mockpwmpin").pin_class is MockPWMPin
os.environ["GPIOZERO_PIN_FACTORY"] = "mock"
assert type(Device._default_pin_factory()) is MockFactory
"""
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_parts_import_only_the_gpiozero_modules_they_use_and_the_package_still_works():
    """The boards, SPI chips and internal devices (with subprocess, tempfile
    and more: 0.6 MiB resident) are not imported with the parts; asking the
    package for any of its names imports the rest, as ``import gpiozero``
    would have."""
    import subprocess
    import sys

    check = """
import sys
import microbreak.parts.hardware
unused = {"gpiozero.boards", "gpiozero.spi_devices", "gpiozero.internal_devices", "subprocess"}
assert not unused & set(sys.modules), sorted(unused & set(sys.modules))
from gpiozero import LED, TrafficLights
from gpiozero.output_devices import LED as SAME
import gpiozero
assert LED is SAME and gpiozero.TrafficLights is TrafficLights
assert "gpiozero.boards" in sys.modules
"""
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
