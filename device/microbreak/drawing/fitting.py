"""Fitting text into an area: paragraphs wrapped, as large as they fit,
then shortened with "…" rather than ever leaving their area::

    >>> [t.text for t in fit([Para("Shoulder rolls", 1.0, 1, (255, 255, 255))],
    ...                      pygame.Rect(0, 0, 300, 40), 16, 16)]
    ['Shoulder rolls']
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pygame

from microbreak.drawing.palette import ACCENT
from microbreak.drawing.text import font, line_height

ELLIPSIS = "…"


@dataclass(frozen=True)
class Text:
    """One line of text, where it is drawn, and how tall its font is."""

    text: str
    rect: pygame.Rect
    height: int
    color: tuple[int, int, int]


@dataclass
class Para:
    text: str
    scale: float  # text height relative to the block's base height
    max_lines: int
    color: tuple[int, int, int]
    align: str = "left"
    number: str = ""  # drawn in the margin of a numbered step
    gap: float = 0.3  # space above, relative to the text height
    whole_parts: bool = False  # break only between the parts of "a · b": smaller, not torn
    # When space is short: how many lines, and how much smaller
    fallback_lines: int = 0
    fallback_scale: float = 0.0

    def fallback(self) -> Para:
        return dataclasses.replace(
            self,
            max_lines=self.fallback_lines or self.max_lines,
            scale=self.fallback_scale or self.scale,
            gap=self.gap * 0.5,
        )


def shortened(texts: list[Text]) -> bool:
    return any(t.text.endswith(ELLIPSIS) for t in texts)


def fit(
    paras: list[Para], area: pygame.Rect, min_height: int, base: int, valign: str = "top"
) -> list[Text]:
    """Lay out *paras* in *area*, as large as fits from a base height of
    *base* down to *min_height*.

    If they don't fit even at the minimum, the paragraphs fall back (to fewer
    lines for a step, more for a summary, a smaller title) and are shortened
    with "…" to fit their lines: every step to two lines, or the first few to
    two and the rest to one. Failing that, whatever doesn't fit is left out,
    the last line that fits ending in "…".
    """
    paras = [p for p in paras if p.text.strip()]
    if not paras:
        return []
    placed = _largest(paras, area, min_height, base)
    if placed is None:
        fallback = [p.fallback() for p in paras]
        steps = [i for i, p in enumerate(paras) if p.number]
        two = [
            dataclasses.replace(f, max_lines=min(p.max_lines, 2))
            for p, f in zip(paras, fallback, strict=True)
        ]
        placed = _largest(fallback, area, min_height, base)  # whole, if smaller
        for keep in range(len(steps), -1, -1):
            if placed is not None:
                break
            mixed = [two[i] if i in steps[:keep] else fallback[i] for i in range(len(paras))]
            placed = _largest(mixed, area, min_height, base, shorten=True)
        if placed is None:
            placed = _place(fallback, area, min_height, min_height, shorten=True, cut=True)
    placed = placed or []  # an area too small for even one cut line shows nothing
    used = max(t.rect.bottom for t in placed) - area.top if placed else 0
    shift = 0
    if valign == "center":
        shift = (area.height - used) // 2
    elif valign == "bottom":
        shift = area.height - used
    return [dataclasses.replace(t, rect=t.rect.move(0, max(0, shift))) for t in placed]


def _largest(
    paras: list[Para], area: pygame.Rect, min_height: int, base: int, shorten: bool = False
) -> list[Text] | None:
    """Placed at the largest base height that fits, or None."""
    height = max(base, min_height)
    while True:
        placed = _place(paras, area, min_height, height, shorten=shorten, cut=False)
        if placed is not None or height <= min_height:
            return placed
        height = max(min_height, height - max(1, height // 14))


def _place(
    paras: list[Para], area: pygame.Rect, min_height: int, base: int, shorten: bool, cut: bool
) -> list[Text] | None:
    """Place lines top down, or return None if they don't fit. With *shorten*
    a paragraph longer than its lines ends in "…"; with *cut* so does the last
    line that fits in *area*, and the rest is left out."""
    texts: list[Text] = []
    y = area.top
    for para in paras:
        height = max(min_height, round(base * para.scale))
        f = font(height)
        indent = f.size("4")[0] + round(height * 0.2) if para.number else 0
        width = area.width - indent
        lines = wrap(f, para.text, width, para.whole_parts)
        if len(lines) > para.max_lines or any(f.size(line)[0] > width for line in lines):
            if not shorten:
                return None
            lines = _shorten(f, para.text, lines, width, para.max_lines)
        pitch = line_height(height)
        if texts:
            y += round(height * para.gap)
        for i, line in enumerate(lines):
            if y + pitch > area.bottom:
                if not cut:
                    return None
                if texts:
                    last = texts[-1]
                    texts[-1] = _ellipsized(last, area.right - last.rect.left)
                return texts
            if para.number and i == 0:
                number_width = f.size(para.number)[0]
                texts.append(
                    Text(
                        para.number, pygame.Rect(area.left, y, number_width, pitch), height, ACCENT
                    )
                )
            w = f.size(line)[0]
            x = _left(para.align, area, w, indent)
            texts.append(Text(line, pygame.Rect(x, y, w, pitch), height, para.color))
            y += pitch
    return texts


def _left(align: str, area: pygame.Rect, width: int, indent: int) -> int:
    """Where a line *width* wide starts in *area*, aligned as *align* says."""
    if align == "center":
        return area.left + (area.width - width) // 2
    if align == "right":
        return area.right - width
    return area.left + indent


def wrap(f: pygame.font.Font, text: str, width: int, whole_parts: bool = False) -> list[str]:
    """Break *text* into lines no wider than *width* where it can, between the
    parts of a "a · b · c" list first (the "·" goes where the line breaks, so
    no line starts or ends with one), then between words (unless
    *whole_parts*: a part too wide then makes a line too wide)."""
    lines = []
    current = ""
    for part in text.split(" · "):
        candidate = f"{current} · {part}" if current else part
        if f.size(candidate)[0] <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        if whole_parts:
            current = part
            continue
        for word in part.split():
            candidate = f"{current} {word}" if current else word
            if current and f.size(candidate)[0] > width:
                lines.append(current)
                current = word
            else:
                current = candidate
    lines.append(current)
    return lines


def _shorten(
    f: pygame.font.Font, text: str, lines: list[str], width: int, max_lines: int
) -> list[str]:
    """*lines* of *text* cut to at most *max_lines*, each no wider than
    *width*, the last ending in "…" if anything was left out."""
    cut = len(lines) > max_lines
    kept = lines[: max_lines - 1] + [_rest(text, lines, max_lines - 1)] if cut else lines
    result = []
    for i, line in enumerate(kept):
        if f.size(line)[0] > width or (cut and i == len(kept) - 1):
            line = _cut_to(f, line, width)
        result.append(line)
    return result


def _rest(text: str, lines: list[str], first: int) -> str:
    """*text* from where ``lines[first]`` starts, with the "·" that stood
    where later lines broke."""
    words = " ".join(text.split())
    start = 0
    try:
        for line in lines[:first]:
            start = words.index(line, start) + len(line)
    except ValueError:  # spaced unevenly round a "·": only the words, then
        return " ".join(lines[first:])
    return words[start:].lstrip(" ·")


def _cut_to(f: pygame.font.Font, text: str, width: int) -> str:
    text = text.rstrip(ELLIPSIS)
    while text and f.size(text.rstrip() + ELLIPSIS)[0] > width:
        text = text[:-1]
    return text.rstrip(" ,.;:·") + ELLIPSIS


def _ellipsized(line: Text, width: int) -> Text:
    f = font(line.height)
    text = _cut_to(f, line.text, width)
    rect = pygame.Rect(line.rect.topleft, (f.size(text)[0], line.rect.height))
    return dataclasses.replace(line, text=text, rect=rect)
