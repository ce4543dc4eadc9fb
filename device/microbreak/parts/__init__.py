"""The device's parts: the button, LED and buzzer on gpiozero, the speaker
through pygame's mixer, and the screen through the kernel's mode setting.

gpiozero is imported here without :mod:`importlib.metadata`
(:func:`~microbreak.parts.metadata.imported_on_first_use`), which it needs
only to find a pin library or a mock pin class by name."""

from microbreak.parts.metadata import imported_on_first_use

imported_on_first_use()
