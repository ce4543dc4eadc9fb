"""The screen through the kernel's mode setting (KMS): one dumb buffer on a
DRM device, filled from a pygame surface. No GL, no X, no SDL video driver.

Every Pi screen has this path: HDMI and DSI through vc4, SPI panels through
their TinyDRM drivers. SDL's own KMS/DRM driver draws through GBM and EGL,
which load Mesa (and, on a machine without a GPU, LLVM) for a picture that a
memory copy can show; this module is that memory copy (on a machine with a
screen)::

    output = KmsOutput.open()                # the first connected screen
    output.size                              # (800, 480): its mode
    output.show(surface.get_view("0"), surface.get_pitch())

Opening the device makes this process its DRM master, so the text console
stays hidden behind the picture until the device is closed.

Anything that stops the screen is a :class:`ScreenUnavailable` that says why
and what to do about it, in words for the journal and ``microbreak status``.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import mmap
import os
from dataclasses import dataclass
from pathlib import Path

from microbreak.parts.access import refused

DRI = Path("/dev/dri")


class ScreenUnavailable(RuntimeError):
    """The screen cannot be used: *reason* says why, *fix* what to do."""

    def __init__(self, reason: str, fix: str = ""):
        super().__init__(f"{reason}; {fix}" if fix else reason)
        self.reason = reason
        self.fix = fix


# -- <drm/drm.h> and <drm/drm_mode.h>, the parts used here -------------------------

u16, u32, u64 = ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint64


class _CardRes(ctypes.Structure):
    _fields_ = [
        ("fb_id_ptr", u64),
        ("crtc_id_ptr", u64),
        ("connector_id_ptr", u64),
        ("encoder_id_ptr", u64),
        ("count_fbs", u32),
        ("count_crtcs", u32),
        ("count_connectors", u32),
        ("count_encoders", u32),
        ("min_width", u32),
        ("max_width", u32),
        ("min_height", u32),
        ("max_height", u32),
    ]


class _ModeInfo(ctypes.Structure):
    _fields_ = [
        ("clock", u32),
        ("hdisplay", u16),
        ("hsync_start", u16),
        ("hsync_end", u16),
        ("htotal", u16),
        ("hskew", u16),
        ("vdisplay", u16),
        ("vsync_start", u16),
        ("vsync_end", u16),
        ("vtotal", u16),
        ("vscan", u16),
        ("vrefresh", u32),
        ("flags", u32),
        ("type", u32),
        ("name", ctypes.c_char * 32),
    ]


class _Crtc(ctypes.Structure):
    _fields_ = [
        ("set_connectors_ptr", u64),
        ("count_connectors", u32),
        ("crtc_id", u32),
        ("fb_id", u32),
        ("x", u32),
        ("y", u32),
        ("gamma_size", u32),
        ("mode_valid", u32),
        ("mode", _ModeInfo),
    ]


class _Encoder(ctypes.Structure):
    _fields_ = [
        ("encoder_id", u32),
        ("encoder_type", u32),
        ("crtc_id", u32),
        ("possible_crtcs", u32),
        ("possible_clones", u32),
    ]


class _Connector(ctypes.Structure):
    _fields_ = [
        ("encoders_ptr", u64),
        ("modes_ptr", u64),
        ("props_ptr", u64),
        ("prop_values_ptr", u64),
        ("count_modes", u32),
        ("count_props", u32),
        ("count_encoders", u32),
        ("encoder_id", u32),
        ("connector_id", u32),
        ("connector_type", u32),
        ("connector_type_id", u32),
        ("connection", u32),
        ("mm_width", u32),
        ("mm_height", u32),
        ("subpixel", u32),
        ("pad", u32),
    ]


class _FbCmd(ctypes.Structure):
    _fields_ = [
        ("fb_id", u32),
        ("width", u32),
        ("height", u32),
        ("pitch", u32),
        ("bpp", u32),
        ("depth", u32),
        ("handle", u32),
    ]


class _FbDirty(ctypes.Structure):
    _fields_ = [
        ("fb_id", u32),
        ("flags", u32),
        ("color", u32),
        ("num_clips", u32),
        ("clips_ptr", u64),
    ]


class _Clip(ctypes.Structure):
    _fields_ = [("x1", u16), ("y1", u16), ("x2", u16), ("y2", u16)]


class _CreateDumb(ctypes.Structure):
    _fields_ = [
        ("height", u32),
        ("width", u32),
        ("bpp", u32),
        ("flags", u32),
        ("handle", u32),
        ("pitch", u32),
        ("size", u64),
    ]


class _MapDumb(ctypes.Structure):
    _fields_ = [("handle", u32), ("pad", u32), ("offset", u64)]


class _GetCap(ctypes.Structure):
    _fields_ = [("capability", u64), ("value", u64)]


def _iowr(number: int, struct) -> int:
    return (3 << 30) | (ctypes.sizeof(struct) << 16) | (ord("d") << 8) | number


GET_CAP = _iowr(0x0C, _GetCap)
GETRESOURCES = _iowr(0xA0, _CardRes)
GETCRTC = _iowr(0xA1, _Crtc)
SETCRTC = _iowr(0xA2, _Crtc)
GETENCODER = _iowr(0xA6, _Encoder)
GETCONNECTOR = _iowr(0xA7, _Connector)
ADDFB = _iowr(0xAE, _FbCmd)
RMFB = _iowr(0xAF, u32)
DIRTYFB = _iowr(0xB1, _FbDirty)
CREATE_DUMB = _iowr(0xB2, _CreateDumb)
MAP_DUMB = _iowr(0xB3, _MapDumb)
CAP_DUMB_BUFFER = 0x1
CONNECTED = 1
MODE_TYPE_PREFERRED = 1 << 3

# <drm/drm_mode.h> DRM_MODE_CONNECTOR_*: how the journal names a connector.
CONNECTOR_TYPES = {
    1: "VGA",
    2: "DVI-I",
    3: "DVI-D",
    4: "DVI-A",
    5: "Composite",
    6: "SVIDEO",
    7: "LVDS",
    8: "Component",
    9: "DIN",
    10: "DP",
    11: "HDMI-A",
    12: "HDMI-B",
    13: "TV",
    14: "eDP",
    15: "Virtual",
    16: "DSI",
    17: "DPI",
    18: "Writeback",
    19: "SPI",
    20: "USB",
}


def _ioctl(fd: int, request: int, arg) -> None:
    fcntl.ioctl(fd, request, arg, True)


def _array(kind, count: int):
    return (kind * max(count, 1))()


def _address(array) -> int:
    return ctypes.addressof(array)


# -- finding a screen ---------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A connected output: its card, connector, CRTC and mode."""

    card: Path
    connector: str  # e.g. "HDMI-A-1"
    connector_id: int
    crtc_id: int
    mode: _ModeInfo

    @property
    def size(self) -> tuple[int, int]:
        return self.mode.hdisplay, self.mode.vdisplay


def _cards() -> list[Path]:
    if not DRI.is_dir():
        raise ScreenUnavailable(
            f"no DRM device ({DRI} is missing)",
            "enable the display driver: on a Raspberry Pi the line dtoverlay=vc4-kms-v3d "
            "in /boot/firmware/config.txt (an SPI or DSI panel: its own dtoverlay line), "
            "then reboot",
        )
    cards = sorted(DRI.glob("card[0-9]*"), key=lambda p: int(p.name[4:]))
    if not cards:
        raise ScreenUnavailable(
            f"no DRM card in {DRI}",
            "enable the display's driver (dtoverlay=vc4-kms-v3d "
            "in /boot/firmware/config.txt on a Raspberry Pi), then reboot",
        )
    return cards


def _open_card(card: Path) -> int:
    try:
        return os.open(card, os.O_RDWR | os.O_CLOEXEC)
    except PermissionError as exc:
        raise ScreenUnavailable(*refused(card, exc, "char-drm")) from None
    except OSError as exc:
        raise ScreenUnavailable(f"cannot open {card}: {exc.strerror}") from None


def _connectors(fd: int, ids) -> list[tuple[_Connector, list[_ModeInfo], list[int]]]:
    found = []
    for connector_id in ids:
        probe = _Connector(connector_id=connector_id)
        _ioctl(fd, GETCONNECTOR, probe)
        # Counts can change between the two calls (a cable plugged in): ask
        # with room for what was said, and keep what fits.
        modes = _array(_ModeInfo, probe.count_modes)
        encoders = _array(u32, probe.count_encoders)
        full = _Connector(
            connector_id=connector_id,
            count_modes=probe.count_modes,
            modes_ptr=_address(modes),
            count_encoders=probe.count_encoders,
            encoders_ptr=_address(encoders),
        )
        _ioctl(fd, GETCONNECTOR, full)
        found.append(
            (
                full,
                list(modes)[: min(full.count_modes, probe.count_modes)],
                list(encoders)[: min(full.count_encoders, probe.count_encoders)],
            )
        )
    return found


def _name(connector: _Connector) -> str:
    kind = CONNECTOR_TYPES.get(connector.connector_type, "Unknown")
    return f"{kind}-{connector.connector_type_id}"


def _find(fd: int, card: Path) -> Found | str:
    """The first connected output of *card*, or why there is none."""
    cap = _GetCap(capability=CAP_DUMB_BUFFER)
    try:
        _ioctl(fd, GET_CAP, cap)
    except OSError:
        cap.value = 0
    if not cap.value:
        return f"{card} cannot make dumb buffers (a render-only device)"
    res = _CardRes()
    try:
        _ioctl(fd, GETRESOURCES, res)
    except OSError as exc:
        return f"{card} has no display outputs ({exc.strerror})"
    crtcs = _array(u32, res.count_crtcs)
    connectors = _array(u32, res.count_connectors)
    encoders = _array(u32, res.count_encoders)
    counts = res.count_crtcs, res.count_connectors, res.count_encoders
    res = _CardRes(
        crtc_id_ptr=_address(crtcs),
        count_crtcs=counts[0],
        connector_id_ptr=_address(connectors),
        count_connectors=counts[1],
        encoder_id_ptr=_address(encoders),
        count_encoders=counts[2],
    )
    _ioctl(fd, GETRESOURCES, res)
    crtc_ids = list(crtcs)[: min(res.count_crtcs, counts[0])]
    seen = []
    for connector, modes, encoder_ids in _connectors(
        fd, list(connectors)[: min(res.count_connectors, counts[1])]
    ):
        name = _name(connector)
        if connector.connection != CONNECTED or not modes:
            seen.append(f"{name} not connected")
            continue
        crtc = _crtc_for(fd, connector, encoder_ids, crtc_ids)
        if crtc is None:
            seen.append(f"{name} has no free display controller")
            continue
        mode = next((m for m in modes if m.type & MODE_TYPE_PREFERRED), modes[0])
        return Found(card, name, connector.connector_id, crtc, mode)
    return f"{card}: no screen connected ({', '.join(seen) or 'no outputs'})"


def _crtc_for(fd: int, connector: _Connector, encoder_ids, crtc_ids) -> int | None:
    """The CRTC already driving *connector*, else the first its encoders can use."""
    ordered = [connector.encoder_id] if connector.encoder_id else []
    ordered += [e for e in encoder_ids if e != connector.encoder_id]
    for encoder_id in ordered:
        encoder = _Encoder(encoder_id=encoder_id)
        try:
            _ioctl(fd, GETENCODER, encoder)
        except OSError:
            continue
        if encoder.crtc_id:
            return encoder.crtc_id
        for bit, crtc_id in enumerate(crtc_ids):
            if encoder.possible_crtcs & (1 << bit):
                return crtc_id
    return None


# -- showing a picture --------------------------------------------------------------


class KmsOutput:
    """One connected screen, showing a 32-bit XRGB8888 dumb buffer."""

    def __init__(self, fd: int, found: Found):
        self._fd = fd
        self.found = found
        self.size = found.size
        width, height = self.size
        dumb = _CreateDumb(width=width, height=height, bpp=32)
        _ioctl(fd, CREATE_DUMB, dumb)
        self.pitch = dumb.pitch
        fb = _FbCmd(
            width=width, height=height, pitch=dumb.pitch, bpp=32, depth=24, handle=dumb.handle
        )
        _ioctl(fd, ADDFB, fb)
        self._fb_id = fb.fb_id
        mapped = _MapDumb(handle=dumb.handle)
        _ioctl(fd, MAP_DUMB, mapped)
        self._map = mmap.mmap(
            fd, dumb.size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=mapped.offset
        )
        self._map.write(bytes(dumb.size))  # black, before it is shown
        self._saved = _Crtc(crtc_id=found.crtc_id)
        _ioctl(fd, GETCRTC, self._saved)
        self._connector = u32(found.connector_id)
        crtc = _Crtc(
            crtc_id=found.crtc_id,
            fb_id=self._fb_id,
            mode_valid=1,
            mode=found.mode,
            set_connectors_ptr=ctypes.addressof(self._connector),
            count_connectors=1,
        )
        try:
            _ioctl(fd, SETCRTC, crtc)
        except OSError as exc:
            self.close()
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
                raise ScreenUnavailable(
                    f"another program drives {found.card} (it is the display's DRM master)",
                    "stop it (a desktop session, another kiosk program), or set "
                    'screen.output = "sdl" to draw in its window',
                ) from None
            raise ScreenUnavailable(
                f"cannot show a picture on {found.connector}: {exc.strerror}"
            ) from None
        self._dirty = True  # whether DIRTYFB is needed (and works) on this driver

    @classmethod
    def open(cls, card: str | None = None) -> KmsOutput:
        """The first connected screen (of *card*, or of every card in turn)."""
        cards = [Path(card)] if card else _cards()
        reasons = []
        for path in cards:
            fd = _open_card(path)
            try:
                found = _find(fd, path)
            except OSError as exc:
                found = f"{path}: {exc.strerror}"
            if isinstance(found, Found):
                try:
                    return cls(fd, found)
                except OSError as exc:
                    os.close(fd)
                    raise ScreenUnavailable(
                        f"cannot set up {found.connector} on {path}: {exc.strerror}"
                    ) from None
            os.close(fd)
            reasons.append(found)
        raise ScreenUnavailable(
            "; ".join(reasons),
            "connect the screen and switch it on before the service starts; an SPI or "
            "DSI panel needs its dtoverlay line in /boot/firmware/config.txt",
        )

    def describe(self) -> str:
        """``"800x480 on Virtual-1 (/dev/dri/card0, KMS)"``."""
        width, height = self.size
        return f"{width}x{height} on {self.found.connector} ({self.found.card}, KMS)"

    def show(self, frame, row_bytes: int, rows: tuple[int, int] | None = None) -> None:
        """Copy *frame* (a buffer of rows of *row_bytes*, XRGB8888, the
        output's size) to the screen: all of it, or the *rows* from first to
        before last."""
        first, last = rows or (0, self.size[1])
        if last <= first:
            return
        view = memoryview(frame).cast("B")
        if row_bytes == self.pitch:
            self._map[first * row_bytes : last * row_bytes] = view[
                first * row_bytes : last * row_bytes
            ]
        else:
            for row in range(first, last):
                start = row * self.pitch
                self._map[start : start + row_bytes] = view[row * row_bytes : (row + 1) * row_bytes]
        if self._dirty:  # drivers that scan out a copy (virtio-gpu, SPI panels) need telling
            clip = _Clip(0, first, self.size[0], last)
            try:
                _ioctl(
                    self._fd,
                    DIRTYFB,
                    _FbDirty(fb_id=self._fb_id, num_clips=1, clips_ptr=ctypes.addressof(clip)),
                )
            except OSError:
                self._dirty = False  # the driver scans the buffer itself

    def close(self) -> None:
        """Give the screen back (the console's picture returns)."""
        if self._fd < 0:
            return
        if getattr(self, "_map", None) is not None:
            self._map.close()
        if self._saved.mode_valid and self._saved.fb_id:
            connector = u32(self.found.connector_id)
            self._saved.set_connectors_ptr = ctypes.addressof(connector)
            self._saved.count_connectors = 1
            with contextlib.suppress(OSError):  # the kernel restores it as the device closes
                _ioctl(self._fd, SETCRTC, self._saved)
        with contextlib.suppress(OSError):
            _ioctl(self._fd, RMFB, u32(self._fb_id))
        os.close(self._fd)
        self._fd = -1
