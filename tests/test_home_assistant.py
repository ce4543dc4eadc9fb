"""Home Assistant over MQTT with real parts: Debian's mosquitto on a loopback
port, the simulator, ``microbreak bridge`` as processes, and a subscriber
standing in for Home Assistant: the discovery message it gets, the state
each change publishes (within a second), and every command topic driven end
to end."""

import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import paho.mqtt.client as mqtt
import pytest
from test_simulator import FAST, Simulator

from microbreak.simulator.harness import service_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("mosquitto", path="/usr/sbin:/usr/bin") is None,
        reason="mosquitto is not installed (Debian package 'mosquitto'; ./dev.sh test installs it)",
    ),
]
DEVICE = "testdesk"
BASE = f"microbreak/{DEVICE}"
CONFIG_TOPIC = f"homeassistant/device/{DEVICE}/config"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker(tmp_path):
    """mosquitto on 127.0.0.1, on a port of its own; its port."""
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    process = subprocess.Popen(
        [shutil.which("mosquitto", path="/usr/sbin:/usr/bin"), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "mosquitto did not start"
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(10)


class HomeAssistantSide:
    """A subscriber to the device's topics, as Home Assistant is: every
    message kept with when it came."""

    def __init__(self, port):
        self.messages = []  # (monotonic, topic, payload, retained)
        self.lock = threading.Lock()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"home-assistant-{id(self)}"
        )
        self.client.on_message = self._message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([(CONFIG_TOPIC, 1), (f"{BASE}/#", 1)])
        self.client.loop_start()

    def _message(self, client, userdata, message):
        with self.lock:
            self.messages.append(
                (time.monotonic(), message.topic, message.payload, bool(message.retain))
            )

    def first(self, topic, check=lambda payload: True, after=0.0, timeout=10.0):
        """(when, payload) of the first message on *topic* after *after* that *check* accepts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for at, where, payload, _ in self.messages:
                    if where == topic and at >= after and check(payload):
                        return at, payload
            time.sleep(0.005)
        raise AssertionError(f"nothing on {topic} after {after}: {self.messages[-5:]}")

    def state(self, check, after, timeout=10.0):
        at, payload = self.first(f"{BASE}/state", lambda p: check(json.loads(p)), after, timeout)
        return at, json.loads(payload)

    def publish(self, topic, payload):
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)
        return time.monotonic()

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def start_bridge(sim, tmp_path):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "microbreak",
            "bridge",
            "--config",
            str(sim.config),
            "--runtime-dir",
            str(sim.runtime),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        env=service_env(),
        stdout=open(tmp_path / "bridge.log", "a"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def device(tmp_path, broker):
    config = (
        FAST.replace("interval_minutes = 1", "interval_minutes = 60")
        + f'[presence]\nenabled = true\n[mqtt]\nhost = "127.0.0.1"\nport = {broker}\n'
        + f'device_id = "{DEVICE}"\n'
    )
    sim = Simulator(tmp_path, config=config)
    ha = HomeAssistantSide(broker)
    bridge = start_bridge(sim, tmp_path)
    yield sim, ha, bridge
    ha.close()
    if bridge.poll() is None:
        bridge.terminate()
        bridge.wait(15)
    sim.stop()


def test_discovery_tells_home_assistant_of_one_device_and_its_entities(device, broker):
    sim, ha, bridge = device
    _, payload = ha.first(CONFIG_TOPIC)
    message = json.loads(payload)
    assert {"dev", "o", "cmps"} <= message.keys()
    assert message["dev"]["ids"] == [f"microbreak_{DEVICE}"] and message["o"]["name"]
    cmps = message["cmps"]
    assert set(cmps) == {
        "state",
        "next_break",
        "completed",
        "skipped",
        "missed",
        "sets",
        "streak",
        "occupied",  # [presence] enabled: the desk's occupancy
        "busy",
        "pause",
        "break_now",
        "snooze",
        "skip",
        "button",
    }
    ids = [c["uniq_id"] for c in cmps.values()]
    assert len(set(ids)) == len(ids), "unique ids"
    kinds = {key: c["p"] for key, c in cmps.items()}
    assert kinds["busy"] == kinds["pause"] == "switch" and kinds["button"] == "event"
    assert {kinds[k] for k in ("break_now", "snooze", "skip")} == {"button"}
    assert kinds["occupied"] == "binary_sensor"
    later = HomeAssistantSide(broker)  # one that starts later gets it too: it is retained
    try:
        later.first(CONFIG_TOPIC)
        assert [r for _, t, _, r in later.messages if t == CONFIG_TOPIC] == [True]
    finally:
        later.close()
    # Every topic it names exists: state and availability are published ...
    _, online = ha.first(message["avty_t"], lambda p: p == b"online")
    _, state = ha.first(message["stat_t"])
    state = json.loads(state)
    assert state["state"] == "idle" and state["present"] is True and state["busy"] is False
    assert state["streak"] == 0
    # ... and Home Assistant, starting again, gets it all again.
    asked = ha.publish("homeassistant/status", "online")
    ha.first(CONFIG_TOPIC, after=asked)
    ha.first(f"{BASE}/state", after=asked)


def test_every_command_works_and_each_change_reaches_home_assistant_within_a_second(device):
    sim, ha, bridge = device
    ha.first(f"{BASE}/availability", lambda p: p == b"online")
    delays = []

    def command(topic, payload, check):
        asked = ha.publish(topic, payload)
        at, state = ha.state(check, asked)
        delays.append(at - asked)
        return state

    command(f"{BASE}/busy/set", "ON", lambda s: s["busy"] and s["busy_source"] == "home_assistant")
    assert sim.status()["busy"]["source"] == "home_assistant"
    command(f"{BASE}/busy/set", "OFF", lambda s: not s["busy"])
    command(f"{BASE}/pause/set", "ON", lambda s: s["state"] == "paused")
    command(f"{BASE}/pause/set", "OFF", lambda s: s["state"] == "idle")
    command(f"{BASE}/command", "break_now", lambda s: s["state"] == "break")
    command(f"{BASE}/command", "snooze", lambda s: s["state"] == "idle" and s["next_break_at"])
    command(f"{BASE}/command", "break_now", lambda s: s["state"] == "break")
    done = command(f"{BASE}/command", "skip", lambda s: s["skipped"] == 1)
    assert done["breaks"] == 1 and done["state"] == "idle"
    # The device's own changes: the button, the presence sensor.
    sim.call("press")  # answered once the button is up again
    asked = time.monotonic()
    at, event = ha.first(f"{BASE}/button", after=asked - 0.2)
    assert json.loads(event) == {"event_type": "press"}
    delays.append(max(at - asked, 0))
    asked = time.monotonic()
    sim.call("motion", moving=False)
    at, _ = ha.state(lambda s: s["present"] is False, asked, timeout=20)  # empty after 60 s: 1 s
    asked = time.monotonic()
    sim.call("motion", moving=True)
    at, _ = ha.state(lambda s: s["present"] is True, asked)
    delays.append(at - asked)
    delays.sort()
    p99 = delays[min(len(delays) - 1, round(0.99 * (len(delays) - 1)))]
    print(
        f"MQTT: {len(delays)} changes, median {delays[len(delays) // 2] * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, slowest {delays[-1] * 1000:.0f} ms"
    )
    assert delays[-1] < 1.0, delays


def test_a_refused_command_changes_nothing_and_the_bridge_says_why(device, tmp_path):
    sim, ha, bridge = device
    ha.first(f"{BASE}/availability", lambda p: p == b"online")
    ha.publish(f"{BASE}/command", "skip")  # nothing to skip
    deadline = time.monotonic() + 10
    while "nothing to skip" not in (tmp_path / "bridge.log").read_text():
        assert time.monotonic() < deadline, (tmp_path / "bridge.log").read_text()
        time.sleep(0.05)
    assert sim.status()["state"] == "idle"


def test_availability_follows_the_bridge_and_its_last_will(device, tmp_path):
    sim, ha, bridge = device
    ha.first(f"{BASE}/availability", lambda p: p == b"online")
    asked = time.monotonic()
    bridge.send_signal(signal.SIGTERM)
    assert bridge.wait(15) == 0
    ha.first(f"{BASE}/availability", lambda p: p == b"offline", after=asked)
    again = start_bridge(sim, tmp_path)
    try:
        ha.first(f"{BASE}/availability", lambda p: p == b"online", after=asked)
        asked = time.monotonic()
        again.kill()  # no goodbye: the broker says it, with the last will
        again.wait(15)
        ha.first(f"{BASE}/availability", lambda p: p == b"offline", after=asked, timeout=60)
    finally:
        if again.poll() is None:
            again.kill()


def test_forget_removes_the_device_from_home_assistant(device, broker):
    sim, ha, bridge = device
    ha.first(CONFIG_TOPIC)
    bridge.terminate()
    bridge.wait(15)
    forget = sim.cli("bridge", "--config", str(sim.config), "--forget")
    assert "removed from Home Assistant on 127.0.0.1" in forget.stdout
    later = HomeAssistantSide(broker)  # a Home Assistant starting now: nothing retained
    try:
        time.sleep(0.5)
        assert not [m for m in later.messages if m[1] in (CONFIG_TOPIC, f"{BASE}/state") and m[2]]
    finally:
        later.close()
