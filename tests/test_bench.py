"""The benchmarks still run: ``python -m bench --quick``, every one small
(about half a minute). The figures themselves are for ``python -m bench``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_runs_and_writes_its_rows(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "device")),
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(out.read_text())["benchmarks"]
    assert set(results) == {
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
    }
    whats = [row["what"] for result in results.values() for row in result["rows"]]
    for measure in (
        "exec to READY=1",
        "idle CPU",
        "resident memory",
        "resident memory 6 s into an exercise",
        "CPU during an exercise",
        "frame, exercise, 800x480",
        "button release to handled",
        "'microbreak stats'",
        "device change to Home Assistant",
        "guidance onset vs timeline, buzzer",
        "guidance onset vs timeline, speaker",
        "catalog and Babel loaded",
    ):
        assert any(what.startswith(measure) for what in whats), measure
    assert "machine:" in run.stdout
