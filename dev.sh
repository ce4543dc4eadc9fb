#!/bin/sh
# The two quick-start commands, on a fresh Debian or Raspberry Pi OS machine:
#   ./dev.sh simulate [ARGS...]   run microbreak in the simulator window
#   ./dev.sh test [PYTEST ARGS...] run the tests
# Each installs what it needs first: Debian packages (with sudo when not root),
# then a virtual environment in .venv with microbreak and its Python packages.
# And, as CI does, the tests again on Debian's classic pygame (python3-pygame),
# which 32-bit Raspberry Pi OS uses (pygame-ce has no wheel for it), and the
# code's checks (ruff's lint and format, mypy; configured in pyproject.toml):
#   ./dev.sh test-classic [PYTEST ARGS...]  the tests in .venv-classic
#   ./dev.sh lint                           ruff check, ruff format --check, mypy,
#                                           ansible-lint (deploy/ansible)
set -eu
cd "$(dirname "$0")"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

need_debian_packages() {
    missing=""
    for package in "$@"; do
        installed "$package" || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        echo "Installing Debian packages:$missing"
        as_root apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
    fi
}

# The SSH test runs its own sshd binary on 127.0.0.1 and never the system's
# SSH server, and the MQTT tests their own mosquitto on a loopback port.
# Installing openssh-server or mosquitto would enable that server and start
# it, now and at every boot; so dev.sh installs the package with starting
# refused (a policy-rc.d that says no, the way Debian's package scripts are
# told; a machine's own policy-rc.d is kept) and then disables its service.
# A machine that already had the package is left as it was.
need_server_binary() {  # need_server_binary PACKAGE SERVICE
    installed "$1" && return
    policy=/usr/sbin/policy-rc.d
    own_policy=""
    if [ ! -e "$policy" ]; then
        own_policy=1
        trap 'as_root rm -f "$policy"' EXIT
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy"
    fi
    need_debian_packages "$1"
    if [ -n "$own_policy" ]; then
        as_root rm -f "$policy"
        trap - EXIT
    fi
    as_root systemctl disable --quiet "$2" 2>/dev/null || true
    echo "$1 is installed for its binary; the system's $2 stays off" \
        "(sudo systemctl enable --now $2 turns it on)"
}

need_venv() {  # need_venv EXTRA: .venv with microbreak[EXTRA] (or "") installed, editable
    command -v python3 >/dev/null 2>&1 || need_debian_packages python3
    python3 -c "import ensurepip, venv" 2>/dev/null || need_debian_packages python3-venv
    [ -x .venv/bin/python ] || python3 -m venv .venv
    stamp=".venv/.installed-$1"
    if [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e ".${1:+[$1]}"
        touch "$stamp"
    fi
}

# need_classic_venv: .venv-classic, on Debian's python3 and its python3-pygame
# (classic pygame, as 32-bit Raspberry Pi OS has it) through the system site
# packages, with microbreak and the rest of microbreak[test], but not pygame-ce;
# and the network extra (paho-mqtt, icalendar); and python3-pil, to read GIFs back (classic pygame reads only a first frame).
need_classic_venv() {
    need_debian_packages python3 python3-venv python3-pygame python3-pil
    [ -x .venv-classic/bin/python ] \
        || /usr/bin/python3 -m venv --system-site-packages .venv-classic
    stamp=".venv-classic/.installed-test"
    if [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv-classic/bin/python -m pip install -q --upgrade pip
        .venv-classic/bin/python -c '
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
extras = project["optional-dependencies"]
for requirement in project["dependencies"] + extras["test"] + extras["network"]:
    if not requirement.startswith("pygame"):
        print(requirement)' >.venv-classic/requirements.txt
        .venv-classic/bin/python -m pip install -q -r .venv-classic/requirements.txt
        .venv-classic/bin/python -m pip install -q --no-deps -e .
        touch "$stamp"
    fi
    # Refuse to test the wrong pygame: pygame-ce says IS_CE, classic does not.
    PYGAME_HIDE_SUPPORT_PROMPT=1 .venv-classic/bin/python -c '
import pygame, sys
if getattr(pygame, "IS_CE", False):
    sys.exit(f"{pygame.__file__} is pygame-ce, not classic pygame: pip uninstall -y pygame-ce")
print(f"classic pygame {pygame.version.ver}, SDL {pygame.version.SDL}, from {pygame.__file__}")'
}

usage="usage: ./dev.sh simulate [ARGS...] | ./dev.sh test [PYTEST ARGS...] | ./dev.sh test-classic [PYTEST ARGS...] | ./dev.sh lint"
command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
    simulate)
        # microbreak and its own Python packages only: the simulator needs
        # nothing from the test extra (systemd-python would need a compiler).
        need_venv ""
        exec .venv/bin/microbreak simulate "$@"
        ;;
    test|test-classic)
        # systemd-python, which the tests use, is built against libsystemd;
        # the SSH test connects with ssh to an sshd of its own (see above);
        # systemd-analyze checks the unit; shellcheck checks the installer;
        # espeak-ng speaks the guidance.
        need_debian_packages gcc pkg-config libsystemd-dev python3-dev \
            openssh-client systemd shellcheck espeak-ng
        need_server_binary openssh-server ssh.service
        need_server_binary mosquitto mosquitto.service
        if [ "$command" = test ]; then
            need_venv test,network
            exec .venv/bin/python -m pytest "$@"
        fi
        need_classic_venv
        exec .venv-classic/bin/python -m pytest "$@"
        ;;
    lint)
        # The network extra too: mypy reads paho-mqtt's and icalendar's types.
        need_venv lint,network
        .venv/bin/ruff check .
        .venv/bin/ruff format --check .
        .venv/bin/mypy
        # The Ansible role and playbooks, from their folder (its .ansible-lint).
        cd deploy/ansible && PATH="$(cd ../.. && pwd)/.venv/bin:$PATH" exec ansible-lint
        ;;
    -h|--help|help)
        echo "$usage"
        ;;
    *)
        echo "$usage" >&2
        exit 2
        ;;
esac
