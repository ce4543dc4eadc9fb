"""Animated GIFs from pygame surfaces, with no image library.

pygame writes PNG but not GIF; an exercise's animation is worth showing as
one (``microbreak exercises render NAME --out NAME.gif``). The screen draws
with few colours, so one palette for all frames, the 256 they use most, is
exact or close. Runs of identical frames (a hold) become one longer frame,
and each frame keeps only the part that moved::

    >>> import io, pygame
    >>> frames = [pygame.Surface((8, 8)) for _ in range(3)]
    >>> for frame in frames[1:]:
    ...     _ = frame.fill((255, 128, 0))
    >>> out = io.BytesIO()
    >>> save_gif(out, frames, 0.1)
    2
    >>> out.getvalue()[:6]
    b'GIF89a'
"""

from __future__ import annotations

import struct
from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import BinaryIO

MAX_CODE = 4096  # GIF's LZW codes are at most 12 bits


def save_gif(out: BinaryIO, frames: Sequence, frame_seconds: float, loop: bool = True) -> int:
    """Write *frames* (pygame surfaces of one size), each shown *frame_seconds*,
    as an animated GIF to the binary file *out*; return how many frames it holds.

    After the first, each frame stores only the rectangle that changed.
    """
    from microbreak.drawing.pgcompat import surface_bytes

    width, height = frames[0].get_size()
    runs: list[list] = []  # [pixels as one int each, how many frames in a row]
    for frame in frames:
        if frame.get_size() != (width, height):
            raise ValueError(f"frames differ in size: {frame.get_size()} and {(width, height)}")
        pixels = array("I", surface_bytes(frame, "RGBX"))
        if runs and runs[-1][0] == pixels:
            runs[-1][1] += 1
        else:
            runs.append([pixels, 1])
    patches = [(0, 0, width, height, runs[0][0])]
    for (before, _), (after, _) in pairwise(runs):
        patches.append(_changed(before, after, width, height))
    palette = Palette(pixel for *_, pixels in patches for pixel in pixels)
    out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0))
    out.write(palette.table())
    if loop and len(runs) > 1:
        out.write(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")
    for (left, top, w, h, pixels), (_, count) in zip(patches, runs, strict=True):
        delay = max(round(frame_seconds * count * 100), 2)  # hundredths of a second
        # graphic control: keep this frame under the next one (disposal 1)
        out.write(b"!\xf9\x04\x04" + struct.pack("<H", delay) + b"\x00\x00")
        out.write(b"," + struct.pack("<HHHHB", left, top, w, h, 0))
        out.write(b"\x08" + _blocks(lzw(palette.indices(pixels))) + b"\x00")
    out.write(b";")
    return len(runs)


def _changed(before: array, after: array, width: int, height: int) -> tuple:
    """``(left, top, width, height, pixels)``: the part of *after* that differs
    from *before* (one pixel when nothing does)."""
    rows = [
        y
        for y in range(height)
        if before[y * width : (y + 1) * width] != after[y * width : (y + 1) * width]
    ]
    if not rows:
        return 0, 0, 1, 1, after[:1]
    top, bottom = rows[0], rows[-1] + 1
    left, right = width, 0
    for y in rows:
        row = y * width
        x = 0
        while before[row + x] == after[row + x]:
            x += 1
        left = min(left, x)
        x = width - 1
        while before[row + x] == after[row + x]:
            x -= 1
        right = max(right, x + 1)
    pixels = array("I")
    for y in range(top, bottom):
        pixels.extend(after[y * width + left : y * width + right])
    return left, top, right - left, bottom - top, pixels


class Palette:
    """Every colour used, when there are at most 256; else the 131 used most
    (a screen's flat colours) and an even spread of 125 for the rest (the
    soft edges), each other colour mapped to the nearest."""

    def __init__(self, pixels):
        counts = Counter(pixels)
        if len(counts) <= 256:
            common = list(counts)
        else:
            common = [colour for colour, _ in counts.most_common(131)]
            levels = (0, 64, 128, 191, 255)
            spread = {r | g << 8 | b << 16 for r in levels for g in levels for b in levels}
            common += sorted(spread - set(common))
            common += [colour for colour, _ in counts.most_common(256) if colour not in common][
                : 256 - len(common)
            ]
        self.colours = common
        self._index = {colour: i for i, colour in enumerate(common)}

    def table(self) -> bytes:
        # RGBX bytes read as a little-endian int: red is the lowest byte.
        rgb = b"".join(struct.pack("<I", c)[:3] for c in self.colours)
        return rgb + bytes(3 * (256 - len(self.colours)))

    def indices(self, pixels: array) -> bytes:
        index = self._index
        return bytes(index[p] if p in index else self._nearest(p) for p in pixels)

    def _nearest(self, colour: int) -> int:
        r, g, b = colour & 0xFF, colour >> 8 & 0xFF, colour >> 16 & 0xFF
        best = min(
            range(len(self.colours)),
            key=lambda i: (
                ((self.colours[i] & 0xFF) - r) ** 2
                + ((self.colours[i] >> 8 & 0xFF) - g) ** 2
                + ((self.colours[i] >> 16 & 0xFF) - b) ** 2
            ),
        )
        self._index[colour] = best
        return best


def lzw(indices: bytes, min_code_size: int = 8) -> bytes:
    """GIF's variable-length LZW code for *indices* (each below 2**min_code_size)::

    >>> lzw(bytes([1, 1, 1, 1]), 2).hex()
    '8c53'
    """
    clear, end = 1 << min_code_size, (1 << min_code_size) + 1
    codes: dict[int, int] = {}
    next_code, size = end + 1, min_code_size + 1
    out = bytearray()
    bits = count = 0

    def emit(code: int) -> None:
        nonlocal bits, count
        bits |= code << count
        count += size
        while count >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            count -= 8

    emit(clear)
    if not indices:
        emit(end)
        return bytes(out + (bytes([bits]) if count else b""))
    prefix = indices[0]
    for value in indices[1:]:
        key = prefix << 8 | value
        code = codes.get(key)
        if code is not None:
            prefix = code
            continue
        emit(prefix)
        codes[key] = next_code
        next_code += 1
        if next_code > 1 << size and size < 12:
            size += 1
        if next_code == MAX_CODE:  # the table is full: start again
            emit(clear)
            codes.clear()
            next_code, size = end + 1, min_code_size + 1
        prefix = value
    emit(prefix)
    emit(end)
    if count:
        out.append(bits & 0xFF)
    return bytes(out)


def _blocks(data: bytes) -> bytes:
    """*data* as GIF sub-blocks: a length byte, then up to 255 bytes, each."""
    return b"".join(
        bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)
    )
