"""The VM test's scenario, run as root by vmtest.service inside the guest.

A person's Raspberry Pi, as far as this machine can be one: a simulated GPIO
chip (gpio-sim) in place of the Pi's, the checkout copied to /home/pi as a
clone would be, then ``sudo ./deploy/install.sh`` as the README says (with
``--wheels``: the guest has no network, so the Python packages come from a
folder the host filled). Then the service is driven through its lines: the
LED and buzzer lines are read from gpio-sim's sysfs files, the button line is
pulled down and up. Everything it sees goes to stdout (the host's report
file); the last line is ``RESULT: PASS`` or ``RESULT: FAIL: <why>``, followed
on failure by the service's status and journal.

Only the standard library: it runs on the guest's own Python.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import grp
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import threading
import time
import tty
from pathlib import Path

RUN = Path("/mnt/vmtest")  # the disk the host made for this run
OPTIONS: dict = {}  # from options.json on that disk, read by main()
GUEST = RUN / "guest"  # tests/vm/guest/ of the checkout
HOME = Path("/home/pi")
CHECKOUT = HOME / "microbreak"
WHEELS = HOME / "wheels"
DROPINS = Path("/etc/systemd/system/microbreak.service.d")
CONFIG = Path("/etc/microbreak/config.toml")
VENV_PYTHON = "/opt/microbreak/venv/bin/python"
SOCKET = Path("/run/microbreak/control.sock")
ARTIFACTS = Path("/mnt/artifacts")  # the third disk: the host reads it when we are done
ACK = "/dev/ttyS2"  # the host says here that it took a screendump
MEMORY_TARGET_MIB = 45  # the service's resident memory, idle and during an exercise
BROKER = "127.0.0.1"  # Debian's mosquitto in the guest, as it starts at boot
MQTT_DEVICE = "deskpi"  # the device's id in Home Assistant: [mqtt] device_id
MQTT_SETTINGS = f'\n[mqtt]\nhost = "{BROKER}"\ndevice_id = "{MQTT_DEVICE}"\n'

BUTTON, LED, BUZZER = 17, 27, 18  # the settings' defaults, BCM numbers
NUM_LINES = 54  # as a Pi 4's gpiochip0
GPIO_GET_LINEINFO_IOCTL = 0xC048B402  # <linux/gpio.h>, struct gpioline_info
GPIOLINE_FLAG_KERNEL = 1  # the line is in use

# device/microbreak/service/journal.py's MESSAGE_IDs (read from the checkout at run time)
MESSAGE_IDS: dict[str, str] = {}


class Failed(Exception):
    """A step found the device not doing what it should; the message says what."""


def uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


def say(text: str) -> None:
    print(f"[{uptime():7.1f}] {text}", flush=True)


@contextlib.contextmanager
def step(name: str):
    say(f"step: {name}")
    start = time.monotonic()
    try:
        yield
    except Failed as failure:
        raise Failed(f"{name}: {failure}") from None
    say(f"ok: {name} ({time.monotonic() - start:.1f} s)")


def run(
    *command: str, check: bool = True, user: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Runs *command* (as *user*, with a fresh login's groups), output captured."""
    if user is not None:
        command = ("runuser", "-u", user, "--", *command)
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise Failed(
            f"'{' '.join(command)}' exited {done.returncode}:\n{done.stdout}{done.stderr}".rstrip()
        )
    return done


def wait_for(what: str, predicate, timeout: float, interval: float = 0.2):
    """Polls *predicate* until it returns something true; Failed after *timeout*."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failed(f"{what}: not within {timeout:g} s")
        time.sleep(interval)


def unit(*properties: str, name: str = "microbreak") -> dict[str, str]:
    out = run("systemctl", "show", name, *(f"--property={p}" for p in properties)).stdout
    values: dict[str, str] = {}
    for key, value in (line.split("=", 1) for line in out.splitlines() if "=" in line):
        values[key] = f"{values[key]}, {value}" if key in values else value  # DeviceAllow=...
    return values


def journal(*matches: str) -> list[dict]:
    """The service's journal entries this boot, as JSON objects."""
    out = run("journalctl", "-b", "-u", "microbreak", "-o", "json", "--no-pager", *matches).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def events(kind: str) -> list[dict]:
    return journal(f"MESSAGE_ID={MESSAGE_IDS[kind]}")


def diagnosis(chip: Path = Path("/dev/gpiochip0")) -> str:
    """What went wrong with the service, as far as the guest can tell: the
    unit's state, the service's own warnings and errors, the error it ended
    on, what gpiozero said of each pin library, and, when the GPIO chip would
    not open, whether the service's user can open it outside the unit (if so,
    the unit keeps it out)."""
    state = unit("ActiveState", "SubState", "Result", "DeviceAllow", "DevicePolicy")
    reasons = [
        f"the service is {state['ActiveState']} ({state['SubState']}, result {state['Result']})"
    ]
    try:  # the service's own warnings and errors, not systemd's
        own = "_UID=" + str(pwd.getpwnam("microbreak").pw_uid)
    except KeyError:
        own = "_UID=0"
    said = run(
        "journalctl",
        "-b",
        "-u",
        "microbreak",
        "-o",
        "cat",
        "--no-pager",
        "-p",
        "warning",
        own,
        check=False,
    ).stdout.splitlines()
    warnings = list(dict.fromkeys(line.strip() for line in said if line.strip()))
    if warnings:
        reasons.append("it said: " + " | ".join(warnings[-3:]))
    lines = run(
        "journalctl", "-b", "-u", "microbreak", "-o", "cat", "--no-pager", check=False
    ).stdout.splitlines()
    error = next(
        (
            line.strip()
            for line in reversed(lines)
            if re.match(r"[\w.]+(Error|Exception|Factory)\b[^:]*: ", line.strip())
        ),
        None,
    )
    if error:
        reasons.append(f"it ended on {error}")
    fallbacks: dict[str, str] = {}
    for line in lines:
        found = re.search(r"Falling back from (\w+): (.*)", line)
        if found:
            fallbacks.setdefault(found.group(1), found.group(2))
    if fallbacks:
        reasons.append("gpiozero: " + "; ".join(f"{k}: {v}" for k, v in fallbacks.items()))
    if re.search(r"can ?not open gpiochip", "\n".join(lines)):  # lgpio's words
        opened = run(
            "runuser",
            "-u",
            "microbreak",
            "--",
            "python3",
            "-c",
            f"import os; os.close(os.open('{chip}', os.O_RDWR))",
            check=False,
        )
        if opened.returncode == 0:
            reasons.append(
                f"the user microbreak opens {chip} outside the unit, so the unit "
                f"keeps it out: DevicePolicy={state['DevicePolicy']}, DeviceAllow="
                f"{state['DeviceAllow'] or '(none)'}"
            )
        else:
            reasons.append(
                f"the user microbreak cannot open {chip} even outside the unit: "
                f"{(opened.stderr.strip().splitlines() or ['?'])[-1]}"
            )
    return "\n  ".join(reasons)


# -- the simulated GPIO chip --------------------------------------------------------


class Chip:
    """A gpio-sim chip made through configfs, and its lines' sysfs files."""

    def __init__(self):
        run("modprobe", "gpio-sim")
        config = Path("/sys/kernel/config")
        if not (config / "gpio-sim").is_dir():
            run("mount", "-t", "configfs", "none", str(config), check=False)
        chip = config / "gpio-sim" / "pi"
        bank = chip / "bank0"
        bank.mkdir(parents=True)
        (bank / "num_lines").write_text(f"{NUM_LINES}\n")
        (bank / "label").write_text("pinctrl-bcm2711\n")
        (chip / "live").write_text("1\n")
        self.name = (bank / "chip_name").read_text().strip()
        device = (chip / "dev_name").read_text().strip()
        self.lines = Path("/sys/devices/platform", device, self.name)
        self.dev = Path("/dev", self.name)

    def value(self, line: int) -> int:
        return int((self.lines / f"sim_gpio{line}" / "value").read_text())

    def pull(self, line: int, direction: str) -> None:
        (self.lines / f"sim_gpio{line}" / "pull").write_text(direction)

    def consumer(self, line: int) -> str | None:
        """Who holds *line* (its consumer label), or None when no one does."""
        info = bytearray(struct.pack("II32s32s", line, 0, b"", b""))
        with open(self.dev, "rb") as chip:
            fcntl.ioctl(chip, GPIO_GET_LINEINFO_IOCTL, info)
        _, flags, _, consumer = struct.unpack("II32s32s", info)
        return (consumer.rstrip(b"\0").decode() or "?") if flags & GPIOLINE_FLAG_KERNEL else None


class Sampler(threading.Thread):
    """Reads the LED and buzzer lines every few milliseconds, keeping each
    change as (uptime, line, value)."""

    def __init__(self, chip: Chip, lines: tuple[int, ...], period: float = 0.002):
        super().__init__(daemon=True, name="sampler")
        self.chip, self.lines, self.period = chip, lines, period
        self.changes: list[tuple[float, int, int]] = []
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        last = {}
        while not self._halt.is_set():
            now = uptime()
            for line in self.lines:
                value = self.chip.value(line)
                if last.get(line) != value:
                    last[line] = value
                    self.changes.append((now, line, value))
            self.samples += 1
            time.sleep(self.period)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def since(self, start: float, line: int) -> list[int]:
        """The values *line* changed to after *start* (uptime seconds)."""
        return [value for at, which, value in list(self.changes) if which == line and at >= start]


# -- the screen, the sound, the cost --------------------------------------------------


def control(verb: str, **args) -> dict:
    """One request to the service over its socket (as root), its result."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(60)
        conn.connect(str(SOCKET))
        conn.sendall(json.dumps({"verb": verb, "args": args}).encode() + b"\n")
        reply = json.loads(conn.makefile("rb").readline())
    if not reply.get("ok"):
        raise Failed(f"{verb}: {reply.get('error')}")
    return reply["result"]


class HostAnswers:
    """The host's answers on the third serial port: after a line of ours that
    asks it to do something (a screendump, the Ansible runs), it writes the
    thing's name there when done."""

    def __init__(self):
        self.port = os.open(ACK, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.port)

    def wait(self, name: str, timeout: float) -> None:
        heard = b""
        deadline = time.monotonic() + timeout
        while not heard.endswith(b"\n"):
            if not select.select([self.port], [], [], max(deadline - time.monotonic(), 0))[0]:
                raise Failed(f"the host did not answer {name} within {timeout:g} s")
            heard += os.read(self.port, 100)
        if heard.decode().strip() != name:
            raise Failed(f"the host answered {heard!r} for {name}")

    def close(self) -> None:
        os.close(self.port)


class Screendumps:
    """The service's own picture of its screen, the host's screendump of the
    display, and the service's picture again, for the host to compare."""

    def __init__(self):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        run("mount", "/dev/vdc", str(ARTIFACTS))
        (ARTIFACTS / "screen").mkdir(exist_ok=True)
        self.host = HostAnswers()

    def picture(self, name: str) -> None:
        path = Path("/run/microbreak") / f"vmtest-{name}.png"
        result = control("screenshot", path=str(path))
        target = ARTIFACTS / "screen" / f"{name}.png"
        if isinstance(result, dict) and "png" in result:  # the picture itself, in the reply
            target.write_bytes(base64.b64decode(result["png"]))
        else:
            shutil.move(path, target)

    def take(self, name: str) -> None:
        self.picture(f"{name}-before")
        say(f"SCREENDUMP {name}")
        self.host.wait(name, 30)
        self.picture(f"{name}-after")

    def close(self) -> None:
        self.host.close()
        run("umount", str(ARTIFACTS))


def first_holds() -> dict[str, tuple[float, float]]:
    """When each built-in exercise's first hold starts and ends, in seconds
    after it appears (from the package's own timeline)."""
    done = run(
        VENV_PYTHON,
        "-c",
        """
import json
from microbreak.config.exercises import load_exercises
holds = {}
for exercise in load_exercises():
    motion, t, start = exercise.motion, 0.0, None
    while t < motion.rep_seconds * 2:
        if motion.at(t).hold_left is not None and start is None:
            start = t
        elif motion.at(t).hold_left is None and start is not None:
            break
        t += 0.05
    holds[exercise.name] = (start, t) if start is not None else (0.5, 1.0)
print(json.dumps(holds))
""",
    )
    return {name: tuple(hold) for name, hold in json.loads(done.stdout).items()}


def cue_seconds(name: str) -> float:
    """How long the built-in cue *name* plays (from the package's melody)."""
    done = run(
        VENV_PYTHON,
        "-c",
        f"""
from microbreak.resources import data_dir
from microbreak.parts.rtttl import parse
print(sum(n.seconds for n in parse((data_dir("sounds") / "{name}.rtttl").read_text()).notes))
""",
    )
    return float(done.stdout)


def main_pid() -> int:
    return int(unit("MainPID")["MainPID"])


def resident_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def settled_resident_mib(pid: int, timeout: float = 60) -> float:
    """The resident memory of *pid* once it has settled after a start (the
    cues synthesized, the first picture drawn): three readings a second
    apart within 0.1 MiB."""
    readings = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1)
        readings = (readings + [resident_mib(pid)])[-3:]
        if len(readings) == 3 and max(readings) - min(readings) <= 0.1:
            break
    return readings[-1]


def largest_mappings(pid: int, count: int = 8) -> str:
    """Where *pid*'s resident memory is: its largest mappings by file (or
    [heap], [anon], ...), in MiB, for the log when a figure is over its target."""
    sizes: dict[str, int] = {}
    name = "?"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5:
            name = Path(head[5]).name if len(head) > 5 else "[anon]"
        elif head and head[0] == "Rss:":
            sizes[name] = sizes.get(name, 0) + int(head[1])
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{n} {kb / 1024:.1f}" for n, kb in largest)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def exercise_cost(pid: int, seconds: float = 10.0) -> tuple[float, float]:
    """CPU seconds per second and resident MiB over *seconds* of an exercise."""
    start, cpu = time.monotonic(), cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - cpu) / (time.monotonic() - start), resident_mib(pid)


def wake_the_sound_card() -> None:
    """Two short silences on the sound card, before the service plays.

    In this VM the first streams after boot are missing from QEMU's
    recording of the HDA card: with the service first, the recording held
    nothing of its whole first run (the first break's cue, confirm tone and
    chime among it), all later runs were heard. After these the service's
    first run is heard too. Nothing of the kind is known of a Pi's card."""
    import ctypes

    say("two silences on the sound card, before the service plays")
    alsa = ctypes.CDLL("libasound.so.2")
    rate = 22050
    silence = (ctypes.c_int16 * rate)()
    for _ in range(2):
        pcm = ctypes.c_void_p()
        if alsa.snd_pcm_open(ctypes.byref(pcm), b"default", 0, 0) < 0:  # playback
            raise Failed("the sound card's default output does not open")
        try:  # signed 16-bit, interleaved, mono, resampled as needed, 0.5 s latency
            if (
                alsa.snd_pcm_set_params(pcm, 2, 3, 1, rate, 1, 500000) < 0
                or alsa.snd_pcm_writei(pcm, silence, rate) != rate
            ):
                raise Failed("the sound card's default output refuses a second of silence")
            alsa.snd_pcm_drain(pcm)
        finally:
            alsa.snd_pcm_close(pcm)


def press(chip: Chip) -> None:
    chip.pull(BUTTON, "pull-down")
    time.sleep(0.3)
    chip.pull(BUTTON, "pull-up")


# -- the scenario --------------------------------------------------------------------


def read_message_ids() -> None:
    namespace: dict = {}
    exec(
        compile(
            (RUN / "src/device/microbreak/service/journal.py").read_text(), "journal.py", "exec"
        ),
        namespace,
    )
    MESSAGE_IDS.update(namespace["MESSAGE_IDS"])


def put_dropin(name: str) -> None:
    DROPINS.mkdir(parents=True, exist_ok=True)
    shutil.copy(GUEST / name, DROPINS / name)
    say(f"test drop-in {DROPINS / name}:\n" + (GUEST / name).read_text().rstrip())


def prepare(chip: Chip) -> None:
    with step(f"a simulated GPIO chip: {chip.dev}, {NUM_LINES} lines"):
        if chip.name != "gpiochip0":
            raise Failed(f"gpio-sim made {chip.name}; gpiozero opens gpiochip0 on a Pi 4")
        run("udevadm", "settle")
        info = chip.dev.stat()
        group = grp.getgrgid(info.st_gid).gr_name
        mode = stat.S_IMODE(info.st_mode)
        if (group, mode) != ("gpio", 0o660):
            raise Failed(f"{chip.dev} is {group} {mode:o}, not gpio 660 (the udev rule)")
        chip.pull(BUTTON, "pull-up")  # a button to ground with the pin's pull-up: released
        say(f"{chip.dev}: group {group}, mode {mode:o}; lines in {chip.lines}")

    with step("a clone of the checkout in /home/pi, settings for the test"):
        shutil.copytree(RUN / "src", CHECKOUT, symlinks=True)
        shutil.copytree(RUN / "wheels", WHEELS)
        pi = pwd.getpwnam("pi")
        for folder in (CHECKOUT, WHEELS):
            run("chown", "-R", f"{pi.pw_uid}:{pi.pw_gid}", str(folder))
        # The settings a person would have put there: breaks all day, every
        # minute, no screen. install.sh keeps a settings file it finds.
        CONFIG.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(GUEST / "config.toml", CONFIG)
        if OPTIONS.get("network"):  # install.sh then installs and starts the network unit
            CONFIG.write_text(CONFIG.read_text() + MQTT_SETTINGS)
        # A Pi's revision where gpiozero reads it (test only: this is no Pi).
        cpuinfo = Path("/etc/microbreak-vmtest/cpuinfo")
        cpuinfo.parent.mkdir(parents=True, exist_ok=True)
        cpuinfo.write_text(
            Path("/proc/cpuinfo").read_text().rstrip("\n")
            + "\n\nHardware\t: BCM2835\nRevision\t: c03114\n"
            "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n"
        )
        put_dropin("pi-revision.conf")
        for name in OPTIONS.get("break_unit", []):
            put_dropin(name)


def install(chip: Chip) -> dict:
    with step("sudo ./deploy/install.sh --wheels ~/wheels (as the person 'pi')"):
        start = time.monotonic()
        done = subprocess.run(
            [
                "runuser",
                "-u",
                "pi",
                "--",
                "sh",
                "-c",
                f"cd {CHECKOUT} && sudo ./deploy/install.sh --wheels {WHEELS}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        say(
            f"install.sh ({time.monotonic() - start:.1f} s, exit {done.returncode}):\n"
            + (done.stdout + done.stderr).rstrip()
        )
        if done.returncode != 0:
            raise Failed(
                f"install.sh exited {done.returncode}: "
                f"{(done.stderr.strip().splitlines() or ['?'])[-1]}\n  {diagnosis()}"
            )
    with step("the service runs as its own user under the hardened unit, and is ready"):
        state = unit(
            "ActiveState",
            "SubState",
            "MainPID",
            "Type",
            "User",
            "StatusText",
            "NRestarts",
            "WatchdogUSec",
        )
        say(f"unit: {state}")
        if (state["ActiveState"], state["SubState"]) != ("active", "running"):
            raise Failed(diagnosis())
        if state["Type"] != "notify":
            raise Failed(f"Type={state['Type']}, not notify")
        uid = next(
            int(line.split()[1])
            for line in Path(f"/proc/{state['MainPID']}/status").read_text().splitlines()
            if line.startswith("Uid:")
        )
        user = pwd.getpwuid(uid).pw_name
        if user != "microbreak":
            raise Failed(f"the main process runs as {user}, not microbreak")
        if not state["StatusText"]:
            raise Failed("no STATUS= line from the service")
        if not events("started"):
            raise Failed("no 'started' event in the journal")
        groups = run("id", "-nG", "microbreak").stdout.split()
        if "gpio" not in groups:
            raise Failed(f"install.sh did not put microbreak in the group gpio: {groups}")
        say(
            f"main PID {state['MainPID']} runs as {user} (groups {' '.join(groups)}); "
            f"status: {state['StatusText']}"
        )
    with step("the service holds its button, LED and buzzer lines"):
        held = {line: chip.consumer(line) for line in (BUTTON, LED, BUZZER)}
        say(
            f"{chip.dev} lines: "
            + ", ".join(f"{line}: {who or 'free'}" for line, who in held.items())
        )
        free = [str(line) for line, who in held.items() if who is None]
        if free:
            raise Failed(
                f"line(s) {', '.join(free)} of {chip.dev} not held by the service\n  " + diagnosis()
            )
    return state


def running_settings() -> dict:
    """The settings the running service holds, asked over its socket as 'pi'."""
    done = run(
        VENV_PYTHON,
        "-c",
        "import json; from microbreak.service.control import call; "
        "print(json.dumps(call('settings')))",
        user="pi",
    )
    return json.loads(done.stdout)


def bad_reload(main_pid: str) -> None:
    with step("systemctl reload with a bad settings file: refused, the service runs on as it was"):
        good = CONFIG.read_text()
        before = running_settings()
        CONFIG.write_text(good.replace("interval_minutes = 1", "interval_minutes = 0"))
        refused = run("systemctl", "reload", "microbreak", check=False)
        if refused.returncode == 0:
            raise Failed("systemctl reload accepted interval_minutes = 0")
        state = unit("ActiveState", "MainPID")
        if state != {"ActiveState": "active", "MainPID": main_pid}:
            raise Failed(f"after the refused reload the unit is {state}")
        checked = run(
            "journalctl", "-b", "-u", "microbreak", "--no-pager", "-o", "cat", "-n", "20"
        ).stdout
        if "interval_minutes = 0" not in checked:
            raise Failed("the refused reload's reason (interval_minutes = 0) is not in the journal")
        why = "\n".join(line for line in checked.splitlines() if "interval_minutes" in line)
        say(f"systemctl reload exited {refused.returncode}; the journal says why:\n{why}")
        # The same file given to the service itself (SIGHUP, not through
        # systemctl): it refuses it, logs why, and keeps its settings.
        os.kill(int(main_pid), signal.SIGHUP)
        wait_for("a settings_rejected event", lambda: events("settings_rejected"), 30)
        if running_settings() != before:
            raise Failed("the service changed its settings on a bad file")
        if unit("ActiveState", "MainPID") != {"ActiveState": "active", "MainPID": main_pid}:
            raise Failed("the service did not survive SIGHUP with a bad file")
        status = unit("StatusText")["StatusText"]
        say(f"after SIGHUP: still {main_pid}, same settings; status: {status}")
        CONFIG.write_text(good)
        run("systemctl", "reload", "microbreak")
        wait_for("a settings_reloaded event", lambda: events("settings_reloaded"), 30)
        if "settings error" in unit("StatusText")["StatusText"]:
            raise Failed("the status still reports a settings error after a good reload")


def threads(pid: str) -> str:
    """Each thread of process *pid*: its name, state and where it waits."""
    found = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        with contextlib.suppress(OSError):
            name = (task / "comm").read_text().strip()
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            found.append(f"{name} {state} {(task / 'wchan').read_text().strip()}")
    return "; ".join(found) or "none"


def the_screen(chip: Chip, screen: Screendumps | None) -> float:
    """The notice, then idle, on the display; returns when the notice was acknowledged."""
    with step("the screen is on the display through KMS, the speaker through ALSA"):
        status = control("status")
        say(f"status: screen {status['screen']}, speaker {status['speaker']}")
        if not status["screen"]["ok"] or "KMS" not in status["screen"]["detail"]:
            raise Failed(
                f"the service shows no picture through KMS: {status['screen']}\n  " + diagnosis()
            )
        if not status["speaker"]["ok"] and OPTIONS.get("screendumps"):  # x86_64 has a sound card
            raise Failed(f"the service has no speaker: {status['speaker']}\n  " + diagnosis())
        plain = run("microbreak", "status", user="pi").stdout
        say("microbreak status:\n" + plain.rstrip())
        if not status.get("notice"):
            raise Failed("no first-start health notice on a new device with a screen")
    if screen is not None:
        with step("the health notice on the display, as the service draws it"):
            screen.take("notice")
    with step("a press acknowledges the notice; idle on the display"):
        press(chip)
        wait_for("the notice acknowledged", lambda: not control("status").get("notice"), 15)
        acknowledged = uptime()
        time.sleep(1)
        if screen is not None:
            screen.take("idle")
    return acknowledged


def the_break(chip: Chip, sampler: Sampler, started: float, screen: Screendumps | None) -> None:
    holds = first_holds() if screen is not None else {}
    with step("a break comes one interval (1 minute) after the notice is acknowledged"):
        cued = wait_for("a break_cued event", lambda: events("break_cued"), 150, interval=1)
        at = int(cued[0]["__MONOTONIC_TIMESTAMP"]) / 1e6
        say(f"break cued {at - started:.1f} s after the press: {cued[0]['MESSAGE']}")
        if not 55 <= at - started <= 90:
            raise Failed(f"the break came {at - started:.1f} s after the press, not about 60 s")
    if screen is not None:
        with step("the first exercise on the display in the middle of its hold"):
            first = cued[0].get("MICROBREAK_EXERCISES", "").split(",")[0]
            start, end = holds.get(first, (1.0, 2.0))
            time.sleep(max(at + start + 0.2 - uptime(), 0))
            screen.take("exercise")
            say(
                f"{first}: hold from {start:.1f} s to {end:.1f} s after it appears; "
                f"screendump {uptime() - at:.1f} s after the cue"
            )
    with step("the LED line goes high and the buzzer line toggles"):

        def seen():
            led, buzzer = sampler.since(at, LED), sampler.since(at, BUZZER)
            return 1 in led and 0 in led and 1 in buzzer and 0 in buzzer

        try:
            wait_for("LED blinking and buzzer sounding", seen, 10)
        except Failed:
            say(
                f"sampler {'running' if sampler.is_alive() else 'stopped'}; its last changes "
                f"(uptime, line, value): {list(sampler.changes)[-6:]}; the service's "
                f"threads: {threads(unit('MainPID')['MainPID'])}"
            )
            raise
        finally:
            say(
                f"since the cue: LED changes {sampler.since(at, LED)[:12]}, buzzer changes "
                f"{len(sampler.since(at, BUZZER))} ({sampler.samples} samples in all)"
            )
    sets = int(cued[0].get("MICROBREAK_EXERCISES", "").count(",")) + 1
    for number in range(1, sets + 1):
        with step(f"a press of the button confirms set {number} of {sets}"):
            press(chip)
            wait_for(
                f"set {number} confirmed",
                lambda number=number: len(events("set_confirmed")) >= number,
                15,
            )
            say(f"set {number} confirmed by a press")
    if screen is not None:
        with step("the break's summary on the display, once the chime has played"):
            # QEMU's recording loses what the card plays while the host takes
            # a screendump: the chime's first notes were lost to this one.
            time.sleep(cue_seconds("done"))
            screen.take("summary")
    said = (
        run(
            "journalctl",
            "-b",
            "-u",
            "microbreak",
            "-o",
            "cat",
            "--no-pager",
            "-p",
            "warning",
            check=False,
        )
        .stdout.strip()
        .splitlines()
    )
    say("the service's warnings so far: " + (" | ".join(said[-8:]) if said else "none"))
    with step("microbreak history --json (as 'pi') shows the break completed"):
        wait_for("a break_completed event", lambda: events("break_completed"), 15)
        history = json.loads(run("microbreak", "history", "--json", user="pi").stdout)
        last = history[-1] if history else None
        say(f"history: {json.dumps(last)}")
        if not last or last["outcome"] != "completed" or len(last["sets"]) != sets:
            raise Failed(f"the last break in the history is {last}")


def retained(topic: str, timeout: float = 20) -> str:
    """The message the broker keeps on *topic*, read as Home Assistant would
    (mosquitto_sub)."""
    done = run(
        "mosquitto_sub",
        *("-h", BROKER, "-t", topic, "-C", "1", "-W", str(round(timeout))),
        check=False,
        timeout=timeout + 30,
    )
    if done.returncode != 0:
        raise Failed(f"nothing kept on {topic} within {timeout:g} s {done.stderr.strip()}")
    return done.stdout.strip()


def press_in_home_assistant(button: dict) -> None:
    """A press of a button entity of the discovery: its payload on its command topic."""
    run("mosquitto_pub", "-h", BROKER, "-q", "1", "-t", button["cmd_t"], "-m", button["pl_prs"])


def network_log() -> str:
    return run(
        "journalctl", "-b", "-u", "microbreak-mqtt", "-o", "cat", "--no-pager", check=False
    ).stdout


def exposure(name: str) -> float:
    """``systemd-analyze security``'s overall exposure of the installed unit *name*."""
    out = run("systemd-analyze", "security", "--no-pager", name).stdout
    found = re.search(rf"Overall exposure level for {name}\.service: (\d+\.\d+)", out)
    if not found:
        raise Failed(f"systemd-analyze security {name} gave no exposure:\n{out[-800:]}")
    return float(found.group(1))


def network_unit_runs() -> None:
    with step("the network unit runs as its own user, connected to the broker in the guest"):
        broker = run("systemctl", "is-active", "mosquitto", check=False).stdout.strip()
        if broker != "active":
            raise Failed(f"the broker in the guest (mosquitto) is {broker}")
        state = unit("ActiveState", "SubState", "UnitFileState", "User", name="microbreak-mqtt")
        say(f"microbreak-mqtt: {state}")
        if (state["ActiveState"], state["UnitFileState"]) != ("active", "enabled"):
            raise Failed(f"install.sh left microbreak-mqtt {state}:\n{network_log()[-1500:]}")
        if state["User"] != "microbreak-mqtt":
            raise Failed(f"the network unit runs as {state['User']!r}, not microbreak-mqtt")
        said = f"connected to the MQTT broker {BROKER}:1883"
        wait_for(f"'{said}' in its journal", lambda: said in network_log(), 60, interval=0.5)
        levels = {name: exposure(name) for name in ("microbreak-mqtt", "microbreak")}
        say(
            "systemd-analyze security, overall exposure: "
            + ", ".join(f"{name} {level}" for name, level in levels.items())
        )
        if levels["microbreak-mqtt"] > 2.0:
            raise Failed(f"the network unit's exposure is {levels['microbreak-mqtt']}, over 2.0")


def discovered() -> dict:
    with step("Home Assistant finds the device: discovery and availability kept by the broker"):
        topic = f"homeassistant/device/{MQTT_DEVICE}/config"
        message = json.loads(retained(topic))
        components = message.get("cmps", {})
        missing = [key for key in ("dev", "o", "cmps", "avty_t", "stat_t") if key not in message]
        missing += [name for name in ("break_now", "snooze", "skip") if name not in components]
        if missing:
            raise Failed(f"the discovery on {topic} has no {', '.join(missing)}: {message}")
        ids = [c.get("uniq_id") for c in components.values()]
        if len(set(ids)) != len(ids) or None in ids:
            raise Failed(f"the components' unique ids are not unique: {ids}")
        wait_for(
            "availability online",
            lambda: retained(message["avty_t"]) == "online",
            30,
            interval=0.5,
        )
        say(
            f"discovery on {topic}: {len(components)} components ({', '.join(sorted(components))})"
            f"; {message['avty_t']}: online"
        )
    return message


def home_assistant() -> None:
    """Home Assistant's side of the network unit, played by mosquitto's clients."""
    if not OPTIONS.get("network"):
        say(
            "the network unit: not on this architecture (its packages are pure Python, "
            "tested on x86_64; this run is the longer by far)"
        )
        return
    network_unit_runs()
    message = discovered()
    buttons = message["cmps"]
    with step("a break cued from Home Assistant (Break now), put off by its Snooze button"):
        press_in_home_assistant(buttons["break_now"])
        before = wait_for(
            "the break on", lambda: (s := control("status"))["state"] == "break" and s, 30
        )
        pressed = time.monotonic()
        press_in_home_assistant(buttons["snooze"])
        wait_for("the break snoozed", lambda: control("status")["snoozed"], 30, interval=0.05)
        after = time.monotonic() - pressed
        status = json.loads(run("microbreak", "status", "--json", user="pi").stdout)
        say(
            f"snoozed {after:.2f} s after mosquitto_pub began; microbreak status --json: state "
            f"{status['state']}, snoozed {status['snoozed']}, snoozes left "
            f"{before['snoozes_left']} -> {status['snoozes_left']}, next break "
            f"{status['next_break_at']}"
        )
        if (status["state"], status["snoozed"]) != ("idle", True) or status[
            "snoozes_left"
        ] != before["snoozes_left"] - 1:
            raise Failed(f"after Home Assistant's snooze the status is {status}")
        shown = wait_for(
            "the state topic saying idle",
            lambda: (s := json.loads(retained(message["stat_t"])))["state"] == "idle" and s,
            15,
            interval=0.5,
        )
        say(f"{message['stat_t']}: {json.dumps(shown)}")
    with step("its Skip button skips the snoozed break; the unit stopped says offline"):
        skipped = control("status")["today"]["skipped"]
        press_in_home_assistant(buttons["skip"])
        wait_for(
            "the break skipped",
            lambda: control("status")["today"]["skipped"] == skipped + 1,
            30,
            interval=0.1,
        )
        # Stopped for the rest: the cost measurements are made as before, with
        # no subscriber to the service's change stream.
        run("systemctl", "stop", "microbreak-mqtt", timeout=60)
        availability = retained(message["avty_t"])
        if availability != "offline":
            raise Failed(f"with the network unit stopped, {message['avty_t']} is {availability}")
        say(f"skipped; microbreak-mqtt stopped; {message['avty_t']}: offline")


def measure(label: str, settings: str, dummy: bool, chip: Chip) -> dict:
    """The service's resident memory idle and during an exercise, and its CPU
    during the exercise, with the [screen] and [sound] *settings*, on SDL's
    dummy driver or on the display."""
    good = CONFIG.read_text()
    dropin = DROPINS / "dummy-display.conf"
    if dummy:
        DROPINS.mkdir(parents=True, exist_ok=True)
        dropin.write_text("[Service]\nEnvironment=SDL_VIDEODRIVER=dummy\n")
    head, _ = good.split("[sound]", 1) if "[sound]" in good else good.split("[screen]", 1)
    CONFIG.write_text(head + settings)
    try:
        run("systemctl", "daemon-reload")
        run("systemctl", "restart", "microbreak", timeout=120)
        shown = control("status")["screen"]["detail"]
        if ("dummy" in shown) != dummy:
            raise Failed(f"{label}: the screen is {shown}")
        pid = main_pid()
        idle = settled_resident_mib(pid)
        say(f"{label}: idle, the largest (MiB): {largest_mappings(pid)}")
        control("break-now")
        time.sleep(3)
        cpu, moving = exercise_cost(pid)
        say(f"{label}: in an exercise, the largest (MiB): {largest_mappings(pid)}")
        if "speaker = true" in settings:  # the sets pressed, for the sound check
            for number in (1, 2):
                before = len(events("set_confirmed"))
                press(chip)
                wait_for(
                    f"set {number} confirmed",
                    lambda before=before: len(events("set_confirmed")) > before,
                    15,
                )
                say(f"set {number} confirmed by a press ({label})")
            time.sleep(cue_seconds("done"))  # the chime heard whole, before the next restart
        else:
            control("skip")
    finally:
        dropin.unlink(missing_ok=True)
        CONFIG.write_text(good)
    say(
        f"COST {label}: {shown}; resident {idle:.1f} MiB idle, {moving:.1f} MiB during an "
        f"exercise; CPU {cpu:.3f} s/s during the exercise"
    )
    return {"idle": idle, "exercise": moving, "cpu": cpu}


def costs(chip: Chip) -> None:
    """What the display path costs, beside SDL's dummy driver (nothing shown),
    at the display's size with the speaker on, and at 320x240 without it."""
    size = OPTIONS["screen"]
    with step("memory and CPU on the display and on SDL's dummy driver"):
        found = {}
        for label, settings in (
            (f"{size}, speaker on", '[sound]\nspeaker = true\n[screen]\nsize = "auto"\n'),
            ("320x240, no speaker", '[screen]\nsize = "320x240"\n'),
        ):
            kms = measure(f"KMS {label}", settings, dummy=False, chip=chip)
            fixed = settings.replace('size = "auto"', f'size = "{size}"')
            dummy = measure(f"dummy {label}", fixed + 'output = "sdl"\n', dummy=True, chip=chip)
            found[label] = (kms, dummy)
            say(
                f"COST {label}: KMS / dummy: memory idle {kms['idle']:.1f} / "
                f"{dummy['idle']:.1f} MiB, during an exercise {kms['exercise']:.1f} / "
                f"{dummy['exercise']:.1f} MiB; CPU {kms['cpu'] / dummy['cpu']:.2f}x"
            )
        run("systemctl", "daemon-reload")
        run("systemctl", "restart", "microbreak", timeout=120)
        over = [
            f"{label} {what} {kms[what]:.1f} MiB"
            for label, (kms, _) in found.items()
            for what in ("idle", "exercise")
            if kms[what] > MEMORY_TARGET_MIB
        ]
        say(
            f"COST target {MEMORY_TARGET_MIB} MiB on the display: "
            + (f"missed ({', '.join(over)})" if over else "met")
        )


def sdl_without_mesa() -> None:
    with step('screen.output = "sdl" on a machine without Mesa: the service names the packages'):
        good = CONFIG.read_text()
        CONFIG.write_text(good.replace('size = "auto"', 'size = "auto"\noutput = "sdl"'))
        try:
            run("systemctl", "restart", "microbreak", timeout=120)
            status = control("status")
        finally:
            CONFIG.write_text(good)
            run("systemctl", "restart", "microbreak", timeout=120)
        say(f"status: screen {status['screen']}")
        plain = (
            run(
                "journalctl", "-b", "-u", "microbreak", "-o", "cat", "--no-pager", "-g", "no screen"
            )
            .stdout.strip()
            .splitlines()
        )
        say(f"the journal: {plain[-1] if plain else '(nothing)'}")
        detail = status["screen"]["detail"]
        if status["screen"]["ok"] or "libgbm1" not in detail or "libegl1" not in detail:
            raise Failed(
                f"without Mesa, SDL's KMS/DRM driver fails but the service says: {status['screen']}"
            )


def watchdog() -> None:
    with step("a stopped main loop is restarted by the watchdog (test drop-in: WatchdogSec=5s)"):
        put_dropin("watchdog.conf")
        run("systemctl", "daemon-reload")
        run("systemctl", "restart", "microbreak", timeout=120)
        before = unit("MainPID", "NRestarts", "WatchdogUSec")
        if before["WatchdogUSec"] != "5s":
            raise Failed(f"WatchdogUSec={before['WatchdogUSec']}: the test drop-in did not apply")
        start = time.monotonic()
        os.kill(int(before["MainPID"]), signal.SIGSTOP)
        say(f"SIGSTOP to main PID {before['MainPID']}")

        def restarted():
            now = unit("MainPID", "NRestarts", "ActiveState", "SubState")
            if now["MainPID"] not in ("0", before["MainPID"]) and (
                now["ActiveState"],
                now["SubState"],
            ) == ("active", "running"):
                return now
            return None

        after = wait_for("a restart", restarted, 90, interval=0.5)
        say(
            f"restarted after {time.monotonic() - start:.1f} s: main PID {after['MainPID']}, "
            f"NRestarts {before['NRestarts']} -> {after['NRestarts']}"
        )
        if int(after["NRestarts"]) != int(before["NRestarts"]) + 1:
            raise Failed(f"NRestarts went {before['NRestarts']} -> {after['NRestarts']}")
        log = run("journalctl", "-b", "-u", "microbreak", "--no-pager", "-o", "cat").stdout
        if "Watchdog timeout" not in log:
            raise Failed("systemd did not log a watchdog timeout")


def structured_journal(short: bool = False) -> None:
    with step("journalctl -u microbreak has the structured events"):
        wanted = (
            "started",
            "break_cued",
            "set_confirmed",
            "break_completed",
            "settings_rejected",
            "settings_reloaded",
            "stopping",
        )
        if short:  # no reload, no restart
            wanted = wanted[:4]
        missing = [kind for kind in wanted if not events(kind)]
        if missing:
            raise Failed(f"no {', '.join(missing)} event(s) in the journal")
        entry = events("set_confirmed")[0]
        for field in ("MICROBREAK_EVENT", "MICROBREAK_EXERCISE", "SYSLOG_IDENTIFIER"):
            if field not in entry:
                raise Failed(f"a set_confirmed entry has no {field}: {entry}")
        say("events: " + ", ".join(f"{kind} x{len(events(kind))}" for kind in wanted))


def fleet_member() -> None:
    """The device as one of a fleet that the host manages with Ansible
    (deploy/ansible): made as a Pi that never had microbreak, its SSH server
    started with the host's key for 'pi', then the host's turn (tests/vm/
    fleet.py), over qemu's forwarded port; it says here when it is done."""
    with step("a device that never had microbreak, reached over SSH"):
        if Path("/etc/systemd/system/microbreak.service").exists():
            done = run("sh", str(CHECKOUT / "deploy/install.sh"), "--uninstall", "--purge")
            say("install.sh --uninstall --purge:\n" + done.stdout.rstrip())
        shutil.rmtree(CONFIG.parent, ignore_errors=True)  # the test's settings, kept by it
        for name in ("watchdog.conf", "dummy-display.conf"):  # the earlier steps' drop-ins
            (DROPINS / name).unlink(missing_ok=True)
        pi = pwd.getpwnam("pi")
        keys = HOME / ".ssh" / "authorized_keys"
        keys.parent.mkdir(mode=0o700, exist_ok=True)
        shutil.copy(RUN / "fleet" / "authorized_keys", keys)
        keys.chmod(0o600)
        run("chown", "-R", f"{pi.pw_uid}:{pi.pw_gid}", str(keys.parent))
        run("systemctl", "start", "systemd-networkd", "ssh")
        run("/lib/systemd/systemd-networkd-wait-online", "--timeout=60")
        leases = Path("/run/systemd/netif/leases").glob("*")  # no D-Bus for networkctl here
        found = [line for lease in leases for line in lease.read_text().splitlines()]
        say("network: " + " ".join(line for line in found if line.startswith("ADDRESS=")))
    host = HostAnswers()
    try:
        with step("the host's Ansible runs (site.yml, status.yml, update.yml) over SSH"):
            say("FLEET ready")
            host.wait("fleet", 2400)
    finally:
        host.close()


def report_failure() -> None:
    """What the host prints on failure: the unit's state and the journals."""
    for title, command in (
        (
            "systemctl status microbreak",
            ["systemctl", "--no-pager", "--full", "status", "microbreak"],
        ),
        (
            "journalctl -b -u microbreak",
            ["journalctl", "-b", "-u", "microbreak", "--no-pager", "-o", "short-monotonic"],
        ),
        (
            "journalctl -b -u microbreak-mqtt -u mosquitto",
            [
                "journalctl",
                *("-b", "-u", "microbreak-mqtt", "-u", "mosquitto"),
                *("--no-pager", "-o", "short-monotonic"),
            ],
        ),
        (
            "journalctl -b -p warning (the whole guest)",
            ["journalctl", "-b", "-p", "warning", "--no-pager", "-o", "short-monotonic"],
        ),
    ):
        print(f"----- {title} -----", flush=True)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
            print((done.stdout + done.stderr).rstrip(), flush=True)
        except Exception as error:  # noqa: BLE001 - report what can be reported
            print(f"({error})", flush=True)


def main() -> int:
    OPTIONS.update(json.loads((RUN / "options.json").read_text()))
    say(f"booted; scenario options {json.dumps(OPTIONS)}")
    read_message_ids()
    try:
        chip = Chip()
        prepare(chip)
        sampler = Sampler(chip, (LED, BUZZER))
        sampler.start()
        if OPTIONS.get("screendumps"):  # x86_64: the recorded sound card
            wake_the_sound_card()
        if OPTIONS.get("scenario") == "fleet":  # vmtest.py --scenario fleet: Ansible only
            fleet_member()
            sampler.stop()
            say("RESULT: PASS")
            return 0
        state = install(chip)
        # The short scenario (options.json: "scenario": "short", vmtest.py
        # --scenario short): install, ready, the screen, one break and its
        # sets, history. Screendumps, sound and costs: where the host takes
        # screendumps ("screendumps": true in options.json).
        short = OPTIONS.get("scenario") == "short"
        screen = Screendumps() if OPTIONS.get("screendumps") else None
        if not short:
            bad_reload(state["MainPID"])
        started = the_screen(chip, screen)
        the_break(chip, sampler, started, screen)
        home_assistant()
        if screen is not None:
            screen.close()
            costs(chip)
        if not short:
            sdl_without_mesa()
            watchdog()
        structured_journal(short)
        if OPTIONS.get("fleet"):  # x86_64: qemu forwards a port to the guest's SSH
            fleet_member()
        sampler.stop()
    except Failed as failure:
        say(f"RESULT: FAIL: {failure}")
        report_failure()
        return 1
    except Exception as error:  # noqa: BLE001 - a bug here is a failure too
        import traceback

        traceback.print_exc()
        say(f"RESULT: FAIL: the scenario itself: {error!r}")
        report_failure()
        return 1
    say("RESULT: PASS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
