"""The settings of what the device shows and says: ``[screen]`` (its size
and how the picture reaches it) and ``[display]`` (the language), sections
of :class:`~microbreak.config.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from microbreak.config.values import LanguageTag, OneOf, ScreenSize, setting


@dataclass(frozen=True)
class ScreenSection:
    size: str = setting("auto", ScreenSize(), "the screen size, or none for no screen")
    output: str = setting(
        "auto",
        OneOf(("auto", "kms", "sdl")),
        "how the picture reaches the screen: kms (the kernel's mode "
        "setting, no GL), sdl (a window, or SDL's KMS/DRM driver), or "
        "auto: kms on a console, sdl in a desktop session",
    )


@dataclass(frozen=True)
class DisplaySection:
    language: str = setting(
        "",
        LanguageTag(),
        "the language of the screen and the spoken guidance, with its forms of dates "
        "and times: a BCP 47 tag (de, es-ES), or empty for the system's locale",
    )
