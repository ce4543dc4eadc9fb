"""``microbreak simulate``: the device on a laptop.

A window shows the device's screen beside a virtual LED, buzzer and button.
They are gpiozero's mock pins, really driven by the service: the LED shows the
LED pin's value, the buzzer its pin's tone, and a click (or the space bar) on
the button drives the button pin low until released. ``--headless`` draws the
same window with SDL's dummy video driver, for tests and scripts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Callable

from microbreak.core.views import View
from microbreak.parts.hardware import Hardware
from microbreak.service.clock import real_time

DEFAULT_SIZE = (320, 240)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class SimulatorWindow:
    def __init__(
        self,
        parts: Callable[[], Hardware],
        size: tuple[int, int] = DEFAULT_SIZE,
        headless: bool = False,
    ):
        if headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
        import pygame

        from microbreak.drawing.screen import Screen
        from microbreak.simulator.panel import PANEL_WIDTH, PanelState, button_rect, draw_panel

        self._pygame = pygame
        self._panel_state, self._draw_panel = PanelState, draw_panel
        self._parts = parts  # the service's parts, made afresh by a reload
        pygame.display.init()
        pygame.font.init()
        width, height = size
        self.window = pygame.display.set_mode((width + PANEL_WIDTH, max(height, 300)))
        self.surface = self.window  # what a screenshot shows: the screen and the panel
        pygame.display.set_caption("microbreak simulator")
        self.window.fill((24, 24, 28))
        self.device = self.window.subsurface(pygame.Rect((0, 0), size))
        self.panel_rect = pygame.Rect(width, 0, PANEL_WIDTH, self.window.get_height())
        self.button_rect = button_rect(self.panel_rect)
        self.screen = Screen(self.device)
        self._view: View | None = None
        self._panel = None
        self._dirty = True
        self._mouse_down = False
        self._fd = self._x11_fd()

    def _x11_fd(self) -> int | None:
        """The X connection's descriptor, so the service can sleep until input."""
        if self._pygame.display.get_driver() != "x11":
            return None
        try:
            capsule = self._pygame.display.get_wm_info()["display"]
            get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
            get_pointer.restype = ctypes.c_void_p
            get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
            xlib = ctypes.CDLL(ctypes.util.find_library("X11"))
            xlib.XConnectionNumber.argtypes = [ctypes.c_void_p]
            return xlib.XConnectionNumber(get_pointer(capsule, b"display"))
        except (KeyError, OSError, ValueError, TypeError, AttributeError):
            return None

    def _toggle_presence(self) -> None:
        sensor = self._parts().motion
        if sensor is not None:
            sensor.pin.drive_low() if sensor.pin.state else sensor.pin.drive_high()

    def fileno(self) -> int | None:
        return self._fd

    def panel_state(self, view: View | None):
        """What the mock pins show now: LED level, buzzer tone, button."""
        parts = self._parts()
        hz = None
        pin = parts.sounder.pin
        if pin is not None and pin.state:
            # a tone (passive buzzer), or 0.0 for a beep of an active one
            hz = float(round(pin.frequency or 0))
        return self._panel_state(
            led=round(parts.light.level, 2),
            buzzer_hz=hz,
            button_down=parts.button.is_active,
            hold=view.hold if view is not None else None,
        )

    def show(self, view: View) -> None:
        if view != self._view or self.screen.animated(view):
            self.screen.draw(view, real_time())
            self._view = view
            self._dirty = True
        state = self.panel_state(view)
        if state != self._panel:
            self._draw_panel(self.window, self.panel_rect, state)
            self._panel = state
            self._dirty = True
        if self._dirty:
            self._pygame.display.flip()
            self._dirty = False

    def animating(self) -> bool:
        """True while the panel changes by itself (LED fading or blinking, a tone)."""
        parts = self._parts()
        playing = parts.sounder.playing or parts.guide.playing  # a cue, or a set's ticks
        return parts.light.animated or playing or self.screen.animated(self._view)

    def pump(self) -> list:
        from microbreak.service.loop import Stop, ToggleBusy

        pygame = self._pygame
        pin = self._parts().button.pin
        events: list[object] = []
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                events.append(Stop())
            elif (
                event.type == pygame.MOUSEBUTTONDOWN
                and event.button == 1
                and self.button_rect.collidepoint(event.pos)
            ):
                self._mouse_down = True
                pin.drive_low()
            elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._mouse_down:
                self._mouse_down = False
                pin.drive_high()
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE:
                pin.drive_low()
            elif event.type == pygame.KEYUP and event.key == pygame.K_SPACE:
                pin.drive_high()
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_m:
                self._toggle_presence()  # m: someone moves / the desk stays still
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_b:
                events.append(ToggleBusy())  # b: busy (a meeting) on or off
            elif event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_q):
                events.append(Stop())
            elif event.type in (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE):
                self._dirty = True
        return events

    def close(self) -> None:
        self._pygame.display.quit()
