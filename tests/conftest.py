import os

# No screen here: SDL draws off-screen. Set before any test imports pygame.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPWMPin


@pytest.fixture
def mock_factory():
    """gpiozero's mock pins (all PWM-capable), reset after each test."""
    factory = MockFactory(pin_class=MockPWMPin)
    yield factory
    factory.reset()
    factory.close()
    Device.pin_factory = None


@pytest.fixture
def plain_factory():
    """Mock pins without PWM, like a pin with no PWM support."""
    factory = MockFactory()
    yield factory
    factory.reset()
    factory.close()
    Device.pin_factory = None
