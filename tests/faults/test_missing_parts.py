"""Missing parts: no display, a pin library that cannot be used, a pin that
cannot be opened, no buzzer. The service runs with what it has, and says
what it is missing once."""

import importlib.util
import logging
import os
import queue
import socket
import threading
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory, MockPWMPin

from microbreak.config.settings import parse_settings
from microbreak.parts.hardware import Hardware
from microbreak.parts.pins import NoPins
from microbreak.parts.wiring import WiringCheck
from microbreak.service.loop import Service, Stop
from microbreak.simulator.harness import ALWAYS

SCHEDULE = f"[schedule]\ninterval_minutes = 480\n[hours]\n{ALWAYS}"


class FailingPins(MockFactory):
    """Mock pins, except that opening one of *broken* fails as a busy pin does."""

    def __init__(self, broken: set[int]):
        super().__init__(pin_class=MockPWMPin)
        self.broken = broken

    def reserve_pins(self, requester, *names):
        for name in names:
            if name in self.broken:
                raise OSError(f"GPIO {name} is busy")
        super().reserve_pins(requester, *names)


@pytest.mark.skipif(
    importlib.util.find_spec("lgpio") is not None or Path("/dev/dri").exists(),
    reason="this machine has GPIO or a display: nothing is missing",
)
def test_with_no_display_and_no_pin_library_it_runs_and_says_so_once(
    device_factory, tmp_path, report
):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")
    }
    notify = tmp_path / "notify.sock"
    env["NOTIFY_SOCKET"] = str(notify)
    device = device_factory(
        f'[pins]\nfactory = "lgpio"\n[screen]\nsize = "auto"\n{SCHEDULE}', command=("run",), env=env
    )
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(str(notify))
        heard = listen(systemd)
        device.start(wait=False)
        assert heard.get(timeout=30) == "ready", device.output()
        status = device.call("status")
        assert status["notice"] is None  # nobody could press to acknowledge it
        assert device.call("break-now")["state"] == "break"
        os.kill(device.pid, 1)  # SIGHUP: the parts are tried again only when they change
        device.wait_for(lambda s: s["state"] == "break", "the reload")
        assert device.stop() == 0
    lines = device.output().splitlines()
    screen = [line for line in lines if "no screen" in line]
    pins = [line for line in lines if "cannot open" in line]
    assert "Traceback" not in device.output()
    assert len(screen) == 1 and "WARNING" in screen[0], lines
    assert len(pins) == 1 and "WARNING" in pins[0], lines
    for part in ("the button (GPIO 17)", "the LED (GPIO 27)", "the buzzer (GPIO 18)", "lgpio"):
        assert part in pins[0]
    report(
        ready=True,
        break_ran=True,
        screen_warnings=len(screen),
        pin_warnings=len(pins),
        screen_warning=screen[0].split(" ", 3)[3],
        pin_warning=pins[0].split(" ", 3)[3],
        tracebacks=0,
    )


def test_a_library_that_cannot_load_leaves_every_part_out(caplog):
    caplog.set_level(logging.INFO)
    parts = Hardware(
        parse_settings(SCHEDULE), lambda event: None, pin_factory=NoPins("no GPIO here")
    )
    assert parts.button is None and parts.light.device is None and parts.sounder.device is None
    assert set(parts.missing) == {"button", "LED", "buzzer"}
    parts.light.show("pulse")
    parts.light.flash()
    assert not parts.light.animated and parts.light.deadline() is None
    assert not parts.sounder.play("break")
    parts.close()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "cannot open the button (GPIO 17), the LED (GPIO 27) and the buzzer (GPIO 18): "
        "no GPIO here; carrying on without them"
    ]


def listen(systemd: socket.socket) -> queue.SimpleQueue:
    """Read sd_notify messages as systemd does, on a thread, until the socket
    closes; "ready" is put on the returned queue at READY=1."""
    heard: queue.SimpleQueue = queue.SimpleQueue()

    def read():
        while True:
            try:
                message = systemd.recv(4096)
            except OSError:
                return
            if b"READY=1" in message.split(b"\n"):
                heard.put("ready")

    threading.Thread(target=read, daemon=True).start()
    return heard


def test_test_hardware_says_which_parts_cannot_be_opened_and_why():
    said = []
    check = WiringCheck(
        parse_settings(SCHEDULE), pin_factory=NoPins("no GPIO here"), songs={}, say=said.append
    )
    try:
        results = check.run(["led", "buzzer", "button"])
    finally:
        check.close()
    assert [(r.part, r.step, r.passed, r.detail) for r in results] == [
        (part, "open", False, "no GPIO here") for part in ("led", "buzzer", "button")
    ]
    assert said[0] == "LED: its pin cannot be opened"


def run_service(settings_text: str, tmp_path, pins, drive) -> Service:
    """Run a service on *pins* on this thread while *drive(service, handled)* acts."""
    handled: queue.SimpleQueue = queue.SimpleQueue()

    class Watched(Service):
        def handle(self, event):
            super().handle(event)
            handled.put(event)

    service = Watched(
        parse_settings(settings_text),
        state_dir=tmp_path / "state",
        runtime_dir=tmp_path / "run",
        pin_factory=pins,
    )
    failures = []

    def act():
        try:
            drive(service, handled)
        except BaseException as error:  # noqa: BLE001 - reported on the main thread
            failures.append(error)
        finally:
            service.inbox.post(Stop())

    thread = threading.Thread(target=act)
    thread.start()
    service.run()
    thread.join()
    if failures:
        raise failures[0]
    return service


def press(service, handled) -> None:
    pin = service.hardware.button.pin
    for edge in (pin.drive_low, pin.drive_high):
        edge()
        while not type(handled.get(timeout=5)).__name__.startswith("Button"):
            pass


def test_a_pin_that_cannot_be_opened_leaves_that_part_out(tmp_path, caplog):
    caplog.set_level(logging.INFO)

    def drive(service, handled):
        assert service.hardware.light.device is None
        assert service.requests.ask("break-now", {})["state"] == "break"
        press(service, handled)
        press(service, handled)
        assert service.requests.ask("status", {})["today"]["sets"] == 2

    pins = FailingPins({27})
    run_service(SCHEDULE, tmp_path, pins, drive)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["cannot open the LED (GPIO 27): GPIO 27 is busy; carrying on without it"]
    pins.close()


def test_no_buzzer_cues_with_light_alone(tmp_path, caplog):
    caplog.set_level(logging.INFO)

    def drive(service, handled):
        assert service.hardware.sounder.device is None
        assert service.hardware.sounder.silent_because() == "no buzzer or speaker"
        service.requests.ask("break-now", {})
        service.requests.ask("status", {})  # answered a turn later: the LED has been shown
        assert service.hardware.light.pattern == "blink"
        press(service, handled)
        press(service, handled)

    pins = MockFactory(pin_class=MockPWMPin)
    run_service(f'[buzzer]\nkind = "none"\n{SCHEDULE}', tmp_path, pins, drive)
    messages = [r.getMessage() for r in caplog.records]
    assert [m for m in messages if "buzzer" in m] == [
        'no buzzer (buzzer.kind = "none"): the cues are light only'
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    pins.close()
