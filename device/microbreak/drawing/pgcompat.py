"""The pygame calls microbreak makes that differ between pygame-ce and classic pygame.

microbreak runs on pygame-ce (its wheels bring SDL with the KMS/DRM driver)
and on classic pygame from 2.1.2 on: Debian's ``python3-pygame``, which
32-bit Raspberry Pi OS has to use, since pygame-ce has no armv7l wheel.
Each name here checks for the feature it needs, never a version number, and
takes pygame-ce's own call where pygame-ce has it::

    >>> import pygame
    >>> surface = pygame.Surface((2, 1))
    >>> _ = surface.fill((255, 128, 0))
    >>> surface_bytes(surface, "RGB")
    b'\\xff\\x80\\x00\\xff\\x80\\x00'
"""

from __future__ import annotations

from collections.abc import Callable

import pygame


def surface_bytes(surface: pygame.Surface, format: str) -> bytes:
    """The pixels of *surface* as bytes in *format* ("RGB", "RGBX", "RGBA"...):
    ``pygame.image.tobytes``, which classic pygame before 2.1.3 calls
    ``tostring`` (pygame-ce keeps that name only as a deprecated one)."""
    tobytes: Callable[..., bytes] = getattr(pygame.image, "tobytes", None) or pygame.image.tostring
    return tobytes(surface, format)
