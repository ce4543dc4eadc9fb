"""The control socket: how ``microbreak status`` and friends reach the service.

One request per connection, one JSON line each way::

    -> {"verb": "status", "args": {}}
    <- {"ok": true, "result": {...}}      or      {"ok": false, "error": "..."}

The service listens with :class:`ControlServer` (:mod:`.server`), within the
limits of :mod:`.limits`, knowing callers by :mod:`.peers`; a command asks
with :func:`call` (:mod:`.client`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from microbreak.service.control.client import (
    SOCKET_NAME,
    AccessDenied,
    ControlError,
    NotRunning,
    call,
    denied_message,
    runtime_dir,
    subscribe,
)
from microbreak.service.control.peers import peer_credentials, peer_groups

if TYPE_CHECKING:
    from microbreak.service.control.feed import ChangeFeed
    from microbreak.service.control.limits import RefusalLog, nesting
    from microbreak.service.control.server import ControlServer

# The serving side (threads, selectors, logging) is loaded when first named,
# so that a command, which only calls, starts without it.
_SERVING = {
    "ChangeFeed": "feed",
    "ControlServer": "server",
    "RefusalLog": "limits",
    "nesting": "limits",
}


def __getattr__(name: str) -> Any:
    if name in _SERVING:
        module = importlib.import_module(f"microbreak.service.control.{_SERVING[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SOCKET_NAME",
    "AccessDenied",
    "ControlError",
    "ChangeFeed",
    "ControlServer",
    "NotRunning",
    "RefusalLog",
    "call",
    "denied_message",
    "nesting",
    "peer_credentials",
    "peer_groups",
    "runtime_dir",
    "subscribe",
]
