"""Faults at the control socket and the files the service trusts: one member
of the socket's group opening connections until descriptors or threads run
out, or dripping a byte every few seconds; a settings file that is a FIFO
or ``/dev/zero``; a runtime directory someone else made. Through each the
service stays up, cues its break on time and answers ``status`` within 1 s,
and says in one line what it refused."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from faultlib import size
from socket_abuse import NOBODY, Crowd
from stranger import needs_root

from microbreak.service.control import ControlError, call
from microbreak.simulator.harness import ALWAYS, DEVICE, Device

pytestmark = pytest.mark.slow

# A break every minute of a clock 20x faster: one is due 3 s into each run.
SCHEDULE = f"[schedule]\ninterval_minutes = 1\n[hours]\n{ALWAYS}"
SPEED = 20


class Watch(threading.Thread):
    """Asks ``status`` every 0.2 s with a 1 s timeout, on a thread, while a
    fault lasts (and until a second after the next break is due); notes every
    slow or failed answer, and when the break came."""

    def __init__(self, device: Device, seconds: float = 5):
        super().__init__(daemon=True)
        self.device = device
        status = device.call("status")
        self.due = time.monotonic() + status["next_break_in_seconds"] / SPEED
        self.end = max(time.monotonic() + seconds, self.due + 1.5)
        self.asked = 0
        self.unanswered: list[str] = []
        self.slowest = 0.0
        self.cued_at: float | None = None
        self.start()

    def run(self) -> None:
        while time.monotonic() < self.end and self.device.alive():
            started = time.monotonic()
            try:
                status = call("status", runtime=self.device.runtime, timeout=1)
            except ControlError as exc:
                self.unanswered.append(str(exc))
            else:
                if status["state"] == "break" and self.cued_at is None:
                    self.cued_at = started
            self.asked += 1
            self.slowest = max(self.slowest, time.monotonic() - started)
            time.sleep(0.2)

    def check(self) -> dict:
        """What must hold, and the figures for the report."""
        self.join()
        assert self.device.alive(), self.device.output()
        assert not self.unanswered, self.unanswered[:3]
        assert self.slowest < 1
        assert self.cued_at is not None, "no break was cued during the fault"
        late = self.cued_at - self.due
        assert late < 1, f"the break came {late:.1f} s late"
        return {
            "status_answered": f"{self.asked}/{self.asked}",
            "slowest_status_ms": round(self.slowest * 1000),
            "break_late_s": round(max(late, 0), 1),
        }


def started(device_factory, **kwargs) -> Device:
    device = device_factory(SCHEDULE, speed=SPEED, **kwargs)
    device.start()
    device.acknowledge_notice()
    return device


def lines(device: Device, words: str) -> list[str]:
    return [line for line in device.output().splitlines() if words in line]


def no_traceback(device: Device) -> None:
    assert "Traceback" not in device.output(), device.output()


@needs_root
def test_one_member_opening_connections_past_the_descriptor_limit(device_factory, report):
    # The 1,100 under the default 1,024 descriptors; in the test run,
    # 200 under the unit's LimitNOFILE=128.
    count, limit = size(200, 1100), size(128, 1024)
    device = started(device_factory, limits={resource.RLIMIT_NOFILE: limit})
    watch = Watch(device)
    crowd = Crowd(device.runtime, count)  # nobody, in the socket's group
    try:
        made, answered = crowd.result()
        figures = watch.check()
    finally:
        crowd.leave()
    assert made == count and answered == count  # refused at once, or cut off at 2 s
    refused = device.call("status")["refused_connections"]
    assert refused >= count - 8
    said = lines(device, "control socket: refused")
    assert len(said) == 1 and "too many at once" in said[0], said
    assert not lines(device, "out of file descriptors")
    no_traceback(device)
    assert device.stop() == 0
    said = lines(device, "control socket: refused")  # the rest, said as it stopped
    assert len(said) == 2
    report(
        connections=count,
        descriptor_limit=limit,
        refused=refused,
        log=[line.split(" ", 3)[3] for line in said],
        **figures,
    )


def tasks_limit(pid: int, most: int) -> Path | None:
    """Put *pid* in a pids cgroup of its own allowing *most* tasks (systemd's
    TasksMax=); the cgroup's folder, or None where none can be made."""
    name = f"microbreak-fault-{pid}"
    for parent in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if not (parent / "cgroup.procs").exists():
            continue
        unified = parent.name == "cgroup"
        if unified and "pids" not in (parent / "cgroup.subtree_control").read_text():
            continue
        group = parent / name
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(most))
            (group / "cgroup.procs").write_text(str(pid))  # every thread, and those to come
        except OSError:
            continue
        return group
    return None


@needs_root
def test_one_member_opening_connections_past_the_thread_limit(device_factory, report):
    # The 300 with a limit of 150 tasks; in the test run, 100 with the
    # unit's TasksMax=64.
    count, most = size(100, 300), size(64, 150)
    device = started(device_factory)
    group = tasks_limit(device.pid, most)
    if group is None:
        pytest.skip("no pids cgroup can be made here to limit the service's threads")
    try:
        watch = Watch(device)
        crowd = Crowd(device.runtime, count)
        try:
            made, answered = crowd.result()
            threads = len(os.listdir(f"/proc/{device.pid}/task"))
            figures = watch.check()
        finally:
            crowd.leave()
        assert made == count and answered == count
        no_traceback(device)
        assert device.stop() == 0
    finally:
        if device.alive():
            device.process.kill()
            device.process.wait(10)
        group.rmdir()
    report(connections=count, task_limit=most, threads_while_held=threads, **figures)


@needs_root
def test_a_client_sending_a_byte_every_few_seconds(device_factory, report):
    drip, count = size(1, 5), size(8, 300)
    device = started(device_factory)
    watch = Watch(device)
    crowd = Crowd(device.runtime, count, drip=drip, within=2 + 2 * drip)
    try:
        made, answered = crowd.result()
        figures = watch.check()
    finally:
        crowd.leave()
    assert made == count and answered == count  # none kept for ever
    no_traceback(device)
    assert device.stop() == 0
    report(slow_clients=count, a_byte_every_s=drip, all_cut_off_within_s=2 + 2 * drip, **figures)


def config_check(device: Device) -> tuple[subprocess.CompletedProcess, float]:
    """The unit's ExecReload: ``microbreak config check`` on the device's file."""
    begun = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "microbreak", "config", "check", str(device.config)],
        env=device.env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return run, time.monotonic() - begun


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_settings_file_that_is_a_fifo_or_dev_zero(device_factory, report, kind):
    device = started(device_factory)
    good = device.config.read_text()
    rss_before = rss_kib(device.pid)
    device.config.unlink()
    if kind == "fifo":
        os.mkfifo(device.config)
    else:
        device.config.symlink_to("/dev/zero")
    run, took = config_check(device)
    what = "is a FIFO" if kind == "fifo" else "is a character device"
    assert run.returncode == 1 and took < 5
    assert run.stderr.splitlines() == [
        f"microbreak: {device.config}: {what}, not a regular "
        "file; allowed: a regular file of at most 64 KiB"
    ]
    watch = Watch(device)
    os.kill(device.pid, signal.SIGHUP)  # what systemctl reload does after the check
    figures = watch.check()
    rejected = lines(device, "settings rejected")
    assert len(rejected) == 1 and what in rejected[0]
    grew = rss_kib(device.pid) - rss_before
    assert grew < 20 * 1024  # the break's pictures; /dev/zero read whole took 2.1 GB
    device.config.unlink()
    device.config.write_text(good)
    device.call("reload")  # a good file again: taken
    no_traceback(device)
    assert device.stop() == 0
    report(
        config_check_s=round(took, 2),
        config_check_says=run.stderr.strip(),
        log=rejected[0].split(" ", 3)[3],
        memory_grew_mib=round(grew / 1024, 1),
        **figures,
    )


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@needs_root
@pytest.mark.parametrize("made_by", ["another user", "anyone"])
def test_a_runtime_directory_someone_else_can_change(device_factory, report, made_by):
    device = device_factory(SCHEDULE, speed=SPEED)
    device.runtime.mkdir()
    if made_by == "another user":
        os.chown(device.runtime, NOBODY, NOBODY)  # made by a user before the service started
    else:
        os.chmod(device.runtime, 0o1777)
    device.start(wait=False)
    assert device.process.wait(15) == 1
    said = [line for line in device.output().splitlines() if "refusing to serve" in line]
    why = (
        "it belongs to nobody, not to root"
        if made_by == "another user"
        else "anyone may write to it (mode 1777)"
    )
    assert said == [
        f"microbreak: refusing to serve from {device.runtime}: {why}; allowed: a "
        "folder owned by the service's user that no one else may write to "
        "(systemd's RuntimeDirectory= makes one)"
    ]
    assert not (device.runtime / "control.sock").exists()  # nothing there to be swapped
    no_traceback(device)
    report(exit_code=1, says=said[0])


WATCHED = """
import logging, os, sys, threading, time
from pathlib import Path
from microbreak.service.control import ControlError, call
from microbreak.service.loop import Service
from microbreak.config.settings import parse_settings
from gpiozero.pins.mock import MockFactory, MockPWMPin
logging.basicConfig(stream=sys.stderr, format="%(levelname)s %(message)s", level=logging.INFO)
service = Service(parse_settings(sys.argv[2]), state_dir=Path(sys.argv[1]) / "state",
                  runtime_dir=Path(sys.argv[1]) / "run",
                  pin_factory=MockFactory(pin_class=MockPWMPin))
def break_the_socket():
    time.sleep(1)
    os.close(service.control._selector.fileno())  # a descriptor closed under it by mistake
    try:
        call("status", runtime=Path(sys.argv[1]) / "run", timeout=1)  # wakes it
    except ControlError:
        pass
threading.Thread(target=break_the_socket, daemon=True).start()
service.run()
"""


def test_the_watchdog_is_not_fed_once_the_socket_is_dead(tmp_path, report):
    notify = tmp_path / "notify.sock"
    env = dict(
        os.environ, PYTHONPATH=str(DEVICE), NOTIFY_SOCKET=str(notify), WATCHDOG_USEC="400000"
    )
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(str(notify))
        systemd.settimeout(0.1)
        child = subprocess.Popen(
            [sys.executable, "-c", WATCHED, str(tmp_path), SCHEDULE],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            pings = []
            end = time.monotonic() + 4
            while time.monotonic() < end:
                try:
                    message = systemd.recv(4096)
                except TimeoutError:
                    continue
                if b"WATCHDOG=1" in message.split(b"\n"):
                    pings.append(time.monotonic())
            assert child.poll() is None  # the loop runs on: systemd's watchdog ends it
        finally:
            child.kill()
            _, errors = child.communicate(10)
    said = [line for line in errors.splitlines() if "control socket has stopped" in line]
    assert len(said) == 1, errors
    assert said[0].startswith("ERROR the control socket has stopped (OSError: [Errno ")
    assert said[0].endswith(
        "): no longer telling systemd's watchdog all is well, so that it restarts the service"
    )
    # pings every 0.2 s for the first second, then none: systemd restarts it after 0.4 s
    assert len(pings) >= 3 and pings[-1] - pings[0] < 1.5
    report(pings_before=len(pings), log=said[0].split(" ", 1)[1])
