"""deploy/ansible's role and playbooks, run here by ansible-playbook over its
local connection: the settings half against the headless simulator's
settings file and socket, and status.yml's table. The install half, SSH,
systemd and update.yml run against the VM test's guest (tests/vm/fleet.py).

The role's paths (the settings file, the command) are given as extra vars,
so it writes the simulator's file and asks the simulator; it sets the file's
owner to root, so these tests need root (CI has it).
"""

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from test_simulator import Simulator
from vm.fleet import HOST, ansible_env, playbook

from microbreak.simulator.harness import ALWAYS, DEVICE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="the role makes the settings file root's"),
]
BIN = Path(sys.executable).parent  # ansible-core is in the test extra
FLEET = {"schedule": {"interval_minutes": 40}, "hours": {"sat": "10:00-12:00"}}
REFUSED = (
    "microbreak on deskpi refuses these settings, so its settings file is left as it "
    "was: schedule.interval_minutes = 0 is out of range; allowed: a whole number from 1 "
    "to 480 (minutes)"
)


class Desk:
    """The simulator as the one device of an inventory, and the runs."""

    def __init__(self, tmp_path: Path):
        self.sim = Simulator(tmp_path, config="[hours]\n" + ALWAYS, speed=1)
        self.command = tmp_path / "bin" / "microbreak"  # as /usr/local/bin/microbreak is
        self.command.parent.mkdir()
        self.command.write_text(
            f"#!/bin/sh\nexport PYTHONPATH={DEVICE} MICROBREAK_RUNTIME_DIR={self.sim.runtime}\n"
            f'exec {sys.executable} -m microbreak "$@"\n'
        )
        self.command.chmod(0o755)
        self.inventory = tmp_path / "inventory.json"
        self.host(ansible_connection="local")
        self.env = ansible_env(BIN, tmp_path / "ansible-home")
        self.env["PATH"] = f"{self.command.parent}:{self.env['PATH']}"
        self.paths = {
            "microbreak_command": str(self.command),
            "microbreak_config_file": str(self.sim.config),
        }

    def host(self, **connection) -> None:
        self.inventory.write_text(
            json.dumps(
                {
                    "microbreak": {
                        "hosts": {
                            HOST: {**connection, "ansible_python_interpreter": sys.executable}
                        },
                        "vars": {
                            "ansible_become": False,
                            "microbreak_settings": FLEET,
                            "microbreak_host_settings": {"break": {"snooze_minutes": 5}},
                        },
                    }
                }
            )
        )

    def play(self, name: str, *options: str, **extra_vars):
        return playbook(BIN, self.inventory, self.env, name, *options, **self.paths, **extra_vars)

    def running(self, key: str):
        return self.sim.call("settings")[key]


@pytest.fixture
def desk(tmp_path):
    device = Desk(tmp_path)
    yield device
    device.sim.stop()


def test_the_first_run_sets_and_reloads_the_second_changes_nothing(desk):
    first = desk.play("site.yml")
    assert first.returncode == 0, first.tail()
    assert first.changed == 2  # the file, and the service reloaded
    assert desk.running("schedule.interval_minutes") == 40
    assert desk.running("break.snooze_minutes") == 5  # the device's own, merged in
    assert desk.running("hours.sat") == "10:00-12:00"
    text = desk.sim.config.read_text()
    assert text.startswith("# microbreak's settings, managed centrally with Ansible")
    assert "[schedule]\ninterval_minutes = 40\n" in text
    assert stat.S_IMODE(desk.sim.config.stat().st_mode) == 0o644
    second = desk.play("site.yml")
    assert (second.returncode, second.changed) == (0, 0), second.tail()


def test_a_refused_value_fails_with_microbreaks_message_and_changes_nothing(desk):
    before = desk.sim.config.read_bytes()
    bad = {"schedule": {"interval_minutes": 0}}
    refused = desk.play("site.yml", microbreak_settings=bad)
    assert refused.returncode == 2 and refused.recap["failed"] == 1 and refused.changed == 0
    assert REFUSED in refused.output
    assert desk.sim.config.read_bytes() == before
    assert desk.running("schedule.interval_minutes") == 45


def test_check_mode_with_diff_shows_the_change_and_makes_none(desk):
    before = desk.sim.config.read_bytes()
    preview = desk.play("site.yml", "--check", "--diff")
    assert (preview.returncode, preview.changed) == (0, 1), preview.tail()
    assert f"--- before: {desk.sim.config}\n+++ after: {desk.sim.config}\n" in preview.output
    assert "+[schedule]\n+interval_minutes = 40\n" in preview.output
    assert desk.sim.config.read_bytes() == before
    assert desk.running("schedule.interval_minutes") == 45


def test_locked_settings_are_read_only_and_the_device_refuses_a_change(desk):
    locked = desk.play("site.yml", microbreak_lock_settings=True, microbreak_managed_by="IT")
    assert locked.returncode == 0, locked.tail()
    assert stat.S_IMODE(desk.sim.config.stat().st_mode) == 0o444
    assert "managed centrally with Ansible (the microbreak role) by IT:" in (
        desk.sim.config.read_text()
    )
    before = desk.sim.config.read_bytes()
    refused = desk.sim.cli(
        "config",
        "set",
        "schedule.interval_minutes",
        "30",
        "--config",
        str(desk.sim.config),
        check=False,
    )
    assert refused.returncode == 1 and "managed centrally" in refused.stderr
    assert desk.sim.config.read_bytes() == before
    again = desk.play("site.yml", microbreak_lock_settings=True, microbreak_managed_by="IT")
    assert (again.returncode, again.changed) == (0, 0)


def test_without_microbreak_or_an_archive_the_host_fails_saying_so(desk):
    desk.paths["microbreak_command"] = str(desk.command.parent / "missing")
    play = desk.play("site.yml")
    assert play.returncode == 2
    assert "microbreak is not installed on deskpi" in play.output
    assert "set microbreak_archive" in play.output


def table(play) -> list[str]:
    """status.yml's table, as the debug task prints its lines."""
    return [
        json.loads(line.strip().rstrip(","))
        for line in play.output.splitlines()
        if line.startswith('        "')
    ]


def test_status_table_has_a_row_for_each_device_and_their_totals(desk, tmp_path):
    desk.sim.cli("break-now")
    out = tmp_path / "fleet.json"
    play = desk.play("status.yml", microbreak_status_file=str(out))
    assert play.returncode == 0, play.tail()
    assert play.changed_tasks() == ["Write them to a JSON file on the controller"]
    header, row, totals = table(play)
    assert header.split() == [
        "device",
        "state",
        "version",
        "next",
        "breaks",
        "done",
        "sets",
        "health",
    ]
    assert row.split()[:3] == [HOST, "break", desk.sim.call("status")["version"]]
    assert row.endswith("  screen: none")  # the headless simulator shows nothing
    assert totals.startswith("1 devices, 1 running; today 1 breaks, 0 done, 0 sets")
    assert json.loads(out.read_text())[HOST]["state"] == "break"


def test_status_table_says_which_devices_did_not_answer(desk):
    desk.sim.stop()
    stopped = table(desk.play("status.yml"))[1]
    assert stopped.startswith(HOST) and "not running" in stopped
    desk.host(ansible_connection="ssh", ansible_host="127.0.0.1", ansible_port=1)
    unreachable = table(desk.play("status.yml"))[1]
    assert unreachable.startswith(HOST) and "unreachable: " in unreachable


def test_check_mode_on_a_host_without_microbreak_installs_nothing(desk, tmp_path):
    prefix = tmp_path / "opt" / "microbreak"
    archive, wheels = tmp_path / "microbreak.tar.gz", tmp_path / "wheels.tar.gz"
    for path in (archive, wheels):
        path.write_bytes(b"not unpacked in check mode")
    before = desk.sim.config.read_bytes()
    desk.paths.update(
        microbreak_prefix=str(prefix),
        microbreak_command=str(prefix / "venv" / "bin" / "microbreak"),
        microbreak_archive=str(archive),
        microbreak_wheels=str(wheels),
    )
    preview = desk.play("site.yml", "--check", "--diff")
    assert preview.returncode == 0, preview.tail()
    assert preview.changed_tasks() == [
        "microbreak : Make the folder for the archive",
        "microbreak : Copy the source archive",
        "microbreak : Copy the wheels",
        "microbreak : Make the folders to unpack into",
        "microbreak : Write the settings file",
    ], preview.tail(60)
    assert not prefix.exists() and desk.sim.config.read_bytes() == before
    assert "+interval_minutes = 40" in preview.output  # the settings it would write
