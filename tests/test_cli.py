"""The ``microbreak`` command in-process: help, usage errors, settings, history
and stats, as someone at an 80-column terminal over SSH sees them."""

import json
import os
import stat
import textwrap
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from microbreak import cli
from microbreak.cli.arguments import since_date
from microbreak.cli.remote import format_status
from microbreak.core.effects import Outcome
from microbreak.storage.history import History

EXAMPLE = Path(__file__).resolve().parent.parent / "deploy" / "config.toml"


@pytest.fixture(autouse=True)
def nowhere(tmp_path, monkeypatch):
    """No service, no system files: every path is under the test's folder."""
    monkeypatch.setenv("MICROBREAK_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("MICROBREAK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("STATE_DIRECTORY", raising=False)
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text())
    return path


def run(capsys, *argv):
    """Run the command; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exit:  # argparse: --help, usage errors
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def narrow(text):
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert not too_wide, f"wider than 80 columns: {too_wide}"
    return text


# -- every command ---------------------------------------------------------------


def commands(parser=None, path=()):
    """Every command and subcommand, as argument lists."""
    import argparse

    parser = parser or cli.build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield [*path, name]
                yield from commands(sub, [*path, name])


def test_every_command_has_help_that_fits_80_columns(capsys):
    names = [" ".join(c) for c in commands()]
    for wanted in (
        "run",
        "simulate",
        "status",
        "snooze",
        "skip",
        "pause",
        "resume",
        "break-now",
        "config show",
        "config get",
        "config set",
        "config check",
        "config edit",
        "config path",
        "history",
        "stats",
        "test-hardware",
    ):
        assert wanted in names
    for command in commands():
        code, out, _ = run(capsys, *command, "--help")
        assert code == 0 and out.startswith("usage: microbreak " + " ".join(command))
        narrow(out)


@pytest.mark.parametrize(
    "argv",
    [
        ["snooze", "0"],
        ["snooze", "ten"],
        ["pause", "--until", "25:00"],
        ["pause", "--until", "10:00", "--for", "5"],
        ["history", "-n", "0"],
        ["history", "--since", "last tuesday"],
        ["hold", "-1"],
        ["config", "set", "led.pin"],
        ["test-hardware", "loudspeaker"],
        ["no-such-command"],
    ],
)
def test_wrong_usage_exits_2_and_says_what_is_allowed(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err or "allowed" in err


def test_no_service_running_says_how_to_start_it(capsys):
    code, _, err = run(capsys, "status")
    assert code == 1 and "not running" in err and "systemctl start microbreak" in err


def test_status_json_with_no_service_prints_a_json_error(capsys):
    code, out, err = run(capsys, "status", "--json")
    assert code == 1 and "not running" in err
    answer = json.loads(out)
    assert answer["reason"] == "not_running" and "not running" in answer["error"]


def test_hold_says_what_seconds_means(capsys):
    code, out, _ = run(capsys, "hold", "--help")
    assert code == 0 and "SECONDS how long, up to 30 (by default 2 snoozes" in " ".join(out.split())


def test_the_command_starts_without_the_heavy_libraries():
    """Every command group registers at start, so none may import pygame, the
    pins, tomlkit or the service at the top: a Pi Zero feels each."""
    import subprocess
    import sys

    show = "import sys, microbreak.cli; print(*sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", show], capture_output=True, text=True, timeout=30, check=True
    )
    heavy = {
        "pygame",
        "gpiozero",
        "tomlkit",
        "microbreak.service.loop",
        "microbreak.config.editing",
        "microbreak.storage.stats",
        "microbreak.parts.wiring",
    }
    assert heavy.isdisjoint(done.stdout.split())


def test_dev_sh_help_prints_its_usage_and_exits_0():
    import subprocess

    dev = Path(__file__).resolve().parent.parent / "dev.sh"
    done = subprocess.run([str(dev), "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith("usage: ./dev.sh simulate")
    wrong = subprocess.run([str(dev), "nonsense"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode == 2 and wrong.stderr.startswith("usage: ")


def test_since_dates():
    today = date(2026, 11, 23)
    assert since_date("2026-11-01") == date(2026, 11, 1)
    assert since_date("yesterday", today) == date(2026, 11, 22)
    assert since_date("30d", today) == date(2026, 10, 24)


def test_status_reads_like_systemctl_status():
    status = {
        "state": "paused",
        "simulated": False,
        "paused_until": "2026-11-23T13:00:00+01:00",
        "next_break_at": None,
        "next_break_in_seconds": None,
        "break": None,
        "present": False,
        "wall_clock_trusted": False,
        "today": {
            "breaks": 3,
            "completed": 2,
            "partial": 0,
            "skipped": 0,
            "missed": 1,
            "away": 0,
            "sets": 5,
        },
    }
    text = format_status(status)
    assert text.splitlines()[0] == "microbreak: paused"
    assert "  paused      until " in text and "  desk        empty" in text
    assert "  today       3 breaks (2 completed, 1 missed) · 5 sets" in text
    assert "socket" not in text
    narrow(text)
    text = format_status(dict(status, refused_connections=1092))
    assert "  socket      refused 1,092 connections: too many at once (see the log)" in text
    narrow(text)


# -- settings ----------------------------------------------------------------------


def test_config_get_show_path_and_check(capsys, config, tmp_path):
    assert run(capsys, "config", "get", "schedule.interval_minutes") == (0, "45\n", "")
    assert run(capsys, "config", "get", "buzzer.kind") == (0, "passive\n", "")
    assert run(capsys, "config", "get", "buzzer.kind", "--json") == (0, '"passive"\n', "")
    code, out, _ = run(capsys, "config", "show")
    assert code == 0 and "schedule.interval_minutes" in out and "(default)" in narrow(out)
    code, out, _ = run(capsys, "config", "show", "--json")
    assert json.loads(out)["schedule.interval_minutes"] == 45
    assert run(capsys, "config", "path")[1] == f"{config}\n"
    assert run(capsys, "config", "check")[1] == f"{config}: OK\n"
    other = tmp_path / "other.toml"
    other.write_text("[schedule]\ninterval_minutes = 20\n")
    for argv in (
        ["config", "--config", str(other), "get", "schedule.interval_minutes"],
        ["config", "get", "schedule.interval_minutes", "--config", str(other)],
    ):
        assert run(capsys, *argv)[1] == "20\n"
    code, out, _ = run(capsys, "config", "show", "--config", str(other))
    assert "schedule.interval_minutes" in out
    line = next(x for x in out.splitlines() if x.startswith("schedule.interval_minutes"))
    assert line.endswith("= 20")  # set in the file: not marked as the default


def test_config_check_names_every_problem(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[schedule]\ninterval_minutes = 0\nintervl = 3\n")
    code, _, err = run(capsys, "config", "check", str(bad))
    assert code == 1
    assert "schedule.interval_minutes = 0 is out of range; allowed:" in err
    assert "schedule.intervl is not a setting; did you mean schedule.interval_minutes?" in err


def test_config_set_writes_keeps_comments_and_says_when_it_applies(capsys, config):
    before = config.read_text()
    code, out, err = run(capsys, "config", "set", "schedule.interval_minutes", "30")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"schedule.interval_minutes = 30 (was 45) in {config}",
        "microbreak is not running: the change applies at its next start",
    ]
    after = config.read_text()
    assert after == before.replace("interval_minutes = 45", "interval_minutes = 30")
    assert run(capsys, "config", "get", "schedule.interval_minutes")[1] == "30\n"
    code, out, _ = run(capsys, "config", "set", "schedule.interval_minutes", "30")
    assert code == 0 and out.startswith("schedule.interval_minutes is already 30")


@pytest.mark.parametrize(
    "key, value, message",
    [
        (
            "schedule.interval_minutes",
            "0",
            "schedule.interval_minutes = 0 is out of range; "
            "allowed: a whole number from 1 to 480 (minutes)",
        ),
        (
            "buzzer.kind",
            "loud",
            'buzzer.kind = "loud" is not a choice; allowed: one of "passive", "active", "none"',
        ),
        (
            "schedule.intervl_minutes",
            "30",
            "schedule.intervl_minutes is not a setting; did you mean schedule.interval_minutes?",
        ),
    ],
)
def test_config_set_refuses_a_bad_value_and_leaves_the_file_alone(
    capsys, config, key, value, message
):
    before = config.read_bytes()
    mtime = config.stat().st_mtime_ns
    code, out, err = run(capsys, "config", "set", key, value)
    assert code == 1 and out == ""
    assert message in err
    assert config.read_bytes() == before and config.stat().st_mtime_ns == mtime


def test_config_set_on_a_bad_file_mends_it_or_says_to_edit_it(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[schedule]\ninterval_minutes = 0  # too often\n")
    code, out, _ = run(
        capsys, "config", "set", "schedule.interval_minutes", "20", "--config", str(path)
    )
    assert code == 0 and path.read_text() == "[schedule]\ninterval_minutes = 20  # too often\n"
    path.write_text("[schedule]\nintervl = 3\n")
    code, _, err = run(capsys, "config", "set", "led.pin", "22", "--config", str(path))
    assert code == 1 and "schedule.intervl is not a setting" in err
    assert "fix it with 'microbreak config edit'" in err
    assert path.read_text() == "[schedule]\nintervl = 3\n"


def test_config_set_creates_a_missing_file_documented(capsys, tmp_path):
    path = tmp_path / "etc" / "microbreak" / "config.toml"
    code, out, _ = run(capsys, "config", "set", "led.pin", "22", "--config", str(path))
    assert code == 0 and "led.pin = 22 (was 27)" in out
    text = path.read_text()
    assert "#interval_minutes = 45" in text and "\npin = 22\n" in text


def test_config_set_as_someone_who_may_not_write_says_sudo(capsys, config, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("microbreak.config.editing.tempfile.mkstemp", refuse)
    code, _, err = run(capsys, "config", "set", "led.pin", "22")
    assert code == 1 and "permission denied; run this with sudo" in err


def test_config_set_removes_what_a_killed_change_left(capsys, config):
    # What `config set` leaves when it is killed between writing its temporary
    # file and the rename: the next change, holding the folder's lock, removes it.
    left = config.parent / ".config.toml.k1ll3d.new"
    left.write_text("half a file")
    someone_elses = config.parent / ".other.toml.x.new"
    someone_elses.write_text("not ours")
    code, _, _ = run(capsys, "config", "set", "led.pin", "22")
    assert code == 0
    assert not left.exists() and someone_elses.exists()
    assert not list(config.parent.glob(".config.toml.*.new"))


@pytest.mark.parametrize("command", [("set", "led.pin", "22"), ("edit",)])
def test_config_set_and_edit_do_not_follow_a_link_into_another_folder(capsys, tmp_path, command):
    private = tmp_path / "root-only"
    private.mkdir(mode=0o700)
    link = tmp_path / "settings" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(private / "config.toml")
    code, _, err = run(capsys, "config", *command, "--config", str(link))
    assert code == 1
    assert (
        f"{link} is a symbolic link to {private / 'config.toml'}, in another folder: not followed"
    ) in err
    assert f"--config {private / 'config.toml'}" in err
    assert list(private.iterdir()) == []  # nothing created there
    # a link within its own folder is an ordinary way to keep versions: followed
    (link.parent / "v2.toml").write_text("")
    link.unlink()
    link.symlink_to("v2.toml")
    if command == ("set", "led.pin", "22"):
        assert run(capsys, "config", *command, "--config", str(link))[0] == 0
        assert "pin = 22" in (link.parent / "v2.toml").read_text() and link.is_symlink()


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "large"])
def test_config_check_refuses_what_is_not_a_settings_file_at_once(capsys, tmp_path, kind):
    path = tmp_path / "config.toml"
    if kind == "fifo":
        os.mkfifo(path)  # nobody writes: reading it would wait for ever
    elif kind == "device":
        path.symlink_to("/dev/zero")  # reading it would never end
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_text("#" * (64 * 1024 + 1))
    code, out, err = run(capsys, "config", "check", str(path))
    what = {
        "fifo": "is a FIFO",
        "device": "is a character device",
        "folder": "is a folder",
        "large": "is larger than 64 KiB (65,537 bytes)",
    }[kind]
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"microbreak: {path}: {what}"
        + (", not a regular file" if kind != "large" else "")
        + "; allowed: a regular file of at most 64 KiB"
    ]


# -- config edit, with a scripted editor -----------------------------------------


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """$EDITOR is a script: its Nth run applies the sed script edit-N, if any,
    and keeps a copy of what it was shown as seen-N."""
    steps = tmp_path / "editor"
    steps.mkdir()
    script = steps / "edit"
    script.write_text(
        textwrap.dedent(f"""\
        #!/bin/sh
        n=$(( $(cat {steps}/count 2>/dev/null || echo 0) + 1 ))
        echo $n > {steps}/count
        cp "$1" {steps}/seen-$n
        [ -f {steps}/edit-$n ] && sed -i -f {steps}/edit-$n "$1"
        exit $(cat {steps}/exit-$n 2>/dev/null || echo 0)
        """)
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)

    def plan(*edits):
        for n, edit in enumerate(edits, 1):
            if edit is not None:
                (steps / f"edit-{n}").write_text(edit + "\n")
        return steps

    return plan


def test_edit_reopens_a_bad_edit_with_the_problem_on_top_then_saves_the_fix(capsys, config, editor):
    before = config.read_text()
    steps = editor(
        "s/^interval_minutes = 45/interval_minutes = 0/",
        "s/^interval_minutes = 0/interval_minutes = 30/",
    )
    code, out, err = run(capsys, "config", "edit")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"saved {config}"
    second = (steps / "seen-2").read_text().splitlines()
    assert second[0].startswith("# microbreak: NOT SAVED")
    assert any("schedule.interval_minutes = 0 is out of range" in line for line in second[:4])
    assert config.read_text() == before.replace("interval_minutes = 45", "interval_minutes = 30")


def test_edit_left_bad_gives_up_and_changes_nothing(capsys, config, editor):
    before = config.read_bytes()
    editor("s/^pin = 27/pin = 99/")  # the second run leaves it as shown
    code, _, err = run(capsys, "config", "edit")
    assert code == 1
    assert "not saved" in err and "led.pin = 99 is out of range" in err
    assert config.read_bytes() == before


def test_edit_with_no_change_or_a_failing_editor_writes_nothing(capsys, config, editor):
    before = config.read_bytes()
    editor()
    code, out, _ = run(capsys, "config", "edit")
    assert code == 0 and "no change" in out
    steps = editor(None, "s/^pin = 27/pin = 22/")
    (steps / "count").unlink()
    (steps / "exit-1").write_text("3\n")
    (steps / "edit-1").write_text("s/^pin = 27/pin = 22/\n")
    code, _, err = run(capsys, "config", "edit")
    assert code == 1 and "exited with 3" in err
    assert config.read_bytes() == before


def test_edit_refuses_to_overwrite_a_change_made_meanwhile(capsys, config, editor, tmp_path):
    steps = editor("s/^pin = 27/pin = 22/")
    (steps / "edit-1").write_text("s/^pin = 27/pin = 22/\n")
    # the editor also changes the real file behind our back, as another admin would
    script = steps / "edit"
    script.write_text(script.read_text().replace("exit ", f"echo '# theirs' >> {config}\nexit "))
    code, _, err = run(capsys, "config", "edit")
    assert code == 1 and "changed by someone else" in err
    kept = Path(err.rsplit("Your version is in ", 1)[1].strip().rstrip("."))
    assert "pin = 22" in kept.read_text()
    kept.unlink()
    assert config.read_text().endswith("# theirs\n")


def test_edit_starts_a_missing_file_from_the_documented_template(capsys, tmp_path, editor):
    path = tmp_path / "new.toml"
    editor("s/^#interval_minutes = 45/interval_minutes = 50/")
    code, out, _ = run(capsys, "config", "edit", "--config", str(path))
    assert code == 0
    assert "\ninterval_minutes = 50\n" in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


# -- history and stats ----------------------------------------------------------------


@pytest.fixture
def state(tmp_path):
    """A history of three weeks: two breaks a working day, one in five missed."""
    folder = tmp_path / "state"
    folder.mkdir()
    history = History(folder / "history.sqlite")
    zone = timezone(timedelta(hours=1))
    today = date.today()
    for back in range(21, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for n, hour in enumerate((10, 15)):
            at = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
            names = (
                ("high-reach-stretch", "shoulder-rolls")
                if n
                else ("shoulder-shrug", "upper-back-movement")
            )
            b = history.break_started(at, names, "scheduled")
            missed = (back + n) % 5 == 0
            for name in [] if missed else names:
                history.set_confirmed(b, name, at + timedelta(minutes=1))
            history.break_ended(
                b, Outcome.MISSED if missed else Outcome.COMPLETED, at + timedelta(minutes=2)
            )
    history.close()
    return folder


def test_history_lists_the_last_breaks(capsys, state):
    code, out, _ = run(capsys, "history", "--state-dir", str(state))
    lines = narrow(out).splitlines()
    assert code == 0 and lines[0].split() == ["started", "outcome", "sets", "exercises"]
    assert len(lines) == 21
    assert "completed  2/2   high-reach-stretch, shoulder-rolls" in out
    code, out, _ = run(capsys, "history", "-n", "3", "--json", "--state-dir", str(state))
    breaks = json.loads(out)
    assert len(breaks) == 3 and {"started_at", "outcome", "planned", "sets"} <= set(breaks[0])


def test_history_since_and_csv_export(capsys, state):
    since = (date.today() - timedelta(days=2)).isoformat()
    code, out, _ = run(capsys, "history", "--since", since, "--csv", "--state-dir", str(state))
    rows = out.splitlines()
    assert rows[0] == "started_at,ended_at,reason,outcome,planned,done,sets"
    assert all(row[:10] >= since for row in rows[1:])
    code, out, _ = run(capsys, "history", "-n", "all", "--csv", "--state-dir", str(state))
    assert len(out.splitlines()) > 21


def test_history_without_a_history_says_where_it_looked(capsys, tmp_path):
    code, _, err = run(capsys, "history", "--state-dir", str(tmp_path / "nothing"))
    assert code == 1 and "no history at" in err and "--state-dir" in err


def test_after_the_simulator_stops_history_finds_its_history(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "microbreak.cli.history.SYSTEM_STATE_DIR", tmp_path / "var-lib-microbreak"
    )  # none here
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "home-state"))
    (tmp_path / "home-state" / "microbreak-simulator").mkdir(parents=True)
    history = History(tmp_path / "home-state" / "microbreak-simulator" / "history.sqlite")
    now = datetime.now().astimezone()
    b = history.break_started(now, ("shoulder-rolls",), "scheduled")
    history.break_ended(b, Outcome.SKIPPED, now)
    history.close()
    code, out, err = run(capsys, "history")
    assert code == 0 and "skipped" in out
    assert "this is the simulator's, in " + str(tmp_path / "home-state") in err
    code, out, _ = run(capsys, "stats")
    assert code == 0 and out.startswith("today        1 break (1 skipped)")


def test_stats_in_plain_words_json_and_csv(capsys, state):
    code, out, _ = run(capsys, "stats", "--state-dir", str(state))
    assert code == 0
    narrow(out)
    lines = out.splitlines()
    assert lines[0].startswith("today ") and lines[1].startswith("this week ")
    assert lines[2].startswith("streak ") and "with every break done" in lines[2]
    assert any(line.startswith("shoulder-rolls ") for line in lines)
    assert any(line.startswith("week ") for line in lines)
    code, out, _ = run(capsys, "stats", "--json", "--state-dir", str(state))
    data = json.loads(out)
    assert {
        "today",
        "this_week",
        "current_streak",
        "best_streak",
        "exercises",
        "days",
        "weeks",
    } <= set(data)
    assert sum(d["breaks"] for d in data["days"]) == data["total"]["breaks"]
    code, out, _ = run(capsys, "stats", "--csv", "--since", "7d", "--state-dir", str(state))
    rows = out.splitlines()
    assert rows[0] == (
        "day,breaks,completed,partial,skipped,missed,away,deferred,not_ended,sets,completion"
    )
    assert 1 <= len(rows) - 1 <= 8


def test_a_break_not_ended_is_neither_done_nor_undone(capsys, tmp_path):
    """One break completed, one still on: stats and history say so, and the
    day does not count for a streak until it has ended."""
    history = History(tmp_path / "history.sqlite")
    now = datetime.now().astimezone()
    done = history.break_started(now - timedelta(hours=1), ("shoulder-rolls",), "scheduled")
    history.set_confirmed(done, "shoulder-rolls", now - timedelta(minutes=59))
    history.break_ended(done, Outcome.COMPLETED, now - timedelta(minutes=59))
    on = history.break_started(now, ("shoulder-shrug", "shoulder-rolls"), "scheduled")
    history.set_confirmed(on, "shoulder-shrug", now)
    history.close()
    code, out, _ = run(capsys, "stats", "--state-dir", str(tmp_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "today        2 breaks (1 completed, 1 not ended) · 2 sets · 100 % done (of 1 ended break)"
    )
    assert lines[2] == "streak       0 days with every break done"
    code, out, _ = run(capsys, "history", "--state-dir", str(tmp_path))
    assert " not ended  1/2   shoulder-shrug, shoulder-rolls" in out


# -- exercises ----------------------------------------------------------------------


def test_exercises_list_and_show(capsys):
    code, out, _ = run(capsys, "exercises", "list")
    assert code == 0 and len(narrow(out).splitlines()) >= 5
    assert any(line.startswith("shoulder-rolls ") for line in out.splitlines())
    code, out, _ = run(capsys, "exercises", "show", "shoulder-rolls", "--json")
    shown = json.loads(out)
    assert shown["name"] == "shoulder-rolls" and shown["steps"] and shown["reps"] >= 1
    code, _, err = run(capsys, "exercises", "show", "shoulder-roll")
    assert code == 1 and "did you mean shoulder-rolls?" in err


def test_exercises_render_a_still_and_one_rep_moving(capsys, tmp_path):
    import pygame
    from gif_frames import read_gif

    from microbreak.drawing.pgcompat import surface_bytes

    still, moving = tmp_path / "still.png", tmp_path / "moving.gif"
    assert (
        run(
            capsys,
            "exercises",
            "render",
            "shoulder-shrug",
            "--size",
            "240x240",
            "--out",
            str(still),
        )[0]
        == 0
    )
    assert pygame.image.load(str(still)).get_size() == (240, 240)
    code, out, _ = run(capsys, "exercises", "render", "shoulder-shrug", "--out", str(moving))
    assert code == 0 and "one rep" in out
    frames = read_gif(moving)
    assert len(frames) > 5 and frames[0][0].get_size() == (320, 240)
    assert len({surface_bytes(f, "RGB") for f, _ in frames}) > 5  # it moves
    code, _, err = run(
        capsys, "exercises", "render", "shoulder-shrug", "--out", str(tmp_path / "x.jpg")
    )
    assert code == 1 and ".png, .gif or .wav" in err
    code, _, err = run(
        capsys, "exercises", "render", "shoulder-shrug", "--size", "100x100", "--out", str(still)
    )
    assert code == 1 and "240x240" in err


@pytest.mark.parametrize("name", ["z.png", "z.gif"])
def test_exercises_render_to_a_path_it_cannot_write_says_so_in_one_line(capsys, tmp_path, name):
    out = tmp_path / "no such folder" / name
    code, _, err = run(capsys, "exercises", "render", "shoulder-rolls", "--out", str(out))
    assert code == 1
    assert err == f"microbreak: cannot write {out}: No such file or directory\n"


def test_each_command_loads_only_its_own_group_and_the_table_says_which():
    import argparse
    import subprocess
    import sys

    for group, named in cli.COMMANDS.items():
        parser = argparse.ArgumentParser()
        cli.group_module(group).register(parser.add_subparsers())
        registered = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        assert tuple(registered.choices) == named, group
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from microbreak.cli import main; main(['stats', '--help'])",
        ],
        capture_output=True,
        text=True,
    )
    assert "--since" in loaded.stdout
    probe = (
        "import sys; from microbreak.cli import build_parser, _groups_for; "
        "build_parser(_groups_for(['stats'])); "
        "print(sorted(m for m in sys.modules if m.startswith('microbreak.')))"
    )
    modules = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    for heavy in ("microbreak.config.settings", "microbreak.service.control.server"):
        assert heavy not in modules  # a command over SSH waits for neither
