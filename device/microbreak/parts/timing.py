"""Timing for the LED's patterns and the melodies, on threads of their own."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Deadlines:
    """Waits counted from one start, so the small lateness of each wait never
    adds up over a melody or a pattern; a set *stop* event ends a wait at once::

        >>> clock = Deadlines(threading.Event())
        >>> clock.wait(0.05), clock.wait(0.05)
        (False, False)
        >>> round(time.monotonic() - clock.start, 1)
        0.1
    """

    def __init__(self, stop: threading.Event):
        self.stop = stop
        self.start = self.at = time.monotonic()

    def wait(self, seconds: float) -> bool:
        """Wait until *seconds* after the last deadline; True if stopped."""
        self.at += seconds
        return self.stop.wait(max(self.at - time.monotonic(), 0))


class Runner:
    """One job at a time on a thread of its own: starting one stops the last.

    The job is called with its arguments and a stop event it must watch; if it
    fails, the error is logged (the service goes on without that light or sound).
    """

    def __init__(self, name: str):
        self.name = name
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, job: Callable, *args) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._guarded, args=(job, *args, self._stop), name=self.name, daemon=True
        )
        self._thread.start()

    def _guarded(self, job: Callable, *args) -> None:
        try:
            job(*args)
        except Exception:
            log.exception("%s failed", self.name)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the job to end by itself; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
