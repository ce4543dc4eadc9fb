import os

# No screen here: SDL draws off-screen. Set before any test imports pygame.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPWMPin


def mock_pins(pin_class=None):
    """Yield gpiozero's mock pins of *pin_class*, then put everything back."""
    factory = MockFactory(pin_class=pin_class) if pin_class else MockFactory()
    yield factory
    factory.reset()
    factory.close()
    Device.pin_factory = None


@pytest.fixture
def mock_factory():
    """gpiozero's mock pins (all PWM-capable), reset after each test."""
    yield from mock_pins(MockPWMPin)


@pytest.fixture
def plain_factory():
    """Mock pins without PWM, like a pin with no PWM support."""
    yield from mock_pins()
