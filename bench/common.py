"""What every benchmark shares: where the code is, the machine, a row of the
table, and the command line (``--quick``, ``--json FILE``).

Each benchmark module has a ``measure(quick)`` returning a dict with its
``rows`` (what the table prints) and its raw ``data``; ``main(measure)``
makes that a command of its own::

    python -m bench.ready_time --quick --json out/ready.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVICE = ROOT / "device"
if str(DEVICE) not in sys.path:
    sys.path.insert(0, str(DEVICE))  # this checkout's microbreak, not an installed one

# The benchmarks start the service as the tests do.
from microbreak.simulator.harness import ALWAYS, Device, service_env  # noqa: E402, F401


def run_command(folder: Path, name: str, settings: str) -> list[str]:
    """``microbreak run`` with *settings* (TOML text) written into *folder*,
    its history and socket beside them, all named *name*."""
    config = folder / f"{name}.toml"
    config.write_text(settings)
    return [
        sys.executable,
        "-m",
        "microbreak",
        "run",
        "--config",
        str(config),
        "--state-dir",
        str(folder / name),
        "--runtime-dir",
        str(folder / f"run-{name}"),
    ]


def percentile(values, share: float) -> float:
    """The *share* (0–1) percentile of *values*, nearest rank::

    >>> percentile(range(101), 0.99)
    99
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def median(values) -> float:
    return statistics.median(values)


def processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


def machine() -> dict:
    """The machine the figures were measured on."""
    import sqlite3

    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return {
        "arch": platform.machine(),
        "processor": processor(),
        "cores": os.cpu_count(),
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def describe(machine: dict) -> str:
    return (
        f"{machine['arch']}, {machine['processor']}, {machine['cores']} cores, "
        f"{machine['memory']} RAM, Linux {machine['kernel']}, Python {machine['python']}, "
        f"SQLite {machine['sqlite']}"
    )


def row(
    what: str,
    value: float,
    unit: str,
    *,
    p99: float | None = None,
    baseline: float | None = None,
    baseline_p99: float | None = None,
    baseline_what: str = "",
    target: float | None = None,
    note: str = "",
) -> dict:
    """One line of the table: a figure (a median, with its *p99* when there is
    one), the baseline it is set against (same unit, measured in the same run)
    and the target it must not exceed (the p99's, when there is one)."""
    checked = value if p99 is None else p99
    return {
        "what": what,
        "value": value,
        "p99": p99,
        "unit": unit,
        "baseline": baseline,
        "baseline_p99": baseline_p99,
        "baseline_what": baseline_what,
        "target": target,
        "met": None if target is None else checked <= target,
        "note": note,
    }


def _number(value: float, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value} {unit}".rstrip()
    digits = 3 if abs(value) < 0.1 else 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    return f"{value:.{digits}f} {unit}"


def _figure(value: float | None, p99: float | None, unit: str) -> str:
    if value is None:
        return ""
    text = _number(value, unit)
    return text if p99 is None else f"{text}, p99 {_number(p99, unit)}"


def table(rows: list[dict]) -> str:
    """The rows as a plain-text table."""
    header = ("what", "figure", "baseline", "ratio", "target")
    cells = []
    for r in rows:
        ratio = f"{r['value'] / r['baseline']:.1f}x" if r["baseline"] else ""
        base = _figure(r["baseline"], r.get("baseline_p99"), r["unit"])
        if base and r["baseline_what"]:
            base += f" ({r['baseline_what']})"
        target = ""
        if r["target"] is not None:
            target = (
                f"<= {_number(r['target'], r['unit'])}"
                + (" p99 " if r.get("p99") is not None else " ")
                + ("ok" if r["met"] else "MISSED")
            )
        cells.append((r["what"], _figure(r["value"], r.get("p99"), r["unit"]), base, ratio, target))
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(c, widths, strict=True)).rstrip()
        for c in [header, *cells]
    )


def main(measure, doc: str) -> None:
    """Run *measure* as a command: print its table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small, fast run: checks the harness, not the figures",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results here as JSON")
    args = parser.parse_args()
    result = measure(quick=args.quick)
    result["machine"] = machine()
    result["quick"] = args.quick
    print(table(result["rows"]))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
