"""A press between breaks steps through the progress pages (today, this
week, the streak) and back; each page goes back by itself after a while. The
core decides, with a fake clock; the pages' words come from the figures."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from microbreak.config.exercises import load_exercises
from microbreak.core.effects import Cue
from microbreak.core.gestures import Gesture, HoldThresholds
from microbreak.core.pages import streak_page, today_page, week_page
from microbreak.core.presenter import hold_hint, present
from microbreak.core.progress import Figures, Page
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.core.states import StateName
from microbreak.core.status import status
from microbreak.core.totals import Totals
from microbreak.core.views import IdleView, StreakView, TodayView, WeekView
from microbreak.core.workhours import WorkHours
from microbreak.service.clock import FakeClock

EXERCISES = {e.name: e for e in load_exercises()}
RULES = Rules(interval_seconds=45 * 60, heads_up_seconds=60, progress_seconds=20)
THRESHOLDS = HoldThresholds(2, 5)
THURSDAY = datetime(2026, 11, 26, 13, 50, tzinfo=timezone(timedelta(hours=1)))
TODAY = Totals(5, completed=3, partial=1, missed=1, sets=7)
FIGURES = Figures(
    week=(Totals(9, completed=9, sets=18), Totals(), Totals(8, completed=6, skipped=2), TODAY),
    streak=1,
    best=7,
    done=(("shoulder-rolls", 40), ("shoulder-shrug", 12), ("high-reach-stretch", 33)),
)


def setup(rules=RULES):
    clock = FakeClock(wall=THURSDAY)
    return clock, Schedule(rules, list(EXERCISES), clock.now())


def shown(schedule, clock, hold=None):
    outcomes = ("completed", "completed", "partial", "completed", "missed")
    return present(
        schedule,
        clock.now(),
        EXERCISES,
        TODAY,
        THRESHOLDS,
        hold,
        outcomes=outcomes,
        figures=FIGURES,
    )


def press(schedule, clock):
    return schedule.gesture(Gesture.PRESS, clock.now())


def test_presses_when_idle_step_through_today_the_week_the_streak_and_back():
    clock, schedule = setup()
    idle = shown(schedule, clock)
    pages = []
    for _ in range(4):
        assert press(schedule, clock) == []  # nothing recorded, nothing sounded
        pages.append(shown(schedule, clock))
        clock.advance(3)
    assert [type(p) for p in pages] == [TodayView, WeekView, StreakView, IdleView]
    assert [p.hint for p in pages[:3]] == ["Press: this week", "Press: streak", "Press: back"]
    assert pages[3] == idle
    assert schedule.state.name is StateName.IDLE


def test_a_page_goes_back_by_itself_after_20_s_from_the_last_press():
    clock, schedule = setup()
    press(schedule, clock)
    clock.advance(15)
    press(schedule, clock)  # the week: its 20 s start now
    assert schedule.deadline(clock.now()) == clock.now().mono + 20
    clock.advance(19.9)
    schedule.advance(clock.now())
    assert isinstance(shown(schedule, clock), WeekView)
    clock.advance(0.1)
    assert schedule.advance(clock.now()) == []
    assert isinstance(shown(schedule, clock), IdleView)
    assert isinstance(press(schedule, clock) or shown(schedule, clock), TodayView)  # from the start


def test_the_break_coming_takes_the_screen_from_a_page():
    clock, schedule = setup()
    clock.advance(45 * 60 - 65)
    press(schedule, clock)
    clock.advance(5)
    assert schedule.advance(clock.now()) == [Cue("heads_up")]
    assert shown(schedule, clock).headline.startswith("Break in")
    clock.advance(60)
    schedule.advance(clock.now())
    assert schedule.state.name is StateName.BREAK


def test_a_press_during_the_summary_shows_today_at_once():
    clock, schedule = setup()
    schedule.break_now(clock.now())
    press(schedule, clock)
    press(schedule, clock)  # both sets done: the summary shows
    assert shown(schedule, clock).__class__.__name__ == "DoneView"
    press(schedule, clock)
    assert isinstance(shown(schedule, clock), TodayView)


def test_paused_and_outside_working_hours_a_press_shows_the_pages_too():
    clock, schedule = setup()
    schedule.pause(clock.now())
    press(schedule, clock)
    assert isinstance(shown(schedule, clock), TodayView)
    assert status(schedule, clock.now(), TODAY)["progress"] == "today"
    hours = WorkHours.parse({"thu": "09:00-12:00"}, THURSDAY.tzinfo)
    clock, schedule = setup(Rules(hours=hours, progress_seconds=20))
    asleep = shown(schedule, clock)
    assert asleep.asleep and schedule.state.name is StateName.OFF_HOURS
    press(schedule, clock)
    press(schedule, clock)
    assert isinstance(shown(schedule, clock), WeekView)  # drawn awake
    clock.advance(20)
    schedule.advance(clock.now())
    assert shown(schedule, clock) == asleep


def test_busy_a_press_shows_the_pages_and_the_5_s_hold_still_ends_busy():
    clock, schedule = setup()
    schedule.busy(clock.now(), seconds=60 * 60)  # past the break due at 14:35
    busy = shown(schedule, clock)
    assert busy.busy and busy.hint == "Hold 5 s to end busy"
    assert hold_hint(schedule, 0.5, THRESHOLDS).label == "Release: today"
    assert press(schedule, clock) == []  # nothing sounds in a meeting
    today = shown(schedule, clock)
    assert isinstance(today, TodayView) and today.detail == "7 sets · next break 14:51"
    press(schedule, clock)
    assert isinstance(shown(schedule, clock), WeekView)
    assert schedule.state.name is StateName.BUSY  # still busy: nothing calls
    assert status(schedule, clock.now(), TODAY)["progress"] == "week"
    clock.advance(20)
    schedule.advance(clock.now())
    assert shown(schedule, clock) == replace(busy, clock="13:50")  # back by itself
    press(schedule, clock)
    assert hold_hint(schedule, 5.5, THRESHOLDS).label == "Release: end busy"
    assert schedule.gesture(Gesture.SKIP, clock.now()) == []
    assert schedule.state.name is StateName.IDLE and schedule.state.viewing is None


def test_busy_beginning_or_ending_takes_the_screen_from_a_page():
    clock, schedule = setup()
    press(schedule, clock)
    schedule.busy(clock.now())  # a meeting begins: the screen says so at once
    assert schedule.state.name is StateName.BUSY and schedule.state.viewing is None
    press(schedule, clock)
    schedule.not_busy(clock.now())
    assert schedule.state.name is StateName.IDLE and schedule.state.viewing is None
    assert schedule.deadline(clock.now()) > clock.now().mono + 20  # no page to time out


def test_the_holds_keep_their_meanings_and_the_hint_names_the_next_page():
    clock, schedule = setup()
    assert hold_hint(schedule, 0.5, THRESHOLDS).label == "Release: today"
    assert hold_hint(schedule, 2.5, THRESHOLDS).label == "Release: status"
    assert hold_hint(schedule, 5.5, THRESHOLDS).label == "Release: pause"
    press(schedule, clock)
    press(schedule, clock)
    press(schedule, clock)
    assert hold_hint(schedule, 0.5, THRESHOLDS).label == "Release: back"
    assert schedule.gesture(Gesture.SNOOZE, clock.now()) == []  # still a status: nothing
    assert isinstance(shown(schedule, clock), StreakView)
    assert schedule.gesture(Gesture.SKIP, clock.now()) == [Cue("pause")]
    assert schedule.state.name is StateName.PAUSED and schedule.state.viewing is None


def test_during_a_break_and_its_heads_up_a_press_is_what_it_was():
    clock, schedule = setup()
    clock.advance(45 * 60 - 30)
    schedule.advance(clock.now())
    assert press(schedule, clock) == [] and schedule.state.name is StateName.HEADS_UP
    clock.advance(30)
    schedule.advance(clock.now())
    effects = press(schedule, clock)
    assert [type(e).__name__ for e in effects][:2] == ["SetConfirmed", "Cue"]


def test_the_pages_say_today_the_week_and_the_streak_in_words():
    today = today_page(TODAY, ("completed",) * 3, "14:35", "Press: this week")
    assert (today.headline, today.detail) == ("3 of 5 done", "7 sets · next break 14:35")
    assert today_page(Totals(), (), None, "").headline == "No breaks yet"
    assert today_page(Totals(1, away=1), (), None, "").headline == "1 natural break"
    week = week_page(FIGURES, weekday=3, hint="")
    assert [d.label for d in week.days] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert week.days[0].counts == (("completed", 9),) and week.days[1].counts == ()
    assert week.days[2].counts == (("completed", 6), ("not_done", 2))
    assert [d.today for d in week.days].index(True) == 3
    assert [d.to_come for d in week.days] == [False] * 4 + [True] * 3
    assert week.summary == "22 breaks · 82 % done"  # 18 of 22
    streak = streak_page(FIGURES, EXERCISES, "")
    assert (streak.streak, streak.caption, streak.best) == (
        "1",
        "day in a row",
        "every break done · best 7",
    )
    titles = [title for title, _ in streak.exercises]
    counts = [count for _, count in streak.exercises]
    assert titles[0] == "Shoulder rolls" and counts[:3] == [40, 33, 12]
    assert len(titles) == len(EXERCISES) and counts[-1] == 0  # never done: least, last
    assert Page.STREAK.value == "streak"


def test_a_break_busy_held_off_till_the_hours_ended_is_a_grey_part_not_a_miss():
    day = Totals(3, completed=1, deferred=1, missed=1, sets=2)
    week = week_page(Figures(week=(day,)), weekday=0, hint="")
    assert week.days[0].counts == (("completed", 1), ("deferred", 1), ("not_done", 1))
    assert week.summary == "3 breaks · 50 % done"  # of the two cued breaks that ended
