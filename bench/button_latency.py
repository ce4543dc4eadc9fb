"""From a button edge to the service loop having handled it.

Runs the service in this process on gpiozero's mock pins, its loop on the
main thread as always, and from another thread drives the button pin low and
high as a person would (short presses). Each edge is timed from the moment
the pin changes to the moment the loop has finished handling the event it
posted: for a press during a break, that is the set recorded in the history
(a synced SQLite transaction) and the LED's flash started.

Three cases: idle with no screen; a break with no screen, every press
confirming a set; and a break on a 320x240 screen (SDL's dummy driver), the
exercise moving at 30 frames a second meanwhile. Presses (the falling edge:
the hold starts) and releases (the rising edge: the gesture is decided and
carried out) are shown apart. The baseline is the inbox
alone: a thread posting to it, the main thread waking in ``Inbox.wait``.

    python -m bench.button_latency [--quick] [--json FILE]
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from microbreak.config.settings import parse_settings  # noqa: E402
from microbreak.parts.pins import ButtonDown, ButtonUp, make_pin_factory  # noqa: E402
from microbreak.service.inbox import Inbox  # noqa: E402
from microbreak.service.loop import Service, Stop  # noqa: E402

from .common import ALWAYS, main, median, percentile, row  # noqa: E402 (puts device/ on the path)

TARGET_P99 = 20.0  # ms
PRESS = 0.06  # seconds down, then as long up: longer than the 30 ms debounce
SETTINGS = (
    "[schedule]\ninterval_minutes = 480\n[break]\nexercises_per_break = 10\n"
    f"recue_minutes = 60\n[hours]\n{ALWAYS}"
)


class ObservedService(Service):
    """The service, telling *handled* when its loop has handled a button edge."""

    def __init__(self, *args, handled: queue.SimpleQueue, **kwargs):
        super().__init__(*args, **kwargs)
        self._handled = handled

    def handle(self, event: object) -> None:
        super().handle(event)
        if isinstance(event, (ButtonDown, ButtonUp)):
            self._handled.put(time.perf_counter())


def press_many(
    service: ObservedService,
    handled: queue.SimpleQueue,
    presses: int,
    in_break: bool,
    out: list[float],
) -> None:
    """On a thread: *presses* short presses, each edge timed to its handling."""
    try:
        pin = service.hardware.button.pin
        service.requests.ask("status", {})  # the loop is up and answering
        for drive in (pin.drive_low, pin.drive_high):  # untimed: acknowledges a first-start notice
            drive()
            handled.get(timeout=10)
            time.sleep(PRESS)
        for _ in range(presses):
            if in_break and service.schedule.state.name != "break":
                service.requests.ask("break-now", {})
                time.sleep(0.5)  # nobody presses within moments of the cue
            for drive in (pin.drive_low, pin.drive_high):
                edge = time.perf_counter()
                drive()
                out.append(handled.get(timeout=10) - edge)
                time.sleep(PRESS)
    finally:  # a failure here must not leave the loop running
        service.inbox.post(Stop())


def service_case(presses: int, in_break: bool, screen: bool) -> list[float]:
    handled: queue.SimpleQueue = queue.SimpleQueue()
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = parse_settings(SETTINGS)
        frontend = None
        if screen:
            from microbreak.parts.display import Display

            frontend = Display((320, 240))
        service = ObservedService(
            settings,
            state_dir=Path(tmp) / "state",
            runtime_dir=Path(tmp) / "run",
            frontend=frontend,
            pin_factory=make_pin_factory("mock"),
            handled=handled,
        )
        driver = threading.Thread(
            target=press_many, args=(service, handled, presses, in_break, latencies)
        )
        driver.start()
        service.run()
        driver.join()
    return latencies


def inbox_case(count: int) -> list[float]:
    """The baseline: post from a thread, wake on the main thread."""
    inbox = Inbox()
    latencies: list[float] = []

    def post():
        for _ in range(count):
            time.sleep(PRESS)
            inbox.post(time.perf_counter())
        inbox.post(None)

    thread = threading.Thread(target=post)
    thread.start()
    while True:
        events = inbox.wait(None)
        woke = time.perf_counter()
        if None in events:
            break
        latencies += [woke - posted for posted in events]
    thread.join()
    inbox.close()
    return latencies


def measure(quick: bool = False) -> dict:
    presses = 15 if quick else 200
    cases = {
        "idle, no screen": service_case(presses, in_break=False, screen=False),
        "break, no screen (each press records a set)": service_case(presses, True, False),
        "break, 320x240 screen moving": service_case(presses, True, True),
    }
    base = inbox_case(presses * 2)
    b_med, b_p99 = median(base) * 1000, percentile(base, 0.99) * 1000
    rows = []
    for name, times in cases.items():
        for edge, edges in (("press", times[0::2]), ("release", times[1::2])):
            rows.append(
                row(
                    f"button {edge} to handled, {name}",
                    median(edges) * 1000,
                    "ms",
                    p99=percentile(edges, 0.99) * 1000,
                    baseline=b_med,
                    baseline_p99=b_p99,
                    baseline_what="inbox post to wake",
                    target=TARGET_P99,
                )
            )
    return {
        "name": "button_latency",
        "rows": rows,
        "data": {"edges": presses * 2, "baseline": base, "cases": cases},
    }


if __name__ == "__main__":
    main(measure, __doc__)
