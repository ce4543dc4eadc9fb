"""``microbreak bridge``: the network unit (``microbreak-mqtt.service``):
Home Assistant over MQTT and the calendars, talking to the service over its
control socket. ``--forget`` removes the device from Home Assistant."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from microbreak.cli.arguments import CONFIG_HELP, Commands, add_command
from microbreak.cli.common import CommandError

CACHE_DIR = Path("/var/cache/microbreak-mqtt")


def register(commands: Commands) -> None:
    bridge = add_command(
        commands,
        "bridge",
        cmd_bridge,
        "the network unit: Home Assistant over MQTT, and the calendars ([mqtt], [calendar])",
    )
    bridge.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
    bridge.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where the calendars' last good copies are kept "
        "(default: $CACHE_DIRECTORY, else /var/cache/microbreak-mqtt)",
    )
    bridge.add_argument(
        "--forget",
        action="store_true",
        help="remove the device from Home Assistant (its retained discovery and state), then end",
    )


def cmd_bridge(args: argparse.Namespace) -> int:
    from microbreak.config.settings import load_settings
    from microbreak.service.journal import setup_logging

    try:
        from microbreak.network.bridge import Bridge, device_id
        from microbreak.network.homeassistant import HomeAssistant, SettingsProblem
    except ImportError as exc:
        raise CommandError(
            f"the network packages are missing ({exc}); install microbreak[network]"
        ) from None
    settings = load_settings(args.config)
    setup_logging()
    cache = Path(
        args.cache_dir or (os.environ.get("CACHE_DIRECTORY") or "").split(":")[0] or CACHE_DIR
    )
    try:
        if args.forget:
            if not settings.mqtt.host:
                raise CommandError("no [mqtt] host in the settings: nothing to forget")
            HomeAssistant(
                settings.mqtt, device_id(settings), command=lambda *_: None, presence=False
            ).forget()
            print(f"removed from Home Assistant on {settings.mqtt.host}")
            return 0
        return Bridge(settings, runtime=args.runtime_dir, cache=cache).run()
    except (SettingsProblem, OSError) as exc:
        raise CommandError(str(exc)) from None
