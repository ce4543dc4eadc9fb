"""Power cuts: the service killed (SIGKILL) at random moments while breaks
run, restarted each time. The history must stay a sound database holding
every set whose confirmation the device showed: a press whose answer came
back, which the service gives only after it has recorded the set and
started the LED's flash."""

import os
import random
import signal
import sqlite3
import threading
import time
from collections import Counter

import pytest
from faultlib import size

from microbreak.service.control import ControlError
from microbreak.simulator.harness import ALWAYS

pytestmark = pytest.mark.slow

CONFIG = f"""
[schedule]
interval_minutes = 480
[break]
exercises_per_break = 2
recue_minutes = 60
max_recues = 10
summary_seconds = 1
[hours]
{ALWAYS}"""


def script_breaks(device, acknowledged: Counter, counts: Counter) -> None:
    """Break after break, pressing for each set, until the device dies. A set
    counts as acknowledged only once its press has been answered."""
    while True:
        status = device.call("status")
        if status.get("notice"):
            device.call("press")
            continue
        if status["state"] != "break":
            device.call("break-now")
            counts["breaks"] += 1
            continue
        shown = status["break"]
        key = (shown["started_at"], shown["current"])
        after = device.call("press")
        counts["presses answered"] += 1
        same = after["break"] is not None and after["break"]["started_at"] == key[0]
        assert (after["break"]["confirmed"][-1] == key[1]) if same else True
        acknowledged[key] += 1


def test_no_acknowledged_set_is_lost_to_sigkill(device_factory, report):
    rng = random.Random(8)
    breaks = size(20, 500)
    device = device_factory(CONFIG)
    acknowledged, counts = Counter(), Counter()
    kills = 0
    started = time.monotonic()
    while counts["breaks"] < breaks:
        device.start(wait=False)
        # A random moment of this life, from start-up on: mid-write, mid-press, anywhere.
        killer = threading.Timer(rng.uniform(0.05, 2.0), os.kill, (device.pid, signal.SIGKILL))
        killer.start()
        try:
            device.wait_for(lambda s: True, "the control socket", timeout=10)
            script_breaks(device, acknowledged, counts)
        except (ControlError, AssertionError):
            pass  # killed: the requests in flight got no answer
        finally:
            killer.join()
            device.process.wait(10)
        assert device.process.returncode == -signal.SIGKILL, device.output()[-3000:]
        kills += 1

    device.start()  # the last start closes the breaks the kills left open
    device.stop()
    output = device.output()
    assert "Traceback" not in output, output

    db = sqlite3.connect(device.state / "history.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    stored = Counter(
        db.execute(
            "SELECT b.started_at, s.exercise FROM sets s JOIN breaks b ON b.id = s.break_id"
        ).fetchall()
    )
    open_breaks = db.execute("SELECT count(*) FROM breaks WHERE outcome IS NULL").fetchone()[0]
    recorded = db.execute("SELECT count(*) FROM breaks").fetchone()[0]
    db.close()
    lost = acknowledged - stored
    report(
        kills=kills,
        breaks_started=counts["breaks"],
        breaks_recorded=recorded,
        sets_acknowledged=sum(acknowledged.values()),
        sets_recorded=sum(stored.values()),
        sets_lost=sum(lost.values()),
        integrity="ok",
        tracebacks=0,
        seconds=round(time.monotonic() - started, 1),
    )
    assert not lost, f"acknowledged but not in the history: {lost}"
    assert sum(acknowledged.values()) > breaks / 2, "too few presses were answered to judge"
    assert open_breaks == 0
