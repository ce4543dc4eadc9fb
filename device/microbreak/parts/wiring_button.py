"""``test-hardware``'s steps for the button: it reads as released before a
touch, a press, then a hold; on gpiozero's mock pins the check works the
button itself. A part of :class:`~microbreak.parts.wiring.WiringCheck`."""

from __future__ import annotations

import queue
import threading
import time
from typing import TYPE_CHECKING

from microbreak.core.words import said
from microbreak.parts.header import where
from microbreak.parts.pins import ButtonDown, ButtonUp

if TYPE_CHECKING:
    from microbreak.parts.wiring import WiringCheck


class ButtonSteps:
    """The button's steps, reported through *check*."""

    def __init__(self, check: WiringCheck):
        self.check = check

    def run(self) -> None:
        """Released before a touch, a press, then a hold as long as a snooze's."""
        gpio = self.check.settings.button.pin
        button = self.check.hardware.button
        hold = self.check.settings.button.snooze_hold_seconds
        self.check.tell(said("Button on {where}", where=where(gpio)))
        wiring = said(
            "the button goes between {where} and a GND pin (header pin 9 or 14); "
            "a four-legged button must bridge the two legs that are not already joined",
            where=where(gpio),
        )
        if button.is_active:
            self.check.report(
                "button",
                said("released"),
                False,
                said("it reads as pressed before a touch"),
                said(
                    "is it wired to 3.3 V instead of GND, or shorted? It must only "
                    "join GND while pressed"
                ),
            )
            return
        self._drain()
        timeout = _number(self.check.timeout)
        self.check.tell(said("Press the button once (within {seconds} s).", seconds=timeout), "  ")
        self._press_ourselves(0.1)
        held = self._gesture()
        self.check.report(
            "button",
            said("press"),
            held is not None,
            self._seconds(held) or said("no press in {seconds} s", seconds=timeout),
            wiring,
        )
        if held is None:
            return
        self.check.tell(
            said("Now hold it down for {seconds} s, then let go.", seconds=_number(hold)), "  "
        )
        deadline = time.monotonic() + self.check.timeout
        self._press_ourselves(hold + 0.2)
        while (held := self._gesture(deadline)) is not None and held < hold:
            self.check.tell(
                said(
                    "That was {held} s: hold it for {seconds} s.",
                    held=round(held, 1),
                    seconds=_number(hold),
                ),
                "  ",
            )
        self.check.report(
            "button",
            said("hold"),
            held is not None,
            self._seconds(held) or said("no hold in {seconds} s", seconds=timeout),
            said(
                "if it lets go early while you hold it, the contact bounces: raise button.bounce_ms"
            ),
        )

    def _seconds(self, held: float | None) -> str:
        """How long the button was down: ``"2.3 s"``, ``"2,3 s"``; "" for never."""
        return "" if held is None else said("{seconds} s", seconds=round(held, 2))

    def _gesture(self, deadline: float | None = None) -> float | None:
        """Wait for the button to go down and up; how long it was held, or None."""
        deadline = deadline or time.monotonic() + self.check.timeout
        down = None
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.check.events.get(timeout=left)
            except queue.Empty:
                break
            if isinstance(event, ButtonDown):
                down = event.at
            elif isinstance(event, ButtonUp) and down is not None:
                return event.at - down
        return None

    def _press_ourselves(self, seconds: float) -> None:
        """With mock pins nobody can press: hold the mock button for *seconds*."""
        if not self.check.mock_pins:
            return
        self.check.tell(
            said(
                "(mock pins: held for {seconds} s by the check itself)",
                seconds=_number(seconds),
            ),
            "  ",
        )
        pin = self.check.hardware.button.pin

        def press() -> None:
            time.sleep(0.05)
            pin.drive_low()
            time.sleep(seconds)
            pin.drive_high()

        threading.Thread(target=press, daemon=True).start()

    def _drain(self) -> None:
        while not self.check.events.empty():
            self.check.events.get_nowait()


def _number(value: float) -> float | int:
    """*value*, a whole number as one: ``30.0`` → ``30`` (said as "30 s")."""
    return int(value) if float(value).is_integer() else value
