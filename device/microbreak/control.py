"""The control socket: how ``microbreak status`` and friends reach the service.

One request per connection, one JSON line each way::

    -> {"verb": "status", "args": {}}
    <- {"ok": true, "result": {...}}      or      {"ok": false, "error": "..."}

Only root and members of the service's group get in, checked twice: the
socket file's mode (0660, so the kernel refuses others at ``connect``) and the
caller's credentials (``SO_PEERCRED``), in case the file's mode is ever
loosened. Whoever is refused, or finds no service, is told what to do.
"""

from __future__ import annotations

import errno
import grp
import json
import logging
import os
import pwd
import socket
import struct
import threading
from collections.abc import Callable
from pathlib import Path

SOCKET_NAME = "control.sock"
SYSTEM_RUNTIME_DIR = Path("/run/microbreak")
MAX_REQUEST = 64 * 1024
MAX_REPLY = 16 * 1024 * 1024  # a screenshot's PNG, in base64
# Linux's getsockopt option for a Unix socket peer's groups (since 4.13);
# Python only names it from 3.13.
SO_PEERGROUPS = getattr(socket, "SO_PEERGROUPS", 59)

log = logging.getLogger("microbreak")


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
        self.group: int | None = None  # the socket file's group: its members get in

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
        self.group = os.stat(self.path).st_gid
        sock.listen(8)
        self._sock = sock
        self._thread = threading.Thread(target=self._accept, name="control", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        sock = self._sock  # close() clears the attribute; the socket itself says it is closed
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), name="control-client",
                             daemon=True).start()

    def allows(self, uid: int, groups: set[int]) -> bool:
        """Whether a caller with *uid* and *groups* may use the socket: root,
        the service's own user, and members of the socket file's group."""
        return uid in (0, os.geteuid()) or self.group in groups

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                line = _read_line(conn)  # read first, even to refuse: the caller is still sending
            except (OSError, ValueError):
                line = b""
            pid, uid, gid = peer_credentials(conn)
            if not self.allows(uid, {gid} | peer_groups(conn, uid, gid)):
                user = _user_name(uid)
                log.warning("control socket: refused %s (uid %d, pid %d): not in group %s",
                            user, uid, pid, _group_name(self.group))
                reply = {"ok": False, "denied": True,
                         "error": denied_message(self.path, self.group, user)}
            else:
                reply = self._reply(line)
            try:
                conn.sendall(json.dumps(reply).encode() + b"\n")
            except OSError:
                pass  # the client went away

    def _reply(self, line: bytes) -> dict:
        try:
            request = json.loads(line)
            verb, args = request["verb"], request.get("args", {})
            if not isinstance(verb, str) or not isinstance(args, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return {"ok": False, "error": "bad request: expected one JSON line "
                                          '{"verb": ..., "args": {...}}'}
        try:
            return {"ok": True, "result": self._handle(verb, args)}
        except ControlError as exc:
            return {"ok": False, "error": str(exc)}

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


def _read_line(conn: socket.socket, limit: int = MAX_REQUEST) -> bytes:
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ValueError(f"longer than {limit} bytes")
    return bytes(data)


def peer_credentials(conn: socket.socket) -> tuple[int, int, int]:
    """The connected process's ``(pid, uid, gid)``, from the kernel."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)


def peer_groups(conn: socket.socket, uid: int, gid: int) -> set[int]:
    """The connected process's supplementary groups: from the kernel where it
    tells (``SO_PEERGROUPS``), else from the group database for *uid*."""
    size = 256 * 4
    while size <= 65536 * 4:
        try:
            raw = conn.getsockopt(socket.SOL_SOCKET, SO_PEERGROUPS, size)
        except OSError as exc:
            if exc.errno == errno.ERANGE:  # more groups than fit: ask again with room
                size *= 4
                continue
            break
        return set(struct.unpack(f"{len(raw) // 4}I", raw))
    try:
        return set(os.getgrouplist(pwd.getpwuid(uid).pw_name, gid))
    except KeyError:
        return set()


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group_name(gid: int | None) -> str:
    if gid is None:
        return "microbreak"
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def denied_message(path: Path, group: int | None, user: str | None = None) -> str:
    """What a refused caller reads: why, and the two ways in."""
    name = _group_name(group)
    user = user or _user_name(os.getuid())
    return (f"permission denied on {path}: only root and members of the group '{name}' may "
            f"use microbreak. Run this with sudo, or join the group: "
            f"'sudo usermod -aG {name} {user}', then log in again.")


def _socket_group(path: Path) -> int | None:
    """The group of the socket file, or of its folder when the file cannot be seen."""
    for candidate in (path, path.parent):
        try:
            return os.stat(candidate).st_gid
        except OSError:
            continue
    return None


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
            raise NotRunning(
                f"microbreak is not running (nothing answers on {path}). Start it with "
                "'sudo systemctl start microbreak', or run 'microbreak simulate'; if it runs "
                "elsewhere, give its --runtime-dir.") from None
        except PermissionError:
            raise AccessDenied(denied_message(path, _socket_group(path))) from None
        try:
            conn.sendall(json.dumps({"verb": verb, "args": args or {}}).encode() + b"\n")
            reply = json.loads(_read_line(conn, MAX_REPLY) or b"null")
        except (OSError, ValueError) as exc:
            raise ControlError(f"no answer from microbreak on {path}: {exc}") from None
    if not isinstance(reply, dict) or "ok" not in reply:
        raise ControlError(f"unexpected answer from microbreak on {path}: {reply!r}")
    if not reply["ok"]:
        error = AccessDenied if reply.get("denied") else ControlError
        raise error(reply.get("error", "refused"))
    return reply["result"]
