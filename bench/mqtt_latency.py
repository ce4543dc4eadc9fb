"""How soon a change reaches Home Assistant: Debian's mosquitto on a loopback
port, the headless simulator, ``microbreak bridge``, and a subscriber in
Home Assistant's place.

- a change on the device (``busy`` on and off over the control socket) until
  the state message arrives;
- a command from Home Assistant (the busy switch's topic) until the state
  message saying it was done arrives;

each against the broker's own round trip, measured in the same run: a
message published and received by the subscriber.

    python -m bench.mqtt_latency [--quick] [--json FILE]
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt

from microbreak.simulator.harness import ALWAYS, service_env

from .common import Device, main, median, percentile, row


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Listener:
    """A subscriber that hands each message on its topics to whoever waits."""

    def __init__(self, port: int, topics: list[str]) -> None:
        self.got: dict[str, list[tuple[float, bytes]]] = {}
        self.changed = threading.Condition()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench")
        self.client.on_message = self._message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([(topic, 1) for topic in topics])
        self.client.loop_start()

    def _message(self, client, userdata, message) -> None:
        with self.changed:
            self.got.setdefault(message.topic, []).append((time.monotonic(), message.payload))
            self.changed.notify_all()

    def wait(self, topic: str, check, after: float, timeout: float = 10) -> float:
        """When the first message on *topic* since *after* that *check* accepts came."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while time.monotonic() < deadline:
                for at, payload in self.got.get(topic, []):
                    if at >= after and check(payload):
                        return at
                self.changed.wait(0.05)
        raise TimeoutError(f"nothing on {topic}")


def measure(quick: bool = False) -> dict:
    rounds = 5 if quick else 50
    mosquitto = shutil.which("mosquitto", path="/usr/sbin:/usr/bin")
    if mosquitto is None:
        raise SystemExit("mosquitto is not installed (Debian package 'mosquitto')")
    with tempfile.TemporaryDirectory() as tmp:
        folder, port = Path(tmp), _free_port()
        (folder / "mosquitto.conf").write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
        broker = subprocess.Popen(
            [mosquitto, "-c", str(folder / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        config = f'[hours]\n{ALWAYS}[mqtt]\nhost = "127.0.0.1"\nport = {port}\ndevice_id = "b"\n'
        device = Device(folder, config, speed=1)
        device.start()
        device.acknowledge_notice()
        bridge = subprocess.Popen(
            [sys.executable, "-m", "microbreak", "bridge", "--config", str(device.config),
             "--runtime-dir", str(device.runtime), "--cache-dir", str(folder / "cache")],
            env=service_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        listener = Listener(port, ["microbreak/b/state", "bench/echo"])
        try:
            busy = lambda on: lambda p: json.loads(p)["busy"] is on  # noqa: E731
            listener.wait("microbreak/b/state", busy(False), 0, timeout=20)
            echo, change, command = [], [], []
            for _ in range(rounds):
                t = time.monotonic()
                listener.client.publish("bench/echo", b"x", qos=1)
                echo.append(listener.wait("bench/echo", lambda p: True, t) - t)
                t = time.monotonic()
                device.call("busy", state="on")
                change.append(listener.wait("microbreak/b/state", busy(True), t) - t)
                t = time.monotonic()
                listener.client.publish("microbreak/b/busy/set", b"OFF", qos=1)
                command.append(listener.wait("microbreak/b/state", busy(False), t) - t)
        finally:
            listener.client.loop_stop()
            bridge.terminate()
            bridge.wait(15)
            device.stop()
            broker.terminate()
            broker.wait(10)
    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    base, base_p99 = median(ms(echo)), percentile(ms(echo), 0.99)
    rows = [
        row(
            f"device change to Home Assistant's state message ({rounds} times)",
            median(ms(change)),
            "ms",
            p99=percentile(ms(change), 0.99),
            baseline=base,
            baseline_p99=base_p99,
            baseline_what="the broker's own round trip",
            target=1000,
        ),
        row(
            "Home Assistant's command (busy switch) to the state saying it is done",
            median(ms(command)),
            "ms",
            p99=percentile(ms(command), 0.99),
            baseline=base,
            baseline_p99=base_p99,
            baseline_what="the broker's own round trip",
            target=1000,
        ),
    ]
    return {"name": "mqtt_latency", "rows": rows, "data": {"echo": echo, "change": change,
                                                              "command": command}}  # fmt: skip


if __name__ == "__main__":
    main(measure, __doc__)
