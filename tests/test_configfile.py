"""Changing the settings file: one key, comments kept, validated whole, written atomically."""

import os
import stat
from pathlib import Path

import pytest

from microbreak.config import editing
from microbreak.config.editing import (
    check_key,
    get_value,
    parse_value,
    set_value,
    template,
    with_problems,
    without_problems,
    write_atomically,
)
from microbreak.config.settings import Settings, SettingsError, parse_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "deploy" / "config.toml"


def test_a_change_keeps_every_comment_and_line_but_the_one_changed():
    text = EXAMPLE.read_text()
    new = set_value(text, "schedule.interval_minutes", 30)
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [("interval_minutes = 45", "interval_minutes = 30")]
    assert parse_settings(new).schedule.interval_minutes == 30


def test_a_trailing_comment_stays_on_its_line():
    new = set_value("[led]\npin = 27  # the red one\n", "led.pin", 22)
    assert new == "[led]\npin = 22  # the red one\n"


def test_a_key_missing_from_the_file_joins_its_section_or_a_new_one():
    text = "# mine\n[schedule]\ninterval_minutes = 30\n\n[led]\npin = 22\n"
    new = set_value(text, "schedule.heads_up_seconds", 0)
    assert parse_settings(new).schedule.heads_up_seconds == 0
    assert new.startswith("# mine\n[schedule]\ninterval_minutes = 30\nheads_up_seconds = 0\n")
    new = set_value(text, "buzzer.kind", "none")
    assert new.startswith(text) and new.endswith('\n[buzzer]\nkind = "none"\n')
    assert set_value("", "pins.factory", "mock") == '[pins]\nfactory = "mock"\n'


def test_dotted_and_inline_tables_are_changed_in_place():
    assert (
        parse_settings(
            set_value("schedule.interval_minutes = 3\n", "schedule.interval_minutes", 5)
        ).schedule.interval_minutes
        == 5
    )
    new = set_value("schedule = {interval_minutes = 3}\n", "schedule.heads_up_seconds", 5)
    assert parse_settings(new).schedule.heads_up_seconds == 5
    assert parse_settings(new).schedule.interval_minutes == 3


@pytest.mark.parametrize(
    "key, value, words",
    [
        (
            "schedule.interval_minutes",
            0,
            "schedule.interval_minutes = 0 is out of range; allowed: a whole number from 1 to 480",
        ),
        ("schedule.interval_minutes", "soon", 'schedule.interval_minutes = "soon" is text'),
        ("buzzer.kind", "loud", 'buzzer.kind = "loud" is not a choice; allowed: one of "passive"'),
        ("led.pin", 17, "led.pin = 17 is already used by button.pin"),
    ],
)
def test_a_bad_value_is_refused_with_key_value_and_what_is_allowed(key, value, words):
    with pytest.raises(SettingsError) as refused:
        set_value(EXAMPLE.read_text(), key, value)
    assert words in str(refused.value)


def test_the_whole_result_is_checked_so_a_bad_file_is_not_made_worse():
    with pytest.raises(SettingsError, match="schedule.intervl_minutes is not a setting"):
        set_value("[schedule]\nintervl_minutes = 3\n", "led.pin", 22)
    with pytest.raises(SettingsError, match="not valid TOML"):
        set_value("[schedule\n", "led.pin", 22)


def test_unknown_keys_get_the_closest_one():
    for typo, meant in (
        ("schedule.intervl_minutes", "schedule.interval_minutes"),
        ("interval_minutes", "schedule.interval_minutes"),
        ("buzer.kind", "buzzer.kind"),
    ):
        with pytest.raises(SettingsError, match=f"did you mean {meant}\\?"):
            check_key(typo)
    with pytest.raises(SettingsError, match="microbreak config show"):
        check_key("xyzzy")


def test_values_from_the_command_line_take_the_key_s_kind():
    assert parse_value("schedule.interval_minutes", "30") == 30
    assert parse_value("button.snooze_hold_seconds", "2") == 2.0
    assert isinstance(parse_value("button.snooze_hold_seconds", "2"), float)
    assert parse_value("buzzer.kind", "none") == "none"
    assert parse_value("buzzer.kind", '"none"') == "none"
    assert parse_value("screen.size", "320x240") == "320x240"
    assert parse_value("schedule.interval_minutes", "soon") == "soon"  # refused later, by name
    for key, default, *_ in ((k, d) for k, _, d, _ in Settings().items()):
        if isinstance(default, bool):
            assert parse_value(key, "true") is True
            break


def test_get_gives_the_file_s_value_or_the_default():
    assert get_value("[schedule]\ninterval_minutes = 30\n", "schedule.interval_minutes") == 30
    assert get_value("", "schedule.interval_minutes") == 45


def test_the_template_is_valid_all_defaults_and_documents_every_key():
    text = template()
    assert parse_settings(text) == Settings()
    for key, *_ in Settings().items():
        assert f"#{key.split('.')[1]} = " in text
    assert max(len(line) for line in text.splitlines()) < 80


def test_problems_go_on_top_and_come_off_again():
    marked = with_problems("[led]\npin = 99\n", ["led.pin = 99 is out of range"])
    assert marked.splitlines()[0].startswith("# microbreak: NOT SAVED")
    assert "# microbreak: led.pin = 99 is out of range" in marked
    assert without_problems(marked) == "[led]\npin = 99\n"
    assert without_problems(with_problems(marked, ["again"])) == "[led]\npin = 99\n"


def test_write_atomically_replaces_the_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_atomically(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temporary left


def test_write_atomically_follows_a_link_and_creates_a_new_file(tmp_path):
    real = tmp_path / "real.toml"
    real.write_text("old\n")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    write_atomically(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    fresh = tmp_path / "fresh.toml"
    write_atomically(fresh, "x = 1\n")
    assert fresh.read_text() == "x = 1\n"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_bytes(b"old\n")

    def no_room(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_room)
    with pytest.raises(OSError, match="No space"):
        write_atomically(path, "new\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_the_lock_is_on_the_folder_and_exclusive(tmp_path):
    import fcntl

    path = tmp_path / "config.toml"
    with editing.locked(path):
        other = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
