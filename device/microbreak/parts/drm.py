"""The kernel's DRM interface, the parts the KMS output uses: the structures
of <drm/drm.h> and <drm/drm_mode.h> as ctypes, their ioctl request numbers,
the connector names the journal uses, and the call that sends one."""

from __future__ import annotations

import ctypes
import fcntl

u16, u32, u64 = ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint64


class CardRes(ctypes.Structure):
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


class ModeInfo(ctypes.Structure):
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


class Crtc(ctypes.Structure):
    _fields_ = [
        ("set_connectors_ptr", u64),
        ("count_connectors", u32),
        ("crtc_id", u32),
        ("fb_id", u32),
        ("x", u32),
        ("y", u32),
        ("gamma_size", u32),
        ("mode_valid", u32),
        ("mode", ModeInfo),
    ]


class Encoder(ctypes.Structure):
    _fields_ = [
        ("encoder_id", u32),
        ("encoder_type", u32),
        ("crtc_id", u32),
        ("possible_crtcs", u32),
        ("possible_clones", u32),
    ]


class Connector(ctypes.Structure):
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


class FbCmd(ctypes.Structure):
    _fields_ = [
        ("fb_id", u32),
        ("width", u32),
        ("height", u32),
        ("pitch", u32),
        ("bpp", u32),
        ("depth", u32),
        ("handle", u32),
    ]


class FbDirty(ctypes.Structure):
    _fields_ = [
        ("fb_id", u32),
        ("flags", u32),
        ("color", u32),
        ("num_clips", u32),
        ("clips_ptr", u64),
    ]


class Clip(ctypes.Structure):
    _fields_ = [("x1", u16), ("y1", u16), ("x2", u16), ("y2", u16)]


class CreateDumb(ctypes.Structure):
    _fields_ = [
        ("height", u32),
        ("width", u32),
        ("bpp", u32),
        ("flags", u32),
        ("handle", u32),
        ("pitch", u32),
        ("size", u64),
    ]


class MapDumb(ctypes.Structure):
    _fields_ = [("handle", u32), ("pad", u32), ("offset", u64)]


class GetCap(ctypes.Structure):
    _fields_ = [("capability", u64), ("value", u64)]


def _iowr(number: int, struct) -> int:
    return (3 << 30) | (ctypes.sizeof(struct) << 16) | (ord("d") << 8) | number


GET_CAP = _iowr(0x0C, GetCap)
GETRESOURCES = _iowr(0xA0, CardRes)
GETCRTC = _iowr(0xA1, Crtc)
SETCRTC = _iowr(0xA2, Crtc)
GETENCODER = _iowr(0xA6, Encoder)
GETCONNECTOR = _iowr(0xA7, Connector)
ADDFB = _iowr(0xAE, FbCmd)
RMFB = _iowr(0xAF, u32)
DIRTYFB = _iowr(0xB1, FbDirty)
CREATE_DUMB = _iowr(0xB2, CreateDumb)
MAP_DUMB = _iowr(0xB3, MapDumb)
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


def ioctl(fd: int, request: int, arg) -> None:
    fcntl.ioctl(fd, request, arg, True)


def array(kind, count: int):
    return (kind * max(count, 1))()


def address(values) -> int:
    return ctypes.addressof(values)
