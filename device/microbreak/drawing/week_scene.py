"""The second progress page: this week as a bar a day, Monday to Sunday.

Each bar is a day's breaks stacked from the bottom: done (teal), partly done
(amber), a natural break at an empty desk or one busy held off (grey), then skipped or missed
(hollow), as today's dots are drawn; above it how many were done. Today's
name is lit; the days to come are dim and empty."""

from __future__ import annotations

import pygame

from microbreak.core.views import DayBar, WeekView
from microbreak.drawing.fitting import Para, Text, fit
from microbreak.drawing.layout import layout
from microbreak.drawing.palette import DOT_COLORS, MUTED, TEXT, TRACK
from microbreak.drawing.plan import Block, Plan, footer_hint, lines_needed
from microbreak.drawing.text import font, line_height

FILLED = {outcome: DOT_COLORS[outcome] for outcome in ("completed", "partial", "away", "deferred")}


def plan_week(view: WeekView, size: tuple[int, int]) -> Plan:
    areas = layout(size, figure=False, footer_lines=lines_needed(view.hint, size, full_width=True))
    body, min_text = areas.body, areas.min_text
    heading = fit(
        [
            Para(view.title, 1.3, 1, TEXT, "center", gap=0),
            Para(view.summary, 1.0, 1, MUTED, "center", gap=0.1, fallback_lines=2),
        ],
        pygame.Rect(body.left, body.top, body.width, 4 * line_height(min_text)),
        min_text,
        round(min_text * 1.2),
    )
    top = max(t.rect.bottom for t in heading) + round(min_text * 0.5)
    chart = pygame.Rect(body.left, top, body.width, body.bottom - top)
    texts, blocks = _bars(view.days, chart, min_text)
    texts = heading + texts + footer_hint(view.hint, areas, MUTED)
    return Plan(areas, tuple(texts), blocks=tuple(blocks))


def _bars(
    days: tuple[DayBar, ...], chart: pygame.Rect, min_text: int
) -> tuple[list[Text], list[Block]]:
    """A column per day in *chart*: the count done, the bar, the day's name."""
    column = chart.width // len(days)
    pitch = line_height(min_text)
    widest = max(font(min_text).size(day.label)[0] for day in days)
    names = [day.label if widest <= column - 2 else day.letter or day.label[0] for day in days]
    tallest = max(sum(n for _, n in day.counts) for day in days) or 1
    floor = chart.bottom - pitch  # the bars stand on the names
    room = floor - (chart.top + pitch) - 2
    unit = room / tallest
    width = max(6, round(column * 0.56))
    texts: list[Text] = []
    blocks: list[Block] = []
    for i, (day, name) in enumerate(zip(days, names, strict=True)):
        middle = chart.left + column * i + column // 2
        color = TEXT if day.today else TRACK if day.to_come else MUTED
        texts.append(_centred_text(name, middle, floor, min_text, color))
        bottom, drawn, counted = floor - 2, 0, 0
        for outcome, count in day.counts:
            counted += count
            height = round(counted * unit) - drawn
            drawn += height
            rect = pygame.Rect(middle - width // 2, bottom - drawn, width, height)
            blocks.append(_segment(rect, outcome, min_text))
        if day.counts:
            done = dict(day.counts).get("completed", 0)
            texts.append(_centred_text(str(done), middle, bottom - drawn - pitch, min_text, MUTED))
    return texts, blocks


def _segment(rect: pygame.Rect, outcome: str, min_text: int) -> Block:
    """A part of a bar: filled for done, partly done, away and deferred; hollow else.
    A pixel of background between parts keeps them apart."""
    inner = rect.inflate(0, -2) if rect.height > 4 else rect
    if outcome in FILLED:
        return Block(inner, FILLED[outcome])
    return Block(inner, TRACK, outline=max(2, min_text // 8))


def _centred_text(
    text: str, middle: int, top: int, height: int, color: tuple[int, int, int]
) -> Text:
    width = font(height).size(text)[0]
    return Text(
        text, pygame.Rect(middle - width // 2, top, width, line_height(height)), height, color
    )
