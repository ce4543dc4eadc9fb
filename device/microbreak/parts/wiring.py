"""``microbreak test-hardware``: a check for someone who has just wired the device.

Each part the settings name is tried in turn, with the same gpiozero parts the
service uses: the LED on, off and pulsing; the buzzer playing a scale and then
every cue; a test pattern on the screen; a press and a hold of the button. Each
step reports pass or FAIL and, when it fails, what to check.

Run by a person at a terminal, a step whose result only eyes and ears can judge
asks (``ask`` answers yes or no). With nobody to ask, such a step passes when
the pin took the value it was given, which still proves the pin library works
and the pin is free. The button steps wait for the real button; on gpiozero's
mock pins (``mock_pins``) the check works the button itself and skips the
screen::

    >>> from gpiozero.pins.mock import MockFactory, MockPWMPin
    >>> check = WiringCheck(Settings(), pin_factory=MockFactory(pin_class=MockPWMPin),
    ...                     songs={}, say=lambda line: None, pace=0.01)
    >>> [(r.step, r.passed) for r in check.run(["led"])]
    [('on', True), ('off', True), ('pulse', True)]
    >>> check.close()
"""

from __future__ import annotations

import queue
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from microbreak.config.settings import Settings
from microbreak.parts.hardware import Hardware
from microbreak.parts.header import PWM_PINS, where
from microbreak.parts.pattern import BARS, PatternDisplay, draw_test_pattern
from microbreak.parts.pins import ButtonDown, ButtonUp
from microbreak.parts.rtttl import Song, parse

PARTS = ("led", "buzzer", "speaker", "screen", "button")
SCALE = parse("test-scale:d=8,o=5,b=150:c,d,e,f,g,a,b,c6", "the test scale")


@dataclass(frozen=True)
class Result:
    part: str
    step: str
    passed: bool
    detail: str = ""  # what was seen: "held 2.3 s", "320x240"
    check: str = ""  # on a failure: what to look at


class WiringCheck:
    """Runs the steps for the parts in *settings* and says how each went.

    *say* prints a line; *ask* (a question → True/False) is for a person at a
    terminal, None when nobody is there to answer. *timeout* bounds each wait
    for the button; *pace* scales how long each output step lasts.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        pin_factory=None,
        songs: Mapping[str, Song],
        say: Callable[[str], None] = print,
        ask: Callable[[str], bool] | None = None,
        timeout: float = 30.0,
        pace: float = 1.0,
        open_display=None,
        mock_pins: bool = False,
    ):
        self.settings = settings
        self.mock_pins = mock_pins  # gpiozero's mock pins: press our own button, no screen
        self.say = say
        self.ask = ask
        self.timeout = timeout
        self.pace = pace
        self._open_display = open_display
        self._events: queue.Queue = queue.Queue()
        self.hardware = Hardware(
            settings, self._events.put, songs={**songs, SCALE.name: SCALE}, pin_factory=pin_factory
        )
        self.results: list[Result] = []

    def run(self, parts: Iterable[str] = PARTS) -> list[Result]:
        for part in parts:
            if part not in PARTS:
                raise ValueError(f"unknown part {part!r}; allowed: {', '.join(PARTS)}")
            name = "LED" if part == "led" else part
            why = self.hardware.missing.get(name)
            if why is not None:
                self.say(f"{name[0].upper()}{name[1:]}: its pin cannot be opened")
                self._report(
                    part,
                    "open",
                    False,
                    why,
                    "the pin library in [pins] factory, and that this user may use "
                    "the GPIO chip (the group gpio)",
                )
                continue
            getattr(self, f"_check_{part}")()
        return self.results

    def close(self) -> None:
        self.hardware.close()

    def check_history(self, state_dir) -> list[Result]:
        """The history's storage: mounted read-write, space left, the file sound."""
        from microbreak.storage.store import check_storage

        self.say(f"History in {state_dir}")
        for step, passed, detail, check in check_storage(state_dir):
            self._report("history", step, passed, detail, check)
        return self.results

    # -- reporting ------------------------------------------------------------

    def _report(
        self, part: str, step: str, passed: bool, detail: str = "", check: str = ""
    ) -> None:
        result = Result(part, step, passed, detail, check if not passed else "")
        self.results.append(result)
        verdict = "pass" if passed else "FAIL"
        self.say(f"  {step:<14} {verdict}" + (f"  {detail}" if detail else ""))
        if result.check:
            for line in textwrap.wrap(
                f"check: {result.check}",
                79,
                initial_indent=" " * 17,
                subsequent_indent=" " * 24,
                break_on_hyphens=False,
            ):
                self.say(line)

    def _judge(self, question: str, measured: bool) -> bool:
        """A person's answer when there is one, else what the pin showed."""
        return self.ask(question) if self.ask is not None else measured

    def _wait(self, seconds: float) -> None:
        if self.ask is None:
            time.sleep(seconds * self.pace)

    # -- the parts --------------------------------------------------------------

    def _check_led(self) -> None:
        gpio = self.settings.led.pin
        light = self.hardware.light
        self.say(f"LED on {where(gpio)}")
        wiring = (
            f"the LED's long leg to {where(gpio)} through a 330 ohm resistor, its "
            "short leg to GND; an LED the wrong way round stays dark"
        )
        light.show("on")
        self._wait(1.5)
        self._report("led", "on", self._judge("Is the LED lit?", light.level == 1), check=wiring)
        light.show("off")
        self._wait(1.0)
        self._report(
            "led",
            "off",
            self._judge("Is the LED dark now?", light.level == 0),
            check=f"the LED must go to {where(gpio)}, not to 3.3 V or 5 V",
        )
        light.show("pulse")
        seen = self._sample(lambda: light.level, max(2.0 * self.pace, 0.3))
        kind = "fading in and out" if light.pwm else "blinking (this pin cannot fade)"
        self._report(
            "led",
            "pulse",
            self._judge(f"Is the LED {kind}?", len(seen) > 1),
            "" if light.pwm else "blinks: no PWM on this pin",
            check=f"a PWM-capable pin ({', '.join(map(str, PWM_PINS))}) fades "
            "smoothly; check the pin library in [pins] factory",
        )
        light.show("off")

    def _check_buzzer(self) -> None:
        kind, gpio = self.settings.buzzer.kind, self.settings.buzzer.pin
        sounder = self.hardware.sounder
        if sounder.device is None:
            self.say('Buzzer: none in the settings (buzzer.kind = "none"): skipped')
            return
        self.say(f"Buzzer ({kind}) on {where(gpio)}")
        if self.settings.sound.volume == 0:
            self._report(
                "buzzer",
                "volume",
                False,
                "sound.volume is 0",
                "set sound.volume above 0: 'microbreak config set sound.volume 100'",
            )
            return
        wiring = f"the buzzer's + to {where(gpio)} and its - to GND; " + (
            "a passive piezo plays tones; if you hear only clicks or one pitch, it "
            'is an active buzzer: set buzzer.kind = "active"'
            if kind == "passive"
            else "an active buzzer beeps at one pitch; if it stays silent it may be a "
            'passive piezo: set buzzer.kind = "passive"'
        )
        cues = sorted(name for name in sounder.songs if name != SCALE.name)
        for name in [SCALE.name] + cues:
            sounded = self._play(name)
            if name == SCALE.name:
                step, question = "scale", "Did you hear eight notes going up?"
            else:
                step, question = f"cue {name}", f"Did you hear the {name} cue?"
            self._report("buzzer", step, self._judge(question, sounded), check=wiring)

    def _check_speaker(self) -> None:
        if not self.settings.sound.speaker:
            self.say("Speaker: off in the settings (sound.speaker = false): skipped")
            return
        self.say("Speaker (the default ALSA output)")
        problem = self.hardware.speaker_problem
        if problem is not None:
            self._report("speaker", "open", False, "no audio output", problem)
            return
        self._report("speaker", "open", True, "the mixer is playing to ALSA")
        speaker = self.hardware.sounder.speaker
        speaker.play(SCALE)
        self._wait(SCALE.seconds + 0.5)
        if self.ask is not None:
            self._report(
                "speaker",
                "scale",
                self.ask("Did the speaker play eight notes going up?"),
                check="the speaker's cable and volume ('alsamixer'), and that the "
                "card is the default one ('aplay -l')",
            )
        speaker.stop()

    def _play(self, name: str) -> bool:
        """Play the song *name* to its end, even when muted or in a quiet
        period; whether the buzzer's pin was driven."""
        sounder = self.hardware.sounder
        if not sounder.play(name, despite_mute=True):
            return False
        try:
            seen = self._sample(
                lambda: sounder.sounding,
                sounder.songs[name].seconds + 1,
                until=lambda: not sounder.playing,
            )
        finally:
            sounder.stop()
        return True in seen

    def _check_screen(self) -> None:
        size = self.settings.screen.size
        if size == "none":
            self.say('Screen: none in the settings (screen.size = "none"): skipped')
            return
        if self.mock_pins:
            self.say("Screen: skipped with mock pins (no device, so no screen of its own)")
            return
        self.say(f"Screen ({size})")
        check = (
            "the screen is connected and switched on, its driver enabled (a dtoverlay "
            "line in /boot/firmware/config.txt for DSI and SPI panels), and screen.size "
            'matches it, or is "auto"'
        )
        try:
            display = self._display(size)
        except Exception as exc:  # noqa: BLE001 - any display failure is the answer
            reason = getattr(exc, "reason", str(exc))
            self._report(
                "screen", "pattern", False, f"no screen: {reason}", getattr(exc, "fix", "") or check
            )
            return
        try:
            surface = display.surface
            draw_test_pattern(surface)
            display.flip()
            width, height = surface.get_size()
            drawn = (
                surface.get_at((0, 0))[:3] == (255, 255, 255)
                and surface.get_at((width // 16, height // 2))[:3] == BARS[0]
            )
            self._wait(3.0)
            question = "Coloured bars, a white frame and corner marks, filling the screen?"
            self._report(
                "screen", "pattern", self._judge(question, drawn), f"{width}x{height}", check
            )
        finally:
            display.close()

    def _display(self, size: str):
        if self._open_display is not None:
            return self._open_display(size)
        return PatternDisplay(size, self.settings.screen.output)

    def _check_button(self) -> None:
        gpio = self.settings.button.pin
        button = self.hardware.button
        hold = self.settings.button.snooze_hold_seconds
        self.say(f"Button on {where(gpio)}")
        wiring = (
            f"the button goes between {where(gpio)} and a GND pin (header pin 9 or 14); "
            "a four-legged button must bridge the two legs that are not already joined"
        )
        if button.is_active:
            self._report(
                "button",
                "released",
                False,
                "it reads as pressed before a touch",
                "is it wired to 3.3 V instead of GND, or shorted? It must only "
                "join GND while pressed",
            )
            return
        self._drain()
        self.say(f"  Press the button once (within {self.timeout:g} s).")
        self._press_ourselves(0.1)
        held = self._gesture()
        self._report(
            "button",
            "press",
            held is not None,
            f"{held:.2f} s" if held is not None else f"no press in {self.timeout:g} s",
            wiring,
        )
        if held is None:
            return
        self.say(f"  Now hold it down for {hold:g} s, then let go.")
        deadline = time.monotonic() + self.timeout
        self._press_ourselves(hold + 0.2)
        while (held := self._gesture(deadline)) is not None and held < hold:
            self.say(f"  That was {held:.1f} s: hold it for {hold:g} s.")
        self._report(
            "button",
            "hold",
            held is not None,
            f"{held:.2f} s" if held is not None else f"no hold in {self.timeout:g} s",
            "if it lets go early while you hold it, the contact bounces: raise button.bounce_ms",
        )

    def _gesture(self, deadline: float | None = None) -> float | None:
        """Wait for the button to go down and up; how long it was held, or None."""
        deadline = deadline or time.monotonic() + self.timeout
        down = None
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self._events.get(timeout=left)
            except queue.Empty:
                break
            if isinstance(event, ButtonDown):
                down = event.at
            elif isinstance(event, ButtonUp) and down is not None:
                return event.at - down
        return None

    def _press_ourselves(self, seconds: float) -> None:
        """With mock pins nobody can press: hold the mock button for *seconds*."""
        if not self.mock_pins:
            return
        self.say(f"  (mock pins: held for {seconds:g} s by the check itself)")
        pin = self.hardware.button.pin

        def press() -> None:
            time.sleep(0.05)
            pin.drive_low()
            time.sleep(seconds)
            pin.drive_high()

        threading.Thread(target=press, daemon=True).start()

    def _drain(self) -> None:
        while not self._events.empty():
            self._events.get_nowait()

    def _sample(
        self, read: Callable[[], object], seconds: float, until: Callable[[], bool] | None = None
    ) -> set:
        """The distinct values *read* gave over *seconds*, or until *until*."""
        seen = {read()}
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until and until()):
            time.sleep(0.01)
            seen.add(read())
        return seen
