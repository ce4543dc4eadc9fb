"""A built wheel carries sounds/, images/ and locale/ and finds them once installed;
pip is not asked for pygame-ce where PyPI has no wheel of it."""

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

from microbreak import __version__

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_and_finds_the_data_folders(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    [wheel] = tmp_path.glob("microbreak-*.whl")
    assert wheel.name.startswith(f"microbreak-{__version__}-")  # read from the package
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for exercise in (
        "upper-back-movement",
        "high-reach-stretch",
        "shoulder-rolls",
        "shoulder-squeeze",
        "shoulder-shrug",
    ):
        assert f"microbreak/images/exercises/{exercise}.toml" in names
    assert "microbreak/sounds/break.rtttl" in names
    assert {"microbreak/images/fonts/NotoSans-Bold.ttf", "microbreak/images/fonts/OFL.txt"} <= names
    assert {f"microbreak/locale/{lang}/LC_MESSAGES/microbreak.mo" for lang in ("de", "es")} <= names
    assert any(name.endswith("entry_points.txt") for name in names)

    # Installed: the package finds its data inside itself, not in this checkout.
    probe = (
        "from microbreak.resources import data_dir\n"
        "from microbreak.config.exercises import load_exercises\n"
        "from microbreak.language import translation\n"
        "print(data_dir('images')); print(data_dir('sounds')); print(len(load_exercises()))\n"
        "print(data_dir('locale')); print(translation('de').gettext('Paused'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path / "site",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    images, sounds, count, locale, paused = run.stdout.split()
    site = str(tmp_path / "site" / "microbreak")
    assert images == f"{site}/images" and sounds == f"{site}/sounds"
    assert count == "5"
    assert locale == f"{site}/locale" and paused == "Pausiert"


def test_pygame_ce_is_not_asked_for_on_32_bit_arm():
    """32-bit Raspberry Pi OS uses Debian's classic pygame instead (see
    deploy/install.sh); everywhere else pip installs pygame-ce."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    [pygame] = [Requirement(r) for r in project["dependencies"] if r.startswith("pygame")]
    assert pygame.name == "pygame-ce"
    for machine, wanted in [
        ("x86_64", True),
        ("aarch64", True),
        ("armv6l", False),
        ("armv7l", False),
        ("armv8l", False),
    ]:
        assert pygame.marker.evaluate({"platform_machine": machine}) is wanted, machine
