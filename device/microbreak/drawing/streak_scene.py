"""The third progress page: the streak, large, with what it counts beside
it; under it the sets done of each exercise as bars, most first, the least
done's bar amber (do more of that one). A row is the title, the bar and the
count on one line where the screen is wide enough, else the bar under the
title; where not every exercise fits, the least done stays, last."""

from __future__ import annotations

import dataclasses

import pygame

from microbreak.core.views import StreakView
from microbreak.drawing.fitting import Para, Text, fit, shortened
from microbreak.drawing.layout import layout
from microbreak.drawing.palette import ACCENT, ATTENTION, MUTED, TEXT, TRACK
from microbreak.drawing.plan import Block, Plan, footer_hint, lines_needed
from microbreak.drawing.text import font, line_height


def plan_streak(view: StreakView, size: tuple[int, int]) -> Plan:
    areas = layout(size, figure=False, footer_lines=lines_needed(view.hint, size, full_width=True))
    body, min_text = areas.body, areas.min_text
    rows = _Rows(view.exercises, body.width, min_text)
    shown = rows.shown(body.height - round(min_text * 3.4) - areas.margin)  # room for 3 lines
    while True:  # a row fewer where the words above would be cut short (a longer language)
        list_height = rows.height(len(shown))
        band_height = body.height - list_height - areas.margin
        band = pygame.Rect(body.left, body.top, body.width, band_height)
        texts = _streak(view, band, min_text)
        if len(shown) <= 1 or not shortened(texts):
            break
        shown = [*shown[:-2], shown[-1]]  # the least done stays, last
    used = max((t.rect.bottom for t in texts), default=band.top) - body.top + areas.margin
    top = body.top + max(0, (body.height - used - list_height) // 2)
    texts = [dataclasses.replace(t, rect=t.rect.move(0, top - body.top)) for t in texts]
    row_texts, blocks = rows.place(shown, body.left, top + used)
    texts += row_texts + footer_hint(view.hint, areas, MUTED)
    return Plan(areas, tuple(texts), blocks=tuple(blocks))


def _streak(view: StreakView, band: pygame.Rect, min_text: int) -> list[Text]:
    """The number as tall as the band allows, its caption beside it; the two
    centred together."""
    height = max(min_text, min(round(band.height * 0.95), min_text * 5))
    number_width = font(height).size(view.streak)[0]
    gap = round(min_text * 0.6)
    beside = pygame.Rect(0, band.top, band.width - number_width - gap, band.height)
    caption = fit(
        [
            Para(view.caption, 1.3, 1, TEXT, gap=0, fallback_lines=2),
            Para(view.best, 1.0, 2, MUTED, gap=0.2),
        ],
        beside,
        min_text,
        round(min_text * 1.2),
        valign="center",
    )
    width = number_width + gap + max((t.rect.width for t in caption), default=0)
    left = band.left + (band.width - width) // 2
    number_top = band.top + (band.height - line_height(height)) // 2
    number = Text(
        view.streak,
        pygame.Rect(left, number_top, number_width, line_height(height)),
        height,
        MUTED if view.streak == "0" else ACCENT,
    )
    moved = [
        dataclasses.replace(t, rect=t.rect.move(left + number_width + gap, 0)) for t in caption
    ]
    return [number, *moved]


class _Rows:
    """The exercises' rows in a width: on one line each, or two where the
    title and the bar do not share a line."""

    def __init__(self, exercises: tuple[tuple[str, int], ...], width: int, min_text: int):
        self.exercises, self.width, self.min_text = exercises, width, min_text
        f = font(min_text)
        self.count_width = max((f.size(str(n))[0] for _, n in exercises), default=0)
        self.title_width = max((f.size(title)[0] for title, _ in exercises), default=0)
        self.gap = round(min_text * 0.5)
        self.bar = max(4, round(min_text * 0.35))
        room = width - self.title_width - self.count_width - 2 * self.gap
        # One line when every title fits whole and leaves the bar a fifth of the width.
        self.one_line = self.title_width <= width * 0.6 and room >= width * 0.2
        self.pitch = line_height(min_text) + (0 if self.one_line else self.bar + 2)
        self.step = self.pitch + max(3, min_text // 4)

    def height(self, count: int) -> int:
        return count * self.step - (self.step - self.pitch) if count else 0

    def shown(self, room: int) -> list[tuple[str, int]]:
        """As many as fit in *room* px: the most done, and the least done last."""
        every = list(self.exercises)
        fits = max(1, (room + self.step - self.pitch) // self.step)
        return every if len(every) <= fits else [*every[: fits - 1], every[-1]]

    def place(
        self, shown: list[tuple[str, int]], left: int, top: int
    ) -> tuple[list[Text], list[Block]]:
        most = max((n for _, n in self.exercises), default=0) or 1
        texts: list[Text] = []
        blocks: list[Block] = []
        m, line = self.min_text, line_height(self.min_text)
        for i, (title, count) in enumerate(shown):
            y = top + i * self.step
            number = str(count)
            w = font(m).size(number)[0]
            texts.append(Text(number, pygame.Rect(left + self.width - w, y, w, line), m, TEXT))
            title_room = (
                self.title_width if self.one_line else self.width - self.count_width - self.gap
            )
            texts += fit(
                [Para(title, 1.0, 1, TEXT, gap=0)], pygame.Rect(left, y, title_room, line), m, m
            )
            if self.one_line:
                bar_left = left + self.title_width + self.gap
                track = pygame.Rect(
                    bar_left,
                    y + (line - self.bar) // 2,
                    self.width - self.title_width - self.count_width - 2 * self.gap,
                    self.bar,
                )
            else:
                track = pygame.Rect(left, y + line, self.width, self.bar)
            least = i == len(shown) - 1 and len(self.exercises) > 1 and count < most
            blocks.append(Block(track, TRACK, radius=self.bar // 2))
            if count:
                filled = track.copy()
                filled.width = max(self.bar, round(track.width * count / most))
                blocks.append(Block(filled, ATTENTION if least else ACCENT, radius=self.bar // 2))
        return texts, blocks
