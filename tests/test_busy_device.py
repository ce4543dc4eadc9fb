"""Busy on a running device: ``microbreak busy`` over the real control socket,
``status`` saying busy and why, a break due meanwhile deferred (in the history
with when it fell due; one on screen when busy began too, and one deferred
until the working hours end), and the simulator's ``b`` key."""

import logging
import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pygame
import pytest
from test_service_day import Desk, ask
from test_simulator import FAST, Simulator

from microbreak.cli.history import format_stats
from microbreak.config.settings import Settings
from microbreak.core.states import StateName
from microbreak.parts.hardware import Hardware
from microbreak.service.loop import ToggleBusy
from microbreak.simulator.window import SimulatorWindow
from microbreak.storage.history import open_read_only
from microbreak.storage.stats import compute

BUSY_FAST = FAST + "[busy]\ngrace_seconds = 30\n"


@pytest.mark.slow
def test_busy_on_off_for_until_and_what_status_says(tmp_path):
    sim = Simulator(tmp_path, config=BUSY_FAST)
    try:
        on = sim.json("busy", "on")
        assert on["state"] == "busy"
        assert on["busy"]["source"] == "manual" and on["busy"]["until"] is None
        plain = sim.cli("status").stdout
        assert "  busy        until turned off (manual)" in plain
        assert sim.json("busy", "off")["state"] == "idle"
        refused = sim.cli("busy", "off", check=False)
        assert (refused.returncode, refused.stderr) == (1, "microbreak: not busy\n")
        timed = sim.json("busy", "--for", "30")
        until = datetime.fromisoformat(timed["busy"]["until"])
        then = datetime.fromisoformat(timed["next_break_at"]) - timedelta(
            seconds=timed["next_break_in_seconds"]
        )  # the simulator's clock (60 times faster) when it answered
        assert 29 * 60 <= (until - then).total_seconds() <= 30 * 60 + 1
        usage = sim.cli("busy", "off", "--for", "5", check=False)
        assert usage.returncode == 2 and "off takes no --until or --for" in usage.stderr
        bad = sim.cli("busy", "--until", "25:00", check=False)
        assert bad.returncode == 2 and "allowed: a time of day HH:MM" in bad.stderr
    finally:
        sim.stop()


@pytest.mark.slow
def test_a_break_due_while_busy_is_deferred_and_comes_after(tmp_path):
    sim = Simulator(tmp_path, config=BUSY_FAST)  # a break every minute of its clock (1 s)
    try:
        sim.cli("busy", "on")
        busy = sim.wait_for(lambda s: s["busy"]["deferred"], "a break to fall due while busy")
        assert busy["state"] == "busy"
        assert "a break fell due: it comes after" in sim.cli("status").stdout
        sim.cli("busy", "off")
        sim.wait_for(lambda s: s["state"] == "break", "the deferred break, 30 s after")
        sim.cli("press")
        sim.cli("press")
        record = sim.json("history")[0]  # the next may have begun: a minute is a second here
        assert record["outcome"] == "completed" and record["deferred_by"] == "manual"
        assert record["due_at"] < record["started_at"]
        assert "break deferred: busy (manual)" in sim.output()
    finally:
        sim.stop()


LONDON = ZoneInfo("Europe/London")
HOURS = '[hours]\ntimezone = "Europe/London"\n[busy]\ngrace_seconds = 30\n'  # 09:00-17:30


def tuesday(hour, minute=0):
    return datetime(2026, 11, 24, hour, minute, tzinfo=LONDON)


def test_a_break_on_screen_when_busy_began_is_in_the_history_as_deferred(tmp_path, mock_factory):
    d = Desk(tmp_path, mock_factory, settings=HOURS, wall=tuesday(10))
    try:
        d.run(45 * 60 + 10)
        assert d.schedule.state.name is StateName.BREAK  # since 10:45
        assert ask(d, "busy", state="on", source="home_assistant")["state"] == "busy"
        d.run(10 * 60)
        ask(d, "busy", state="off")
        d.run(30, answer=True)  # called again 30 s after, and done
        [record] = d.service.history.recent()
        assert (record["started_at"], record["due_at"], record["deferred_by"]) == (
            "2026-11-24T10:45:00+00:00",
            "2026-11-24T10:45:10+00:00",
            "home_assistant",
        )
        assert record["outcome"] == "completed"
    finally:
        d.close()


def test_a_break_deferred_until_closing_is_counted_deferred_not_missed(
    tmp_path, mock_factory, caplog
):
    d = Desk(tmp_path, mock_factory, settings=HOURS, wall=tuesday(16))
    try:
        ask(d, "busy", state="on")  # until turned off: a long meeting
        with caplog.at_level(logging.INFO, logger="microbreak"):
            d.run(2 * 3600)  # to 18:00: the break fell due at 16:45
        assert d.calls() == []
        [record] = d.service.history.recent()
        assert (record["due_at"], record["deferred_by"], record["outcome"]) == (
            "2026-11-24T16:45:00+00:00",
            "manual",
            "deferred",
        )
        assert (record["ended_at"], record["planned"]) == ("2026-11-24T17:30:00+00:00", [])
        today = d.service.status()["today"]
        assert (today["deferred"], today["missed"], today["not_ended"]) == (1, 0, 0)
        db = open_read_only(d.service.history.path)  # as `microbreak stats` reads it
        stats = compute(db, today=tuesday(18).date())
        db.close()
        assert "today        1 break (1 deferred) · 0 sets" in format_stats(stats)
        assert stats.current_streak.days == 0 and stats.today.completion is None
        assert any("break not taken: busy" in r.message for r in caplog.records)
    finally:
        d.close()


def test_the_simulators_b_key_toggles_busy(mock_factory):
    parts = Hardware(Settings(), lambda event: None, pin_factory=mock_factory)
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    window = SimulatorWindow(lambda: parts, headless=True)
    try:
        window.pump()
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_b))
        assert [type(e) for e in window.pump()] == [ToggleBusy]
    finally:
        window.close()
        parts.close()
