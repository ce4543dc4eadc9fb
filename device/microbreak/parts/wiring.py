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
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from microbreak.config.settings import Settings
from microbreak.core.words import ENGLISH, N_, Words, said, say
from microbreak.parts.hardware import Hardware
from microbreak.parts.header import PWM_PINS, where
from microbreak.parts.pattern import BARS, PatternDisplay, draw_test_pattern
from microbreak.parts.rtttl import Song, parse
from microbreak.parts.wiring_button import ButtonSteps

PARTS = ("led", "buzzer", "speaker", "screen", "button")
NAMES = {"led": N_("LED"), "buzzer": N_("Buzzer"), "speaker": N_("Speaker"), "screen": N_("Screen")}
NAMES["button"] = N_("Button")
SCALE = parse("test-scale:d=8,o=5,b=150:c,d,e,f,g,a,b,c6", "the test scale")


@dataclass(frozen=True)
class Result:
    """A step's outcome, in English (``--json``); what is printed is said in
    the person's language (each text a :func:`~microbreak.core.words.said`)."""

    part: str
    step: str
    passed: bool
    detail: str = ""  # what was seen: "held 2.3 s", "320x240"
    check: str = ""  # on a failure: what to look at


class WiringCheck:
    """Runs the steps for the parts in *settings* and says how each went.

    *say* prints a line (in *words*' language); *ask* (a question → True/False)
    is for a person at a terminal, None when nobody is there to answer.
    *timeout* bounds each wait for the button; *pace* scales how long each
    output step lasts.
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
        words: Words = ENGLISH,
    ):
        self.settings = settings
        self.words = words
        self.mock_pins = mock_pins  # gpiozero's mock pins: press our own button, no screen
        self.say = say
        self.ask = ask
        self.timeout = timeout
        self.pace = pace
        self._open_display = open_display
        self.events: queue.Queue = queue.Queue()
        self.hardware = Hardware(
            settings, self.events.put, songs={**songs, SCALE.name: SCALE}, pin_factory=pin_factory
        )
        self.results: list[Result] = []

    def run(self, parts: Iterable[str] = PARTS) -> list[Result]:
        for part in parts:
            if part not in PARTS:
                raise ValueError(f"unknown part {part!r}; allowed: {', '.join(PARTS)}")
            why = self.hardware.missing.get("LED" if part == "led" else part)
            if why is not None:
                self.tell(said("{part}: its pin cannot be opened", part=said(NAMES[part])))
                self.report(
                    part,
                    said("open"),
                    False,
                    why,
                    said(
                        "the pin library in [pins] factory, and that this user may use "
                        "the GPIO chip (the group gpio)"
                    ),
                )
                continue
            getattr(self, f"_check_{part}")()
        return self.results

    def close(self) -> None:
        self.hardware.close()

    def check_history(self, state_dir) -> list[Result]:
        """The history's storage: mounted read-write, space left, the file sound."""
        from microbreak.storage.storage_check import check_storage

        self.tell(said("History in {folder}", folder=str(state_dir)))
        for step, passed, detail, check in check_storage(state_dir):
            self.report("history", step, passed, detail, check)
        return self.results

    # -- reporting ------------------------------------------------------------

    def report(self, part: str, step: str, passed: bool, detail: str = "", check: str = "") -> None:
        result = Result(part, step, passed, detail, check if not passed else "")
        self.results.append(result)
        words = self.words
        verdict = words.gettext(N_("pass") if passed else N_("FAIL"))
        shown = say(detail, words)
        self.say(f"  {say(step, words):<14} {verdict}" + (f"  {shown}" if shown else ""))
        if result.check:
            for line in textwrap.wrap(
                words.gettext("check: {what}").format(what=say(result.check, words)),
                79,
                initial_indent=" " * 17,
                subsequent_indent=" " * 24,
                break_on_hyphens=False,
            ):
                self.say(line)

    def tell(self, line: str, indent: str = "") -> None:
        """Print *line* (a :func:`said` message) in the person's language."""
        self.say(indent + say(line, self.words))

    def _judge(self, question: str, measured: bool) -> bool:
        """A person's answer when there is one, else what the pin showed."""
        return self.ask(say(question, self.words)) if self.ask is not None else measured

    def _wait(self, seconds: float) -> None:
        if self.ask is None:
            time.sleep(seconds * self.pace)

    # -- the parts --------------------------------------------------------------

    def _check_led(self) -> None:
        gpio = self.settings.led.pin
        light = self.hardware.light
        self.tell(said("LED on {where}", where=where(gpio)))
        wiring = said(
            "the LED's long leg to {where} through a 330 ohm resistor, its "
            "short leg to GND; an LED the wrong way round stays dark",
            where=where(gpio),
        )
        light.show("on")
        self._wait(1.5)
        lit = self._judge(said("Is the LED lit?"), light.level == 1)
        self.report("led", said("on"), lit, check=wiring)
        light.show("off")
        self._wait(1.0)
        self.report(
            "led",
            said("off"),
            self._judge(said("Is the LED dark now?"), light.level == 0),
            check=said("the LED must go to {where}, not to 3.3 V or 5 V", where=where(gpio)),
        )
        light.show("pulse")
        seen = self._sample(lambda: light.level, max(2.0 * self.pace, 0.3))
        if light.pwm:
            question = said("Is the LED fading in and out?")
        else:
            question = said("Is the LED blinking (this pin cannot fade)?")
        self.report(
            "led",
            said("pulse"),
            self._judge(question, len(seen) > 1),
            "" if light.pwm else said("blinks: no PWM on this pin"),
            check=said(
                "a PWM-capable pin ({pins}) fades smoothly; check the pin library in "
                "[pins] factory",
                pins=", ".join(map(str, PWM_PINS)),
            ),
        )
        light.show("off")

    def _check_buzzer(self) -> None:
        kind, gpio = self.settings.buzzer.kind, self.settings.buzzer.pin
        sounder = self.hardware.sounder
        if sounder.device is None:
            self.tell(said('Buzzer: none in the settings (buzzer.kind = "none"): skipped'))
            return
        self.tell(said("Buzzer ({kind}) on {where}", kind=kind, where=where(gpio)))
        if self.settings.sound.volume == 0:
            self.report(
                "buzzer",
                said("volume"),
                False,
                said("sound.volume is 0"),
                said("set sound.volume above 0: 'microbreak config set sound.volume 100'"),
            )
            return
        if kind == "passive":
            kept = said(
                "the buzzer's + to {where} and its - to GND; a passive piezo plays tones; "
                "if you hear only clicks or one pitch, it is an active buzzer: set "
                'buzzer.kind = "active"',
                where=where(gpio),
            )
        else:
            kept = said(
                "the buzzer's + to {where} and its - to GND; an active buzzer beeps at "
                "one pitch; if it stays silent it may be a passive piezo: set "
                'buzzer.kind = "passive"',
                where=where(gpio),
            )
        cues = sorted(name for name in sounder.songs if name != SCALE.name)
        for name in [SCALE.name] + cues:
            sounded = self._play(name)
            if name == SCALE.name:
                step, question = said("scale"), said("Did you hear eight notes going up?")
            else:
                step = said("cue {name}", name=name)
                question = said("Did you hear the {name} cue?", name=name)
            self.report("buzzer", step, self._judge(question, sounded), check=kept)

    def _check_speaker(self) -> None:
        if not self.settings.sound.speaker:
            self.tell(said("Speaker: off in the settings (sound.speaker = false): skipped"))
            return
        self.tell(said("Speaker (the default ALSA output)"))
        problem = self.hardware.speaker_problem
        if problem is not None:
            self.report("speaker", said("open"), False, said("no audio output"), problem)
            return
        self.report("speaker", said("open"), True, said("the mixer is playing to ALSA"))
        speaker = self.hardware.sounder.speaker
        speaker.play(SCALE)
        self._wait(SCALE.seconds + 0.5)
        if self.ask is not None:
            self.report(
                "speaker",
                said("scale"),
                self.ask(say(said("Did the speaker play eight notes going up?"), self.words)),
                check=said(
                    "the speaker's cable and volume ('alsamixer'), and that the "
                    "card is the default one ('aplay -l')"
                ),
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
            self.tell(said('Screen: none in the settings (screen.size = "none"): skipped'))
            return
        if self.mock_pins:
            self.tell(said("Screen: skipped with mock pins (no device, so no screen of its own)"))
            return
        self.tell(said("Screen ({size})", size=size))
        check = said(
            "the screen is connected and switched on, its driver enabled (a dtoverlay "
            "line in /boot/firmware/config.txt for DSI and SPI panels), and screen.size "
            'matches it, or is "auto"'
        )
        try:
            display = self._display(size)
        except Exception as exc:  # noqa: BLE001 - any display failure is the answer
            reason = getattr(exc, "reason", str(exc))
            self.report(
                "screen",
                said("pattern"),
                False,
                said("no screen: {why}", why=reason),
                getattr(exc, "fix", "") or check,
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
            question = said("Coloured bars, a white frame and corner marks, filling the screen?")
            self.report(
                "screen", said("pattern"), self._judge(question, drawn), f"{width}x{height}", check
            )
        finally:
            display.close()

    def _display(self, size: str):
        if self._open_display is not None:
            return self._open_display(size)
        return PatternDisplay(size, self.settings.screen.output)

    def _check_button(self) -> None:
        ButtonSteps(self).run()

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
