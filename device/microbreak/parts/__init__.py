"""The device's parts: the button, LED and buzzer on gpiozero, the speaker
through pygame's mixer, and the screen through the kernel's mode setting.

gpiozero is imported here without :mod:`importlib.metadata`
(:func:`~microbreak.parts.metadata.imported_on_first_use`), which it needs
only to find a pin library or a mock pin class by name, and the parts import
only the gpiozero modules they use, not the whole package
(:func:`~microbreak.parts.gpiozero_package.filled_on_first_use`)."""

from microbreak.parts.gpiozero_package import filled_on_first_use
from microbreak.parts.metadata import imported_on_first_use

imported_on_first_use()
filled_on_first_use()
