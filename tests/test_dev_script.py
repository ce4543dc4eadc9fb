"""dev.sh, the two quick-start commands, on a fresh machine: what each
installs, as root and in the venv.

dev.sh runs from a copy of this checkout's dev.sh and pyproject.toml on a
pretend machine: ``dpkg-query`` says nothing is installed, ``sudo`` writes
down what it was asked to run and runs nothing, the venv's ``python`` and
``microbreak`` write down their arguments, and Debian's policy-rc.d is looked
for in the test's own folder.
"""

import os
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POLICY = "/usr/sbin/policy-rc.d"

needs_sh = pytest.mark.skipif(shutil.which("sh") is None, reason="no sh")


def _tool(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def dev_sh(tmp_path: Path, *args: str) -> tuple[list[str], list[str]]:
    """Run ``./dev.sh ARGS`` on a fresh pretend machine; return what it ran
    as root and what it asked the venv's programs to do."""
    checkout, bin_dir, log = tmp_path / "checkout", tmp_path / "bin", tmp_path / "log"
    for folder in (checkout / ".venv" / "bin", bin_dir, log):
        folder.mkdir(parents=True, exist_ok=True)
    script = (ROOT / "dev.sh").read_text().replace(POLICY, str(tmp_path / "policy-rc.d"))
    (checkout / "dev.sh").write_text(script)
    shutil.copy(ROOT / "pyproject.toml", checkout)
    _tool(bin_dir, "dpkg-query", "exit 1\n")  # nothing is installed
    _tool(bin_dir, "id", "echo 1000\n")  # not root: everything as root goes through sudo
    _tool(bin_dir, "sudo", f'printf "%s\\n" "$*" >>{log}/root\n')
    for name in ("python", "microbreak"):
        _tool(checkout / ".venv" / "bin", name, f'echo "{name} $*" >>{log}/venv\n')
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    subprocess.run(
        ["sh", "./dev.sh", *args],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )

    def lines(name):
        path = log / name
        return path.read_text().splitlines() if path.exists() else []

    return lines("root"), lines("venv")


def extra(name: str) -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["optional-dependencies"].get(name, [])


@needs_sh
def test_simulate_installs_only_what_the_simulator_uses(tmp_path):
    as_root, venv = dev_sh(tmp_path, "simulate", "--headless")
    installs = [line for line in venv if " pip install " in line and " -e " in line]
    assert installs, venv
    for line in installs:
        target = line.split(" -e ")[1]
        extras = (
            target[target.index("[") + 1 : target.index("]")].split(",") if "[" in target else []
        )
        for name in extras:
            assert not any(r.startswith("systemd-python") for r in extra(name)), (
                f"simulate installs microbreak[{name}], which needs a compiler for systemd-python"
            )
    assert not any("gcc" in line or "libsystemd-dev" in line for line in as_root)
    assert venv[-1] == "microbreak simulate --headless"


@needs_sh
def test_test_installs_shellcheck_so_no_test_is_skipped_for_the_want_of_it(tmp_path):
    as_root, venv = dev_sh(tmp_path, "test", "-q")
    installs = [line.split() for line in as_root if " apt-get install " in line]
    packages = {word for words in installs for word in words[words.index("install") + 1 :]}
    assert {
        "shellcheck",
        "openssh-server",
        "openssh-client",
        "libsystemd-dev",
        "mosquitto",
    } <= packages
    assert venv[-1] == "python -m pytest -q"


@needs_sh
@pytest.mark.parametrize("own_policy", [False, True], ids=["no policy-rc.d", "its own policy-rc.d"])
@pytest.mark.parametrize(
    "package, service",
    [("openssh-server", "ssh.service"), ("mosquitto", "mosquitto.service")],
    ids=["ssh", "mosquitto"],
)
def test_test_leaves_the_systems_ssh_server_and_broker_off(tmp_path, own_policy, package, service):
    policy = tmp_path / "policy-rc.d"
    if own_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
    as_root, _ = dev_sh(tmp_path, "test")
    [installed] = [i for i, line in enumerate(as_root) if package in line.split()]
    ours = [i for i, line in enumerate(as_root) if str(policy) in line]
    if own_policy:
        assert not ours, "the machine's own policy-rc.d was touched"
        assert policy.read_text() == "#!/bin/sh\nexit 101\n"
    else:  # one that refuses to start services, in place while the package installs
        made = max(i for i in ours if i < installed)
        removed = min(i for i in ours if i > installed)
        assert "exit 101" in as_root[made] and as_root[removed] == f"rm -f {policy}", (
            f"{package} was installed free to start its server"
        )
    disabled = [
        i
        for i, line in enumerate(as_root)
        if line.startswith("systemctl disable") and service in line
    ]
    assert disabled and disabled[0] > installed, f"{service} was left enabled at boot"
