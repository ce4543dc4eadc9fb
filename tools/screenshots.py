"""Screenshots of the simulator for the README: each scene, as people see it.

Runs the headless simulator (real service, mock pins) and drives it through a
break with the CLI verbs, saving the window at each scene::

    python tools/screenshots.py docs/screenshots [--size 320x240]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "device"))

from microbreak.control import ControlError, call  # noqa: E402

CONFIG = """
[schedule]
interval_minutes = 2
heads_up_seconds = 60
[break]
recue_minutes = 30
summary_seconds = 60
[screen]
size = "{size}"
[hours]
""" + "".join(f'{day} = "00:00-24:00"\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", default="320x240")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.size == "320x240" else f"-{args.size}"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "config.toml").write_text(CONFIG.format(size=args.size))
        runtime = tmp / "run"
        env = dict(os.environ, PYTHONPATH=str(ROOT / "device"), SDL_VIDEODRIVER="dummy")
        process = subprocess.Popen(
            [sys.executable, "-m", "microbreak", "simulate", "--headless", "--speed", "30",
             "--config", str(tmp / "config.toml"), "--state-dir", str(tmp / "state"),
             "--runtime-dir", str(runtime)], env=env)

        def status():
            return call("status", runtime=runtime)

        def shot(name):
            path = (args.folder / f"{name}{suffix}.png").resolve()
            call("screenshot", {"path": str(path)}, runtime=runtime)
            print(path)

        def wait_for(state):
            while status()["state"] != state:
                time.sleep(0.05)

        try:
            for _ in range(200):
                try:
                    status()
                    break
                except ControlError:
                    time.sleep(0.05)
            shot("idle")
            wait_for("heads_up")
            shot("heads-up")
            wait_for("break")
            time.sleep(0.2)
            shot("exercise")
            call("press", runtime=runtime)
            holding = subprocess.Popen(
                [sys.executable, "-m", "microbreak", "hold", "3.5", "--runtime-dir",
                 str(runtime)], env=env, stdout=subprocess.DEVNULL)
            time.sleep(3)
            shot("holding")
            holding.wait()
            call("break-now", runtime=runtime)
            call("press", runtime=runtime)
            time.sleep(0.5)
            shot("done")
        finally:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
