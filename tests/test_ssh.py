"""Over SSH, the way the device is set up: a real OpenSSH server on 127.0.0.1,
a throwaway host key and client key, and ``microbreak`` run through ``ssh``
against a running simulator.

The server listens on loopback only, on a free port, runs from a folder of its
own with its own configuration (no PAM, public keys only, for the user running
the tests), and is stopped at the end; ``timeout`` ends it anyway after a few
minutes should the tests die first.
"""

import json
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from test_config_live import commented
from test_simulator import Simulator

from microbreak.simulator.harness import DEVICE

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
LIFETIME = 300  # seconds: the server ends by itself after this, whatever happens

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (os.access(SSHD, os.X_OK) and shutil.which("ssh") and shutil.which("ssh-keygen")),
        reason="needs openssh-server and openssh-client (./dev.sh test installs them)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SSHServer:
    """sshd on 127.0.0.1 for the current user, keys and config in *folder*."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.user = pwd.getpwuid(os.getuid()).pw_name
        keygen = ["ssh-keygen", "-q", "-t", "ed25519", "-N", ""]
        subprocess.run([*keygen, "-f", str(folder / "host_key")], check=True)
        subprocess.run([*keygen, "-f", str(folder / "client_key")], check=True)
        (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
        if os.geteuid() == 0:
            # sshd run by root separates privileges into this folder (systemd's
            # RuntimeDirectory makes it for the system's sshd).
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.log = open(folder / "sshd.log", "w+")  # noqa: SIM115 - open while sshd runs
        for _ in range(5):  # another process may take the free port first
            self.port = free_port()
            self._start()
            if self._wait_ready():
                break
            self.stop()
        else:
            raise AssertionError(f"sshd did not start:\n{self.output()}")
        host_key = (folder / "host_key.pub").read_text().split()
        (folder / "known_hosts").write_text(
            f"[127.0.0.1]:{self.port} {host_key[0]} {host_key[1]}\n"
        )

    def _start(self) -> None:
        config = self.folder / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    "ListenAddress 127.0.0.1",
                    f"Port {self.port}",
                    f"HostKey {self.folder / 'host_key'}",
                    f"PidFile {self.folder / 'sshd.pid'}",
                    f"AuthorizedKeysFile {self.folder / 'authorized_keys'}",
                    f"AllowUsers {self.user}",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "UsePAM no",
                    "StrictModes no",
                    "LoginGraceTime 30",
                    "X11Forwarding no",
                    "AllowTcpForwarding no",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )
        timeout = shutil.which("timeout")
        bounded = [timeout, "--signal=TERM", str(LIFETIME)] if timeout else []
        self.process = subprocess.Popen(
            [*bounded, SSHD, "-D", "-e", "-f", str(config)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def _wait_ready(self, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    if conn.recv(64).startswith(b"SSH-"):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def ssh(self, command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """Run *command* on the server through ``ssh``, as a person would."""
        return subprocess.run(
            [
                "ssh",
                "-F",
                "/dev/null",
                "-p",
                str(self.port),
                "-i",
                str(self.folder / "client_key"),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                f"UserKnownHostsFile={self.folder / 'known_hosts'}",
                "-o",
                "ConnectTimeout=10",
                "-o",
                "LogLevel=ERROR",
                f"{self.user}@127.0.0.1",
                command,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture
def device(tmp_path):
    """A running simulator and an SSH server to reach it through."""
    simulator = Simulator(tmp_path, config=commented(), speed=1)
    # ssh starts the remote command in a fresh login environment: only paths travel
    folder = Path(tempfile.mkdtemp(prefix="microbreak-ssh-"))
    server = SSHServer(folder)
    try:
        yield simulator, server
    finally:
        server.stop()
        server.log.close()
        simulator.stop()
        shutil.rmtree(folder)


def microbreak(simulator, *args: str) -> str:
    """The remote command line: this checkout's microbreak, finding the
    simulator's socket and settings the way ``MICROBREAK_*`` tell it to."""
    env = {
        "PYTHONPATH": str(DEVICE),
        "MICROBREAK_RUNTIME_DIR": str(simulator.runtime),
        "MICROBREAK_CONFIG": str(simulator.runtime.parent / "config.toml"),
    }
    return shlex.join(
        ["env", *(f"{k}={v}" for k, v in env.items()), sys.executable, "-m", "microbreak", *args]
    )


def test_status_config_and_snooze_over_ssh(device):
    simulator, server = device

    status = server.ssh(microbreak(simulator, "status"))
    assert status.returncode == 0, status.stderr + server.output()
    assert status.stdout.startswith("microbreak: idle (simulator)\n")
    assert "  next break  " in status.stdout

    got = server.ssh(microbreak(simulator, "config", "get", "schedule.interval_minutes"))
    assert (got.returncode, got.stdout) == (0, "45\n")

    refused = server.ssh(microbreak(simulator, "config", "set", "schedule.interval_minutes", "0"))
    assert refused.returncode == 1
    assert "schedule.interval_minutes = 0 is out of range; allowed:" in refused.stderr

    changed = server.ssh(microbreak(simulator, "config", "set", "schedule.interval_minutes", "30"))
    assert changed.returncode == 0, changed.stderr
    assert "the running service reloaded" in changed.stdout
    assert simulator.call("settings")["schedule.interval_minutes"] == 30
    got = server.ssh(microbreak(simulator, "config", "get", "schedule.interval_minutes"))
    assert got.stdout == "30\n"
    assert (
        "# Occupational health nurses recommend"
        in (simulator.runtime.parent / "config.toml").read_text()
    )

    assert server.ssh(microbreak(simulator, "break-now")).returncode == 0
    snoozed = server.ssh(microbreak(simulator, "snooze", "5", "--json"))
    assert snoozed.returncode == 0, snoozed.stderr
    status = json.loads(snoozed.stdout)
    assert status["state"] == "idle" and status["break"]["snoozed"]
    assert 4 * 60 <= status["next_break_in_seconds"] <= 5 * 60

    usage = server.ssh(microbreak(simulator, "snooze", "soon"))
    assert usage.returncode == 2 and "allowed" in usage.stderr
    assert f"Accepted publickey for {server.user} from 127.0.0.1" in server.output()
