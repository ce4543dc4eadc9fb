"""The idle scene: the clock, when the next break is (a ring counting down
to it), and today's breaks as dots. Asleep outside working hours."""

from __future__ import annotations

import dataclasses

import pygame

from microbreak.core.views import IdleView
from microbreak.drawing.fitting import Para, fit
from microbreak.drawing.layout import Layout, is_landscape, layout
from microbreak.drawing.palette import (
    ASLEEP_BACKGROUND,
    ASLEEP_TEXT,
    ATTENTION,
    BACKGROUND,
    BUSY,
    MUTED,
    TEXT,
)
from microbreak.drawing.plan import Plan, footer_hint, lines_needed


def plan_idle(view: IdleView, size: tuple[int, int]) -> Plan:
    """The clock, when the next break is (with a ring counting down to it
    when one is coming), and today's breaks as dots."""
    areas = layout(size, figure=False, footer_lines=lines_needed(view.hint, size, full_width=True))
    text, muted = (ASLEEP_TEXT, ASLEEP_TEXT) if view.asleep else (TEXT, MUTED)
    headline = ATTENTION if view.heads_up else BUSY if view.busy and not view.asleep else text
    if not view.hint:  # no hint: the body may use the footer's room too
        areas = dataclasses.replace(areas, body=areas.body.union(areas.footer))
    body, ring, ring_texts = areas.body, None, []
    if view.countdown is not None and not view.asleep:
        body, ring = _split_for_ring(areas)
        inside = ring.inflate(-ring.width // 4, -ring.width // 4)
        inside_paras = [Para(view.countdown_text, 2.2, 1, text, "center", gap=0)]
        if inside.height >= areas.min_text * 4:  # room for the unit under the number
            inside_paras.append(Para("min", 1.0, 1, muted, "center", gap=0))
        ring_texts = fit(inside_paras, inside, areas.min_text, areas.min_text, valign="center")
    dot = max(6, round(areas.min_text * 0.55))
    if view.dots:
        body = pygame.Rect(body.left, body.top, body.width, body.height - dot * 2)
    detail = "" if ring is not None else view.detail
    paras = [
        Para(view.clock, 3.2, 1, text, "center", gap=0),
        Para(view.headline, 1.5, 1, headline, "center", gap=0.4, fallback_lines=2),
        Para(detail, 1.1, 1, muted, "center", fallback_lines=2),
        Para(view.today, 1.0, 1, muted, "center", gap=0.6, fallback_lines=2),
    ]
    texts = fit(paras, body, areas.min_text, round(areas.min_text * 1.6), valign="center")
    texts += ring_texts
    texts += footer_hint(view.hint, areas, ATTENTION if view.heads_up else muted)
    dots = _dot_row(
        view.dots,
        body,
        max((t.rect.bottom for t in texts if body.contains(t.rect)), default=body.centery),
        dot,
    )
    return Plan(
        areas,
        tuple(texts),
        frame_color=ATTENTION if view.heads_up else None,
        ring=ring,
        ring_fraction=view.countdown or 0.0,
        dots=dots,
        background=ASLEEP_BACKGROUND if view.asleep else BACKGROUND,
    )


def _split_for_ring(areas: Layout) -> tuple[pygame.Rect, pygame.Rect]:
    """The body with room taken for the countdown ring: at the left on a
    landscape screen, above on a square one. Returns (what is left, the ring)."""
    body, margin = areas.body, areas.margin
    if is_landscape(areas.size):
        side = min(body.height, round(body.width * 0.38))
        ring = pygame.Rect(body.left, body.centery - side // 2, side, side)
        return pygame.Rect(
            ring.right + margin, body.top, body.right - ring.right - margin, body.height
        ), ring
    side = min(round(body.height * 0.34), body.width // 2)
    ring = pygame.Rect(body.centerx - side // 2, body.top, side, side)
    return pygame.Rect(
        body.left, ring.bottom + margin // 2, body.width, body.bottom - ring.bottom - margin // 2
    ), ring


def _dot_row(
    outcomes: tuple[str, ...], area: pygame.Rect, below: int, size: int
) -> tuple[tuple[pygame.Rect, str], ...]:
    """Dots in a row under the text, centred; as many of the latest as fit."""
    if not outcomes:
        return ()
    step = round(size * 1.6)
    fits = max(1, (area.width + step - size) // step)
    shown = outcomes[-fits:]
    width = size + step * (len(shown) - 1)
    left = area.centerx - width // 2
    top = min(below + size // 2, area.bottom + size)
    return tuple(
        (pygame.Rect(left + i * step, top, size, size), outcome) for i, outcome in enumerate(shown)
    )
