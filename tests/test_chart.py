"""``microbreak stats --chart`` as someone at an SSH terminal sees it: the
weeks as bars, the days as a heat strip, in block characters with a UTF-8
locale and in ASCII without one."""

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from microbreak.cli.chart import ASCII, UNICODE, day_level, glyphs_for, heat_strip, week_bar
from microbreak.core.effects import Outcome
from microbreak.core.totals import Totals
from microbreak.storage.history import History

TODAY = date.today()
THIS_MONDAY = TODAY - timedelta(days=TODAY.weekday())


@pytest.fixture
def state(tmp_path):
    """Three weeks of four breaks a working day: every break done in the
    first, half in the second, none in the third; a natural break on the
    second week's Saturday."""
    history = History(tmp_path / "history.sqlite")
    zone = timezone(timedelta(hours=1))
    plan = {3: Outcome.COMPLETED, 2: None, 1: Outcome.MISSED}  # weeks back: how breaks end
    with history.transaction():  # one sync for them all
        write_weeks(history, plan, zone)
    saturday = THIS_MONDAY - timedelta(weeks=2) + timedelta(days=5)
    at = datetime(saturday.year, saturday.month, saturday.day, 11, tzinfo=zone)
    history.break_ended(history.break_started(at, (), "away"), Outcome.AWAY, at)
    history.close()
    return tmp_path


def write_weeks(history, plan, zone):
    for back, outcome in plan.items():
        monday = THIS_MONDAY - timedelta(weeks=back)
        for day in [monday + timedelta(days=n) for n in range(5)]:
            for n in range(4):
                ends = outcome or (Outcome.COMPLETED if n % 2 else Outcome.SKIPPED)
                at = datetime(day.year, day.month, day.day, 10 + n, tzinfo=zone)
                b = history.break_started(at, ("shoulder-rolls",), "scheduled")
                if ends is Outcome.COMPLETED:
                    history.set_confirmed(b, "shoulder-rolls", at)
                history.break_ended(b, ends, at)


def chart(state, lang, *more):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env["LANG"] = lang
    run = subprocess.run(
        [sys.executable, "-m", "microbreak", "stats", "--chart", "--state-dir", str(state), *more],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_weeks_are_bars_as_long_as_their_breaks_by_outcome(state):
    out = chart(state, "en_GB.UTF-8")
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "█ completed" in out and "░ missed" in out
    weeks = {}
    for back in (3, 2, 1):
        year, week, _ = (THIS_MONDAY - timedelta(weeks=back)).isocalendar()
        [line] = [line for line in lines if line.startswith(f"{year}-W{week:02d}")]
        weeks[back] = line
    done, half, none = (weeks[back].split()[1] for back in (3, 2, 1))
    assert set(done) == {"█"} and set(none) == {"░"} and len(done) == len(none)
    assert weeks[3].endswith(" 20  100 %") and weeks[1].endswith(" 20    0 %")
    # The busiest week (its Saturday's natural break too) fills the width.
    assert len(half) == 80 - len("2026-W01  ") - len("  999  100 %") > len(done)
    assert abs(half.count("█") - half.count("▒")) <= 1 and half.endswith("·")


def test_the_days_are_a_calendar_shaded_by_the_breaks_done(state):
    lines = chart(state, "en_GB.UTF-8").splitlines()
    rows = {line[:3]: line[5:] for line in lines if line[:3] in ("Mon", "Fri", "Sat", "Sun")}
    assert "Sun" not in rows  # no Sunday had a break: no row for it
    assert rows["Mon"].rstrip().endswith("█ ▒ ░")  # 3, 2 and 1 weeks back
    assert rows["Sat"].rstrip().endswith("·")  # only a natural break: no verdict


@pytest.mark.slow
def test_without_a_utf_8_locale_the_chart_is_ascii(state):
    out = chart(state, "C")
    assert out.isascii() and "# completed" in out and ". missed" in out
    german = chart(state, "de_DE.ISO-8859-1")  # in German, its words as they are spelt
    assert "# erledigt" in german and not set("█▓▒░╌") & set(german)
    assert not chart(state, "C.UTF-8").isascii()


def test_chart_is_text_not_json_or_csv(state):
    run = subprocess.run(
        [sys.executable, "-m", "microbreak", "stats", "--chart", "--json", "--state-dir", state],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "one of --json, --csv and --chart" in run.stderr


def test_since_starts_the_chart_there(state):
    since = THIS_MONDAY - timedelta(weeks=2)
    lines = chart(state, "C.UTF-8", "--since", since.isoformat()).splitlines()
    assert lines[0].startswith(f"since {since}  41 breaks")
    assert len([line for line in lines if line[:4].isdigit() and "-W" in line]) == 2
    assert lines[[line[:3] for line in lines].index("Mon")][5:].startswith("▒ ░")


def test_a_bar_adds_up_to_the_whole_and_a_day_has_five_shades():
    week = Totals(7, completed=3, partial=2, skipped=1, missed=1)
    assert len(week_bar(week, 10 / 7, UNICODE)) == 10
    assert week_bar(Totals(1), 5.0, ASCII) == ""  # a break not ended yet is not drawn
    shades = [
        day_level(Totals(3, completed=done, missed=3 - done), UNICODE) for done in (3, 2, 1, 0)
    ]
    assert shades == ["█", "▓", "▒", "░"]
    assert day_level(None, UNICODE) == " " and day_level(Totals(1), UNICODE) == "·"
    assert glyphs_for("en_US.utf8", "utf-8") is UNICODE
    assert glyphs_for("en_US.UTF-8", "latin-1") is ASCII  # output that cannot take them
    assert glyphs_for(None, "utf-8") is ASCII
    strip = heat_strip({}, date(2026, 12, 2), UNICODE)
    assert strip[1].split() == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    assert [line[:3] for line in strip[2:]] == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_a_break_busy_held_off_till_the_hours_ended_has_a_part_of_its_own():
    week = Totals(4, completed=2, missed=1, deferred=1)
    assert week_bar(week, scale=1.0, glyphs=UNICODE) == "██░╌"
    assert week_bar(week, scale=1.0, glyphs=ASCII) == "##.="
