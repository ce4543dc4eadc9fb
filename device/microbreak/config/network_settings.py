"""The settings of busy and of the network unit: ``[busy]``, ``[calendar]``
and ``[mqtt]`` (sections of :class:`~microbreak.config.settings.Settings`)."""

from __future__ import annotations

from dataclasses import dataclass

from microbreak.config.values import CalendarSources, FilePath, Flag, Name, Whole, setting


@dataclass(frozen=True)
class BusySection:
    grace_seconds: int = setting(
        60,
        Whole(0, 600, "seconds"),
        "a break that fell due while busy comes this long after busy ends",
    )


@dataclass(frozen=True)
class CalendarSection:
    sources: tuple = setting(
        (), CalendarSources(), "iCalendar feeds whose events make the desk busy"
    )
    refresh_minutes: int = setting(
        5, Whole(1, 1440, "minutes"), "how often the feeds are fetched again"
    )
    email: str = setting(
        "",
        Name(empty="nobody", longest=254, extra="@+"),
        "your address in the feeds: events you declined are free",
    )
    all_day: bool = setting(
        False, Flag(), "an all-day event makes the whole day busy (false: it marks the day only)"
    )


@dataclass(frozen=True)
class MqttSection:
    host: str = setting(
        "", Name(empty="no MQTT", longest=253), 'the MQTT broker Home Assistant uses; "" for none'
    )
    port: int = setting(1883, Whole(1, 65535), "the broker's port (8883 for TLS, usually)")
    tls: bool = setting(False, Flag(), "connect with TLS")
    ca_file: str = setting(
        "",
        FilePath("/etc/ssl/certs/my-ca.pem"),
        'the certificate authority for TLS; "" for the system\'s',
    )
    user: str = setting("", Name(empty="no login"), "the user name on the broker")
    password_file: str = setting(
        "",
        FilePath("/etc/microbreak/mqtt-password"),
        "a file holding the password, readable only by the network unit's user",
    )
    discovery_prefix: str = setting("homeassistant", Name(), "Home Assistant's discovery prefix")
    device_id: str = setting(
        "", Name(empty="from /etc/machine-id"), "the device's id in Home Assistant and its topics"
    )
