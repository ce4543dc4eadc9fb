import os

# No screen here: SDL draws off-screen. Set before any test imports pygame.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# English as written, whatever the locale of whoever runs the tests (the
# tests of other languages ask for theirs).
os.environ.update(LANG="C.UTF-8", LANGUAGE="", LC_ALL="", LC_MESSAGES="")

import pytest
from gpiozero.pins.mock import MockPWMPin
from mock_pins import mock_pins


@pytest.fixture
def mock_factory():
    """gpiozero's mock pins (all PWM-capable), reset after each test."""
    yield from mock_pins(MockPWMPin)


@pytest.fixture
def plain_factory():
    """Mock pins without PWM, like a pin with no PWM support."""
    yield from mock_pins()


@pytest.fixture
def caller(monkeypatch):
    """Run the command as someone whose locale is the one given:
    ``caller("de_DE.UTF-8")``."""
    from microbreak.cli import words as cli_words

    def speak(locale: str):
        monkeypatch.setenv("LANG", locale)
        monkeypatch.delenv("LC_ALL", raising=False)
        monkeypatch.delenv("LANGUAGE", raising=False)
        cli_words.caller.cache_clear()

    yield speak
    cli_words.caller.cache_clear()
