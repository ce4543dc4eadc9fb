"""Run every benchmark, print one table, write the results as JSON.

    python -m bench [--quick] [--json FILE] [NAME ...]

Each benchmark runs in a process of its own (the pygame and service ones
change process-wide state), one after the other so they do not compete for
the processor. Exit code 1 if one fails or misses its target. --quick makes
every one small: it checks the harness, not the figures (nor the targets).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, describe, machine, table

BENCHMARKS = (
    "ready_time",
    "idle_footprint",
    "exercise_footprint",
    "day_footprint",
    "render_frames",
    "button_latency",
    "stats_speed",
    "loop_latency",
    "guidance_timing",
    "mqtt_latency",
    "language_cost",
)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.strip().splitlines()[0]
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        choices=[[], *BENCHMARKS],
        help=f"only these: {', '.join(BENCHMARKS)} (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small, fast run: checks the harness, not the figures",
    )
    parser.add_argument(
        "--json",
        metavar="FILE",
        default=str(ROOT / "out" / "bench.json"),
        help="where to write the results (default: out/bench.json)",
    )
    args = parser.parse_args()
    names = args.names or BENCHMARKS
    results, failed = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            out = Path(tmp) / f"{name}.json"
            print(f"running {name}...", file=sys.stderr, flush=True)
            start = time.monotonic()
            run = subprocess.run(
                [sys.executable, "-m", f"bench.{name}", "--json", str(out)]
                + (["--quick"] if args.quick else []),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if run.returncode != 0:
                failed.append(name)
                print(f"{name} failed:\n{run.stderr}", file=sys.stderr)
                continue
            results[name] = json.loads(out.read_text())
            results[name]["seconds"] = round(time.monotonic() - start, 1)
    rows = [r for result in results.values() for r in result["rows"]]
    info = machine()
    print(f"machine: {describe(info)}" + (" (--quick: not the figures)" if args.quick else ""))
    print(table(rows))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps({"machine": info, "quick": args.quick, "benchmarks": results}, indent=2) + "\n"
    )
    print(f"written: {args.json}", file=sys.stderr)
    missed = [r["what"] for r in rows if r["met"] is False]
    return 1 if failed or (missed and not args.quick) else 0


if __name__ == "__main__":
    sys.exit(main())
