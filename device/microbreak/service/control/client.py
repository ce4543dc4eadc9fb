"""The caller's side: :func:`call` sends one request to the running service.

Whoever is refused, or finds no service, is told what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from microbreak.service.control.peers import group_name, user_name

SOCKET_NAME = "control.sock"
SYSTEM_RUNTIME_DIR = Path("/run/microbreak")
MAX_REPLY = 16 * 1024 * 1024  # a screenshot's PNG, in base64


class ControlError(RuntimeError):
    """A request that did not get an answer; the message says what to do."""


class NotRunning(ControlError):
    """Nothing answers on the socket: no service is running there."""


class AccessDenied(ControlError):
    """The caller is neither root nor in the service's group."""


def runtime_dir(explicit: str | Path | None = None) -> Path:
    """Where the socket is: *explicit*, ``$MICROBREAK_RUNTIME_DIR``, systemd's
    ``$RUNTIME_DIRECTORY``, ``/run/microbreak`` (root, or when it exists), else
    ``$XDG_RUNTIME_DIR/microbreak`` for a simulator run by a user."""
    for candidate in (
        explicit,
        os.environ.get("MICROBREAK_RUNTIME_DIR"),
        (os.environ.get("RUNTIME_DIRECTORY") or "").split(":")[0],
    ):
        if candidate:
            return Path(candidate)
    if os.geteuid() == 0 or SYSTEM_RUNTIME_DIR.exists() or not os.environ.get("XDG_RUNTIME_DIR"):
        return SYSTEM_RUNTIME_DIR
    return Path(os.environ["XDG_RUNTIME_DIR"]) / "microbreak"


def _read_line(conn: socket.socket, limit: int, deadline: float) -> bytes:
    """One line from *conn*, all of it by *deadline* (monotonic seconds, for
    the whole line: a byte now and then does not keep it open)."""
    data = bytearray()
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        conn.settimeout(left)
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ValueError(f"longer than {limit} bytes")
    return bytes(data)


def denied_message(path: Path, group: int | None, user: str | None = None) -> str:
    """What a refused caller reads: why, and the two ways in."""
    name = group_name(group)
    user = user or user_name(os.getuid())
    return (
        f"permission denied on {path}: only root and members of the group '{name}' may "
        f"use microbreak. Run this with sudo, or join the group: "
        f"'sudo usermod -aG {name} {user}', then log in again."
    )


def _socket_group(path: Path) -> int | None:
    """The group of the socket file, or of its folder when the file cannot be seen."""
    for candidate in (path, path.parent):
        try:
            return os.stat(candidate).st_gid
        except OSError:
            continue
    return None


def _connect(path: Path, timeout: float) -> socket.socket:
    """A connection to the socket at *path*, waiting up to *timeout* seconds
    while its queue is full (a Unix socket says so at once, EAGAIN)."""
    deadline = time.monotonic() + timeout
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        try:
            conn.connect(str(path))
            return conn
        except BlockingIOError:
            conn.close()
            if time.monotonic() >= deadline:
                raise ControlError(
                    f"microbreak on {path} is taking no connections: its queue "
                    f"stayed full for {timeout:g} s; try again in a moment, and "
                    "see its log ('journalctl -u microbreak')"
                ) from None
            time.sleep(0.01)
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
            raise NotRunning(
                f"microbreak is not running (nothing answers on {path}). Start it with "
                "'sudo systemctl start microbreak', or run 'microbreak simulate'; if it runs "
                "elsewhere, give its --runtime-dir."
            ) from None
        except PermissionError:
            conn.close()
            raise AccessDenied(denied_message(path, _socket_group(path))) from None
        except BaseException:
            conn.close()
            raise


def call(
    verb: str,
    args: Mapping[str, object] | None = None,
    *,
    runtime: str | Path | None = None,
    timeout: float = 30,
) -> object:
    """Send one request to the running service and return its result."""
    path = runtime_dir(runtime) / SOCKET_NAME
    with _connect(path, timeout) as conn:
        try:
            # Refused before it read a word, its answer is waiting all the same.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                conn.sendall(json.dumps({"verb": verb, "args": args or {}}).encode() + b"\n")
            reply = json.loads(_read_line(conn, MAX_REPLY, time.monotonic() + timeout) or b"null")
        except (OSError, ValueError) as exc:
            raise ControlError(f"no answer from microbreak on {path}: {exc}") from None
    if not isinstance(reply, dict) or "ok" not in reply:
        raise ControlError(f"unexpected answer from microbreak on {path}: {reply!r}")
    if not reply["ok"]:
        error = AccessDenied if reply.get("denied") else ControlError
        raise error(reply.get("error", "refused"))
    return reply["result"]


def subscribe(
    runtime: str | Path | None = None, *, timeout: float = 45
) -> Iterator[dict[str, Any]]:
    """The service's change stream (:mod:`~microbreak.service.control.feed`),
    one message at a time, until the service ends it or stops: then
    ControlError (NotRunning when nothing answers). *timeout*: the longest
    silence taken (the service says it is alive every 15 s)."""
    path = runtime_dir(runtime) / SOCKET_NAME
    with _connect(path, timeout) as conn, conn.makefile("rb") as lines:
        try:
            conn.sendall(b'{"verb": "subscribe", "args": {}}\n')
            first = json.loads(lines.readline(MAX_REPLY) or b"null")
            if not isinstance(first, dict) or not first.get("ok"):
                first = first if isinstance(first, dict) else {}
                error = AccessDenied if first.get("denied") else ControlError
                raise error(first.get("error", "refused"))
            while line := lines.readline(MAX_REPLY):
                message = json.loads(line)
                if message.get("event") == "end":
                    raise ControlError(f"microbreak on {path} ended the change stream: {message}")
                yield message
        except (OSError, ValueError) as exc:
            raise ControlError(f"no answer from microbreak on {path}: {exc}") from None
    raise ControlError(f"microbreak on {path} closed the change stream")
