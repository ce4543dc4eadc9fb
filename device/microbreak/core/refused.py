"""A command the rules do not allow now, refused with the reason (h11's way):
the shells pass the reason on and never word a rule of their own. The reason
is :func:`~microbreak.core.words.said`, so a shell can say it in the
person's language::

    >>> str(Refused(said("not paused")))
    'not paused'
"""

from __future__ import annotations

from microbreak.core.words import said

NOTICE_WAITS = said(
    "the first-start notice is on the screen: someone at the desk presses the "
    "button to acknowledge it, then breaks begin"
)


class Refused(Exception):
    """A command the rules do not allow now; the message says why."""


def refused(message: str, **values: object) -> Refused:
    """A refusal whose reason is *message* with *values*, said in words a
    shell can translate: ``raise refused("not paused")``."""
    return Refused(said(message, **values))
