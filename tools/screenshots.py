"""Screenshots of the simulator for the README: each scene and state, as
people see it.

Runs the headless simulator (the real service on mock pins) and drives it with
the same requests the CLI sends, saving the window at each scene::

    python tools/screenshots.py docs/screenshots [--size 320x240]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "device"))

from microbreak.service.control import ControlError, call  # noqa: E402

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS = "".join(f'{day} = "00:00-24:00"\n' for day in DAYS)
CONFIG = """
[schedule]
interval_minutes = 2
heads_up_seconds = 60
[break]
recue_minutes = 30
summary_seconds = 60
[presence]
enabled = true
empty_after_seconds = 10
[screen]
size = "{size}"
[hours]
{hours}"""


def opening_later_today() -> str:
    """Working hours that start two hours from now: off hours, for a while."""
    start = datetime.now() + timedelta(hours=2)
    if start.date() != datetime.now().date():
        return ""  # near midnight: no opening today, and the screen says when
    return f'{DAYS[start.weekday()]} = "{start:%H:%M}-23:59"\n'


class Simulator:
    def __init__(self, folder: Path, size: str, hours: str, shots: Path, suffix: str):
        self.runtime = folder / "run"
        self.shots, self.suffix = shots, suffix
        config = folder / f"config-{len(hours)}.toml"
        config.write_text(CONFIG.format(size=size, hours=hours))
        env = dict(os.environ, PYTHONPATH=str(ROOT / "device"), SDL_VIDEODRIVER="dummy")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "microbreak", "simulate", "--headless", "--speed", "30",
             "--config", str(config), "--state-dir", str(folder / "state"),
             "--runtime-dir", str(self.runtime)], env=env, stderr=subprocess.DEVNULL)
        for _ in range(200):
            with contextlib.suppress(ControlError):
                self.status()
                return
            time.sleep(0.05)

    def ask(self, verb, **args):
        return call(verb, args, runtime=self.runtime)

    def status(self):
        return self.ask("status")

    def shot(self, name: str) -> None:
        path = self.shots / f"{name}{self.suffix}.png"
        path.write_bytes(base64.b64decode(self.ask("screenshot")["png"]))
        print(path)

    def wait_for(self, state: str) -> None:
        while self.status()["state"] != state:
            time.sleep(0.05)

    def holding(self, seconds: float, shot_at: float, name: str) -> None:
        """Hold the button for *seconds*, and take a shot *shot_at* seconds in."""
        holder = threading.Thread(target=self.ask, args=("hold",), kwargs={"seconds": seconds})
        holder.start()
        time.sleep(shot_at)
        self.shot(name)
        holder.join()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", default="320x240")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.size == "320x240" else f"-{args.size}"
    with tempfile.TemporaryDirectory() as tmp:
        sim = Simulator(Path(tmp), args.size, ALWAYS, args.folder, suffix)
        try:
            sim.shot("notice")
            sim.ask("press")  # the person has read the health notice
            sim.ask("motion", moving=True)
            sim.shot("idle")
            sim.wait_for("heads_up")
            sim.shot("heads-up")
            sim.wait_for("break")
            time.sleep(1.2)  # into the movement
            sim.shot("exercise")
            sim.ask("press")
            sim.holding(3.0, 2.6, "holding")  # a snooze, about to be let go
            sim.shot("snoozed")
            sim.ask("break-now")
            sim.ask("press")
            time.sleep(0.5)
            sim.shot("done")
            sim.ask("pause", until="13:00")
            sim.shot("paused")
            sim.ask("resume")
            sim.ask("motion", moving=False)
            time.sleep(1)  # still for 30 s at 30x: the desk counts as empty
            sim.shot("desk-empty")
        finally:
            sim.stop()
        sim = Simulator(Path(tmp), args.size, opening_later_today(), args.folder, suffix)
        try:
            sim.shot("off-hours")
        finally:
            sim.stop()


if __name__ == "__main__":
    main()
