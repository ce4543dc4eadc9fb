"""Telling systemd how the service is doing (``sd_notify``), through
systemd-python: ready, a one-line status, reloading, alive (the watchdog).

Does nothing when not started by systemd (no ``NOTIFY_SOCKET``)::

    >>> notifier = Notifier(environ={})
    >>> notifier.enabled, notifier.watchdog_seconds
    (False, None)
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping

log = logging.getLogger("microbreak")


class Notifier:
    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        self._notify: Callable[[str], object] | None = None
        if environ.get("NOTIFY_SOCKET"):
            try:
                from systemd.daemon import notify
            except ImportError:
                log.error(
                    "systemd asks to be told when microbreak is ready, but "
                    "systemd-python is not installed: install python3-systemd"
                )
            else:
                self._notify = notify
        usec, pid = environ.get("WATCHDOG_USEC"), environ.get("WATCHDOG_PID")
        mine = not pid or pid == str(os.getpid())
        self.watchdog_seconds = int(usec) / 1e6 if usec and mine else None
        self._status: str | None = None
        self._pinged = float("-inf")

    @property
    def enabled(self) -> bool:
        return self._notify is not None

    def _send(self, *lines: str) -> None:
        if self._notify is not None:
            try:
                self._notify("\n".join(lines))
            except OSError as exc:  # systemd is gone (or was never listening): carry on
                log.debug("sd_notify %s: %s", lines[0], exc)

    def ready(self) -> None:
        self._send("READY=1")

    def status(self, text: str) -> None:
        """The line ``systemctl status`` shows; sent only when it changes."""
        if text != self._status:
            self._status = text
            self._send(f"STATUS={text}")

    def reloading(self) -> None:
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        self._send("RELOADING=1", f"MONOTONIC_USEC={usec}")

    def stopping(self) -> None:
        self._send("STOPPING=1")

    def ping_deadline(self) -> float | None:
        """When the watchdog must next hear from us (real monotonic seconds):
        every half interval, as systemd advises."""
        if self.watchdog_seconds is None or not self.enabled:
            return None
        return self._pinged + self.watchdog_seconds / 2

    def ping_if_due(self) -> None:
        deadline = self.ping_deadline()
        if deadline is not None and time.monotonic() >= deadline:
            self._pinged = time.monotonic()
            self._send("WATCHDOG=1")
