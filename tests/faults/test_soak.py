"""A day, fast: the simulator runs 24 simulated hours of breaks (2 in the
small run) at 720 times real speed, someone pressing for most of them. Its
resident memory grows by at most 2 MiB over the day and its open file
descriptors not at all, counted from after a warm-up (four simulated hours,
three in the small run: every scene drawn, every lazy import done, the text
cache full)."""

import os
import random
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from faultlib import size

from microbreak.service.control import ControlError
from microbreak.simulator.harness import ALWAYS

pytestmark = pytest.mark.slow

SPEED = 720
CONFIG = f"""
[schedule]
interval_minutes = 30
heads_up_seconds = 60
[break]
exercises_per_break = 2
recue_minutes = 3
max_recues = 2
summary_seconds = 8
[hours]
{ALWAYS}"""
MIB = 1024 * 1024


def footprint(pid: int) -> dict:
    """Resident memory (bytes), open file descriptors and threads of *pid*."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines())
    return {
        "rss": int(fields["VmRSS"].split()[0]) * 1024,
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "threads": int(fields["Threads"]),
    }


def someone_at_the_desk(
    device, stop: threading.Event, quiet: threading.Lock, rng: random.Random
) -> None:
    """Answers most breaks set by set; lets some go unanswered. Holding
    *quiet* keeps them from the device (no connection open) meanwhile."""
    while not stop.is_set():
        with quiet:
            try:
                status = device.call("status")
                if status["state"] == "break" and rng.random() < 0.8:
                    device.call("press")
            except ControlError:
                pass  # the break ended meanwhile
        stop.wait(rng.uniform(0.05, 0.4))


def quiet_footprint(device, quiet: threading.Lock) -> dict:
    with quiet:
        return footprint(device.pid)


def test_a_day_leaves_memory_and_file_descriptors_where_they_were(device_factory, report):
    hours, warm_up = size(2, 24), size(3, 4)
    device = device_factory(CONFIG, speed=SPEED)
    device.start()
    device.acknowledge_notice()
    stop, quiet = threading.Event(), threading.Lock()
    desk = threading.Thread(
        target=someone_at_the_desk, args=(device, stop, quiet, random.Random(5))
    )
    desk.start()
    try:
        time.sleep(warm_up * 3600 / SPEED)
        start = quiet_footprint(device, quiet)
        began = time.monotonic()
        samples = [start]
        while time.monotonic() - began < hours * 3600 / SPEED:
            time.sleep(1)
            assert device.alive(), device.output()[-3000:]
            samples.append(footprint(device.pid))
        end = quiet_footprint(device, quiet)
    finally:
        stop.set()
        desk.join()
    assert device.stop() == 0
    output = device.output()
    db = sqlite3.connect(device.state / "history.sqlite")
    breaks, sets = db.execute("SELECT count(*), (SELECT count(*) FROM sets) FROM breaks").fetchone()
    db.close()
    growth = (end["rss"] - start["rss"]) / MIB
    report(
        simulated_hours=hours,
        speed=SPEED,
        breaks=breaks,
        sets=sets,
        rss_start_mib=round(start["rss"] / MIB, 1),
        rss_end_mib=round(end["rss"] / MIB, 1),
        rss_peak_mib=round(max(s["rss"] for s in samples) / MIB, 1),
        rss_growth_mib=round(growth, 2),
        fds_start=start["fds"],
        fds_end=end["fds"],
        fds_max=max(s["fds"] for s in samples),
        threads_max=max(s["threads"] for s in samples),
        tracebacks=output.count("Traceback"),
    )
    assert "Traceback" not in output, output
    # Every 30 minutes from the end of the last break, which lasts a few minutes.
    assert breaks >= hours * 60 / 45, f"only {breaks} breaks in {hours} simulated hours"
    assert growth <= 2, f"resident memory grew {growth:.2f} MiB"
    assert end["fds"] <= start["fds"], f"file descriptors: {start['fds']} -> {end['fds']}"
