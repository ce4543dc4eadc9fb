"""Run a function as another user: nobody (uid 65534), not in root's groups."""

import os

import pytest

NOBODY = 65534

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to take a second uid")


def as_nobody(function, groups=()) -> str:
    """Call *function* in a child process running as uid/gid 65534 with the
    supplementary *groups*; return what it returned, or its error, as text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setgroups(list(groups))
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            try:
                answer = f"returned: {function()!r}"
            except Exception as exc:  # noqa: BLE001 - the parent asserts on it
                answer = f"{type(exc).__name__}: {exc}"
            os.write(write_end, answer.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return answer
