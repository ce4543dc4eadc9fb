"""The areas of a screen: the figure's card, the body, the footer, the
frame; landscape screens put the figure at the left, square ones on top."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pygame

from microbreak.drawing.text import font, line_height, min_text_height

COUNTER_SCALE = 2.0
"""The counter's row, and the hold ring across it, in smallest text heights."""


@dataclass(frozen=True)
class Layout:
    """Where things go on a screen: rects in surface coordinates."""

    size: tuple[int, int]
    min_text: int
    margin: int
    figure: pygame.Rect | None  # the card the figure is drawn on
    art: pygame.Rect | None  # inside the card: where the person is drawn
    corner: pygame.Rect | None  # for the exercise's position ("1 / 2")
    counter: pygame.Rect | None  # the rep counter and the hold ring
    header: pygame.Rect | None  # square screens: the title, beside the figure
    body: pygame.Rect  # title, steps, clock …
    footer: pygame.Rect  # the button hint, or the hold progress
    frame: pygame.Rect  # drawn round the edge to call for attention
    frame_width: int


def is_landscape(size: tuple[int, int]) -> bool:
    width, height = size
    return width >= height * 1.2


def layout(size: tuple[int, int], figure: bool, footer_lines: int = 2) -> Layout:
    """Split a screen of *size* into areas, with room for a figure or not, and
    a footer tall enough for *footer_lines* lines of the smallest text.

    ::

        >>> areas = layout((320, 240), figure=True)
        >>> areas.figure.right < areas.body.left
        True
    """
    width, height = size
    min_text = min_text_height(size)
    margin = max(8, round(min_text * 0.6))
    frame_width = max(3, round(min_text / 6))
    footer_height = max(2, footer_lines) * line_height(min_text) + round(min_text * 0.25)
    inner = pygame.Rect(margin, margin, width - 2 * margin, height - 2 * margin)
    frame = pygame.Rect(0, 0, width, height).inflate(-frame_width, -frame_width)
    footer = pygame.Rect(inner.left, inner.bottom - footer_height, inner.width, footer_height)
    body = pygame.Rect(inner.left, inner.top, inner.width, footer.top - margin - inner.top)
    words_only = Layout(
        size, min_text, margin, None, None, None, None, None, body, footer, frame, frame_width
    )
    if not figure:
        return words_only
    if is_landscape(size):
        return _figure_beside(words_only, inner, footer_height)
    return _figure_above(words_only, inner)


def _figure_beside(words_only: Layout, inner: pygame.Rect, footer_height: int) -> Layout:
    """Landscape: the figure's card at the left, the words in a column beside it."""
    margin, min_text = words_only.margin, words_only.min_text
    line = line_height(min_text)
    counter_height = round(min_text * COUNTER_SCALE)
    figure_rect = pygame.Rect(inner.left, inner.top, round(inner.width * 0.40), inner.height)
    column = pygame.Rect(
        figure_rect.right + margin,
        inner.top,
        inner.right - figure_rect.right - margin,
        inner.height,
    )
    footer = pygame.Rect(column.left, column.bottom - footer_height, column.width, footer_height)
    body = pygame.Rect(column.left, column.top, column.width, footer.top - margin // 2 - column.top)
    # The card's top corner holds the position, above the person; the
    # counter goes below. The person is drawn as large as the card's
    # width allows, which leaves that room spare.
    pad = margin // 2
    card = figure_rect.inflate(-2 * pad, -2 * pad)
    corner_width = font(min_text).size("10 / 10")[0]
    corner = pygame.Rect(card.right - corner_width, card.top, corner_width, line)
    counter = pygame.Rect(card.left, card.bottom - counter_height, card.width, counter_height)
    art = pygame.Rect(card.left, card.top + line, card.width, counter.top - pad - card.top - line)
    return dataclasses.replace(
        words_only,
        figure=figure_rect,
        art=art,
        corner=corner,
        counter=counter,
        body=body,
        footer=footer,
    )


def _figure_above(words_only: Layout, inner: pygame.Rect) -> Layout:
    """Square: the figure top left, the title beside it, the steps below."""
    margin, min_text, footer = words_only.margin, words_only.min_text, words_only.footer
    line = line_height(min_text)
    counter_height = round(min_text * COUNTER_SCALE)
    band = round(inner.height * 0.40)
    figure_rect = pygame.Rect(inner.left, inner.top, round(inner.width * 0.38), band)
    gap = margin * 2 // 3
    side = pygame.Rect(
        figure_rect.right + gap, inner.top, inner.right - figure_rect.right - gap, band
    )
    corner = pygame.Rect(side.left, side.top, side.width, line)
    counter = pygame.Rect(side.left, side.bottom - counter_height, side.width, counter_height)
    header = pygame.Rect(side.left, side.top + line, side.width, counter.top - side.top - line)
    top = figure_rect.bottom + margin // 2
    body = pygame.Rect(inner.left, top, inner.width, footer.top - margin // 2 - top)
    art = figure_rect.inflate(-margin, -margin)
    return dataclasses.replace(
        words_only,
        figure=figure_rect,
        art=art,
        corner=corner,
        counter=counter,
        header=header,
        body=body,
    )
