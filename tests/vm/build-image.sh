#!/bin/sh
# Builds the VM test's Debian bookworm image: a root file system as an ext4
# file, with the kernel and initrd beside it for qemu's -kernel/-initrd.
#
#   sh tests/vm/build-image.sh OUT KERNEL_VERSION GPIO_SIM LGPIO
#
# OUT is a new directory; it gets root.img, vmlinuz and initrd.img.
# KERNEL_VERSION is Debian's kernel ABI name; its flavour is the image's
# architecture: 6.1.0-57-amd64 makes an amd64 image, 6.1.0-57-arm64 an arm64
# one (on an x86_64 machine, through qemu-user-static and binfmt_misc: the
# image's own programs run in its chroot). GPIO_SIM is gpio-sim.ko built for
# that kernel, or a folder with its sources and Kbuild, built in the image
# with the kernel's headers (as on a Pi). LGPIO is a wheel, or lgpio's source
# archive from PyPI, built in the image with its gcc and swig (as
# Raspberry Pi OS's python3-lgpio, a compiled module). The image
# is what a Raspberry Pi OS Lite card has that matters here, and no more:
# systemd, udev, procps, Python 3.11 with venv and python3-systemd, ALSA's and
# DRM's libraries (libasound2, libdrm2, as Lite has them), sudo, Debian's MQTT
# broker and its clients (mosquitto, mosquitto-clients: Home Assistant's side
# of the network unit's test, on the loopback), a person
# 'pi' who may sudo, the group 'gpio' with the udev rule that gives it the GPIO
# chips, and lgpio for the system's Python (Raspberry Pi OS's python3-lgpio);
# and, off until the scenario starts them, the SSH server with a network
# card's driver and systemd-networkd, for Ansible over qemu's user network.
# It also holds the kernel's gpio-sim module (built out of tree by vmtest.py)
# and vmtest.service, which runs the scenario from the second disk.
# Run as root; it downloads Debian packages and nothing else.
set -eu

[ $# -eq 4 ] || { echo "usage: $0 OUT KERNEL_VERSION GPIO_SIM LGPIO" >&2; exit 2; }
out=$1 kver=$2 module=$3 lgpio=$4
arch=${kver##*-}
case "$arch" in
    amd64|arm64) ;;
    *) echo "$0: KERNEL_VERSION $kver: not an amd64 or arm64 kernel" >&2; exit 2 ;;
esac
mirror=${MICROBREAK_VM_MIRROR:-http://deb.debian.org/debian}
security=${MICROBREAK_VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
here=$(cd "$(dirname "$0")" && pwd)

[ ! -e "$out" ] || { echo "$out exists" >&2; exit 1; }
work="$out.building-$$"
rootfs="$work/rootfs"
mounted=""
cleanup() {
    for point in $mounted; do umount "$point" 2>/dev/null || umount -l "$point" || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$rootfs"

step() { printf 'image: %s\n' "$*"; }
in_root() { chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

step "debootstrap bookworm (minbase, $arch) from $mirror"
debootstrap --variant=minbase --arch="$arch" \
    --include=systemd-sysv,udev,kmod,procps,python3,python3-venv,python3-systemd,sudo,libasound2,libdrm2 \
    bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
# A small initrd: only what finds the root disk. The default (most modules)
# takes longer to make and to unpack under emulation.
mkdir -p "$rootfs/etc/initramfs-tools/conf.d"
echo "MODULES=list" >"$rootfs/etc/initramfs-tools/conf.d/vmtest.conf"
printf '%s\n' virtio_pci virtio_blk ext4 >>"$rootfs/etc/initramfs-tools/modules"
for point in proc sys dev; do
    mount --bind "/$point" "$rootfs/$point"
    mounted="$rootfs/$point $mounted"
done

# What builds gpio-sim and lgpio in the image, when they come as sources.
build_tools=""
[ ! -d "$module" ] || build_tools="linux-headers-$kver make gcc"
case "$lgpio" in
    *.whl) ;;
    *) build_tools="$build_tools python3-dev python3-pip python3-setuptools python3-wheel swig gcc" ;;
esac

step "updates, the kernel $kver and mosquitto${build_tools:+, with $build_tools}"
# No daemon starts in the chroot (mosquitto's would, on this machine's port):
# policy-rc.d says no to every start while the packages are installed.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
{
    in_root apt-get update -q
    in_root apt-get -y -q upgrade
    # shellcheck disable=SC2086 # build_tools: a list of package names
    in_root apt-get install -y -q --no-install-recommends "linux-image-$kver" \
        mosquitto mosquitto-clients openssh-server openssh-sftp-server $build_tools
} >"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; exit 1; }
rm "$rootfs/usr/sbin/policy-rc.d"
in_root apt-get clean

if [ -d "$module" ]; then
    step "gpio-sim built in the image against linux-headers-$kver"
    mkdir -p "$rootfs/root/gpio-sim"
    cp "$module"/* "$rootfs/root/gpio-sim/"
    in_root make -s -C "/usr/src/linux-headers-$kver" M=/root/gpio-sim modules \
        >"$work/module.log" 2>&1 || { tail -n 30 "$work/module.log" >&2; exit 1; }
    in_root strip --strip-debug /root/gpio-sim/gpio-sim.ko
    cp "$rootfs/root/gpio-sim/gpio-sim.ko" "$work/gpio-sim.ko"
    rm -rf "$rootfs/root/gpio-sim"
    module="$work/gpio-sim.ko"
fi
case "$lgpio" in
    *.whl) ;;
    *)
        step "lgpio built in the image from $(basename "$lgpio")"
        mkdir -p "$rootfs/root/lgpio"
        cp "$lgpio" "$rootfs/root/lgpio/"
        # PYPI=1: lgpio's source builds its C library into the module.
        in_root env PYPI=1 python3 -m pip wheel --no-deps --no-build-isolation --no-index \
            -w /root/lgpio/wheel "/root/lgpio/$(basename "$lgpio")" \
            >"$work/lgpio.log" 2>&1 || { tail -n 30 "$work/lgpio.log" >&2; exit 1; }
        cp "$rootfs"/root/lgpio/wheel/lgpio-*.whl "$work/"
        rm -rf "$rootfs/root/lgpio"
        lgpio=$(ls "$work"/lgpio-*.whl)
        ;;
esac

step "gpio-sim, lgpio, the gpio group and its udev rule, the person 'pi'"
install -D -m 644 "$module" "$rootfs/lib/modules/$kver/extra/gpio-sim.ko"
# What a VM needs of the modules: the rest is most of the image's size.
modules="$rootfs/lib/modules/$kver/kernel"
# Kept: DRM (bochs, for QEMU's VGA) with the fbdev helpers in drivers/video,
# ALSA's HDA driver, for the screen and the speaker, and virtio's network
# card with the failover it needs, for SSH.
find "$modules/net" "$modules/drivers/net" -name '*.ko*' ! -name 'virtio_net.ko*' \
    ! -name 'net_failover.ko*' ! -name 'failover.ko*' -delete
rm -rf "$modules/drivers/gpu/drm/amd" "$modules/drivers/gpu/drm/nouveau" \
    "$modules/drivers/gpu/drm/i915" "$modules/drivers/gpu/drm/radeon" \
    "$modules/sound/soc" "$modules/sound/usb" "$modules/sound/firewire" \
    "$modules/drivers/media" "$modules/drivers/infiniband" "$modules/drivers/scsi" \
    "$modules/drivers/usb" "$modules/drivers/staging" "$modules/drivers/bluetooth" \
    "$modules/drivers/hid" "$modules/drivers/iio" "$modules/drivers/isdn" \
    "$modules/drivers/mtd" "$modules/drivers/md" "$modules/drivers/input" \
    "$modules/drivers/hwmon" "$modules/drivers/watchdog" \
    "$modules/drivers/ata" "$modules/drivers/nvme" "$modules/drivers/target"
in_root depmod "$kver"
site="$rootfs/usr/local/lib/python3.11/dist-packages"
mkdir -p "$site"
python3 -m zipfile -e "$lgpio" "$site"
in_root groupadd --system gpio
cat >"$rootfs/etc/udev/rules.d/60-gpiochip.rules" <<'EOF'
# As Raspberry Pi OS: the group gpio may use the GPIO chips.
SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"
EOF
in_root useradd --create-home --shell /bin/bash --groups sudo,gpio pi
echo "pi ALL=(ALL) NOPASSWD: ALL" >"$rootfs/etc/sudoers.d/010_pi-nopasswd"
chmod 440 "$rootfs/etc/sudoers.d/010_pi-nopasswd"
echo deskpi >"$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 deskpi\n' >"$rootfs/etc/hosts"
printf '/dev/vda / ext4 rw,noatime 0 1\n/dev/vdb /mnt/vmtest ext4 ro,noatime 0 0\n' \
    >"$rootfs/etc/fstab"
mkdir -p "$rootfs/mnt/vmtest"
install -m 644 "$here/guest/vmtest.service" "$rootfs/etc/systemd/system/vmtest.service"
if [ "$arch" = arm64 ]; then
    # qemu's arm64 machine (virt) has one serial port, the console: the
    # scenario reports on a virtio console instead, and no login waits there.
    install -D -m 644 "$here/guest/vmtest-arm64.conf" \
        "$rootfs/etc/systemd/system/vmtest.service.d/arm64.conf"
    in_root systemctl mask --quiet serial-getty@hvc0.service
fi
in_root systemctl enable --quiet vmtest.service
# SSH and the network are off until a scenario that uses them starts them:
# a DHCP address from qemu's user network on the one card.
cat >"$rootfs/etc/systemd/network/10-vmtest.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=ipv4
EOF
in_root systemctl disable --quiet ssh.service systemd-networkd.service 2>/dev/null || true
# Nothing at boot that the test does not need.
in_root systemctl mask --quiet apt-daily.timer apt-daily-upgrade.timer \
    systemd-timesyncd.service e2scrub_all.timer fstrim.timer 2>/dev/null || true

for point in $mounted; do umount "$point"; done
mounted=""
cp "$rootfs/boot/vmlinuz-$kver" "$work/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$work/initrd.img"
rm -rf "${rootfs:?}/boot"/* "$rootfs/usr/share/doc" "$rootfs/usr/share/man" \
    "$rootfs/usr/share/info" "$rootfs/usr/share/locale" "$rootfs/var/lib/apt/lists"/* \
    "$rootfs/var/cache/apt"/* "$rootfs/var/log"/*.log
used=$(du -sm "$rootfs" | cut -f1)
step "root file system: $used MB; making root.img"
mkfs.ext4 -q -F -L root -d "$rootfs" "$work/root.img" "$((used + 400))M"
rm -rf "$rootfs"
mv "$work" "$out"
trap - EXIT INT TERM
step "done: $out"
