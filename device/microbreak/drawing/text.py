"""Text on the screen: the typeface, the smallest size a screen allows, the
pitch of lines, and rendered lines kept for the next frame::

    >>> min_text_height((320, 240)), line_height(16)
    (16, 18)
"""

from __future__ import annotations

import functools
import io

import pygame

from microbreak.drawing.palette import Color
from microbreak.resources import data_dir

MIN_TEXT_FLOOR = 16
"""The smallest text height, in pixels, on the smallest screens."""


def min_text_height(size: tuple[int, int]) -> int:
    """The smallest text height for a screen of *size*, in pixels::

    >>> min_text_height((320, 240)), min_text_height((800, 480))
    (16, 32)
    """
    return max(MIN_TEXT_FLOOR, round(MIN_TEXT_FLOOR * min(size) / 240))


TYPEFACE = "fonts/NotoSans-Bold.ttf"
"""The typeface, under ``images/``: Noto Sans Bold (SIL Open Font License;
``images/fonts/OFL.txt`` says how it was cut down to Latin, Greek and
Cyrillic), hinted for screens, so letters sit where its designers spaced
them at every size."""

_fonts: dict[int, pygame.font.Font] = {}


def font(height: int) -> pygame.font.Font:
    """The typeface at *height* pixels to the em: capitals about three
    quarters of that (12 px at 16). Lines of it are :func:`line_height` apart.
    The sizes used most recently are kept (:data:`FONTS_KEPT`)."""
    if not pygame.font.get_init():
        pygame.font.init()
        _fonts.clear()
    f = _fonts.pop(height, None)  # kept least recently used first
    if f is None:
        f = pygame.font.Font(io.BytesIO(_typeface()), max(1, height))
        if len(_fonts) >= FONTS_KEPT:
            del _fonts[next(iter(_fonts))]
    _fonts[height] = f
    return f


FONTS_KEPT = 8  # each is a FreeType face (~80 KB); fitting tries many, a view uses 5 at most


@functools.cache
def _typeface() -> bytes:
    """The font file, read once: a font made from memory holds no file open
    (one made from a path holds one per size)."""
    return (data_dir("images") / TYPEFACE).read_bytes()


def line_height(height: int) -> int:
    """How far apart lines of text *height* tall are (18 px at 16): the pitch
    the screens are laid out with, tighter than the typeface's own (1.36 em,
    room for stacked accents these short texts do not have).

        >>> line_height(16), line_height(32)
        (18, 35)
    """
    return height + max(2, round(height / 10))


def text_top(height: int) -> int:
    """Where to blit :func:`rendered` text, relative to the top of its line:
    its baseline then lies 0.8 × *height* down the line (13 px at 16), and
    the room above the capitals that the typeface keeps for accents rises
    into the gap above."""
    return round(height * 0.8) - font(height).get_ascent()


RENDERED_KEPT = 400
RENDERED_BYTES = 2 * 1024 * 1024
_rendered: dict[tuple[str, int, tuple[int, ...]], pygame.Surface] = {}  # least recently used first
_rendered_bytes = 0


def rendered(text: str, height: int, color: Color) -> pygame.Surface:
    """*text* rendered at *height* in *color*, kept for the next time: the
    counter's counts and seconds, drawn every frame. The least recently used
    are forgotten first."""
    global _rendered_bytes
    key = (text, height, tuple(color))
    surface = _rendered.pop(key, None)
    if surface is None:
        surface = font(height).render(text, True, color)
        _rendered_bytes += surface.get_pitch() * surface.get_height()
        while _rendered and (len(_rendered) >= RENDERED_KEPT or _rendered_bytes > RENDERED_BYTES):
            oldest = _rendered.pop(next(iter(_rendered)))
            _rendered_bytes -= oldest.get_pitch() * oldest.get_height()
    _rendered[key] = surface
    return surface
