"""Fault injection: the service killed, fed bad settings, missing parts, run
for a simulated day. Small enough for every test run by default;
``MICROBREAK_FAULTS=full`` (what ``python -m bench.faults`` sets) runs each at
its full size. With ``MICROBREAK_FAULT_REPORT=FILE`` each test adds its
figures to that JSON file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from microbreak.simulator.harness import Device


@pytest.fixture
def report(request):
    """``report(**figures)``: record this test's figures in the report file."""
    path = os.environ.get("MICROBREAK_FAULT_REPORT")

    def add(**figures):
        if not path:
            return
        data = json.loads(Path(path).read_text()) if Path(path).exists() else {}
        data.setdefault(request.node.name, {}).update(figures)
        Path(path).write_text(json.dumps(data, indent=2) + "\n")

    return add


@pytest.fixture
def device_factory(tmp_path):
    started = []

    def make(config: str, **kwargs) -> Device:
        device = Device(tmp_path, config, **kwargs)
        started.append(device)
        return device

    yield make
    for device in started:
        if device.alive():
            device.process.kill()
            device.process.wait(10)
