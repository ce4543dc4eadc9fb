"""The charts of ``microbreak report``, drawn with pygame on a light page:
columns of breaks stacked by outcome, bars of sets per exercise, a calendar
of days. The colours mean what they mean on the device: teal done, amber
partly done, grey a natural break at an empty desk, an outline skipped or
missed.

    >>> import pygame
    >>> page = pygame.Surface((400, 200))
    >>> _ = page.fill(PAPER)
    >>> stacked_columns(page, pygame.Rect(0, 0, 400, 200),
    ...                 [("W1", Totals(4, completed=3, missed=1))])
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from microbreak.core.totals import Totals
from microbreak.core.words import ENGLISH, N_, Words
from microbreak.drawing.palette import Color
from microbreak.drawing.text import font

PAPER: Color = (255, 255, 255)
INK: Color = (33, 37, 41)
FAINT: Color = (108, 117, 125)
RULE: Color = (222, 226, 230)
DONE: Color = (32, 150, 140)  # the device's teal, darker to read on white
PARTLY: Color = (232, 150, 20)
AWAY: Color = (173, 181, 189)
NOT_DONE: Color = (134, 142, 150)  # the outline of a break skipped or missed
FILLS = {"completed": DONE, "partial": PARTLY, "away": AWAY, "deferred": AWAY}
ORDER = ("completed", "partial", "away", "deferred", "not_done")  # from the bottom up
LEGEND = (
    # Translators: the report's legend: what each colour of a column means.
    (N_("done"), DONE, 0),
    (N_("partly"), PARTLY, 0),
    (N_("desk empty or busy"), AWAY, 0),
    (N_("skipped or missed"), NOT_DONE, 2),
)


def text(
    surface: pygame.Surface,
    words: str,
    at: tuple[int, int],
    size: int,
    color: Color = INK,
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw *words* at *size* px with its *anchor* corner at *at*; its rect."""
    image = font(size).render(words, True, color)
    rect = image.get_rect(**{anchor: at})
    surface.blit(image, rect)
    return rect


def legend(surface: pygame.Surface, at: tuple[int, int], size: int, words: Words = ENGLISH) -> None:
    """The outcomes' colours in a row, as the columns use them."""
    x, y = at
    for name, color, outline in LEGEND:
        pygame.draw.rect(surface, color, (x, y + size // 4, size, size), outline)
        shown = words.gettext(name)
        x = text(surface, shown, (x + size + size // 3, y), size, FAINT).right + size


def stacked_columns(
    surface: pygame.Surface,
    area: pygame.Rect,
    columns: Sequence[tuple[str, Totals]],
    size: int = 14,
    label_every: int = 1,
) -> None:
    """A column per ``(label, totals)`` in *area*, its breaks stacked by
    outcome from the bottom; a scale of breaks at the left, every
    *label_every*-th label under the columns."""
    if not columns:
        return
    tallest = max(t.breaks - t.not_ended for _, t in columns) or 1
    step = _nice_step(tallest)
    top_value = -(-tallest // step) * step
    axis = font(size).size(str(top_value))[0] + size // 2
    plot = pygame.Rect(
        area.left + axis,
        area.top + size // 2,
        area.width - axis,
        area.height - 2 * size - size // 2,
    )
    for value in range(0, top_value + 1, step):
        y = plot.bottom - round(plot.height * value / top_value)
        pygame.draw.line(surface, RULE, (plot.left, y), (plot.right, y))
        text(surface, str(value), (plot.left - size // 3, y), size, FAINT, "midright")
    pitch = plot.width / len(columns)
    width = max(1, round(pitch * 0.7))
    for i, (label, totals) in enumerate(columns):
        left = plot.left + round(i * pitch + (pitch - width) / 2)
        _column(surface, left, width, plot.bottom, plot.height / top_value, totals)
        if i % label_every == 0 and label:
            text(
                surface, label, (left + width // 2, plot.bottom + size // 3), size, FAINT, "midtop"
            )


def _column(
    surface: pygame.Surface, left: int, width: int, bottom: int, unit: float, totals: Totals
) -> None:
    drawn, counted = 0, 0
    parts = {"not_done": totals.skipped + totals.missed}
    for outcome in ORDER:
        counted += parts[outcome] if outcome in parts else getattr(totals, outcome)
        height = round(counted * unit) - drawn
        if height <= 0:
            continue
        rect = pygame.Rect(left, bottom - drawn - height, width, height)
        drawn += height
        if outcome in FILLS:
            pygame.draw.rect(surface, FILLS[outcome], rect)
        else:
            pygame.draw.rect(surface, NOT_DONE, rect, max(1, min(2, width // 6)))


def _nice_step(tallest: int) -> int:
    """A round step for about four lines of scale up to *tallest*."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if tallest / step <= 5:
            return step
    return 10 ** len(str(tallest))


def bars(
    surface: pygame.Surface,
    area: pygame.Rect,
    rows: Sequence[tuple[str, int, int]],
    size: int = 16,
    words: Words = ENGLISH,
) -> None:
    """A row per ``(title, done, offered)``: the title, a bar of the sets
    done (its track as long as the most offered), ``done / offered``."""
    if not rows:
        return
    most = max(offered for _, _, offered in rows) or 1
    title_width = max(font(size).size(title)[0] for title, _, _ in rows) + size
    of = words.gettext("{done} of {offered}")
    figures = [
        of.format(done=words.number(done), offered=words.number(offered))
        + (f"  {round(100 * done / offered)} %" if offered else "")
        for _, done, offered in rows
    ]
    figure_width = max(font(size).size(f)[0] for f in figures) + size
    pitch = area.height // len(rows)
    track_width = area.width - title_width - figure_width
    for i, ((title, done, offered), figure) in enumerate(zip(rows, figures, strict=True)):
        middle = area.top + i * pitch + pitch // 2
        text(surface, title, (area.left, middle), size, INK, "midleft")
        height = max(6, size * 2 // 3)
        track = pygame.Rect(
            area.left + title_width,
            middle - height // 2,
            round(track_width * offered / most),
            height,
        )
        pygame.draw.rect(surface, RULE, track)
        filled = pygame.Rect(track.left, track.top, round(track_width * done / most), height)
        pygame.draw.rect(surface, DONE, filled)
        text(surface, figure, (area.right, middle), size, FAINT, "midright")
