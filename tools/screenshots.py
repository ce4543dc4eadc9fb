"""Screenshots of the simulator for the README: each scene and state, as
people see it.

Runs the headless simulator (the real service on mock pins) and drives it with
the same requests the CLI sends, saving the window at each scene::

    python tools/screenshots.py docs/screenshots [--size 320x240] [--language de]

A size other than 320x240 is added to each file's name (``idle-800x480.png``),
and so is a language (``idle-de.png``).
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "device"))

from demo_history import write as write_history  # noqa: E402

from microbreak.simulator.harness import ALWAYS, Device  # noqa: E402

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
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
[display]
language = "{language}"
[hours]
{hours}"""


def opening_later_today() -> str:
    """Working hours that start two hours from now: off hours, for a while."""
    start = datetime.now() + timedelta(hours=2)
    if start.date() != datetime.now().date():
        return ""  # near midnight: no opening today, and the screen says when
    return f'{DAYS[start.weekday()]} = "{start:%H:%M}-23:59"\n'


class Simulator(Device):
    """The headless simulator (at 30x), started, saving its window into *shots*."""

    def __init__(
        self,
        folder: Path,
        size: str,
        hours: str,
        shots: Path,
        suffix: str,
        language: str = "",
        speed: float = 30,
    ):
        config = CONFIG.format(size=size, hours=hours, language=language)
        super().__init__(folder, config, speed=speed)
        self.shots, self.suffix = shots, suffix
        self.start()

    def shot(self, name: str) -> None:
        path = self.shots / f"{name}{self.suffix}.png"
        path.write_bytes(base64.b64decode(self.call("screenshot")["png"]))
        print(path)

    def reach(self, state: str) -> None:
        self.wait_for(lambda s: s["state"] == state, state)

    def reach_progress(self, page: str) -> None:
        self.wait_for(lambda s: s["progress"] == page, f"the {page} page")

    def holding(self, seconds: float, shot_at: float, name: str) -> None:
        """Hold the button for *seconds*, and take a shot *shot_at* seconds in."""
        holder = threading.Thread(target=self.call, args=("hold",), kwargs={"seconds": seconds})
        holder.start()
        time.sleep(shot_at)
        self.shot(name)
        holder.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", default="320x240")
    parser.add_argument("--language", default="", help="a BCP 47 tag: de, es (default: English)")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.size == "320x240" else f"-{args.size}"
    suffix += f"-{args.language}" if args.language else ""
    with tempfile.TemporaryDirectory() as tmp:
        sim = Simulator(Path(tmp), args.size, ALWAYS, args.folder, suffix, args.language)
        try:
            sim.shot("notice")
            sim.call("press")  # the person has read the health notice
            sim.call("motion", moving=True)
            sim.shot("idle")
            sim.reach("heads_up")
            sim.shot("heads-up")
            sim.reach("break")
            time.sleep(1.2)  # into the movement
            sim.shot("exercise")
            sim.call("press")
            sim.holding(3.0, 2.6, "holding")  # a snooze, about to be let go
            sim.shot("snoozed")
            sim.call("break-now")
            sim.call("press")
            time.sleep(0.5)
            sim.shot("done")
            sim.call("pause", until="13:00")
            sim.shot("paused")
            sim.call("resume")
            sim.call("motion", moving=False)
            time.sleep(1)  # still for 30 s at 30x: the desk counts as empty
            sim.shot("desk-empty")
            sim.call("motion", moving=True)
            sim.call("busy", state="on", minutes=30)
            sim.shot("busy")
        finally:
            sim.stop()
        sim = Simulator(
            Path(tmp), args.size, opening_later_today(), args.folder, suffix, args.language
        )
        try:
            sim.shot("off-hours")
        finally:
            sim.stop()
        progress_pages(Path(tmp) / "progress", args.size, args.folder, suffix, args.language)


def progress_pages(folder: Path, size: str, shots: Path, suffix: str, language: str = "") -> None:
    """The progress pages over half a year of made-up history, at the real
    speed (a page stays 20 s)."""
    write_history(folder / "state", weeks=26, seed=18)
    sim = Simulator(folder, size, ALWAYS, shots, suffix, language, speed=1)
    try:
        sim.acknowledge_notice()
        for page in ("today", "week", "streak"):
            sim.call("press")
            sim.reach_progress(page)
            sim.shot(f"progress-{page}")
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
