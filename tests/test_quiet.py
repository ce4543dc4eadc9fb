"""Quiet periods and the [sound] settings."""

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from microbreak.config.settings import SettingsError, parse_settings
from microbreak.core.quiet import QuietPeriod, is_quiet


def problems(text):
    with pytest.raises(SettingsError) as caught:
        parse_settings(text)
    return caught.value.problems


def test_a_period_runs_from_its_start_up_to_its_end():
    lunch = QuietPeriod.parse("12:30-13:15")
    assert time(12, 29, 59) not in lunch
    assert time(12, 30) in lunch and time(13, 14, 59) in lunch
    assert time(13, 15) not in lunch


def test_a_period_may_run_over_midnight():
    night = QuietPeriod.parse("22:00-07:00")
    assert all(t in night for t in (time(22), time(23, 59, 59), time(0), time(6, 59)))
    assert not any(t in night for t in (time(7), time(12), time(21, 59)))


def test_quiet_across_a_whole_day_with_a_moving_clock():
    periods = [QuietPeriod.parse(p) for p in ("12:30-13:15", "22:00-07:00")]
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    quiet_minutes = {m for m in range(24 * 60) if is_quiet(periods, start + timedelta(minutes=m))}
    expected = (
        set(range(0, 7 * 60))
        | set(range(12 * 60 + 30, 13 * 60 + 15))
        | set(range(22 * 60, 24 * 60))
    )
    assert quiet_minutes == expected


def test_the_wall_clock_zone_is_the_one_the_time_is_read_in():
    noon_utc = datetime(2026, 6, 1, 12, 45, tzinfo=UTC)
    lunch = [QuietPeriod.parse("12:30-13:15")]
    assert is_quiet(lunch, noon_utc)
    assert not is_quiet(lunch, noon_utc.astimezone(timezone(timedelta(hours=2))))


@pytest.mark.parametrize(
    "text, reason",
    [
        ("12:30", "is not HH:MM-HH:MM"),
        ("noon-1pm", "is not HH:MM-HH:MM"),
        ("24:00-01:00", "is not a time of day"),
        ("12:60-13:00", "is not a time of day"),
        ("09:00-9:00", "starts and ends at the same time"),
    ],
)
def test_a_malformed_period_says_what_is_wrong(text, reason):
    with pytest.raises(ValueError, match=reason):
        QuietPeriod.parse(text)


def test_sound_settings_defaults_and_overrides():
    sound = parse_settings("").sound
    assert (sound.volume, sound.mute, sound.quiet_periods, sound.speaker) == (100, False, (), False)
    assert sound.melodies_folder == "/etc/microbreak/sounds"
    sound = parse_settings(
        "[sound]\nvolume = 40\nmute = true\nspeaker = true\n"
        'quiet_periods = ["7:05-8:00", "22:00 - 06:30"]\n'
        'melodies_folder = "/home/pi/tunes"\n'
    ).sound
    assert (sound.volume, sound.mute, sound.speaker) == (40, True, True)
    assert sound.quiet_periods == ("07:05-08:00", "22:00-06:30")  # written one way
    assert sound.melodies_folder == "/home/pi/tunes"


def test_bad_quiet_periods_name_the_key_the_value_and_what_is_allowed():
    allowed = (
        'allowed: a list of "HH:MM-HH:MM" times of day, '
        'e.g. ["12:30-13:15", "22:00-07:00"], or [] for none'
    )
    [message] = problems('[sound]\nquiet_periods = ["12:00-1300"]\n')
    assert message == (
        'sound.quiet_periods = ["12:00-1300"] has "12:00-1300", which is not '
        f"HH:MM-HH:MM; {allowed}"
    )
    [message] = problems('[sound]\nquiet_periods = "22:00-07:00"\n')
    assert message == f'sound.quiet_periods = "22:00-07:00" is text, not a list; {allowed}'
    [message] = problems("[sound]\nquiet_periods = [1200]\n")
    assert message.startswith("sound.quiet_periods = [1200] has 1200, which is a whole number")


def test_other_sound_settings_are_checked():
    assert problems("[sound]\nvolume = 101\n") == [
        "sound.volume = 101 is out of range; allowed: a whole number from 0 to 100 (percent)"
    ]
    assert problems('[sound]\nmute = "yes"\n') == [
        'sound.mute = "yes" is text, not true/false; allowed: true or false'
    ]
    assert problems('[sound]\nmelodies_folder = "sounds"\n') == [
        'sound.melodies_folder = "sounds" is not an absolute path; '
        'allowed: an absolute folder path, e.g. "/etc/microbreak/sounds"'
    ]
