"""Journal logging: stable MESSAGE_IDs on the events people look for."""

import logging
import re

from gpiozero.pins.mock import MockFactory, MockPWMPin

from microbreak.config.settings import Settings
from microbreak.core.effects import BreakEnded, BreakStarted, Outcome, SetConfirmed
from microbreak.service.clock import FakeClock
from microbreak.service.journal import MESSAGE_IDS, event, setup_logging
from microbreak.service.loop import Service


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_message_ids_are_distinct_128_bit_ids():
    assert len(set(MESSAGE_IDS.values())) == len(MESSAGE_IDS)
    assert all(re.fullmatch(r"[0-9a-f]{32}", mid) for mid in MESSAGE_IDS.values())


def test_the_service_logs_breaks_and_sets_with_their_message_ids(tmp_path):
    clock = FakeClock()
    factory = MockFactory(pin_class=MockPWMPin)
    service = Service(
        Settings(),
        state_dir=tmp_path / "state",
        runtime_dir=tmp_path / "run",
        clock=clock,
        pin_factory=factory,
    )
    capture = Records()
    logger = logging.getLogger("microbreak")
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    try:
        now = clock.now()
        service.apply(
            [
                BreakStarted(now.wall, ("shoulder-rolls",), "scheduled"),
                SetConfirmed("shoulder-rolls", now.wall),
                BreakEnded(Outcome.COMPLETED, now.wall),
            ],
            now,
        )
    finally:
        logger.removeHandler(capture)
        logger.setLevel(logging.NOTSET)
        service.close()
        factory.close()
    ids = [getattr(r, "MESSAGE_ID", None) for r in capture.records]
    assert ids == [
        MESSAGE_IDS["break_cued"],
        MESSAGE_IDS["set_confirmed"],
        MESSAGE_IDS["break_completed"],
    ]
    assert capture.records[1].MICROBREAK_EXERCISE == "shoulder-rolls"


def test_every_outcome_has_its_message_id():
    for outcome in Outcome:
        assert event(f"break_{outcome.value}")["MESSAGE_ID"]


def test_journal_under_systemd_else_stderr(monkeypatch):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        monkeypatch.delenv("JOURNAL_STREAM", raising=False)
        assert isinstance(setup_logging(), logging.StreamHandler)
        monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
        handler = setup_logging()
        try:
            from systemd.journal import JournalHandler
        except ImportError:
            assert isinstance(handler, logging.StreamHandler)
        else:
            assert isinstance(handler, JournalHandler)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
