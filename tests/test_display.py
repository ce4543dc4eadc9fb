"""The device's display path: the KMS output's kernel interface, how the
output is chosen, letterboxing, and the reasons given when there is no
screen or no sound card. (The picture reaching a real DRM device is proven
by the VM test, tests/vm/, on QEMU's display.)"""

import pygame
import pytest

from microbreak.cli.remote import format_status
from microbreak.parts import drm, kms
from microbreak.parts.display import Display, _letterbox, chosen_output
from microbreak.parts.kms import KmsOutput, ScreenUnavailable
from microbreak.parts.speaker import why_no_audio


def test_the_ioctl_requests_are_the_kernels():
    # <drm/drm.h>, <drm/drm_mode.h>: DRM_IOCTL_* as the C headers compute them.
    assert {
        name: f"{getattr(drm, name):08x}"
        for name in (
            "GET_CAP",
            "GETRESOURCES",
            "GETCRTC",
            "SETCRTC",
            "GETENCODER",
            "GETCONNECTOR",
            "ADDFB",
            "RMFB",
            "DIRTYFB",
            "CREATE_DUMB",
            "MAP_DUMB",
        )
    } == {
        "GET_CAP": "c010640c",
        "GETRESOURCES": "c04064a0",
        "GETCRTC": "c06864a1",
        "SETCRTC": "c06864a2",
        "GETENCODER": "c01464a6",
        "GETCONNECTOR": "c05064a7",
        "ADDFB": "c01c64ae",
        "RMFB": "c00464af",
        "DIRTYFB": "c01864b1",
        "CREATE_DUMB": "c02064b2",
        "MAP_DUMB": "c01064b3",
    }


@pytest.mark.parametrize(
    "env, output, chosen",
    [
        ({}, "auto", "kms"),
        ({"SDL_VIDEODRIVER": "kmsdrm"}, "auto", "kms"),
        ({"DISPLAY": ":0"}, "auto", "sdl"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "auto", "sdl"),
        ({"SDL_VIDEODRIVER": "dummy"}, "auto", "sdl"),
        ({"DISPLAY": ":0"}, "kms", "kms"),
        ({}, "sdl", "sdl"),
    ],
)
def test_auto_is_kms_on_a_console_and_sdl_in_a_desktop(monkeypatch, env, output, chosen):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert chosen_output(output) == chosen


def test_an_sdl_display_says_what_shows_it():
    display = Display((320, 240), "sdl")
    try:
        assert display.describe() == "320x240 through SDL (dummy)"
    finally:
        display.close()


def test_no_dri_folder_says_to_enable_the_display_driver(monkeypatch, tmp_path):
    monkeypatch.setattr(kms, "DRI", tmp_path / "dri")
    with pytest.raises(ScreenUnavailable) as raised:
        KmsOutput.open()
    assert raised.value.reason == "no DRM device (/dev/dri is missing)".replace(
        "/dev/dri", str(tmp_path / "dri")
    )
    assert "dtoverlay=vc4-kms-v3d" in raised.value.fix


def test_a_device_that_is_no_display_is_named(monkeypatch, tmp_path):
    (tmp_path / "card0").write_bytes(b"")  # opens, but answers no DRM request
    monkeypatch.setattr(kms, "DRI", tmp_path)
    with pytest.raises(ScreenUnavailable, match=r"card0 cannot make dumb buffers"):
        KmsOutput.open()


def test_a_smaller_picture_is_scaled_to_fit_and_centred():
    picture = pygame.Surface((320, 240), 0, 32)
    picture.fill((255, 255, 255))
    frame = pygame.Surface((800, 480), 0, 32)
    frame.fill((10, 20, 30))
    _letterbox(pygame, picture, frame)
    assert frame.get_at((79, 240))[:3] == (0, 0, 0)  # black beside it
    assert frame.get_at((80, 0))[:3] == (255, 255, 255)  # 640x480 from x = 80
    assert frame.get_at((719, 479))[:3] == (255, 255, 255)
    assert frame.get_at((720, 240))[:3] == (0, 0, 0)
    picture = pygame.Surface((480, 320), 0, 32)
    picture.fill((255, 255, 255))
    _letterbox(pygame, picture, frame)  # 1.5x, smoothly: 720x480 from x = 40
    assert frame.get_at((39, 240))[:3] == (0, 0, 0)
    assert frame.get_at((40, 0))[:3] == (255, 255, 255)
    assert frame.get_at((760, 240))[:3] == (0, 0, 0)


def test_no_sound_card_says_how_to_enable_one(monkeypatch, tmp_path):
    monkeypatch.setenv("SDL_AUDIODRIVER", "alsa")
    monkeypatch.setattr("microbreak.parts.speaker.SND", tmp_path / "snd")
    assert why_no_audio("ALSA: no card").startswith("no sound card (/dev/snd is missing)")
    assert "dtparam=audio=on" in why_no_audio("ALSA: no card")
    (tmp_path / "snd").mkdir()
    (tmp_path / "snd" / "timer").write_bytes(b"")  # ALSA's own, no card
    assert why_no_audio("x").startswith("no sound card in /dev/snd")
    (tmp_path / "snd" / "pcmC0D0c").write_bytes(b"")  # a microphone only
    assert why_no_audio("x").startswith("no sound output in /dev/snd")


def test_status_names_what_shows_the_picture_and_why_there_is_none():
    base = {
        "state": "idle",
        "today": {"breaks": 0, "sets": 0},
        "speaker": {"ok": True, "detail": "off (sound.speaker = false)"},
    }
    shown = format_status(
        {**base, "screen": {"ok": True, "detail": "800x480 on HDMI-A-1 (/dev/dri/card0, KMS)"}}
    )
    assert "  screen      800x480 on HDMI-A-1 (/dev/dri/card0, KMS)" in shown.splitlines()
    assert "speaker" not in shown
    missing = format_status(
        {
            **base,
            "screen": {"ok": False, "detail": "no DRM device"},
            "speaker": {"ok": False, "detail": "no sound card"},
        }
    )
    assert "  screen      none: no DRM device" in missing.splitlines()
    assert "  speaker     none: no sound card" in missing.splitlines()


def test_memory_freed_by_an_exercise_goes_back_when_the_screen_stands_still():
    from microbreak.config.exercises import load_exercises
    from microbreak.core.views import ExerciseView, IdleView

    def resident_kib():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    display = Display((800, 480), "sdl")
    try:
        for exercise in load_exercises():
            view = ExerciseView(exercise, "1 / 2", calling=False, hint="Press: done", since=0.0)
            for frame in range(20):
                display.screen.draw(view, frame / 10)  # frames, as show() draws them
        display._shown = view
        moving = resident_kib()
        display.show(
            IdleView(
                clock="14:00",
                headline="Next break 14:45",
                detail="in 45 min",
                today="Today: 1 break",
                hint="",
            )
        )
        assert resident_kib() < moving - 1024  # at least 1 MiB back
    finally:
        display.close()
