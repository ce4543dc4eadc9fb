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
from datetime import datetime
from datetime import time as dt_time
from typing import TYPE_CHECKING, Any

from microbreak.config.settings import SettingsError
from microbreak.core.busy import BusyPeriod, BusySource
from microbreak.core.refused import Refused
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
        at = _time_of_day("pause until", until) if until is not None else None
        seconds = minutes * 60 if minutes is not None else None
        return self.service.act(
            lambda now: self.service.schedule.pause(now, until=at, seconds=seconds)
        )

    def verb_busy(self, request):
        """Busy on (until turned off, for minutes, until HH:MM) or off; from the
        person (``microbreak busy``) or Home Assistant (its switch)."""
        args = request.args
        state, source = args.get("state"), args.get("source", "manual")
        if state not in ("on", "off"):
            raise ControlError(f"busy {state!r}: allowed: on or off")
        if source not in (BusySource.MANUAL, BusySource.HOME_ASSISTANT):
            raise ControlError(f"busy from {source!r}: allowed: manual or home_assistant")
        schedule = self.service.schedule
        if state == "off":
            return self.service.act(schedule.not_busy)
        until, minutes = args.get("until"), args.get("minutes")
        if until is not None and minutes is not None:
            raise ControlError("busy takes a time (until HH:MM) or minutes, not both")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 720
        ):
            raise ControlError(f"busy for {minutes!r} minutes: allowed: 1 to 720")
        at = _time_of_day("busy until", until) if until is not None else None
        seconds = minutes * 60 if minutes is not None else None
        return self.service.act(
            lambda now: schedule.busy(now, BusySource(source), until=at, seconds=seconds)
        )

    def verb_calendar(self, request):
        """The calendars' busy periods and how their feeds are (from the network unit)."""
        periods, feeds = calendar_periods(request.args)
        self.service.calendar = {"feeds": feeds, "periods": len(periods)}
        self.service.act(lambda now: self.service.schedule.plan_busy(periods, now))
        return {"periods": len(periods)}

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


def _time_of_day(what: str, text: object) -> dt_time:
    """``"13:30"`` as a time of day in the device's zone, or ControlError."""
    try:
        at = dt_time.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ControlError(f"{what} {text!r}: allowed: a time HH:MM") from None
    if at.tzinfo is not None:  # the schedule counts in the device's own zone
        raise ControlError(
            f"{what} {text!r}: a time with an offset is not "
            "allowed; allowed: a time HH:MM in the device's time zone"
        )
    return at


MAX_PERIODS = 400  # a calendar's periods in one request (the next few days)


def calendar_periods(args: dict[str, Any]) -> tuple[list[BusyPeriod], list[dict[str, Any]]]:
    """The periods and feeds of a ``calendar`` request, checked; ControlError says what is wrong."""
    periods, feeds = args.get("periods"), args.get("feeds", [])
    if not isinstance(periods, list) or len(periods) > MAX_PERIODS:
        raise ControlError(f"calendar periods: allowed: a list of at most {MAX_PERIODS}")
    if not isinstance(feeds, list) or not all(isinstance(f, dict) for f in feeds):
        raise ControlError("calendar feeds: allowed: a list of tables")
    checked = []
    for item in periods:
        try:
            start = datetime.fromisoformat(item["start"])
            end = datetime.fromisoformat(item["end"])
            what = str(item.get("what", ""))[:80]
        except (TypeError, KeyError, ValueError):
            raise ControlError(
                f"calendar period {item!r}: allowed: {{'start': ISO time, 'end': ISO time, "
                "'what': text}"
            ) from None
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise ControlError(
                f"calendar period {item!r}: allowed: times with their UTC offset, "
                "the end after the start"
            )
        checked.append(BusyPeriod(BusySource.CALENDAR, start=start, until=end, what=what))
    return checked, [{k: f.get(k) for k in ("source", "ok", "detail")} for f in feeds[:8]]
