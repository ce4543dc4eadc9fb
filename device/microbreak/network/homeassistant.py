"""Home Assistant over MQTT (paho-mqtt): the device's discovery, state and
button events published; its switches and buttons carried to the service.

Discovery is retained and sent again whenever Home Assistant says
``online`` on ``homeassistant/status`` (it restarted); availability is
``online`` while the bridge is connected and hears the service, and the
broker says ``offline`` (the last will) when the bridge is gone::

    ha = HomeAssistant(settings.mqtt, "desk1", command=ask, presence=False)
    ha.start()                    # connects in the background, reconnecting
    ha.publish_state(status, streak=3)
    ha.publish_button("snooze")
"""

from __future__ import annotations

import json
import logging
import os
import queue
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from microbreak import __version__
from microbreak.config.settings import MqttSection
from microbreak.network import discovery
from microbreak.network.discovery import Topics

log = logging.getLogger("microbreak")

HA_STATUS = "homeassistant/status"  # Home Assistant's birth and will
# What each command topic's payload asks of the service: (verb, its arguments).
SWITCHES = {
    ("busy", "ON"): ("busy", {"state": "on", "source": "home_assistant"}),
    ("busy", "OFF"): ("busy", {"state": "off", "source": "home_assistant"}),
    ("pause", "ON"): ("pause", {}),
    ("pause", "OFF"): ("resume", {}),
}


class SettingsProblem(Exception):
    """The [mqtt] settings cannot be used as they are; the message says why."""


def read_password(path: str) -> str:
    """The broker's password from the file *path*, which only its owner and
    group may read (a password anyone can read is no secret)."""
    try:
        info = os.stat(path)
        if info.st_mode & stat.S_IROTH:
            raise SettingsProblem(
                f"mqtt.password_file {path} may be read by anyone; allowed: a file only its "
                "owner and group read (sudo chown root:microbreak-mqtt FILE; sudo chmod 640 FILE)"
            )
        return Path(path).read_text().strip()
    except OSError as exc:
        raise SettingsProblem(
            f"mqtt.password_file {path} cannot be read: {exc.strerror or exc}"
        ) from None


class HomeAssistant:
    def __init__(
        self,
        settings: MqttSection,
        device_id: str,
        *,
        command: Callable[[str, dict[str, Any]], object],
        presence: bool,
    ) -> None:
        """*command* asks the service (on a worker thread): ``command("skip", {})``."""
        self.settings = settings
        self.topics = Topics(device_id)
        self.presence = presence
        self._command = command
        self._state: dict[str, Any] | None = None
        self._online = False  # the service is heard: availability says online
        self._lock = threading.Lock()
        self._work: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue(64)
        self.connected = threading.Event()
        self.client = self._client()

    def _client(self) -> mqtt.Client:
        s = self.settings
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"microbreak-{self.topics.device_id}"
        )
        client.will_set(self.topics.availability, "offline", qos=1, retain=True)
        if s.user:
            client.username_pw_set(
                s.user, read_password(s.password_file) if s.password_file else None
            )
        if s.tls:
            client.tls_set(ca_certs=s.ca_file or None)
        client.reconnect_delay_set(1, 60)
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_message = self._message
        return client

    def start(self) -> None:
        threading.Thread(target=self._worker, name="ha-commands", daemon=True).start()
        self.client.connect_async(self.settings.host, self.settings.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        """Say offline (the will says it too, should this never run), disconnect."""
        self._work.put(None)
        if self.connected.is_set():
            self.client.publish(
                self.topics.availability, "offline", qos=1, retain=True
            ).wait_for_publish(5)
        self.client.disconnect()
        self.client.loop_stop()

    # -- what the service says --------------------------------------------------

    def publish_state(self, status: dict[str, Any], streak: int | None) -> None:
        with self._lock:
            self._state = discovery.state(status, streak)
            self._online = True
        self._send_state()

    def publish_button(self, gesture: str) -> None:
        if gesture in discovery.GESTURES:
            self.client.publish(self.topics.button, json.dumps({"event_type": gesture}), qos=1)

    def service_gone(self) -> None:
        """The service is not heard: Home Assistant shows the device unavailable."""
        with self._lock:
            self._online = False
        self.client.publish(self.topics.availability, "offline", qos=1, retain=True)

    def forget(self, timeout: float = 10) -> None:
        """Remove the device from Home Assistant (an empty retained discovery
        message) and the retained state: the uninstall's last word."""
        self.client.on_connect = None  # which would send the discovery again
        self.client.connect(self.settings.host, self.settings.port, keepalive=30)
        self.client.loop_start()
        for topic in (self.topics.config(self.settings.discovery_prefix), self.topics.state):
            self.client.publish(topic, b"", qos=1, retain=True).wait_for_publish(timeout)
        self.client.publish(self.topics.availability, b"", qos=1, retain=True).wait_for_publish(
            timeout
        )
        self.client.disconnect()
        self.client.loop_stop()

    # -- the broker's side (paho's thread) -----------------------------------------

    def _connected(self, client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            log.warning("MQTT broker %s refused the connection: %s", self.settings.host, reason)
            return
        log.info("connected to the MQTT broker %s:%d", self.settings.host, self.settings.port)
        client.subscribe(
            [(HA_STATUS, 1), (self.topics.switch("busy"), 1), (self.topics.switch("pause"), 1)]
            + [(self.topics.command, 1)]
        )
        self._send_discovery()
        self._send_state()
        self.connected.set()

    def _disconnected(self, client, userdata, flags, reason, properties) -> None:
        self.connected.clear()
        if reason.is_failure:
            log.warning("lost the MQTT broker (%s): connecting again", reason)

    def _message(self, client, userdata, message) -> None:
        payload = message.payload.decode(errors="replace").strip()
        if message.topic == HA_STATUS:
            if payload == "online":  # Home Assistant started again: tell it all again
                self._send_discovery()
                self._send_state()
            return
        if message.topic == self.topics.command and payload in discovery.COMMANDS:
            self._queue(payload.replace("_", "-"), {})
            return
        for name in ("busy", "pause"):
            if message.topic == self.topics.switch(name) and (name, payload) in SWITCHES:
                self._queue(*SWITCHES[name, payload])
                return
        log.warning("MQTT: %s on %s is not a command; ignored", payload[:40], message.topic)

    def _queue(self, verb: str, args: dict[str, Any]) -> None:
        try:
            self._work.put_nowait((verb, args))
        except queue.Full:
            log.warning("MQTT: too many commands waiting; %s dropped", verb)

    def _worker(self) -> None:
        """Carry Home Assistant's commands to the service, one at a time; its
        refusals are logged with the service's own reason."""
        while (item := self._work.get()) is not None:
            verb, args = item
            try:
                self._command(verb, args)
            except Exception as exc:  # noqa: BLE001 - a refusal or no service: said, and on
                log.warning("Home Assistant asked for %s: %s", verb, exc)

    def _send_discovery(self) -> None:
        message = discovery.discovery(
            self.topics, self.settings.discovery_prefix, presence=self.presence, version=__version__
        )
        topic = self.topics.config(self.settings.discovery_prefix)
        self.client.publish(topic, json.dumps(message), qos=1, retain=True)

    def _send_state(self) -> None:
        with self._lock:
            state, online = self._state, self._online
        if state is not None:
            self.client.publish(self.topics.state, json.dumps(state), qos=1, retain=True)
        self.client.publish(
            self.topics.availability, "online" if online else "offline", qos=1, retain=True
        )
