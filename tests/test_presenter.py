"""What people see and read, derived from the schedule."""

from datetime import datetime, timedelta, timezone

from microbreak.config.exercises import load_exercises
from microbreak.core.gestures import Gesture, HoldThresholds
from microbreak.core.presenter import hold_hint, led_pattern, present, view_changes_at
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.core.status import status
from microbreak.core.totals import Totals
from microbreak.core.views import DoneView, ExerciseView, IdleView
from microbreak.service.clock import FakeClock

EXERCISES = {e.name: e for e in load_exercises()}
RULES = Rules(interval_seconds=45 * 60, heads_up_seconds=60, exercises_per_break=2)
THRESHOLDS = HoldThresholds(2, 5)
TZ = timezone(timedelta(hours=1))


def setup():
    clock = FakeClock(wall=datetime(2026, 11, 23, 13, 50, 0, tzinfo=TZ))
    return clock, Schedule(RULES, list(EXERCISES), clock.now())


NO_BREAKS = Totals()


def view(schedule, clock, today=NO_BREAKS, hold=None):
    return present(schedule, clock.now(), EXERCISES, today, THRESHOLDS, hold)


def test_idle_shows_time_next_break_and_today():
    clock, schedule = setup()
    shown = view(schedule, clock, Totals(breaks=3, completed=2, missed=1, sets=4))
    assert shown == IdleView(
        clock="13:50",
        headline="Next break 14:35",
        detail="in 45 min",
        today="Today: 3 breaks · 4 sets",
        hint="",
        countdown=1.0,
        countdown_text="45",
        countdown_unit="min",
    )
    assert led_pattern(schedule) == "off"


def test_idle_view_changes_only_at_minutes():
    clock, schedule = setup()
    clock.advance(20)
    before = view(schedule, clock)
    change = view_changes_at(schedule, clock.now())
    assert change - clock.now().mono == 40
    clock.advance(39.9)
    assert view(schedule, clock) == before
    clock.advance(0.1)
    assert view(schedule, clock) != before


def test_heads_up_counts_down_and_offers_snooze():
    clock, schedule = setup()
    clock.advance(45 * 60 - 45)
    schedule.advance(clock.now())
    shown = view(schedule, clock)
    assert shown.heads_up and shown.headline == "Break in 45 s"
    assert shown.hint == "Hold 2 s to snooze"
    assert led_pattern(schedule) == "pulse"


def test_break_shows_the_exercise_its_place_and_the_gestures():
    clock, schedule = setup()
    schedule.break_now(clock.now())
    shown = view(schedule, clock)
    assert isinstance(shown, ExerciseView)
    assert shown.exercise.name == "upper-back-movement" and shown.position == "1 / 2"
    assert shown.calling and led_pattern(schedule) == "blink"
    assert shown.hint == "Press: done · Hold: snooze / skip"
    schedule.gesture(Gesture.PRESS, clock.now())
    shown = view(schedule, clock)
    assert shown.exercise.name == "high-reach-stretch" and shown.position == "2 / 2"
    assert not shown.calling and led_pattern(schedule) == "on"


def test_done_summary_then_idle():
    clock, schedule = setup()
    schedule.break_now(clock.now())
    schedule.gesture(Gesture.PRESS, clock.now())
    clock.advance(60)
    schedule.gesture(Gesture.PRESS, clock.now())
    shown = view(schedule, clock)
    assert shown == DoneView("Well done", "2/2 sets · next break 14:36")
    clock.advance(8)
    schedule.advance(clock.now())
    assert isinstance(view(schedule, clock), IdleView)


def test_a_skipped_break_says_so_and_is_not_shown_as_done():
    clock, schedule = setup()
    schedule.break_now(clock.now())
    schedule.gesture(Gesture.SKIP, clock.now())
    shown = view(schedule, clock)
    assert (shown.title, shown.outcome) == ("Break skipped", "skipped")


def test_paused():
    clock, schedule = setup()
    schedule.gesture(Gesture.SKIP, clock.now())
    shown = view(schedule, clock)
    assert shown.headline == "Paused" and shown.hint == "Hold 5 s to resume"
    assert led_pattern(schedule) == "dim"
    assert status(schedule, clock.now(), Totals())["next_break_at"] is None


def test_hold_hint_says_what_a_release_would_do():
    clock, schedule = setup()
    assert hold_hint(schedule, 6, THRESHOLDS).label == "Release: pause"
    assert hold_hint(schedule, 0.5, THRESHOLDS).label == "Release: today"  # the progress pages
    assert hold_hint(schedule, 2.5, THRESHOLDS).label == "Release: status"
    schedule.break_now(clock.now())
    assert hold_hint(schedule, 0.5, THRESHOLDS).label == "Release: done"
    assert hold_hint(schedule, 3.5, THRESHOLDS).label == "Release: snooze"
    assert hold_hint(schedule, 3.5, THRESHOLDS).progress == 0.5
    assert hold_hint(schedule, 6, THRESHOLDS).label == "Release: skip break"
    schedule.pause(clock.now())
    assert hold_hint(schedule, 6, THRESHOLDS).label == "Release: resume"


def test_the_hint_and_the_schedule_read_one_table():
    """What the hint says a release does is what the release then does."""
    clock, schedule = setup()
    schedule.break_now(clock.now())
    assert hold_hint(schedule, 3.5, THRESHOLDS).label == "Release: snooze"
    assert schedule.gesture(THRESHOLDS.classify(3.5), clock.now())[-1].name == "snooze"
    notice = Schedule(Rules(), ["shoulder-rolls"], clock.now(), notice=True)
    assert hold_hint(notice, 0.2, THRESHOLDS).label == "Release: begin"
    assert [type(e).__name__ for e in notice.gesture(THRESHOLDS.classify(0.2), clock.now())] == [
        "NoticeAcknowledged"
    ]
    assert notice.state.name == "idle"


def test_status_data():
    clock, schedule = setup()
    data = status(schedule, clock.now(), Totals(breaks=1, completed=1, sets=2))
    assert data["state"] == "idle"
    assert data["next_break_at"] == "2026-11-23T14:35:00+01:00"
    assert data["today"]["sets"] == 2 and data["break"] is None
    schedule.break_now(clock.now())
    data = status(schedule, clock.now(), Totals())
    assert data["state"] == "break" and data["break"]["current"] == "upper-back-movement"


def test_the_countdown_ring_empties_by_the_minute_and_today_shows_as_dots():
    clock, schedule = setup()
    clock.advance(15 * 60 + 20)
    shown = present(
        schedule, clock.now(), EXERCISES, Totals(), THRESHOLDS, outcomes=("completed", "missed")
    )
    assert shown.countdown_text == "30" and shown.countdown == 30 / 45
    assert shown.dots == ("completed", "missed")


def test_off_hours_sleep_without_a_countdown():
    from microbreak.core.workhours import WorkHours

    clock = FakeClock(wall=datetime(2026, 11, 28, 10, 0, tzinfo=TZ))  # a Saturday
    hours = WorkHours.parse({"mon": "09:00-17:30"}, TZ)
    schedule = Schedule(Rules(hours=hours), list(EXERCISES), clock.now())
    shown = view(schedule, clock)
    assert shown.asleep and shown.countdown is None
    assert shown.headline == "Back Mon 09:00" and shown.detail == "First break Mon 09:45"


def test_the_readmes_button_table_says_what_each_gesture_does_in_each_state():
    from pathlib import Path

    from microbreak.core.gestures import ACTIONS, Action
    from microbreak.core.states import StateName

    states = {
        "first-start notice": StateName.NOTICE,
        "idle": StateName.IDLE,
        "heads-up": StateName.HEADS_UP,
        "break": StateName.BREAK,
        "paused": StateName.PAUSED,
        "off hours": StateName.OFF_HOURS,
        "busy": StateName.BUSY,
    }
    words = {
        "begin": Action.BEGIN,
        "set done": Action.CONFIRM,
        "next progress page": Action.PROGRESS,
        "snooze": Action.SNOOZE,
        "skip the break": Action.SKIP,
        "pause": Action.PAUSE,
        "resume": Action.RESUME,
        "end busy": Action.NOT_BUSY,
        "nothing (status)": Action.STATUS,
        "nothing": Action.NOTHING,
    }
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    table = readme.split("| state | press | hold 2 s | hold 5 s |\n| --- | --- | --- | --- |\n")[1]
    said = {}
    for line in table.split("\n\n")[0].splitlines():
        state, *actions = (cell.strip() for cell in line.strip("|").split("|"))
        said[states[state]] = tuple(words[a] for a in actions)
    assert said == ACTIONS
