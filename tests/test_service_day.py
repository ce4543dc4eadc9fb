"""The service over whole days, as a person at the desk would notice it: its
loop driven by hand with a fake clock (no sleeps), gpiozero's mock pins for
the button and the presence sensor, the cues it sounds written down."""

import time
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from zoneinfo import ZoneInfo

import pytest

from microbreak.cli.remote import format_status
from microbreak.config.settings import parse_settings
from microbreak.core.effects import CALLS
from microbreak.core.gestures import Gesture, HoldThresholds
from microbreak.core.now import Now
from microbreak.core.presenter import present
from microbreak.core.states import StateName
from microbreak.core.totals import Totals
from microbreak.service import clock as clocks
from microbreak.service.clock import FakeClock
from microbreak.service.control import ControlError
from microbreak.service.loop import Service
from microbreak.service.requests import Request
from microbreak.simulator import harness

LONDON = ZoneInfo("Europe/London")


class LocalClock(FakeClock):
    """A fake clock whose wall time is local, as the real one reads it
    (``datetime.now().astimezone()``: the offset in force at that moment)."""

    def __init__(self, wall):
        super().__init__(wall=wall.astimezone(UTC))  # moves in real seconds

    def now(self):
        now = super().now()
        return Now(now.mono, now.wall.astimezone(), now.trusted)


@pytest.fixture
def london(monkeypatch):
    """The system's zone is Europe/London (through TZ), put back afterwards."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield LONDON
    monkeypatch.undo()
    time.tzset()


class Desk:
    """A service, its clock and what it sounded, run as its loop would run it."""

    def __init__(self, tmp_path, factory, settings="", wall=None, clock=None, frontend=None):
        self.clock = clock or FakeClock(wall=wall)
        self.factory = factory
        self.service = Service(
            parse_settings(settings),
            state_dir=tmp_path / "state",
            runtime_dir=tmp_path / "run",
            clock=self.clock,
            pin_factory=factory,
            frontend=frontend,
        )
        self.cues = []  # (local wall time, cue name)
        self.service.hardware.sounder.play = lambda name, **_: (
            self.cues.append((self.now.wall, name)) or True
        )

    @property
    def now(self):
        return self.clock.now()

    @property
    def schedule(self):
        return self.service.schedule

    def turn(self):
        """One turn of the loop: the schedule catches up with the clock."""
        self.service.apply(self.schedule.advance(self.now), self.now)

    def run(self, seconds, answer=False):
        """Let *seconds* pass, waking at each deadline and at least once a
        minute, as the loop does; press for every set if *answer*."""
        end = self.now.mono + seconds
        while self.now.mono < end:
            due = min(self.schedule.deadline(self.now), self.now.mono + 60, end)
            self.clock.advance(max(due - self.now.mono, 0.001))
            self.turn()
            while answer and self.schedule.state.name is StateName.BREAK:
                self.service.act(lambda now: self.schedule.gesture(Gesture.PRESS, now))

    def run_until(self, wall, answer=False):
        self.run((wall - self.now.wall).total_seconds(), answer)

    def calls(self):
        return [(when, name) for when, name in self.cues if name in CALLS]

    def close(self):
        self.service.close()


@pytest.fixture
def desk(tmp_path, mock_factory):
    desks = []

    def make(**kwargs):
        desks.append(Desk(tmp_path, mock_factory, **kwargs))
        return desks[-1]

    yield make
    for made in desks:
        made.close()


# -- 1. the system's zone, with its daylight saving rules --------------------------


def test_the_system_zone_is_its_iana_name_from_tz_or_etc_localtime(tmp_path):
    assert clocks.system_zone({"TZ": "Europe/London"}) == LONDON
    assert clocks.system_zone({"TZ": ":America/New_York"}) == ZoneInfo("America/New_York")
    assert clocks.system_zone({"TZ": ""}) == UTC
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Europe/London")
    assert clocks.system_zone({}, localtime=str(link)) == LONDON
    copy = tmp_path / "copied"
    copy.write_bytes(link.read_bytes())
    summer = datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert summer.astimezone(clocks.system_zone({}, localtime=str(copy))).utcoffset() == timedelta(
        hours=1
    )
    assert clocks.system_zone({}, localtime=str(tmp_path / "none")) == UTC
    tokyo = ZoneInfo("Asia/Tokyo")
    assert clocks.zone_named("Asia/Tokyo", environ={"TZ": "Europe/London"}) == tokyo


def test_a_posix_tz_rule_is_followed_through_daylight_saving(monkeypatch):
    monkeypatch.setenv("TZ", "GMT0BST,M3.5.0/1,M10.5.0")
    time.tzset()
    try:
        zone = clocks.system_zone()
        winter = datetime(2026, 1, 5, 12, tzinfo=UTC).astimezone(zone)
        summer = datetime(2026, 7, 6, 12, tzinfo=UTC).astimezone(zone)
        assert (winter.hour, summer.hour) == (12, 13)
        assert datetime(2026, 7, 6, 9, tzinfo=zone).astimezone(UTC).hour == 8
    finally:
        monkeypatch.undo()
        time.tzset()


def breaks_on(desk, day):
    return [
        when.strftime("%H:%M")
        for when, name in desk.cues
        if name == "break" and when.astimezone(LONDON).date() == day
    ]


def local(day, hour, minute=0):
    return datetime.combine(day, datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=LONDON
    )


@pytest.mark.parametrize(
    "before, after",
    [
        # the clocks go forward on Sunday 29 March 2026, back on Sunday 25 October
        (datetime(2026, 3, 27).date(), datetime(2026, 3, 30).date()),
        (datetime(2026, 10, 23).date(), datetime(2026, 10, 26).date()),
    ],
    ids=["spring", "autumn"],
)
def test_default_hours_follow_the_local_clock_across_a_daylight_saving_change(
    desk, london, before, after
):
    """Started once, the day before a Friday and never restarted: on both
    sides of the change the breaks run 09:45 to 17:15 local time."""
    d = desk(clock=LocalClock(wall=local(before - timedelta(days=1), 8)))
    d.run_until(local(after, 8), answer=True)
    assert d.service.status()["next_break_at"] == local(after, 9, 45).isoformat()
    assert "next break 09:45" in d.service.status_line(d.now)
    d.run_until(local(after, 20), answer=True)
    every_45 = [
        "09:45",
        "10:30",
        "11:15",
        "12:00",
        "12:45",
        "13:30",
        "14:15",
        "15:00",
        "15:45",
        "16:30",
        "17:15",
    ]
    assert breaks_on(d, before) == every_45
    assert breaks_on(d, after) == every_45


def test_pause_until_is_a_local_time_after_a_daylight_saving_change(desk, london):
    d = desk(clock=LocalClock(wall=datetime(2026, 3, 27, 12, 0, tzinfo=LONDON)))
    d.run_until(datetime(2026, 3, 30, 11, 0, tzinfo=LONDON), answer=True)
    d.service.act(lambda now: d.schedule.pause(now, until=time_of_day(14, 0)))
    assert d.service.status()["paused_until"] == "2026-03-30T14:00:00+01:00"


def test_pause_until_a_time_with_an_offset_is_refused_not_read_as_local(desk, london):
    d = desk(clock=LocalClock(wall=datetime(2026, 3, 30, 11, 0, tzinfo=LONDON)))
    reply = Future()
    d.service.requests.answer(Request("pause", {"until": "12:00+05:00"}, reply))
    with pytest.raises(ControlError) as refused:
        reply.result(0)
    assert str(refused.value) == (
        "pause until '12:00+05:00': a time with an offset is not "
        "allowed; allowed: a time HH:MM in the device's time zone"
    )
    assert d.schedule.state.name is not StateName.PAUSED


# -- 2. a desk already empty at the start -----------------------------------------

ALWAYS = "[hours]\n" + harness.ALWAYS
PRESENCE = ALWAYS + "[presence]\nenabled = true\npin = 22\n"


def test_a_desk_empty_at_the_start_is_never_called(desk, mock_factory):
    """Restarted with nobody there: the sensor's pin is low from the start and
    never rises. Nothing sounds, no break is recorded as missed; someone who
    arrives gets the first break one interval later."""
    mock_factory.pin(22).drive_low()
    d = desk(settings=PRESENCE)
    d.run(3 * 3600)
    assert d.calls() == []
    assert d.service.history.day_counts(d.now.wall.date()).breaks == 0
    assert d.service.status()["present"] is False
    arrived = d.now.wall
    mock_factory.pin(22).drive_high()  # someone sits down: the sensor's edge
    for event in d.service.inbox.wait(0):
        d.service.handle(event)
    d.run(45 * 60 + 1)
    assert [(when - arrived, name) for when, name in d.calls()] == [
        (timedelta(minutes=44), "heads_up"),
        (timedelta(minutes=45), "break"),
    ]


# -- 4. the next break, as status tells it ------------------------------------------


def status_text(d):
    return format_status(d.service.status())


def screen_of(d):
    """What the screen shows now."""
    return present(d.schedule, d.now, d.service.exercises, Totals(), HoldThresholds(2, 5))


def test_while_the_health_notice_waits_status_shows_no_break_gone_by(desk):
    d = desk(settings=ALWAYS)
    d.service.schedule = d.service._new_schedule(notice=True)  # a first start with a screen
    d.run(2 * 3600)
    assert d.service.timeout(d.now) > 0  # the loop sleeps: nothing is due until the press
    text = status_text(d)
    assert "next break" not in text
    assert "breaks begin 45 min after a press" in text
    d.service.act(lambda now: d.schedule.gesture(Gesture.PRESS, now))
    pressed = d.now.wall
    assert (pressed + timedelta(minutes=45)).strftime("%H:%M (in 45 min)") in status_text(d)


def test_during_the_heads_up_status_counts_seconds_as_the_screen_does(desk):
    d = desk(settings=ALWAYS + "[schedule]\nheads_up_seconds = 60\n")
    d.run(44 * 60 + 31)
    assert d.schedule.state.name is StateName.HEADS_UP
    screen = screen_of(d)
    assert screen.headline == "Break in 29 s"
    assert "(in 29 s)" in status_text(d)


# -- 5. a break snoozed from its heads-up ---------------------------------------------


def ask(d, verb, **args):
    """A request over the control socket, as the loop answers it."""
    request = Request(verb, args, Future())
    d.service.requests.answer(request)
    return request.reply.result(timeout=0)


def test_a_break_snoozed_from_its_heads_up_can_be_skipped(desk):
    d = desk(settings=ALWAYS)
    d.run(44 * 60 + 30)
    assert d.schedule.state.name is StateName.HEADS_UP
    d.service.act(lambda now: d.schedule.gesture(Gesture.SNOOZE, now))  # held 2 s
    after = ask(d, "skip")  # was: "nothing to skip: no break is on, announced or snoozed"
    assert after["today"]["skipped"] == 1 and not after["snoozed"]
    d.run(10 * 60)
    assert [name for _, name in d.calls()] == ["heads_up"]  # the skipped break never comes


def test_a_break_snoozed_from_its_heads_up_shows_as_snoozed(desk):
    d = desk(settings=ALWAYS)
    d.run(44 * 60 + 30)
    d.service.act(lambda now: d.schedule.gesture(Gesture.SNOOZE, now))
    screen = screen_of(d)
    assert screen.headline.startswith("Snoozed until")
    assert "snoozed     put off; 1 snooze left" in status_text(d)
    status = d.service.status()
    assert status.get("snoozed") is True and status["snoozes_left"] == 1
