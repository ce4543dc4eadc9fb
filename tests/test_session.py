"""The break session: sets confirmed by presses, bounded re-cues, outcomes."""

from microbreak.core.effects import BreakEnded, Cue, Flash, Outcome, SetConfirmed
from microbreak.core.session import BreakSession
from microbreak.service.clock import FakeClock

EXERCISES = ("shoulder-rolls", "shoulder-shrug")


def new_session(clock, recue=180, max_recues=2, exercises=EXERCISES):
    return BreakSession(exercises, clock.now(), recue_seconds=recue, max_recues=max_recues)


def test_each_press_confirms_the_set_shown_then_moves_on():
    clock = FakeClock()
    session = new_session(clock)
    assert session.current == "shoulder-rolls"
    effects = session.confirm(clock.now())
    assert effects == [SetConfirmed("shoulder-rolls", clock.now().wall), Cue("confirm"), Flash()]
    assert session.current == "shoulder-shrug"
    assert not session.finished


def test_the_set_is_recorded_before_the_person_is_told():
    clock = FakeClock()
    effects = new_session(clock).confirm(clock.now())
    kinds = [type(e) for e in effects]
    assert kinds.index(SetConfirmed) < kinds.index(Cue) < kinds.index(Flash)


def test_last_press_completes_the_break_with_the_done_cue():
    clock = FakeClock()
    session = new_session(clock)
    session.confirm(clock.now())
    clock.advance(30)
    effects = session.confirm(clock.now())
    assert BreakEnded(Outcome.COMPLETED, clock.now().wall) in effects
    assert effects[-1] == Cue("done")
    assert Cue("confirm") not in effects  # the chime in its place
    assert session.confirmed == list(EXERCISES)
    assert session.current is None
    assert session.confirm(clock.now()) == []  # a stray press after the end does nothing


def test_unanswered_break_recues_a_bounded_number_of_times_then_is_missed():
    clock = FakeClock()
    session = new_session(clock, recue=180, max_recues=2)
    cues = []
    for _ in range(20):  # far more time than the re-cues allow
        clock.advance(60)
        cues += session.advance(clock.now())
    assert cues.count(Cue("recue")) == 2
    assert [e for e in cues if isinstance(e, BreakEnded)] == [
        BreakEnded(Outcome.MISSED, FakeClock().now().wall.replace(minute=9))
    ]
    assert session.outcome is Outcome.MISSED


def test_no_recue_before_the_recue_time():
    clock = FakeClock()
    session = new_session(clock, recue=180)
    clock.advance(179)
    assert session.advance(clock.now()) == []
    clock.advance(1)
    assert session.advance(clock.now()) == [Cue("recue")]
    assert session.calling


def test_a_press_resets_the_recue_count():
    clock = FakeClock()
    session = new_session(clock, recue=60, max_recues=1, exercises=("a", "b", "c"))
    clock.advance(60)
    assert session.advance(clock.now()) == [Cue("recue")]
    session.confirm(clock.now())
    assert not session.calling
    clock.advance(60)
    assert session.advance(clock.now()) == [Cue("recue")]  # a fresh allowance after a press


def test_some_sets_then_silence_is_partial():
    clock = FakeClock()
    session = new_session(clock, recue=60, max_recues=0)
    session.confirm(clock.now())
    clock.advance(60)
    effects = session.advance(clock.now())
    assert session.outcome is Outcome.PARTIAL
    assert effects[-1] == Cue("missed")


def test_skip_ends_the_break_as_skipped():
    clock = FakeClock()
    session = new_session(clock)
    effects = session.skip(clock.now())
    assert session.outcome is Outcome.SKIPPED
    assert effects == [BreakEnded(Outcome.SKIPPED, clock.now().wall), Cue("skip")]
    assert session.skip(clock.now()) == []
