"""Callers that try to use up the control socket, each in a child process of
its own (a second user, as root can make one), holding its connections until
told to let go."""

from __future__ import annotations

import os
import resource
import select
import signal
import socket
import time
from pathlib import Path

NOBODY = 65534


def connect(path: str, within: float) -> socket.socket | None:
    """A connection to *path*, waiting up to *within* seconds while the
    listening socket's backlog is full (a Unix socket says EAGAIN at once)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        conn = socket.socket(socket.AF_UNIX)
        conn.setblocking(False)
        try:
            conn.connect(path)
        except BlockingIOError:
            conn.close()
            time.sleep(0.005)
            continue
        return conn
    return None


class Crowd:
    """*count* connections to the socket in *folder*, made by a child running
    as uid *uid* in the socket's group *gid* (a member, as the issue's
    caller was). Each sends *send* (nothing: it connects and waits), a byte
    every *drip* seconds if given. ``answered`` counts connections the
    service answered (a refusal, or cut off at its deadline) within *within*
    seconds of connecting them all."""

    def __init__(
        self,
        folder: Path,
        count: int,
        *,
        uid: int = NOBODY,
        gid: int | None = None,
        drip: float | None = None,
        within: float = 3.0,
    ):
        self.read_end, write_end = os.pipe()
        gid = os.stat(folder / "control.sock").st_gid if gid is None else gid
        self.pid = os.fork()
        if self.pid == 0:  # the crowd
            try:
                os.close(self.read_end)
                resource.setrlimit(resource.RLIMIT_NOFILE, (count + 64, count + 64))
                os.chdir(folder)  # then a relative path: no need to enter the folders above
                os.setgroups([gid])
                os.setgid(gid)
                os.setuid(uid)
                conns = []
                for _ in range(count):
                    conn = connect("control.sock", within=2)
                    if conn is None:  # nobody accepts any more: the socket is dead
                        break
                    conns.append(conn)
                answered, deadline = set(), time.monotonic() + within
                while time.monotonic() < deadline:
                    for conn in conns:
                        conn.setblocking(False)
                        try:
                            if conn.recv(4096) is not None:
                                answered.add(conn)
                        except BlockingIOError:
                            pass
                        except OSError:
                            answered.add(conn)
                    if drip is not None:
                        for conn in conns:
                            if conn not in answered:
                                try:
                                    conn.send(b" ")
                                except OSError:
                                    answered.add(conn)
                    time.sleep(drip or 0.1)
                os.write(write_end, f"{len(conns)} {len(answered)}\n".encode())
                signal.pause()  # hold every connection until killed
            finally:
                os._exit(0)
        os.close(write_end)

    def result(self, timeout: float = 60) -> tuple[int, int]:
        """(connections made, connections the service answered or closed)."""
        with os.fdopen(self.read_end) as pipe:
            if not select.select([pipe], [], [], timeout)[0]:
                return -1, -1  # still connecting: the service stopped accepting
            made, answered = pipe.readline().split()
        return int(made), int(answered)

    def leave(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
