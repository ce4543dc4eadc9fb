"""The service's side: :class:`ControlServer` accepts connections on a thread
and hands each whole request to the service.

Only root and members of the service's group get in, checked twice: the
socket file's mode (0660, so the kernel refuses others at ``connect``) and the
caller's credentials (``SO_PEERCRED``), in case the file's mode is ever
loosened. Out of file descriptors, the accept loop stops accepting for a
moment; a request no thread can be started for is refused; either is said
once, and the loop carries on. What it takes at most is in
:mod:`microbreak.service.control.limits`; how its file is made, in
:mod:`microbreak.service.control.socketfile`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from microbreak.service.control.client import ControlError, denied_message
from microbreak.service.control.feed import ChangeFeed, Subscription, stream
from microbreak.service.control.limits import (
    BACKOFF,
    MAX_CLIENTS,
    MAX_DEPTH,
    MAX_PER_USER,
    MAX_REQUEST,
    PASSING,
    REPLY_SECONDS,
    REQUEST_SECONDS,
    SHORT_OF,
    SHORTAGES,
    RefusalLog,
    nesting,
)
from microbreak.service.control.peers import group_name, peer_credentials, peer_groups, user_name
from microbreak.service.control.socketfile import bind

log = logging.getLogger("microbreak")


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

    _selector: selectors.BaseSelector  # made by start()

    def __init__(
        self,
        path: Path,
        handle: Callable[[str, dict[str, Any]], object],
        *,
        max_clients: int = MAX_CLIENTS,
        max_per_user: int = MAX_PER_USER,
        clock: Callable[[], float] = time.monotonic,
        feed: ChangeFeed | None = None,
    ) -> None:
        self.path = Path(path)
        self._handle = handle
        self.feed = feed or ChangeFeed()  # what a "subscribe" request streams
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
        self._wait = BACKOFF[0]  # how long the next shortage stops accepting
        self._resume_at: float | None = None  # when accepting starts again after one
        self._wake: tuple[socket.socket, ...] = ()  # close() writes a byte to end the select
        self._reading: dict[socket.socket, _Reading] = {}  # requests not read whole yet

    def start(self) -> None:
        """Listen on :attr:`path`, its file made by
        :func:`microbreak.service.control.socketfile.bind` so none can take its place."""
        sock, self.group = bind(self.path)
        sock.listen(16)
        self._sock = sock
        self._selector = selectors.DefaultSelector()
        self._wake = socket.socketpair()
        self._thread = threading.Thread(
            target=self._accept, args=(sock,), name="control", daemon=True
        )
        self._thread.start()

    def alive(self) -> bool:
        """Whether connections are still accepted (or a shortage is being waited out)."""
        return self._thread is not None and self._thread.is_alive()

    # One thread accepts and reads every request (non-blocking, each with its
    # deadline), so a caller that connects and waits, or sends a byte now and
    # then, costs a descriptor and no thread. A thread of its own answers each
    # whole request: the answer waits for the service loop.

    def _accept(self, listening: socket.socket) -> None:
        try:
            self._select(listening)
        except Exception as exc:  # said, and the watchdog hears of it
            if not self._closing:
                self.failure = f"{type(exc).__name__}: {exc}"
                log.exception("control socket: stopped accepting connections")
        finally:
            for conn in list(self._reading):
                conn.close()
            self._reading.clear()
            closing_too: tuple[selectors.BaseSelector | socket.socket, ...] = (
                self._selector,
                *self._wake,
            )
            for closing in closing_too:
                with contextlib.suppress(OSError):
                    closing.close()

    def _select(self, listening: socket.socket) -> None:
        listening.setblocking(False)
        self._selector.register(listening, selectors.EVENT_READ)
        self._selector.register(self._wake[0], selectors.EVENT_READ)
        while not self._closing:
            for key, _ in self._selector.select(self._timeout()):
                if self._closing or key.fileobj is self._wake[0]:
                    return
                if key.fileobj is listening:
                    self._take(listening)
                else:
                    self._read(key.data)
            self._expire(listening)

    def _timeout(self) -> float | None:
        """Seconds to the next deadline: a request's, or the end of a shortage's wait."""
        deadlines = [r.deadline for r in self._reading.values()]
        if self._resume_at is not None:
            deadlines.append(self._resume_at)
        return max(min(deadlines) - time.monotonic(), 0) if deadlines else None

    def _take(self, listening: socket.socket) -> None:
        """Accept a connection; short of descriptors or memory, stop accepting
        for a while (the requests being read go on)."""
        try:
            conn, _ = listening.accept()
        except BlockingIOError:
            return
        except OSError as exc:
            if self._closing or exc.errno in PASSING:
                return
            if exc.errno not in SHORTAGES:
                raise
            self._short(f"out of {SHORT_OF[exc.errno]} ({os.strerror(exc.errno)})")
            self._selector.unregister(listening)
            self._resume_at = time.monotonic() + self._wait
            self._wait = min(self._wait * 2, BACKOFF[1])
            return
        if self._shortage and self._shortage.startswith("out of"):
            self._recovered()
        self._wait = BACKOFF[0]
        self._admit(conn)

    def _expire(self, listening: socket.socket) -> None:
        """Accept again when a shortage's wait is over; refuse each request not
        whole by its deadline."""
        now = time.monotonic()
        if self._resume_at is not None and now >= self._resume_at:
            self._resume_at = None
            self._selector.register(listening, selectors.EVENT_READ)
        for conn, reading in list(self._reading.items()):
            if now >= reading.deadline:
                self._stop_reading(conn)
                self._respond(
                    conn,
                    reading,
                    f"no whole request within "
                    f"{REQUEST_SECONDS:g} s; allowed: one JSON "
                    "line, sent at once",
                )

    def _short(self, what: str) -> None:
        """Say once that *what* is short, until it is not."""
        if self._shortage is None:
            self._shortage, self._short_since = what, time.monotonic()
            log.error(
                "control socket: %s; refusing or waiting until some are freed, then carrying on",
                what,
            )

    def _recovered(self) -> None:
        log.warning(
            "control socket: serving again (%s for %.1f s)",
            self._shortage,
            time.monotonic() - self._short_since,
        )
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
            self._refuse(
                conn,
                uid,
                f"the service is busy: {everyone} requests at once already "
                f"({mine} of them yours); allowed: {self.max_clients} at "
                f"once, {self.max_per_user} from one user. Try again in "
                "a moment",
            )
            return
        conn.setblocking(False)
        self._reading[conn] = _Reading(pid, uid, gid, time.monotonic() + REQUEST_SECONDS)
        self._selector.register(conn, selectors.EVENT_READ, data=conn)

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
            self._respond(
                conn,
                reading,
                f"the request is longer than {MAX_REQUEST} bytes; allowed: at most {MAX_REQUEST}",
            )
        elif not chunk or reading.data.endswith(b"\n"):
            self._stop_reading(conn)
            self._respond(conn, reading)

    def _stop_reading(self, conn: socket.socket) -> None:
        self._selector.unregister(conn)
        del self._reading[conn]

    def _respond(self, conn: socket.socket, reading: _Reading, problem: str | None = None) -> None:
        """Answer on a thread of its own; when none can be started, refuse."""
        try:
            threading.Thread(
                target=self._serve,
                args=(conn, reading, problem),
                name="control-client",
                daemon=True,
            ).start()
        except RuntimeError:  # can't start new thread: tasks or memory run out
            self._short("cannot start a thread to answer a request")
            self._release(reading.uid)
            self._refuse(
                conn,
                reading.uid,
                "the service cannot start a thread for this request now; try again in a moment",
            )
            return
        if self._shortage and self._shortage.startswith("cannot start"):
            self._recovered()

    def _refuse(self, conn: socket.socket, uid: int, why: str) -> None:
        """Answer *conn* with *why* without waiting for it, and count it."""
        self.refusals.add(uid)
        with conn:
            conn.setblocking(False)
            with contextlib.suppress(OSError):
                conn.send(json.dumps({"ok": False, "busy": True, "error": why}).encode() + b"\n")

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
                with contextlib.suppress(OSError):  # the client went away, or would not read
                    if isinstance(reply, Subscription):
                        stream(conn, reply, lambda: self._closing)
                    else:
                        conn.sendall(json.dumps(reply).encode() + b"\n")
        finally:
            self._release(reading.uid)

    def _answer(
        self, conn: socket.socket, reading: _Reading, problem: str | None
    ) -> dict[str, object] | Subscription:
        pid, uid, gid = reading.pid, reading.uid, reading.gid
        if not self.allows(uid, {gid} | peer_groups(conn, uid, gid)):
            user = user_name(uid)
            log.warning(
                "control socket: refused %s (uid %d, pid %d): not in group %s",
                user,
                uid,
                pid,
                group_name(self.group),
            )
            return {
                "ok": False,
                "denied": True,
                "error": denied_message(self.path, self.group, user),
            }
        if problem:
            return {"ok": False, "error": f"bad request: {problem}"}
        return self._reply(bytes(reading.data))

    def _reply(self, line: bytes) -> dict[str, object] | Subscription:
        if nesting(line) > MAX_DEPTH:
            return {
                "ok": False,
                "error": f"bad request: nested more than {MAX_DEPTH} deep; "
                'allowed: one JSON line {"verb": ..., "args": {...}}',
            }
        try:
            request = json.loads(line)
            verb, args = request["verb"], request.get("args", {})
            if not isinstance(verb, str) or not isinstance(args, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError):
            return {
                "ok": False,
                "error": 'bad request: expected one JSON line {"verb": ..., "args": {...}}',
            }
        try:
            if verb == "subscribe":
                return self.feed.subscribe()
            return {"ok": True, "result": self._handle(verb, args)}
        except ControlError as exc:
            return {"ok": False, "error": str(exc)}

    def close(self) -> None:
        sock, thread = self._sock, self._thread
        if sock is None or thread is None:
            return
        self._closing = True
        self.feed.close()
        with contextlib.suppress(OSError):  # the loop has ended already
            self._wake[1].send(b"\0")
        thread.join(timeout=2)
        sock.close()
        self._sock = None
        self.refusals.flush()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
