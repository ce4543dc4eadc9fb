"""``microbreak bridge``, the network unit's process: the service's change
stream carried to Home Assistant, Home Assistant's commands and the
calendars' busy periods carried to the service, all through its control
socket::

    Bridge(settings, runtime=None, cache=Path("/var/cache/microbreak-mqtt")).run()

Three threads: paho's network loop, the change stream's reader, and this
one, which fetches the calendars every ``calendar.refresh_minutes``. A
service that stops or restarts is waited for; the device shows unavailable
in Home Assistant meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import socket
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from microbreak.config.settings import Settings
from microbreak.network.calendar import CalendarError, Meeting, busy_periods
from microbreak.network.feeds import Feed
from microbreak.network.homeassistant import HomeAssistant
from microbreak.service.clock import zone_named
from microbreak.service.control import ControlError, call, subscribe

log = logging.getLogger("microbreak")

AHEAD = timedelta(days=3)  # the calendars' periods sent: from an hour ago to this far ahead
MAX_PERIODS = 400  # the service takes at most this many
RETRY_SECONDS = 2.0  # waiting for the service to (re)start


def device_id(settings: Settings, machine_id: Path = Path("/etc/machine-id")) -> str:
    """``mqtt.device_id``, else 12 hex digits from the machine's id (stable,
    and no secret: a hash of it), else from the host name."""
    if settings.mqtt.device_id:
        return settings.mqtt.device_id
    try:
        seed = machine_id.read_text().strip()
    except OSError:
        seed = socket.gethostname()
    return hashlib.sha256(f"microbreak:{seed}".encode()).hexdigest()[:12]


class Bridge:
    def __init__(self, settings: Settings, *, runtime: str | Path | None, cache: Path) -> None:
        self.settings = settings
        self.runtime = runtime
        self.stopping = threading.Event()
        self.feeds = [Feed(source, cache) for source in settings.calendar.sources]
        self.ha: HomeAssistant | None = None
        if settings.mqtt.host:
            self.ha = HomeAssistant(
                settings.mqtt,
                device_id(settings),
                command=self.ask,
                presence=settings.presence.enabled,
            )
        self._streak: tuple[Any, int | None] | None = None  # (what it was read for, the streak)
        self._said: str | None = None  # the last problem reaching the service, said once

    def ask(self, verb: str, args: dict[str, Any]) -> object:
        return call(verb, args, runtime=self.runtime, timeout=20)

    def run(self) -> int:
        if self.ha is None and not self.feeds:
            log.warning("nothing to do: set [mqtt] host or [calendar] sources, then restart")
            return 0
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())
        if self.ha is not None:
            self.ha.start()
            threading.Thread(target=self.follow, name="changes", daemon=True).start()
        log.info(
            "bridge ready: %s",
            ", ".join(
                (["Home Assistant on " + self.settings.mqtt.host] if self.ha else [])
                + [f"{len(self.feeds)} calendar(s)"] * bool(self.feeds)
            ),
        )
        try:
            while not self.stopping.is_set():
                wait = 3600.0
                if self.feeds:
                    wait = self.settings.calendar.refresh_minutes * 60
                    if not self.calendars():
                        wait = min(wait, 30)  # the service did not take them: soon again
                self.stopping.wait(wait)
        finally:
            if self.ha is not None:
                self.ha.stop()
        return 0

    # -- the service's changes to Home Assistant ---------------------------------------

    def follow(self) -> None:
        """Read the change stream for as long as the bridge runs, subscribing
        again when the service restarts."""
        assert self.ha is not None
        while not self.stopping.is_set():
            try:
                for message in subscribe(self.runtime):
                    self.tell(message)
                    if self.stopping.is_set():
                        return
            except ControlError as exc:
                self._problem(f"cannot hear the service: {exc}")
            self.ha.service_gone()
            self.stopping.wait(RETRY_SECONDS)

    def tell(self, message: dict[str, Any]) -> None:
        """One message of the change stream, to Home Assistant."""
        assert self.ha is not None
        if message.get("event") == "status":
            status = message["status"]
            self._said = None
            self.ha.publish_state(status, self.streak(status))
        elif message.get("event") == "button":
            self.ha.publish_button(message.get("gesture", ""))

    def streak(self, status: dict[str, Any]) -> int | None:
        """The days in a row with every break done, read from the history
        (as ``microbreak stats`` does) when today's counts change."""
        key = (date.today(), status.get("today"))
        if self._streak is None or self._streak[0] != key:
            self._streak = (key, self._read_streak())
        return self._streak[1]

    def _read_streak(self) -> int | None:
        from microbreak.storage.history import HistoryUnavailable, open_read_only
        from microbreak.storage.stats import compute

        try:
            paths = self.ask("paths", {})
            assert isinstance(paths, dict)
            db = open_read_only(paths["history"])
            try:
                return compute(db, date.today()).current_streak.days
            finally:
                db.close()
        except (ControlError, HistoryUnavailable, OSError) as exc:
            log.info("no streak for Home Assistant: %s", exc)
            return None

    # -- the calendars to the service -------------------------------------------------

    def calendars(self) -> bool:
        """Fetch the feeds, and give the service their busy periods and how
        they are; False when the service did not take them."""
        now = datetime.now().astimezone()
        zone = zone_named(self.settings.hours.timezone)
        periods: list[Meeting] = []
        for feed in self.feeds:
            feed.refresh(now)
            if feed.body is None:
                continue
            try:
                periods += busy_periods(
                    feed.body,
                    now - timedelta(hours=1),
                    now + AHEAD,
                    email=self.settings.calendar.email,
                    all_day=self.settings.calendar.all_day,
                    zone=zone,
                )
            except CalendarError as exc:
                feed.problem = str(exc)
        request = {
            "periods": [p.as_request() for p in sorted(periods)[:MAX_PERIODS]],
            "feeds": [feed.report() for feed in self.feeds],
        }
        try:
            self.ask("calendar", request)
        except ControlError as exc:
            self._problem(f"cannot give the service its calendar: {exc}")
            return False
        return True

    def _problem(self, what: str) -> None:
        """Log *what* once, until something else goes wrong."""
        if what != self._said:
            log.warning("%s", what)
            self._said = what
