"""The ``microbreak`` command: the service itself, the simulator, and the verbs
that set it up and talk to it over SSH.

Every command has ``--help``; commands whose output is data take ``--json``.
Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import io
import json
import logging
import math
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from microbreak import __version__
from microbreak.service.control import AccessDenied, ControlError, NotRunning, call, runtime_dir
from microbreak.storage.history import HISTORY_FILE, HistoryUnavailable
from microbreak.config.settings import Settings, SettingsError, config_path, load_settings, parse_settings

SYSTEM_STATE_DIR = Path("/var/lib/microbreak")
EXERCISES_DIR = Path("/etc/microbreak/exercises.d")  # custom exercises, beside the built-in
WIDTH = 80  # plain output fits a terminal this wide
OUTCOMES = ("completed", "partial", "skipped", "missed", "away")


class Refused(Exception):
    """Ends the command with exit code 1 and this message."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except (Refused, ControlError, SettingsError, HistoryUnavailable) as exc:
        for line in str(exc).splitlines():  # each problem a line of its own, like a compiler's
            print(f"microbreak: {line}", file=sys.stderr)
        if getattr(args, "json", False):  # a script reading stdout hears of it too
            reason = ("not_running" if isinstance(exc, NotRunning) else
                      "access_denied" if isinstance(exc, AccessDenied) else "refused")
            print(json.dumps({"error": str(exc), "reason": reason}))
        return 1
    except BrokenPipeError:  # `microbreak history | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 1


# -- the command line ---------------------------------------------------------

RUNTIME_HELP = ("where the service's control socket is (default: $MICROBREAK_RUNTIME_DIR, "
                "$RUNTIME_DIRECTORY, /run/microbreak)")
CONFIG_HELP = "settings file (default: $MICROBREAK_CONFIG, else /etc/microbreak/config.toml)"
STATE_HELP = ("where the history is (default: the running service's, else $STATE_DIRECTORY, "
              "else /var/lib/microbreak, else the simulator's)")
SINCE_HELP = "only breaks from DATE on: YYYY-MM-DD, today, yesterday, or N days back as Nd"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="microbreak",
        description="A desk companion that cues upper-back exercise microbreaks.",
        epilog="Exit codes: 0 done, 1 refused or failed, 2 wrong usage. "
               "'microbreak COMMAND --help' tells more.")
    parser.add_argument("--version", action="version", version=f"microbreak {__version__}")
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND")

    def verb(name, func, help, *, runtime=True, json_output=False, description=None,
             where=verbs):
        sub = where.add_parser(name, help=help, description=description or help)
        sub.set_defaults(func=func)
        if runtime:
            sub.add_argument("--runtime-dir", metavar="DIR", help=RUNTIME_HELP)
        if json_output:
            sub.add_argument("--json", action="store_true", help="print JSON")
        return sub

    def service_options(sub):
        sub.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
        sub.add_argument("--state-dir", metavar="DIR",
                         help="where the history is kept (default: $STATE_DIRECTORY, else "
                              "/var/lib/microbreak)")

    # the service
    service_options(verb("run", cmd_run, "run the service (what systemd starts)"))
    sim = verb("simulate", cmd_simulate,
               "run the service on a laptop: mock pins and a window with the screen, "
               "LED, buzzer and a clickable button (space bar too)")
    service_options(sim)
    sim.add_argument("--speed", type=positive_float, default=1.0, metavar="N",
                     help="run the clock N times faster")
    sim.add_argument("--headless", action="store_true",
                     help="no window (SDL's dummy video driver), for scripts and tests")
    sim.add_argument("--size", metavar="WxH", help="screen size (default: the settings', "
                                                   "or 320x240)")

    # acting on the running service
    verb("status", cmd_status, "state, next break and today's counts", json_output=True)
    verb("break-now", act("break-now"), "start a break now", json_output=True)
    snooze = verb("snooze", cmd_snooze, "put the coming or current break off", json_output=True)
    snooze.add_argument("minutes", nargs="?", type=whole_minutes, metavar="MIN",
                        help="for this many minutes (default: the settings' break.snooze_minutes)")
    verb("skip", act("skip"), "skip the coming or current break", json_output=True)
    pause = verb("pause", cmd_pause, "no breaks until resumed, or until a time",
                 json_output=True)
    until = pause.add_mutually_exclusive_group()
    until.add_argument("--until", type=clock_time, metavar="HH:MM",
                       help="resume by itself at this time of day")
    until.add_argument("--for", dest="minutes", type=whole_minutes, metavar="MIN",
                       help="resume by itself after this many minutes")
    verb("resume", act("resume"), "breaks again after a pause", json_output=True)
    verb("reload", cmd_reload, "read the settings file again (the service keeps its last "
                               "good settings if the file is bad)", json_output=True)
    verb("press", act("press"), "press the simulator's button", json_output=True)
    hold = verb("hold", cmd_hold, "hold the simulator's button down for SECONDS",
                json_output=True)
    hold.add_argument("seconds", type=positive_float, metavar="SECONDS",
                      help="how long, up to 30 (by default 2 snoozes, 5 skips or pauses)")
    motion = verb("motion", cmd_motion, "the simulator's presence sensor: someone moves (on) "
                                        "or the desk is still (off)", json_output=True)
    motion.add_argument("state", choices=("on", "off"))
    shot = verb("screenshot", cmd_screenshot, "save what the screen shows now as a PNG")
    shot.add_argument("file", metavar="FILE.png", type=png_file)

    # settings
    config = verbs.add_parser(
        "config", help="read, check and change settings",
        description="Read, check and change the settings file. 'set' and 'edit' check the "
                    "whole file first, write it at once keeping its comments, then have "
                    "the running service reload it.")
    config.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
    config.set_defaults(func=lambda args: config.print_help() or 2)
    config_verbs = config.add_subparsers(title="config commands", metavar="COMMAND")

    def config_verb(name, func, help, runtime=False, json_output=False, description=None):
        sub = verb(name, func, help, runtime=runtime, json_output=json_output,
                   description=description, where=config_verbs)
        sub.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                         help=CONFIG_HELP)
        return sub

    config_verb("show", cmd_config_show, "the effective settings", runtime=True,
                description="the effective settings: the running service's (without "
                            "--config), else the file's, and the defaults (marked) for keys "
                            "it leaves out", json_output=True)
    get = config_verb("get", cmd_config_get, "one setting's effective value", runtime=True,
                      json_output=True,
                      description="one setting's effective value: the running service's "
                                  "(without --config), else the file's")
    get.add_argument("key", metavar="KEY", help="section.name, e.g. schedule.interval_minutes")
    set_ = config_verb(
        "set", cmd_config_set, "change one setting and have the service reload",
        runtime=True,
        description="Change one setting: the whole file is checked first and nothing is "
                    "written if it is bad; it is written at once, keeping its comments; "
                    "then the running service reloads it. With no service running, the "
                    "change applies at its next start.")
    set_.add_argument("key", metavar="KEY", help="section.name, e.g. schedule.interval_minutes")
    set_.add_argument("value", metavar="VALUE",
                      help="a number, true/false, or text (quotes optional)")
    config_verb("edit", cmd_config_edit, "edit the settings in $EDITOR, checked on save",
                runtime=True,
                description="Edit a copy of the settings file in $VISUAL or $EDITOR. On "
                            "save it is checked: a bad copy opens again with the problems "
                            "on top (leave it unchanged to give up); a good one replaces "
                            "the file at once and the running service reloads it.")
    check = config_verb("check", cmd_config_check, "check a settings file; exit 1 if it is bad")
    check.add_argument("file", nargs="?", metavar="FILE",
                       help="the file to check (default: the settings file)")
    config_verb("path", cmd_config_path, "which settings file is used", runtime=True,
                description="which settings file is used: the running service's (without "
                            "--config), else the one 'run' would read")

    # history and stats
    history = verb("history", cmd_history, "the last breaks: when, outcome, sets",
                   json_output=True)
    history.add_argument("-n", "--limit", type=limit, metavar="N",
                         help="how many breaks: a number or 'all' (default: 20, or all with "
                              "--since)")
    history.add_argument("--since", type=since_date, metavar="DATE", help=SINCE_HELP)
    history.add_argument("--csv", action="store_true", help="print CSV, one row per break")
    history.add_argument("--state-dir", metavar="DIR", help=STATE_HELP)
    stats = verb("stats", cmd_stats,
                 "today, this week, each exercise, completion per day and week, streaks",
                 json_output=True)
    stats.add_argument("--since", type=since_date, metavar="DATE",
                       help=SINCE_HELP + " (default: all, with the last 14 days listed)")
    stats.add_argument("--csv", action="store_true", help="print CSV, one row per day")
    stats.add_argument("--state-dir", metavar="DIR", help=STATE_HELP)

    # the exercises
    exercises = verbs.add_parser(
        "exercises", help="the exercises a break shows: list, show, render",
        description="The exercises a break shows: the built-in five and files in "
                    f"{EXERCISES_DIR}.")
    exercises.set_defaults(func=lambda args: exercises.print_help() or 2)
    exercise_verbs = exercises.add_subparsers(title="exercises commands", metavar="COMMAND")
    verb("list", cmd_exercises_list, "every exercise: name, title, reps and hold",
         runtime=False, json_output=True, where=exercise_verbs)
    show_one = verb("show", cmd_exercises_show, "one exercise: its title, steps, reps, hold "
                    "and file", runtime=False, json_output=True, where=exercise_verbs)
    show_one.add_argument("name", metavar="NAME")
    render = verb("render", cmd_exercises_render,
                  "draw an exercise as the screen shows it: a still PNG, or one rep as a GIF",
                  runtime=False, where=exercise_verbs)
    render.add_argument("name", metavar="NAME")
    render.add_argument("--size", default="320x240", metavar="WxH",
                        help="the screen size (default 320x240)")
    render.add_argument("--out", required=True, metavar="FILE.png|FILE.gif",
                        help="where to write it; .png for a still, .gif for one rep moving")

    # the wiring
    hw = verb("test-hardware", cmd_test_hardware,
              "try the LED, buzzer, screen and button, for whoever just wired them",
              json_output=True,
              description="Try each part the settings name: the LED on, off and pulsing; "
                          "the buzzer's scale and every cue; a test pattern on the screen; "
                          "a press and a hold of the button; then the history's storage "
                          "(read-write, space left, the file sound). Each step reports pass or "
                          "FAIL, and what to check when it fails. At a terminal, the steps "
                          "you judge by eye or ear ask you. Stop the service first.")
    hw.add_argument("parts", nargs="*", metavar="PART",
                    help="only these parts: led, buzzer, speaker, screen, button, history "
                         "(default: all)")
    hw.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
    hw.add_argument("--state-dir", metavar="DIR",
                    help="where the history is (default: $STATE_DIRECTORY, else "
                         "/var/lib/microbreak)")
    hw.add_argument("--pin-factory", metavar="NAME",
                    help="the gpiozero pin library (default: the settings' pins.factory); "
                         "'mock' needs no hardware")
    hw.add_argument("--timeout", type=positive_float, default=30.0, metavar="SECONDS",
                    help="how long to wait for each button gesture (default 30)")
    hw.add_argument("--no-questions", action="store_true",
                    help="ask nothing: judge the light and sound steps by their pins")
    return parser


def png_file(text: str) -> Path:
    if not text.lower().endswith(".png"):
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: a file name ending in .png")
    return Path(text)


def write_file(path: Path, data: bytes) -> None:
    """Write *data* to *path* as whoever runs the command; refused in one line
    when that cannot be done."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise Refused(f"cannot write {path}: {exc.strerror or exc}") from None


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be greater than 0")
    return value


def whole_minutes(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: a whole number of minutes, 1 or more")
    return int(text)


def clock_time(text: str) -> str:
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", text):
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: a time of day HH:MM, e.g. 13:30")
    hours, minutes = text.split(":")
    return f"{int(hours):02d}:{minutes}"


def limit(text: str) -> int | str:
    if text == "all":
        return text
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: a whole number, 1 or more, or all")
    return int(text)


def since_date(text: str, today: date | None = None) -> date:
    """``2026-11-23``, ``today``, ``yesterday`` or ``7d`` (seven days back)::

        >>> since_date("7d", today=date(2026, 11, 23))
        datetime.date(2026, 11, 16)
    """
    today = today or date.today()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if re.fullmatch(r"\d+d", text):
        return today - timedelta(days=int(text[:-1]))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: allowed: YYYY-MM-DD, today, yesterday, or Nd for N days back") from None


# -- running the service ------------------------------------------------------

def setup_logging(clock=None) -> None:
    from microbreak.service.journal import setup_logging as to_journal_or_stderr
    to_journal_or_stderr(clock=clock)


def state_dir(explicit: str | None, fallback: Path) -> Path:
    chosen = explicit or (os.environ.get("STATE_DIRECTORY") or "").split(":")[0]
    return Path(chosen) if chosen else fallback


def simulator_state_dir() -> Path:
    """Where the simulator keeps its history unless told: the user's state
    folder, so that trying it needs no root and leaves a device's alone."""
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local/state") \
        / "microbreak-simulator"


def cmd_run(args) -> int:
    from microbreak.parts.display import Display, parse_size
    from microbreak.parts.hardware import make_pin_factory
    from microbreak.service.loop import Service
    settings = load_settings(args.config)
    setup_logging()
    display, problem = None, None
    log = logging.getLogger("microbreak")
    if settings.screen.size != "none":
        try:
            display = Display(parse_size(settings.screen.size), settings.screen.output)
        except Exception as exc:  # noqa: BLE001 - any display failure: carry on without it
            problem = str(exc)
            log.warning("no screen: %s; carrying on without it", problem)
        else:
            log.info("screen: %s", display.describe())
    Service(settings, config_file=args.config, exercise_dirs=[EXERCISES_DIR],
            state_dir=state_dir(args.state_dir, SYSTEM_STATE_DIR),
            runtime_dir=runtime_dir(args.runtime_dir), frontend=display,
            screen_problem=problem,
            pin_factory=make_pin_factory(settings.pins.factory)).run()
    return 0


def cmd_simulate(args) -> int:
    from microbreak.service.clock import ScaledClock, SystemClock
    from microbreak.parts.display import parse_size
    from microbreak.parts.hardware import make_pin_factory
    from microbreak.service.loop import Service
    from microbreak.config.settings import ScreenSize
    from microbreak.simulator.window import DEFAULT_SIZE, SimulatorWindow, has_display
    settings = load_settings(args.config)
    clock = ScaledClock(args.speed) if args.speed != 1 else SystemClock()
    setup_logging(clock)
    size_text = args.size or settings.screen.size
    try:
        size = parse_size(ScreenSize().check(size_text)) if size_text not in ("auto", "none") \
            else DEFAULT_SIZE
    except ValueError:
        raise Refused(f"--size {size_text}: allowed: {ScreenSize().allowed}") from None
    headless = args.headless
    if not headless and not has_display():
        print("microbreak: no display here (DISPLAY and WAYLAND_DISPLAY are unset): running "
              "headless; drive it with 'microbreak status', 'press', 'hold'", file=sys.stderr)
        headless = True
    service = Service(settings, config_file=args.config, clock=clock, simulated=True,
                      exercise_dirs=[EXERCISES_DIR],
                      state_dir=state_dir(args.state_dir, simulator_state_dir()),
                      runtime_dir=runtime_dir(args.runtime_dir),
                      pin_factory=make_pin_factory("mock"))
    service.frontend = SimulatorWindow(service.hardware, size, headless=headless)
    service.run()
    return 0


# -- acting on the running service ----------------------------------------------

def remote(args, verb: str, **request):
    return call(verb, request, runtime=args.runtime_dir)


def act(verb: str):
    def command(args) -> int:
        return print_status(args, remote(args, verb))
    return command


def cmd_status(args) -> int:
    return print_status(args, remote(args, "status"))


def cmd_snooze(args) -> int:
    request = {} if args.minutes is None else {"minutes": args.minutes}
    return print_status(args, remote(args, "snooze", **request))


def cmd_pause(args) -> int:
    request = {}
    if args.until is not None:
        request["until"] = args.until
    if args.minutes is not None:
        request["minutes"] = args.minutes
    return print_status(args, remote(args, "pause", **request))


def cmd_motion(args) -> int:
    remote(args, "motion", moving=args.state == "on")
    return print_status(args, remote(args, "status"))  # answered once the edge is handled


def cmd_hold(args) -> int:
    return print_status(args, remote(args, "hold", seconds=args.seconds))


def print_status(args, status: dict) -> int:
    if args.json:
        print(json.dumps(status, indent=2))
    else:
        print(format_status(status))
    return 0


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _when(iso: str, today: date | None = None) -> str:
    """``14:35`` today, ``Mon 09:00`` within a week, else the date too."""
    at = datetime.fromisoformat(iso)
    today = today or date.today()
    if at.date() == today:
        return at.strftime("%H:%M")
    if today < at.date() < today + timedelta(days=7):
        return at.strftime("%a %H:%M")
    return at.strftime("%Y-%m-%d %H:%M")


def _minutes(seconds: float) -> str:
    """How long until something, as the screen counts it: ``29 s`` under a
    minute, then whole minutes rounded up."""
    if seconds < 60:
        return f"{max(math.ceil(seconds), 0)} s"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


def format_status(status: dict) -> str:
    """The service's state in a few aligned lines, like ``systemctl status``."""
    state = status["state"].replace("_", "-")
    lines = [f"microbreak: {state}" + (" (simulator)" if status.get("simulated") else "")]

    def line(label: str, text: str) -> None:
        lines.append(f"  {label:<11} {text}")

    if status.get("notice"):
        after = status.get("first_break_after_press_seconds")
        line("waiting", "the health notice is on screen: breaks begin "
             + (f"{_minutes(after)} after a press" if after else "after a press"))
    if status.get("paused_until"):
        line("paused", f"until {_when(status['paused_until'])}")
    if status.get("next_break_at"):
        line("next break", f"{_when(status['next_break_at'])} "
                           f"(in {_minutes(status['next_break_in_seconds'])})")
    current = status.get("break")
    if current:
        done, total = len(current["confirmed"]), len(current["exercises"])
        if status["state"] == "break":
            line("exercise", f"{current['current']} ({done + 1} of {total})")
        else:
            line("snoozed", f"{done} of {total} sets done")
    elif status.get("snoozed"):
        line("snoozed", f"put off; {plural(status['snoozes_left'], 'snooze')} left")
    if status.get("present") is False:
        line("desk", "empty")
    for part in ("screen", "speaker"):
        report = status.get(part)
        if report and not (part == "speaker" and report["detail"].startswith("off")):
            line(part, report["detail"] if report["ok"] else f"none: {report['detail']}")
    history = status.get("history")
    if history and not history["ok"]:
        line("history", f"NOT WRITTEN, {plural(history['pending'], 'record')} kept in memory: "
                        f"{history['detail']}")
    if status.get("refused_connections"):
        line("socket", f"refused {status['refused_connections']:,} connections: too many at "
                       "once (see the log)")
    if status.get("wall_clock_trusted") is False:
        line("clock", "not yet set: breaks follow the interval only")
    today = status["today"]
    outcomes = ", ".join(f"{today[k]} {k}" for k in OUTCOMES if today.get(k))
    line("today", plural(today["breaks"], "break") + (f" ({outcomes})" if outcomes else "")
         + f" · {plural(today['sets'], 'set')}")
    return "\n".join(lines)


def cmd_reload(args) -> int:
    changed = remote(args, "reload")["changed"]
    if args.json:
        print(json.dumps({"changed": changed}))
    else:
        print("reloaded: " + (", ".join(changed) if changed else "no change"))
    return 0


def cmd_screenshot(args) -> int:
    write_file(args.file, base64.b64decode(remote(args, "screenshot")["png"]))
    print(args.file)
    return 0


# -- settings -----------------------------------------------------------------

def cmd_config_check(args) -> int:
    path = Path(args.file) if args.file else config_path(args.config)
    if args.file and not path.exists():
        raise Refused(f"{path}: no such file")
    load_settings(path)
    print(f"{path}: OK" if path.exists() else f"{path}: no file, the built-in defaults apply")
    return 0


def running_settings(args) -> tuple[Path, dict] | None:
    """The settings file and values of the running service, unless --config
    names a file; None with no service running (or none that answers us)."""
    if args.config:
        return None
    try:
        paths = call("paths", runtime=args.runtime_dir, timeout=5)
        values = call("settings", runtime=args.runtime_dir, timeout=5)
    except NotRunning:
        return None
    except ControlError as exc:
        print(f"microbreak: cannot ask the running service ({exc}); this is the settings "
              "file's", file=sys.stderr)
        return None
    return Path(paths["settings"]), values


def _file_differs(path: Path, running: dict, keys) -> None:
    """Say on stderr where the file at *path* is not what the service runs with."""
    try:
        in_file = {key: _plain(value) for key, value, *_ in load_settings(path).items()}
    except SettingsError as exc:
        print(f"microbreak: {path} has problems, so the running service keeps its last good "
              f"settings: {str(exc).splitlines()[0]}", file=sys.stderr)
        return
    for key in keys:
        if in_file[key] != _plain(running[key]):
            print(f"microbreak: {path} has {key} = {_toml(in_file[key])}; the running service "
                  f"still uses {_toml(running[key])} ('microbreak reload' applies the file)",
                  file=sys.stderr)


def _plain(value):
    """A setting's value as JSON gives it back (tuples as lists)."""
    return json.loads(json.dumps(list(value) if isinstance(value, tuple) else value))


def cmd_config_path(args) -> int:
    running = running_settings(args)
    path = running[0] if running else config_path(args.config)
    print(path)
    if not path.exists():
        print(f"microbreak: {path} does not exist yet: the built-in defaults apply "
              "('microbreak config set' or 'edit' creates it)", file=sys.stderr)
    return 0


def _toml(value) -> str:
    """A value as it is written in the settings file."""
    return json.dumps(list(value) if isinstance(value, tuple) else value)


def cmd_config_show(args) -> int:
    running = running_settings(args)
    if running:
        values = running[1]
        rows = [(key, values[key], default) for key, _, default, _ in Settings().items()]
        _file_differs(running[0], values, values)
    else:
        rows = [(key, value, default) for key, value, default, _
                in load_settings(args.config).items()]
    if args.json:
        print(json.dumps({key: value for key, value, _ in rows}, indent=2))
        return 0
    width = max(len(key) for key, *_ in rows)
    for key, value, default in rows:
        mark = "  (default)" if _plain(value) == _plain(default) else ""
        print(f"{key:<{width}} = {_toml(value)}{mark}")
    return 0


def cmd_config_get(args) -> int:
    from microbreak.config import editing
    key = editing.check_key(args.key)
    running = running_settings(args)
    if running:
        value = running[1][key]
        _file_differs(running[0], running[1], [key])
    else:
        value = editing.get_value(_settings_text(config_path(args.config)), key)
    if args.json:
        print(json.dumps(value))
    else:
        print(value if isinstance(value, str) else _toml(value))
    return 0


def _settings_text(path: Path) -> str:
    """The settings file's text; empty (the defaults) for a missing default file."""
    from microbreak.config import editing
    load_settings(path)  # a named file must exist; a bad one is refused with its name
    text = editing.read_text(path)
    return text or ""


def cmd_config_set(args) -> int:
    from microbreak.config import editing
    path = config_path(args.config)
    key = editing.check_key(args.key)
    value = editing.parse_value(key, args.value)
    _not_a_foreign_link(path)
    with _changing(path):
        old_text = editing.read_text(path)
        try:
            old = editing.get_value(old_text or "", key)
        except SettingsError:
            old = None  # bad already: this change may be what mends it
        try:
            new_text = editing.set_value(old_text if old_text is not None
                                            else editing.template(), key, value)
        except SettingsError as exc:
            if old is not None or old_text is None:
                raise
            raise SettingsError(exc.problems + [
                "the file was bad before this change: fix it with 'microbreak config edit'"],
                str(path)) from None
        new = editing.get_value(new_text, key)
        if old_text is not None and new == old and key_in_file(old_text, key):
            print(f"{key} is already {_toml(new)} in {path}")
            return 0
        editing.write_atomically(path, new_text)
    was = f" (was {_toml(old)})" if old is not None and old != new else ""
    print(f"{key} = {_toml(new)}{was} in {path}")
    return tell_service(args, path)


def key_in_file(text: str, key: str) -> bool:
    import tomllib
    section, name = key.split(".")
    return name in tomllib.loads(text).get(section, {})


def _not_a_foreign_link(path: Path) -> None:
    """Refuse to change the settings through a link into another folder: as
    root that could write anywhere the link's maker chose."""
    from microbreak.config.editing import foreign_link
    target = foreign_link(path)
    if target is not None:
        raise Refused(f"{path} is a symbolic link to {target}, in another folder: not "
                      f"followed; allowed: change that file by name (--config {target}), "
                      "or put a file in place of the link")


@contextlib.contextmanager
def _changing(path: Path):
    """Around a change of the settings file: its folder exists and is locked
    against a second writer, and a permission problem says to use sudo."""
    from microbreak.config.editing import locked
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with locked(path):
            yield
    except PermissionError:
        raise Refused(f"cannot change {path}: permission denied; run this with sudo") from None


def tell_service(args, path: Path) -> int:
    """Have the running service reload *path*, if that is the file it reads."""
    try:
        paths = call("paths", runtime=args.runtime_dir, timeout=5)
    except NotRunning:
        print("microbreak is not running: the change applies at its next start")
        return 0
    except AccessDenied as exc:
        raise Refused(f"saved, but the running service was not told: {exc} "
                      "Or have it reload with 'sudo microbreak reload'.") from None
    except ControlError:
        paths = None  # a service from before the paths request: reload anyway
    if paths is not None and not _same_file(paths["settings"], path):
        print(f"the running service reads {paths['settings']}, not this file: "
              "nothing reloaded")
        return 0
    try:
        changed = call("reload", runtime=args.runtime_dir)["changed"]
    except ControlError as exc:
        raise Refused(f"saved, but the running service did not take it and keeps its last "
                      f"good settings: {exc}") from None
    later = [k for k in changed if k.startswith(("screen.", "pins."))]
    if later:
        print(f"the running service reloaded; it applies {', '.join(later)} when it restarts "
              "('sudo systemctl restart microbreak')")
    else:
        print("the running service reloaded: it uses the new settings now")
    return 0


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def cmd_config_edit(args) -> int:
    from microbreak.config import editing
    path = config_path(args.config)
    _not_a_foreign_link(path)
    original = editing.read_text(path)
    offered = original if original is not None else editing.template()
    editor = _editor()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="microbreak-edit-") as folder:
        copy = Path(folder) / path.name
        while True:
            copy.write_text(offered, encoding="utf-8")
            finished = subprocess.run([*editor, str(copy)])
            if finished.returncode != 0:
                raise Refused(f"the editor ({shlex.join(editor)}) exited with "
                              f"{finished.returncode}: {path} is unchanged")
            edited = copy.read_text(encoding="utf-8")
            text = editing.without_problems(edited)
            if edited == offered:
                if problems:  # reopened with problems and left as it was: give up
                    raise Refused(f"not saved, {path} is unchanged; the edit still had "
                                  "problems:\n" + "\n".join(problems))
                print(f"no change: {path} is as it was")
                return 0
            try:
                parse_settings(text)
                break
            except SettingsError as exc:
                problems = exc.problems
                offered = editing.with_problems(text, problems)
    with _changing(path):
        if editing.read_text(path) != original:
            kept = _keep(text)
            raise Refused(f"{path} was changed by someone else while you edited it; nothing "
                          f"written. Your version is in {kept}.")
        editing.write_atomically(path, text)
    print(f"saved {path}")
    return tell_service(args, path)


def _editor() -> list[str]:
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    for fallback in ("editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise Refused("no editor found: set EDITOR, e.g. 'EDITOR=nano microbreak config edit'")


def _keep(text: str) -> str:
    fd, kept = tempfile.mkstemp(prefix="microbreak-config-", suffix=".toml")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return kept


# -- history and stats --------------------------------------------------------

def history_file(args) -> Path:
    """The history database: under --state-dir; else where the running service
    keeps it; else where ``run`` would keep it."""
    if args.state_dir:
        return Path(args.state_dir) / HISTORY_FILE
    try:
        return Path(call("paths", runtime=args.runtime_dir, timeout=5)["history"])
    except ControlError:
        pass
    chosen = state_dir(None, SYSTEM_STATE_DIR) / HISTORY_FILE
    simulated = simulator_state_dir() / HISTORY_FILE
    if not chosen.exists() and chosen.parent == SYSTEM_STATE_DIR and simulated.exists():
        print(f"microbreak: no history at {chosen}; this is the simulator's, in "
              f"{simulated.parent}", file=sys.stderr)
        return simulated
    return chosen


@contextlib.contextmanager
def _reading_history(args):
    """The history open for reading; what it cannot be read for (damaged,
    empty, locked, missing) becomes one line naming the file."""
    from microbreak.storage.history import open_read_only, unreadable
    path = history_file(args)
    db = open_read_only(path)
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        raise HistoryUnavailable(unreadable(path, exc)) from None
    finally:
        db.close()


def cmd_history(args) -> int:
    from microbreak.storage.history import recent_breaks
    if args.json and args.csv:
        raise Refused("--json or --csv, not both")
    if args.limit is None:
        count = None if args.since else 20
    else:
        count = None if args.limit == "all" else args.limit
    with _reading_history(args) as db:
        breaks = recent_breaks(db, count, args.since)
    if args.json:
        print(json.dumps(breaks, indent=2))
    elif args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["started_at", "ended_at", "reason", "outcome", "planned", "done", "sets"])
        for b in breaks:
            out.writerow([b["started_at"], b["ended_at"] or "", b["reason"], b["outcome"] or "",
                          " ".join(b["planned"]), " ".join(s["exercise"] for s in b["sets"]),
                          len(b["sets"])])
    elif not breaks:
        print("no breaks yet" if not args.since else f"no breaks since {args.since}")
    else:
        print(format_history(breaks))
    return 0


def format_history(breaks: list[dict]) -> str:
    lines = [f"{'started':<16} {'outcome':<10} {'sets':<5} exercises"]
    room = WIDTH - 1 - len(lines[0]) + len("exercises")
    for b in breaks:
        started = datetime.fromisoformat(b["started_at"]).strftime("%Y-%m-%d %H:%M")
        sets = f"{len(b['sets'])}/{len(b['planned'])}"
        lines.append(f"{started:<16} {b['outcome'] or 'not ended':<10} {sets:<5} "
                     f"{_fit(b['planned'], room)}")
    return "\n".join(lines)


def _fit(names: list[str], room: int) -> str:
    """*names* joined, cut short with a count of the rest to fit *room*."""
    text = ", ".join(names)
    shown = list(names)
    while len(text) > room and len(shown) > 1:
        shown.pop()
        text = ", ".join(shown) + f", +{len(names) - len(shown)}"
    return text


def cmd_stats(args) -> int:
    from microbreak.storage.stats import compute
    if args.json and args.csv:
        raise Refused("--json or --csv, not both")
    with _reading_history(args) as db:
        stats = compute(db, today=date.today(), since=args.since)
    if args.json:
        print(json.dumps(stats.as_dict(), indent=2))
    elif args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["day", "breaks", *OUTCOMES, "not_ended", "sets", "completion"])
        for day, t in stats.days:
            out.writerow([day.isoformat(), t.breaks, *(getattr(t, k) for k in OUTCOMES),
                          t.not_ended, t.sets,
                          "" if t.completion is None else f"{t.completion:.3f}"])
    else:
        print(format_stats(stats))
    return 0


def _percent(share: float | None) -> str:
    return "   -" if share is None else f"{share * 100:3.0f} %"


def _bar(share: float | None, width: int = 20) -> str:
    return "" if share is None else "#" * round(share * width)


def _totals_line(t) -> str:
    if not t.breaks:
        return "no breaks"
    outcomes = ", ".join([f"{getattr(t, k)} {k}" for k in OUTCOMES if getattr(t, k)]
                         + ([f"{t.not_ended} not ended"] if t.not_ended else []))
    done = f" · {_percent(t.completion).strip()} done" if t.completion is not None else ""
    if done and t.not_ended:
        done += f" (of {plural(t.ended, 'ended break')})"
    return (f"{plural(t.breaks, 'break')}" + (f" ({outcomes})" if outcomes else "")
            + f" · {plural(t.sets, 'set')}{done}")


def format_stats(stats, days_listed: int = 14, weeks_listed: int = 8) -> str:
    """The stats in aligned sections that fit 80 columns."""
    lines = []
    if stats.since:
        lines.append(f"since {stats.since}: {_totals_line(stats.all_time)}")
    lines += [f"today        {_totals_line(stats.today)}",
              f"this week    {_totals_line(stats.week)}"]
    current, best = stats.current_streak, stats.best_streak
    streak = f"streak       {plural(current.days, 'day')} with every break done"
    if best.days:
        streak += f" (best {best.days}, to {best.last})"
    lines.append(streak)
    if stats.exercises:
        lines += ["", f"{'exercise':<28} {'offered':>7} {'done':>7}"]
        for e in stats.exercises:
            share = e.done / e.offered if e.offered else None
            lines.append(f"{e.name[:28]:<28} {e.offered:>7} {e.done:>7}  {_percent(share)}")
    days = stats.days if stats.since else stats.days[-days_listed:]
    if days:
        lines += ["", f"{'day':<14} {'breaks':>6} {'done':>5} {'sets':>5}  completed"]
        for day, t in days:
            lines.append(f"{day.strftime('%a %Y-%m-%d'):<14} {t.breaks:>6} {t.completed:>5} "
                         f"{t.sets:>5}  {_percent(t.completion)} {_bar(t.completion)}")
    weeks = stats.weeks() if stats.since else stats.weeks()[-weeks_listed:]
    if len(weeks) > 1:
        lines += ["", f"{'week':<14} {'breaks':>6} {'done':>5} {'sets':>5}  completed"]
        for monday, t in weeks:
            year, week, _ = monday.isocalendar()
            lines.append(f"{f'{year}-W{week:02d}':<14} {t.breaks:>6} {t.completed:>5} "
                         f"{t.sets:>5}  {_percent(t.completion)} {_bar(t.completion)}")
    return "\n".join(lines)


# -- the exercises --------------------------------------------------------------

def _exercises() -> dict:
    from microbreak.config.exercises import load_exercises
    return {e.name: e for e in load_exercises([EXERCISES_DIR])}


def _exercise(name: str):
    import difflib
    exercises = _exercises()
    if name not in exercises:
        close = difflib.get_close_matches(name, exercises, n=1)
        hint = f"did you mean {close[0]}?" if close else "see 'microbreak exercises list'"
        raise Refused(f"no exercise called {name!r}; {hint}")
    return exercises[name]


def _exercise_data(e) -> dict:
    return {"name": e.name, "title": e.title, "steps": list(e.steps), "reps": e.reps,
            "hold_seconds": e.hold_seconds, "view": e.view,
            "file": str(e.source) if e.source else None}


def cmd_exercises_list(args) -> int:
    exercises = list(_exercises().values())
    if args.json:
        print(json.dumps([_exercise_data(e) for e in exercises], indent=2))
        return 0
    width = max(len(e.name) for e in exercises)
    for e in exercises:
        print(f"{e.name:<{width}}  {e.dose:<18} {e.title}"[:WIDTH])
    return 0


def cmd_exercises_show(args) -> int:
    e = _exercise(args.name)
    if args.json:
        print(json.dumps(_exercise_data(e), indent=2))
        return 0
    print(f"{e.title} ({e.name})")
    print(f"  {e.dose}")
    for n, step in enumerate(e.steps, 1):
        print(f"  {n}. {step}")
    print(f"  file: {e.source}")
    return 0


def cmd_exercises_render(args) -> int:
    import pygame

    from microbreak.drawing.gif import save_gif
    from microbreak.drawing.screen import Screen, png_bytes
    from microbreak.config.settings import ScreenSize
    from microbreak.core.views import ExerciseView
    e = _exercise(args.name)
    try:
        width, height = (int(n) for n in ScreenSize().check(args.size).split("x"))
    except ValueError:
        raise Refused(f"--size {args.size}: allowed: WIDTHxHEIGHT from 240x240 to "
                      "1024x600") from None
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".gif"):
        raise Refused(f"--out {out}: allowed: a file name ending in .png or .gif")
    screen = Screen(pygame.Surface((width, height)))
    view = ExerciseView(e, "1 / 2", calling=False, hint="Press: done · Hold: snooze / skip")
    if out.suffix.lower() == ".png":
        screen.draw(view)
        write_file(out, png_bytes(screen.surface))
        print(out)
        return 0
    step = 0.1
    frames = []
    for n in range(max(round(e.motion.rep_seconds / step), 1)):
        screen.draw(view, now=n * step)
        frames.append(screen.surface.copy())
    gif = io.BytesIO()
    save_gif(gif, frames, step)
    write_file(out, gif.getvalue())
    print(f"{out}: one rep, {len(frames) * step:.1f} s")
    return 0


# -- the wiring -----------------------------------------------------------------

def cmd_test_hardware(args) -> int:
    from microbreak.parts.hardware import make_pin_factory
    from microbreak.resources import data_dir
    from microbreak.parts.rtttl import load_folder
    from microbreak.parts.wiring import PARTS, WiringCheck
    unknown = [part for part in args.parts if part not in (*PARTS, "history")]
    if unknown:
        print(f"microbreak test-hardware: unknown part {unknown[0]!r}; allowed: "
              f"{', '.join(PARTS)}, history", file=sys.stderr)
        return 2
    try:
        call("status", runtime=args.runtime_dir, timeout=5)
    except NotRunning:
        pass
    except ControlError:
        pass  # something answers, but not to us: the pins will tell
    else:
        raise Refused("microbreak is running and holds the pins: stop it first with "
                      "'sudo systemctl stop microbreak', then start it again after the test")
    settings = load_settings(args.config)
    interactive = not args.no_questions and not args.json and sys.stdin.isatty() \
        and sys.stdout.isatty()
    factory_name = args.pin_factory or settings.pins.factory
    try:
        pin_factory = make_pin_factory(factory_name)
    except Exception as exc:  # noqa: BLE001 - the pin library's own words
        raise Refused(f"cannot use the pin library {factory_name!r}: {exc}") from None
    say = (lambda line: None) if args.json else (lambda line: print(line, flush=True))
    try:
        check = WiringCheck(settings, pin_factory=pin_factory,
                            songs=load_folder(data_dir("sounds")), say=say,
                            ask=ask_yes_no if interactive else None, timeout=args.timeout,
                            mock_pins=factory_name == "mock")
    except Exception as exc:  # noqa: BLE001 - a pin in use, a missing library
        raise Refused(f"cannot set up the parts: {exc}. Is another program using the "
                      "pins?") from None
    try:
        results = check.run([p for p in args.parts if p != "history"] if args.parts
                            else PARTS)
        if not args.parts or "history" in args.parts:
            results = check.check_history(state_dir(args.state_dir, SYSTEM_STATE_DIR))
    finally:
        check.close()
    failed = [r for r in results if not r.passed]
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
    else:
        print(f"{plural(len(results) - len(failed), 'step')} passed, {len(failed)} failed")
    return 1 if failed else 0


def ask_yes_no(question: str) -> bool:
    while True:
        try:
            answer = input(f"  {question} [y/n] ").strip().lower()
        except EOFError:
            return False
        if answer in ("y", "yes", ""):
            return True
        if answer in ("n", "no"):
            return False


if __name__ == "__main__":
    sys.exit(main())
