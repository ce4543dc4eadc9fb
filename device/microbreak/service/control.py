"""The control socket: how ``microbreak status`` and friends reach the service.

One request per connection, one JSON line each way::

    -> {"verb": "status", "args": {}}
    <- {"ok": true, "result": {...}}      or      {"ok": false, "error": "..."}

Only root and members of the service's group get in, checked twice: the
socket file's mode (0660, so the kernel refuses others at ``connect``) and the
caller's credentials (``SO_PEERCRED``), in case the file's mode is ever
loosened. Whoever is refused, or finds no service, is told what to do.

No caller can use it up for the others, as systemd's ``MaxConnections=`` and
``MaxConnectionsPerSource=`` keep a socket unit usable: at most
:data:`MAX_CLIENTS` connections are served at once, :data:`MAX_PER_USER` of
them from one user; one more is answered at once with a refusal (counted, and
logged at most once a minute). A request must arrive whole within
:data:`REQUEST_SECONDS` of connecting, at most :data:`MAX_REQUEST` bytes and
:data:`MAX_DEPTH` levels deep. Out of file descriptors, the accept loop stops
accepting for a moment; a request no thread can be started for is refused;
either is said once, and the loop carries on.
"""

from __future__ import annotations

import contextlib
import errno
import grp
import json
import logging
import os
import pwd
import re
import selectors
import socket
import struct
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SOCKET_NAME = "control.sock"
SYSTEM_RUNTIME_DIR = Path("/run/microbreak")
MAX_REQUEST = 64 * 1024
MAX_REPLY = 16 * 1024 * 1024  # a screenshot's PNG, in base64
MAX_DEPTH = 8  # nesting of a request's JSON: {"verb": ..., "args": {...}} needs 2
MAX_CLIENTS = 32  # connections served at once (the unit's LimitNOFILE= leaves room)
MAX_PER_USER = 8  # of those, from one user: one member cannot crowd out root or the rest
REQUEST_SECONDS = 2.0  # from connecting to the request's last byte (the CLI sends at once)
REPLY_SECONDS = 10.0  # to take the whole reply
REFUSALS_LOGGED_EVERY = 60.0  # seconds; a flood of refusals is one log line a minute
BACKOFF = (0.05, 1.0)  # seconds the accept loop waits out a shortage: first, longest
# accept(2) errors that pass: out of descriptors or memory, a client gone meanwhile.
SHORTAGES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
PASSING = {errno.EINTR, errno.ECONNABORTED, errno.EPROTO}
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


@dataclass
class _Reading:
    """A connection whose request is being read: who, by when, what so far."""

    pid: int
    uid: int
    gid: int
    deadline: float
    data: bytearray = field(default_factory=bytearray)


class ControlServer:
    """Accepts connections on a thread; *handle* answers each request.

    *handle* runs on the connection's thread: it must hand the work to the
    service loop and wait for the answer, never touch the service itself.
    :meth:`alive` says whether the accept loop still runs (the service feeds
    systemd's watchdog only while it does).
    """

    def __init__(self, path: Path, handle: Callable[[str, dict], object], *,
                 max_clients: int = MAX_CLIENTS, max_per_user: int = MAX_PER_USER,
                 clock: Callable[[], float] = time.monotonic):
        self.path = Path(path)
        self._handle = handle
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self.group: int | None = None  # the socket file's group: its members get in
        self.max_clients, self.max_per_user = max_clients, max_per_user
        self._lock = threading.Lock()
        self._serving: dict[int, int] = {}  # uid -> connections being served
        self.refusals = RefusalLog(clock)
        self.failure: str | None = None  # why the accept loop ended, if it did
        self._shortage: str | None = None  # what is short now (descriptors, threads)
        self._short_since = 0.0
        self._selector: selectors.BaseSelector | None = None  # made by start()
        self._wake: tuple[socket.socket, ...] = ()  # close() writes a byte to end the select
        self._reading: dict[socket.socket, _Reading] = {}  # requests not read whole yet

    def start(self) -> None:
        """Listen on :attr:`path`, in a folder that must be the service user's
        alone: a folder someone else may write to could have its socket
        swapped. The socket is made 0660 as it is bound (the umask), and is
        reached through the folder opened once, so no path is followed twice."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        try:
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError as exc:
            why = "it is a symbolic link" if folder.is_symlink() else exc.strerror
            raise ControlError(f"refusing to serve from {folder}: {why}; allowed: "
                               f"{_FOLDER_ALLOWED}") from None
        try:
            _check_folder(folder, os.fstat(dir_fd))
            name = self.path.name
            here = _through(dir_fd, name)
            try:
                found = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except FileNotFoundError:
                found = None
            if found is not None:
                if not stat.S_ISSOCK(found.st_mode):
                    raise ControlError(f"refusing to serve: {self.path} is there and is not "
                                       "a socket; allowed: nothing there, or the socket of a "
                                       "microbreak that stopped")
                if _answers(here):
                    raise ControlError(f"another microbreak is already running (it answers "
                                       f"on {self.path}); stop it first")
                os.unlink(name, dir_fd=dir_fd)  # left over from a process that died
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            old_umask = os.umask(0o117)  # born 0660: no moment with a wider mode
            try:
                sock.bind(here)
            finally:
                os.umask(old_umask)
            self.group = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_gid
        finally:
            os.close(dir_fd)
        sock.listen(16)
        self._sock = sock
        self._selector = selectors.DefaultSelector()
        self._wake = socket.socketpair()
        self._thread = threading.Thread(target=self._accept, name="control", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        """Whether connections are still accepted (or a shortage is being waited out)."""
        return self._thread is not None and self._thread.is_alive()

    # One thread accepts and reads every request (non-blocking, each with its
    # deadline), so a caller that connects and waits, or sends a byte now and
    # then, costs a descriptor and no thread. A thread of its own answers each
    # whole request: the answer waits for the service loop.

    def _accept(self) -> None:
        try:
            self._select()
        except Exception as exc:  # noqa: BLE001 - said, and the watchdog hears of it
            if not self._closing:
                self.failure = f"{type(exc).__name__}: {exc}"
                log.exception("control socket: stopped accepting connections")
        finally:
            for conn in list(self._reading):
                conn.close()
            self._reading.clear()
            for closing in (self._selector, *self._wake):
                with contextlib.suppress(OSError):
                    closing.close()

    def _select(self) -> None:
        listening = self._sock  # close() clears the attribute; the socket says it is closed
        listening.setblocking(False)
        self._selector.register(listening, selectors.EVENT_READ)
        self._selector.register(self._wake[0], selectors.EVENT_READ)
        wait, resume_at = BACKOFF[0], None
        while not self._closing:
            deadlines = [r.deadline for r in self._reading.values()]
            if resume_at is not None:
                deadlines.append(resume_at)
            timeout = max(min(deadlines) - time.monotonic(), 0) if deadlines else None
            for key, _ in self._selector.select(timeout):
                if key.fileobj is self._wake[0]:
                    return
                if key.fileobj is not listening:
                    self._read(key.fileobj)
                    continue
                try:
                    conn, _ = listening.accept()
                except BlockingIOError:
                    continue
                except OSError as exc:
                    if self._closing:
                        return
                    if exc.errno in PASSING:
                        continue
                    if exc.errno not in SHORTAGES:
                        raise
                    # Stop accepting for a while; the requests being read go on.
                    self._short(f"out of {_SHORT_OF[exc.errno]} ({os.strerror(exc.errno)})")
                    self._selector.unregister(listening)
                    resume_at, wait = time.monotonic() + wait, min(wait * 2, BACKOFF[1])
                    continue
                if self._shortage and self._shortage.startswith("out of"):
                    self._recovered()
                wait = BACKOFF[0]
                self._admit(conn)
            now = time.monotonic()
            if resume_at is not None and now >= resume_at:
                resume_at = None
                self._selector.register(listening, selectors.EVENT_READ)
            for conn, reading in list(self._reading.items()):
                if now >= reading.deadline:
                    self._stop_reading(conn)
                    self._respond(conn, reading, f"no whole request within "
                                                 f"{REQUEST_SECONDS:g} s; allowed: one JSON "
                                                 "line, sent at once")

    def _short(self, what: str) -> None:
        """Say once that *what* is short, until it is not."""
        if self._shortage is None:
            self._shortage, self._short_since = what, time.monotonic()
            log.error("control socket: %s; refusing or waiting until some are freed, then "
                      "carrying on", what)

    def _recovered(self) -> None:
        log.warning("control socket: serving again (%s for %.1f s)", self._shortage,
                    time.monotonic() - self._short_since)
        self._shortage = None

    def _admit(self, conn: socket.socket) -> None:
        """Start reading *conn*'s request, or refuse it at once when too many
        are being served."""
        try:
            pid, uid, gid = peer_credentials(conn)
        except OSError:
            conn.close()  # gone already
            return
        with self._lock:
            mine, everyone = self._serving.get(uid, 0), sum(self._serving.values())
            full = everyone >= self.max_clients or mine >= self.max_per_user
            if not full:
                self._serving[uid] = mine + 1
        if full:
            self._refuse(conn, uid, f"the service is busy: {everyone} requests at once already "
                                    f"({mine} of them yours); allowed: {self.max_clients} at "
                                    f"once, {self.max_per_user} from one user. Try again in "
                                    "a moment")
            return
        conn.setblocking(False)
        self._reading[conn] = _Reading(pid, uid, gid, time.monotonic() + REQUEST_SECONDS)
        self._selector.register(conn, selectors.EVENT_READ)

    def _read(self, conn: socket.socket) -> None:
        reading = self._reading[conn]
        try:
            chunk = conn.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        reading.data += chunk
        if len(reading.data) > MAX_REQUEST:
            self._stop_reading(conn)
            self._respond(conn, reading, f"the request is longer than {MAX_REQUEST} bytes; "
                                         f"allowed: at most {MAX_REQUEST}")
        elif not chunk or reading.data.endswith(b"\n"):
            self._stop_reading(conn)
            self._respond(conn, reading)

    def _stop_reading(self, conn: socket.socket) -> None:
        self._selector.unregister(conn)
        del self._reading[conn]

    def _respond(self, conn: socket.socket, reading: _Reading, problem: str | None = None):
        """Answer on a thread of its own; when none can be started, refuse."""
        try:
            threading.Thread(target=self._serve, args=(conn, reading, problem),
                             name="control-client", daemon=True).start()
        except RuntimeError:  # can't start new thread: tasks or memory run out
            self._short("cannot start a thread to answer a request")
            self._release(reading.uid)
            self._refuse(conn, reading.uid, "the service cannot start a thread for this "
                                            "request now; try again in a moment")
            return
        if self._shortage and self._shortage.startswith("cannot start"):
            self._recovered()

    def _refuse(self, conn: socket.socket, uid: int, why: str) -> None:
        """Answer *conn* with *why* without waiting for it, and count it."""
        self.refusals.add(uid)
        with conn:
            conn.setblocking(False)
            try:
                conn.send(json.dumps({"ok": False, "busy": True, "error": why}).encode() + b"\n")
            except OSError:
                pass

    def _release(self, uid: int) -> None:
        with self._lock:
            self._serving[uid] -= 1
            if not self._serving[uid]:
                del self._serving[uid]

    def allows(self, uid: int, groups: set[int]) -> bool:
        """Whether a caller with *uid* and *groups* may use the socket: root,
        the service's own user, and members of the socket file's group."""
        return uid in (0, os.geteuid()) or self.group in groups

    def _serve(self, conn: socket.socket, reading: _Reading, problem: str | None) -> None:
        try:
            with conn:
                reply = self._answer(conn, reading, problem)
                conn.settimeout(REPLY_SECONDS)  # for the whole reply: a caller must take it
                try:
                    conn.sendall(json.dumps(reply).encode() + b"\n")
                except OSError:
                    pass  # the client went away, or would not read
        finally:
            self._release(reading.uid)

    def _answer(self, conn: socket.socket, reading: _Reading, problem: str | None) -> dict:
        pid, uid, gid = reading.pid, reading.uid, reading.gid
        if not self.allows(uid, {gid} | peer_groups(conn, uid, gid)):
            user = _user_name(uid)
            log.warning("control socket: refused %s (uid %d, pid %d): not in group %s",
                        user, uid, pid, _group_name(self.group))
            return {"ok": False, "denied": True,
                    "error": denied_message(self.path, self.group, user)}
        if problem:
            return {"ok": False, "error": f"bad request: {problem}"}
        return self._reply(bytes(reading.data))

    def _reply(self, line: bytes) -> dict:
        if nesting(line) > MAX_DEPTH:
            return {"ok": False, "error": f"bad request: nested more than {MAX_DEPTH} deep; "
                                          'allowed: one JSON line {"verb": ..., "args": {...}}'}
        try:
            request = json.loads(line)
            verb, args = request["verb"], request.get("args", {})
            if not isinstance(verb, str) or not isinstance(args, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError):
            return {"ok": False, "error": "bad request: expected one JSON line "
                                          '{"verb": ..., "args": {...}}'}
        try:
            return {"ok": True, "result": self._handle(verb, args)}
        except ControlError as exc:
            return {"ok": False, "error": str(exc)}

    def close(self) -> None:
        if self._sock is not None:
            self._closing = True
            try:
                self._wake[1].send(b"\0")
            except OSError:
                pass  # the loop has ended already
            self._thread.join(timeout=2)
            self._sock.close()
            self._sock = None
            self.refusals.flush()
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass


_SHORT_OF = {errno.EMFILE: "file descriptors", errno.ENFILE: "the system's file descriptors",
             errno.ENOBUFS: "socket buffers", errno.ENOMEM: "memory"}
_FOLDER_ALLOWED = ("a folder owned by the service's user that no one else may write to "
                   "(systemd's RuntimeDirectory= makes one)")


def _check_folder(folder: Path, st: os.stat_result) -> None:
    """Refuse a socket folder someone other than this process's user could
    change: they could swap the socket (and take root's requests) or its path."""
    if st.st_uid != os.geteuid():
        raise ControlError(f"refusing to serve from {folder}: it belongs to "
                           f"{_user_name(st.st_uid)}, not to {_user_name(os.geteuid())}; "
                           f"allowed: {_FOLDER_ALLOWED}")
    if st.st_mode & 0o022:
        who = "anyone" if st.st_mode & 0o002 else f"the group {_group_name(st.st_gid)}"
        raise ControlError(f"refusing to serve from {folder}: {who} may write to it (mode "
                           f"{stat.S_IMODE(st.st_mode):04o}); allowed: {_FOLDER_ALLOWED}")


def _through(dir_fd: int, name: str) -> str:
    """*name* in the folder open as *dir_fd*, as a path that cannot lead elsewhere
    if the folder's own path is swapped meanwhile."""
    return f"/proc/self/fd/{dir_fd}/{name}" if os.path.isdir("/proc/self/fd") else name


class RefusalLog:
    """Counts refused connections and logs them at most once every
    :data:`REFUSALS_LOGGED_EVERY` seconds of *clock*: the first at once, then
    how many since, and from whom most::

        >>> now = [0.0]
        >>> refusals = RefusalLog(lambda: now[0])
        >>> refusals.add(1000)                 # logged
        >>> now[0] = 1.0; refusals.add(1000)   # counted, not logged yet
        >>> refusals.total, refusals.pending
        (2, 1)
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 every: float = REFUSALS_LOGGED_EVERY):
        self._clock, self._every = clock, every
        self._lock = threading.Lock()
        self.total = 0
        self.pending = 0  # refused since the last log line
        self._by_user: dict[int, int] = {}
        self._since = self._next = float("-inf")

    def add(self, uid: int) -> None:
        with self._lock:
            self.total += 1
            self.pending += 1
            self._by_user[uid] = self._by_user.get(uid, 0) + 1
            if self._clock() >= self._next:
                self._say()

    def flush(self) -> None:
        """Log what has been counted and not said yet (at the end)."""
        with self._lock:
            if self.pending:
                self._say()

    def _say(self) -> None:
        now = self._clock()
        uid, most = max(self._by_user.items(), key=lambda item: item[1])
        span = f" in the last {now - self._since:.0f} s" if self.pending > 1 else ""
        log.warning("control socket: refused %s%s: too many at once; %s from %s (uid %d); "
                    "%s refused since the start", _count(self.pending, "connection"), span,
                    f"{most:,}", _user_name(uid), uid, f"{self.total:,}")
        self.pending, self._by_user = 0, {}
        self._since, self._next = now, now + self._every


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


def nesting(line: bytes) -> int:
    """How deep the brackets of the JSON text *line* go, strings left out::

        >>> nesting(b'{"verb": "status", "args": {"a": "[[["}}')
        2
    """
    depth = deepest = 0
    for bracket in re.finditer(rb"[\[{\]}]", re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', line)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


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
                raise ControlError(f"microbreak on {path} is taking no connections: its queue "
                                   f"stayed full for {timeout:g} s; try again in a moment, and "
                                   "see its log ('journalctl -u microbreak')") from None
            time.sleep(0.01)
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
            raise NotRunning(
                f"microbreak is not running (nothing answers on {path}). Start it with "
                "'sudo systemctl start microbreak', or run 'microbreak simulate'; if it runs "
                "elsewhere, give its --runtime-dir.") from None
        except PermissionError:
            conn.close()
            raise AccessDenied(denied_message(path, _socket_group(path))) from None
        except BaseException:
            conn.close()
            raise


def call(verb: str, args: dict | None = None, *, runtime: str | Path | None = None,
         timeout: float = 30) -> object:
    """Send one request to the running service and return its result."""
    path = runtime_dir(runtime) / SOCKET_NAME
    with _connect(path, timeout) as conn:
        try:
            try:
                conn.sendall(json.dumps({"verb": verb, "args": args or {}}).encode() + b"\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused before it read a word: its answer is waiting
            reply = json.loads(_read_line(conn, MAX_REPLY, time.monotonic() + timeout)
                               or b"null")
        except (OSError, ValueError) as exc:
            raise ControlError(f"no answer from microbreak on {path}: {exc}") from None
    if not isinstance(reply, dict) or "ok" not in reply:
        raise ControlError(f"unexpected answer from microbreak on {path}: {reply!r}")
    if not reply["ok"]:
        error = AccessDenied if reply.get("denied") else ControlError
        raise error(reply.get("error", "refused"))
    return reply["result"]
