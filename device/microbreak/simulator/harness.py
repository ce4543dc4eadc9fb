"""The service as a process of its own, started and talked to as a person or
a script would: over its control socket and with the ``microbreak`` command.
The tests, the fault suite, the benchmarks and the screenshot tool start it
through this one class::

    device = Device(tmp_path, f"[hours]\\n{ALWAYS}")
    device.start()                     # returns once the control socket answers
    device.acknowledge_notice()        # the person read the first-start notice
    device.call("break-now")["state"]  # 'break'
    device.cli("history", "--json")    # the command, as over SSH
    device.stop()                      # SIGTERM; its exit code, 0
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from microbreak.service.control import ControlError, call

DEVICE = Path(__file__).resolve().parents[2]
"""The folder this microbreak is imported from: the started process imports it too."""

ALWAYS = "".join(
    f'{day} = "00:00-24:00"\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
"""Working hours that never end, for an ``[hours]`` table: breaks at any time."""

Status = dict[str, Any]


def service_env(**extra: str) -> dict[str, str]:
    """The environment for a microbreak process of this folder: SDL's dummy
    video and audio (no screen or sound card needed)."""
    env = dict(
        os.environ,
        PYTHONPATH=str(DEVICE),
        SDL_VIDEODRIVER="dummy",
        SDL_AUDIODRIVER="dummy",
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    env.update(extra)
    return env


class Device:
    """``microbreak simulate --headless`` (or any microbreak command that
    serves, as *command*) with the settings text *config*, its files in
    *folder*, its output kept in a log file that outlives each start."""

    def __init__(
        self,
        folder: Path,
        config: str,
        *,
        speed: float = 60,
        command: tuple[str, ...] | None = None,
        env: dict[str, str] | None = None,
        limits: dict[int, int] | None = None,
    ):
        self.config = folder / "config.toml"
        self.config.write_text(config)
        self.state = folder / "state"
        self.runtime = folder / "run"
        self.log_path = folder / "device.log"
        self.command = command or ("simulate", "--headless", "--speed", str(speed))
        self.env = service_env() if env is None else dict(env, PYTHONPATH=str(DEVICE))
        self.limits = limits or {}  # resource.RLIMIT_* -> the process's soft and hard limit
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True, every: float = 0.02) -> Status | None:
        """Start the process; with *wait*, its first status once it answers
        (asked for *every* seconds)."""
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "microbreak",
                    *self.command,
                    "--config",
                    str(self.config),
                    "--state-dir",
                    str(self.state),
                    "--runtime-dir",
                    str(self.runtime),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=self._limit if self.limits else None,
            )
        return self.wait_for(lambda s: True, "the control socket", every=every) if wait else None

    def _limit(self) -> None:
        for which, value in self.limits.items():
            resource.setrlimit(which, (value, value))

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def call(self, verb: str, **args: Any) -> Any:
        """A control request, as the command sends it; raises ControlError."""
        return call(verb, args, runtime=self.runtime, timeout=20)

    def status(self) -> Status | None:
        """The service's status, or None while it does not answer."""
        try:
            status: Status = self.call("status")
            return status
        except ControlError:
            return None

    def wait_for(
        self,
        predicate: Callable[[Status], bool],
        what: str,
        timeout: float = 30,
        every: float = 0.02,
    ) -> Status:
        """The first status that *predicate* accepts, asked for *every* seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive(), f"microbreak ended:\n{self.output()}"
            status = self.status()
            if status is not None and predicate(status):
                return status
            time.sleep(every)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output()}")

    def acknowledge_notice(self) -> None:
        """Press once if the first-start notice is up (the person read it)."""
        if (self.status() or {}).get("notice"):
            self.call("press")

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``microbreak ARGS --runtime-dir ...``: the command, talking to this device."""
        run = subprocess.run(
            [sys.executable, "-m", "microbreak", *args, "--runtime-dir", str(self.runtime)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check and run.returncode != 0:
            raise AssertionError(f"microbreak {' '.join(args)} failed: {run.stderr}")
        return run

    def json(self, *args: str) -> Any:
        """What ``microbreak ARGS --json`` prints, parsed."""
        return json.loads(self.cli(*args, "--json").stdout)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int | None:
        """SIGTERM, and its exit code once it has ended (None if never started)."""
        if self.process is not None and self.alive():
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(15)
        return self.process.returncode if self.process else None
