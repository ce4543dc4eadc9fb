"""What `microbreak run` costs while it waits: CPU-seconds per idle minute,
wake-ups per minute and resident memory, summed over its whole process tree.

Starts the service with mock pins, with no screen and with a 320x240 screen
on SDL's dummy driver, working hours all day and no break due, lets it
settle, then watches it for a window (60 s; 5 s with --quick), reading /proc
once a second. Baselines, started and watched alongside: a bare Python that
only sleeps (CPU) and one that only imports pygame, then sleeps (memory).

    python -m bench.idle_footprint [--quick] [--json FILE]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ALWAYS, main, row, run_command, service_env

CPU_TARGET = 0.01  # CPU-seconds per idle minute
RSS_TARGET = 45.0  # MiB
TICK = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """*pid* and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    return tree


def sample(pid: int) -> dict:
    """CPU seconds, context switches (wake-ups) and resident MiB of *pid*'s tree."""
    cpu = switches = rss = 0.0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / TICK
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
            for task in os.listdir(f"/proc/{p}/task"):
                for line in Path(f"/proc/{p}/task/{task}/status").read_text().splitlines():
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except (OSError, IndexError):
            pass  # it ended meanwhile
    return {"cpu": cpu, "switches": switches, "rss": rss}


def watch(commands: dict[str, list[str]], settle: float, window: float, env: dict) -> dict:
    """Start every command at once, wait *settle* seconds, watch for *window*."""
    processes = {
        name: subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, cmd in commands.items()
    }
    try:
        time.sleep(settle)
        first = {name: sample(p.pid) for name, p in processes.items()}
        peak = {name: s["rss"] for name, s in first.items()}
        start = time.monotonic()
        while time.monotonic() - start < window:
            time.sleep(min(1.0, window - (time.monotonic() - start)))
            for name, p in processes.items():
                peak[name] = max(peak[name], sample(p.pid)["rss"])
        elapsed = time.monotonic() - start
        last = {name: sample(p.pid) for name, p in processes.items()}
        for name, p in processes.items():
            if p.poll() is not None:
                raise RuntimeError(f"{name} ended during the measurement (exit {p.returncode})")
    finally:
        for p in processes.values():
            p.terminate()
        for p in processes.values():
            p.wait(10)
    per_minute = 60 / elapsed
    return {
        name: {
            "cpu_per_minute": (last[name]["cpu"] - first[name]["cpu"]) * per_minute,
            "wakeups_per_minute": (last[name]["switches"] - first[name]["switches"]) * per_minute,
            "rss_start": first[name]["rss"],
            "rss_peak": peak[name],
        }
        for name in processes
    }


def measure(quick: bool = False) -> dict:
    settle, window = (2.0, 5.0) if quick else (10.0, 60.0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        commands = {
            "bare python": [sys.executable, "-c", "import time; time.sleep(1e6)"],
            "python importing pygame": [
                sys.executable,
                "-c",
                "import pygame, time; time.sleep(1e6)",
            ],
        }
        for name, size in (("no screen", "none"), ("320x240 screen", "320x240")):
            commands[name] = run_command(
                folder,
                size,
                f'[pins]\nfactory = "mock"\n[screen]\nsize = "{size}"\n'
                f"[schedule]\ninterval_minutes = 480\n[hours]\n{ALWAYS}",
            )
        result = watch(commands, settle, window, service_env())
    bare, pygame = result["bare python"], result["python importing pygame"]
    rows = []
    for name in ("no screen", "320x240 screen"):
        r = result[name]
        rows += [
            row(
                f"idle CPU, run, {name} ({window:.0f} s)",
                r["cpu_per_minute"],
                "CPU-s/min",
                baseline=bare["cpu_per_minute"],
                baseline_what="python sleeping",
                target=CPU_TARGET,
            ),
            row(
                f"idle wake-ups, run, {name}",
                r["wakeups_per_minute"],
                "/min",
                baseline=bare["wakeups_per_minute"],
                baseline_what="python sleeping",
            ),
            row(
                f"resident memory (peak), run, {name}",
                r["rss_peak"],
                "MiB",
                baseline=pygame["rss_peak"],
                baseline_what="python importing pygame",
                target=RSS_TARGET,
            ),
        ]
    return {
        "name": "idle_footprint",
        "rows": rows,
        "data": {
            "settle": settle,
            "window": window,
            "processes": result,
            "bare_python_rss": bare["rss_peak"],
        },
    }


if __name__ == "__main__":
    main(measure, __doc__)
