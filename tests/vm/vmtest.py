#!/usr/bin/env python3
"""microbreak under real systemd: a Debian VM installs it with its own
installer and drives it through simulated GPIO lines.

    sudo python3 tests/vm/vmtest.py [--arch {x86_64,arm64}] [--scenario {full,short,fleet}]
                                    [--break-unit DROPIN] [--keep]

What it does, as root on a Debian 12 (bookworm) x86_64 machine:

1. Installs the Debian packages it needs, if missing (qemu, debootstrap, the
   kernel's headers and source, swig; for arm64 also qemu-user-static).
2. Builds the kernel's GPIO simulator (gpio-sim, which Debian's kernel lacks)
   out of tree from Debian's linux-source package, for Debian's kernel.
3. Builds a bookworm image with that kernel and module (build-image.sh),
   and downloads the Python packages microbreak needs as wheels. These three
   are kept in the cache (``$MICROBREAK_VM_CACHE``, else
   /var/tmp/microbreak-vm-cache), each under a key of its inputs.
4. Makes a second disk with this checkout (as it is now), the wheels and the
   scenario (guest/scenario.py), boots the image under qemu, and prints what
   the scenario reports as it goes; the guest powers off when it is done.
5. On x86_64, at the scenario's end the guest uninstalls microbreak and
   starts its SSH server, which qemu's user network (no way out) forwards to
   a port on 127.0.0.1; this machine then runs deploy/ansible's playbooks
   against it with ansible-core from a venv in the cache (fleet.py), and
   tells the guest when it is done.

``--arch arm64`` does the same for a 64-bit Raspberry Pi OS's kind of
machine: a Debian bookworm arm64 image with Debian's arm64 kernel, booted by
qemu-system-aarch64 (virt machine, all the processor features TCG has). The
image is built in a chroot whose arm64 programs run through qemu-user-static
(binfmt_misc: registered for the build if it is not, and unregistered after);
gpio-sim is built in it against linux-headers-arm64 and lgpio from its source
with the image's gcc and swig, as on a Pi; pygame-ce comes as PyPI's aarch64
wheel. Its cached parts are named arm64-*, the x86_64 ones not.

Exit status 0 when the scenario passed, 1 when it failed (the guest's journal
is printed), 2 when this machine cannot run it (the reason is printed).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import fleet

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
GUEST = HERE / "guest"
CACHE = Path(os.environ.get("MICROBREAK_VM_CACHE", "/var/tmp/microbreak-vm-cache"))
PYTHON = "/usr/bin/python3"  # Debian's, the same Python 3.11 as the guest's

DEBIAN_PACKAGES = {  # package -> what shows it is there: a command, a file, or itself
    "qemu-system-x86": "qemu-system-x86_64",
    "qemu-system-arm": "qemu-system-aarch64",  # --arch arm64
    "qemu-user-static": "qemu-aarch64-static",  # --arch arm64: the image's chroot
    "debootstrap": "debootstrap",
    "e2fsprogs": "debugfs",
    "make": "make",
    "gcc": "gcc",
    "swig": "swig",  # lgpio from its source, where PyPI has no wheel for this Python
    "linux-source-6.1": "/usr/src/linux-source-6.1.tar.xz",
    "linux-headers-amd64": None,
    "python3-venv": None,
}
SOURCE_FILES = ("drivers/gpio/gpio-sim.c", "drivers/gpio/gpiolib.h", "kernel/irq/irq_sim.c")
SCREEN = (800, 480)  # the guest's display
PIXELS_ALLOWED = 0.02  # of the display's pixels may differ from the service's picture
# (taken just before or after the screendump: a ring counting down a hold moves)
BOOT_TIMEOUT = 240  # from qemu's start to the scenario's first line
# The whole run in the guest: 8 to 12 minutes on an idle 2-core machine; on
# one running other work install.sh alone has taken 8.5 minutes (900 s ran out).
RUN_TIMEOUT = 1200
ARM64_TIMEOUTS = (600, 1800)  # the same for arm64, emulated on x86_64: slower
BINFMT = Path("/proc/sys/fs/binfmt_misc")


class CannotRun(Exception):
    """This machine cannot run the VM test (not a failure of microbreak)."""


def say(text: str) -> None:
    print(f"vmtest: {text}", flush=True)


def sh(*command, **options) -> subprocess.CompletedProcess:
    """Runs *command*; on failure raises with its output."""
    options.setdefault("capture_output", True)
    options.setdefault("text", True)
    done = subprocess.run([str(c) for c in command], **options)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} exited {done.returncode}:\n"
            f"{done.stdout or ''}{done.stderr or ''}"
        )
    return done


def digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


class Timer:
    def __init__(self):
        self.times: dict[str, float] = {}

    def __call__(self, name: str):
        timer = self

        class Span:
            def __enter__(self):
                self.start = time.monotonic()

            def __exit__(self, *exc):
                timer.times[name] = timer.times.get(name, 0) + time.monotonic() - self.start

        return Span()


# -- the host's tools ------------------------------------------------------------------


def installed(package: str) -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return "ok installed" in done.stdout


def need_tools() -> None:
    """Installs the Debian packages the test needs (root only)."""
    if os.geteuid() != 0:
        raise CannotRun("it needs root (debootstrap, chroot, module build): run it with sudo")
    if not Path("/etc/debian_version").exists() or os.uname().machine != "x86_64":
        raise CannotRun("it needs a Debian x86_64 machine (apt, debootstrap, Debian's kernel)")
    missing = [
        package
        for package, sign in DEBIAN_PACKAGES.items()
        if not (
            installed(package)
            if sign is None
            else Path(sign).exists()
            if sign.startswith("/")
            else shutil.which(sign)
        )
    ]
    if missing:
        say(f"installing Debian packages: {' '.join(missing)}")
        sh("apt-get", "update", "-q")
        sh(
            "apt-get",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            *missing,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )


def kernel() -> tuple[str, str]:
    """Debian's kernel ABI name (e.g. 6.1.0-56-amd64) and its package version,
    from linux-headers-amd64; linux-source-6.1 must be the same version."""
    depends = sh("dpkg-query", "-W", "-f=${Depends}", "linux-headers-amd64").stdout
    found = re.search(r"linux-headers-(\S+-amd64) \(= ([^)]+)\)", depends)
    if not found:
        raise CannotRun(
            f"cannot tell the kernel from linux-headers-amd64's dependencies: {depends!r}"
        )
    abi, version = found.groups()
    source = sh("dpkg-query", "-W", "-f=${Version}", "linux-source-6.1").stdout
    if source != version:
        raise CannotRun(
            f"linux-source-6.1 is {source} but linux-headers-amd64 is {version}: "
            "apt-get install both from the same release"
        )
    return abi, version


# -- the cached parts --------------------------------------------------------------------


def gpio_sim_sources(work: Path, version: str) -> Path:
    """gpio-sim's sources from Debian's linux-source, with its interrupt
    simulator (irq_sim) to link in and their Kbuild, in a folder under *work*."""
    sh(
        "tar",
        "-xJf",
        "/usr/src/linux-source-6.1.tar.xz",
        "-C",
        work,
        *(f"linux-source-6.1/{name}" for name in SOURCE_FILES),
    )
    source = work / "linux-source-6.1"
    build = work / "build"
    build.mkdir()
    shutil.copy(source / "drivers/gpio/gpiolib.h", build)
    shutil.copy(source / "drivers/gpio/gpio-sim.c", build / "gpio_sim_main.c")
    irq_sim = (source / "kernel/irq/irq_sim.c").read_text()
    # irq_to_desc is not exported to modules; generic_handle_irq does the same here.
    old = "handle_simple_irq(irq_to_desc(irqnum));"
    if old not in irq_sim:
        raise RuntimeError(f"irq_sim.c of linux-source {version} has no '{old}'")
    (build / "irq_sim.c").write_text(irq_sim.replace(old, "generic_handle_irq(irqnum);"))
    (build / "Kbuild").write_text("obj-m := gpio-sim.o\ngpio-sim-y := gpio_sim_main.o irq_sim.o\n")
    return build


def gpio_sim(abi: str, version: str) -> Path:
    """The gpio-sim module for kernel *abi*, built out of tree from Debian's
    linux-source (its interrupt simulator, irq_sim, linked in: Debian's
    kernel has neither)."""
    recipe = digest(version, abi, *SOURCE_FILES, "generic_handle_irq")
    out = CACHE / f"gpio-sim-{recipe}" / "gpio-sim.ko"
    if out.exists():
        return out
    say(f"building gpio-sim for {abi} from linux-source-6.1 {version}")
    with tempfile.TemporaryDirectory(dir=CACHE) as work:
        build = gpio_sim_sources(Path(work), version)
        sh("make", "-s", "-C", f"/usr/src/linux-headers-{abi}", f"M={build}", "modules")
        sh("strip", "--strip-debug", build / "gpio-sim.ko")
        for old in CACHE.glob("gpio-sim-*"):  # for an older kernel
            shutil.rmtree(old, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(build / "gpio-sim.ko", out)
    return out


def host_venv() -> Path:
    """A venv of Debian's Python, for pip (wheels for the guest's same Python)."""
    version = sh(PYTHON, "-c", "import sys; print(sys.version)").stdout.strip()
    venv = CACHE / f"host-venv-{digest(version)}"
    if not (venv / "bin/pip").exists():
        shutil.rmtree(venv, ignore_errors=True)
        sh(PYTHON, "-m", "venv", venv)
    return venv / "bin/python"


def pip(python: Path, *args) -> None:
    sh(
        python,
        "-m",
        "pip",
        "--disable-pip-version-check",
        "-q",
        *args,
        env={**os.environ, "PYPI": "1"},
    )  # lgpio's source builds its C library in


def lgpio_wheel(python: Path) -> Path:
    """lgpio for the guest's system Python, as Raspberry Pi OS has it
    (python3-lgpio): built from its source on PyPI with swig and this gcc."""
    folder = CACHE / "lgpio-source"
    found = sorted(folder.glob("lgpio-*.whl"))
    if not found:
        say("building lgpio from its source (PyPI)")
        pip(python, "wheel", "--no-binary", "lgpio", "--use-pep517", "-w", folder, "lgpio")
        found = sorted(folder.glob("lgpio-*.whl"))
    return found[-1]


def image(abi: str, module: Path, lgpio: Path) -> Path:
    """The bookworm image (build-image.sh), keyed by everything it is made of."""
    key = digest(
        abi,
        (HERE / "build-image.sh").read_bytes(),
        (GUEST / "vmtest.service").read_bytes(),
        module.read_bytes(),
        lgpio.name,
    )
    out = CACHE / f"image-{key}"
    if (out / "root.img").exists():
        return out
    for old in CACHE.glob("image-*"):  # an image of older inputs
        shutil.rmtree(old, ignore_errors=True)
    say(f"building the image {out.name} (debootstrap: a minute or two)")
    subprocess.run(["sh", HERE / "build-image.sh", out, abi, module, lgpio], check=True)
    return out


def arm64_kernel(abi: str) -> str:
    """Debian's arm64 kernel of the same release as the amd64 one *abi*."""
    return abi.removesuffix("-amd64") + "-arm64"


def lgpio_source(python: Path) -> Path:
    """lgpio's source archive from PyPI, built in the arm64 image."""
    folder = CACHE / "arm64-lgpio-source"
    found = sorted(folder.glob("lgpio-*.tar.gz"))
    if not found:
        say("downloading lgpio's source (PyPI)")
        shutil.rmtree(folder, ignore_errors=True)
        pip(python, "download", "--no-binary", ":all:", "--no-deps", "-d", folder, "lgpio")
        found = sorted(folder.glob("lgpio-*.tar.gz"))
    return found[-1]


class Binfmt:
    """qemu-user-static's handler for arm64 programs, registered with
    binfmt_misc while the arm64 image is built (its chroot runs them), if it
    is not already; unregistered after, if this registered it."""

    name = "qemu-aarch64"
    rule = Path("/usr/lib/binfmt.d/qemu-aarch64.conf")  # from qemu-user-static

    def __enter__(self):
        self.mounted = self.registered = False
        if not (BINFMT / "register").exists():
            mount = ["mount", "-t", "binfmt_misc", "binfmt_misc", BINFMT]
            if subprocess.run(mount, check=False).returncode:
                raise CannotRun(
                    f"cannot mount binfmt_misc on {BINFMT}: the arm64 image's "
                    "chroot runs its programs through qemu-user-static"
                )
            self.mounted = True
        if not (BINFMT / self.name).exists():
            try:
                (BINFMT / "register").write_text(self.rule.read_text().strip())
            except OSError as error:
                raise CannotRun(f"cannot register {self.rule} with binfmt_misc: {error}") from None
            self.registered = True
        return self

    def __exit__(self, *exc):
        if self.registered:
            (BINFMT / self.name).write_text("-1")
        if self.mounted:
            subprocess.run(["umount", BINFMT], check=False)


def arm64_image(abi: str, version: str, lgpio: Path) -> Path:
    """The arm64 bookworm image (build-image.sh), with gpio-sim and lgpio
    built in it from their sources, keyed by everything it is made of."""
    kver = arm64_kernel(abi)
    key = digest(
        "arm64",
        kver,
        version,
        *SOURCE_FILES,
        "generic_handle_irq",
        lgpio.name,
        (HERE / "build-image.sh").read_bytes(),
        (GUEST / "vmtest.service").read_bytes(),
        (GUEST / "vmtest-arm64.conf").read_bytes(),
    )
    out = CACHE / f"arm64-image-{key}"
    if (out / "root.img").exists():
        return out
    for old in CACHE.glob("arm64-image-*"):  # an arm64 image of older inputs
        shutil.rmtree(old, ignore_errors=True)
    say(f"building the image {out.name} (debootstrap and builds under qemu-user: 11 to 16 minutes)")
    with tempfile.TemporaryDirectory(dir=CACHE) as work, Binfmt():
        sources = gpio_sim_sources(Path(work), version)
        subprocess.run(["sh", HERE / "build-image.sh", out, kver, sources, lgpio], check=True)
    return out


def dependency_wheels(python: Path, arch: str = "x86_64") -> Path:
    """microbreak's dependencies, the network unit's (the ``network`` extra,
    which install.sh adds when the settings have [mqtt] host) and the build
    backend as wheels, for install.sh --wheels."""
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())
    wanted = (
        project["project"]["dependencies"]
        + project["project"]["optional-dependencies"]["network"]
        + project["build-system"]["requires"]
    )
    prefix, platform = wheels_platform(arch)
    folder = CACHE / f"{prefix}wheels-{digest(*wanted)}"
    if not folder.exists():
        for old in CACHE.glob(f"{prefix}wheels-*"):  # for older dependencies, or half made
            shutil.rmtree(old, ignore_errors=True)
        say(f"downloading wheels: {', '.join(wanted)}")
        partial = Path(str(folder) + ".partial")
        pip(python, "download", "--only-binary", ":all:", *platform, "-d", partial, *wanted)
        partial.rename(folder)
    return folder


def wheels_platform(arch: str) -> tuple[str, list[str]]:
    """The cache's prefix for *arch*'s wheels, and pip's options to download
    them: this machine's for x86_64; for arm64, the Pi's (CPython 3.11, glibc
    2.36: manylinux aarch64 wheels)."""
    if arch == "x86_64":
        return "", []
    return "arm64-", [
        "--platform",
        "manylinux2014_aarch64",
        "--platform",
        "manylinux_2_28_aarch64",
        "--python-version",
        "3.11",
        "--implementation",
        "cp",
        "--abi",
        "cp311",
    ]


def checkout_files() -> list[str]:
    """The checkout's files as they are now (tracked and new, not ignored)."""
    done = sh("git", "-C", CHECKOUT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({name for name in done.stdout.split("\0") if name and (CHECKOUT / name).exists()})


def run_disk(work: Path, wheels: Path, options: dict, ssh_key: Path | None = None) -> Path:
    """The second disk: this checkout, the wheels, the scenario and its
    options; with *ssh_key*, its public half for the guest's 'pi'."""
    top = work / "disk"
    top.mkdir()
    if ssh_key is not None:
        (top / "fleet").mkdir()
        shutil.copy(ssh_key.with_suffix(".pub"), top / "fleet" / "authorized_keys")
    for name in checkout_files():
        target = top / "src" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(CHECKOUT / name, target, follow_symlinks=False)
    shutil.copytree(wheels, top / "wheels")
    shutil.copytree(GUEST, top / "guest")
    shutil.copy(GUEST / "scenario.py", top / "scenario.py")
    (top / "options.json").write_text(json.dumps(options))
    size = sum(f.stat().st_size for f in top.rglob("*") if f.is_file())
    disk = work / "run.img"
    sh("mkfs.ext4", "-q", "-F", "-L", "vmtest", "-d", top, disk, f"{size // 2**20 + 64}M")
    return disk


def ansible_tools() -> Path:
    """ansible-playbook's folder: a venv in the cache with the ansible-core
    that pyproject's test extra names."""
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())
    wanted = [
        requirement
        for requirement in project["project"]["optional-dependencies"]["test"]
        if requirement.startswith("ansible-core")
    ]
    return fleet.ansible_venv(CACHE, PYTHON, wanted)


def prepare_fleet(work: Path, wheels: Path, tools: Path) -> fleet.Fleet:
    """The Ansible runs' parts: an SSH key for 'pi', a port on 127.0.0.1 for
    qemu to forward, this checkout as an archive and a newer version of it,
    the wheels as an archive."""
    folder = work / "fleet"
    folder.mkdir()
    key = folder / "id_ed25519"
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vmtest", "-f", key)
    with socket.socket() as probe:  # a free port, given to qemu at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    files = checkout_files()
    version = re.search(
        r'__version__ = "([^"]+)"', (CHECKOUT / "device/microbreak/__init__.py").read_text()
    )
    archives = (
        fleet.source_archive(files, folder / "microbreak.tar.gz"),
        fleet.source_archive(files, folder / "microbreak-update.tar.gz", f"{version[1]}+fleet"),
    )
    wheels_archive = fleet.wheels_archive(wheels, folder / "wheels.tar.gz")
    return fleet.Fleet(folder, port, key, tools, archives, wheels_archive, say)


# -- the run -------------------------------------------------------------------------------


class Screendumps:
    """QMP's screendump of the guest's screen when the guest asks for one
    (a line ``SCREENDUMP NAME``), then ``NAME`` on its third serial port to
    say it is taken."""

    def __init__(self, work: Path):
        self.work = work
        self.qmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.qmp.settimeout(30)
        self.qmp.connect(str(work / "qmp.sock"))
        self.replies = self.qmp.makefile("r")
        self.replies.readline()  # the greeting
        self._command("qmp_capabilities")
        self.ack = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ack.connect(str(work / "ack.sock"))

    def _command(self, name: str, **arguments) -> dict:
        self.qmp.sendall(json.dumps({"execute": name, "arguments": arguments}).encode() + b"\n")
        while True:
            reply = json.loads(self.replies.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"QMP {name}: {reply['error']}")

    def take(self, name: str) -> None:
        self._command("screendump", filename=str(self.work / f"{name}.screendump.ppm"))
        self.answer(name)

    def answer(self, name: str) -> None:
        """Tell the guest that *name* (a screendump, the Ansible runs) is done."""
        self.ack.sendall(f"{name}\n".encode())

    def close(self) -> None:
        self.qmp.close()
        self.ack.close()


def qemu_x86_64(image_dir: Path, disk: Path, work: Path, ssh_port: int | None = None) -> list:
    console, report = work / "console.log", work / "report.log"
    # No network, or with ssh_port only qemu's user network with no way out
    # (restrict=on) but 127.0.0.1:ssh_port forwarded to the guest's sshd.
    nic = (
        f"user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:{ssh_port}-:22"
        if ssh_port
        else "none"
    )
    return [
        # Software emulation (TCG, one thread per processor): no KVM needed.
        # The processor model with all TCG can do: wheels built for today's
        # x86_64 processors died with SIGILL on the default one (qemu64).
        "qemu-system-x86_64",
        "-accel",
        "tcg,thread=multi",
        "-cpu",
        "max",
        "-smp",
        "2",
        "-m",
        "1536",
        "-kernel",
        image_dir / "vmlinuz",
        "-initrd",
        image_dir / "initrd.img",
        "-append",
        "root=/dev/vda rw console=ttyS0 panic=-1 mitigations=off",
        "-drive",
        f"file={image_dir / 'root.img'},format=raw,if=virtio,snapshot=on",
        "-drive",
        f"file={disk},format=raw,if=virtio,readonly=on",
        "-drive",
        f"file={work / 'artifacts.img'},format=raw,if=virtio",
        "-device",
        "virtio-rng-pci",
        "-nic",
        nic,
        "-serial",
        f"file:{console}",
        "-serial",
        f"file:{report}",
        # The guest's screen: QEMU's standard VGA, which the kernel's bochs
        # DRM driver runs at 800x480 (the size of the official 7-inch
        # display); QMP's screendump saves what it shows.
        "-vga",
        "none",
        "-device",
        f"VGA,edid=on,xres={SCREEN[0]},yres={SCREEN[1]}",
        "-qmp",
        f"unix:{work / 'qmp.sock'},server=on,wait=off",
        # After each screendump the host says so on the guest's third serial port.
        "-chardev",
        f"socket,id=ack,path={work / 'ack.sock'},server=on,wait=off",
        "-serial",
        "chardev:ack",
        # Its sound card: Intel HDA, recorded to a WAV file.
        "-audiodev",
        f"wav,id=sound,path={work / 'audio.wav'}",
        "-device",
        "intel-hda",
        "-device",
        "hda-output,audiodev=sound",
        "-display",
        "none",
        "-monitor",
        "none",
        "-no-reboot",
    ]


def qemu_arm64(image_dir: Path, disk: Path, work: Path) -> list:
    console, report = work / "console.log", work / "report.log"
    return [
        # The virt machine, the processor model with all TCG can do (as
        # x86_64's), its pointer authentication with qemu's own cheap
        # algorithm instead of the architecture's (much slower to emulate).
        "qemu-system-aarch64",
        "-M",
        "virt",
        "-accel",
        "tcg,thread=multi",
        "-cpu",
        "max,pauth-impdef=on",
        "-smp",
        "2",
        "-m",
        "1536",
        "-kernel",
        image_dir / "vmlinuz",
        "-initrd",
        image_dir / "initrd.img",
        # virt's own GPIO controller (a PL061, for its power button) would be
        # gpiochip0 ahead of gpio-sim: kept out, built in or a module.
        "-append",
        (
            "root=/dev/vda rw console=ttyAMA0 panic=-1 mitigations=off "
            "initcall_blacklist=pl061_gpio_driver_init module_blacklist=gpio_pl061"
        ),
        "-drive",
        f"file={image_dir / 'root.img'},format=raw,if=virtio,snapshot=on",
        "-drive",
        f"file={disk},format=raw,if=virtio,readonly=on",
        "-device",
        "virtio-rng-pci",
        "-nic",
        "none",
        # A screen for the display path (virtio_gpu: /dev/dri/card0).
        "-device",
        "virtio-gpu-pci",
        # One serial port, the console; the scenario reports on a virtio
        # console (/dev/hvc0: guest/vmtest-arm64.conf).
        "-serial",
        f"file:{console}",
        "-device",
        "virtio-serial-pci",
        "-chardev",
        f"file,id=report,path={report}",
        "-device",
        "virtconsole,chardev=report",
        "-display",
        "none",
        "-monitor",
        "none",
        "-no-reboot",
    ]


def boot(
    image_dir: Path,
    disk: Path,
    work: Path,
    timer: Timer,
    arch: str = "x86_64",
    ansible: fleet.Fleet | None = None,
) -> str:
    """Boots the image with *disk*, printing the scenario's lines as they come;
    returns all it reported. With *ansible*, its runs when the guest is ready
    for them (their problems kept in ansible.problems)."""
    console, report = work / "console.log", work / "report.log"
    if arch == "arm64":
        command = qemu_arm64(image_dir, disk, work)
    else:
        command = qemu_x86_64(image_dir, disk, work, ansible.port if ansible else None)
    boot_timeout, run_timeout = ARM64_TIMEOUTS if arch == "arm64" else (BOOT_TIMEOUT, RUN_TIMEOUT)
    start = time.monotonic()
    with open(work / "qemu.log", "w") as log:
        qemu = subprocess.Popen([str(c) for c in command], stdout=log, stderr=subprocess.STDOUT)
    printed = 0
    booted = None
    screen = None
    hosted = 0.0  # seconds the guest waited for the host's Ansible runs
    try:
        while True:
            ended = qemu.poll() is not None
            text = report.read_text(errors="replace").replace("\r", "") if report.exists() else ""
            lines = text.splitlines(keepends=True)
            complete = [line for line in lines if line.endswith("\n")]
            for line in complete[printed:]:
                print(f"  guest {line}", end="", flush=True)
                if booted is None and "booted;" in line:
                    booted = time.monotonic()
                    timer.times["boot"] = booted - start
                dump = re.search(r"SCREENDUMP (\S+)", line)
                if dump:
                    screen = screen or Screendumps(work)
                    screen.take(dump.group(1))
                if ansible is not None and "FLEET ready" in line:
                    took = time.monotonic()
                    with timer("ansible"):
                        ansible.run_all()
                    screen = screen or Screendumps(work)
                    screen.answer("fleet")
                    hosted += time.monotonic() - took
            printed = len(complete)
            if ended:
                break
            elapsed = time.monotonic() - start - hosted
            if booted is None and elapsed > boot_timeout:
                raise TimeoutError(f"the guest did not start the scenario in {boot_timeout} s")
            if elapsed > run_timeout:
                raise TimeoutError(f"the guest did not finish in {run_timeout} s")
            time.sleep(0.1)
    except BaseException as error:
        qemu.kill()
        qemu.wait()
        tail = (
            console.read_text(errors="replace").replace("\r", "")[-6000:]
            if console.exists()
            else ""
        )
        if isinstance(error, TimeoutError):
            return text + f"\nRESULT: FAIL: {error}\n----- the guest's console (end) -----\n{tail}"
        raise
    finally:
        if screen is not None:
            screen.close()
        if booted is not None:
            timer.times["scenario"] = time.monotonic() - booted
    output = (work / "qemu.log").read_text(errors="replace")
    if qemu.returncode != 0 or "RESULT:" not in text:
        tail = (
            console.read_text(errors="replace").replace("\r", "")[-6000:]
            if console.exists()
            else ""
        )
        text += (
            f"\nRESULT: FAIL: the guest stopped without a result (qemu exit "
            f"{qemu.returncode}) {output.strip()}\n----- the guest's console (end) -----\n"
            f"{tail}"
        )
    return text


def check_evidence(work: Path, report: str) -> list[str]:
    """The guest's screen against the service's own pictures, and its sound
    against the cue melodies; kept in out/vmtest/. Returns what is wrong."""
    from evidence import Picture, differing, find_melody, tones

    sys.path.insert(0, str(CHECKOUT / "device"))
    from microbreak.parts.rtttl import parse

    out = CHECKOUT / "out" / "vmtest"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    guest = work / "from-guest"
    guest.mkdir()
    sh("debugfs", "-R", f"rdump / {guest}", work / "artifacts.img")
    problems = []
    names = re.findall(r"SCREENDUMP (\S+)", report)
    for name in names:
        shown = Picture.read(work / f"{name}.screendump.ppm")
        shown.save_png(out / f"{name}-screen.png")
        drawn = [Picture.read(path) for path in sorted(guest.glob(f"*/{name}*.png"))]
        for path in guest.glob(f"*/{name}*.png"):
            shutil.copy(
                path,
                out / f"{name}-{path.stem.removeprefix(name).strip('-') or 'drawn'}-service.png",
            )
        if not drawn:
            problems.append(f"screen {name}: the guest saved no picture of its own")
            continue
        share = min(differing(shown, picture) for picture in drawn)
        say(
            f"screen {name}: {shown.width}x{shown.height} on the display; "
            f"{100 * share:.2f} % of pixels differ from the service's own picture "
            f"(allowed {100 * PIXELS_ALLOWED:g} %)"
        )
        if (shown.width, shown.height) != SCREEN:
            problems.append(
                f"screen {name}: the display showed {shown.width}x{shown.height}, "
                f"not {SCREEN[0]}x{SCREEN[1]}"
            )
        elif share > PIXELS_ALLOWED:
            problems.append(
                f"screen {name}: {100 * share:.1f} % of the display's pixels differ "
                f"from the service's picture (allowed {100 * PIXELS_ALLOWED:g} %); "
                f"see {out}"
            )
    heard = tones(work / "audio.wav")
    (out / "tones.txt").write_text(
        "".join(f"{at:9.3f} s {length:6.3f} s {hz:8.1f} Hz\n" for at, length, hz in heard)
    )
    frequencies = [hz for _, _, hz in heard]
    sounds = CHECKOUT / "sounds"
    # Two sets a break, each confirmed by a press: the first sounds the
    # confirm tone, the second the done chime in its place. Every break
    # with a press had the speaker on: each cue is wanted once a break.
    firsts = len(re.findall(r"set 1 confirmed by a press", report))
    seconds = len(re.findall(r"set 2 confirmed by a press", report))
    for cue, wanted in (("break", firsts), ("confirm", firsts), ("done", seconds)):
        notes = [
            n.frequency for n in parse((sounds / f"{cue}.rtttl").read_text()).notes if n.frequency
        ]
        found = find_melody(frequencies, notes)
        say(
            f"sound: the {cue} cue ({', '.join(f'{hz:.0f}' for hz in notes)} Hz) heard "
            f"{len(found)} time(s) within 2 % (wanted {wanted}); {len(heard)} tones recorded"
        )
        if len(found) < wanted:
            problems.append(
                f"sound: the {cue} cue was heard {len(found)} time(s), not "
                f"{wanted}; the tones are in {out / 'tones.txt'}"
            )
    say(f"screen and sound kept in {out}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--arch",
        choices=("x86_64", "arm64"),
        default="x86_64",
        help="the guest's architecture (default x86_64)",
    )
    parser.add_argument(
        "--scenario",
        choices=("full", "short", "fleet"),
        default="full",
        help="full (the default): every step, and on x86_64 then the Ansible "
        "runs; short: install, ready, one break cued with the LED and buzzer, "
        "its sets confirmed by presses, in the history (no reload, no "
        "watchdog); fleet: only the Ansible runs (x86_64)",
    )
    parser.add_argument(
        "--break-unit",
        metavar="DROPIN",
        action="append",
        default=[],
        help="add tests/vm/guest/DROPIN to the unit before installing, "
        "e.g. no-gpio-device.conf: the test must then fail",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's folder (disk, console and report logs)"
    )
    args = parser.parse_args(argv)
    for name in args.break_unit:
        if not (GUEST / name).is_file():
            parser.error(f"--break-unit {name}: no such file in {GUEST}")

    if args.scenario == "fleet" and args.arch != "x86_64":
        parser.error("--scenario fleet: x86_64 only (qemu's user network forwards SSH)")
    with_ansible = args.arch == "x86_64" and args.scenario in ("full", "fleet")
    timer = Timer()
    start = time.monotonic()
    try:
        with timer("tools"):
            need_tools()
            abi, version = kernel()
        CACHE.mkdir(parents=True, exist_ok=True)
        with open(CACHE / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one run at a time builds the cached parts
            if args.arch == "arm64":  # gpio-sim and lgpio are built in the image
                timer.times["module"] = 0
                with timer("wheels"):
                    python = host_venv()
                    lgpio = lgpio_source(python)
                    wheels = dependency_wheels(python, args.arch)
                with timer("image"):
                    image_dir = arm64_image(abi, version, lgpio)
            else:
                with timer("module"):
                    module = gpio_sim(abi, version)
                with timer("wheels"):
                    python = host_venv()
                    lgpio = lgpio_wheel(python)
                    wheels = dependency_wheels(python)
                with timer("image"):
                    image_dir = image(abi, module, lgpio)
                if with_ansible:
                    with timer("ansible tools"):
                        tools = ansible_tools()
    except CannotRun as reason:
        say(f"cannot run here: {reason}")
        return 2
    except (RuntimeError, subprocess.CalledProcessError) as error:
        say(f"FAIL: building the VM's parts: {error}")
        return 1
    work = Path(tempfile.mkdtemp(prefix="run-", dir=CACHE))
    try:
        with timer("disk"):
            screendumps = args.arch == "x86_64"  # QEMU's VGA, HDA and serial ports
            ansible = prepare_fleet(work, wheels, tools) if with_ansible else None
            disk = run_disk(
                work,
                wheels,
                {
                    "break_unit": args.break_unit,
                    "arch": args.arch,
                    "scenario": args.scenario,
                    "screen": f"{SCREEN[0]}x{SCREEN[1]}",
                    "screendumps": screendumps,
                    # The network unit and a broker: on x86_64 only. Its packages are
                    # pure Python, the same on arm64, whose run is the longer by far.
                    "network": args.arch == "x86_64",
                    "fleet": with_ansible,
                },
                ansible.key if ansible else None,
            )
            sh("mkfs.ext4", "-q", "-F", "-L", "artifacts", work / "artifacts.img", "64M")
        say(f"booting {image_dir.name} under qemu ({args.arch}); the guest says:")
        report = boot(image_dir, disk, work, timer, args.arch, ansible)
        if ansible is not None and "RESULT: PASS" in report:
            problems = ansible.problems if ansible.ran else ["the guest never asked for Ansible"]
            if problems:
                report = report.replace("RESULT: PASS", "RESULT: FAIL: " + problems[0])
        if screendumps and "RESULT: PASS" in report:
            with timer("evidence"):
                problems = check_evidence(work, report)
            if problems:
                report = report.replace("RESULT: PASS", "RESULT: FAIL: " + problems[0])
                report += "".join(f"\n  {problem}" for problem in problems[1:])
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    timer.times["total"] = time.monotonic() - start
    lines = report.splitlines()
    at = next((i for i, line in enumerate(lines) if "RESULT:" in line), None)
    result = "FAIL: no result" if at is None else lines[at].split("RESULT:", 1)[1].strip()
    for line in lines[at + 1 :] if at is not None else []:  # the reason's further lines
        if not line.startswith("  "):
            break
        result += "\n" + line
    t = timer.times
    build = sum(t.get(name, 0) for name in ("module", "wheels", "image", "disk"))
    say(
        f"times: build {build:.0f} s (module {t['module']:.0f} s, wheels {t['wheels']:.0f} s, "
        f"image {t['image']:.0f} s, run disk {t['disk']:.0f} s), boot {t.get('boot', 0):.0f} s, "
        f"scenario {t.get('scenario', 0):.0f} s (of it the host's Ansible runs "
        f"{t.get('ansible', 0):.0f} s), total {t['total']:.0f} s "
        f"(installing Debian packages {t['tools']:.0f} s, "
        f"ansible-core {t.get('ansible tools', 0):.0f} s)"
    )
    if result == "PASS":
        say("PASS")
        return 0
    after = "\n".join(lines[at + 1 + result.count("\n") :]) if at is not None else ""
    if after.strip():  # the guest's journal and such, after the reason
        print(after.rstrip(), flush=True)
    say(f"FAIL: {result.removeprefix('FAIL: ')}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
