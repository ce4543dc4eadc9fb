"""How big a fault run is. The service to break is started with
:class:`microbreak.simulator.harness.Device`."""

from __future__ import annotations

import os

FULL = os.environ.get("MICROBREAK_FAULTS") == "full"


def size(ci: int, full: int) -> int:
    """How big a fault run is: *full* under ``MICROBREAK_FAULTS=full``, else *ci*."""
    return full if FULL else ci
