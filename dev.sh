#!/bin/sh
# The two quick-start commands, on a fresh Debian or Raspberry Pi OS machine:
#   ./dev.sh simulate [ARGS...]   run microbreak in the simulator window
#   ./dev.sh test [PYTEST ARGS...] run the tests
# Each installs what it needs first: Debian packages (with sudo when not root),
# then a virtual environment in .venv with microbreak and its Python packages.
set -eu
cd "$(dirname "$0")"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

need_debian_packages() {
    missing=""
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        echo "Installing Debian packages:$missing"
        as_root apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
    fi
}

need_venv() {  # need_venv EXTRA: .venv with microbreak[EXTRA] installed, editable
    command -v python3 >/dev/null 2>&1 || need_debian_packages python3
    python3 -c "import ensurepip, venv" 2>/dev/null || need_debian_packages python3-venv
    [ -x .venv/bin/python ] || python3 -m venv .venv
    stamp=".venv/.installed-$1"
    if [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e ".[$1]"
        touch "$stamp"
    fi
}

usage="usage: ./dev.sh simulate [ARGS...] | ./dev.sh test [PYTEST ARGS...]"
command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
    simulate)
        need_venv test
        exec .venv/bin/microbreak simulate "$@"
        ;;
    test)
        # systemd-python, which the tests use, is built against libsystemd;
        # the SSH test runs its own sshd on 127.0.0.1 and connects with ssh.
        need_debian_packages gcc pkg-config libsystemd-dev python3-dev \
            openssh-server openssh-client systemd
        need_venv test
        exec .venv/bin/python -m pytest "$@"
        ;;
    -h|--help|help)
        echo "$usage"
        ;;
    *)
        echo "$usage" >&2
        exit 2
        ;;
esac
