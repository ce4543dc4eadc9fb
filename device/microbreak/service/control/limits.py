"""How much the control socket takes at once, and how refusals are told.

No caller can use the socket up for the others, as systemd's
``MaxConnections=`` and ``MaxConnectionsPerSource=`` keep a socket unit
usable: at most :data:`MAX_CLIENTS` connections are served at
once, :data:`MAX_PER_USER` of them from one user; one more is answered at once
with a refusal (counted by :class:`RefusalLog`, and logged at most once a
minute). A request must arrive whole within :data:`REQUEST_SECONDS` of
connecting, at most :data:`MAX_REQUEST` bytes and :data:`MAX_DEPTH` levels deep.
"""

from __future__ import annotations

import errno
import logging
import re
import threading
import time
from collections.abc import Callable

from microbreak.service.control.peers import user_name

MAX_REQUEST = 64 * 1024
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
SHORT_OF = {
    errno.EMFILE: "file descriptors",
    errno.ENFILE: "the system's file descriptors",
    errno.ENOBUFS: "socket buffers",
    errno.ENOMEM: "memory",
}

log = logging.getLogger("microbreak")


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

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, every: float = REFUSALS_LOGGED_EVERY
    ):
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
        log.warning(
            "control socket: refused %s%s: too many at once; %s from %s (uid %d); "
            "%s refused since the start",
            _count(self.pending, "connection"),
            span,
            f"{most:,}",
            user_name(uid),
            uid,
            f"{self.total:,}",
        )
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
