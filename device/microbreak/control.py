"""The control socket: how ``microbreak status`` and friends reach the service.

One request per connection, one JSON line each way::

    -> {"verb": "status", "args": {}}
    <- {"ok": true, "result": {...}}      or      {"ok": false, "error": "..."}

The socket lives in the runtime directory; its mode lets only its owner and
group in.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

SOCKET_NAME = "control.sock"
SYSTEM_RUNTIME_DIR = Path("/run/microbreak")
MAX_REQUEST = 64 * 1024


class ControlError(RuntimeError):
    """A request that did not get an answer; the message says what to do."""


def runtime_dir(explicit: str | Path | None = None) -> Path:
    """Where the socket is: *explicit*, ``$MICROBREAK_RUNTIME_DIR``, systemd's
    ``$RUNTIME_DIRECTORY``, ``/run/microbreak`` (root, or when it exists), else
    ``$XDG_RUNTIME_DIR/microbreak`` for a simulator run by a user."""
    for candidate in (explicit, os.environ.get("MICROBREAK_RUNTIME_DIR"),
                      (os.environ.get("RUNTIME_DIRECTORY") or "").split(":")[0]):
        if candidate:
            return Path(candidate)
    if os.geteuid() == 0 or SYSTEM_RUNTIME_DIR.exists() or not os.environ.get("XDG_RUNTIME_DIR"):
        return SYSTEM_RUNTIME_DIR
    return Path(os.environ["XDG_RUNTIME_DIR"]) / "microbreak"


class ControlServer:
    """Accepts connections on a thread; *handle* answers each request.

    *handle* runs on the connection's thread: it must hand the work to the
    service loop and wait for the answer, never touch the service itself.
    """

    def __init__(self, path: Path, handle: Callable[[str, dict], object]):
        self.path = Path(path)
        self._handle = handle
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            if _answers(self.path):
                raise ControlError(f"another microbreak is already running (it answers on "
                                   f"{self.path}); stop it first")
            self.path.unlink()  # left over from a process that died
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o117)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o660)
        sock.listen(8)
        self._sock = sock
        self._thread = threading.Thread(target=self._accept, name="control", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), name="control-client",
                             daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                request = json.loads(_read_line(conn))
                verb, args = request["verb"], request.get("args", {})
                if not isinstance(verb, str) or not isinstance(args, dict):
                    raise ValueError
            except (OSError, ValueError, KeyError, TypeError):
                reply = {"ok": False, "error": "bad request: expected one JSON line "
                                               '{"verb": ..., "args": {...}}'}
            else:
                try:
                    reply = {"ok": True, "result": self._handle(verb, args)}
                except ControlError as exc:
                    reply = {"ok": False, "error": str(exc)}
            try:
                conn.sendall(json.dumps(reply).encode() + b"\n")
            except OSError:
                pass  # the client went away

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
            self._sock = None
            self._thread.join(timeout=2)
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST:
            raise ValueError("request too long")
    return data


def _answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def call(verb: str, args: dict | None = None, *, runtime: str | Path | None = None,
         timeout: float = 30) -> object:
    """Send one request to the running service and return its result."""
    path = runtime_dir(runtime) / SOCKET_NAME
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        try:
            conn.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            raise ControlError(
                f"microbreak is not running (nothing answers on {path}). Start it with "
                "'sudo systemctl start microbreak', or run 'microbreak simulate'; if it runs "
                "elsewhere, give its --runtime-dir.") from None
        except PermissionError:
            raise ControlError(
                f"permission denied on {path}: run this with sudo, or join the service's "
                "group: 'sudo usermod -aG microbreak $USER', then log in again.") from None
        try:
            conn.sendall(json.dumps({"verb": verb, "args": args or {}}).encode() + b"\n")
            reply = json.loads(_read_line(conn) or b"null")
        except (OSError, ValueError) as exc:
            raise ControlError(f"no answer from microbreak on {path}: {exc}") from None
    if not isinstance(reply, dict) or "ok" not in reply:
        raise ControlError(f"unexpected answer from microbreak on {path}: {reply!r}")
    if not reply["ok"]:
        raise ControlError(reply.get("error", "refused"))
    return reply["result"]
