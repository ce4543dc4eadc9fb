"""The verbs that act on the running service over its control socket (status,
snooze, pause, resume, skip, break-now, reload, screenshot, and the
simulator's press, hold and motion), and the status as a person reads it."""

from __future__ import annotations

import argparse
import base64
import json
import math
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from microbreak.cli.arguments import (
    Command,
    Commands,
    add_command,
    clock_time,
    png_file,
    positive_float,
    whole_minutes,
)
from microbreak.cli.common import OUTCOMES, ask_service, plural, write_file


def register(commands: Commands) -> None:
    _register_schedule_verbs(commands)
    _register_simulator_verbs(commands)


def _register_schedule_verbs(commands: Commands) -> None:
    """status and the verbs that change the schedule: break-now ... reload."""
    add_command(
        commands, "status", cmd_status, "state, next break and today's counts", json_output=True
    )
    add_command(commands, "break-now", act("break-now"), "start a break now", json_output=True)
    snooze = add_command(
        commands, "snooze", cmd_snooze, "put the coming or current break off", json_output=True
    )
    snooze.add_argument(
        "minutes",
        nargs="?",
        type=whole_minutes,
        metavar="MIN",
        help="for this many minutes (default: the settings' break.snooze_minutes)",
    )
    add_command(commands, "skip", act("skip"), "skip the coming or current break", json_output=True)
    pause = add_command(
        commands, "pause", cmd_pause, "no breaks until resumed, or until a time", json_output=True
    )
    until = pause.add_mutually_exclusive_group()
    until.add_argument(
        "--until", type=clock_time, metavar="HH:MM", help="resume by itself at this time of day"
    )
    until.add_argument(
        "--for",
        dest="minutes",
        type=whole_minutes,
        metavar="MIN",
        help="resume by itself after this many minutes",
    )
    add_command(commands, "resume", act("resume"), "breaks again after a pause", json_output=True)
    busy = add_command(
        commands,
        "busy",
        cmd_busy,
        "busy (a meeting, a call): nothing calls; a break due meanwhile comes after",
        json_output=True,
    )
    busy.add_argument(
        "state", nargs="?", choices=("on", "off"), default="on", help="on (the default) or off"
    )
    lasting = busy.add_mutually_exclusive_group()
    lasting.add_argument(
        "--until", type=clock_time, metavar="HH:MM", help="busy until this time today"
    )
    lasting.add_argument(
        "--for", dest="minutes", type=whole_minutes, metavar="MIN", help="busy this many minutes"
    )
    add_command(
        commands,
        "reload",
        cmd_reload,
        "read the settings file again (the service "
        "keeps its last good settings if the file is bad)",
        json_output=True,
    )


def _register_simulator_verbs(commands: Commands) -> None:
    """The simulator's hands (press, hold, motion) and the screenshot."""
    add_command(commands, "press", act("press"), "press the simulator's button", json_output=True)
    hold = add_command(
        commands, "hold", cmd_hold, "hold the simulator's button down for SECONDS", json_output=True
    )
    hold.add_argument(
        "seconds",
        type=positive_float,
        metavar="SECONDS",
        help="how long, up to 30 (by default 2 snoozes, 5 skips or pauses)",
    )
    motion = add_command(
        commands,
        "motion",
        cmd_motion,
        "the simulator's presence sensor: someone moves (on) or the desk is still (off)",
        json_output=True,
    )
    motion.add_argument("state", choices=("on", "off"))
    shot = add_command(
        commands, "screenshot", cmd_screenshot, "save what the screen shows now as a PNG"
    )
    shot.add_argument("file", metavar="FILE.png", type=png_file)


def act(verb: str) -> Command:
    """A command that sends *verb* and prints the status it answers with."""

    def command(args: argparse.Namespace) -> int:
        return print_status(args, ask_service(args, verb))

    return command


def cmd_status(args: argparse.Namespace) -> int:
    return print_status(args, ask_service(args, "status"))


def cmd_snooze(args: argparse.Namespace) -> int:
    request = {} if args.minutes is None else {"minutes": args.minutes}
    return print_status(args, ask_service(args, "snooze", **request))


def cmd_pause(args: argparse.Namespace) -> int:
    request: dict[str, Any] = {}
    if args.until is not None:
        request["until"] = args.until
    if args.minutes is not None:
        request["minutes"] = args.minutes
    return print_status(args, ask_service(args, "pause", **request))


def cmd_busy(args: argparse.Namespace) -> int:
    request: dict[str, Any] = {"state": args.state}
    if args.state == "off" and (args.until or args.minutes):
        print("microbreak busy: error: off takes no --until or --for", file=sys.stderr)
        return 2
    if args.until is not None:
        request["until"] = args.until
    if args.minutes is not None:
        request["minutes"] = args.minutes
    return print_status(args, ask_service(args, "busy", **request))


def cmd_motion(args: argparse.Namespace) -> int:
    ask_service(args, "motion", moving=args.state == "on")
    return print_status(args, ask_service(args, "status"))  # answered once the edge is handled


def cmd_hold(args: argparse.Namespace) -> int:
    return print_status(args, ask_service(args, "hold", seconds=args.seconds))


def cmd_reload(args: argparse.Namespace) -> int:
    reply = ask_service(args, "reload")
    later = reply.get("at_next_start", [])
    if args.json:
        print(json.dumps({"changed": reply["changed"], "at_next_start": later}))
        return 0
    print("reloaded: " + (", ".join(reply["changed"]) or "no change"))
    if later:
        print(
            f"{', '.join(later)}: applied when the service restarts "
            "('sudo systemctl restart microbreak')"
        )
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    write_file(args.file, base64.b64decode(ask_service(args, "screenshot")["png"]))
    print(args.file)
    return 0


def print_status(args: argparse.Namespace, status: dict[str, Any]) -> int:
    if args.json:
        print(json.dumps(status, indent=2))
    else:
        print(format_status(status))
    return 0


def format_status(status: dict[str, Any]) -> str:
    """The service's state in a few aligned lines, like ``systemctl status``."""
    state = status["state"].replace("_", "-")
    lines = [f"microbreak: {state}" + (" (simulator)" if status.get("simulated") else "")]
    today = status["today"]
    outcomes = ", ".join(f"{today[k]} {k}" for k in OUTCOMES if today.get(k))
    rows = [
        *_schedule_rows(status),
        *_health_rows(status),
        (
            "today",
            plural(today["breaks"], "break")
            + (f" ({outcomes})" if outcomes else "")
            + f" · {plural(today['sets'], 'set')}",
        ),
    ]
    lines += [f"  {label:<11} {text}" for label, text in rows]
    return "\n".join(lines)


def _schedule_rows(status: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(label, text) for where the schedule stands: the health notice, a
    pause, the next break, the break under way, an empty desk."""
    if status.get("notice"):
        after = status.get("first_break_after_press_seconds")
        yield (
            "waiting",
            (
                "the health notice is on screen: breaks begin "
                + (f"{_minutes(after)} after a press" if after else "after a press")
            ),
        )
    if status.get("paused_until"):
        yield "paused", f"until {_when(status['paused_until'])}"
    if status.get("next_break_at"):
        yield (
            "next break",
            (f"{_when(status['next_break_at'])} (in {_minutes(status['next_break_in_seconds'])})"),
        )
    current = status.get("break")
    if current:
        done, total = len(current["confirmed"]), len(current["exercises"])
        if status["state"] == "break":
            yield "exercise", f"{current['current']} ({done + 1} of {total})"
        else:
            yield "snoozed", f"{done} of {total} sets done"
    elif status.get("snoozed"):
        yield "snoozed", f"put off; {plural(status['snoozes_left'], 'snooze')} left"
    if status.get("present") is False:
        yield "desk", "empty"
    busy = status.get("busy")
    if busy:
        who = ", ".join(s.replace("_", " ") for s in busy["sources"])
        what = f": {busy['what']}" if busy.get("what") else ""
        until = f"until {_when(busy['until'])}" if busy.get("until") else "until turned off"
        yield (
            "busy",
            f"{until} ({who}{what})"
            + ("; a break fell due: it comes after" if busy.get("deferred") else ""),
        )


def _health_rows(status: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(label, text) for the parts and what is amiss: the screen and speaker,
    a history not written, the Prometheus export, refused connections, a
    clock not yet set."""
    for part in ("screen", "speaker"):
        report = status.get(part)
        if report and not (part == "speaker" and report["detail"].startswith("off")):
            yield part, report["detail"] if report["ok"] else f"none: {report['detail']}"
    history = status.get("history")
    if history and not history["ok"]:
        yield (
            "history",
            (
                f"NOT WRITTEN, {plural(history['pending'], 'record')} kept in "
                f"memory: {history['detail']}"
            ),
        )
    export = status.get("export")
    if export and export["path"]:
        yield "export", export["path"] if export["ok"] else f"NOT WRITTEN: {export['detail']}"
    calendar = status.get("calendar")
    for feed in (calendar or {}).get("feeds", []):
        yield "calendar", f"{feed['source']}: {feed['detail']}"
    if status.get("refused_connections"):
        yield (
            "socket",
            (
                f"refused {status['refused_connections']:,} connections: too many "
                "at once (see the log)"
            ),
        )
    if status.get("wall_clock_trusted") is False:
        yield "clock", "not yet set: breaks follow the interval only"


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
