"""Changing the settings of a running service: the headless simulator as a real
process, changed with ``microbreak config set`` and ``edit`` as over SSH."""

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_simulator import Simulator

from microbreak.simulator.harness import ALWAYS

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parent.parent / "deploy" / "config.toml"


def commented():
    """The commented example, with breaks allowed at any hour."""
    text = EXAMPLE.read_text()
    start = text.index("[hours]")
    end = text.index("\n[", start + 1)
    return text[:start] + "[hours]\n# any day, any time: for the tests\n" + ALWAYS + text[end:]


@pytest.fixture
def service(tmp_path):
    sim = Simulator(tmp_path, config=commented(), speed=1)
    yield sim
    sim.stop()


def settings_of(sim):
    return sim.call("settings")


def test_a_bad_value_is_refused_the_file_and_the_service_untouched(service):
    before = service.config.read_bytes()
    refused = service.cli(
        "config",
        "set",
        "schedule.interval_minutes",
        "0",
        "--config",
        str(service.config),
        check=False,
    )
    assert refused.returncode == 1 and refused.stdout == ""
    assert (
        "schedule.interval_minutes = 0 is out of range; allowed: a whole number from 1 "
        "to 480 (minutes)"
    ) in refused.stderr
    assert service.config.read_bytes() == before
    assert settings_of(service)["schedule.interval_minutes"] == 45
    assert service.status()["state"] == "idle"
    assert "settings reloaded" not in service.output()  # never even asked


def test_a_good_value_keeps_the_comments_and_the_service_has_it_within_a_second(service):
    before = service.config.read_text()
    started = time.monotonic()
    done = service.cli(
        "config", "set", "schedule.interval_minutes", "30", "--config", str(service.config)
    )
    returned = time.monotonic()
    while settings_of(service)["schedule.interval_minutes"] != 30:
        assert time.monotonic() - returned < 1, "the service did not take the new value"
        time.sleep(0.01)
    seen = time.monotonic()
    assert seen - returned < 1
    print(
        f"config set: {returned - started:.3f} s for the command, new value seen "
        f"{seen - returned:.3f} s after it returned"
    )
    assert done.stdout.splitlines() == [
        f"schedule.interval_minutes = 30 (was 45) in {service.config}",
        "the running service reloaded: it uses the new settings now",
    ]
    assert service.config.read_text() == before.replace(
        "interval_minutes = 45", "interval_minutes = 30"
    )
    assert 25 * 60 < service.status()["next_break_in_seconds"] <= 30 * 60


def test_a_change_to_another_file_is_not_reloaded(service, tmp_path):
    other = tmp_path / "other.toml"
    done = service.cli("config", "set", "schedule.interval_minutes", "20", "--config", str(other))
    assert f"the running service reads {service.config}, not this file" in done.stdout
    assert settings_of(service)["schedule.interval_minutes"] == 45


def test_edit_saves_and_the_service_reloads(service, tmp_path):
    editor = tmp_path / "editor"
    editor.write_text(
        textwrap.dedent("""\
        #!/bin/sh
        sed -i 's/^snooze_minutes = 10/snooze_minutes = 15/' "$1"
        """)
    )
    editor.chmod(0o755)
    env = dict(service.env, EDITOR=str(editor))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "microbreak",
            "config",
            "edit",
            "--config",
            str(service.config),
            "--runtime-dir",
            str(service.runtime),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "the running service reloaded" in done.stdout
    assert settings_of(service)["break.snooze_minutes"] == 15
    assert "\n# ... and a break may be snoozed" in service.config.read_text()


def test_config_path_get_and_show_report_the_running_services_file_and_values(tmp_path):
    """The simulator on its own file (as on tools/demo.toml): with no --config,
    the config commands answer for the service, not /etc/microbreak."""
    sim = Simulator(tmp_path, config="[schedule]\ninterval_minutes = 5\n", speed=1)
    env = dict(sim.env, MICROBREAK_RUNTIME_DIR=str(sim.runtime))
    env.pop("MICROBREAK_CONFIG", None)

    def config(*args):
        return subprocess.run(
            [sys.executable, "-m", "microbreak", "config", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    try:
        path = tmp_path / "config.toml"
        assert config("path").stdout == f"{path}\n"
        assert config("get", "schedule.interval_minutes").stdout == "5\n"
        show = [line.split() for line in config("show").stdout.splitlines()]
        assert ["schedule.interval_minutes", "=", "5"] in show
        assert ["schedule.heads_up_seconds", "=", "60", "(default)"] in show
        path.write_text("[schedule]\ninterval_minutes = 7\n")  # edited, not yet reloaded
        got = config("get", "schedule.interval_minutes")
        assert got.stdout == "5\n"
        assert (
            f"{path} has schedule.interval_minutes = 7; the running service still uses "
            "5 ('microbreak reload' applies the file)"
        ) in got.stderr
    finally:
        sim.stop()


def test_reload_says_which_changes_wait_for_a_restart(service):
    """What a handler (deploy/ansible's) reads to restart only when needed."""
    text = service.config.read_text()
    service.config.write_text(text.replace('size = "auto"', 'size = "320x240"'))
    done = service.cli("reload", "--json")
    assert json.loads(done.stdout) == {"changed": ["screen.size"], "at_next_start": ["screen.size"]}
    service.config.write_text(text.replace("interval_minutes = 45", "interval_minutes = 30"))
    done = service.cli("reload")
    assert done.stdout.splitlines() == [
        "reloaded: schedule.interval_minutes, screen.size",
        "screen.size: applied when the service restarts ('sudo systemctl restart microbreak')",
    ]
    done = service.cli("config", "set", "screen.size", "240x240", "--config", str(service.config))
    assert done.stdout.splitlines()[-1] == (
        "the running service reloaded; it applies screen.size when it restarts "
        "('sudo systemctl restart microbreak')"
    )


def test_status_says_which_version_runs(service):
    from microbreak import __version__

    assert json.loads(service.cli("status", "--json").stdout)["version"] == __version__
