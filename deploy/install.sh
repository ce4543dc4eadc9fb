#!/bin/sh
# Install microbreak as a systemd service on a Raspberry Pi (or any Debian),
# from the checkout this script is in. Run it again at any time: it changes
# only what differs (after a 'git pull', it updates the package and restarts).
#
#   sudo ./deploy/install.sh              install, enable and start the service
#   sudo ./deploy/install.sh --uninstall  remove it; keeps your settings and history
#
# What it lays down:
#   /opt/microbreak/venv                   a virtual environment with the package; it
#                                          sees Debian's own python3-lgpio,
#                                          python3-rpi-lgpio/rpi.gpio and python3-systemd
#   /opt/microbreak/config.example.toml    the commented example settings
#   /etc/microbreak/config.toml            a copy of the example, only if there is none
#   /etc/systemd/system/microbreak.service the unit (hardened: see its comments)
#   /etc/systemd/system/microbreak-mqtt.service  the network unit (Home Assistant,
#                                          calendars), enabled only when the settings
#                                          have [mqtt] host or [calendar] sources; then
#                                          the venv gets microbreak[network] too
#   /usr/local/bin/microbreak              the 'microbreak' command, a symlink into the venv
# and, on the machine itself (not with --root): the Debian packages it needs, the
# system user 'microbreak' in the hardware groups gpio, video, render and audio
# (those that exist), the invoking sudo user in the group 'microbreak' (so that
# 'microbreak status' works without sudo), the system user 'microbreak-mqtt' in
# the group 'microbreak' for the network unit, then enables and starts them.
set -eu

PREFIX=/opt/microbreak          # the unit's ExecStart points here
UNIT=/etc/systemd/system/microbreak.service
NETWORK_UNIT=/etc/systemd/system/microbreak-mqtt.service
NETWORK_USER=microbreak-mqtt
CONFIG_DIR=/etc/microbreak
STATE_DIR=/var/lib/microbreak
COMMAND=/usr/local/bin/microbreak
SERVICE_USER=microbreak
HARDWARE_GROUPS="gpio video render audio"

usage() {
    cat <<'EOF'
usage: sudo ./deploy/install.sh [--root DIR] [--no-venv] [--offline] [--wheels DIR]
       sudo ./deploy/install.sh --uninstall [--purge] [--root DIR]

Installs microbreak from this checkout as the systemd service 'microbreak',
enables and starts it. Running it again changes only what differs.

  --uninstall  stop and remove the service, the venv, the command, the user;
               keeps /etc/microbreak/config.toml if you changed it, the
               history in /var/lib/microbreak, and the Debian packages. With
               [mqtt] host set, the device is removed from Home Assistant first
  --purge      with --uninstall: also delete the history
  --root DIR   lay the files under DIR instead of /, for packaging and tests:
               no apt-get, no user or groups, no systemctl (each is reported)
  --no-venv    do not create the venv nor install the package into it
  --offline    install the package without downloading anything: its
               dependencies and the build backend (hatchling) must already be
               importable by the venv's Python
  --wheels DIR take the Python packages from the wheels in DIR instead of
               downloading them (a Pi with no internet): microbreak's
               dependencies and its build backend, hatchling; e.g. made with
               'pip download -d DIR gpiozero pygame-ce tomlkit hatchling' on a
               machine of the same kind (processor, Python version)
  -h, --help   this help
EOF
}

say() { printf 'microbreak: %s\n' "$*"; }
fail() { printf 'microbreak: %s\n' "$*" >&2; exit 1; }

root=""
uninstall=false
purge=false
make_venv=true
offline=false
wheels=""
while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] || { usage >&2; exit 2; }; root="$2"; shift ;;
        --root=*) root="${1#--root=}" ;;
        --uninstall) uninstall=true ;;
        --purge) purge=true ;;
        --no-venv) make_venv=false ;;
        --offline) offline=true ;;
        --wheels) [ $# -ge 2 ] || { usage >&2; exit 2; }; wheels="$2"; shift ;;
        --wheels=*) wheels="${1#--wheels=}" ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'microbreak: unknown option: %s\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if $purge && ! $uninstall; then
    printf 'microbreak: --purge goes with --uninstall\n' >&2; usage >&2; exit 2
fi
if [ -n "$root" ]; then
    [ -d "$root" ] || fail "--root $root: no such directory"
    root=$(cd "$root" && pwd -P)
    [ "$root" != / ] || root=""
fi
# Every system path written or removed under --root must stay in the tree: a
# TREE/etc that is a link to /etc would have us change the machine itself.
for path in "$(dirname "$UNIT")" "$CONFIG_DIR" "$PREFIX" "$(dirname "$COMMAND")" "$STATE_DIR"; do
    [ -n "$root" ] || break
    real=$(realpath -m -- "$root$path")
    case "$real/" in
        "$root"/*) ;;
        *) fail "--root $root: $path leads out of the tree (to $real) through a symbolic link; allowed: a tree whose system folders are real folders, or links within it" ;;
    esac
done
if [ -n "$wheels" ]; then
    [ -d "$wheels" ] || fail "--wheels $wheels: no such directory"
    wheels=$(cd "$wheels" && pwd)
fi
host=true   # act on this machine: apt-get, users, systemctl
[ -z "$root" ] || host=false
if $host && [ "$(id -u)" -ne 0 ]; then
    fail "run it as root: sudo $0 $*"
fi

source_dir=$(cd "$(dirname "$0")/.." && pwd)
# network: the settings ask for the network unit ([mqtt] host or [calendar] sources set).
network() {
    settings="$root$CONFIG_DIR/config.toml"
    [ -f "$settings" ] || return 1
    awk '/^\[/ { section = $0 }
         section == "[mqtt]" && /^ *host *= *"[^"]/ { found = 1 }
         section == "[calendar]" && /^ *sources *= *\[ *"/ { found = 1 }
         END { exit !found }' "$settings"
}

if [ ! -f "$source_dir/pyproject.toml" ] || [ ! -f "$source_dir/deploy/microbreak.service" ]; then
    fail "$source_dir is not a microbreak checkout (no pyproject.toml or deploy/microbreak.service)"
fi

umask 022
venv="$root$PREFIX/venv"
changed=false   # whether a file the running service uses changed

on_host() {  # on_host COMMAND...: run it, or with --root say it was left out
    if $host; then "$@"; else say "--root: not run: $*"; fi
}

# put SOURCE DEST MODE: copy SOURCE to DEST unless it is already the same.
put() {
    if [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2"; then
        chmod "$3" "$2"
        return 0
    fi
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2.new-$$"
    chmod "$3" "$2.new-$$"
    mv -f "$2.new-$$" "$2"
    say "installed ${2#"$root"}"
    changed=true
}

installed() {  # installed PACKAGE: the Debian package is installed
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

available() {  # available PACKAGE: apt has a version of it to install
    candidate=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

# arm32: this is 32-bit ARM (Raspberry Pi OS armhf), where PyPI has no pygame-ce
# wheel: the screen uses Debian's classic pygame, python3-pygame, which the venv
# sees (pyproject.toml leaves pygame-ce out there). On a Pi 4 or 5 the 32-bit
# system runs a 64-bit kernel, so 'uname -m' says aarch64: ask dpkg first.
arm32() {
    case "$(dpkg --print-architecture 2>/dev/null || uname -m)" in
        armhf|armel|armv6l|armv7l) return 0 ;;
        *) return 1 ;;
    esac
}

# -- install --------------------------------------------------------------------

debian_packages() {
    if ! command -v apt-get >/dev/null 2>&1; then
        say "no apt-get here: install python3-venv, python3-systemd and procps yourself"
        return 0
    fi
    # Required: venv, sd_notify for Type=notify, and /bin/kill (procps: not in a
    # minimal Debian) for the unit's ExecReload. The pin libraries come from
    # Debian where it has them (Raspberry Pi OS does): lgpio drives /dev/gpiochip*
    # on every Pi, the Pi 5 included; rpi-lgpio is RPi.GPIO on top of lgpio. An
    # RPi.GPIO that is already installed (python3-rpi.gpio) is left alone.
    # The screen needs no package of its own: pygame draws, and the picture
    # goes to the display through the kernel's mode setting (screen.output =
    # "kms"). The speaker plays through ALSA: its library and configuration.
    # SDL's own KMS/DRM driver (screen.output = "sdl" on a console) loads
    # Mesa's GBM, EGL and GLES: installed only when the settings ask for it.
    missing=""
    for package in python3 python3-venv python3-systemd procps libasound2; do
        installed "$package" || missing="$missing $package"
    done
    if grep -qs '^ *output *= *"sdl"' "$root$CONFIG_DIR/config.toml"; then
        for package in libdrm2 libgbm1 libegl1 libgles2 libgl1-mesa-dri; do
            installed "$package" || missing="$missing $package"
        done
    fi
    # Spoken guidance (sound.speaker = true) is made by espeak-ng, when apt has it.
    if grep -qs '^ *speaker *= *true' "$root$CONFIG_DIR/config.toml" \
        && ! installed espeak-ng; then
        if available espeak-ng; then
            missing="$missing espeak-ng"
        else
            say "espeak-ng is not in this system's package lists: guidance is not spoken"
        fi
    fi
    if arm32 && ! installed python3-pygame; then
        missing="$missing python3-pygame"
    fi
    if [ -n "$missing" ]; then
        apt-get update -q   # a fresh image may have no package lists yet
    fi
    if ! installed python3-lgpio; then
        if available python3-lgpio; then
            missing="$missing python3-lgpio"
        else
            say "python3-lgpio is not in this system's package lists: skipped (not Raspberry Pi OS?)"
        fi
    fi
    if ! installed python3-rpi.gpio && ! installed python3-rpi-lgpio; then
        if available python3-rpi-lgpio; then
            missing="$missing python3-rpi-lgpio"
        elif available python3-rpi.gpio; then
            missing="$missing python3-rpi.gpio"
        fi
    fi
    if [ -n "$missing" ]; then
        say "installing Debian packages:$missing"
        # shellcheck disable=SC2086  # one word per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
    fi
}

service_user() {
    if ! getent passwd "$SERVICE_USER" >/dev/null; then
        say "adding the system user $SERVICE_USER"
        useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "microbreak service" "$SERVICE_USER"
        changed=true
    fi
    # The unit does not list these (SupplementaryGroups= fails the start when a
    # group does not exist); systemd gives the user its groups from /etc/group.
    for group in $HARDWARE_GROUPS; do
        if ! getent group "$group" >/dev/null; then
            say "no group '$group' on this machine: skipped"
        elif ! id -nG "$SERVICE_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; then
            say "adding $SERVICE_USER to the group $group"
            usermod -a -G "$group" "$SERVICE_USER"
            changed=true
        fi
    done
    if ! getent passwd "$NETWORK_USER" >/dev/null; then
        say "adding the system user $NETWORK_USER (the network unit), in the group $SERVICE_USER"
        useradd --system --user-group --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin --comment "microbreak network unit" "$NETWORK_USER"
    fi
    if ! id -nG "$NETWORK_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$SERVICE_USER"; then
        usermod -a -G "$SERVICE_USER" "$NETWORK_USER"
    fi
    person="${SUDO_USER:-}"
    if [ -n "$person" ] && [ "$person" != root ] && getent passwd "$person" >/dev/null \
            && ! id -nG "$person" 2>/dev/null | tr ' ' '\n' | grep -qx "$SERVICE_USER"; then
        say "adding $person to the group $SERVICE_USER, for 'microbreak status' without sudo" \
            "(log in again for it to apply)"
        usermod -a -G "$SERVICE_USER" "$person"
    fi
}

# A digest of the package's sources, to reinstall it only when they change.
# One cksum for all the files: a process each took seconds on a slow machine.
source_digest() {
    (cd "$source_dir" && find pyproject.toml device sounds images -type f \
        ! -name '*.pyc' ! -path '*/__pycache__/*' ! -path '*.egg-info/*' | LC_ALL=C sort \
        | tr '\n' '\0' | xargs -0 cksum
        if network; then echo network; fi) | cksum
}

python_env() {
    if [ -e "$venv" ] && ! "$venv/bin/python" -c "" 2>/dev/null; then
        say "the venv in ${venv#"$root"} no longer runs (Python was upgraded?): making it again"
        rm -rf "$venv"
    fi
    if [ ! -e "$venv/bin/python" ]; then
        say "making the venv ${venv#"$root"}"
        mkdir -p "$(dirname "$venv")"
        "${PYTHON:-/usr/bin/python3}" -m venv --system-site-packages "$venv"
        changed=true
    fi
    digest=$(source_digest)
    stamp="$venv/.microbreak-source"
    if [ -x "$venv/bin/microbreak" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    say "installing microbreak from $source_dir into the venv"
    set -- --quiet --disable-pip-version-check
    if $offline; then
        set -- "$@" --no-index --no-deps --no-build-isolation
    fi
    if [ -n "$wheels" ]; then
        set -- "$@" --no-index --find-links "$wheels"
    fi
    target="$source_dir"
    if network; then
        say "with the network unit's packages (paho-mqtt, icalendar, recurring-ical-events)"
        target="${source_dir}[network]"
    fi
    set -- "$venv/bin/python" -m pip install "$@" "$target"
    if arm32 && [ "$(uname -m)" = aarch64 ]; then
        # pip takes platform_machine from the kernel: under linux32 it says
        # armv8l, which pyproject.toml knows for 32-bit, instead of aarch64
        set -- setarch linux32 "$@"
    fi
    "$@"
    printf '%s\n' "$digest" >"$stamp"
    changed=true
}

files() {
    put "$source_dir/deploy/microbreak.service" "$root$UNIT" 644
    put "$source_dir/deploy/microbreak-mqtt.service" "$root$NETWORK_UNIT" 644
    put "$source_dir/deploy/config.toml" "$root$PREFIX/config.example.toml" 644
    if [ -e "$root$CONFIG_DIR/config.toml" ] || [ -L "$root$CONFIG_DIR/config.toml" ]; then
        say "kept your settings in $CONFIG_DIR/config.toml"
    else
        mkdir -p "$root$CONFIG_DIR"
        put "$source_dir/deploy/config.toml" "$root$CONFIG_DIR/config.toml" 644
    fi
    target="$PREFIX/venv/bin/microbreak"
    if [ -L "$root$COMMAND" ] && [ "$(readlink "$root$COMMAND")" = "$target" ]; then
        :
    elif [ -e "$root$COMMAND" ] || [ -L "$root$COMMAND" ]; then
        say "$COMMAND exists and is not this installer's: left alone; the command is $target"
    else
        mkdir -p "$(dirname "$root$COMMAND")"
        ln -s "$target" "$root$COMMAND"
        say "installed $COMMAND -> $target"
    fi
}

check_settings() {
    [ -x "$venv/bin/microbreak" ] || return 0
    if ! "$venv/bin/microbreak" config check "$root$CONFIG_DIR/config.toml"; then
        say "the settings above are refused: the service will not start until they are fixed" \
            "(sudo microbreak config edit)"
        if $host; then exit 1; fi
    fi
}

start_service() {
    on_host systemctl daemon-reload
    if ! $host; then
        say "--root: not run: systemctl enable microbreak; systemctl start microbreak"
        return 0
    fi
    systemctl enable --quiet microbreak
    if systemctl is-active --quiet microbreak; then
        if $changed; then
            say "restarting the service"
            systemctl restart microbreak || started=false
        fi
    else
        say "starting the service"
        systemctl start microbreak || started=false
    fi
    if [ "${started:-true}" = false ] || ! systemctl is-active --quiet microbreak; then
        systemctl --no-pager status microbreak || true
        fail "the service did not start; see: journalctl -u microbreak -b"
    fi
    say "running: 'microbreak status' shows what it is doing; 'journalctl -u microbreak' its log"
    if network; then
        systemctl enable --quiet microbreak-mqtt
        if $changed || ! systemctl is-active --quiet microbreak-mqtt; then
            systemctl restart microbreak-mqtt || say "the network unit did not start;" \
                "see: journalctl -u microbreak-mqtt -b"
        fi
        say "the network unit runs: 'journalctl -u microbreak-mqtt' its log"
    elif systemctl is-enabled --quiet microbreak-mqtt 2>/dev/null; then
        systemctl disable --now --quiet microbreak-mqtt
        say "the network unit is off: no [mqtt] host or [calendar] sources in the settings"
    fi
}

install() {
    say "installing from $source_dir${root:+ under $root}"
    if $host; then
        debian_packages
        service_user
    else
        say "--root: not run: apt-get install python3-venv python3-systemd python3-lgpio ..."
        say "--root: not run: useradd --system $SERVICE_USER; usermod -a -G <$HARDWARE_GROUPS> $SERVICE_USER"
    fi
    if $make_venv; then
        python_env
    else
        say "--no-venv: no venv, no package in ${venv#"$root"}"
    fi
    files
    check_settings
    start_service
    $changed || say "nothing to change: already installed"
}

# -- uninstall ------------------------------------------------------------------

uninstall() {
    say "uninstalling${root:+ from under $root}"
    if [ -e "$root$NETWORK_UNIT" ]; then
        if $host; then
            systemctl disable --now --quiet microbreak-mqtt || true
            if [ -x "$venv/bin/microbreak" ] && network \
                    && grep -qs '^ *host *= *"[^"]' "$root$CONFIG_DIR/config.toml"; then
                "$venv/bin/microbreak" bridge --forget \
                    || say "could not remove the device from Home Assistant (delete it there)"
            fi
        else
            say "--root: not run: systemctl disable --now microbreak-mqtt; microbreak bridge --forget"
        fi
        rm -f "$root$NETWORK_UNIT"
        say "removed $NETWORK_UNIT"
    fi
    if $host && [ -f "$UNIT" ]; then
        systemctl disable --now --quiet microbreak || true
    elif ! $host; then
        say "--root: not run: systemctl disable --now microbreak"
    fi
    if [ -e "$root$UNIT" ]; then
        rm -f "$root$UNIT"
        say "removed $UNIT"
    fi
    if $host; then
        systemctl daemon-reload
        systemctl reset-failed microbreak 2>/dev/null || true
    fi
    if [ -L "$root$COMMAND" ] && [ "$(readlink "$root$COMMAND")" = "$PREFIX/venv/bin/microbreak" ]; then
        rm -f "$root$COMMAND"
        say "removed $COMMAND"
    fi
    settings="$root$CONFIG_DIR/config.toml"
    if [ -f "$settings" ] && cmp -s "$settings" "$root$PREFIX/config.example.toml"; then
        rm -f "$settings"
        say "removed $CONFIG_DIR/config.toml (the unchanged example)"
    elif [ -e "$settings" ]; then
        say "kept your settings: $CONFIG_DIR/config.toml"
    fi
    rmdir "$root$CONFIG_DIR" 2>/dev/null || true   # only when nothing else is in it
    if [ -e "$root$PREFIX" ]; then
        rm -rf -- "$root$PREFIX"
        say "removed $PREFIX"
    fi
    if [ -e "$root$STATE_DIR" ]; then
        if $purge; then
            rm -rf -- "$root$STATE_DIR"
            say "removed the history: $STATE_DIR"
        else
            say "kept the history: $STATE_DIR (--uninstall --purge deletes it)"
        fi
    fi
    if $host; then
        if getent passwd "$SERVICE_USER" >/dev/null; then
            userdel "$SERVICE_USER"
            say "removed the system user $SERVICE_USER"
        fi
        if getent passwd "$NETWORK_USER" >/dev/null; then
            userdel "$NETWORK_USER"
            say "removed the system user $NETWORK_USER"
        fi
        if getent group "$NETWORK_USER" >/dev/null; then
            groupdel "$NETWORK_USER"
        fi
        if getent group "$SERVICE_USER" >/dev/null; then
            groupdel "$SERVICE_USER"
        fi
    else
        say "--root: not run: userdel $SERVICE_USER"
    fi
    say "the Debian packages it installed are kept (other software may use them)"
}

if $uninstall; then uninstall; else install; fi
