"""The device's own screen: a picture drawn with pygame, shown full screen.

Two ways to show it, chosen by ``screen.output``:

- ``kms`` (what ``auto`` picks on a console, as on a Pi with no desktop): the
  kernel's mode setting through :mod:`microbreak.parts.kms`, a copy of each frame
  into a dumb buffer. pygame only draws; SDL opens no video driver, so
  nothing loads GL.
- ``sdl`` (what ``auto`` picks under X11 or Wayland): an SDL window, or SDL's
  own KMS/DRM driver on a console, which draws through GBM, EGL and GLES
  (Mesa) and costs their memory.

The service calls :meth:`Display.show` every turn; it draws only when the view
changed, so an idle screen costs nothing between minutes. On a Pi with an
800x480 screen and ``screen.size = "320x240"``::

    display = Display((320, 240))
    display.describe()  # '320x240 shown at 800x480 on HDMI-A-1 (/dev/dri/card0, KMS)'
"""

from __future__ import annotations

import ctypes
import os
import time

from microbreak.core.views import View
from microbreak.parts.kms import KmsOutput, ScreenUnavailable
from microbreak.parts.memory import give_back_free_memory

# What SDL's KMS/DRM driver loads when it starts, and the Debian package of each.
SDL_KMSDRM_LIBRARIES = {
    "libdrm.so.2": "libdrm2",
    "libgbm.so.1": "libgbm1",
    "libEGL.so.1": "libegl1",
    "libGLESv2.so.2": "libgles2",
}


FRAMES_BETWEEN_GIVING_BACK = 30
"""While a view moves, the C heap's free memory goes back to the system once
a second (at 30 frames a second): glibc keeps what the exercise's first
frames freed (its layout, the figure's room measured, the still picture's
parts): 0.5 MiB at 800x480. What a frame uses comes back in at the cost of
a few page faults a second."""


def parse_size(text: str) -> tuple[int, int] | None:
    """``"320x240"`` → ``(320, 240)``; ``"auto"`` → None."""
    if text == "auto":
        return None
    width, height = text.lower().split("x")
    return int(width), int(height)


def chosen_output(output: str) -> str:
    """``auto`` → ``sdl`` in a desktop session (or when SDL_VIDEODRIVER names
    another driver than kmsdrm, as tests do), ``kms`` on a console."""
    if output != "auto":
        return output
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    desktop = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    return "sdl" if desktop or driver not in ("", "kmsdrm") else "kms"


class Display:
    """The screen, full size, for :class:`microbreak.service.loop.Service`.

    Raises :class:`ScreenUnavailable` with the reason and what to do when
    there is no screen to show on.
    """

    def __init__(self, size: tuple[int, int] | None = None, output: str = "auto"):
        import pygame

        from microbreak.drawing.screen import Screen

        self._pygame = pygame
        self.output = chosen_output(output)
        self._kms: KmsOutput | None = None
        self._frame: pygame.Surface | None = None  # the output's size, when scaled to it
        if self.output == "kms":
            self._kms = KmsOutput.open()
            pygame.font.init()
            self.surface = pygame.Surface(size or self._kms.size, 0, 32)
            if self.surface.get_size() != self._kms.size:
                self._frame = pygame.Surface(self._kms.size, 0, 32)
        else:
            self.surface = _sdl_surface(pygame, size)
        self.screen = Screen(self.surface)
        self._shown: View | None = None
        self._frames = 0  # drawn since the screen last stood still

    def describe(self) -> str:
        """What shows the picture, for ``microbreak status`` and the journal."""
        width, height = self.surface.get_size()
        if self._kms is None:
            return f"{width}x{height} through SDL ({self._pygame.display.get_driver()})"
        if self._frame is None:
            return self._kms.describe()
        return f"{width}x{height} shown at {self._kms.describe()}"

    def show(self, view: View) -> None:
        if view != self._shown or self.screen.animated(view):
            settled = self._shown is None or self.screen.animated(self._shown)
            self.screen.draw(view, time.monotonic())
            self.flip()
            self._shown = view
            if not self.screen.animated(view):
                self._frames = 0
                if settled:  # the first picture, or a still one after an exercise
                    give_back_free_memory()
            else:
                self._frames += 1
                if self._frames % FRAMES_BETWEEN_GIVING_BACK == 0:
                    give_back_free_memory()

    def flip(self) -> None:
        """Put what :attr:`surface` holds on the screen."""
        if self._kms is None:
            self._pygame.display.flip()
            return
        if self._frame is not None:
            _letterbox(self._pygame, self.surface, self._frame)
            self._kms.show(self._frame.get_view("0"), self._frame.get_pitch())
        else:  # only the rows the last draw changed
            changed = self.screen.changed
            self._kms.show(
                self.surface.get_view("0"),
                self.surface.get_pitch(),
                rows=(changed.top, changed.bottom),
            )

    def fileno(self) -> int | None:
        return None

    def pump(self) -> list:
        if self._kms is None:
            self._pygame.event.pump()
        return []

    def animating(self) -> bool:
        return self.screen.animated(self._shown)

    def close(self) -> None:
        if self._kms is not None:
            self._kms.close()
        else:
            self._pygame.display.quit()


def _letterbox(pygame, picture, frame) -> None:
    """*picture* as large as it fits, centred on *frame* (black around it),
    scaled straight into the frame (no frame-sized copy each time)."""
    width, height = picture.get_size()
    scale = min(frame.get_width() / width, frame.get_height() / height)
    size = (round(width * scale), round(height * scale))
    at = ((frame.get_width() - size[0]) // 2, (frame.get_height() - size[1]) // 2)
    frame.fill((0, 0, 0))
    inside = frame.subsurface(pygame.Rect(at, size))
    if scale == int(scale):
        pygame.transform.scale(picture, size, inside)
    else:
        pygame.transform.smoothscale(picture, size, inside)


def _sdl_surface(pygame, size):
    on_console = chosen_output("auto") == "kms"
    if on_console:
        os.environ.setdefault("SDL_VIDEODRIVER", "kmsdrm")
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise _why_sdl_failed(str(exc), on_console) from None
    driver = pygame.display.get_driver()
    if driver in ("offscreen", "dummy") and os.environ.get("SDL_VIDEODRIVER") != driver:
        pygame.display.quit()
        raise _why_sdl_failed(f"SDL fell back to its {driver} driver", on_console)
    if size is None:
        surface = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    else:
        flags = pygame.FULLSCREEN if driver == "kmsdrm" else 0
        surface = pygame.display.set_mode(size, flags)
    pygame.display.set_caption("microbreak")
    pygame.mouse.set_visible(False)
    return surface


def _why_sdl_failed(error: str, on_console: bool) -> ScreenUnavailable:
    if not on_console:
        return ScreenUnavailable(
            f"SDL cannot open a window ({error})", "check DISPLAY or WAYLAND_DISPLAY"
        )
    missing = [package for library, package in SDL_KMSDRM_LIBRARIES.items() if not _loads(library)]
    if missing:
        return ScreenUnavailable(
            f"SDL's KMS/DRM driver cannot load its libraries ({error})",
            f"install them: sudo apt-get install {' '.join(missing)} libgl1-mesa-dri, "
            'or set screen.output = "kms", which needs none of them',
        )
    try:
        KmsOutput.open().close()  # the same checks: /dev/dri, permission, sandbox, a screen
    except ScreenUnavailable as why:
        return why
    return ScreenUnavailable(f"SDL's KMS/DRM driver failed ({error})", 'set screen.output = "kms"')


def _loads(library: str) -> bool:
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True
