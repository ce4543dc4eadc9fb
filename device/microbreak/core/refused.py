"""A command the rules do not allow now, refused with the reason (h11's way):
the shells pass the reason on and never word a rule of their own::

    >>> str(Refused("not paused"))
    'not paused'
"""

from __future__ import annotations

NOTICE_WAITS = (
    "the first-start notice is on the screen: someone at the desk presses the "
    "button to acknowledge it, then breaks begin"
)


class Refused(Exception):
    """A command the rules do not allow now; the message says why."""
