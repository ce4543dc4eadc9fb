"""``test-hardware``: try each part the settings name, for whoever just wired
them, with the service stopped."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from microbreak.cli.arguments import CONFIG_HELP, Commands, add_command, positive_float
from microbreak.cli.common import SYSTEM_STATE_DIR, CommandError, ask_service, state_dir
from microbreak.cli.words import _, caller, counted
from microbreak.config.settings import load_settings
from microbreak.core.words import said
from microbreak.service.control import ControlError


def register(commands: Commands) -> None:
    hw = add_command(
        commands,
        "test-hardware",
        cmd_test_hardware,
        _("try the LED, buzzer, screen and button, for whoever just wired them"),
        json_output=True,
        description=_(
            "Try each part the settings name: the LED on, off and pulsing; "
            "the buzzer's scale and every cue; a test pattern on the screen; "
            "a press and a hold of the button; then the history's storage "
            "(read-write, space left, the file sound). Each step reports pass or "
            "FAIL, and what to check when it fails. At a terminal, the steps "
            "you judge by eye or ear ask you. Stop the service first."
        ),
    )
    hw.add_argument(
        "parts",
        nargs="*",
        metavar="PART",
        help=_("only these parts: led, buzzer, speaker, screen, button, history (default: all)"),
    )
    hw.add_argument("--config", metavar="FILE", help=_(CONFIG_HELP))
    hw.add_argument(
        "--state-dir",
        metavar="DIR",
        help=_("where the history is (default: $STATE_DIRECTORY, else /var/lib/microbreak)"),
    )
    hw.add_argument(
        "--pin-factory",
        metavar="NAME",
        help=_(
            "the gpiozero pin library (default: the settings' pins.factory); "
            "'mock' needs no hardware"
        ),
    )
    hw.add_argument(
        "--timeout",
        type=positive_float,
        default=30.0,
        metavar="SECONDS",
        help=_("how long to wait for each button gesture (default 30)"),
    )
    hw.add_argument(
        "--no-questions",
        action="store_true",
        help=_("ask nothing: judge the light and sound steps by their pins"),
    )


def cmd_test_hardware(args: argparse.Namespace) -> int:
    from microbreak.parts.pins import make_pin_factory
    from microbreak.parts.rtttl import load_folder
    from microbreak.parts.wiring import PARTS, WiringCheck
    from microbreak.resources import data_dir

    unknown = [part for part in args.parts if part not in (*PARTS, "history")]
    if unknown:
        print(
            _("microbreak test-hardware: unknown part {part!r}; allowed: {parts}").format(
                part=unknown[0], parts=", ".join([*PARTS, "history"])
            ),
            file=sys.stderr,
        )
        return 2
    _service_stopped(args)
    settings = load_settings(args.config)
    interactive = (
        not args.no_questions and not args.json and sys.stdin.isatty() and sys.stdout.isatty()
    )
    factory_name = args.pin_factory or settings.pins.factory
    try:
        pin_factory = make_pin_factory(factory_name)
    except Exception as exc:  # noqa: BLE001 - the pin library's own words
        raise CommandError(
            said("cannot use the pin library {name!r}: {why}", name=factory_name, why=str(exc))
        ) from None
    try:
        check = WiringCheck(
            settings,
            pin_factory=pin_factory,
            songs=load_folder(data_dir("sounds")),
            say=_say(args),
            ask=ask_yes_no if interactive else None,
            timeout=args.timeout,
            mock_pins=factory_name == "mock",
            words=caller(),
        )
    except Exception as exc:  # noqa: BLE001 - a pin in use, a missing library
        raise CommandError(
            said("cannot set up the parts: {why}. Is another program using the pins?", why=str(exc))
        ) from None
    try:
        results = check.run([p for p in args.parts if p != "history"] if args.parts else PARTS)
        if not args.parts or "history" in args.parts:
            results = check.check_history(state_dir(args.state_dir, SYSTEM_STATE_DIR))
    finally:
        check.close()
    failed = [r for r in results if not r.passed]
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
    else:
        passed = counted("{count} step passed", "{count} steps passed", len(results) - len(failed))
        print(_("{passed}, {failed} failed").format(passed=passed, failed=len(failed)))
    return 1 if failed else 0


def _service_stopped(args: argparse.Namespace) -> None:
    """Refuse while the service runs: it holds the pins."""
    try:
        ask_service(args, "status", timeout=5)
    except ControlError:
        return  # none, or something that answers but not to us: the pins will tell
    raise CommandError(
        said(
            "microbreak is running and holds the pins: stop it first with "
            "'sudo systemctl stop microbreak', then start it again after the test"
        )
    )


def _say(args: argparse.Namespace) -> Callable[[str], None]:
    """How the steps report: a line each as they go, or nothing under --json."""
    if args.json:
        return lambda line: None
    return lambda line: print(line, flush=True)


def ask_yes_no(question: str) -> bool:
    """A person's yes or no to *question* (asked in their language); an
    empty answer is yes, and an English y or n is understood in any."""
    # Translators: the answers to a yes/no question, as typed: short form, then long.
    yes, no = {"y", "yes", _("y"), _("yes")}, {"n", "no", _("n"), _("no")}
    while True:
        try:
            answer = input("  " + _("{question} [y/n]").format(question=question) + " ").strip()
        except EOFError:
            return False
        if answer.lower() in yes | {""}:
            return True
        if answer.lower() in no:
            return False
