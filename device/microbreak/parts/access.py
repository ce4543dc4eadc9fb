"""Why a device node could not be opened, in words: the service's sandbox
(the unit's ``DeviceAllow=``) or the node's group. The screen and the
speaker say it the same way::

    >>> import errno
    >>> refused(Path("/dev/snd/controlC0"), PermissionError(errno.EPERM, "x"), "char-alsa")[0]
    "opening /dev/snd/controlC0 was refused by the service's sandbox"
"""

from __future__ import annotations

import errno
import grp
import os
import pwd
from pathlib import Path


def refused(node: Path, error: PermissionError, device_class: str) -> tuple[str, str]:
    """(why, what to do) for *error* from opening *node*, a device of the
    unit's *device_class* (``char-drm``, ``char-alsa``)."""
    if error.errno == errno.EPERM:  # the devices cgroup says no before the file mode
        return (
            f"opening {node} was refused by the service's sandbox",
            f"the unit needs 'DeviceAllow={device_class} rw' (as deploy/microbreak.service "
            "has it); check 'systemctl cat microbreak' for a drop-in that removes it",
        )
    group = _group_of(node)
    return (
        f"permission denied opening {node} (group {group})",
        f"add the service's user to that group: sudo usermod -aG {group} {_user()}, "
        "then restart it",
    )


def _group_of(path: Path) -> str:
    try:
        return grp.getgrgid(path.stat().st_gid).gr_name
    except (KeyError, OSError):
        return "its group"


def _user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())
