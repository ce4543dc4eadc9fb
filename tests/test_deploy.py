"""deploy/: the systemd unit verifies clean and is hardened; install.sh lays down
the same files on every run and takes away only what it added.

install.sh runs with --root into a temporary directory: no apt-get, no users,
no systemctl, nothing touched outside that directory.
"""

import hashlib
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "microbreak.service"
NETWORK_UNIT = ROOT / "deploy" / "microbreak-mqtt.service"
INSTALL = ROOT / "deploy" / "install.sh"
EXAMPLE = ROOT / "deploy" / "config.toml"
COMMAND_TARGET = "/opt/microbreak/venv/bin/microbreak"

needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (Debian package 'systemd')",
)


def clean_env(**extra) -> dict:
    """The environment without this test run's PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra)
    return env


def install(root: Path, *args: str, env: dict | None = None, expect: int = 0):
    """Runs ``sh deploy/install.sh --root ROOT ARGS`` and checks its exit code."""
    run = subprocess.run(
        ["sh", str(INSTALL), "--root", str(root), *args],
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == expect, run.stdout + run.stderr
    return run


def listing(root: Path, times: bool = True) -> dict[str, tuple]:
    """Every path under *root*: its kind and mode, and a checksum (files), its
    target (symlinks), and with *times* its modification time."""
    entries = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                what = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                what = ("dir", stat.S_IMODE(info.st_mode))
            else:
                what = (
                    "file",
                    stat.S_IMODE(info.st_mode),
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                )
            if times and not stat.S_ISLNK(info.st_mode):
                what += (info.st_mtime_ns,)
            entries[str(path.relative_to(root))] = what
    return entries


def a_pi(root: Path) -> Path:
    """The folders a Raspberry Pi OS system has, and a few files of its own."""
    for folder in ("etc/systemd/system", "usr/local/bin", "opt", "var/lib"):
        (root / folder).mkdir(parents=True)
    (root / "etc/hostname").write_text("deskpi\n")
    (root / "etc/systemd/system/other.service").write_text("[Service]\nExecStart=/bin/true\n")
    (root / "usr/local/bin/other").write_text("#!/bin/sh\n")
    return root


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A Pi's tree with microbreak installed, venv included.

    The venv is made from this Python and the package installed from this
    checkout without downloading: ``--offline`` (no index, no dependencies, no
    build isolation), hatchling found through PYTHONPATH.
    """
    root = a_pi(tmp_path_factory.mktemp("pi"))
    env = offline_env()
    run = install(root, "--offline", env=env)
    return root, env, run.stdout


def offline_env(**extra) -> dict:
    """The environment ``install.sh --offline`` needs, as :func:`installed` says."""
    hatchling = importlib.util.find_spec("hatchling")
    if hatchling is None:
        pytest.skip("hatchling (the build backend, in the 'test' extra) is not installed")
    site = str(Path(hatchling.submodule_search_locations[0]).parent)
    return clean_env(PYTHON=sys.executable, PYTHONPATH=site, **extra)


@pytest.mark.slow
def test_install_lays_down_the_unit_venv_settings_and_command(installed):
    root, env, output = installed
    unit = root / "etc/systemd/system/microbreak.service"
    assert unit.read_bytes() == UNIT.read_bytes()
    network = root / "etc/systemd/system/microbreak-mqtt.service"
    assert network.read_bytes() == NETWORK_UNIT.read_bytes()
    assert stat.S_IMODE(unit.stat().st_mode) == 0o644
    assert (root / "etc/microbreak/config.toml").read_bytes() == EXAMPLE.read_bytes()
    assert (root / "opt/microbreak/config.example.toml").read_bytes() == EXAMPLE.read_bytes()
    assert os.readlink(root / "usr/local/bin/microbreak") == COMMAND_TARGET

    venv = root / "opt/microbreak/venv"
    assert "include-system-site-packages = true" in (venv / "pyvenv.cfg").read_text()
    # The installed command runs the package in the venv, not this checkout's,
    # and accepts the example settings. (--offline installed no dependencies:
    # they come from this test run's environment, as the build backend did.)
    where = subprocess.run(
        [venv / "bin/python", "-c", "import microbreak; print(microbreak.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(venv))
    check = subprocess.run(
        [venv / "bin/microbreak", "config", "check", root / "etc/microbreak/config.toml"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    # Nothing was done to this machine.
    for left_out in ("apt-get install", "useradd", "systemctl daemon-reload", "systemctl enable"):
        assert f"--root: not run: {left_out}" in output


@pytest.mark.slow
def test_a_second_install_changes_nothing(installed):
    root, env, _ = installed
    before = listing(root)
    run = install(root, "--offline", env=env)
    assert listing(root) == before
    assert "nothing to change" in run.stdout
    assert "installed /" not in run.stdout


@needs_systemd_analyze
@pytest.mark.slow
def test_the_installed_unit_verifies_clean(installed, tmp_path):
    """``systemd-analyze verify`` with the installed tree as its root: it looks
    for the ExecStart command and the units it depends on under that root, so
    the host's own units are copied in beside microbreak's."""
    units = next(
        (
            Path(d)
            for d in ("/usr/lib/systemd/system", "/lib/systemd/system")
            if Path(d, "sysinit.target").exists()
        ),
        None,
    )
    if units is None:
        pytest.skip("no systemd units on this machine")
    root = tmp_path / "root"
    shutil.copytree(installed[0], root, symlinks=True)
    shutil.copytree(units, root / "usr/lib/systemd/system", symlinks=True, dirs_exist_ok=True)

    def verify():
        return subprocess.run(
            [
                "systemd-analyze",
                "verify",
                f"--root={root}",
                "microbreak.service",
                "microbreak-mqtt.service",
            ],
            capture_output=True,
            text=True,
        )

    run = verify()
    assert (run.returncode, run.stdout + run.stderr) == (0, "")
    # And it does look: without the command, it complains.
    (root / "opt/microbreak/venv/bin/microbreak").unlink()
    run = verify()
    assert run.returncode != 0 and f"{COMMAND_TARGET} is not executable" in run.stderr


def exposure(unit: Path) -> float:
    """``systemd-analyze security``'s overall exposure of *unit* (0-10)."""
    run = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    found = re.search(rf"Overall exposure level for {re.escape(unit.name)}: (\d+\.\d+)", run.stdout)
    assert found, run.stdout
    print(f"systemd-analyze security {unit.name}: overall exposure {found.group(1)}")
    return float(found.group(1))


@needs_systemd_analyze
def test_the_unit_exposure_is_at_most_2_and_stays_05_with_no_network():
    assert exposure(UNIT) == 0.5
    unit = UNIT.read_text()
    for line in ("PrivateNetwork=yes", "IPAddressDeny=any", "RestrictAddressFamilies=AF_UNIX"):
        assert f"\n{line}\n" in unit, f"the service lost {line}"


@needs_systemd_analyze
def test_the_network_units_exposure_is_at_most_2():
    assert exposure(NETWORK_UNIT) <= 2.0
    unit = NETWORK_UNIT.read_text()
    assert "\nUser=microbreak-mqtt\n" in unit and "\nSupplementaryGroups=microbreak\n" in unit
    assert "\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n" in unit
    assert "\nCapabilityBoundingSet=\n" in unit and "\nProtectSystem=strict\n" in unit


@pytest.mark.slow
def test_on_32_bit_arm_with_a_64_bit_kernel_pip_sees_a_32_bit_machine(tmp_path):
    """32-bit Raspberry Pi OS runs a 64-bit kernel on a Pi 4 or 5, so 'uname -m'
    says aarch64: pip runs under linux32, its platform_machine is then armv8l,
    and pyproject.toml leaves pygame-ce out (tests/test_packaging.py)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    log = tmp_path / "setarch.log"
    for name, body in [
        ("dpkg", "echo armhf"),
        ("uname", "echo aarch64"),
        ("setarch", f'echo "$*" >>{log}; shift; exec "$@"'),
    ]:
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    env = offline_env(PATH=f"{fake}:{os.environ['PATH']}")
    install(a_pi(tmp_path / "pi"), "--offline", env=env)
    assert log.read_text().startswith(
        f"linux32 {tmp_path}/pi/opt/microbreak/venv/bin/python -m pip install"
    )


def test_uninstall_leaves_what_was_there_and_the_changed_settings(tmp_path):
    root = a_pi(tmp_path / "pi")
    before = listing(root, times=False)
    install(root, "--no-venv")
    settings = root / "etc/microbreak/config.toml"
    settings.write_text(
        settings.read_text().replace("interval_minutes = 45", "interval_minutes = 30")
    )
    history = root / "var/lib/microbreak"  # what systemd's StateDirectory= makes
    history.mkdir()
    (history / "history.sqlite").write_bytes(b"breaks")

    run = install(root, "--uninstall")
    assert "kept your settings" in run.stdout and "kept the history" in run.stdout
    after = listing(root, times=False)
    kept = {
        "etc/microbreak",
        "etc/microbreak/config.toml",
        "var/lib/microbreak",
        "var/lib/microbreak/history.sqlite",
    }
    assert set(after) == set(before) | kept
    assert {path: after[path] for path in before} == before
    assert "interval_minutes = 30" in settings.read_text()

    install(root, "--uninstall", "--purge")
    assert set(listing(root)) == set(before) | {"etc/microbreak", "etc/microbreak/config.toml"}


def test_uninstall_removes_the_unchanged_example(tmp_path):
    root = a_pi(tmp_path / "pi")
    before = listing(root, times=False)
    install(root, "--no-venv")
    assert (root / "etc/microbreak/config.toml").exists()
    run = install(root, "--uninstall")
    assert "removed /etc/microbreak/config.toml" in run.stdout
    assert listing(root, times=False) == before


def test_install_never_overwrites_settings_or_a_foreign_command(tmp_path):
    root = a_pi(tmp_path / "pi")
    (root / "etc/microbreak").mkdir()
    (root / "etc/microbreak/config.toml").write_text("[schedule]\ninterval_minutes = 50\n")
    (root / "usr/local/bin/microbreak").write_text("#!/bin/sh\necho another microbreak\n")
    before = listing(root, times=False)

    run = install(root, "--no-venv")
    assert "kept your settings" in run.stdout
    assert "is not this installer's: left alone" in run.stdout
    assert (
        root / "etc/microbreak/config.toml"
    ).read_text() == "[schedule]\ninterval_minutes = 50\n"
    assert (root / "etc/systemd/system/microbreak.service").exists()

    install(root, "--uninstall")
    assert listing(root, times=False) == before


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["--purge"], 2, "--purge goes with --uninstall"),
        (["--frobnicate"], 2, "unknown option: --frobnicate"),
        (["--root"], 2, "usage:"),
    ],
)
def test_usage_errors(args, code, says):
    run = subprocess.run(
        ["sh", str(INSTALL), *args], env=clean_env(), capture_output=True, text=True
    )
    assert run.returncode == code and says in run.stderr


def test_root_must_exist(tmp_path):
    run = install(tmp_path / "absent", expect=1)
    assert "no such directory" in run.stderr


@pytest.mark.parametrize("link", ["etc", "etc/systemd", "opt", "usr/local/bin", "var/lib"])
def test_root_refuses_a_tree_whose_system_folders_lead_out_of_it(tmp_path, link):
    outside = tmp_path / "outside"
    outside.mkdir()
    tree = tmp_path / "tree"
    (tree / link).parent.mkdir(parents=True, exist_ok=True)
    (tree / link).symlink_to(outside)
    run = install(tree, "--no-venv", expect=1)
    assert "leads out of the tree" in run.stderr and f"(to {outside}" in run.stderr
    assert "allowed: a tree whose system folders are real folders" in run.stderr
    assert list(outside.iterdir()) == []
    run = install(tree, "--uninstall", expect=1)
    assert "leads out of the tree" in run.stderr


def test_root_follows_a_link_that_stays_in_the_tree(tmp_path):
    tree = tmp_path / "tree"
    (tree / "real-etc").mkdir(parents=True)
    (tree / "etc").symlink_to("real-etc")
    install(tree, "--no-venv")
    assert (tree / "real-etc" / "systemd" / "system" / "microbreak.service").exists()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_install_script_is_shellcheck_clean():
    run = subprocess.run(["shellcheck", str(INSTALL)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
