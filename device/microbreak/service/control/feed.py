"""The change stream: what the service pushes to those who subscribed over
the control socket (the network unit's bridge), one JSON line each::

    -> {"verb": "subscribe", "args": {}}
    <- {"ok": true, "result": {"subscribed": true}}
    <- {"event": "status", "status": {...}}        whenever the status changes
    <- {"event": "button", "gesture": "snooze", "held": 2.3}
    <- {"event": "alive"}                          when nothing else was said for a while

Bounded: at most :data:`MAX_SUBSCRIBERS` at once, each also a connection of
the socket's limits, and at most :data:`BACKLOG` lines waiting for one; a
subscriber that falls that far behind is told so and cut off (it subscribes
again and starts from the status as it is). The service's loop publishes
and never waits::

    >>> feed = ChangeFeed()
    >>> mine = feed.subscribe()
    >>> feed.publish({"event": "button", "gesture": "press"})
    >>> mine.next(0.1)
    b'{"event": "button", "gesture": "press"}\\n'
    >>> mine.close(); feed.subscribers
    0
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
from collections.abc import Callable
from typing import Any

from microbreak.service.control.client import ControlError

MAX_SUBSCRIBERS = 4
BACKLOG = 256  # lines waiting for one subscriber
ALIVE_SECONDS = 15.0  # a line at least this often, so a subscriber sees a dead service
BEHIND = object()  # the subscriber fell behind: its stream ends


class Subscription:
    """One subscriber's lines, waiting to be sent (by its connection's thread)."""

    def __init__(self, feed: ChangeFeed) -> None:
        self._feed = feed
        self._lines: queue.Queue[bytes | object] = queue.Queue(BACKLOG)

    def put(self, line: bytes) -> bool:
        """Queue *line*; False when the subscriber is too far behind."""
        try:
            self._lines.put_nowait(line)
            return True
        except queue.Full:
            return False

    def next(self, timeout: float) -> bytes | object | None:
        """The next line, :data:`BEHIND`, or None when none came within *timeout*."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def end(self) -> None:
        """End the stream: its connection's thread sends what is queued up to
        here, then stops (with room made for the end, if need be)."""
        while True:
            try:
                self._lines.put_nowait(BEHIND)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._lines.get_nowait()

    def close(self) -> None:
        self._feed.drop(self)


class ChangeFeed:
    def __init__(self, limit: int = MAX_SUBSCRIBERS) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._subscriptions: list[Subscription] = []
        self.joined = 0  # subscriptions made so far: a new one is owed the status at once
        self.on_join: Callable[[], None] = lambda: None  # wakes the service's loop

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    def subscribe(self) -> Subscription:
        """A new subscription; ControlError when :attr:`limit` are subscribed."""
        with self._lock:
            if len(self._subscriptions) >= self.limit:
                raise ControlError(
                    f"{self.limit} subscribers already; allowed: {self.limit} at once. "
                    "Try again in a moment"
                )
            subscription = Subscription(self)
            self._subscriptions.append(subscription)
            self.joined += 1
        self.on_join()
        return subscription

    def publish(self, message: dict[str, Any]) -> None:
        """Send *message* to every subscriber; one that fell behind is ended."""
        line = json.dumps(message).encode() + b"\n"
        with self._lock:
            for subscription in list(self._subscriptions):
                if not subscription.put(line):
                    self._subscriptions.remove(subscription)
                    subscription.end()

    def drop(self, subscription: Subscription) -> None:
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def close(self) -> None:
        """End every stream (the service stops)."""
        with self._lock:
            for subscription in self._subscriptions:
                subscription.end()
            self._subscriptions.clear()


def stream(conn: socket.socket, subscription: Subscription, closing: Callable[[], bool]) -> None:
    """On a connection's thread: send *subscription*'s lines on *conn* until
    the subscriber goes, falls behind, or *closing* says the service stops
    (each line within the socket's timeout, or OSError)."""
    try:
        conn.sendall(b'{"ok": true, "result": {"subscribed": true}}\n')
        while not closing():
            line = subscription.next(ALIVE_SECONDS)
            if line is BEHIND:
                conn.sendall(b'{"event": "end", "why": "fell behind, or the service stops"}\n')
                return
            if line is None:
                if _hung_up(conn):
                    return
                line = b'{"event": "alive"}\n'
            assert isinstance(line, bytes)
            conn.sendall(line)
    finally:
        subscription.close()


def _hung_up(conn: socket.socket) -> bool:
    """Whether the other end has closed *conn* (a subscriber sends nothing more)."""
    try:
        return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
