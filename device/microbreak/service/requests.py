"""The control socket's requests, answered on the service's loop.

A connection thread asks (:meth:`Requests.ask`) and waits; the loop answers
(:meth:`Requests.answer`) with the handler ``verb_<name>``, or with the
simulator's hands for theirs. A handler returns the answer, or raises
:class:`ControlError` with what the caller hears; a command the rules refuse
is answered with the core's own reason (:class:`Refused`).
"""

from __future__ import annotations

import base64
import logging
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import time as dt_time
from typing import TYPE_CHECKING, Any

from microbreak.config.settings import SettingsError
from microbreak.core.schedule import Refused
from microbreak.service.control import ControlError
from microbreak.storage.store import StorageError

if TYPE_CHECKING:
    from microbreak.service.loop import Service

log = logging.getLogger("microbreak")

REQUEST_TIMEOUT = 15
DEFERRED = object()  # a request's answer comes later (the simulator's press: once released)


@dataclass
class Request:
    """A control-socket request, answered by the loop through *reply*."""

    verb: str
    args: dict[str, Any]
    reply: Future[Any]


class Requests:
    def __init__(self, service: Service):
        self.service = service

    def ask(self, verb: str, args: dict[str, Any]) -> object:
        """On a connection thread: hand the request to the loop, wait for it."""
        future: Future = Future()
        self.service.inbox.post(Request(verb, args, future))
        try:
            return future.result(timeout=REQUEST_TIMEOUT)
        except FutureTimeout:
            raise ControlError("the service did not answer in time; see its log") from None

    def answer(self, request: Request) -> None:
        handler = getattr(self, "verb_" + request.verb.replace("-", "_"), None)
        if handler is None and self.service.hands is not None:
            handler = self.service.hands.verb(request.verb)
        if handler is None:
            request.reply.set_exception(ControlError(f"unknown request {request.verb!r}"))
            return
        try:
            result = handler(request)
        except ControlError as exc:
            request.reply.set_exception(exc)
        except Refused as exc:  # the rules' own reason
            request.reply.set_exception(ControlError(str(exc)))
        except Exception as exc:  # noqa: BLE001 - the caller must hear of it, the loop must go on
            log.exception("request %s failed", request.verb)
            request.reply.set_exception(ControlError(f"{request.verb} failed: {exc}"))
        else:
            if result is not DEFERRED:
                request.reply.set_result(result)

    def verb_status(self, request):
        return self.service.status()

    def verb_reload(self, request):
        try:
            changed = self.service.reload()
            return {"changed": changed, "at_next_start": self.service.applied_at_start(changed)}
        except SettingsError as exc:
            raise ControlError(
                f"settings not reloaded, the service keeps its last good ones:\n{exc}"
            ) from None

    def verb_settings(self, request):
        """The settings the service runs with now."""
        return {key: value for key, value, *_ in self.service.settings.items()}

    def verb_paths(self, request):
        """The files the service reads and writes, so the CLI changes and reads
        the same ones: its settings file and its history."""
        from microbreak.config.settings import config_path

        return {
            "settings": str(config_path(self.service.config_file).absolute()),
            "history": str(self.service.history.path.absolute()),
        }

    def verb_history(self, request):
        limit = request.args.get("limit", 20)
        if not isinstance(limit, int) or not 1 <= limit <= 10000:
            raise ControlError(f"limit = {limit!r} is not allowed; allowed: 1 to 10000")
        try:
            return self.service.history.recent(limit)
        except StorageError as exc:
            raise ControlError(f"cannot read the history: {exc}") from None

    def verb_break_now(self, request):
        return self.service.act(self.service.schedule.break_now)

    def verb_snooze(self, request):
        minutes = request.args.get("minutes")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 240
        ):
            raise ControlError(f"snooze {minutes!r}: allowed: whole minutes from 1 to 240")
        seconds = minutes * 60 if minutes is not None else None
        return self.service.act(lambda now: self.service.schedule.snooze(now, seconds))

    def verb_skip(self, request):
        return self.service.act(self.service.schedule.skip)

    def verb_pause(self, request):
        until, minutes = request.args.get("until"), request.args.get("minutes")
        if until is not None and minutes is not None:
            raise ControlError("pause takes a time (until HH:MM) or minutes, not both")
        if minutes is not None and (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not 1 <= minutes <= 7 * 24 * 60
        ):
            raise ControlError(f"pause for {minutes!r} minutes: allowed: 1 to {7 * 24 * 60}")
        at = None
        if until is not None:
            try:
                at = dt_time.fromisoformat(until)
            except (TypeError, ValueError):
                raise ControlError(f"pause until {until!r}: allowed: a time HH:MM") from None
            if at.tzinfo is not None:  # the schedule counts in the device's own zone
                raise ControlError(
                    f"pause until {until!r}: a time with an offset is not "
                    "allowed; allowed: a time HH:MM in the device's time zone"
                )
        seconds = minutes * 60 if minutes is not None else None
        return self.service.act(
            lambda now: self.service.schedule.pause(now, until=at, seconds=seconds)
        )

    def verb_resume(self, request):
        return self.service.act(self.service.schedule.resume)

    def verb_screenshot(self, request):
        """What the screen shows, as a PNG file's bytes (base64): the caller
        writes the file, so the service writes nothing a caller names."""
        from microbreak.drawing.screen import png_bytes

        if self.service.frontend is None:
            raise ControlError("this device has no screen")
        self.service.refresh(self.service.clock.now())
        return {"png": base64.b64encode(png_bytes(self.service.frontend.surface)).decode("ascii")}
