"""What the service says about itself: ``status``, the line ``systemctl
status`` shows, and today's counts behind both (read from the history again
only when a break or a set changes them, or the day turns)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from microbreak import __version__
from microbreak.core import status as core_status
from microbreak.core.now import Now
from microbreak.core.presenter import viewing_of
from microbreak.core.progress import Figures
from microbreak.core.totals import Totals
from microbreak.service.export import TextfileExport, metrics_text

if TYPE_CHECKING:
    from microbreak.service.loop import Service


class Report:
    """Reports on *service*, read as it stands at each call (a reload
    replaces its settings and hardware)."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._day: tuple[date, Totals, tuple[str, ...]] | None = None
        self._figures: tuple[date, Figures] | None = None
        self._all_time: tuple[Totals, int] | None = None
        self._published: tuple[int, dict[str, Any]] | None = None  # (joined, status) last sent
        self.textfile = TextfileExport(service.settings.export.prometheus_textfile)

    def forget_today(self) -> None:
        """A break or a set was recorded: read today's counts again."""
        self._day = None
        self._figures = None
        self._all_time = None

    def export(self, now: Now) -> None:
        """Bring the Prometheus export, if there is one, up to date (at the
        path the settings say now: a reload may have moved it)."""
        service = self.service
        path = service.settings.export.prometheus_textfile
        if path != (str(self.textfile.path) if self.textfile.path else ""):
            self.textfile = TextfileExport(path)
        if self.textfile.path is None:
            return
        if self._all_time is None:
            self._all_time = service.history.all_time()
        status = core_status.status(service.schedule, now, self.today(now))
        self.textfile.update(metrics_text(status, *self._all_time, service.history.report()))

    def figures(self, now: Now) -> Figures | None:
        """What a progress page shows, while one is on screen (read from the
        history once, and again when a break or a set changes it)."""
        if viewing_of(self.service.schedule.state) is None:
            return None
        day = now.wall.date()
        if self._figures is None or self._figures[0] != day:
            self._figures = (day, self.service.history.figures(day))
        return self._figures[1]

    def today(self, now: Now) -> Totals:
        """Today's counts (cached until a break or set changes them)."""
        return self._today(now)[1]

    def outcomes(self, now: Now) -> tuple[str, ...]:
        """How today's breaks ended, oldest first."""
        return self._today(now)[2]

    def _today(self, now: Now) -> tuple[date, Totals, tuple[str, ...]]:
        day = now.wall.date()
        if self._day is None or self._day[0] != day:
            history = self.service.history
            self._day = (day, history.day_counts(day), history.day_outcomes(day))
        return self._day

    def status_line(self, now: Now) -> str:
        """One line for ``systemctl status``: "Next break 14:35 · 2 of 3 breaks done today"."""
        service = self.service
        line = core_status.status_line(service.schedule, now, self.today(now))
        if service.settings_error:
            line += f" · settings error, kept the last good ones: {service.settings_error}"
        if service.history.problem:
            line += (
                f" · history not written ({service.history.pending} kept in memory): "
                f"{service.history.problem}"
            )
        return line

    def status(self, now: Now) -> dict[str, Any]:
        service = self.service
        result = core_status.status(service.schedule, now, self.today(now))
        result["version"] = __version__
        result["speed"] = service.clock.speed
        result["simulated"] = service.simulated
        result["screen"] = self.screen()
        result["speaker"] = self.speaker()
        result["history"] = service.history.report()
        error = service.settings_error  # the file refused at a reload: the last good kept
        result["settings"] = {"ok": error is None, "detail": error}
        result["led"] = service.hardware.light.pattern
        result["refused_connections"] = service.control.refusals.total
        result["export"] = self.textfile.report()
        result["calendar"] = service.calendar
        return result

    def screen(self) -> dict[str, Any]:
        """``{"ok": bool, "detail": what shows the picture, or why nothing does}``."""
        service = self.service
        describe = getattr(service.frontend, "describe", None)
        if describe is not None:
            return {"ok": True, "detail": describe()}
        if service.settings.screen.size == "none":
            return {"ok": True, "detail": 'none (screen.size = "none")'}
        return {"ok": False, "detail": service.screen_problem or "none"}

    def speaker(self) -> dict[str, Any]:
        service = self.service
        if not service.settings.sound.speaker:
            return {"ok": True, "detail": "off (sound.speaker = false)"}
        if service.hardware.sounder.speaker is not None:
            return {"ok": True, "detail": "on"}
        return {"ok": False, "detail": service.hardware.speaker_problem or "none"}

    def publish(self, now: Now) -> None:
        """Push the status to the change stream's subscribers if it changed
        (the seconds to the next break count down by themselves: not a change)."""
        feed = self.service.control.feed
        if not feed.subscribers:
            return
        status = self.status(now)
        seen = (feed.joined, {k: v for k, v in status.items() if k != "next_break_in_seconds"})
        if seen != self._published:  # changed, or someone new: the status to everyone
            self._published = seen
            feed.publish({"event": "status", "status": status})
