"""Making the service's schedule from what is known at a start or a reload:
the rules from the settings, with the hours in their zone as the system knows
it now; the exercises' rotation carried on from the history; and the presence
sensor's level, which has no edge to tell of a desk already empty."""

from __future__ import annotations

from typing import Any

from microbreak.config.settings import Settings
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.service.clock import Clock, zone_named


def rules(settings: Settings) -> Rules:
    """The schedule's rules, with the hours in their zone as the system
    knows it now (read at each start and reload)."""
    return Rules.from_settings(settings, zone_named(settings.hours.timezone))


def new_schedule(
    settings: Settings,
    names: list[str],
    last: str | None,
    clock: Clock,
    sensor: Any,
    *,
    simulated: bool,
    notice: bool = False,
) -> Schedule:
    """A schedule starting now over the exercises *names*, the rotation
    carried on after *last* (the last one in the history)."""
    rotation = names.index(last) + 1 if last in names else 0
    schedule = Schedule(rules(settings), names, clock.now(), rotation, notice=notice)
    read_presence(schedule, sensor, clock, simulated=simulated)
    return schedule


def read_presence(schedule: Schedule, sensor: Any, clock: Clock, *, simulated: bool) -> None:
    """Tell *schedule* the presence sensor's level now: a desk empty at the
    start has no edge to say so. (The simulator's sensor starts with
    someone there: the person trying it.)"""
    if sensor is None:
        return
    if simulated:
        sensor.pin.drive_high()
    schedule.sensor_read(bool(sensor.is_active), clock.now())


def presence_after_reload(schedule: Schedule, sensor: Any, clock: Clock) -> None:
    """A sensor made afresh by a reload: a still one is still from now on."""
    if sensor is None:
        schedule.sensor_removed()
    elif not sensor.is_active:
        schedule.motion(False, clock.now())
