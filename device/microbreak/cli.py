"""The ``microbreak`` command: the service itself, the simulator, and the verbs
that talk to a running service over its control socket.

Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

from . import __version__
from .control import ControlError, call, runtime_dir
from .settings import Settings, SettingsError, config_path, load_settings

SYSTEM_STATE_DIR = Path("/var/lib/microbreak")


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
    except (Refused, ControlError, SettingsError) as exc:
        print(f"microbreak: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="microbreak",
        description="A desk companion that cues upper-back exercise microbreaks.")
    parser.add_argument("--version", action="version", version=f"microbreak {__version__}")
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND")

    def verb(name, func, help, runtime=True, json_output=False):
        sub = verbs.add_parser(name, help=help, description=help)
        sub.set_defaults(func=func)
        if runtime:
            sub.add_argument("--runtime-dir", metavar="DIR",
                             help="where the control socket is (default: $MICROBREAK_RUNTIME_DIR, "
                                  "$RUNTIME_DIRECTORY, /run/microbreak)")
        if json_output:
            sub.add_argument("--json", action="store_true", help="print JSON")
        return sub

    def service_options(sub):
        sub.add_argument("--config", metavar="FILE",
                         help="settings file (default: $MICROBREAK_CONFIG, "
                              "/etc/microbreak/config.toml)")
        sub.add_argument("--state-dir", metavar="DIR", help="where the history is kept")

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

    verb("status", cmd_status, "state, next break and today's counts", json_output=True)
    verb("break-now", act("break-now"), "start a break now", json_output=True)
    verb("snooze", act("snooze"), "put the coming or current break off", json_output=True)
    verb("skip", act("skip"), "skip the coming or current break", json_output=True)
    verb("pause", act("pause"), "no breaks until resumed", json_output=True)
    verb("resume", act("resume"), "breaks again after a pause", json_output=True)
    history = verb("history", cmd_history, "the last breaks and their sets", json_output=True)
    history.add_argument("-n", "--limit", type=int, default=20, metavar="N",
                         help="how many breaks (default 20)")
    verb("reload", cmd_reload, "read the settings file again (the service keeps its last "
                               "good settings if the file is bad)")
    verb("press", act("press"), "press the simulator's button", json_output=True)
    hold = verb("hold", cmd_hold, "hold the simulator's button down for SECONDS",
                json_output=True)
    hold.add_argument("seconds", type=positive_float, metavar="SECONDS")
    shot = verb("screenshot", cmd_screenshot, "save what the screen shows now as a PNG")
    shot.add_argument("file", metavar="FILE.png")

    config = verbs.add_parser("config", help="read and check settings",
                              description="read and check settings")
    config.add_argument("--config", metavar="FILE", help="settings file")
    config_verbs = config.add_subparsers(title="config commands", metavar="COMMAND")
    check = config_verbs.add_parser("check", help="check a settings file; exit 1 if it is bad",
                                    description="check a settings file; exit 1 if it is bad")
    check.add_argument("file", nargs="?", metavar="FILE")
    check.set_defaults(func=cmd_config_check)
    show = config_verbs.add_parser("show", help="the effective settings",
                                   description="the effective settings, defaults marked")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=cmd_config_show)
    path = config_verbs.add_parser("path", help="which settings file is used",
                                   description="which settings file is used")
    path.set_defaults(func=cmd_config_path)
    config.set_defaults(func=lambda args: config.print_help() or 2)
    return parser


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be greater than 0")
    return value


# -- running the service ------------------------------------------------------

def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")


def state_dir(explicit: str | None, fallback: Path) -> Path:
    chosen = explicit or (os.environ.get("STATE_DIRECTORY") or "").split(":")[0]
    return Path(chosen) if chosen else fallback


def cmd_run(args) -> int:
    from .display import Display, parse_size
    from .hardware import make_pin_factory
    from .service import Service
    settings = load_settings(args.config)
    setup_logging()
    display = None
    if settings.screen.size != "none":
        try:
            display = Display(parse_size(settings.screen.size))
        except Exception as exc:  # noqa: BLE001 - any SDL failure: carry on without a screen
            logging.getLogger("microbreak").warning(
                "no screen (%s): carrying on with the LED, buzzer and button", exc)
    Service(settings, config_file=args.config,
            state_dir=state_dir(args.state_dir, SYSTEM_STATE_DIR),
            runtime_dir=runtime_dir(args.runtime_dir), frontend=display,
            pin_factory=make_pin_factory(settings.pins.factory)).run()
    return 0


def cmd_simulate(args) -> int:
    from .clock import ScaledClock, SystemClock
    from .display import parse_size
    from .hardware import make_pin_factory
    from .service import Service
    from .settings import ScreenSize
    from .simulator import DEFAULT_SIZE, SimulatorWindow, has_display
    settings = load_settings(args.config)
    setup_logging()
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
    clock = ScaledClock(args.speed) if args.speed != 1 else SystemClock()
    default_state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local/state") \
        / "microbreak-simulator"
    service = Service(settings, config_file=args.config, clock=clock, simulated=True,
                      state_dir=state_dir(args.state_dir, default_state),
                      runtime_dir=runtime_dir(args.runtime_dir),
                      pin_factory=make_pin_factory("mock"))
    service.frontend = SimulatorWindow(service.hardware, size, headless=headless)
    service.run()
    return 0


# -- talking to the service ---------------------------------------------------

def remote(args, verb: str, **request):
    return call(verb, request, runtime=args.runtime_dir)


def act(verb: str):
    def command(args) -> int:
        return print_status(args, remote(args, verb))
    return command


def cmd_hold(args) -> int:
    return print_status(args, remote(args, "hold", seconds=args.seconds))


def cmd_status(args) -> int:
    return print_status(args, remote(args, "status"))


def print_status(args, status: dict) -> int:
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    print(format_status(status))
    return 0


def _clock(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M")


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def format_status(status: dict) -> str:
    state = status["state"].replace("_", "-")
    lines = [f"microbreak: {state}" + (" (simulator)" if status.get("simulated") else "")]
    if status["next_break_at"]:
        minutes = max(round(status["next_break_in_seconds"] / 60), 0)
        lines.append(f"  next break  {_clock(status['next_break_at'])} (in {minutes} min)")
    current = status.get("break")
    if current:
        done = len(current["confirmed"])
        total = len(current["exercises"])
        if status["state"] == "break":
            lines.append(f"  exercise    {current['current']} ({done + 1} of {total})")
        else:
            lines.append(f"  snoozed     {done} of {total} sets done")
    today = status["today"]
    outcomes = ", ".join(f"{today[k]} {k}" for k in ("completed", "partial", "skipped", "missed")
                         if today[k])
    lines.append(f"  today       {plural(today['breaks'], 'break')}"
                 + (f" ({outcomes})" if outcomes else "") + f" · {plural(today['sets'], 'set')}")
    return "\n".join(lines)


def cmd_history(args) -> int:
    if args.limit < 1:
        raise Refused(f"--limit {args.limit}: allowed: 1 or more")
    breaks = remote(args, "history", limit=args.limit)
    if args.json:
        print(json.dumps(breaks, indent=2))
        return 0
    if not breaks:
        print("no breaks yet")
        return 0
    print(f"{'started':<17} {'outcome':<10} {'sets':<5} exercises")
    for b in breaks:
        started = datetime.fromisoformat(b["started_at"]).strftime("%Y-%m-%d %H:%M")
        sets = f"{len(b['sets'])}/{len(b['planned'])}"
        print(f"{started:<17} {b['outcome'] or 'on':<10} {sets:<5} {', '.join(b['planned'])}")
    return 0


def cmd_reload(args) -> int:
    changed = remote(args, "reload")["changed"]
    print("reloaded: " + (", ".join(changed) if changed else "no change"))
    return 0


def cmd_screenshot(args) -> int:
    path = Path(args.file).resolve()
    print(remote(args, "screenshot", path=str(path))["path"])
    return 0


# -- settings -----------------------------------------------------------------

def cmd_config_check(args) -> int:
    path = Path(args.file) if args.file else config_path(args.config)
    if args.file and not path.exists():
        raise Refused(f"{path}: no such file")
    load_settings(path)
    print(f"{path}: OK" if path.exists() else f"{path}: no file, the built-in defaults apply")
    return 0


def cmd_config_path(args) -> int:
    print(config_path(args.config))
    return 0


def cmd_config_show(args) -> int:
    settings = load_settings(args.config)
    rows = list(settings.items())
    if args.json:
        print(json.dumps({key: value for key, value, _, _ in rows}, indent=2))
        return 0
    width = max(len(key) for key, *_ in rows)
    for key, value, default, help in rows:
        shown = json.dumps(value)
        mark = "  (default)" if value == default else ""
        print(f"{key:<{width}} = {shown}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
