"""The first progress page: today's breaks as large dots (filled teal when
done, amber when partly, grey when the desk was empty, hollow when missed or
skipped), how many were done, the sets and the next break."""

from __future__ import annotations

import dataclasses

import pygame

from microbreak.core.views import TodayView
from microbreak.drawing.fitting import Para, fit
from microbreak.drawing.layout import layout
from microbreak.drawing.palette import ACCENT, MUTED, TEXT
from microbreak.drawing.plan import Plan, footer_hint, lines_needed
from microbreak.drawing.text import line_height

DOT_ROWS = 2  # at most; past that the latest breaks are shown


def plan_today(view: TodayView, size: tuple[int, int]) -> Plan:
    areas = layout(size, figure=False, footer_lines=lines_needed(view.hint, size, full_width=True))
    body, min_text = areas.body, areas.min_text
    dot = round(min_text * 1.25)
    step = round(dot * 1.45)
    per_row = max(1, (body.width + step - dot) // step)
    shown = view.dots[-per_row * DOT_ROWS :]
    rows = -(-len(shown) // per_row)
    dots_height = rows * step - (step - dot) if shown else 0
    detail_height = 2 * line_height(min_text)
    gap = round(min_text * 0.7)
    words = pygame.Rect(
        body.left, body.top, body.width, body.height - dots_height - detail_height - 2 * gap
    )
    top = fit(
        [
            Para(view.title, 1.3, 1, TEXT, "center", gap=0),
            Para(
                view.headline,
                2.4,
                1,
                ACCENT if view.dots else TEXT,
                "center",
                gap=0.15,
                fallback_lines=2,
                fallback_scale=1.6,
            ),
        ],
        words,
        min_text,
        round(min_text * 1.4),
    )
    y = max((t.rect.bottom for t in top), default=words.top) + gap
    dots = []
    for i, outcome in enumerate(shown):
        row, column = divmod(i, per_row)
        in_row = min(per_row, len(shown) - row * per_row)
        left = body.centerx - (dot + step * (in_row - 1)) // 2
        dots.append((pygame.Rect(left + column * step, y + row * step, dot, dot), outcome))
    y += dots_height + (gap if shown else 0)
    detail = fit(
        [Para(view.detail, 1.1, 1, MUTED, "center", gap=0, fallback_lines=2, fallback_scale=1.0)],
        pygame.Rect(body.left, y, body.width, body.bottom - y),
        min_text,
        round(min_text * 1.1),
    )
    # All of it in the middle of the body.
    bottoms = [t.rect.bottom for t in top + detail] + [rect.bottom for rect, _ in dots]
    shift = max(0, (body.bottom - max(bottoms, default=body.bottom)) // 2)
    texts = [dataclasses.replace(t, rect=t.rect.move(0, shift)) for t in top + detail]
    texts += footer_hint(view.hint, areas, MUTED)
    return Plan(
        areas, tuple(texts), dots=tuple((rect.move(0, shift), outcome) for rect, outcome in dots)
    )
