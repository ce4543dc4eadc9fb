"""The busy periods in an iCalendar feed: its events in a window of time,
recurring ones expanded with their exceptions and time zones
(icalendar, recurring-ical-events), less the events that leave a person
free::

    >>> from datetime import datetime, timezone
    >>> feed = b'''BEGIN:VCALENDAR
    ... BEGIN:VEVENT
    ... UID:1
    ... SUMMARY:Stand-up
    ... DTSTART:20261124T093000Z
    ... DTEND:20261124T094500Z
    ... RRULE:FREQ=DAILY;COUNT=3
    ... END:VEVENT
    ... END:VCALENDAR
    ... '''
    >>> start = datetime(2026, 11, 24, tzinfo=timezone.utc)
    >>> [(p.start.day, p.what) for p in busy_periods(feed, start, start + timedelta(days=7))]
    [(24, 'Stand-up'), (25, 'Stand-up'), (26, 'Stand-up')]

Free: an event marked transparent (``TRANSP:TRANSPARENT``, or Outlook's
``X-MICROSOFT-CDO-BUSYSTATUS:FREE``), cancelled, or declined by *email*; an
all-day event unless *all_day*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import icalendar
import recurring_ical_events

MAX_TITLE = 80


class CalendarError(ValueError):
    """A feed that is not iCalendar; the message says what was wrong."""


@dataclass(frozen=True, order=True)
class Meeting:
    """A busy period: from *start* to *end* (aware), and its title."""

    start: datetime
    end: datetime
    what: str = ""

    def as_request(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "what": self.what}


def parse(feed: bytes) -> icalendar.Calendar:
    """The calendar in *feed*, or CalendarError saying why it is not one."""
    try:
        calendar = icalendar.Calendar.from_ical(feed)
    except (ValueError, KeyError, IndexError) as exc:
        raise CalendarError(f"not an iCalendar feed ({exc})") from None
    if not isinstance(calendar, icalendar.Calendar):
        raise CalendarError("not an iCalendar feed (no VCALENDAR)")
    return calendar


def busy_periods(
    feed: bytes,
    start: datetime,
    end: datetime,
    *,
    email: str = "",
    all_day: bool = False,
    zone: tzinfo | None = None,
) -> list[Meeting]:
    """The busy periods of *feed* that overlap *start*..*end*, in time order.
    Floating times and all-day dates are in *zone* (None: the machine's)."""
    calendar = parse(feed)
    try:
        events = recurring_ical_events.of(calendar).between(start, end)
    except (ValueError, recurring_ical_events.InvalidCalendar) as exc:
        raise CalendarError(f"an event cannot be read ({exc})") from None
    meetings = [m for e in events if (m := _meeting(e, email, all_day, zone)) is not None]
    return sorted(m for m in meetings if m.end > start and m.start < end) if meetings else []


def _meeting(
    event: icalendar.Event, email: str, all_day: bool, zone: tzinfo | None
) -> Meeting | None:
    if _free(event, email):
        return None
    begins = event.decoded("DTSTART")
    if "DTEND" in event:
        ends = event.decoded("DTEND")
    elif "DURATION" in event:
        ends = begins + event.decoded("DURATION")
    else:
        ends = begins + (timedelta(days=1) if not isinstance(begins, datetime) else timedelta())
    whole_days = not isinstance(begins, datetime)
    if whole_days and not all_day:
        return None
    start, end = _aware(begins, zone), _aware(ends, zone)
    if end <= start:
        return None
    return Meeting(start, end, str(event.get("SUMMARY", ""))[:MAX_TITLE])


def _free(event: icalendar.Event, email: str) -> bool:
    """Whether *event* leaves the person free."""
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return True
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return True
    if str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "FREE":
        return True
    return bool(email) and any(
        str(attendee).lower().removeprefix("mailto:") == email.lower()
        and str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED"
        for attendee in _attendees(event)
    )


def _attendees(event: icalendar.Event) -> Iterable[icalendar.vCalAddress]:
    found = event.get("ATTENDEE", [])
    return found if isinstance(found, list) else [found]


def _aware(when: date | datetime, zone: tzinfo | None) -> datetime:
    """A date or a floating time in *zone*; a time with its zone as it is."""
    if not isinstance(when, datetime):
        when = datetime.combine(when, time())
    if when.tzinfo is None:
        return when.replace(tzinfo=zone) if zone else when.astimezone()
    return when
