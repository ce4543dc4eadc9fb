"""The simulator's hands: ``microbreak press``, ``hold`` and ``motion`` drive
the mock pins of the button and the presence sensor as a person would. A press
is answered once the button is up again, with the status after it::

    service.hands = Hands(lambda: service.hardware)
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from microbreak.parts.hardware import Hardware
from microbreak.service.clock import real_time
from microbreak.service.control import ControlError
from microbreak.service.requests import DEFERRED, Request

PRESS_SECONDS = 0.15  # how long `microbreak press` holds the button


class Hands:
    def __init__(self, parts: Callable[[], Hardware]):
        self._parts = parts  # the service's parts: a reload may make them afresh
        self._release: tuple[float, Future[Any]] | None = None  # a press or hold under way
        self._waiting: list[Future[Any]] = []  # answered once the button is up

    def verb(self, name: str) -> Callable[[Request], object] | None:
        """The handler of the request *name*, if it is one of the hands'."""
        return {"press": self.press, "hold": self.hold, "motion": self.motion}.get(name)

    def press(self, request: Request) -> object:
        return self._hold(request, PRESS_SECONDS)

    def hold(self, request: Request) -> object:
        seconds = request.args.get("seconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not 0 < seconds <= 30
        ):
            raise ControlError(f"hold {seconds!r}: allowed: seconds from 0 to 30")
        return self._hold(request, float(seconds))

    def motion(self, request: Request) -> dict[str, bool]:
        """Someone moves at the desk (true) or not."""
        moving = request.args.get("moving")
        if not isinstance(moving, bool):
            raise ControlError(f"motion {moving!r}: allowed: true or false")
        sensor = self._parts().motion
        if sensor is None:
            raise ControlError("no presence sensor: set [presence] enabled = true")
        sensor.pin.drive_high() if moving else sensor.pin.drive_low()  # posts PresenceChanged
        return {"moving": moving}

    def _hold(self, request: Request, seconds: float) -> object:
        button = self._parts().button
        if button is None:
            raise ControlError("no button: its pin could not be opened (see the log)")
        if self._release is not None or button.is_active:
            raise ControlError("the button is already held")
        button.pin.drive_low()
        self._release = (real_time() + seconds, request.reply)
        return DEFERRED

    def deadline(self) -> float | None:
        """When the button held is let go (real monotonic seconds)."""
        return self._release[0] if self._release else None

    def tick(self) -> None:
        """Let go of the button once its time is up (posts ButtonUp)."""
        if self._release and real_time() >= self._release[0]:
            button = self._parts().button
            assert button is not None
            button.pin.drive_high()
            self._waiting.append(self._release[1])
            self._release = None

    def released(self, status: dict[str, Any]) -> None:
        """The button is up: answer the presses waiting with *status*."""
        for future in self._waiting:
            future.set_result(status)
        self._waiting.clear()

    def let_go(self, why: str) -> None:
        """Give up a press under way (the parts were made afresh) and say *why*."""
        if self._release is not None:
            self._release[1].set_exception(ControlError(why))
            self._release = None

    def close(self) -> None:
        for future in self._waiting + ([self._release[1]] if self._release else []):
            if not future.done():
                future.set_exception(ControlError("the service stopped"))
