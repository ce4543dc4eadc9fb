"""Time from exec to READY=1: how long systemd waits for `microbreak run`.

Plays systemd's part (a datagram socket named by NOTIFY_SOCKET), starts the
service with mock pins, with no screen and with a 320x240 screen on SDL's
dummy driver, and prints the median of several runs against a baseline
measured the same way: a bare Python that imports systemd-python and says
READY=1 at once.

    python benchmarks/ready_time.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALWAYS = "".join(f'{d} = "00:00-24:00"\n' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
BASELINE = "from systemd.daemon import notify; notify('READY=1')"


def time_to_ready(command: list[str], folder: Path) -> float:
    path = folder / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(30)
        env = dict(os.environ, PYTHONPATH=str(ROOT / "device"), NOTIFY_SOCKET=str(path),
                   SDL_VIDEODRIVER="dummy")
        start = time.monotonic()
        process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        try:
            while b"READY=1" not in sock.recv(4096):
                pass
            return time.monotonic() - start
        finally:
            process.terminate()
            process.wait(10)
            path.unlink()


def service(folder: Path, screen: str) -> list[str]:
    config = folder / f"config-{screen}.toml"
    config.write_text(f'[pins]\nfactory = "mock"\n[screen]\nsize = "{screen}"\n[hours]\n{ALWAYS}')
    return [sys.executable, "-m", "microbreak", "run", "--config", str(config),
            "--state-dir", str(folder / "state"), "--runtime-dir", str(folder / "run")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = {
            "baseline (python + systemd-python, READY at once)": [sys.executable, "-c", BASELINE],
            "microbreak run, no screen": service(folder, "none"),
            "microbreak run, 320x240 screen": service(folder, "320x240"),
        }
        medians = {name: statistics.median(time_to_ready(cmd, folder) for _ in range(runs))
                   for name, cmd in cases.items()}
    base = next(iter(medians.values()))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; median of {runs} runs, exec to READY=1")
    for name, seconds in medians.items():
        print(f"  {name:<52} {seconds * 1000:7.0f} ms  {seconds / base:5.1f}x")


if __name__ == "__main__":
    main()
