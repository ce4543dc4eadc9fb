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
from microbreak.cli.words import _, caller
from microbreak.core.words import Words, exercise_in, said
from microbreak.resources import data_dir

if TYPE_CHECKING:
    from microbreak.core.exercise import Exercise


def register(commands: Commands) -> None:
    _group, exercise_commands = add_group(
        commands,
        "exercises",
        _("the exercises a break shows: list, show, render"),
        _("The exercises a break shows: the built-in five and files in {folder}.").format(
            folder=EXERCISES_DIR
        ),
    )
    add_command(
        exercise_commands,
        "list",
        cmd_exercises_list,
        _("every exercise: name, title, reps and hold"),
        runtime=False,
        json_output=True,
    )
    show = add_command(
        exercise_commands,
        "show",
        cmd_exercises_show,
        _("one exercise: its title, steps, reps, hold and file"),
        runtime=False,
        json_output=True,
    )
    show.add_argument("name", metavar="NAME")
    render = add_command(
        exercise_commands,
        "render",
        cmd_exercises_render,
        _(
            "draw an exercise as the screen shows it (a still PNG, one rep as a GIF), "
            "or one rep's guidance as it sounds (WAV)"
        ),
        runtime=False,
    )
    render.add_argument("name", metavar="NAME")
    render.add_argument(
        "--size", default="320x240", metavar="WxH", help=_("the screen size (default 320x240)")
    )
    render.add_argument(
        "--out",
        required=True,
        metavar="FILE.png|FILE.gif|FILE.wav",
        help=_(
            "where to write it; .png for a still, .gif for one rep moving, "
            ".wav for one rep's guidance: its ticks, tones and spoken steps"
        ),
    )


def _exercises() -> dict[str, Exercise]:
    """The exercises, their words in the caller's language (the JSON's in English)."""
    from microbreak.config.exercises import load_exercises

    return {e.name: e for e in load_exercises([EXERCISES_DIR])}


def _exercise(name: str) -> Exercise:
    import difflib

    exercises = _exercises()
    if name not in exercises:
        close = difflib.get_close_matches(name, exercises, n=1)
        if close:
            raise CommandError(
                said(
                    "no exercise called {name!r}; did you mean {close}?", name=name, close=close[0]
                )
            )
        raise CommandError(
            said("no exercise called {name!r}; see 'microbreak exercises list'", name=name)
        )
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
    from microbreak.core.presenter import dose

    exercises = list(_exercises().values())
    if args.json:
        print(json.dumps([_exercise_data(e) for e in exercises], indent=2))
        return 0
    words = caller()
    width = max(len(e.name) for e in exercises)
    doses = [dose(e, words) for e in exercises]
    dose_width = max(18, *(len(d) for d in doses))
    for e, d in zip(exercises, doses, strict=True):
        print(f"{e.name:<{width}}  {d:<{dose_width}} {words.gettext(e.title)}"[:WIDTH])
    return 0


def cmd_exercises_show(args: argparse.Namespace) -> int:
    e = _exercise(args.name)
    if args.json:
        print(json.dumps(_exercise_data(e), indent=2))
        return 0
    from microbreak.core.presenter import dose

    words = caller()
    shown = exercise_in(words, e)
    print(f"{shown.title} ({e.name})")
    print(f"  {dose(e, words)}")
    for n, step in enumerate(shown.steps, 1):
        print(f"  {n}. {step}")
    print("  " + _("file: {path}").format(path=e.source))
    return 0


def _render_sound(e: Exercise, out: Path, words: Words) -> int:
    """One rep's guidance as a WAV file: what a speaker plays for it, spoken
    in *words*' language."""
    from microbreak.core import guidance
    from microbreak.language import espeak_voice
    from microbreak.parts.guide import clips_of, pieces
    from microbreak.parts.rtttl import load_folder
    from microbreak.parts.speaker import RATE, synthesize
    from microbreak.parts.speech import SpeechUnavailable, Voice

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "microbreak"
    try:
        voice: Voice | None = Voice(cache / "speech", language=espeak_voice(words.language))
    except SpeechUnavailable as error:
        print(_("{file}: ticks and tones only: {why}").format(file=out, why=error), file=sys.stderr)
        voice = None
    prompts = guidance.guide(e, 0, 1, spoken=voice is not None, words=words)
    if voice is not None:
        voice.prepare(p.words for p in prompts)
        voice.wait()
        prompts = guidance.guide(
            e, 0, 1, spoken=True, speaking_seconds=voice.speaking_seconds, words=words
        )
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
    spoken = " / ".join(p.words for p in rep if p.words)
    length = _("{file}: one rep, {seconds} s").format(
        file=out, seconds=words.number(round(len(samples) / RATE, 1))
    )
    print(length + (f": {spoken}" if spoken else ""))
    return 0


def cmd_exercises_render(args: argparse.Namespace) -> int:
    import pygame

    from microbreak.core.presenter import dose
    from microbreak.core.views import ExerciseView
    from microbreak.drawing.gif import save_gif
    from microbreak.drawing.screen import Screen, png_bytes

    words = caller()
    e = exercise_in(words, _exercise(args.name))
    try:
        size = screen_pixels(args.size)
    except ValueError:
        raise CommandError(
            said("--size {size}: allowed: WIDTHxHEIGHT from 240x240 to 1024x600", size=args.size)
        ) from None
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".gif", ".wav"):
        raise CommandError(
            said("--out {file}: allowed: a file name ending in .png, .gif or .wav", file=str(out))
        )
    if out.suffix.lower() == ".wav":
        return _render_sound(e, out, words)
    screen = Screen(pygame.Surface(size))
    hint = words.gettext("Press: done · Hold: snooze / skip")
    view = ExerciseView(e, "1 / 2", calling=False, hint=hint, dose=dose(e, words))
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
    seconds = words.number(round(len(frames) * step, 1))
    print(_("{file}: one rep, {seconds} s").format(file=out, seconds=seconds))
    return 0
