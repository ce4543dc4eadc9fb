"""The device's own screen: full screen through SDL (KMS/DRM on a Pi, no X).

The service calls :meth:`Display.show` every turn; it draws only when the view
changed, so an idle screen costs nothing between minutes.
"""

from __future__ import annotations

import os
import time

from .views import View


def parse_size(text: str) -> tuple[int, int] | None:
    """``"320x240"`` → ``(320, 240)``; ``"auto"`` → None."""
    if text == "auto":
        return None
    width, height = text.lower().split("x")
    return int(width), int(height)


class Display:
    def __init__(self, size: tuple[int, int] | None = None):
        import pygame

        from .screen import Screen
        self._pygame = pygame
        if not (os.environ.get("SDL_VIDEODRIVER") or os.environ.get("DISPLAY")
                or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["SDL_VIDEODRIVER"] = "kmsdrm"  # a console: the screen is a DRM device
        pygame.display.init()
        driver = pygame.display.get_driver()
        if driver in ("offscreen", "dummy") and os.environ.get("SDL_VIDEODRIVER") != driver:
            pygame.display.quit()
            raise RuntimeError(f"no display found (SDL fell back to its {driver} driver)")
        pygame.font.init()
        if size is None:
            self.surface = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            flags = pygame.FULLSCREEN if os.environ.get("SDL_VIDEODRIVER") == "kmsdrm" else 0
            self.surface = pygame.display.set_mode(size, flags)
        pygame.display.set_caption("microbreak")
        pygame.mouse.set_visible(False)
        self.screen = Screen(self.surface)
        self._shown: View | None = None

    def show(self, view: View) -> None:
        if view != self._shown or self.screen.animated(view):
            self.screen.draw(view, time.monotonic())
            self._pygame.display.flip()
            self._shown = view

    def fileno(self) -> int | None:
        return None

    def pump(self) -> list:
        self._pygame.event.pump()
        return []

    def animating(self) -> bool:
        return self.screen.animated(self._shown)

    def save(self, path) -> None:
        self._pygame.image.save(self.surface, str(path))

    def close(self) -> None:
        self._pygame.display.quit()
