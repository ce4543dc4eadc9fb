"""``exercises list|show|render``: the exercises a break shows, built in and
from the custom folder, drawn as the screen shows them and sounded as the
guidance plays them."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import wave
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microbreak.cli.arguments import Commands, add_command, add_group
from microbreak.cli.common import EXERCISES_DIR, WIDTH, CommandError, screen_pixels, write_file
from microbreak.resources import data_dir

if TYPE_CHECKING:
    from microbreak.core.exercise import Exercise


def register(commands: Commands) -> None:
    _, exercise_commands = add_group(
        commands,
        "exercises",
        "the exercises a break shows: list, show, render",
        f"The exercises a break shows: the built-in five and files in {EXERCISES_DIR}.",
    )
    add_command(
        exercise_commands,
        "list",
        cmd_exercises_list,
        "every exercise: name, title, reps and hold",
        runtime=False,
        json_output=True,
    )
    show = add_command(
        exercise_commands,
        "show",
        cmd_exercises_show,
        "one exercise: its title, steps, reps, hold and file",
        runtime=False,
        json_output=True,
    )
    show.add_argument("name", metavar="NAME")
    render = add_command(
        exercise_commands,
        "render",
        cmd_exercises_render,
        "draw an exercise as the screen shows it (a still PNG, one rep as a GIF), "
        "or one rep's guidance as it sounds (WAV)",
        runtime=False,
    )
    render.add_argument("name", metavar="NAME")
    render.add_argument(
        "--size", default="320x240", metavar="WxH", help="the screen size (default 320x240)"
    )
    render.add_argument(
        "--out",
        required=True,
        metavar="FILE.png|FILE.gif|FILE.wav",
        help="where to write it; .png for a still, .gif for one rep moving, "
        ".wav for one rep's guidance: its ticks, tones and spoken steps",
    )


def _exercises() -> dict[str, Exercise]:
    from microbreak.config.exercises import load_exercises

    return {e.name: e for e in load_exercises([EXERCISES_DIR])}


def _exercise(name: str) -> Exercise:
    import difflib

    exercises = _exercises()
    if name not in exercises:
        close = difflib.get_close_matches(name, exercises, n=1)
        hint = f"did you mean {close[0]}?" if close else "see 'microbreak exercises list'"
        raise CommandError(f"no exercise called {name!r}; {hint}")
    return exercises[name]


def _exercise_data(e: Exercise) -> dict[str, Any]:
    return {
        "name": e.name,
        "title": e.title,
        "steps": list(e.steps),
        "reps": e.reps,
        "hold_seconds": e.hold_seconds,
        "view": e.view,
        "file": str(e.source) if e.source else None,
    }


def cmd_exercises_list(args: argparse.Namespace) -> int:
    exercises = list(_exercises().values())
    if args.json:
        print(json.dumps([_exercise_data(e) for e in exercises], indent=2))
        return 0
    width = max(len(e.name) for e in exercises)
    for e in exercises:
        print(f"{e.name:<{width}}  {e.dose:<18} {e.title}"[:WIDTH])
    return 0


def cmd_exercises_show(args: argparse.Namespace) -> int:
    e = _exercise(args.name)
    if args.json:
        print(json.dumps(_exercise_data(e), indent=2))
        return 0
    print(f"{e.title} ({e.name})")
    print(f"  {e.dose}")
    for n, step in enumerate(e.steps, 1):
        print(f"  {n}. {step}")
    print(f"  file: {e.source}")
    return 0


def _render_sound(e: Exercise, out: Path) -> int:
    """One rep's guidance as a WAV file: what a speaker plays for it."""
    from microbreak.core import guidance
    from microbreak.parts.guide import clips_of, pieces
    from microbreak.parts.rtttl import load_folder
    from microbreak.parts.speaker import RATE, synthesize
    from microbreak.parts.speech import SpeechUnavailable, Voice

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "microbreak"
    try:
        voice: Voice | None = Voice(cache / "speech")
    except SpeechUnavailable as error:
        print(f"{out}: ticks and tones only: {error}", file=sys.stderr)
        voice = None
    prompts = guidance.guide(e, 0, 1, spoken=voice is not None)
    if voice is not None:
        voice.prepare(p.words for p in prompts)
        voice.wait()
        prompts = guidance.guide(e, 0, 1, spoken=True, speaking_seconds=voice.speaking_seconds)
    rep = [p for p in prompts if p.at < e.motion.rep_seconds]
    songs = load_folder(data_dir("sounds"))
    clips = clips_of(rep, lambda name: synthesize(songs[name], RATE), voice, RATE)
    samples = array("h")
    for piece in pieces(clips + [(round(e.motion.rep_seconds * RATE), array("h"))], RATE):
        samples.extend(piece)
    wav = io.BytesIO()
    with wave.open(wav, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(RATE)
        file.writeframes(samples.tobytes())
    write_file(out, wav.getvalue())
    said = " / ".join(p.words for p in rep if p.words)
    print(f"{out}: one rep, {len(samples) / RATE:.1f} s" + (f": {said}" if said else ""))
    return 0


def cmd_exercises_render(args: argparse.Namespace) -> int:
    import pygame

    from microbreak.core.views import ExerciseView
    from microbreak.drawing.gif import save_gif
    from microbreak.drawing.screen import Screen, png_bytes

    e = _exercise(args.name)
    try:
        size = screen_pixels(args.size)
    except ValueError:
        raise CommandError(
            f"--size {args.size}: allowed: WIDTHxHEIGHT from 240x240 to 1024x600"
        ) from None
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".gif", ".wav"):
        raise CommandError(f"--out {out}: allowed: a file name ending in .png, .gif or .wav")
    if out.suffix.lower() == ".wav":
        return _render_sound(e, out)
    screen = Screen(pygame.Surface(size))
    view = ExerciseView(e, "1 / 2", calling=False, hint="Press: done · Hold: snooze / skip")
    if out.suffix.lower() == ".png":
        screen.draw(view)
        write_file(out, png_bytes(screen.surface))
        print(out)
        return 0
    step = 0.1
    frames = []
    for n in range(max(round(e.motion.rep_seconds / step), 1)):
        screen.draw(view, now=n * step)
        frames.append(screen.surface.copy())
    gif = io.BytesIO()
    save_gif(gif, frames, step)
    write_file(out, gif.getvalue())
    print(f"{out}: one rep, {len(frames) * step:.1f} s")
    return 0
