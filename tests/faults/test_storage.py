"""Storage faults: a full file system (a real tmpfs), a read-only state
directory, a damaged, empty or locked history, a history deleted while the
service runs, a stop in the middle of a break. Breaks come whatever the
storage does: the service stays up (or comes up), cues each break on time,
answers ``status`` within a second, and every set whose press was answered
is in the history once the storage works again.

The tmpfs needs root, as the test run has here and in CI."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime

import pytest
from faultlib import size

from microbreak.simulator.harness import ALWAYS, DEVICE

pytestmark = pytest.mark.slow

CONFIG = f"""
[schedule]
interval_minutes = 1
heads_up_seconds = 10
[break]
exercises_per_break = 2
recue_minutes = 60
max_recues = 10
summary_seconds = 1
[hours]
{ALWAYS}"""
ON_TIME = 30  # simulated seconds a cue may come after its time: half a real second at 60x
HISTORY = "history.sqlite"


class Watch:
    """Drives scheduled breaks, pressing for every set; keeps what the person
    was told (the sets whose press was answered) and how the service kept up."""

    def __init__(self, device):
        self.device = device
        self.answered: Counter = Counter()
        self.slowest_status = 0.0
        self.latest_cue = 0.0
        self.breaks = 0
        self.seen: list[dict] = []  # every status, to find what it said

    def status(self) -> dict:
        started = time.monotonic()
        status = self.device.call("status")
        self.slowest_status = max(self.slowest_status, time.monotonic() - started)
        self.seen.append(status)
        return status

    def wait(self, predicate, what: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.device.alive(), f"microbreak ended:\n{self.device.output()}"
            status = self.status()
            if predicate(status):
                return status
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}:\n{self.device.output()[-3000:]}")

    def breaks_done(self, count: int) -> None:
        for _ in range(count):
            idle = self.wait(
                lambda s: s["state"] == "idle" and s["next_break_at"] and not s["notice"],
                "idle with a break ahead",
            )
            due = datetime.fromisoformat(idle["next_break_at"])
            on = self.wait(lambda s: s["state"] == "break", "the break to be cued")
            late = (datetime.fromisoformat(on["break"]["started_at"]) - due).total_seconds()
            self.latest_cue = max(self.latest_cue, late)
            assert late <= ON_TIME, f"the break came {late:.0f} s late"
            started = on["break"]["started_at"]
            for exercise in on["break"]["exercises"]:
                after = self.device.call("press")
                self.answered[(started, exercise)] += 1
                if after["break"] is not None:
                    assert after["break"]["confirmed"][-1] == exercise
            self.breaks += 1

    def said(self, predicate) -> bool:
        return any(predicate(s) for s in self.seen)


def failing(status: dict) -> bool:
    return not status["history"]["ok"]


def recorded(state) -> Counter:
    db = sqlite3.connect(state / HISTORY)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM breaks WHERE outcome IS NULL").fetchone() == (0,)
        return Counter(
            db.execute(
                "SELECT b.started_at, s.exercise FROM sets s JOIN breaks b ON b.id = s.break_id"
            ).fetchall()
        )
    finally:
        db.close()


@pytest.fixture
def tmpfs(tmp_path):
    """A tmpfs at tmp_path/state of *size* bytes; ``fill()`` leaves it no room."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the test run has it here and in CI)")
    mounted = []

    class Mount:
        def __init__(self, size_text: str):
            self.path = tmp_path / "state"
            self.path.mkdir(exist_ok=True)
            subprocess.run(
                [
                    "mount",
                    "-t",
                    "tmpfs",
                    "-o",
                    f"size={size_text},mode=0755",
                    "tmpfs",
                    str(self.path),
                ],
                check=True,
            )
            mounted.append(self.path)
            self.filler = self.path / "filler"

        def fill(self) -> None:
            with open(self.filler, "ab", buffering=0) as out:
                for block in (65536, 4096, 512, 1):
                    try:
                        while True:
                            out.write(b"\0" * block)
                    except OSError:
                        pass

        def free(self) -> None:
            self.filler.unlink()

        def remount(self, mode: str) -> None:
            subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True)

    yield Mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)])


def cli(*args, state) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "microbreak", *args, "--state-dir", str(state)],
        env=dict(os.environ, PYTHONPATH=str(DEVICE)),
        capture_output=True,
        text=True,
        timeout=30,
    )


def one_line_refusal(result) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def recovered_sets(kept, folder) -> dict | None:
    """How many sets each of the log's recipes (``sqlite3 FILE .recover``, or
    ``.dump`` kept whole) gets back."""
    if not shutil.which("sqlite3"):
        return None
    found = {}
    for way, keep in ((".recover", ""), (".dump", "| sed 's/^ROLLBACK.*/COMMIT;/' ")):
        recovered = folder / f"recovered{way}.sqlite"
        subprocess.run(
            f"sqlite3 '{kept}' {way} {keep}| sqlite3 '{recovered}'",
            shell=True,
            capture_output=True,
            timeout=60,
        )
        db = sqlite3.connect(recovered)
        try:
            found[way] = db.execute("SELECT count(*) FROM sets").fetchone()[0]
        except sqlite3.Error:
            found[way] = 0
        finally:
            db.close()
    return found


def first_life(device_factory, breaks: int = 1):
    """A device that has been set up (notice acknowledged) and done *breaks*."""
    device = device_factory(CONFIG)
    device.start()
    device.acknowledge_notice()
    watch = Watch(device)
    watch.breaks_done(breaks)
    return device, watch


def test_a_full_file_system_never_stops_a_break(device_factory, tmpfs, report):
    disk = tmpfs("1m")
    device, watch = first_life(device_factory)
    disk.fill()
    watch.breaks_done(size(3, 20))
    assert watch.said(failing), "the history never failed to write: the test proves nothing"
    full = next(s for s in watch.seen if failing(s))
    assert "full" in full["history"]["detail"]
    idle = watch.wait(lambda s: s["state"] == "idle", "idle")
    assert idle["led"] == "error"  # double blinks while the history waits in memory
    pending = idle["history"]["pending"]
    assert idle["today"]["sets"] == sum(watch.answered.values())  # counted, though not written

    disk.free()
    watch.wait(lambda s: s["history"]["ok"], "the history written again", timeout=30)
    assert device.stop() == 0
    assert not watch.answered - recorded(disk.path)

    # A restart on a full disk comes up and cues breaks (it died at start-up).
    disk.fill()
    device.start()
    watch.breaks_done(size(2, 5))
    disk.free()
    watch.wait(lambda s: s["history"]["ok"], "the history written again", timeout=30)
    assert device.stop() == 0
    lost = watch.answered - recorded(disk.path)
    output = device.output()
    report(
        sets_answered=sum(watch.answered.values()),
        sets_recorded=sum(recorded(disk.path).values()),
        sets_lost=sum(lost.values()),
        kept_in_memory_at_most=pending,
        slowest_status_s=round(watch.slowest_status, 3),
        latest_cue_s=watch.latest_cue,
        restarts=1,
        log=next(line for line in output.splitlines() if "cannot write" in line)[24:],
    )
    assert not lost, f"answered but not in the history: {lost}"
    assert watch.slowest_status < 1
    assert "Traceback" not in output
    assert output.count("cannot write the history") <= 4  # once per fault, not per write


def test_a_read_only_state_directory_at_start(device_factory, tmpfs, report):
    disk = tmpfs("4m")
    device, watch = first_life(device_factory)
    assert device.stop() == 0
    disk.remount("ro")
    device.start()
    assert not watch.status()["notice"]  # the acknowledgement is not asked again
    watch.breaks_done(size(3, 10))
    detail = next(s for s in watch.seen if failing(s))["history"]["detail"]
    assert "cannot be written" in detail and str(disk.path) in detail
    disk.remount("rw")
    watch.wait(lambda s: s["history"]["ok"], "the history written again", timeout=30)
    assert device.stop() == 0
    lost = watch.answered - recorded(disk.path)
    report(
        sets_answered=sum(watch.answered.values()),
        sets_recorded=sum(recorded(disk.path).values()),
        sets_lost=sum(lost.values()),
        slowest_status_s=round(watch.slowest_status, 3),
        latest_cue_s=watch.latest_cue,
        log=detail,
    )
    assert not lost
    assert watch.slowest_status < 1


@pytest.mark.parametrize("where", ["first page", "middle page"])
def test_a_damaged_history_is_moved_aside_and_a_new_one_started(device_factory, where, report):
    device, watch = first_life(device_factory, breaks=size(2, 10))
    assert device.stop() == 0
    history = device.state / HISTORY
    db = sqlite3.connect(history)
    [page] = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'breaks'").fetchone()
    db.close()
    offset = 0 if where == "first page" else 4096 * (page - 1)  # the breaks
    with open(history, "r+b") as out:
        out.seek(offset)
        out.write(random.Random(4).randbytes(4096))
    said = one_line_refusal(cli("history", state=device.state))
    assert str(history) in said and "damaged" in said and ".recover" in said

    before = Counter(watch.answered)
    device.start()
    assert not watch.status()["notice"]  # a damaged history never brings the notice back
    watch.breaks_done(size(2, 5))
    assert device.stop() == 0
    output = device.output()
    [kept] = device.state.glob(f"{HISTORY}.damaged-*[0-9]")
    line = next(line for line in output.splitlines() if "was damaged" in line)
    assert str(kept) in line and "sqlite3" in line and ".recover" in line
    lost = (watch.answered - before) - recorded(device.state)
    report(
        **{
            f"{where} sets_answered": sum((watch.answered - before).values()),
            f"{where} sets_lost": sum(lost.values()),
            f"{where} log": line[24:],
            f"{where} sets_before": sum(before.values()),
            f"{where} sets_recovered": recovered_sets(kept, device.state),
        }
    )
    assert not lost
    assert "Traceback" not in output


def test_an_empty_history_is_said_and_the_notice_stays_acknowledged(device_factory, report):
    device, watch = first_life(device_factory)
    assert device.stop() == 0
    (device.state / HISTORY).write_bytes(b"")
    said = one_line_refusal(cli("stats", state=device.state))
    assert "empty" in said and str(device.state / HISTORY) in said
    device.start()
    assert not watch.status()["notice"]
    before = Counter(watch.answered)
    watch.breaks_done(1)
    assert device.stop() == 0
    line = next(line for line in device.output().splitlines() if "was empty" in line)
    report(log=line[24:])
    assert not (watch.answered - before) - recorded(device.state)


def test_a_history_deleted_while_running_is_written_again(device_factory, report):
    device, watch = first_life(device_factory, breaks=size(2, 10))
    for path in device.state.glob(f"{HISTORY}*"):
        path.unlink()
    watch.breaks_done(size(2, 5))
    assert device.stop() == 0
    lost = watch.answered - recorded(device.state)
    line = next(line for line in device.output().splitlines() if "was deleted" in line)
    report(sets_answered=sum(watch.answered.values()), sets_lost=sum(lost.values()), log=line[24:])
    assert not lost


def test_a_locked_history_holds_up_nothing(device_factory, report):
    device, watch = first_life(device_factory)
    other = sqlite3.connect(device.state / HISTORY, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing, and never finishing
    watch.breaks_done(size(2, 5))
    assert watch.said(lambda s: failing(s) and "locked" in s["history"]["detail"])
    other.execute("ROLLBACK")
    other.close()
    watch.wait(lambda s: s["history"]["ok"], "the history written again", timeout=30)
    assert device.stop() == 0
    lost = watch.answered - recorded(device.state)
    report(
        sets_answered=sum(watch.answered.values()),
        sets_lost=sum(lost.values()),
        slowest_status_s=round(watch.slowest_status, 3),
    )
    assert not lost
    assert watch.slowest_status < 1


def test_a_stop_mid_break_records_the_break_as_it_stands(device_factory):
    device, watch = first_life(device_factory)
    on = watch.wait(lambda s: s["state"] == "break", "a break")
    device.call("press")
    assert device.stop() == 0
    db = sqlite3.connect(device.state / HISTORY)
    outcome, sets = db.execute(
        "SELECT outcome, (SELECT count(*) FROM sets WHERE break_id = breaks.id) FROM breaks "
        "WHERE started_at = ?",
        (on["break"]["started_at"],),
    ).fetchone()
    db.close()
    assert (outcome, sets) == ("partial", 1)


def test_files_made_outside_systemd_are_not_world_readable(device_factory):
    old = os.umask(0o022)
    try:
        device, _ = first_life(device_factory)
    finally:
        os.umask(old)
    files = [p for p in device.state.iterdir() if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        assert path.stat().st_mode & 0o137 == 0, f"{path.name} is {path.stat().st_mode:o}"
    assert device.state.stat().st_mode & 0o027 == 0
