"""`microbreak run` talks to systemd: READY, STATUS, the watchdog, and reloads.

The test plays systemd's part: it binds the datagram socket named by
NOTIFY_SOCKET and reads what the service sends through systemd-python.
"""

import os
import signal
import socket
import time
from itertools import pairwise

import pytest

from microbreak.simulator.harness import ALWAYS, Device

pytest.importorskip("systemd.daemon", reason="systemd-python is part of the test extra")

CONFIG = (
    """
[schedule]
interval_minutes = 30
[pins]
factory = "mock"
[screen]
size = "none"
[hours]
"""
    + ALWAYS
)


class FakeSystemd:
    def __init__(self, tmp_path):
        self.path = tmp_path / "notify.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.messages = []  # (arrival, {key: value})

    def read(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096).decode()
        except TimeoutError:
            return None
        fields = dict(line.split("=", 1) for line in data.splitlines() if "=" in line)
        self.messages.append((time.monotonic(), fields))
        return fields

    def wait_for(self, key, timeout=20, value=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fields = self.read(deadline - time.monotonic())
            if fields and key in fields and (value is None or fields[key] == value):
                return fields
        raise AssertionError(f"no {key} in {timeout} s; got {self.messages}")


@pytest.fixture
def service(tmp_path):
    systemd = FakeSystemd(tmp_path)
    env = dict(
        os.environ,
        NOTIFY_SOCKET=str(systemd.path),
        WATCHDOG_USEC="1000000",
        SDL_VIDEODRIVER="dummy",
    )
    env.pop("WATCHDOG_PID", None)
    device = Device(tmp_path, CONFIG, command=("run",), env=env)
    device.start(wait=False)
    yield device.process, systemd, device.config
    device.stop()


@pytest.mark.slow
def test_ready_then_status_and_the_watchdog_every_half_interval(service):
    process, systemd, _ = service
    ready = systemd.wait_for("READY")
    assert ready["READY"] == "1"
    status = [f["STATUS"] for _, f in systemd.messages if "STATUS" in f]
    assert status and status[0].startswith("Next break ")
    assert "breaks done today" in status[0]
    pings = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        fields = systemd.read(deadline - time.monotonic())
        if fields and fields.get("WATCHDOG") == "1":
            pings.append(time.monotonic())
    gaps = [b - a for a, b in pairwise(pings)]
    assert len(pings) >= 5
    # Every half of the 1 s interval; a late wake-up on a loaded machine must
    # still stay clear of the full interval, when systemd would kill it.
    assert max(gaps) <= 0.5 + 0.25, gaps


def test_sighup_reloads_a_good_file_and_keeps_the_old_settings_on_a_bad_one(service):
    process, systemd, config = service
    systemd.wait_for("READY")

    config.write_text(CONFIG.replace("interval_minutes = 30", "interval_minutes = 20"))
    process.send_signal(signal.SIGHUP)
    reloading = systemd.wait_for("RELOADING")
    assert int(reloading["MONOTONIC_USEC"]) > 0
    systemd.wait_for("READY")

    config.write_text(CONFIG.replace("interval_minutes = 30", "interval_minutes = 0"))
    process.send_signal(signal.SIGHUP)
    systemd.wait_for("RELOADING")
    systemd.wait_for("READY")
    status = systemd.wait_for("STATUS")["STATUS"]
    assert "settings error, kept the last good ones" in status
    assert "schedule.interval_minutes = 0 is out of range" in status
    assert process.poll() is None, "a bad file must not stop the service"

    config.write_text(CONFIG)
    process.send_signal(signal.SIGHUP)
    systemd.wait_for("READY")
    status = systemd.wait_for("STATUS")["STATUS"]
    assert "settings error" not in status


def test_stopping_is_announced(service):
    process, systemd, _ = service
    systemd.wait_for("READY")
    process.send_signal(signal.SIGTERM)
    systemd.wait_for("STOPPING")
    assert process.wait(10) == 0
