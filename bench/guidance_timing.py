"""How exactly the guidance sounds when the timeline says it should, on the
buzzer: the five exercises' guidance played at once (five buzzers on
gpiozero's mock pins, which time every change of their pin), each tick's and
tone's first edge against its time on the timeline. Baseline, in the same
run: a cue melody's notes against their RTTTL timing, played the same way.

    python -m bench.guidance_timing [--quick] [--json FILE]
"""

from __future__ import annotations

import threading
import time

from gpiozero.pins.mock import MockFactory, MockPWMPin

from microbreak.config.exercises import load_exercises
from microbreak.core import guidance
from microbreak.parts.guide import Guide
from microbreak.parts.rtttl import load_folder
from microbreak.parts.sounder import Sounder, buzzer
from microbreak.resources import data_dir

from .common import main, percentile, row

SONGS = load_folder(data_dir("sounds"))


def sounds_started(pin, cleared_at: float, start: float, gap: float = 0.05) -> list[float]:
    """When *pin* began each sound after a silence of *gap* or more, in
    seconds after *start*; gpiozero's mock pin keeps each change's time
    since the one before, from *cleared_at* (when its states were cleared)."""
    onsets, last_off, now = [], -1.0, cleared_at
    for state in pin.states[1:]:
        now += state.timestamp
        if state.state and (not onsets or now - last_off >= gap):
            onsets.append(now - start)
        if not state.state:
            last_off = now
    return onsets


def play_on_buzzer(prompts, factory, gpio: int) -> list[float]:
    """Play *prompts* on a passive buzzer on *gpio*; each sound's first edge,
    in seconds on the timeline."""
    device = buzzer("passive", gpio, factory)
    sounder = Sounder(device, SONGS)
    pin = device.pwm_device.pin
    pin.clear_states()
    cleared_at = time.monotonic()
    origin = cleared_at + 0.2
    guide = Guide(sounder)
    guide.start(prompts, origin)
    time.sleep(max(origin + prompts[-1].at + 0.6 - time.monotonic(), 0))
    guide.stop()
    heard = sounds_started(pin, cleared_at, origin)
    sounder.close()
    return heard


def guided(seconds: float) -> dict[str, tuple[list[float], list[float]]]:
    """Each exercise's sounds in its first *seconds*: (due, heard), all five at once."""
    factory = MockFactory(pin_class=MockPWMPin)
    results: dict[str, tuple[list[float], list[float]]] = {}

    def run(exercise, gpio: int) -> None:
        prompts = [
            p for p in guidance.guide(exercise, 0, 1, spoken=False) if p.at < seconds and p.sound
        ]
        results[exercise.name] = ([p.at for p in prompts], play_on_buzzer(prompts, factory, gpio))

    threads = [
        threading.Thread(target=run, args=(e, 5 + i)) for i, e in enumerate(load_exercises())
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def melody_notes() -> list[float]:
    """The break cue's notes against their RTTTL times, on the buzzer (seconds)."""
    factory = MockFactory(pin_class=MockPWMPin)
    device = buzzer("passive", 4, factory)
    sounder = Sounder(device, SONGS)
    pin = device.pwm_device.pin
    pin.clear_states()
    cleared_at = time.monotonic()
    sounder.play("break")
    started = time.monotonic()
    sounder.wait(3)
    due, t = [], 0.0
    for note in SONGS["break"].notes:
        due.append(t)
        t += note.seconds
    heard = sounds_started(pin, cleared_at, started, gap=0.015)
    sounder.close()
    return [h - d for h, d in zip(heard, due, strict=False)]


def measure(quick: bool = False) -> dict:
    results = guided(4.5 if quick else 30.0)
    late = [
        abs(h - d) * 1000
        for due, heard in results.values()
        for d, h in zip(due, heard, strict=True)
    ]
    assert all(len(due) == len(heard) for due, heard in results.values()), results
    notes = [abs(e) * 1000 for e in melody_notes()]
    rows = [
        row(
            f"guidance onset vs timeline, buzzer ({len(late)} ticks/tones, 5 exercises at once)",
            percentile(late, 0.5),
            "ms",
            p99=percentile(late, 0.99),
            baseline=percentile(notes, 0.5),
            baseline_p99=max(notes),
            baseline_what="the break cue's notes vs their RTTTL",
            target=20,
        )
    ]
    return {"name": "guidance_timing", "rows": rows, "data": {"late_ms": late}}


if __name__ == "__main__":
    main(measure, __doc__)
