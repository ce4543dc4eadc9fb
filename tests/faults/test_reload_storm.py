"""A reload storm: SIGHUP after SIGHUP, the settings file good and bad by
turns, while breaks come and go. The service stays up, never runs on a bad
file, and ends on the last good one."""

import contextlib
import os
import random
import signal
import sqlite3
import threading
import time

import pytest

from microbreak.service.control import ControlError
from microbreak.simulator.harness import ALWAYS

pytestmark = pytest.mark.slow

SIGNALS = 100
BASE = f"""
[schedule]
interval_minutes = 1
heads_up_seconds = 10
[break]
exercises_per_break = 1
recue_minutes = 1
max_recues = 1
summary_seconds = 1
[hours]
{ALWAYS}"""
BAD = (
    "[schedule\ninterval_minutes = 1\n",  # not TOML
    BASE.replace("interval_minutes = 1", "interval_minutes = 0"),  # out of range
    BASE + "[sound]\nvolum = 50\n",  # no such key
    BASE + '[sound]\nvolume = "loud"\n',  # wrong type
    BASE + "[led]\npin = 17\n",  # the button's pin
)


def good(n: int) -> tuple[str, dict]:
    """The *n*th good file, and what the service must run with after it: the
    snooze length and the volume differ each time (a [sound] change rebuilds
    the buzzer and LED)."""
    snooze, volume = 1 + n % 120, n % 101
    text = BASE.replace("summary_seconds = 1", f"summary_seconds = 1\nsnooze_minutes = {snooze}")
    return (
        text + f"[sound]\nvolume = {volume}\n",
        {"break.snooze_minutes": snooze, "sound.volume": volume},
    )


def write(path, text: str) -> None:
    """As ``config set`` does: a whole new file renamed over the old."""
    spare = path.with_suffix(".new")
    spare.write_text(text)
    os.replace(spare, path)


def keep_pressing(device, stop: threading.Event) -> None:
    """Someone at the desk confirming sets now and then."""
    while not stop.wait(0.3):
        with contextlib.suppress(ControlError):  # no break on, or the button held already
            device.call("press")


def test_a_reload_storm_leaves_it_running_on_the_last_good_settings(device_factory, report):
    rng = random.Random(3)
    first, _ = good(0)
    device = device_factory(first, speed=120)
    device.start()
    device.acknowledge_notice()
    stop = threading.Event()
    presser = threading.Thread(target=keep_pressing, args=(device, stop))
    presser.start()
    good_seen, expected = [], None
    try:
        for i in range(SIGNALS):
            if i % 2 == 0:
                text, expected = good(i + 1)
                good_seen.append(expected)
            else:
                text = BAD[(i // 2) % len(BAD)]
            write(device.config, text)
            os.kill(device.pid, signal.SIGHUP)
            if i == SIGNALS - 2:  # the last good file: wait until it is in force
                device.wait_for(
                    lambda s, expected=expected: running(device) == expected, "the last good file"
                )
            else:
                time.sleep(rng.uniform(0, 0.03))
            if i % 10 == 9:  # now and then: never anything but a good file's settings
                assert running(device) in good_seen
        time.sleep(0.5)  # the last, bad file has been read and refused
        assert device.alive()
        assert running(device) == expected
        status = device.call("status")
    finally:
        stop.set()
        presser.join()
    assert device.stop() == 0
    output = device.output()
    assert "Traceback" not in output, output
    db = sqlite3.connect(device.state / "history.sqlite")
    breaks = db.execute("SELECT count(*) FROM breaks").fetchone()[0]
    db.close()
    refused, reloaded = output.count("settings rejected"), output.count("settings reloaded")
    report(
        sighups=SIGNALS,
        reloads_applied=reloaded,
        reloads_refused=refused,
        breaks_meanwhile=breaks,
        alive=True,
        last_good_in_force=True,
        tracebacks=0,
    )
    assert refused >= 1 and reloaded >= 1 and breaks >= 1
    assert status["state"] in ("idle", "heads_up", "break")


def running(device) -> dict:
    settings = device.call("settings")
    return {key: settings[key] for key in ("break.snooze_minutes", "sound.volume")}
