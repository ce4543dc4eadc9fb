"""Run the fault-injection suite at full size and print its figures.

    python -m bench.faults [--quick] [--json FILE] [PYTEST ARGS...]

The suite is tests/faults/: the service killed (SIGKILL) during 500
scripted breaks, 10,000 settings files fuzzed, a storm of 100 SIGHUPs,
missing parts, a simulated day, the history's storage failing (a full
tmpfs, a read-only state directory, a damaged, empty, locked or deleted
history; the tmpfs needs root), the control socket crowded (1,100
connections, 300 with 150 tasks, 300 slow clients), a FIFO and /dev/zero
as the settings file, a runtime directory another user made. The test run
runs it small; this runs it
at full size (MICROBREAK_FAULTS=full), which takes about ten minutes.
--quick runs the small sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import DEVICE, ROOT, describe, machine


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.strip().splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="the small sizes of the test run")
    parser.add_argument(
        "--json",
        metavar="FILE",
        default=str(ROOT / "out" / "faults.json"),
        help="where to write the figures (default: out/faults.json)",
    )
    args, pytest_args = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.json"
        env = dict(os.environ, PYTHONPATH=str(DEVICE), MICROBREAK_FAULT_REPORT=str(figures))
        if not args.quick:
            env["MICROBREAK_FAULTS"] = "full"
        start = time.monotonic()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "--durations=0",
                str(ROOT / "tests" / "faults"),
                *pytest_args,
            ],
            cwd=ROOT,
            env=env,
        )
        seconds = time.monotonic() - start
        results = json.loads(figures.read_text()) if figures.exists() else {}
    info = machine()
    print(
        f"\nmachine: {describe(info)}; {'small' if args.quick else 'full'} sizes, {seconds:.0f} s"
    )
    for test, values in results.items():
        print(test)
        for key, value in values.items():
            print(f"  {key:<28} {value}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(
            {
                "machine": info,
                "quick": args.quick,
                "passed": run.returncode == 0,
                "seconds": round(seconds),
                "figures": results,
            },
            indent=2,
        )
        + "\n"
    )
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
