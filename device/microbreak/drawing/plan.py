"""A plan: everything one view puts on the screen, before it is drawn; and
the footer that every scene shares (the button hint, or the hold's progress)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pygame

from microbreak.core.views import HoldHint
from microbreak.drawing.figure import Bounds
from microbreak.drawing.fitting import Para, Text, fit, wrap
from microbreak.drawing.layout import Layout, layout
from microbreak.drawing.palette import BACKGROUND, TEXT, Color
from microbreak.drawing.text import font


@dataclass(frozen=True)
class Counter:
    """Where the rep counter ("3 / 5") and the ring counting down a hold go."""

    ring: pygame.Rect | None  # None for an exercise without a hold
    ring_text: int  # the height of the seconds left, inside the ring
    ring_text_middle: int  # how far down their rendered image the digits' middle is
    text: pygame.Rect  # room for the widest count, "10 / 10"
    text_height: int
    text_middle: int


@dataclass(frozen=True)
class Block:
    """A rectangle drawn on the screen: filled, or its outline *outline* px wide."""

    rect: pygame.Rect
    color: Color
    outline: int = 0
    radius: int = 0


@dataclass(frozen=True)
class Plan:
    """Everything one view puts on the screen, before it is drawn."""

    layout: Layout
    texts: tuple[Text, ...]
    figure: pygame.Rect | None = None  # where the person is drawn
    card: pygame.Rect | None = None  # the panel behind the person
    figure_view: str = "front"
    figure_bounds: Bounds | None = None  # the model area every frame of the motion fits
    counter: Counter | None = None
    frame_color: tuple[int, int, int] | None = None
    hold_bar: pygame.Rect | None = None
    hold_progress: float = 0.0
    ring: pygame.Rect | None = None  # idle: the countdown to the next break
    ring_fraction: float = 0.0
    dots: tuple[tuple[pygame.Rect, str], ...] = ()  # idle: one per break today
    blocks: tuple[Block, ...] = ()  # the progress pages' bars
    background: tuple[int, int, int] = BACKGROUND


def lines_needed(hint: str, size: tuple[int, int], full_width: bool) -> int:
    """How many lines of the smallest text *hint* takes in the footer (2–3)."""
    if not hint:
        return 2
    areas = layout(size, figure=not full_width)
    f = font(areas.min_text)
    return min(3, max(2, len(wrap(f, hint, areas.footer.width))))


def footer_hint(hint: str, areas: Layout, color: Color) -> list[Text]:
    if not hint:
        return []
    return fit(
        [Para(hint, 1.0, 3, color, "center" if areas.figure is None else "left", gap=0)],
        areas.footer,
        areas.min_text,
        areas.min_text,
        valign="bottom",
    )


def with_hold(plan: Plan, hold: HoldHint) -> Plan:
    """The plan with the footer given over to the hold: its label, and a bar
    (what the body had spread into the footer makes way)."""
    footer = plan.layout.footer
    min_text = plan.layout.min_text
    texts = tuple(t for t in plan.texts if not footer.colliderect(t.rect))
    dots = tuple(d for d in plan.dots if not footer.colliderect(d[0]))
    bar_height = max(6, round(min_text * 0.5))
    bar = pygame.Rect(footer.left, footer.bottom - bar_height, footer.width, bar_height)
    label_area = pygame.Rect(footer.left, footer.top, footer.width, bar.top - footer.top - 2)
    align = "center" if plan.layout.figure is None else "left"
    label = fit(
        [Para(hold.label, 1.0, 1, TEXT, align, gap=0)],
        label_area,
        min_text,
        min_text,
        valign="bottom",
    )
    return dataclasses.replace(
        plan,
        texts=texts + tuple(label),
        dots=dots,
        hold_bar=bar,
        hold_progress=max(0.0, min(1.0, hold.progress)),
    )
