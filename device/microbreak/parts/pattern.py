"""The screen's test pattern for ``microbreak test-hardware``: colour bars,
a frame, corner marks and a centre cross, drawn on the device's screen as the
service opens it."""

from __future__ import annotations

BARS = (
    (255, 255, 255),
    (255, 255, 0),
    (0, 255, 255),
    (0, 255, 0),
    (255, 0, 255),
    (255, 0, 0),
    (0, 0, 255),
    (0, 0, 0),
)


def draw_test_pattern(surface) -> None:
    """Colour bars, a one-pixel white frame, corner marks and a centre cross,
    so a cut-off edge, a wrong size or swapped colours show at a glance."""
    import pygame

    width, height = surface.get_size()
    bar = width / len(BARS)
    for i, colour in enumerate(BARS):
        surface.fill(
            colour, pygame.Rect(round(i * bar), 0, round((i + 1) * bar) - round(i * bar), height)
        )
    mark = max(min(width, height) // 10, 8)
    for x, y in ((0, 0), (width - mark, 0), (0, height - mark), (width - mark, height - mark)):
        surface.fill((255, 128, 0), pygame.Rect(x, y, mark, mark))
    pygame.draw.line(
        surface,
        (128, 128, 128),
        (width // 2, height // 2 - mark),
        (width // 2, height // 2 + mark),
        3,
    )
    pygame.draw.line(
        surface,
        (128, 128, 128),
        (width // 2 - mark, height // 2),
        (width // 2 + mark, height // 2),
        3,
    )
    pygame.draw.rect(surface, (255, 255, 255), surface.get_rect(), 1)


class PatternDisplay:
    """The device's screen, as the service opens it, for the pattern."""

    def __init__(self, size: str, output: str):
        from microbreak.parts.display import Display, parse_size

        self._display = Display(parse_size(size), output)
        self.surface = self._display.surface

    def flip(self) -> None:
        self._display.flip()

    def close(self) -> None:
        self._display.close()
