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
import mmap
import os
from dataclasses import dataclass
from pathlib import Path

from microbreak.parts import drm
from microbreak.parts.access import refused

DRI = Path("/dev/dri")


class ScreenUnavailable(RuntimeError):
    """The screen cannot be used: *reason* says why, *fix* what to do."""

    def __init__(self, reason: str, fix: str = ""):
        super().__init__(f"{reason}; {fix}" if fix else reason)
        self.reason = reason
        self.fix = fix


# -- finding a screen ---------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A connected output: its card, connector, CRTC and mode."""

    card: Path
    connector: str  # e.g. "HDMI-A-1"
    connector_id: int
    crtc_id: int
    mode: drm.ModeInfo

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


def _connectors(fd: int, ids) -> list[tuple[drm.Connector, list[drm.ModeInfo], list[int]]]:
    found = []
    for connector_id in ids:
        probe = drm.Connector(connector_id=connector_id)
        drm.ioctl(fd, drm.GETCONNECTOR, probe)
        # Counts can change between the two calls (a cable plugged in): ask
        # with room for what was said, and keep what fits.
        modes = drm.array(drm.ModeInfo, probe.count_modes)
        encoders = drm.array(drm.u32, probe.count_encoders)
        full = drm.Connector(
            connector_id=connector_id,
            count_modes=probe.count_modes,
            modes_ptr=drm.address(modes),
            count_encoders=probe.count_encoders,
            encoders_ptr=drm.address(encoders),
        )
        drm.ioctl(fd, drm.GETCONNECTOR, full)
        found.append(
            (
                full,
                list(modes)[: min(full.count_modes, probe.count_modes)],
                list(encoders)[: min(full.count_encoders, probe.count_encoders)],
            )
        )
    return found


def _name(connector: drm.Connector) -> str:
    kind = drm.CONNECTOR_TYPES.get(connector.connector_type, "Unknown")
    return f"{kind}-{connector.connector_type_id}"


def _find(fd: int, card: Path) -> Found | str:
    """The first connected output of *card*, or why there is none."""
    cap = drm.GetCap(capability=drm.CAP_DUMB_BUFFER)
    try:
        drm.ioctl(fd, drm.GET_CAP, cap)
    except OSError:
        cap.value = 0
    if not cap.value:
        return f"{card} cannot make dumb buffers (a render-only device)"
    res = drm.CardRes()
    try:
        drm.ioctl(fd, drm.GETRESOURCES, res)
    except OSError as exc:
        return f"{card} has no display outputs ({exc.strerror})"
    crtcs = drm.array(drm.u32, res.count_crtcs)
    connectors = drm.array(drm.u32, res.count_connectors)
    encoders = drm.array(drm.u32, res.count_encoders)
    counts = res.count_crtcs, res.count_connectors, res.count_encoders
    res = drm.CardRes(
        crtc_id_ptr=drm.address(crtcs),
        count_crtcs=counts[0],
        connector_id_ptr=drm.address(connectors),
        count_connectors=counts[1],
        encoder_id_ptr=drm.address(encoders),
        count_encoders=counts[2],
    )
    drm.ioctl(fd, drm.GETRESOURCES, res)
    crtc_ids = list(crtcs)[: min(res.count_crtcs, counts[0])]
    seen = []
    for connector, modes, encoder_ids in _connectors(
        fd, list(connectors)[: min(res.count_connectors, counts[1])]
    ):
        name = _name(connector)
        if connector.connection != drm.CONNECTED or not modes:
            seen.append(f"{name} not connected")
            continue
        crtc = _crtc_for(fd, connector, encoder_ids, crtc_ids)
        if crtc is None:
            seen.append(f"{name} has no free display controller")
            continue
        mode = next((m for m in modes if m.type & drm.MODE_TYPE_PREFERRED), modes[0])
        return Found(card, name, connector.connector_id, crtc, mode)
    return f"{card}: no screen connected ({', '.join(seen) or 'no outputs'})"


def _crtc_for(fd: int, connector: drm.Connector, encoder_ids, crtc_ids) -> int | None:
    """The CRTC already driving *connector*, else the first its encoders can use."""
    ordered = [connector.encoder_id] if connector.encoder_id else []
    ordered += [e for e in encoder_ids if e != connector.encoder_id]
    for encoder_id in ordered:
        encoder = drm.Encoder(encoder_id=encoder_id)
        try:
            drm.ioctl(fd, drm.GETENCODER, encoder)
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
        dumb = drm.CreateDumb(width=width, height=height, bpp=32)
        drm.ioctl(fd, drm.CREATE_DUMB, dumb)
        self.pitch = dumb.pitch
        fb = drm.FbCmd(
            width=width, height=height, pitch=dumb.pitch, bpp=32, depth=24, handle=dumb.handle
        )
        drm.ioctl(fd, drm.ADDFB, fb)
        self._fb_id = fb.fb_id
        mapped = drm.MapDumb(handle=dumb.handle)
        drm.ioctl(fd, drm.MAP_DUMB, mapped)
        self._map = mmap.mmap(
            fd, dumb.size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=mapped.offset
        )
        black = bytes(dumb.pitch)  # a row at a time: no block of the screen's size
        for _ in range(height):
            self._map.write(black)
        self._saved = drm.Crtc(crtc_id=found.crtc_id)
        drm.ioctl(fd, drm.GETCRTC, self._saved)
        self._connector = drm.u32(found.connector_id)
        crtc = drm.Crtc(
            crtc_id=found.crtc_id,
            fb_id=self._fb_id,
            mode_valid=1,
            mode=found.mode,
            set_connectors_ptr=ctypes.addressof(self._connector),
            count_connectors=1,
        )
        try:
            drm.ioctl(fd, drm.SETCRTC, crtc)
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
            clip = drm.Clip(0, first, self.size[0], last)
            try:
                drm.ioctl(
                    self._fd,
                    drm.DIRTYFB,
                    drm.FbDirty(fb_id=self._fb_id, num_clips=1, clips_ptr=ctypes.addressof(clip)),
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
            connector = drm.u32(self.found.connector_id)
            self._saved.set_connectors_ptr = ctypes.addressof(connector)
            self._saved.count_connectors = 1
            with contextlib.suppress(OSError):  # the kernel restores it as the device closes
                drm.ioctl(self._fd, drm.SETCRTC, self._saved)
        with contextlib.suppress(OSError):
            drm.ioctl(self._fd, drm.RMFB, drm.u32(self._fb_id))
        os.close(self._fd)
        self._fd = -1
