"""``microbreak test-hardware`` on gpiozero's mock pins, the button driven by the test."""

import threading
import time

import pytest

from microbreak import cli
from microbreak.config.settings import parse_settings
from microbreak.parts import wiring
from microbreak.parts.header import where
from microbreak.parts.pattern import draw_test_pattern
from microbreak.parts.rtttl import parse
from microbreak.parts.wiring import WiringCheck
from microbreak.service.control import SOCKET_NAME, ControlServer

SONGS = {"beep": parse("beep:d=16,o=5,b=200:c6,e6"), "boop": parse("boop:d=16,o=5,b=200:g5")}


@pytest.fixture(autouse=True)
def quick_scale(monkeypatch):
    monkeypatch.setattr(wiring, "SCALE", parse("test-scale:d=32,o=5,b=240:c,d,e,f,g,a,b,c6"))


QUICK = '[button]\nsnooze_hold_seconds = 0.5\nskip_hold_seconds = 1.0\n[screen]\nsize = "320x240"\n'


class Person:
    """Reads what the check says and works the mock button as told."""

    def __init__(self, pin, gestures):
        self.pin = pin
        self.gestures = list(gestures)  # seconds to hold, one per instruction
        self.lines = []
        self._told = threading.Event()

    def say(self, line):
        self.lines.append(line)
        if "the button" in line or "hold it" in line:
            self._told.set()

    def work(self):
        for seconds in self.gestures:
            if not self._told.wait(10):
                return
            self._told.clear()
            time.sleep(0.05)
            self.pin.drive_low()
            time.sleep(seconds)
            self.pin.drive_high()

    def start(self):
        thread = threading.Thread(target=self.work, daemon=True)
        thread.start()
        return thread


def checker(mock_factory, person, config=QUICK, **options):
    options.setdefault("pace", 0.01)
    options.setdefault("timeout", 5)
    return WiringCheck(
        parse_settings(config), pin_factory=mock_factory, songs=SONGS, say=person.say, **options
    )


@pytest.mark.slow
def test_every_step_passes_on_working_parts(mock_factory):
    person = Person(mock_factory.pin(17), [0.1, 0.7])
    check = checker(mock_factory, person)
    thread = person.start()
    try:
        results = check.run()
    finally:
        check.close()
    thread.join(5)
    assert [(r.part, r.step, r.passed) for r in results] == [
        ("led", "on", True),
        ("led", "off", True),
        ("led", "pulse", True),
        ("buzzer", "scale", True),
        ("buzzer", "cue beep", True),
        ("buzzer", "cue boop", True),
        ("screen", "pattern", True),
        ("button", "press", True),
        ("button", "hold", True),
    ]
    assert results[6].detail == "320x240"
    assert 0.6 < float(results[8].detail.split()[0]) < 1.5
    assert "LED on GPIO 27 (header pin 13)" in person.lines
    assert not any("check:" in line for line in person.lines)


def test_the_scale_and_cues_really_drive_the_buzzer_pin(mock_factory):
    person = Person(mock_factory.pin(17), [])
    check = checker(mock_factory, person)
    pin = mock_factory.pin(18)
    try:
        check.run(["buzzer"])
    finally:
        check.close()
    notes = [state for state in pin.states if state.state]  # the PWM on for each note
    assert len(notes) >= 8 + 3  # eight of the scale, then the cues'


def test_each_cue_plays_even_when_muted(mock_factory):
    person = Person(mock_factory.pin(17), [])
    check = checker(mock_factory, person, config=QUICK + "[sound]\nmute = true\n")
    try:
        results = check.run(["buzzer"])
    finally:
        check.close()
    assert all(r.passed for r in results) and len(results) == 3


def test_no_press_fails_and_says_what_to_check(mock_factory):
    person = Person(mock_factory.pin(17), [])
    check = checker(mock_factory, person, timeout=0.3)
    try:
        [result] = check.run(["button"])
    finally:
        check.close()
    assert (result.step, result.passed, result.detail) == ("press", False, "no press in 0.3 s")
    assert "GPIO 17 (header pin 11)" in result.check and "GND" in result.check
    assert any(line.strip().startswith("check: the button goes between") for line in person.lines)


@pytest.mark.slow
def test_a_hold_too_short_is_explained_and_the_next_one_counts(mock_factory):
    person = Person(mock_factory.pin(17), [0.1, 0.1, 0.7])
    check = checker(mock_factory, person)
    thread = person.start()
    try:
        results = check.run(["button"])
    finally:
        check.close()
    thread.join(5)
    assert [r.passed for r in results] == [True, True]
    assert any(line.startswith("  That was 0.1 s: hold it for 0.5 s") for line in person.lines)


def test_a_button_that_reads_pressed_before_a_touch_is_caught(mock_factory):
    person = Person(mock_factory.pin(17), [])
    check = checker(mock_factory, person)
    mock_factory.pin(17).drive_low()
    try:
        [result] = check.run(["button"])
    finally:
        check.close()
    assert result.step == "released" and not result.passed and "3.3 V" in result.check


def test_a_person_s_no_is_a_fail_with_the_wiring_to_check(mock_factory):
    person = Person(mock_factory.pin(17), [])
    questions = []

    def ask(question):
        questions.append(question)
        return question != "Is the LED lit?"

    check = checker(mock_factory, person, ask=ask)
    try:
        results = check.run(["led"])
    finally:
        check.close()
    assert questions[0] == "Is the LED lit?"
    assert [r.passed for r in results] == [False, True, True]
    assert "long leg to GPIO 27" in results[0].check


def test_parts_the_settings_leave_out_are_skipped(mock_factory):
    person = Person(mock_factory.pin(17), [])
    check = checker(
        mock_factory, person, config='[buzzer]\nkind = "none"\n[screen]\nsize = "none"\n'
    )
    try:
        assert check.run(["buzzer", "screen"]) == []
    finally:
        check.close()
    assert any("skipped" in line for line in person.lines)


def test_the_pattern_marks_edges_corners_and_colours():
    import pygame

    surface = pygame.Surface((240, 240))
    draw_test_pattern(surface)
    assert surface.get_at((0, 0))[:3] == (255, 255, 255)  # the frame
    assert surface.get_at((5, 5))[:3] == (255, 128, 0)  # a corner mark
    assert surface.get_at((239, 120))[:3] == (255, 255, 255)
    assert len({surface.get_at((x, 120))[:3] for x in range(2, 238, 10)}) >= 6


def test_header_pins():
    assert where(17) == "GPIO 17 (header pin 11)"
    assert where(18) == "GPIO 18 (header pin 12)"


# -- the command ---------------------------------------------------------------------


def test_the_command_with_mock_pins_presses_its_own_button_and_skips_the_screen(
    mock_factory, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("MICROBREAK_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setattr("microbreak.parts.pins.make_pin_factory", lambda name: mock_factory)
    config = tmp_path / "config.toml"
    config.write_text(QUICK)
    code = cli.main(
        [
            "test-hardware",
            "screen",
            "button",
            "--no-questions",
            "--pin-factory",
            "mock",
            "--timeout",
            "5",
            "--config",
            str(config),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Screen: skipped with mock pins (no device, so no screen of its own)" in out
    assert "Button on GPIO 17 (header pin 11)" in out
    assert out.splitlines()[-1] == "2 steps passed, 0 failed"


def test_the_command_fails_with_exit_1_when_a_step_fails(
    mock_factory, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("MICROBREAK_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setattr("microbreak.parts.pins.make_pin_factory", lambda name: mock_factory)
    code = cli.main(
        [
            "test-hardware",
            "button",
            "--json",
            "--timeout",
            "0.2",
            "--config",
            str(tmp_path / "none.toml"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "no such settings file" in captured.err


def test_the_command_refuses_while_the_service_holds_the_pins(tmp_path, monkeypatch, capsys):
    server = ControlServer(tmp_path / SOCKET_NAME, lambda verb, args: {"state": "idle"})
    server.start()
    try:
        code = cli.main(["test-hardware", "--runtime-dir", str(tmp_path)])
    finally:
        server.close()
    assert code == 1
    assert "stop it first with 'sudo systemctl stop microbreak'" in capsys.readouterr().err


def test_the_command_looks_at_the_history_and_fails_a_damaged_one(
    mock_factory, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("MICROBREAK_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setattr("microbreak.parts.pins.make_pin_factory", lambda name: mock_factory)
    (tmp_path / "history.sqlite").write_bytes(b"\x01" * 8192)
    (tmp_path / "settings.toml").write_text("")
    code = cli.main(
        [
            "test-hardware",
            "history",
            "--no-questions",
            "--pin-factory",
            "mock",
            "--state-dir",
            str(tmp_path),
            "--config",
            str(tmp_path / "settings.toml"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"History in {tmp_path}" in out
    assert "writable       pass" in out and "free space     pass" in out
    assert "file           FAIL" in out and "damaged" in out and ".recover" in out
