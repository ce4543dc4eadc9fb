"""End to end: the headless simulator as a real process, driven by the CLI verbs
over its real control socket, as a script or a person over SSH would."""

import base64
import signal
import time
from datetime import datetime

import pygame
import pytest

from microbreak.simulator.harness import ALWAYS, Device

pytestmark = pytest.mark.slow

FAST = (
    """
[hours]
"""
    + ALWAYS
    + """
[schedule]
interval_minutes = 1
heads_up_seconds = 10
[break]
exercises_per_break = 2
recue_minutes = 1
max_recues = 1
summary_seconds = 5
"""
)


class Simulator(Device):
    """The headless simulator, started; the health notice read unless not
    *acknowledge*."""

    def __init__(self, tmp_path, config=FAST, speed=60, acknowledge=True):
        super().__init__(tmp_path, config, speed=speed)
        first = self.start()
        if first["notice"] == "first_start" and acknowledge:
            self.cli("press")  # the person at the desk has read the health notice


@pytest.fixture
def simulator(tmp_path):
    sim = Simulator(tmp_path)
    yield sim
    sim.stop()


def test_a_break_is_cued_and_one_press_per_set_completes_it(simulator):
    status = simulator.wait_for(lambda s: s["state"] == "break", "the first break")
    exercises = status["break"]["exercises"]
    assert len(exercises) == 2
    for i, name in enumerate(exercises):
        assert simulator.status()["break"]["current"] == name
        after = simulator.json("press")
        assert after["break"] is None if i == 1 else after["break"]["confirmed"] == [name]
    assert simulator.status()["state"] == "idle"
    [record] = simulator.json("history")
    assert record["outcome"] == "completed"
    assert [s["exercise"] for s in record["sets"]] == exercises
    assert all(s["confirmed_at"] for s in record["sets"])
    assert simulator.status()["today"]["completed"] == 1
    # The log tells the time of the simulator's clock, as its screen and status do.
    [cued] = [line for line in simulator.output().splitlines() if "break cued" in line]
    logged = datetime.strptime(cued[:19], "%Y-%m-%d %H:%M:%S")
    started = datetime.fromisoformat(record["started_at"]).replace(tzinfo=None)
    assert abs((logged - started).total_seconds()) <= 5


def test_an_unanswered_break_is_missed_after_the_recues_and_the_next_is_scheduled(simulator):
    simulator.wait_for(lambda s: s["state"] == "break", "the first break")
    status = simulator.wait_for(lambda s: s["state"] != "break", "the break to give up")
    assert status["next_break_at"] is not None
    [record] = simulator.json("history")
    assert record["outcome"] == "missed" and record["sets"] == []
    assert "break missed" in simulator.output()
    simulator.wait_for(lambda s: s["state"] == "break", "the next break")


def test_hold_snoozes_and_a_long_hold_skips(tmp_path):
    # A 5 s hold is 5 minutes of a clock 60 times faster: re-cue less often than that.
    simulator = Simulator(tmp_path, config=FAST.replace("recue_minutes = 1", "recue_minutes = 30"))
    simulator.wait_for(lambda s: s["state"] == "break", "the first break")
    snoozed = simulator.json("hold", "2.2")
    assert snoozed["state"] == "idle" and snoozed["break"]["snoozed"]
    simulator.cli("break-now")
    skipped = simulator.json("hold", "5.2")
    assert skipped["state"] == "idle"
    [record] = simulator.json("history")
    assert record["outcome"] == "skipped"
    simulator.stop()


def test_plain_status_and_history_read_well(simulator):
    simulator.cli("break-now")
    simulator.cli("press")
    out = simulator.cli("status").stdout
    assert out.startswith("microbreak: break (simulator)")
    assert "exercise    high-reach-stretch (2 of 2)" in out
    simulator.cli("press")
    lines = simulator.cli("history").stdout.splitlines()
    assert lines[0].split() == ["started", "outcome", "sets", "exercises"]
    assert "completed  2/2" in lines[1]


def test_screenshots_show_the_scenes(simulator, tmp_path):
    idle_png, break_png = tmp_path / "idle.png", tmp_path / "break.png"
    simulator.cli("screenshot", str(idle_png))
    simulator.cli("break-now")
    simulator.cli("screenshot", str(break_png))
    idle, exercise = pygame.image.load(idle_png), pygame.image.load(break_png)
    assert idle.get_size() == exercise.get_size()
    assert idle.get_width() > 320  # the device screen and the panel beside it
    device = pygame.Rect(0, 0, 320, 240)
    idle_colours = {idle.get_at((x, y))[:3] for x in range(0, 320, 4) for y in range(0, 240, 4)}
    differing = sum(
        idle.get_at((x, y)) != exercise.get_at((x, y))
        for x in range(device.left, device.right, 4)
        for y in range(device.top, device.bottom, 4)
    )
    assert len(idle_colours) > 3, "the idle scene is not blank"
    assert differing > 500, "the exercise scene replaced the idle one"


def test_a_screenshot_is_written_by_the_command_not_the_service(simulator, tmp_path, monkeypatch):
    from microbreak.cli import main

    # The service only answers with the picture; whoever asks writes it.
    png = base64.b64decode(simulator.call("screenshot")["png"])
    assert png.startswith(b"\x89PNG")
    monkeypatch.chdir(tmp_path)
    assert main(["screenshot", "here.png", "--runtime-dir", str(simulator.runtime)]) == 0
    assert pygame.image.load(tmp_path / "here.png").get_width() > 320  # a relative path is fine
    missing = simulator.cli("screenshot", str(tmp_path / "nowhere" / "z.png"), check=False)
    assert missing.returncode == 1
    assert (
        missing.stderr
        == f"microbreak: cannot write {tmp_path}/nowhere/z.png: No such file or directory\n"
    )
    jpeg = simulator.cli("screenshot", "x.jpg", check=False)
    assert jpeg.returncode == 2 and "ending in .png" in jpeg.stderr
    assert "Traceback" not in simulator.output()


def test_refused_verbs_say_why(simulator):
    simulator.cli("break-now")
    again = simulator.cli("break-now", check=False)
    assert again.returncode == 1 and "already" in again.stderr
    bad = simulator.cli("hold", "0", check=False)
    assert bad.returncode == 2  # usage: not a positive number


def test_sigterm_stops_it_cleanly(tmp_path):
    sim = Simulator(tmp_path)
    sim.process.send_signal(signal.SIGTERM)
    assert sim.process.wait(10) == 0
    assert not (sim.runtime / "control.sock").exists()
    sim.stop()


def test_settings_reload_applies_a_good_file_and_keeps_the_last_good_one(tmp_path):
    sim = Simulator(tmp_path, speed=1)
    config = tmp_path / "config.toml"
    try:
        assert sim.call("settings")["schedule.interval_minutes"] == 1
        config.write_text(FAST.replace("interval_minutes = 1", "interval_minutes = 30"))
        assert sim.cli("reload").stdout.strip() == "reloaded: schedule.interval_minutes"
        assert sim.status()["next_break_in_seconds"] > 25 * 60

        config.write_text(FAST.replace("interval_minutes = 1", "interval_minutes = 0"))
        refused = sim.cli("reload", check=False)
        assert refused.returncode == 1
        assert "keeps its last good ones" in refused.stderr
        assert "schedule.interval_minutes = 0 is out of range" in refused.stderr
        assert sim.call("settings")["schedule.interval_minutes"] == 30

        config.write_text(FAST.replace("interval_minutes = 1", "interval_minutes = 5"))
        sim.process.send_signal(signal.SIGHUP)
        sim.wait_for(lambda s: s["next_break_in_seconds"] < 6 * 60, "SIGHUP to reload")
    finally:
        sim.stop()


def test_presence_an_empty_desk_waits_and_a_return_after_long_enough_is_a_natural_break(tmp_path):
    config = (
        FAST + "[presence]\nenabled = true\nempty_after_seconds = 10\naway_minutes = 2\n"
        "return_grace_seconds = 30\n"
    )
    sim = Simulator(tmp_path, config=config, speed=60)
    try:
        sim.cli("motion", "on")
        off = sim.cli("motion", "off")  # still from now: empty after 10 s (1/6 s here)
        assert off.stdout.startswith("microbreak: idle (simulator)\n")  # as every action does
        status = sim.wait_for(lambda s: not s["present"], "the desk to count as empty")
        assert status["state"] == "idle"
        refused = sim.cli("break-now", check=False)
        assert refused.returncode == 1 and "desk is empty" in refused.stderr
        time.sleep(3)  # 3 minutes at 60x: the break falls due, nobody is there
        assert sim.status()["state"] == "idle"
        sim.cli("motion", "on")
        [record] = sim.json("history")
        assert record["outcome"] == "away" and record["reason"] == "away"
    finally:
        sim.stop()


def test_the_first_start_shows_the_health_notice_until_a_press_and_never_again(tmp_path):
    sim = Simulator(tmp_path, acknowledge=False)
    try:
        assert sim.status()["notice"] == "first_start"
        assert "the health notice is on screen" in sim.cli("status").stdout
        time.sleep(2)  # two minutes at 60x: no break while the notice is up
        assert sim.status()["state"] == "notice"
        refused = sim.cli("break-now", check=False)
        assert refused.returncode == 1 and "notice" in refused.stderr
        sim.cli("press")
        assert sim.status()["notice"] is None
        sim.wait_for(lambda s: s["state"] == "break", "the first break after the notice")
    finally:
        sim.stop()
    again = Simulator(tmp_path)  # the same state folder: acknowledged already
    try:
        assert again.status()["notice"] is None
    finally:
        again.stop()
