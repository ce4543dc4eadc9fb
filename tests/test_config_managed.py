"""Settings managed from elsewhere (deploy/ansible's role): ``config check -``
checks settings given on standard input, and a settings file no one may
write (the role's lock) is not changed by ``config set`` or ``edit``, even as
root, with one line saying why."""

import io
import os
import sys

import pytest
from test_cli import EXAMPLE, run


@pytest.fixture(autouse=True)
def nowhere(tmp_path, monkeypatch):
    """No service; the settings file is under the test's folder."""
    monkeypatch.setenv("MICROBREAK_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("MICROBREAK_CONFIG", str(tmp_path / "config.toml"))


def given(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_check_reads_settings_from_standard_input(capsys, monkeypatch):
    given(monkeypatch, b"[schedule]\ninterval_minutes = 30\n")
    assert run(capsys, "config", "check", "-") == (0, "standard input: OK\n", "")


def test_check_of_standard_input_names_every_problem_as_for_a_file(capsys, monkeypatch):
    given(monkeypatch, b"[schedule]\ninterval_minutes = 0\n[break]\nsnooze_minuts = 3\n")
    code, out, err = run(capsys, "config", "check", "-")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "microbreak: standard input: schedule.interval_minutes = 0 is out of range; "
        "allowed: a whole number from 1 to 480 (minutes)",
        "microbreak: standard input: break.snooze_minuts is not a setting; "
        "did you mean break.snooze_minutes?",
    ]


@pytest.mark.parametrize(
    "data, says",
    [
        (b"#" * (64 * 1024 + 1), "standard input: is larger than 64 KiB"),
        (b"[schedule]\ninterval_minutes = 30 # \xff\n", "standard input: is not UTF-8 text"),
        (b"[schedule\n", "standard input: not valid TOML"),
    ],
)
def test_check_of_standard_input_refuses_what_a_file_may_not_hold(capsys, monkeypatch, data, says):
    given(monkeypatch, data)
    code, _, err = run(capsys, "config", "check", "-")
    assert code == 1 and says in err and len(err.splitlines()) == 1


@pytest.fixture
def locked(tmp_path):
    """The settings file as the role leaves it when it locks them: read-only."""
    path = tmp_path / "config.toml"
    path.write_text("# Managed centrally: IT, it@example.org\n" + EXAMPLE.read_text())
    path.chmod(0o444)
    return path


def test_set_refuses_a_locked_file_saying_it_is_managed_centrally(capsys, locked):
    before, mtime = locked.read_bytes(), locked.stat().st_mtime_ns
    code, out, err = run(capsys, "config", "set", "schedule.interval_minutes", "30")
    assert (code, out) == (1, "")
    assert err == (
        f"microbreak: cannot change {locked}: it is read-only, as this device's settings "
        "are managed centrally; allowed: ask whoever manages them (the file's first lines "
        "may say who)\n"
    )
    assert locked.read_bytes() == before and locked.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in locked.parent.iterdir()) == ["config.toml"]


def test_edit_of_a_locked_file_is_refused_before_an_editor_opens(
    capsys, locked, tmp_path, monkeypatch
):
    opened = tmp_path / "opened"
    editor = tmp_path / "editor"
    editor.write_text(f"#!/bin/sh\ntouch {opened}\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    code, _, err = run(capsys, "config", "edit")
    assert code == 1 and "managed centrally" in err
    assert not opened.exists()


def test_a_file_its_owner_may_write_is_not_locked(capsys, locked):
    locked.chmod(0o644)
    code, out, _ = run(capsys, "config", "set", "schedule.interval_minutes", "30")
    assert code == 0 and out.startswith("schedule.interval_minutes = 30 (was 45)")


@pytest.mark.skipif(os.geteuid() != 0, reason="root's way past the file's mode is the point")
def test_root_is_refused_too(capsys, locked):
    assert os.access(locked, os.W_OK)  # root could write it: the command itself refuses
    code, _, err = run(capsys, "config", "set", "led.pin", "22")
    assert code == 1 and "managed centrally" in err
