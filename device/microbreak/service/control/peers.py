"""Who is at the other end of a connection, in the kernel's word, and the
names of users and groups for messages."""

from __future__ import annotations

import errno
import grp
import os
import pwd
import socket
import struct

# Linux's getsockopt option for a Unix socket peer's groups (since 4.13);
# Python only names it from 3.13.
SO_PEERGROUPS = getattr(socket, "SO_PEERGROUPS", 59)


def peer_credentials(conn: socket.socket) -> tuple[int, int, int]:
    """The connected process's ``(pid, uid, gid)``, from the kernel."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)


def peer_groups(conn: socket.socket, uid: int, gid: int) -> set[int]:
    """The connected process's supplementary groups: from the kernel where it
    tells (``SO_PEERGROUPS``), else from the group database for *uid*."""
    size = 256 * 4
    while size <= 65536 * 4:
        try:
            raw = conn.getsockopt(socket.SOL_SOCKET, SO_PEERGROUPS, size)
        except OSError as exc:
            if exc.errno == errno.ERANGE:  # more groups than fit: ask again with room
                size *= 4
                continue
            break
        return set(struct.unpack(f"{len(raw) // 4}I", raw))
    try:
        return set(os.getgrouplist(pwd.getpwuid(uid).pw_name, gid))
    except KeyError:
        return set()


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def group_name(gid: int | None) -> str:
    if gid is None:
        return "microbreak"
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
