"""The Prometheus text-file export, as node_exporter's textfile collector
and the person who set it up see it: off unless set; the state, the next
break and the counts in the file, written whole and only on a change; a
failed write said, counted, and mended at the next change."""

import logging
import os
import re
import stat
from datetime import datetime, timedelta, timezone

import pytest

from microbreak.config.settings import SettingsError, parse_settings
from microbreak.core.gestures import Gesture
from microbreak.service.clock import FakeClock
from microbreak.service.loop import Service

WALL = datetime(2026, 11, 25, 10, 0, tzinfo=timezone(timedelta(hours=1)))
SAMPLE = re.compile(r'^microbreak_[a-z_]+(\{[a-z_]+="[a-z_]+"\})? -?[0-9.e+]+$')


class Desk:
    def __init__(self, tmp_path, factory, export):
        self.clock = FakeClock(wall=WALL)
        settings = f'[hours]\nwed = "00:00-24:00"\n[export]\nprometheus_textfile = "{export}"\n'
        self.service = Service(
            parse_settings(settings),
            state_dir=tmp_path / "state",
            runtime_dir=tmp_path / "run",
            clock=self.clock,
            pin_factory=factory,
        )

    def turn(self):
        """A turn of the loop: the schedule, then the export."""
        now = self.clock.now()
        self.service.apply(self.service.schedule.advance(now), now)
        self.service.report.export(now)

    def press(self):
        self.service.act(lambda now: self.service.schedule.gesture(Gesture.PRESS, now))
        self.turn()


@pytest.fixture
def desk(tmp_path, mock_factory):
    made = []

    def make(export):
        made.append(Desk(tmp_path, mock_factory, export))
        return made[-1]

    yield make
    for one in made:
        one.service.close()


def figures(path):
    """The file's samples, ``{name{labels}: value}``; every line well formed."""
    found = {}
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) microbreak_[a-z_]+ ", line), line
            continue
        assert SAMPLE.match(line), line
        name, value = line.rsplit(" ", 1)
        found[name] = float(value)
    return found


def test_the_file_says_the_state_the_next_break_and_the_counts(desk, tmp_path):
    path = tmp_path / "collector" / "microbreak.prom"
    path.parent.mkdir()
    d = desk(path)
    d.turn()
    shown = figures(path)
    assert shown['microbreak_state{state="idle"}'] == 1
    assert shown['microbreak_state{state="break"}'] == 0
    next_break = WALL + timedelta(minutes=45)
    assert shown["microbreak_next_break_timestamp_seconds"] == next_break.timestamp()
    assert shown['microbreak_breaks_today{outcome="completed"}'] == 0
    assert shown["microbreak_history_write_ok"] == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # node_exporter reads it as another user
    d.service.act(d.service.schedule.break_now)
    d.turn()
    during = figures(path)
    assert during['microbreak_state{state="break"}'] == 1
    assert "microbreak_next_break_timestamp_seconds" not in during
    assert during['microbreak_breaks_today{outcome="not_ended"}'] == 1
    d.press()
    d.press()
    after = figures(path)
    assert after['microbreak_breaks_today{outcome="completed"}'] == 1
    assert after["microbreak_sets_today"] == 2 and after["microbreak_sets_total"] == 2
    assert after['microbreak_breaks_total{outcome="completed"}'] == 1
    assert after["microbreak_streak_days"] == 1


def test_it_is_written_whole_and_only_when_a_figure_changes(desk, tmp_path):
    path = tmp_path / "microbreak.prom"
    d = desk(path)
    d.turn()
    first = path.stat()
    for _ in range(5):
        d.clock.advance(30)
        d.turn()
    assert path.stat().st_ino == first.st_ino  # not written again: nothing changed
    d.service.act(d.service.schedule.break_now)
    d.turn()
    assert path.stat().st_ino != first.st_ino  # a new file renamed over the old one
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".prom") == [path.name]
    assert not list(tmp_path.glob(".microbreak.prom*"))


def test_a_failed_write_is_said_once_counted_and_mended_at_the_next_change(desk, tmp_path, caplog):
    path = tmp_path / "collector" / "microbreak.prom"  # a folder not made yet
    caplog.set_level(logging.WARNING, logger="microbreak")
    d = desk(path)
    d.turn()
    d.clock.advance(30)
    d.turn()
    export = d.service.status()["export"]
    assert not export["ok"] and "cannot write the Prometheus export" in export["detail"]
    assert caplog.text.count("cannot write the Prometheus export") == 1
    path.parent.mkdir()
    d.service.act(d.service.schedule.break_now)
    d.turn()
    shown = figures(path)
    assert shown["microbreak_export_write_errors_total"] == 1
    assert shown["microbreak_export_last_error_timestamp_seconds"] > 0
    assert d.service.status()["export"]["ok"]
    assert "is written again" in caplog.text


def test_off_unless_set_and_a_bad_path_is_refused(desk, tmp_path):
    d = desk("")
    d.turn()
    assert d.service.status()["export"] == {"path": None, "ok": True, "detail": None, "errors": 0}
    assert not [p for p in tmp_path.rglob("*.prom")]
    for bad in ("microbreak.prom", "/var/lib/node-exporter/microbreak.txt"):
        with pytest.raises(SettingsError) as refused:
            parse_settings(f'[export]\nprometheus_textfile = "{bad}"\n')
        assert "export.prometheus_textfile" in str(refused.value)
        assert "an absolute path ending in .prom" in str(refused.value)


def test_status_names_the_export_and_says_when_it_fails(desk, tmp_path):
    from microbreak.cli.remote import format_status

    d = desk(tmp_path / "nowhere" / "microbreak.prom")
    d.turn()
    text = format_status(d.service.status())
    assert "  export      NOT WRITTEN: cannot write the Prometheus export" in text
    os.makedirs(tmp_path / "nowhere")
    d.service.act(d.service.schedule.break_now)  # the figures change: tried again
    d.turn()
    assert f"  export      {tmp_path / 'nowhere' / 'microbreak.prom'}" in format_status(
        d.service.status()
    )
