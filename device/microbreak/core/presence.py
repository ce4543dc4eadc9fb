"""Whether someone is at the desk, from a presence sensor's edges.

The desk counts as empty once the sensor has been still for
``empty_after`` seconds; a desk still when the sensor is first read is empty
at once. Without a sensor, someone is always there::

    >>> from datetime import datetime, timezone
    >>> at = lambda mono: Now(mono, datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    >>> desk = Presence()
    >>> desk.edge(False, at(0.0), empty_after=60)
    >>> desk.present(at(59.0), empty_after=60), desk.present(at(60.0), empty_after=60)
    (True, False)
    >>> desk.edge(True, at(400.0), empty_after=60)
    Return(left=Now(mono=0.0, ...), first=False)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from microbreak.core.now import Now


@dataclass(frozen=True)
class Return:
    """Someone came back to an empty desk, which they *left* then; *first*:
    the desk had been empty since the sensor was first read."""

    left: Now
    first: bool


class Presence:
    def __init__(self) -> None:
        self.still_since: Now | None = None  # no motion since then; None: someone moves
        self.unseen = False  # the desk has been empty since the sensor was first read

    def present(self, now: Now, empty_after: float) -> bool:
        return self.still_since is None or now.mono - self.still_since.mono < empty_after

    def empties_at(self, now: Now, empty_after: float) -> float | None:
        """When a desk taken now counts as empty, if no one moves (monotonic)."""
        if self.still_since is None or not self.present(now, empty_after):
            return None
        return self.still_since.mono + empty_after

    def edge(self, moving: bool, now: Now, empty_after: float) -> Return | None:
        """The sensor's output rose (motion) or fell; a :class:`Return` when
        someone came back to a desk that counted as empty."""
        if not moving:
            if self.still_since is None:
                self.still_since = now
            return None
        if self.still_since is None:
            return None
        was_present = self.present(now, empty_after)
        left, first = self.still_since, self.unseen
        self.still_since, self.unseen = None, False
        return None if was_present else Return(left, first)

    def read(self, moving: bool, now: Now, empty_after: float) -> None:
        """The sensor's level as read at the start (no edge tells it): a desk
        still then is empty at once."""
        self.unseen = not moving
        self.still_since = None if moving else replace(now, mono=now.mono - empty_after)

    def removed(self) -> None:
        """No sensor any more: the desk counts as taken."""
        self.still_since = None
        self.unseen = False

    def saw_person(self, now: Now, empty_after: float) -> Return | None:
        """Someone is certainly at the desk now (they used the button)."""
        if self.still_since is None:
            return None
        back = self.edge(True, now, empty_after)
        self.still_since = now  # still, as far as the sensor knows, from now
        return back
