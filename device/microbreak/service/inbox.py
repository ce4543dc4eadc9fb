"""The service loop's inbox: other threads post, the loop waits.

The loop sleeps in :meth:`Inbox.wait` until something is posted, a watched file
descriptor (a window's input) is readable, or the timeout passes — no polling::

    >>> inbox = Inbox()
    >>> inbox.post("hello")
    >>> inbox.wait(0)
    ['hello']
"""

from __future__ import annotations

import contextlib
import os
import queue
import selectors
import signal


class Inbox:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wake_read, selectors.EVENT_READ)
        self.readable: set[int] = set()  # watched descriptors that woke the last wait

    def post(self, event: object) -> None:
        """Leave *event* for the loop (safe from any thread and signal handler)."""
        self._queue.put(event)
        with contextlib.suppress(BlockingIOError):  # the pipe is full of wake-ups already
            os.write(self._wake_write, b"\0")

    def wake_on_signals(self) -> int:
        """Also wake when a signal arrives, whichever thread it interrupts: Python
        runs its handler on the main thread, which may be asleep here. Call on
        the main thread; returns the descriptor signals woke before, to restore
        with :func:`signal.set_wakeup_fd`."""
        return signal.set_wakeup_fd(self._wake_write, warn_on_full_buffer=False)

    def watch(self, fd: int) -> None:
        """Also wake when *fd* has something to read."""
        self._selector.register(fd, selectors.EVENT_READ)

    def wait(self, timeout: float | None) -> list[object]:
        """Everything posted, waiting at most *timeout* seconds for the first."""
        ready = self._selector.select(None if timeout is None else max(timeout, 0))
        self.readable = {key.fd for key, _ in ready if key.fd != self._wake_read}
        try:
            while os.read(self._wake_read, 4096):
                pass
        except BlockingIOError:
            pass
        events: list[object] = []
        while True:
            try:
                events.append(self._queue.get_nowait())
            except queue.Empty:
                return events

    def close(self) -> None:
        self._selector.close()
        os.close(self._wake_read)
        os.close(self._wake_write)


# What the loop's own parts post, beside the parts' events and requests.


class Stop:
    """Posted to end the loop (a signal, the window closed)."""


class Reload:
    """Posted to read the settings again (SIGHUP)."""


class Subscribed:
    """Posted when someone subscribes to the change stream: the loop turns
    and they get the status at once."""


class ToggleBusy:
    """Posted by the simulator's ``b`` key: busy on, or off if it is on."""
