"""The service: one loop on the main thread joining the core to the shells.

Each turn it lets the schedule catch up with the clock, carries out the
effects (history first, then light and sound), redraws the screen if the view
changed, and sleeps in the inbox until the next deadline or the next event
(a button edge, a control request, window input, a signal). Nothing polls.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microbreak.config.exercises import load_exercises
from microbreak.config.settings import Settings, SettingsError, load_settings
from microbreak.core import guidance, presenter
from microbreak.core.effects import CueName, Effect
from microbreak.core.gestures import HoldThresholds
from microbreak.core.now import Now
from microbreak.core.refused import Refused
from microbreak.core.schedule import Schedule
from microbreak.language import speaking
from microbreak.parts.guide import GuidedHold
from microbreak.parts.hardware import Hardware
from microbreak.parts.pins import ButtonDown, ButtonUp, PresenceChanged
from microbreak.parts.rtttl import load_folder
from microbreak.resources import data_dir
from microbreak.service.clock import SystemClock, real_time
from microbreak.service.control import SOCKET_NAME, ControlServer
from microbreak.service.effects import Effects
from microbreak.service.guiding import Guiding
from microbreak.service.inbox import Inbox, Reload, Stop, Subscribed, ToggleBusy
from microbreak.service.journal import event as journal_event
from microbreak.service.notify import Notifier
from microbreak.service.report import Report
from microbreak.service.requests import Request, Requests
from microbreak.service.schedules import new_schedule, presence_after_reload, rules

if TYPE_CHECKING:
    from microbreak.simulator.hands import Hands
from microbreak.storage.store import Store

log = logging.getLogger("microbreak")

WALL_CHECK_SECONDS = 60  # re-read the wall clock at least this often: it may have stepped
FRAME_SECONDS = 1 / 30  # while something moves: an exercise, a held button, a pulsing LED
PARTS_SECTIONS = ("button", "led", "buzzer", "sound", "presence", "display")  # reopen the parts


class Service:
    def __init__(
        self,
        settings: Settings,
        *,
        state_dir: Path,
        runtime_dir: Path,
        config_file: Path | None = None,
        clock=None,
        pin_factory=None,
        frontend=None,
        simulated: bool = False,
        exercise_dirs=(),
        screen_problem: str | None = None,
    ):
        self.settings = settings
        self.screen_problem = screen_problem  # why there is no screen, when one was asked for
        self.config_file = config_file  # read again on reload; None: the default place
        self.clock = clock or SystemClock()
        self.simulated = simulated
        self.inbox = Inbox()
        self._exercises_as_written = load_exercises(exercise_dirs)
        self.words, self.exercises = speaking(settings.display.language, self._exercises_as_written)
        self.history = Store(state_dir)  # never fails the loop: see store.py
        self._pin_factory = pin_factory
        self._songs = load_folder(data_dir("sounds"))
        # Spoken guidance is made once and kept: in the unit's cache folder.
        cache = os.environ.get("CACHE_DIRECTORY", "").split(":")[0] or state_dir
        self.speech_cache = Path(cache) / "speech"
        self.hardware = self._open_hardware(settings)
        self.thresholds = HoldThresholds(
            settings.button.snooze_hold_seconds, settings.button.skip_hold_seconds
        )
        self.frontend = frontend
        self.schedule = self._new_schedule()
        if not self.clock.now().trusted:
            log.warning(
                "the wall clock is not set yet: breaks follow the interval alone "
                "until it is (working hours need the time of day)"
            )
        self.requests = Requests(self)
        self.control = ControlServer(runtime_dir / SOCKET_NAME, self.requests.ask)
        self.control.feed.on_join = lambda: self.inbox.post(Subscribed())
        self.effects = Effects(self)
        self.report = Report(self)
        self._held_since: float | None = None
        self.guiding = Guiding(self.exercises, words=self.words)
        self.hands: Hands | None = None  # the simulator's (microbreak.simulator.hands)
        self._running = False
        self.notifier = Notifier()
        self.settings_error: str | None = None  # why the last reload was refused
        self.calendar: dict[str, Any] | None = None  # the feeds, as the network unit last said
        self._socket_dead_said = False

    # -- the loop ---------------------------------------------------------

    def run(self) -> None:
        """Serve until SIGTERM/SIGINT or a :class:`Stop`."""
        self.control.start()
        previous = {
            sig: signal.signal(sig, lambda *_: self.inbox.post(Stop()))
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, lambda *_: self.inbox.post(Reload()))
        previous_wakeup = self.inbox.wake_on_signals()
        if self.frontend is not None and self.frontend.fileno() is not None:
            self.inbox.watch(self.frontend.fileno())
        self._running = True
        # With a screen, the first start shows the health notice, and breaks
        # wait until someone at the desk has pressed the button to say they read
        # it (with no button to press, there is no notice).
        if (
            self.frontend is not None
            and self.hardware.button is not None
            and not self.history.acknowledged(presenter.FIRST_START_NOTICE)
        ):
            self.schedule = self._new_schedule(notice=True)
        now = self.clock.now()
        self.apply([self.schedule.cue(CueName.STARTUP, now)], now)
        self.notifier.status(self.status_line(now))
        self.notifier.ready()
        log.info("ready: %s", self.status_line(now), extra=journal_event("started"))
        try:
            while self._running:
                now = self.clock.now()
                self.apply(self.schedule.advance(now), now)
                self.refresh(now)
                self.report.export(now)
                self.report.publish(now)
                self.notifier.status(self.status_line(now))
                if self._socket_alive():
                    self.notifier.ping_if_due()
                self.history.tend()
                events = self.inbox.wait(self.timeout(now))
                if self.frontend is not None:
                    events += self.frontend.pump()
                for event in events:
                    self.handle(event)
        finally:
            now = self.clock.now()
            self.apply(self.schedule.stop(now), now)  # a break on is recorded as it stands
            self.notifier.stopping()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(previous_wakeup)
            self.close()

    def timeout(self, now: Now) -> float:
        """How long the loop may sleep, in real seconds."""
        due = self.schedule.deadline(now)
        if self.frontend is not None:
            due = min(due, presenter.view_changes_at(self.schedule, now))
        waits = [self.clock.real_seconds(due - now.mono), WALL_CHECK_SECONDS]
        real = real_time()
        ping = self.notifier.ping_deadline() if self._socket_alive() else None
        for deadline in (
            self.hardware.light.deadline(),
            ping,
            self.history.deadline(),
            self.hands.deadline() if self.hands else None,
        ):
            if deadline is not None:
                waits.append(deadline - real)
        if self._held_since is not None or (self.frontend and self.frontend.animating()):
            waits.append(FRAME_SECONDS)
        return max(min(waits), 0)

    def _socket_alive(self) -> bool:
        """Whether the control socket still accepts connections. When it does
        not, the watchdog is no longer fed, so systemd restarts the service
        rather than leave it running with nobody able to reach it."""
        if self.control.alive():
            return True
        if not self._socket_dead_said:
            self._socket_dead_said = True
            log.error(
                "the control socket has stopped (%s): no longer telling systemd's "
                "watchdog all is well, so that it restarts the service",
                self.control.failure or "its thread ended",
            )
        return False

    def refresh(self, now: Now) -> None:
        """Bring the exercise's guidance, the LED and the screen up to date
        with the schedule."""
        screen = self.frontend is not None and self.settings.screen.size != "none"
        self.guiding.follow(self.schedule, self.settings.guidance, self.hardware, screen)
        self.hardware.light.show(
            presenter.led_pattern(
                self.schedule,
                storage_failing=self.history.problem is not None,
                guided_hold=self.guiding.holding,
            )
        )
        self.hardware.light.tick()
        if self.hands is not None:
            self.hands.tick()
        if self.frontend is not None:
            hold = None
            if self._held_since is not None:
                hold = presenter.hold_hint(
                    self.schedule, real_time() - self._held_since, self.thresholds, self.words
                )
            self.frontend.show(
                presenter.present(
                    self.schedule,
                    now,
                    self.exercises,
                    self.report.today(now),
                    self.thresholds,
                    hold,
                    self.guiding.since,
                    self.report.outcomes(now),
                    self.report.figures(now),
                    self.words,
                )
            )

    def handle(self, event: object) -> None:
        if isinstance(event, PresenceChanged):
            self.act(lambda now: self.schedule.motion(event.moving, now))
        elif isinstance(event, ButtonDown):
            self._held_since = event.at
            self.guiding.pressed(self.hardware)
        elif isinstance(event, GuidedHold):
            self.guiding.heard(event)
        elif isinstance(event, ButtonUp):
            held = event.at - (self._held_since if self._held_since is not None else event.at)
            self._held_since = None
            gesture = self.thresholds.classify(held)
            log.info("button held %.2f s: %s", held, gesture.value)
            self.control.feed.publish(
                {"event": "button", "gesture": gesture.value, "held": round(held, 2)}
            )
            self.act(lambda now: self.schedule.gesture(gesture, now))
            if self.hands is not None:
                self.hands.released(self.status())
        elif isinstance(event, Request):
            self.requests.answer(event)
        elif isinstance(event, Reload):
            with contextlib.suppress(SettingsError):  # logged, in the status; the last good stay
                self.reload()
        elif isinstance(event, ToggleBusy):
            self.toggle_busy()
        elif isinstance(event, Stop):
            log.info("stopping", extra=journal_event("stopping"))
            self._running = False

    def apply(self, effects: list[Effect], now: Now) -> None:
        """Carry out the core's effects, in order: the record before the feedback."""
        self.effects.apply(effects)

    def _open_hardware(self, settings: Settings) -> Hardware:
        """The parts as *settings* say, the spoken guidance being made ahead."""
        hardware = Hardware(
            settings,
            self.inbox.post,
            pin_factory=self._pin_factory,
            songs=self._songs,
            speech_cache=self.speech_cache,
            language=self.words.language,
        )
        if hardware.guide.voice is not None:
            hardware.guide.voice.prepare(guidance.phrases(self.exercises.values(), self.words))
        return hardware

    def _new_schedule(self, notice: bool = False) -> Schedule:
        """A schedule starting now, the exercises' rotation carried on from the history."""
        return new_schedule(
            self.settings,
            list(self.exercises),
            self.history.last_exercise(),
            self.clock,
            self.hardware.motion,
            simulated=self.simulated,
            notice=notice,
        )

    @staticmethod
    def applied_at_start(keys: list[str]) -> list[str]:
        """Those of *keys* a reload does not apply: the screen and the pin
        library are opened once, when the service starts."""
        return [key for key in keys if key.startswith(("screen.", "pins."))]

    def reload(self) -> list[str]:
        """Read the settings file again and apply it whole, or raise
        :class:`SettingsError` and keep the last good settings. Returns the
        keys that changed. systemd hears RELOADING=1 … READY=1 around it."""
        self.notifier.reloading()
        try:
            return self._reload()
        finally:
            self.notifier.ready()

    def _reload(self) -> list[str]:
        try:
            new = load_settings(self.config_file)
        except SettingsError as exc:
            self.settings_error = str(exc).splitlines()[0]
            log.error(
                "settings rejected, keeping the last good ones: %s",
                exc,
                extra=journal_event("settings_rejected", error=exc),
            )
            raise
        self.settings_error = None
        old = dict((key, value) for key, value, *_ in self.settings.items())
        changed = [key for key, value, *_ in new.items() if old[key] != value]
        now = self.clock.now()
        self.settings = new
        self.schedule.update_rules(rules(new), now)
        self.thresholds = HoldThresholds(
            new.button.snooze_hold_seconds, new.button.skip_hold_seconds
        )
        if "display.language" in changed:
            self.words, self.exercises = speaking(new.display.language, self._exercises_as_written)
            self.guiding.exercises, self.guiding.words = self.exercises, self.words
        if any(key.split(".")[0] in PARTS_SECTIONS for key in changed):
            if self.hands is not None:  # the new button never saw a press under way
                self.hands.let_go(
                    "the settings were reloaded while the button was held; press again"
                )
            self.hardware.close()
            self.hardware = self._open_hardware(new)
            presence_after_reload(self.schedule, self.hardware.motion, self.clock)
            self._held_since = None
        if self.applied_at_start(changed):
            log.warning("screen and pin library changes apply at the next start")
        log.info(
            "settings reloaded%s",
            ": " + ", ".join(changed) if changed else ", no change",
            extra=journal_event("settings_reloaded", changed=",".join(changed)),
        )
        return changed

    def toggle_busy(self) -> None:
        """Busy on (as the person), or off when busy; a refusal is logged."""
        schedule = self.schedule
        try:
            self.act(
                lambda now: (
                    schedule.not_busy(now)
                    if schedule.busy_times.current(now)
                    else schedule.busy(now)
                )
            )
        except Refused as refusal:
            log.info("busy: %s", refusal)

    def status_line(self, now: Now) -> str:
        """One line for ``systemctl status``: "Next break 14:35 · 2 of 3 breaks done today"."""
        return self.report.status_line(now)

    def status(self, now: Now | None = None) -> dict[str, Any]:
        return self.report.status(now or self.clock.now())

    def act(self, action: Callable[[Now], list[Effect]]) -> dict[str, Any]:
        """Catch the schedule up with the clock (which may have stepped), then
        act; the status after. *action* may raise :class:`Refused`."""
        now = self.clock.now()
        self.apply(self.schedule.advance(now), now)
        self.apply(action(now), now)
        return self.status(now)

    def close(self) -> None:
        self.control.close()
        if self.hands is not None:
            self.hands.close()
        if self.frontend is not None:
            self.frontend.close()
        self.hardware.close()
        self.history.close()
        self.inbox.close()
