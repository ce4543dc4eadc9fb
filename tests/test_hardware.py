"""The parts on gpiozero's mock pins: button edges, LED patterns, buzzer tones."""

import time

import pytest
from gpiozero.pins.mock import MockPWMPin

from microbreak.hardware import ButtonDown, ButtonUp, Hardware, Light, Sounder
from microbreak.rtttl import parse
from microbreak.settings import Settings, parse_settings


class Ticks:
    """A settable stand-in for time.monotonic."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


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


def test_led_patterns(mock_factory):
    light = Light(27, mock_factory)
    pin = mock_factory.pin(27)
    light.show("on")
    assert pin.state == 1
    light.show("dim")
    assert 0 < pin.state < 0.5
    light.show("blink")
    time.sleep(0.7)  # gpiozero blinks on its own thread, in real time
    states = {round(s.state) for s in pin.states[-4:]}
    assert states == {0, 1}
    light.show("off")
    assert pin.state == 0
    light.close()


def test_led_flash_then_back_to_the_pattern(mock_factory):
    ticks = Ticks()
    light = Light(27, mock_factory, clock=ticks)
    pin = mock_factory.pin(27)
    light.show("on")
    light.flash()
    assert light.deadline() == pytest.approx(100.5)
    light.show("off")  # a new pattern waits for the flash to finish
    time.sleep(0.6)
    ticks.now += 0.5
    light.tick()
    assert light.deadline() is None and pin.state == 0


def test_led_on_a_pin_without_pwm_still_works(plain_factory):
    light = Light(27, plain_factory)
    assert not light.pwm
    light.show("dim")  # no dimming without PWM: plainly on
    assert plain_factory.pin(27).state == 1
    light.close()


def test_passive_buzzer_plays_the_melody_tones(mock_factory):
    song = parse("t:d=8,o=5,b=240:a,c6")
    sounder = Sounder.for_kind("passive", 18, {"break": song}, mock_factory)
    pin = mock_factory.pin(18)
    sounder.play("break")
    sounder._thread.join()
    played = [round(s.state, 2) for s in pin.states]
    assert pin.frequency is None and 0.5 in played  # it sounded, and it is silent again
    sounder.close()


def test_passive_buzzer_moves_out_of_range_notes_by_octaves(mock_factory):
    sounder = Sounder.for_kind("passive", 18, {}, mock_factory)
    low, high = sounder.device.min_tone.frequency, sounder.device.max_tone.frequency
    assert sounder._in_range(high * 4).frequency == pytest.approx(high)
    assert sounder._in_range(low / 2).frequency == pytest.approx(low)
    sounder.close()


def test_active_buzzer_beeps_the_rhythm(mock_factory):
    song = parse("t:d=16,o=5,b=240:a,p,a")
    sounder = Sounder.for_kind("active", 18, {"confirm": song}, mock_factory)
    sounder.play("confirm")
    sounder._thread.join()
    edges = [s.state for s in mock_factory.pin(18).states]
    assert edges.count(1) == 2 and edges[-1] == 0
    sounder.close()


def test_a_new_cue_interrupts_the_one_playing(mock_factory):
    slow = parse("slow:d=1,o=5,b=30:a,a,a")  # 24 s long
    sounder = Sounder.for_kind("passive", 18, {"slow": slow, "confirm": slow}, mock_factory)
    sounder.play("slow")
    start = time.monotonic()
    sounder.play("confirm")
    assert time.monotonic() - start < 1
    sounder.close()
    assert mock_factory.pin(18).frequency is None


def test_no_buzzer_is_valid(mock_factory):
    sounder = Sounder.for_kind("none", 18, {}, mock_factory)
    sounder.play("break")
    assert not sounder.playing
