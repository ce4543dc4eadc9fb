"""Helpers for the fault-injection tests: how big a run is, and a device
process to break."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from microbreak.service.control import ControlError, call

DEVICE = Path(__file__).resolve().parents[2] / "device"
FULL = os.environ.get("MICROBREAK_FAULTS") == "full"
ALWAYS = "".join(f'{day} = "00:00-24:00"\n' for day in
                 ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def size(ci: int, full: int) -> int:
    """How big a fault run is: *full* under ``MICROBREAK_FAULTS=full``, else *ci*."""
    return full if FULL else ci


class Device:
    """``microbreak simulate --headless`` (or any microbreak command that
    serves) as a process of its own, talked to over its control socket, its
    output kept in a log file that outlives each start."""

    def __init__(self, tmp_path: Path, config: str, *, speed: float = 60,
                 command: tuple[str, ...] | None = None, env: dict | None = None,
                 limits: dict[int, int] | None = None):
        self.tmp = tmp_path
        self.config = tmp_path / "config.toml"
        self.config.write_text(config)
        self.state = tmp_path / "state"
        self.runtime = tmp_path / "run"
        self.log_path = tmp_path / "device.log"
        self.command = command or ("simulate", "--headless", "--speed", str(speed))
        self.env = env if env is not None else dict(os.environ, SDL_VIDEODRIVER="dummy")
        self.env["PYTHONPATH"] = str(DEVICE)
        self.limits = limits or {}  # resource.RLIMIT_* -> the process's soft and hard limit
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> None:
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "microbreak", *self.command,
                 "--config", str(self.config), "--state-dir", str(self.state),
                 "--runtime-dir", str(self.runtime)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=self._limit)
        if wait:
            self.wait_for(lambda s: True, "the control socket")

    def _limit(self) -> None:
        for which, value in self.limits.items():
            resource.setrlimit(which, (value, value))

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def call(self, verb: str, **args):
        return call(verb, args, runtime=self.runtime, timeout=20)

    def status(self) -> dict | None:
        try:
            return self.call("status")
        except ControlError:
            return None

    def wait_for(self, predicate, what: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive(), f"microbreak ended:\n{self.output()}"
            status = self.status()
            if status is not None and predicate(status):
                return status
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output()}")

    def acknowledge_notice(self) -> None:
        """Press once if the first-start notice is up (the person read it)."""
        if (self.status() or {}).get("notice"):
            self.call("press")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int | None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(15)
        return self.process.returncode if self.process else None
