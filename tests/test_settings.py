"""Settings: defaults, validation messages, and `microbreak config check`."""

import pytest

from microbreak.cli import main
from microbreak.config.settings import Settings, SettingsError, load_settings, parse_settings


def problems(text):
    with pytest.raises(SettingsError) as caught:
        parse_settings(text)
    return caught.value.problems


def test_no_file_means_the_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("MICROBREAK_CONFIG", raising=False)
    monkeypatch.setattr("microbreak.config.settings.DEFAULT_PATH", tmp_path / "absent.toml")
    settings = load_settings()
    assert settings == Settings()
    assert settings.schedule.interval_minutes == 45
    assert (settings.button.pin, settings.led.pin, settings.buzzer.pin) == (17, 27, 18)


def test_a_file_overrides_only_what_it_names():
    settings = parse_settings(
        "[schedule]\ninterval_minutes = 30\n[break]\nexercises_per_break = 3\n"
    )
    assert settings.schedule.interval_minutes == 30
    assert settings.break_.exercises_per_break == 3
    assert settings.schedule.heads_up_seconds == 60


def test_wrong_type_names_key_value_and_what_is_allowed():
    [message] = problems('[schedule]\ninterval_minutes = "45"\n')
    assert message.startswith('schedule.interval_minutes = "45" is text')
    assert "allowed: a whole number from 1 to 480 (minutes)" in message


def test_out_of_range_names_key_value_and_range():
    [message] = problems("[break]\nexercises_per_break = 0\n")
    assert message == (
        "break.exercises_per_break = 0 is out of range; allowed: a whole number from 1 to 10"
    )


def test_unknown_key_suggests_the_closest():
    [message] = problems("[schedule]\nintervall_minutes = 30\n")
    assert message == (
        "schedule.intervall_minutes is not a setting; did you mean schedule.interval_minutes?"
    )


def test_unknown_section_is_refused():
    [message] = problems("[buttons]\npin = 4\n")
    assert message == "[buttons] is not a section; did you mean button?"


def test_pins_must_be_gpio_numbers_and_not_shared():
    assert "button.pin = 40 is out of range" in problems("[button]\npin = 40\n")[0]
    [shared] = problems("[led]\npin = 17\n")
    assert shared.startswith("led.pin = 17 is already used by button.pin")
    # a buzzer that is not fitted frees its pin
    assert parse_settings('[buzzer]\nkind = "none"\n[led]\npin = 18\n').led.pin == 18


def test_every_problem_is_reported_at_once():
    found = problems('[schedule]\ninterval_minutes = -1\n[buzzer]\nkind = "loud"\n')
    assert len(found) == 2
    assert (
        'buzzer.kind = "loud" is not a choice; allowed: one of "passive", "active", "none"' in found
    )


def test_booleans_are_not_numbers():
    assert "is true/false" in problems("[led]\npin = true\n")[0]


def test_bad_toml_is_refused_with_the_parser_reason():
    assert problems("[schedule\n")[0].startswith("not valid TOML")


def test_screen_size_range():
    assert parse_settings('[screen]\nsize = "800X480"\n').screen.size == "800x480"
    assert "out of range" in problems('[screen]\nsize = "2000x2000"\n')[0]
    assert "is not a size" in problems('[screen]\nsize = "big"\n')[0]


def test_config_check_exit_codes_and_messages(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text("[schedule]\ninterval_minutes = 30\n")
    assert main(["config", "check", str(good)]) == 0
    assert "OK" in capsys.readouterr().out

    cases = {
        "type.toml": ('[schedule]\ninterval_minutes = "soon"\n', "schedule.interval_minutes"),
        "range.toml": ("[schedule]\ninterval_minutes = 1000\n", "schedule.interval_minutes"),
        "unknown.toml": ("[schedule]\nbreak_every = 30\n", "schedule.break_every"),
    }
    for name, (text, key) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        assert main(["config", "check", str(path)]) == 1
        err = capsys.readouterr().err
        assert str(path) in err and key in err
        assert "allowed:" in err or "did you mean" in err


def test_config_check_of_a_missing_file_fails(tmp_path, capsys):
    assert main(["config", "check", str(tmp_path / "nope.toml")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_run_and_simulate_refuse_a_bad_file_with_the_same_message(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[schedule]\ninterval_minutes = 0\n")
    for verb in ("run", "simulate"):
        assert (
            main(
                [
                    verb,
                    "--config",
                    str(bad),
                    "--state-dir",
                    str(tmp_path / "s"),
                    "--runtime-dir",
                    str(tmp_path / "r"),
                ]
            )
            == 1
        )
        assert "schedule.interval_minutes = 0 is out of range" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()  # refused before anything started


def test_config_show_marks_defaults(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text("[schedule]\ninterval_minutes = 30\n")
    assert main(["config", "--config", str(path), "show"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert lines["schedule.interval_minutes"].split() == ["schedule.interval_minutes", "=", "30"]
    assert lines["schedule.heads_up_seconds"].split() == [
        "schedule.heads_up_seconds",
        "=",
        "60",
        "(default)",
    ]


def test_the_example_file_is_valid_and_shows_every_setting_at_its_default():
    import tomllib
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "deploy" / "config.toml"
    assert load_settings(example) == Settings()
    data = tomllib.loads(example.read_text())
    written = {f"{section}.{key}" for section, table in data.items() for key in table}
    assert written == {key for key, *_ in Settings().items()}
