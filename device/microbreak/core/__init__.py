"""The core: what the device decides, as pure state machines and values.

The rule of this package: nothing here reads a clock, a file, a socket or a
device, and nothing imports pygame, gpiozero, sqlite3 or threading. Time comes
in as :class:`~microbreak.core.now.Now`, input as events, and decisions go out
as :mod:`~microbreak.core.effects` for the shells to carry out.
(``tests/test_layout.py`` holds the package to it.)
"""
