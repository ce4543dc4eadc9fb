"""The verbs that act on the running service over its control socket (status,
snooze, pause, resume, skip, break-now, reload, screenshot, and the
simulator's press, hold and motion), and the status as a person reads it."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterator
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
from microbreak.cli.common import OUTCOMES, ask_service, write_file
from microbreak.cli.words import (
    N_,
    _,
    counted,
    duration,
    outcome_words,
    state_words,
    when,
)


def register(commands: Commands) -> None:
    _register_schedule_verbs(commands)
    _register_simulator_verbs(commands)


def _register_schedule_verbs(commands: Commands) -> None:
    """status and the verbs that change the schedule: break-now ... reload."""
    add_command(
        commands, "status", cmd_status, _("state, next break and today's counts"), json_output=True
    )
    add_command(commands, "break-now", act("break-now"), _("start a break now"), json_output=True)
    snooze = add_command(
        commands, "snooze", cmd_snooze, _("put the coming or current break off"), json_output=True
    )
    snooze.add_argument(
        "minutes",
        nargs="?",
        type=whole_minutes,
        metavar="MIN",
        help=_("for this many minutes (default: the settings' break.snooze_minutes)"),
    )
    add_command(
        commands, "skip", act("skip"), _("skip the coming or current break"), json_output=True
    )
    pause = add_command(
        commands,
        "pause",
        cmd_pause,
        _("no breaks until resumed, or until a time"),
        json_output=True,
    )
    until = pause.add_mutually_exclusive_group()
    until.add_argument(
        "--until", type=clock_time, metavar="HH:MM", help=_("resume by itself at this time of day")
    )
    until.add_argument(
        "--for",
        dest="minutes",
        type=whole_minutes,
        metavar="MIN",
        help=_("resume by itself after this many minutes"),
    )
    add_command(
        commands, "resume", act("resume"), _("breaks again after a pause"), json_output=True
    )
    busy = add_command(
        commands,
        "busy",
        cmd_busy,
        _("busy (a meeting, a call): nothing calls; a break due meanwhile comes after"),
        json_output=True,
    )
    busy.add_argument(
        "state", nargs="?", choices=("on", "off"), default="on", help=_("on (the default) or off")
    )
    lasting = busy.add_mutually_exclusive_group()
    lasting.add_argument(
        "--until", type=clock_time, metavar="HH:MM", help=_("busy until this time today")
    )
    lasting.add_argument(
        "--for", dest="minutes", type=whole_minutes, metavar="MIN", help=_("busy this many minutes")
    )
    add_command(
        commands,
        "reload",
        cmd_reload,
        _(
            "read the settings file again (the service "
            "keeps its last good settings if the file is bad)"
        ),
        json_output=True,
    )


def _register_simulator_verbs(commands: Commands) -> None:
    """The simulator's hands (press, hold, motion) and the screenshot."""
    add_command(
        commands, "press", act("press"), _("press the simulator's button"), json_output=True
    )
    hold = add_command(
        commands,
        "hold",
        cmd_hold,
        _("hold the simulator's button down for SECONDS"),
        json_output=True,
    )
    hold.add_argument(
        "seconds",
        type=positive_float,
        metavar="SECONDS",
        help=_("how long, up to 30 (by default 2 snoozes, 5 skips or pauses)"),
    )
    motion = add_command(
        commands,
        "motion",
        cmd_motion,
        _("the simulator's presence sensor: someone moves (on) or the desk is still (off)"),
        json_output=True,
    )
    motion.add_argument("state", choices=("on", "off"))
    shot = add_command(
        commands, "screenshot", cmd_screenshot, _("save what the screen shows now as a PNG")
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
        print(_("microbreak busy: error: off takes no --until or --for"), file=sys.stderr)
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
    changed = reply["changed"]
    print(
        _("reloaded: {keys}").format(keys=", ".join(changed))
        if changed
        else _("reloaded: no change")
    )
    if later:
        print(
            _(
                "{keys}: applied when the service restarts ('sudo systemctl restart microbreak')"
            ).format(keys=", ".join(later))
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
    """The service's state in a few aligned lines, like ``systemctl status``,
    in the caller's language."""
    lines = [
        f"microbreak: {state_words(status['state'])}"
        + (_(" (simulator)") if status.get("simulated") else "")
    ]
    today = status["today"]
    outcomes = ", ".join(
        _("{count} {outcome}").format(count=today[k], outcome=outcome_words(k))
        for k in OUTCOMES
        if today.get(k)
    )
    breaks = counted("{count} break", "{count} breaks", today["breaks"])
    rows = [
        *_schedule_rows(status),
        *_health_rows(status),
        (
            _("today"),
            breaks
            + (f" ({outcomes})" if outcomes else "")
            + " · "
            + counted("{count} set", "{count} sets", today["sets"]),
        ),
    ]
    width = max(11, *(len(label) for label, _text in rows))
    lines += [f"  {label:<{width}} {text}" for label, text in rows]
    return "\n".join(lines)


def _schedule_rows(status: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(label, text) for where the schedule stands: the health notice, a
    pause, the next break, the break under way, an empty desk."""
    if status.get("notice"):
        after = status.get("first_break_after_press_seconds")
        yield (
            _("waiting"),
            _("the health notice is on screen: breaks begin {after} after a press").format(
                after=duration(after)
            )
            if after
            else _("the health notice is on screen: breaks begin after a press"),
        )
    if status.get("paused_until"):
        yield _("paused"), _("until {time}").format(time=when(status["paused_until"]))
    if status.get("next_break_at"):
        yield (
            _("next break"),
            _("{time} (in {duration})").format(
                time=when(status["next_break_at"]),
                duration=duration(status["next_break_in_seconds"]),
            ),
        )
    current = status.get("break")
    if current:
        done, total = len(current["confirmed"]), len(current["exercises"])
        if status["state"] == "break":
            yield (
                _("exercise"),
                _("{name} ({number} of {total})").format(
                    name=current["current"], number=done + 1, total=total
                ),
            )
        else:
            yield _("snoozed"), _("{done} of {total} sets done").format(done=done, total=total)
    elif status.get("snoozed"):
        left = counted("{count} snooze left", "{count} snoozes left", status["snoozes_left"])
        yield _("snoozed"), _("put off; {left}").format(left=left)
    if status.get("present") is False:
        yield _("desk"), _("empty")
    busy = status.get("busy")
    if busy:
        yield _("busy"), _busy_text(busy)


BUSY_SOURCES = {
    "manual": N_("manual"),
    "calendar": N_("calendar"),
    "home_assistant": N_("Home Assistant"),
}


def _busy_text(busy: dict[str, Any]) -> str:
    """Until when, who said so and what, and whether a break waits."""
    who = ", ".join(_(BUSY_SOURCES[s]) if s in BUSY_SOURCES else s for s in busy["sources"])
    what = f": {busy['what']}" if busy.get("what") else ""
    until = (
        _("until {time}").format(time=when(busy["until"]))
        if busy.get("until")
        else _("until turned off")
    )
    deferred = _("; a break fell due: it comes after") if busy.get("deferred") else ""
    return f"{until} ({who}{what}){deferred}"


def _health_rows(status: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(label, text) for the parts and what is amiss: the screen and speaker,
    a history not written, the Prometheus export, refused connections, a
    clock not yet set. What a part reports is its own (English, as the log
    says it)."""
    for part, label in (("screen", _("screen")), ("speaker", _("speaker"))):
        report = status.get(part)
        if report and not (part == "speaker" and report["detail"].startswith("off")):
            detail = report["detail"]
            yield label, detail if report["ok"] else _("none: {why}").format(why=detail)
    history = status.get("history")
    if history and not history["ok"]:
        yield (
            _("history"),
            _("NOT WRITTEN, {records} kept in memory: {why}").format(
                records=counted("{count} record", "{count} records", history["pending"]),
                why=history["detail"],
            ),
        )
    export = status.get("export")
    if export and export["path"]:
        written = _("NOT WRITTEN: {why}").format(why=export["detail"])
        yield _("export"), export["path"] if export["ok"] else written
    calendar = status.get("calendar")
    for feed in (calendar or {}).get("feeds", []):
        yield _("calendar"), f"{feed['source']}: {feed['detail']}"
    if status.get("refused_connections"):
        yield (
            _("socket"),
            _("refused {count} connections: too many at once (see the log)").format(
                count=f"{status['refused_connections']:,}"
            ),
        )
    if status.get("wall_clock_trusted") is False:
        yield _("clock"), _("not yet set: breaks follow the interval only")
