"""The control socket: a real Unix socket, its permissions, and the errors people see."""

import json
import os
import socket
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from microbreak.control import SOCKET_NAME, ControlError, ControlServer, call, runtime_dir


@pytest.fixture
def server(tmp_path):
    seen = []

    def handle(verb, args):
        seen.append((verb, args))
        if verb == "refuse":
            raise ControlError("not now")
        return {"echo": verb, "args": args}

    srv = ControlServer(tmp_path / SOCKET_NAME, handle)
    srv.start()
    yield srv, seen
    srv.close()


def test_request_and_answer(server, tmp_path):
    srv, seen = server
    assert call("status", {"n": 1}, runtime=tmp_path) == {"echo": "status", "args": {"n": 1}}
    assert seen == [("status", {"n": 1})]


def test_a_refusal_reaches_the_caller(server, tmp_path):
    with pytest.raises(ControlError, match="not now"):
        call("refuse", runtime=tmp_path)


def test_socket_is_only_for_owner_and_group(server):
    srv, _ = server
    mode = stat.S_IMODE(os.stat(srv.path).st_mode)
    assert mode == 0o660


def test_garbage_gets_a_clear_error_not_a_crash(server, tmp_path):
    srv, _ = server
    with socket.socket(socket.AF_UNIX) as conn:
        conn.connect(str(srv.path))
        conn.sendall(b"hello\n")
        reply = json.loads(conn.makefile().readline())
    assert reply["ok"] is False and "bad request" in reply["error"]
    assert call("status", runtime=tmp_path)["echo"] == "status"  # still serving


def test_no_service_says_how_to_start_one(tmp_path):
    with pytest.raises(ControlError) as caught:
        call("status", runtime=tmp_path)
    message = str(caught.value)
    assert "not running" in message and "systemctl start microbreak" in message
    assert "microbreak simulate" in message


def test_a_stale_socket_is_replaced_and_a_live_one_refused(tmp_path):
    path = tmp_path / SOCKET_NAME
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens: a crashed service
    first = ControlServer(path, lambda verb, args: "first")
    first.start()
    try:
        with pytest.raises(ControlError, match="already running"):
            ControlServer(path, lambda verb, args: "second").start()
        assert call("x", runtime=tmp_path) == "first"
    finally:
        first.close()
    assert not path.exists()


def test_a_stranger_is_refused_and_told_about_sudo_and_the_group():
    """Someone neither root nor in the socket's group cannot get in."""
    folder = tempfile.mkdtemp(prefix="microbreak-control-")
    os.chmod(folder, 0o755)  # the folder is open; only the socket's own mode keeps them out
    srv = ControlServer(Path(folder) / SOCKET_NAME, lambda verb, args: "secret")
    srv.start()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the stranger
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            else:
                os.chmod(srv.path, 0)  # an owner without rights is refused the same way
            try:
                answer = repr(call("status", runtime=folder))
            except ControlError as exc:
                answer = str(exc)
            os.write(write_end, answer.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    srv.close()
    shutil.rmtree(folder)
    assert "secret" not in answer
    assert "permission denied" in answer
    assert "sudo" in answer and "usermod -aG microbreak" in answer


def test_runtime_dir_order(monkeypatch, tmp_path):
    monkeypatch.delenv("MICROBREAK_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("RUNTIME_DIRECTORY", f"{tmp_path}/sd:/other")
    assert runtime_dir() == tmp_path / "sd"
    monkeypatch.setenv("MICROBREAK_RUNTIME_DIR", str(tmp_path / "env"))
    assert runtime_dir() == tmp_path / "env"
    assert runtime_dir(tmp_path / "flag") == tmp_path / "flag"
