"""The optional Prometheus export: a file in the text exposition format for
node_exporter's textfile collector (``[export] prometheus_textfile``).

The service writes it whole, a new file renamed over the old, so the
collector never reads half of one, and only when a figure in it changes.
A write that fails is said once in the journal and in ``status``, counted in
the file's next write, and tried again at the next change or a minute on::

    >>> print(metrics_text({"state": "idle", "next_break_at": None,
    ...                     "today": {"breaks": 0, "sets": 0}}, Totals(), 0,
    ...                     {"ok": True, "pending": 0}).splitlines()[3])
    microbreak_state{state="idle"} 1
"""

from __future__ import annotations

import errno
import logging
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from microbreak.core.states import StateName
from microbreak.core.totals import Totals

log = logging.getLogger("microbreak")

OUTCOMES = ("completed", "partial", "skipped", "missed", "away", "deferred")
RETRY_SECONDS = 60.0


def _metric(name: str, kind: str, about: str, samples: list[tuple[str, float]]) -> list[str]:
    lines = [f"# HELP microbreak_{name} {about}", f"# TYPE microbreak_{name} {kind}"]
    return lines + [f"microbreak_{name}{labels} {_number(value)}" for labels, value in samples]


def _number(value: float) -> str:
    """*value* whole, as a whole number; else every digit it has."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def metrics_text(
    status: dict[str, Any],
    all_time: Totals,
    streak: int,
    history: dict[str, Any],
) -> str:
    """The file's figures from the service's *status* (``microbreak status
    --json``), the history's *all_time* totals and *streak*, and the history's
    health (:class:`TextfileExport` adds its own failed writes)."""
    today = status["today"]
    lines = _metric(
        "state",
        "gauge",
        "The device's state: 1 for the one it is in.",
        [(f'{{state="{s.value}"}}', int(s.value == status["state"])) for s in StateName],
    )
    if status.get("next_break_at"):
        at = datetime.fromisoformat(status["next_break_at"]).timestamp()
        lines += _metric(
            "next_break_timestamp_seconds", "gauge", "When the next break is cued.", [("", at)]
        )
    lines += _metric(
        "breaks_today",
        "gauge",
        "Today's breaks by outcome; not_ended: on now, or snoozed.",
        [(f'{{outcome="{o}"}}', today.get(o, 0)) for o in (*OUTCOMES, "not_ended")],
    )
    lines += _metric("sets_today", "gauge", "Sets confirmed today.", [("", today["sets"])])
    lines += _metric(
        "breaks_total",
        "counter",
        "Every break in the history, by outcome.",
        [(f'{{outcome="{o}"}}', getattr(all_time, o)) for o in OUTCOMES],
    )
    lines += _metric("sets_total", "counter", "Every set in the history.", [("", all_time.sets)])
    lines += _metric("streak_days", "gauge", "Days in a row with every break done.", [("", streak)])
    lines += _metric(
        "history_write_ok",
        "gauge",
        "1 while the history is written; 0 while records wait in memory.",
        [("", int(history["ok"]))],
    )
    lines += _metric(
        "history_pending_records",
        "gauge",
        "Records kept in memory, not yet written.",
        [("", history["pending"])],
    )
    return "\n".join(lines) + "\n"


def errors_text(errors: int, last_error: float | None) -> str:
    """The file's own failed writes, as figures."""
    lines = _metric(
        "export_write_errors_total",
        "counter",
        "Writes of this file that failed since the service started.",
        [("", errors)],
    )
    lines += _metric(
        "export_last_error_timestamp_seconds",
        "gauge",
        "When a write of this file last failed; 0: never.",
        [("", last_error or 0)],
    )
    return "\n".join(lines) + "\n"


class TextfileExport:
    """The export file at *path* (None: none)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        self.errors = 0
        self.last_error: float | None = None  # wall time of the last failed write
        self.problem: str | None = None
        self._written: str | None = None
        self._failed_text: str | None = None
        self._retry_at = 0.0

    def update(self, text: str) -> None:
        """Write *text* (:func:`metrics_text`) and the failed writes' figures,
        if it differs from what the file holds, or a failed write is due again."""
        if self.path is None or text == self._written:
            return
        if text == self._failed_text and time.monotonic() < self._retry_at:
            return
        try:
            self._write(text + errors_text(self.errors, self.last_error))
        except OSError as exc:
            self._failed_text = text
            self._failed(exc)
            return
        if self.problem is not None:
            log.warning("the Prometheus export %s is written again", self.path)
        self.problem, self._written, self._failed_text = None, text, None

    def _write(self, text: str) -> None:
        assert self.path is not None
        spare = self.path.with_name(f".{self.path.name}.new")
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            os.fchmod(fd, 0o644)  # node_exporter runs as another user
            os.write(fd, text.encode())
        finally:
            os.close(fd)
        os.replace(spare, self.path)

    def _failed(self, exc: OSError) -> None:
        self.errors += 1
        self.last_error = time.time()
        self._retry_at = time.monotonic() + RETRY_SECONDS
        why = f"cannot write the Prometheus export {self.path}: {exc.strerror or exc}"
        if exc.errno in (errno.EROFS, errno.EACCES):  # outside what the unit lets it write
            why += (
                f"; let the service write there: 'sudo systemctl edit microbreak', then "
                f"[Service] ReadWritePaths={self.path.parent if self.path else ''}"
            )
        if why != self.problem:
            log.warning("%s", why)
        self.problem = why

    def report(self) -> dict[str, Any]:
        """For ``status``: the file, and what is wrong with writing it."""
        return {
            "path": str(self.path) if self.path else None,
            "ok": self.problem is None,
            "detail": self.problem,
            "errors": self.errors,
        }
