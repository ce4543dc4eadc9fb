"""Busy on a running device: ``microbreak busy`` over the real control socket,
``status`` saying busy and why, a break due meanwhile deferred (in the history
with when it fell due), and the simulator's ``b`` key."""

import os
from datetime import datetime, timedelta

import pygame
import pytest
from test_simulator import FAST, Simulator

from microbreak.config.settings import Settings
from microbreak.parts.hardware import Hardware
from microbreak.service.loop import ToggleBusy
from microbreak.simulator.window import SimulatorWindow

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
