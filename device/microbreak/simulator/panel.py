"""The simulator's side panel: the device's LED, buzzer and button, drawn.

::

    >>> window = pygame.Surface((320 + PANEL_WIDTH, 300))
    >>> panel = pygame.Rect(320, 0, PANEL_WIDTH, 300)
    >>> draw_panel(window, panel, PanelState(led=1.0, buzzer_hz=2093.0,
    ...                                      button_down=False, hold=None))
    >>> button_rect(panel).collidepoint(panel.center)   # did a click hit the button?
    True

The LED glows with its brightness, the buzzer shows a sound mark and its
frequency while it sounds, and the button looks pressed while it is held down,
with a ring filling towards the next hold gesture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from microbreak.core.views import HoldHint
from microbreak.drawing.palette import ATTENTION, MUTED, TEXT, TRACK
from microbreak.drawing.text import font, line_height, text_top

PANEL_WIDTH = 180

HELP = "click or space: press · hold: snooze/skip"

PANEL = (30, 33, 42)
LED_OFF = (70, 26, 26)
LED_ON = (255, 70, 56)
BUZZER = (52, 56, 68)
BUTTON_BASE = (52, 56, 68)
BUTTON_UP = (214, 62, 62)
BUTTON_DOWN = (150, 40, 40)


@dataclass(frozen=True)
class PanelState:
    """What the mock parts are doing now."""

    led: float  # brightness, 0.0–1.0
    buzzer_hz: float | None  # sounding at this frequency (0.0: an active buzzer's beep), or None
    button_down: bool
    hold: HoldHint | None = None


@dataclass(frozen=True)
class _Areas:
    led: pygame.Rect
    buzzer: pygame.Rect
    button: pygame.Rect
    help: pygame.Rect
    label_height: int


def _areas(rect) -> _Areas:
    rect = pygame.Rect(rect)
    pad = 10
    label_height = 14 if rect.height < 400 else 16
    label_line = line_height(label_height)
    icon = max(24, min(48, round(rect.height * 0.11)))
    top_row = icon + label_line + 8
    half = (rect.width - 2 * pad) // 2
    led = pygame.Rect(rect.left + pad, rect.top + pad, half, top_row)
    buzzer = pygame.Rect(led.right, rect.top + pad, half, top_row)
    help_height = 2 * line_height(label_height)
    help_area = pygame.Rect(
        rect.left + pad, rect.bottom - pad - help_height, rect.width - 2 * pad, help_height
    )
    free = pygame.Rect(
        rect.left + pad,
        led.bottom + pad,
        rect.width - 2 * pad,
        help_area.top - pad - led.bottom - pad,
    )
    diameter = max(20, min(free.width, free.height, 150))
    button = pygame.Rect(0, 0, diameter, diameter)
    button.center = free.center
    return _Areas(led, buzzer, button, help_area, label_height)


def button_rect(rect) -> pygame.Rect:
    """Where the button is in a panel drawn in *rect*: clicks inside it press it."""
    return _areas(rect).button


def draw_panel(surface: pygame.Surface, rect, state: PanelState) -> None:
    """Draw the panel for *state*, filling *rect* of *surface*."""
    rect = pygame.Rect(rect)
    areas = _areas(rect)
    surface.fill(PANEL, rect)
    clip = surface.get_clip()
    surface.set_clip(rect)
    try:
        _draw_led(surface, areas.led, state.led, areas.label_height)
        _draw_buzzer(surface, areas.buzzer, state.buzzer_hz, areas.label_height)
        _draw_button(surface, areas.button, state.button_down, state.hold)
        _draw_help(surface, areas.help, areas.label_height)
    finally:
        surface.set_clip(clip)


def _label(surface, text, area, height, color):
    _text_line(
        surface, text, area.centerx, area.bottom - line_height(height), height, color, area.width
    )


def _text_line(surface, text, centerx, top, height, color, width):
    """*text* centred on *centerx* in a line starting at *top*; smaller
    when it is wider than *width*, never squeezed."""
    while height > 8 and font(height).size(text)[0] > width:
        height -= 1
    image = font(height).render(text, True, color)
    surface.blit(image, (centerx - image.get_width() // 2, top + text_top(height)))


def _icon_center(area, height):
    line = line_height(height)
    return area.centerx, area.top + (area.height - line) // 2


def _draw_led(surface, area, brightness, label_height):
    brightness = max(0.0, min(1.0, brightness))
    center = _icon_center(area, label_height)
    radius = (area.height - line_height(label_height)) // 2 - 4
    if brightness > 0:
        # A soft halo: rings of falling opacity, stronger as the LED brightens.
        glow = pygame.Surface((radius * 4, radius * 4), pygame.SRCALPHA)
        for i in range(8, 0, -1):
            alpha = round(brightness * 150 * (1 - i / 9) ** 2)
            pygame.draw.circle(
                glow, (*LED_ON, alpha), (radius * 2, radius * 2), round(radius * (1 + i / 8))
            )
        surface.blit(glow, glow.get_rect(center=center))
    color = tuple(round(a + (b - a) * brightness) for a, b in zip(LED_OFF, LED_ON, strict=True))
    pygame.draw.circle(surface, color, center, round(radius * 0.85))
    # A highlight, so it reads as a lens.
    pygame.draw.circle(
        surface,
        tuple(min(255, c + 60) for c in color),
        (center[0] - radius // 4, center[1] - radius // 4),
        max(2, radius // 6),
    )
    _label(surface, "LED", area, label_height, MUTED)


def _draw_buzzer(surface, area, hz, label_height):
    cx, cy = _icon_center(area, label_height)
    radius = (area.height - line_height(label_height)) // 2 - 4
    sounding = hz is not None
    body = pygame.Rect(0, 0, round(radius * 1.3), round(radius * 1.3))
    body.center = (cx - radius // 3, cy)
    pygame.draw.circle(surface, BUZZER, body.center, body.width // 2)
    pygame.draw.circle(surface, TEXT if sounding else MUTED, body.center, body.width // 2, 2)
    pygame.draw.circle(surface, TEXT if sounding else MUTED, body.center, max(2, body.width // 8))
    if sounding:
        for i in (1, 2):
            r = body.width // 2 + i * max(4, radius // 3)
            box = pygame.Rect(0, 0, 2 * r, 2 * r)
            box.center = body.center
            pygame.draw.arc(surface, ATTENTION, box, -math.radians(40), math.radians(40), 2)
        text = f"{hz:.0f} Hz" if hz else "beep"
        _label(surface, text, area, label_height, ATTENTION)
    else:
        _label(surface, "Buzzer", area, label_height, MUTED)


def _draw_button(surface, area, down, hold):
    center = area.center
    outer = area.width // 2
    ring = max(5, outer // 9)
    cap = outer - ring - 3
    pygame.draw.circle(surface, TRACK, center, outer, ring)
    if hold is not None and hold.progress > 0:
        _ring(surface, ATTENTION, center, outer, ring, max(0.0, min(1.0, hold.progress)))
    pygame.draw.circle(surface, BUTTON_BASE, center, cap)
    if down:
        pygame.draw.circle(surface, BUTTON_DOWN, (center[0], center[1] + 2), cap - 5)
    else:
        pygame.draw.circle(surface, (120, 30, 30), (center[0], center[1] + 3), cap - 4)
        pygame.draw.circle(surface, BUTTON_UP, (center[0], center[1] - 1), cap - 4)
        pygame.draw.circle(
            surface, (236, 110, 110), (center[0] - cap // 3, center[1] - cap // 3), max(2, cap // 6)
        )


def _ring(surface, color, center, radius, width, progress):
    """Part of a ring, clockwise from the top: a filled polygon, so no gaps."""
    steps = max(2, round(72 * progress))
    outer = []
    inner = []
    for i in range(steps + 1):
        angle = math.radians(-90 + 360 * progress * i / steps)
        cos, sin = math.cos(angle), math.sin(angle)
        outer.append((center[0] + radius * cos, center[1] + radius * sin))
        inner.append((center[0] + (radius - width) * cos, center[1] + (radius - width) * sin))
    pygame.draw.polygon(surface, color, outer + inner[::-1])


def _draw_help(surface, area, height):
    """The help on one line, or one part a line (no "·" left at a line's end)."""
    lines = [HELP] if font(height).size(HELP)[0] <= area.width else HELP.split(" · ")
    y = area.bottom - len(lines) * line_height(height)
    for line in lines:
        _text_line(surface, line, area.centerx, y, height, MUTED, area.width)
        y += line_height(height)
