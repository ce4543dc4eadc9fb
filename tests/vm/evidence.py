"""What the VM test checks on the host after the guest has run: the
guest's screen as QEMU showed it against the service's own picture, and the
guest's sound card as QEMU recorded it against the cue melodies.

Only the standard library (the host runs it with Debian's Python): PPM (what
QEMU's screendump writes) and PNG (what the service saves) are read here, and
PNG written for the artifacts.
"""

from __future__ import annotations

import struct
import wave
import zlib
from array import array
from pathlib import Path

# -- pictures ----------------------------------------------------------------------------


class Picture:
    """Width, height and 8-bit RGB rows."""

    def __init__(self, width: int, height: int, rgb: bytes):
        self.width, self.height, self.rgb = width, height, rgb

    @classmethod
    def read(cls, path: Path) -> Picture:
        data = path.read_bytes()
        return cls._ppm(data) if data[:2] == b"P6" else cls._png(data)

    @classmethod
    def _ppm(cls, data: bytes) -> Picture:
        fields, at = [], 2
        while len(fields) < 3:
            while data[at : at + 1].isspace():
                at += 1
            start = at
            while not data[at : at + 1].isspace():
                at += 1
            fields.append(int(data[start:at]))
        width, height, top = fields
        if top != 255:
            raise ValueError(f"PPM with maximum {top}, not 255")
        return cls(width, height, data[at + 1 : at + 1 + width * height * 3])

    @classmethod
    def _png(cls, data: bytes) -> Picture:
        if data[:8] != b"\x89PNG\r\n\x1a\n":
            raise ValueError("not a PNG or PPM file")
        at, idat = 8, b""
        while at < len(data):
            length, kind = struct.unpack(">I4s", data[at : at + 8])
            body = data[at + 8 : at + 8 + length]
            if kind == b"IHDR":
                width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
                if depth != 8 or colour not in (2, 6) or interlace:
                    raise ValueError(
                        f"PNG of depth {depth}, colour type {colour}, "
                        f"interlace {interlace}: only 8-bit RGB(A), not interlaced"
                    )
            elif kind == b"IDAT":
                idat += body
            at += 12 + length
        channels = 3 if colour == 2 else 4
        raw = zlib.decompress(idat)
        stride = width * channels
        rows, previous = [], bytearray(stride)
        for y in range(height):
            kind = raw[y * (stride + 1)]
            row = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
            _unfilter(kind, row, previous, channels)
            rows.append(bytes(row))
            previous = row
        pixels = b"".join(rows)
        if channels == 4:  # drop alpha
            rgb = bytearray(width * height * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = pixels[0::4], pixels[1::4], pixels[2::4]
            pixels = bytes(rgb)
        return cls(width, height, pixels)

    def save_png(self, path: Path) -> None:
        stride = self.width * 3
        raw = b"".join(b"\0" + self.rgb[y * stride : (y + 1) * stride] for y in range(self.height))

        def chunk(kind: bytes, body: bytes) -> bytes:
            return (
                struct.pack(">I", len(body))
                + kind
                + body
                + struct.pack(">I", zlib.crc32(kind + body))
            )

        path.write_bytes(
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b"")
        )


def _unfilter(kind: int, row: bytearray, up: bytearray, bpp: int) -> None:
    if kind == 0:
        return
    if kind == 2:
        for i in range(len(row)):
            row[i] = (row[i] + up[i]) & 0xFF
        return
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + ((left + up[i]) >> 1)) & 0xFF
        elif kind == 4:
            corner = up[i - bpp] if i >= bpp else 0
            p = left + up[i] - corner
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
            guess = left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner
            row[i] = (row[i] + guess) & 0xFF
        else:
            raise ValueError(f"PNG filter {kind}")


def differing(a: Picture, b: Picture, threshold: int = 32) -> float:
    """The share of pixels where any channel differs by more than *threshold*."""
    if (a.width, a.height) != (b.width, b.height):
        return 1.0
    count = 0
    stride = a.width * 3
    for y in range(a.height):
        ra, rb = a.rgb[y * stride : (y + 1) * stride], b.rgb[y * stride : (y + 1) * stride]
        if ra == rb:
            continue
        for x in range(0, stride, 3):
            if (
                abs(ra[x] - rb[x]) > threshold
                or abs(ra[x + 1] - rb[x + 1]) > threshold
                or abs(ra[x + 2] - rb[x + 2]) > threshold
            ):
                count += 1
    return count / (a.width * a.height)


# -- sound -------------------------------------------------------------------------------


def tones(
    path: Path, window_seconds: float = 0.005, shortest: float = 0.03
) -> list[tuple[float, float, float]]:
    """The tones in a 16-bit WAV file: (start s, length s, frequency Hz) each.

    A tone is a run of loud windows; its frequency is counted from its
    middle's zero crossings, with a little hysteresis against noise.
    """
    with wave.open(str(path)) as recording:
        rate, channels = recording.getframerate(), recording.getnchannels()
        if recording.getsampwidth() != 2:
            raise ValueError(f"{path}: {8 * recording.getsampwidth()}-bit samples, not 16")
        samples = array("h", recording.readframes(recording.getnframes()))
    mono = samples[::channels]
    step = max(int(rate * window_seconds), 1)
    peak = max(max(mono, default=0), -min(mono, default=0))
    if peak < 500:
        return []
    loud = [max(mono[i : i + step]) > peak / 8 for i in range(0, len(mono), step)]
    found, start = [], None
    for index, on in enumerate(loud + [False]):
        if on and start is None:
            start = index
        elif not on and start is not None:
            first, last = start * step, index * step
            if (last - first) / rate >= shortest:
                found.append(
                    (
                        first / rate,
                        (last - first) / rate,
                        _frequency(mono[first:last], rate, peak / 16),
                    )
                )
            start = None
    return found


def _frequency(part, rate: int, band: float) -> float:
    cut = len(part) // 5
    middle = part[cut : len(part) - cut]
    crossings, side, first, last = 0, 0, None, None
    for i, value in enumerate(middle):
        now = 1 if value > band else -1 if value < -band else side
        if side == -1 and now == 1:
            crossings += 1
            first = i if first is None else first
            last = i
        side = now
    if crossings < 2:
        return 0.0
    return (crossings - 1) * rate / (last - first)


def find_melody(heard: list[float], notes: list[float], tolerance: float = 0.02) -> list[int]:
    """Where the melody *notes* (Hz, rests left out) starts in the tones
    *heard*, each note within *tolerance*; a note the recording split in two
    (or repeated notes) counts once."""

    def collapsed(frequencies):
        out: list[float] = []
        for hz in frequencies:
            if not out or abs(hz - out[-1]) > tolerance * out[-1]:
                out.append(hz)
        return out

    heard, notes = collapsed(heard), collapsed(notes)
    return [
        i
        for i in range(len(heard) - len(notes) + 1)
        if all(abs(heard[i + k] - hz) <= tolerance * hz for k, hz in enumerate(notes))
    ]
