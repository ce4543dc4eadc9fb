"""``run`` and ``simulate``: the service itself, on the device (what systemd
starts) or on a laptop with mock pins and a window."""

from __future__ import annotations

import argparse
import logging
import sys

from microbreak.cli.arguments import CONFIG_HELP, Commands, add_command, positive_float
from microbreak.cli.common import (
    EXERCISES_DIR,
    SYSTEM_STATE_DIR,
    CommandError,
    screen_pixels,
    simulator_state_dir,
    state_dir,
)
from microbreak.cli.words import _
from microbreak.config.settings import load_settings
from microbreak.config.values import ScreenSize
from microbreak.core.words import said
from microbreak.service.control import runtime_dir


def register(commands: Commands) -> None:
    service_options(
        add_command(commands, "run", cmd_run, _("run the service (what systemd starts)"))
    )
    sim = add_command(
        commands,
        "simulate",
        cmd_simulate,
        _(
            "run the service on a laptop: mock pins and a window with the screen, "
            "LED, buzzer and a clickable button (space bar too)"
        ),
    )
    service_options(sim)
    sim.add_argument(
        "--speed",
        type=positive_float,
        default=1.0,
        metavar="N",
        help=_("run the clock N times faster"),
    )
    sim.add_argument(
        "--headless",
        action="store_true",
        help=_("no window (SDL's dummy video driver), for scripts and tests"),
    )
    sim.add_argument(
        "--size", metavar="WxH", help=_("screen size (default: the settings', or 320x240)")
    )


def service_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--config", metavar="FILE", help=_(CONFIG_HELP))
    sub.add_argument(
        "--state-dir",
        metavar="DIR",
        help=_("where the history is kept (default: $STATE_DIRECTORY, else /var/lib/microbreak)"),
    )


def cmd_run(args: argparse.Namespace) -> int:
    from microbreak.parts.memory import keep_the_heap_small

    keep_the_heap_small()  # before a thread starts or a large block is freed
    from microbreak.parts.display import Display, parse_size
    from microbreak.parts.pins import make_pin_factory
    from microbreak.service.journal import setup_logging
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
    Service(
        settings,
        config_file=args.config,
        exercise_dirs=[EXERCISES_DIR],
        state_dir=state_dir(args.state_dir, SYSTEM_STATE_DIR),
        runtime_dir=runtime_dir(args.runtime_dir),
        frontend=display,
        screen_problem=problem,
        pin_factory=make_pin_factory(settings.pins.factory),
    ).run()
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from microbreak.parts.pins import make_pin_factory
    from microbreak.service.clock import ScaledClock, SystemClock
    from microbreak.service.journal import setup_logging
    from microbreak.service.loop import Service
    from microbreak.simulator.hands import Hands
    from microbreak.simulator.window import DEFAULT_SIZE, SimulatorWindow, has_display

    settings = load_settings(args.config)
    clock = ScaledClock(args.speed) if args.speed != 1 else SystemClock()
    setup_logging(clock=clock)
    size_text = args.size or settings.screen.size
    try:
        size = screen_pixels(size_text) if size_text not in ("auto", "none") else DEFAULT_SIZE
    except ValueError:
        raise CommandError(
            said("--size {size}: allowed: {allowed}", size=size_text, allowed=ScreenSize().allowed)
        ) from None
    headless = args.headless
    if not headless and not has_display():
        print(
            "microbreak: "
            + _(
                "no display here (DISPLAY and WAYLAND_DISPLAY are unset): running "
                "headless; drive it with 'microbreak status', 'press', 'hold'"
            ),
            file=sys.stderr,
        )
        headless = True
    service = Service(
        settings,
        config_file=args.config,
        clock=clock,
        simulated=True,
        exercise_dirs=[EXERCISES_DIR],
        state_dir=state_dir(args.state_dir, simulator_state_dir()),
        runtime_dir=runtime_dir(args.runtime_dir),
        pin_factory=make_pin_factory("mock"),
    )
    service.frontend = SimulatorWindow(lambda: service.hardware, size, headless=headless)
    service.hands = Hands(lambda: service.hardware)
    service.run()
    return 0
