"""The VM test's Ansible part: deploy/ansible's playbooks run from this
machine against the guest, a device that never had microbreak, over SSH
(qemu forwards a port on 127.0.0.1 to the guest's sshd), as an office's
administrator would run them against fifty.

    ansible = Fleet(work, port, key, bin_dir, (archive, update), wheels_archive, say)
    ansible.run_all()  # when the guest is ready; ansible.problems: what went wrong

The steps: site.yml for real (it changes: installs, writes the settings,
reloads), again (no change), in check mode with --diff and a new value (the
diff shown, nothing changed), with a value microbreak refuses (the host
fails with microbreak's own message, nothing changed, the service as it
was), locked with a setting read at the start (the service restarts;
'microbreak config set' on the device refuses, saying the settings are
managed centrally); status.yml's table; update.yml with a newer version
(installed, the service restarted on it). Each run's change count and time
are printed. (Each module Ansible runs costs the emulated guest seconds:
the rest of what the role does is tested faster in tests/test_fleet.py.)
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent.parent
PLAYBOOKS = CHECKOUT / "deploy" / "ansible"
HOST = "deskpi"  # the guest's name in the inventory, as its hostname
SETTINGS = {  # the fleet's, as in group_vars
    "schedule": {"interval_minutes": 40, "heads_up_seconds": 30},
    "hours": {"sat": "10:00-12:00"},
    "break": {"exercises_per_break": 3},
}
HOST_SETTINGS = {"break": {"snooze_minutes": 5}}  # the device's own, as in host_vars
REFUSED = (
    "schedule.interval_minutes = 0 is out of range; allowed: a whole number from 1 to 480 (minutes)"
)
LOCKED = "managed centrally"


class Failed(Exception):
    """A step found the role or a playbook not doing what it should."""


def ansible_venv(cache: Path, python: str, requirements: list[str]) -> Path:
    """A venv in *cache* with *requirements* (ansible-core, as pyproject's
    test extra names it), made once; its bin folder."""
    key = hashlib.sha256("\0".join([python, *requirements]).encode()).hexdigest()[:16]
    venv = cache / f"ansible-{key}"
    if not (venv / ".complete").exists():
        for old in cache.glob("ansible-*"):  # for other requirements, or half made
            shutil.rmtree(old, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
        pip = [
            str(venv / "bin/python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
        ]
        subprocess.run([*pip, *requirements], check=True, capture_output=True)
        (venv / ".complete").touch()
    return venv / "bin"


def wheels_archive(folder: Path, out: Path) -> Path:
    """A .tar.gz of the wheels in *folder*, at its top, as the role takes them."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for wheel in sorted(folder.glob("*.whl")):
            info = tarfile.TarInfo(wheel.name)
            info.size, info.mtime, info.mode = wheel.stat().st_size, 1700000000, 0o644
            with wheel.open("rb") as content:
                tar.addfile(info, content)
    out.write_bytes(gzip.compress(data.getvalue(), mtime=0))
    return out


def source_archive(files: list[str], out: Path, version: str | None = None) -> Path:
    """A .tar.gz of the checkout's *files* under microbreak/, as
    'git archive --prefix=microbreak/' makes of a commit: the same bytes for
    the same files. With *version*, the package says it is that version."""
    init = "device/microbreak/__init__.py"
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in files:
            path = CHECKOUT / name
            if path.is_symlink() or not path.is_file():
                continue
            content = path.read_bytes()
            if version is not None and name == init:
                content = re.sub(
                    rb'__version__ = "[^"]*"', f'__version__ = "{version}"'.encode(), content
                )
            info = tarfile.TarInfo(f"microbreak/{name}")
            info.size, info.mtime = len(content), 1700000000
            info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
            tar.addfile(info, io.BytesIO(content))
    out.write_bytes(gzip.compress(data.getvalue(), mtime=0))
    return out


@dataclass
class Play:
    """One ansible-playbook run: its exit code, output, recap and time."""

    returncode: int
    output: str
    recap: dict[str, int]
    seconds: float
    task_seconds: dict[str, float]

    def slowest(self, count: int = 4) -> str:
        ranked = sorted(self.task_seconds.items(), key=lambda item: -item[1])[:count]
        return ", ".join(f"{name} {seconds:.0f} s" for name, seconds in ranked)

    @property
    def changed(self) -> int:
        return self.recap.get("changed", -1)

    def changed_tasks(self) -> list[str]:
        """The names of the tasks that changed something (or would, in check mode)."""
        tasks, task = [], None
        for line in self.output.splitlines():
            found = re.match(r"(?:TASK|RUNNING HANDLER) \[(.*)\] \*", line)
            if found:
                task = found.group(1)
            elif line.startswith("changed:") and task not in tasks:
                tasks.append(task)
        return tasks

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def ansible_env(bin_dir: Path, home: Path) -> dict[str, str]:
    """ansible-playbook's environment: deploy/ansible's ansible.cfg, its own
    state under *home*, no colours, hosts' keys not kept."""
    return {
        **os.environ,
        "ANSIBLE_CONFIG": str(PLAYBOOKS / "ansible.cfg"),
        "ANSIBLE_HOME": str(home),
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(home / "cp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    }


def playbook(
    bin_dir: Path, inventory: Path, env: dict, name: str, *options: str, **extra_vars
) -> Play:
    """Runs deploy/ansible's playbook *name* from its folder, with
    *extra_vars* as -e JSON; its recap's counts for the host HOST."""
    command = [str(bin_dir / "ansible-playbook"), "-i", str(inventory), name, *options]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    start = time.monotonic()
    lines, starts = [], []  # each task's name and when its heading came
    with subprocess.Popen(
        command,
        cwd=PLAYBOOKS,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as ansible:
        watchdog = threading.Timer(1500, ansible.kill)  # a run that hangs ends, failed
        watchdog.start()
        for line in ansible.stdout:
            lines.append(line)
            heading = re.match(r"(?:TASK|RUNNING HANDLER|PLAY RECAP) ?\[?([^\]*]*)", line)
            if heading:
                starts.append((heading.group(1).strip(), time.monotonic()))
    watchdog.cancel()
    seconds = time.monotonic() - start
    output = "".join(lines)
    found = re.search(rf"^{HOST}\s*:\s*(.*)$", output, re.MULTILINE)
    recap = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", found.group(1))} if found else {}
    took = {name: end - at for (name, at), (_, end) in zip(starts, starts[1:], strict=False)}
    return Play(ansible.returncode, output, recap, seconds, took)


class Fleet:
    """The inventory of one device (the guest), its SSH, and the runs."""

    def __init__(
        self,
        work: Path,
        port: int,
        key: Path,
        bin_dir: Path,
        archives: tuple[Path, Path],
        wheels: Path,
        say: Callable[[str], None],
    ):
        self.work, self.port, self.key, self.bin_dir = work, port, key, bin_dir
        self.archive, self.update = archives
        self.say = say
        self.ran = False  # whether the guest asked for the runs
        self.problems: list[str] = []
        self.inventory = work / "inventory.json"
        self.inventory.write_text(
            json.dumps(
                {
                    "microbreak": {
                        "hosts": {
                            HOST: {
                                "ansible_host": "127.0.0.1",
                                "ansible_port": port,
                                "microbreak_host_settings": HOST_SETTINGS,
                            }
                        },
                        "vars": {
                            "ansible_user": "pi",
                            "ansible_ssh_private_key_file": str(key),
                            "ansible_ssh_common_args": (
                                "-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no"
                            ),
                            "microbreak_archive": str(self.archive),
                            "microbreak_wheels": str(wheels),
                            "microbreak_settings": SETTINGS,
                        },
                    }
                }
            )
        )
        self.env = ansible_env(bin_dir, work / "ansible-home")

    # -- on the device, over SSH, as the administrator ----------------------------

    def ssh(self, command: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [
                "ssh",
                "-p",
                str(self.port),
                "-i",
                str(self.key),
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=20",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "LogLevel=ERROR",
                "pi@127.0.0.1",
                command,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and done.returncode != 0:
            raise Failed(f"ssh: '{command}' exited {done.returncode}: {done.stderr.strip()}")
        return done

    def wait_for_ssh(self, timeout: float = 120) -> float:
        start = time.monotonic()
        while self.ssh("true", check=False).returncode != 0:
            if time.monotonic() - start > timeout:
                raise Failed(f"the guest's SSH did not answer within {timeout:g} s")
            time.sleep(2)
        return time.monotonic() - start

    def settings_file(self) -> str:
        """The settings file's mode and checksum, as ls and sha256sum say."""
        return self.ssh(
            "stat -c %a /etc/microbreak/config.toml && sha256sum /etc/microbreak/config.toml"
        ).stdout

    def main_pid(self) -> str:
        return self.ssh("sudo systemctl show -p MainPID --value microbreak").stdout.strip()

    def running(self, key: str) -> str:
        """A setting's value in the running service."""
        return self.ssh(f"sudo microbreak config get {key}").stdout.strip()

    # -- the playbooks ----------------------------------------------------------------

    def play(self, name: str, *options: str, **extra_vars) -> Play:
        return playbook(self.bin_dir, self.inventory, self.env, name, *options, **extra_vars)

    def step(self, name: str, play: Play) -> Play:
        self.say(
            f"fleet: {name}: exit {play.returncode}, changed={play.changed} "
            f"(ok={play.recap.get('ok', '?')}, failed={play.recap.get('failed', '?')}) "
            f"in {play.seconds:.0f} s"
        )
        if play.changed_tasks():
            self.say(f"fleet:   changed: {', '.join(play.changed_tasks())}")
        self.say(f"fleet:   slowest: {play.slowest()}")
        return play

    def run_all(self) -> None:
        """Every step, in order; the first problem found is kept in problems."""
        self.ran = True
        try:
            self.say(f"fleet: the guest's SSH answered after {self.wait_for_ssh():.0f} s")
            self.configured()
            self.refused_and_previewed()
            self.locked()
            self.status_table()
            self.updated()
        except Failed as failure:
            self.problems.append(f"Ansible: {failure}")
        except (OSError, subprocess.SubprocessError) as error:
            self.problems.append(f"Ansible: the runs could not go on: {error}")

    def configured(self) -> None:
        first = self.step("site.yml, first run", self.play("site.yml"))
        if first.returncode != 0 or first.changed <= 0:
            raise Failed(f"the first run: exit {first.returncode}\n{first.tail()}")
        second = self.step("site.yml, second run", self.play("site.yml"))
        if second.returncode != 0 or second.changed != 0:
            raise Failed(
                f"the second run changed {second.changed} (exit {second.returncode}): "
                f"{', '.join(second.changed_tasks())}\n{second.tail()}"
            )
        values = {
            key: self.running(key)
            for key in ("schedule.interval_minutes", "break.snooze_minutes", "hours.sat")
        }
        self.say(f"fleet: the service runs with {values}")
        if values != {
            "schedule.interval_minutes": "40",
            "break.snooze_minutes": "5",
            "hours.sat": "10:00-12:00",
        }:
            raise Failed(f"the service's settings after the run: {values}")
        self.say(
            f"FLEET first run changed={first.changed} in {first.seconds:.0f} s; "
            f"second run changed={second.changed} in {second.seconds:.0f} s"
        )

    def refused_and_previewed(self) -> None:
        before, pid = self.settings_file(), self.main_pid()
        new = {**SETTINGS, "schedule": {**SETTINGS["schedule"], "interval_minutes": 30}}
        preview = self.step(
            "site.yml --check --diff, interval 30",
            self.play("site.yml", "--check", "--diff", microbreak_settings=new),
        )
        if preview.returncode != 0 or preview.changed != 1:
            raise Failed(
                f"check mode with a new value: exit {preview.returncode}\n{preview.tail()}"
            )
        if (
            "-interval_minutes = 40" not in preview.output
            or "+interval_minutes = 30" not in preview.output
        ):
            raise Failed(f"--diff did not show the change of interval_minutes:\n{preview.tail()}")
        bad = {**SETTINGS, "schedule": {**SETTINGS["schedule"], "interval_minutes": 0}}
        refused = self.step("site.yml, interval 0", self.play("site.yml", microbreak_settings=bad))
        if refused.returncode == 0 or refused.recap.get("failed") != 1 or refused.changed != 0:
            raise Failed(f"a refused value: exit {refused.returncode}\n{refused.tail()}")
        message = next(
            (
                line
                for line in refused.output.splitlines()
                if REFUSED in line and "refuses these settings" in line
            ),
            None,
        )
        if message is None:
            raise Failed(f"the failure does not give microbreak's message:\n{refused.tail()}")
        self.say(f"fleet: refused: {message.strip()}")
        after = (self.settings_file(), self.main_pid(), self.running("schedule.interval_minutes"))
        if after != (before, pid, "40"):
            raise Failed("check mode or a refused value changed the settings file or the service")

    def locked(self) -> None:
        pid = self.main_pid()
        new = {
            **SETTINGS,
            "schedule": {**SETTINGS["schedule"], "interval_minutes": 30},
            "screen": {"size": "320x240"},
        }
        play = self.step(
            "site.yml, locked, interval 30 and screen 320x240",
            self.play("site.yml", microbreak_settings=new, microbreak_lock_settings=True),
        )
        if play.returncode != 0 or play.changed <= 0:
            raise Failed(f"the locking run: exit {play.returncode}\n{play.tail()}")
        after = self.settings_file()
        if not after.startswith("444\n"):
            raise Failed(f"the locked settings file is {after.split()[0]}, not 444")
        if self.main_pid() == pid:
            raise Failed("screen.size changed but the service was not restarted")
        if self.running("schedule.interval_minutes") != "30":
            raise Failed("the service does not run with the new interval")
        refused = self.ssh("sudo microbreak config set schedule.interval_minutes 45", check=False)
        said = refused.stderr.strip()
        self.say(
            f"fleet: on the device, sudo microbreak config set: exit {refused.returncode}: {said}"
        )
        if refused.returncode != 1 or LOCKED not in said or self.settings_file() != after:
            raise Failed(
                "'microbreak config set' on the device changed locked settings, or said not why"
            )

    def status_table(self) -> None:
        play = self.step("status.yml", self.play("status.yml"))
        rows = [
            line.strip().strip('",')
            for line in play.output.splitlines()
            if line.strip().startswith(f'"{HOST} ')
        ]
        self.say("fleet: status table row: " + (rows[0] if rows else "(none)"))
        if play.returncode != 0 or play.changed != 0 or not rows or not rows[0].endswith(" ok"):
            raise Failed(f"status.yml: exit {play.returncode}\n{play.tail()}")

    def updated(self) -> None:
        pid = self.main_pid()
        play = self.step(
            "update.yml", self.play("update.yml", "-e", f"microbreak_archive={self.update}")
        )
        if play.returncode != 0 or play.changed <= 0:
            raise Failed(f"update.yml: exit {play.returncode}\n{play.tail()}")
        version = json.loads(self.ssh("sudo microbreak status --json").stdout)["version"]
        self.say(f"fleet: after the update the service runs {version}")
        if not version.endswith("+fleet") or self.main_pid() == pid:
            raise Failed(f"after the update the service runs {version} (PID {pid} before)")
        self.say(f"FLEET update changed={play.changed} in {play.seconds:.0f} s")
