"""The control socket: a real Unix socket, its permissions, and the errors people see."""

import grp
import json
import os
import pwd
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import pytest

from microbreak.control import (SOCKET_NAME, AccessDenied, ControlError, ControlServer,
                                NotRunning, call, peer_credentials, peer_groups, runtime_dir)
from stranger import as_nobody, needs_root


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
    with pytest.raises(NotRunning) as caught:
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


@pytest.fixture
def open_folder():
    """A folder anyone may enter (pytest's own are private to root), with a
    server whose only secret is its answer."""
    folder = Path(tempfile.mkdtemp(prefix="microbreak-control-"))
    os.chmod(folder, 0o755)  # the folder is open; only the socket keeps strangers out
    srv = ControlServer(folder / SOCKET_NAME, lambda verb, args: "secret")
    srv.start()
    yield folder, srv
    srv.close()
    shutil.rmtree(folder)


def test_a_stranger_is_refused_by_the_socket_mode_and_told_about_sudo_and_the_group(
        open_folder):
    folder, srv = open_folder
    if os.geteuid() == 0:
        answer = as_nobody(lambda: call("status", runtime=folder))
        user = "nobody"
    else:
        os.chmod(srv.path, 0)  # an owner without rights is refused the same way
        try:
            answer = str(pytest.raises(ControlError, call, "status", runtime=folder).value)
        finally:
            os.chmod(srv.path, 0o660)
        user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.stat(srv.path).st_gid).gr_name
    assert "secret" not in answer
    assert "AccessDenied" in answer or os.geteuid() != 0
    assert f"permission denied on {srv.path}" in answer
    assert f"only root and members of the group '{group}'" in answer
    assert "with sudo" in answer and f"'sudo usermod -aG {group} {user}'" in answer


@needs_root
def test_the_peer_check_refuses_a_stranger_even_when_the_socket_mode_lets_them_in(
        open_folder, caplog):
    folder, srv = open_folder
    os.chmod(srv.path, 0o666)  # someone loosened it
    answer = as_nobody(lambda: call("status", runtime=folder))
    assert "secret" not in answer
    assert answer.startswith("AccessDenied: permission denied")
    assert "'sudo usermod -aG root nobody'" in answer
    assert "refused nobody (uid 65534" in caplog.text


@needs_root
def test_members_of_the_socket_s_group_get_in(open_folder):
    folder, srv = open_folder
    assert as_nobody(lambda: call("status", runtime=folder),
                     groups=[os.stat(srv.path).st_gid]) == "returned: 'secret'"


def test_who_is_allowed():
    srv = ControlServer(Path("/nonexistent/control.sock"), lambda verb, args: None)
    srv.group = 4242
    assert srv.allows(0, set())  # root
    assert srv.allows(os.geteuid(), set())  # the service's own user
    assert srv.allows(12345, {100, 4242})  # a member of the group
    assert not srv.allows(12345, {100})


def test_peer_credentials_are_the_caller_s(server, tmp_path):
    srv, _ = server
    with socket.socket(socket.AF_UNIX) as conn:
        conn.connect(str(srv.path))
        accepted = conn  # credentials are symmetric: check our own end
        pid, uid, gid = peer_credentials(accepted)
        assert (pid, uid, gid) == (os.getpid(), os.geteuid(), os.getegid())
        assert peer_groups(accepted, uid, gid) == set(os.getgroups())


def test_runtime_dir_order(monkeypatch, tmp_path):
    monkeypatch.delenv("MICROBREAK_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("RUNTIME_DIRECTORY", f"{tmp_path}/sd:/other")
    assert runtime_dir() == tmp_path / "sd"
    monkeypatch.setenv("MICROBREAK_RUNTIME_DIR", str(tmp_path / "env"))
    assert runtime_dir() == tmp_path / "env"
    assert runtime_dir(tmp_path / "flag") == tmp_path / "flag"
