"""Making the control socket's file so that no one else can take its place:
in a folder that is the service user's alone, reached through the folder
opened once (no path followed twice), born 0660, and never over a file that
is not a socket or a socket another microbreak still answers on."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

from microbreak.service.control.client import ControlError
from microbreak.service.control.peers import group_name, user_name


def bind(path: Path) -> tuple[socket.socket, int]:
    """A socket bound at *path*, and the group of its file (its members get
    in). *path*'s folder must be the service user's alone: a folder someone
    else may write to could have its socket swapped. The socket is made 0660
    as it is bound (the umask), and is reached through the folder opened
    once, so no path is followed twice."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        why = "it is a symbolic link" if folder.is_symlink() else exc.strerror
        raise ControlError(
            f"refusing to serve from {folder}: {why}; allowed: {_FOLDER_ALLOWED}"
        ) from None
    try:
        _check_folder(folder, os.fstat(dir_fd))
        name = path.name
        here = _through(dir_fd, name)
        try:
            found = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            found = None
        if found is not None:
            if not stat.S_ISSOCK(found.st_mode):
                raise ControlError(
                    f"refusing to serve: {path} is there and is not "
                    "a socket; allowed: nothing there, or the socket of a "
                    "microbreak that stopped"
                )
            if _answers(here):
                raise ControlError(
                    f"another microbreak is already running (it answers on {path}); stop it first"
                )
            os.unlink(name, dir_fd=dir_fd)  # left over from a process that died
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o117)  # born 0660: no moment with a wider mode
        try:
            sock.bind(here)
        finally:
            os.umask(old_umask)
        group = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_gid
    finally:
        os.close(dir_fd)
    return sock, group


_FOLDER_ALLOWED = (
    "a folder owned by the service's user that no one else may write to "
    "(systemd's RuntimeDirectory= makes one)"
)


def _check_folder(folder: Path, st: os.stat_result) -> None:
    """Refuse a socket folder someone other than this process's user could
    change: they could swap the socket (and take root's requests) or its path."""
    if st.st_uid != os.geteuid():
        raise ControlError(
            f"refusing to serve from {folder}: it belongs to "
            f"{user_name(st.st_uid)}, not to {user_name(os.geteuid())}; "
            f"allowed: {_FOLDER_ALLOWED}"
        )
    if st.st_mode & 0o022:
        who = "anyone" if st.st_mode & 0o002 else f"the group {group_name(st.st_gid)}"
        raise ControlError(
            f"refusing to serve from {folder}: {who} may write to it (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); allowed: {_FOLDER_ALLOWED}"
        )


def _through(dir_fd: int, name: str) -> str:
    """*name* in the folder open as *dir_fd*, as a path that cannot lead elsewhere
    if the folder's own path is swapped meanwhile."""
    return f"/proc/self/fd/{dir_fd}/{name}" if os.path.isdir("/proc/self/fd") else name


def _answers(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True
