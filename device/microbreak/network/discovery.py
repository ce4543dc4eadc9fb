"""What Home Assistant is told over MQTT: the device-based discovery message
(one retained message on ``<prefix>/device/<id>/config`` with the device,
the origin and its components), the topics, and the state each change
publishes::

    >>> topics = Topics("desk1")
    >>> message = discovery(topics, "homeassistant", presence=False, version="0.9")
    >>> sorted(message["cmps"])[:4]
    ['break_now', 'busy', 'button', 'completed']
    >>> message["cmps"]["busy"]["cmd_t"]
    'microbreak/desk1/busy/set'

Pure: the bridge (:mod:`~microbreak.network.homeassistant`) sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STATES = ["notice", "idle", "heads_up", "break", "paused", "off_hours", "busy"]
GESTURES = ["press", "snooze", "skip"]  # the physical button: a press, a 2 s hold, a 5 s hold
COMMANDS = ("break_now", "snooze", "skip")  # the buttons in Home Assistant


@dataclass(frozen=True)
class Topics:
    """The device's MQTT topics, under ``microbreak/<device id>/``."""

    device_id: str

    @property
    def base(self) -> str:
        return f"microbreak/{self.device_id}"

    @property
    def availability(self) -> str:
        return f"{self.base}/availability"

    @property
    def state(self) -> str:
        return f"{self.base}/state"

    @property
    def button(self) -> str:
        return f"{self.base}/button"

    @property
    def command(self) -> str:
        return f"{self.base}/command"

    def switch(self, name: str) -> str:
        return f"{self.base}/{name}/set"

    def config(self, prefix: str) -> str:
        return f"{prefix}/device/{self.device_id}/config"


def _count(key: str, name: str, unit: str, icon: str) -> dict[str, Any]:
    return {
        "p": "sensor",
        "name": name,
        "val_tpl": f"{{{{ value_json.{key} }}}}",
        "unit_of_meas": unit,
        "stat_cla": "total_increasing",  # counts of today: back to 0 at midnight
        "ic": icon,
    }


def components(topics: Topics, presence: bool) -> dict[str, dict[str, Any]]:
    """Every entity, by its component id (the unique id is the device's id and it)."""
    cmps: dict[str, dict[str, Any]] = {
        "state": {
            "p": "sensor",
            "name": "State",
            "dev_cla": "enum",
            "ops": STATES,
            "val_tpl": "{{ value_json.state }}",
            "ic": "mdi:human-handsup",
        },
        "next_break": {
            "p": "sensor",
            "name": "Next break",
            "dev_cla": "timestamp",
            "val_tpl": "{{ value_json.next_break_at or 'None' }}",
        },
        "completed": _count("completed", "Breaks completed today", "breaks", "mdi:check-circle"),
        "skipped": _count("skipped", "Breaks skipped today", "breaks", "mdi:skip-next-circle"),
        "missed": _count("missed", "Breaks missed today", "breaks", "mdi:close-circle"),
        "sets": _count("sets", "Sets done today", "sets", "mdi:arm-flex"),
        "streak": {
            "p": "sensor",
            "name": "Streak",
            "val_tpl": "{{ value_json.streak if value_json.streak is not none else 'None' }}",
            "unit_of_meas": "d",
            "ic": "mdi:fire",
        },
        "busy": {
            "p": "switch",
            "name": "Busy",
            "cmd_t": topics.switch("busy"),
            "val_tpl": "{{ 'ON' if value_json.busy else 'OFF' }}",
            "ic": "mdi:account-clock",
        },
        "pause": {
            "p": "switch",
            "name": "Pause",
            "cmd_t": topics.switch("pause"),
            "val_tpl": "{{ 'ON' if value_json.state == 'paused' else 'OFF' }}",
            "ic": "mdi:pause-circle",
        },
        "button": {
            "p": "event",
            "name": "Button",
            "stat_t": topics.button,
            "evt_typ": GESTURES,
            "dev_cla": "button",
        },
    }
    for name, label, icon in (
        ("break_now", "Break now", "mdi:play-circle"),
        ("snooze", "Snooze", "mdi:alarm-snooze"),
        ("skip", "Skip break", "mdi:skip-forward"),
    ):
        cmps[name] = {
            "p": "button",
            "name": label,
            "cmd_t": topics.command,
            "pl_prs": name,
            "ic": icon,
        }
    if presence:
        cmps["occupied"] = {
            "p": "binary_sensor",
            "name": "Desk occupied",
            "dev_cla": "occupancy",
            "val_tpl": "{{ 'ON' if value_json.present else 'OFF' }}",
        }
    for key, component in cmps.items():
        component["uniq_id"] = f"microbreak_{topics.device_id}_{key}"
    return cmps


def discovery(topics: Topics, prefix: str, *, presence: bool, version: str) -> dict[str, Any]:
    """The device-based discovery message (retained on :meth:`Topics.config`)."""
    return {
        "dev": {
            "ids": [f"microbreak_{topics.device_id}"],
            "name": "microbreak",
            "mf": "microbreak",
            "mdl": "Desk companion",
            "sw": version,
        },
        "o": {"name": "microbreak", "sw": version},
        "avty_t": topics.availability,
        "stat_t": topics.state,
        "qos": 1,
        "cmps": components(topics, presence),
    }


def state(status: dict[str, Any], streak: int | None) -> dict[str, Any]:
    """What the state topic carries, from the service's status."""
    today = status["today"]
    busy = status.get("busy")
    return {
        "state": status["state"],
        "next_break_at": status["next_break_at"],
        "completed": today["completed"],
        "skipped": today["skipped"],
        "missed": today["missed"],
        "partial": today["partial"],
        "breaks": today["breaks"],
        "sets": today["sets"],
        "streak": streak,
        "present": status["present"],
        "busy": busy is not None,
        "busy_source": busy["source"] if busy else None,
        "busy_until": busy["until"] if busy else None,
    }
