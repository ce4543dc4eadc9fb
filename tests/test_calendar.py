"""Calendars: a fixture's events expanded (a recurring stand-up with a day
taken out and one moved, a weekly call set in New York's time across the
weeks when Europe and America change their clocks apart, an all-day event, a
free one, a declined one, a cancelled one); the feed served by a real HTTP
server on 127.0.0.1 (caching headers, a failure that keeps the last good
copy, a password that never reaches a log); the busy periods the core
receives from the bridge; and a simulated week with no call in any meeting."""

import base64
import logging
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_schedule_rules import Day, at, rules
from test_simulator import FAST, Simulator

from microbreak.config.settings import parse_settings
from microbreak.core.busy import BusyPeriod, BusySource
from microbreak.core.effects import CALLS, BreakDeferred, BreakStarted, Cue
from microbreak.core.workhours import DAYS
from microbreak.network.bridge import Bridge
from microbreak.network.calendar import busy_periods
from microbreak.network.feeds import Feed

WEEKS = (Path(__file__).parent / "data" / "calendar" / "weeks.ics").read_bytes()
LONDON = ZoneInfo("Europe/London")
FROM, TO = datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 11, 7, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_the_fixtures_events_as_busy_periods():
    periods = busy_periods(WEEKS, FROM, TO, email="me@example.com", zone=LONDON)
    assert [(p.start, p.end, p.what) for p in periods] == [
        (utc(2026, 10, 26, 9, 30), utc(2026, 10, 26, 9, 45), "Stand-up"),
        (utc(2026, 10, 27, 9, 30), utc(2026, 10, 27, 9, 45), "Stand-up"),
        (utc(2026, 10, 27, 10, 0), utc(2026, 10, 27, 11, 0), "Design review"),
        # Wednesday's stand-up is taken out (EXDATE), Thursday's moved (RECURRENCE-ID).
        (utc(2026, 10, 29, 11, 0), utc(2026, 10, 29, 11, 15), "Stand-up (moved)"),
        # 10:00 in New York is 14:00 in London while only Europe is on winter time ...
        (utc(2026, 10, 29, 14, 0), utc(2026, 10, 29, 15, 0), "New York sync"),
        (utc(2026, 10, 30, 9, 30), utc(2026, 10, 30, 9, 45), "Stand-up"),
        (utc(2026, 11, 2, 9, 30), utc(2026, 11, 2, 9, 45), "Stand-up"),
        (utc(2026, 11, 3, 9, 30), utc(2026, 11, 3, 9, 45), "Stand-up"),
        (utc(2026, 11, 4, 9, 30), utc(2026, 11, 4, 9, 45), "Stand-up"),
        (utc(2026, 11, 5, 9, 30), utc(2026, 11, 5, 9, 45), "Stand-up"),
        # ... and 15:00 once both are.
        (utc(2026, 11, 5, 15, 0), utc(2026, 11, 5, 16, 0), "New York sync"),
        (utc(2026, 11, 6, 9, 30), utc(2026, 11, 6, 9, 45), "Stand-up"),
    ]  # not the focus time (free), the pitch (declined), the planning (cancelled), the offsite


def test_all_day_events_make_the_whole_day_busy_when_asked_and_declines_need_an_address():
    periods = busy_periods(WEEKS, FROM, TO, all_day=True, zone=LONDON)
    whats = [p.what for p in periods]
    assert "Team offsite" in whats and "Vendor pitch" in whats  # no address: no decline known
    [offsite] = [p for p in periods if p.what == "Team offsite"]
    assert (offsite.start, offsite.end) == (
        datetime(2026, 10, 30, tzinfo=LONDON),
        datetime(2026, 10, 31, tzinfo=LONDON),
    )


class Server:
    """An HTTP server on 127.0.0.1 serving one feed at /private-token123/basic.ics,
    with an ETag, for a user and a password; it can be made to fail."""

    def __init__(self, body):
        self.body, self.failing, self.requests = body, False, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                server.requests.append(dict(self.headers))
                etag = f'"{hash(server.body)}"'
                auth = "Basic " + base64.b64encode(b"me:s3cret").decode()
                if self.headers.get("Authorization") != auth:
                    self.send_response(401)
                elif server.failing:
                    self.send_response(503)
                elif self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                else:
                    self.send_response(200)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Type", "text/calendar")
                    self.send_header("Content-Length", str(len(server.body)))
                    self.end_headers()
                    self.wfile.write(server.body)
                    return
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        port = self.httpd.server_address[1]
        self.url = f"http://me:s3cret@127.0.0.1:{port}/private-token123/basic.ics?key=abc"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    served = Server(WEEKS)
    yield served
    served.close()


def test_a_feed_is_fetched_with_its_caching_headers_and_kept_when_the_server_fails(
    server, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="microbreak")
    now = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    feed = Feed(server.url, tmp_path)
    assert feed.refresh(now) and feed.body == WEEKS
    assert not feed.refresh(now + timedelta(minutes=5))  # 304 Not Modified
    assert "If-None-Match" in server.requests[1]
    server.failing = True
    assert not feed.refresh(now + timedelta(minutes=10))
    report = feed.report()
    assert report == {
        "source": f"http://127.0.0.1:{server.httpd.server_address[1]}/…/basic.ics",
        "ok": False,
        "detail": "cannot fetch it (HTTP 503 Service Unavailable); using the copy from Mon 08:05",
    }
    # A restart: the copy kept on disk is used until the server is back.
    again = Feed(server.url, tmp_path)
    assert again.body == WEEKS
    server.failing = False
    assert not again.refresh(now + timedelta(minutes=15))  # still the same: 304
    assert again.report()["ok"]
    said = caplog.text + repr(report) + repr(again.report())
    for secret in ("s3cret", "token123", "key=abc", "me:"):
        assert secret not in said


def test_a_page_that_is_not_a_calendar_keeps_the_last_good_copy(server, tmp_path):
    now = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    feed = Feed(server.url, tmp_path)
    feed.refresh(now)
    server.body = b"<html>Sign in</html>"
    assert not feed.refresh(now)
    assert feed.body == WEEKS and feed.report()["detail"].startswith("not an iCalendar feed")


def meeting_feed(start: datetime, end: datetime) -> bytes:
    stamp = "%Y%m%dT%H%M%SZ"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:m1\r\n"
        f"SUMMARY:Design review\r\nDTSTART:{start.astimezone(UTC):{stamp}}\r\n"
        f"DTEND:{end.astimezone(UTC):{stamp}}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.mark.slow
def test_the_bridge_gives_the_service_its_meetings_and_no_break_calls_in_one(tmp_path):
    """The simulator's clock runs 60 times faster from the real time: a
    meeting 3 to 8 minutes from now comes 3 to 8 seconds from now."""
    now = datetime.now().astimezone()
    meeting = (now + timedelta(minutes=3), now + timedelta(minutes=8))
    served = Server(meeting_feed(*meeting))
    try:
        config = FAST.replace("interval_minutes = 1", "interval_minutes = 4") + (
            f'[busy]\ngrace_seconds = 30\n[calendar]\nsources = ["{served.url}"]\n'
        )  # the first break falls due in the meeting
        sim = Simulator(tmp_path, config=config)
        try:
            bridge = Bridge(parse_settings(config), runtime=sim.runtime, cache=tmp_path / "cache")
            assert bridge.calendars()
            status = sim.status()
            assert status["calendar"]["periods"] == 1 and status["calendar"]["feeds"][0]["ok"]
            assert "s3cret" not in repr(status) and "token123" not in repr(status)
            busy = sim.wait_for(lambda s: s["busy"] is not None, "the meeting", timeout=15)
            assert busy["busy"]["source"] == "calendar" and busy["busy"]["what"] == "Design review"
            assert datetime.fromisoformat(busy["busy"]["until"]) == meeting[1].replace(
                microsecond=0
            )
            sim.wait_for(lambda s: s["busy"] is None, "the meeting's end", timeout=15)
            sim.wait_for(lambda s: s["state"] == "break", "the deferred break")
            history = sim.json("history")
        finally:
            sim.stop()
    finally:
        served.close()
    for record in history:
        started = datetime.fromisoformat(record["started_at"])
        assert not meeting[0] <= started < meeting[1], f"a break in the meeting: {record}"
    deferred = [r for r in history if r["deferred_by"] == "calendar"]
    assert deferred, history
    started = datetime.fromisoformat(deferred[0]["started_at"])
    assert started >= meeting[1] + timedelta(seconds=29)


def test_a_week_of_meetings_no_call_in_any_and_each_deferred_break_within_the_grace():
    """Monday to Friday with the fixture's meetings, every break done at once."""
    hours = {d: "09:00-17:30" for d in DAYS[:5]}
    day = Day(at(LONDON, 2026, 10, 26, 8, 0), rules(hours=hours, busy_grace_seconds=60))
    periods = busy_periods(WEEKS, FROM, TO, email="me@example.com", zone=LONDON)
    meetings = [BusyPeriod(BusySource.CALENDAR, start=p.start, until=p.end) for p in periods]
    day.feed(day.schedule.plan_busy(meetings, day.now))
    day.run(5 * 24 * 3600 - 14 * 3600, answer=True)  # to Friday 18:00
    calls = [(now.wall, e) for now, e in day.log if isinstance(e, Cue) and e.name in CALLS]
    for wall, cue in calls:
        assert not any(m.start <= wall < m.until for m in meetings), f"{cue.name} at {wall}"
    starts = [e for _, e in day.log if isinstance(e, BreakStarted)]
    deferred = [e for e in starts if e.due_at is not None]
    assert len([e for _, e in day.log if isinstance(e, BreakDeferred)]) == len(deferred)
    delays = []
    for start in deferred:
        [meeting] = [m for m in meetings if m.start <= start.due_at < m.until]
        assert meeting.until + timedelta(seconds=60) <= start.started_at
        assert start.started_at <= meeting.until + timedelta(seconds=61)  # the grace, no more
        delays.append((start.started_at - start.due_at).total_seconds() / 60)
    mean = sum(delays) / len(delays)
    print(
        f"a week of meetings: {len(starts)} breaks cued, {len(deferred)} deferred by a "
        f"meeting, mean delay {mean:.1f} min (longest {max(delays):.1f}), 0 calls in a meeting"
    )
    assert len(deferred) >= 2 and len(starts) >= 40
