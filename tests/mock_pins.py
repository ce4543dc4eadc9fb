"""gpiozero's mock pins for a test, put back afterwards (used by fixtures)."""

from gpiozero import Device
from gpiozero.pins.mock import MockFactory


def mock_pins(pin_class=None):
    """Yield gpiozero's mock pins of *pin_class*, then put everything back."""
    factory = MockFactory(pin_class=pin_class) if pin_class else MockFactory()
    yield factory
    factory.reset()
    factory.close()
    Device.pin_factory = None
