"""The change stream over the control socket: a subscriber gets the status at
once and each change as it happens, the button's gestures as events; at most
four subscribe at once, each within the socket's limits; one that falls
behind is cut off, not waited for."""

import threading
import time

import pytest
from test_simulator import FAST, Simulator

from microbreak.service.control import ChangeFeed, ControlError, subscribe
from microbreak.service.control.feed import BACKLOG, BEHIND


class Listener:
    """Reads a change stream on a thread, keeping each message and when it came."""

    def __init__(self, runtime):
        self.messages = []  # (monotonic seconds, message)
        self.error = None
        self._thread = threading.Thread(target=self._read, args=(runtime,), daemon=True)
        self._thread.start()

    def _read(self, runtime):
        try:
            for message in subscribe(runtime):
                self.messages.append((time.monotonic(), message))
        except ControlError as exc:
            self.error = exc

    def first(self, predicate, timeout=5.0, after=0.0):
        """When the first message *predicate* accepts came, and the message."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, message in list(self.messages):
                if at >= after and predicate(message):
                    return at, message
            time.sleep(0.005)
        raise AssertionError(f"no such message in {self.messages} ({self.error})")


def status_event(check):
    return lambda m: m["event"] == "status" and check(m["status"])


@pytest.mark.slow
def test_a_subscriber_hears_the_status_at_once_then_each_change_within_a_second(tmp_path):
    sim = Simulator(tmp_path, config=FAST.replace("interval_minutes = 1", "interval_minutes = 60"))
    try:
        listener = Listener(sim.runtime)
        listener.first(status_event(lambda s: s["state"] == "idle"))
        asked = time.monotonic()
        sim.cli("busy", "on")
        at, _ = listener.first(status_event(lambda s: s["state"] == "busy"), after=asked)
        assert at - asked < 1.0
        sim.cli("busy", "off")
        asked = time.monotonic()
        sim.cli("press")
        at, button = listener.first(lambda m: m["event"] == "button", after=asked)
        assert button["gesture"] == "press" and at - asked < 1.0
    finally:
        sim.stop()
    assert listener.first(lambda m: True) and listener.error is not None  # the stop ends it


@pytest.mark.slow
def test_four_subscribers_at_most_and_the_socket_still_answers(tmp_path):
    sim = Simulator(tmp_path)
    try:
        listeners = [Listener(sim.runtime) for _ in range(4)]
        for listener in listeners:
            listener.first(lambda m: m["event"] == "status")
        with pytest.raises(ControlError, match=r"4 subscribers already; allowed: 4 at once"):
            next(iter(subscribe(sim.runtime)))
        assert sim.status()["state"]  # the four hold connections, not the socket
    finally:
        sim.stop()


def test_a_subscriber_that_falls_behind_is_cut_off_and_the_others_go_on():
    feed = ChangeFeed()
    slow, quick = feed.subscribe(), feed.subscribe()
    for n in range(BACKLOG + 1):
        feed.publish({"event": "status", "n": n})
        assert quick.next(0) is not None  # this one reads as it goes
    lines = [slow.next(0) for _ in range(BACKLOG)]
    assert lines[-1] is BEHIND  # what was queued, then the end
    assert feed.subscribers == 1
    feed.publish({"event": "alive"})
    assert quick.next(0) == b'{"event": "alive"}\n'
