"""The screen as a person at the desk sees it: every scene at every supported
size, legible, nothing overflowing or overlapping, the figure there, the hold
progress and the calls for attention visible."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import dataclasses
import sys

import pygame
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microbreak.config.exercises import Exercise, load_exercises
from microbreak.core.presenter import dose
from microbreak.core.views import DoneView, ExerciseView, HoldHint, IdleView
from microbreak.drawing import screen as screen_module
from microbreak.drawing import text as text_module
from microbreak.drawing.fitting import ELLIPSIS
from microbreak.drawing.layout import is_landscape, layout
from microbreak.drawing.palette import ACCENT, ATTENTION, BACKGROUND, CARD, TEXT
from microbreak.drawing.pgcompat import surface_bytes
from microbreak.drawing.screen import Screen
from microbreak.drawing.text import font, min_text_height


def exercise_view(exercise, *args, **kwargs):
    """An exercise as the presenter shows it: with its dose, in English."""
    return ExerciseView(exercise, *args, dose=dose(exercise), **kwargs)


SIZES = [(240, 240), (320, 240), (480, 320), (800, 480), (1024, 600)]
HINT = "Press when done · hold 2 s snooze · 5 s skip"
DEVICE_HINT = "Press: done · Hold: snooze / skip"  # what the presenter shows

pygame.font.init()

EXERCISES = load_exercises()
LONG = Exercise(
    name="long",
    title="An exercise with a title far too long for any small screen at all",
    steps=(
        "Sit upright with your feet flat on the floor and your spine relaxed and tall",
        "Supercalifragilisticexpialidociously long words do not break anywhere",
        "Breathe in slowly, then breathe out slowly, then do it all over again",
        "Relax your shoulders, your arms, your hands and your face completely",
    ),
    reps=50,
    hold_seconds=60,
    view="side",
)


def scenes():
    yield "idle", IdleView("14:05", "Next break 14:35", "in 30 min", "Today: 3 breaks · 6 sets", "")
    yield (
        "heads-up",
        IdleView(
            "14:34",
            "Break in 45 s",
            "",
            "Today: 3 breaks · 6 sets",
            "Hold 2 s to snooze",
            heads_up=True,
        ),
    )
    yield (
        "idle-hold",
        IdleView(
            "14:34",
            "Break in 40 s",
            "",
            "Today: 3 breaks · 6 sets",
            "Hold 2 s to snooze",
            heads_up=True,
            hold=HoldHint("Release: snooze", 0.5),
        ),
    )
    for exercise in EXERCISES:
        yield exercise.name, exercise_view(exercise, "1 / 2", calling=True, hint=HINT)
    yield (
        "exercise-hold",
        exercise_view(
            EXERCISES[0],
            "2 / 2",
            calling=False,
            hint=HINT,
            hold=HoldHint("Release: skip break", 0.8),
        ),
    )
    yield (
        "long",
        exercise_view(
            LONG, "10 / 10", calling=False, hint=HINT + " · or wait for a very long while"
        ),
    )
    yield "done", DoneView("Well done", "2/2 sets · next break 14:35")
    yield (
        "done-long",
        DoneView(
            "Break skipped, and a long title that needs wrapping",
            "0/2 sets · next break 15:20 · streak broken after twelve days in a row",
        ),
    )


SCENES = list(scenes())
CASES = [
    pytest.param(size, view, id=f"{size[0]}x{size[1]}-{name}")
    for size in SIZES
    for name, view in SCENES
]


def count_color(surface, rect, color):
    """How many pixels in *rect* are exactly *color*."""
    sub = surface.subsurface(pygame.Rect(rect).clip(surface.get_rect()))
    return pygame.mask.from_threshold(sub, color, (1, 1, 1, 255)).count()


def count_not(surface, rect, *colors):
    """How many pixels in *rect* are none of *colors*."""
    rect = pygame.Rect(rect).clip(surface.get_rect())
    sub = surface.subsurface(rect)
    matching = pygame.mask.Mask(rect.size)
    for color in colors:
        matching.draw(pygame.mask.from_threshold(sub, color, (1, 1, 1, 255)), (0, 0))
    return rect.width * rect.height - matching.count()


def draw(size, view):
    screen = Screen(pygame.Surface(size))
    return screen, screen.draw(view)


@pytest.mark.parametrize("size, view", CASES)
def test_text_stays_on_screen_apart_and_clear_of_the_figure(size, view):
    screen, plan = draw(size, view)
    bounds = screen.surface.get_rect()
    assert plan.texts
    for line in plan.texts:
        assert bounds.contains(line.rect), line
        if plan.figure is not None:
            assert not line.rect.colliderect(plan.figure), line
    for i, a in enumerate(plan.texts):
        for b in plan.texts[i + 1 :]:
            assert not a.rect.colliderect(b.rect), (a, b)


@pytest.mark.parametrize("size, view", CASES)
def test_text_is_never_smaller_than_the_minimum(size, view):
    _, plan = draw(size, view)
    minimum = min_text_height(size)
    for line in plan.texts:
        assert line.height >= minimum, line
        f = font(line.height)
        assert f.get_height() >= minimum
        assert f.size(line.text)[0] <= line.rect.width, line


@pytest.mark.parametrize("size, view", CASES)
def test_every_planned_line_is_drawn(size, view):
    screen, plan = draw(size, view)
    for line in plan.texts:
        ink = count_not(screen.surface, line.rect, BACKGROUND)
        assert ink >= 0.05 * line.rect.width * line.rect.height, line


@pytest.mark.parametrize("size, view", [c for c in CASES if isinstance(c.values[1], ExerciseView)])
def test_the_figure_is_drawn_in_its_card(size, view):
    screen, plan = draw(size, view)
    assert screen.surface.get_rect().contains(plan.card)
    assert plan.card.contains(plan.figure)
    figure = plan.figure
    assert (
        count_not(screen.surface, figure, BACKGROUND, CARD) >= 0.08 * figure.width * figure.height
    )
    # The card shows round the person.
    assert count_color(screen.surface, plan.card, CARD) >= 0.3 * plan.card.width * plan.card.height


def test_minimum_text_height_grows_with_the_screen():
    assert [min_text_height(size) for size in SIZES] == [16, 16, 21, 32, 40]


def test_fonts_are_made_once_per_height():
    assert font(23) is font(23)
    assert font(23).get_height() >= 23
    assert font(22).get_height() < font(30).get_height()


@pytest.mark.parametrize("size", SIZES)
def test_layout_puts_the_figure_left_when_wide_and_on_top_when_square(size):
    areas = layout(size, figure=True)
    bounds = pygame.Rect((0, 0), size)
    for rect in (areas.figure, areas.art, areas.body, areas.footer, areas.corner):
        assert bounds.contains(rect)
    assert areas.figure.contains(areas.art)
    assert not areas.body.colliderect(areas.figure)
    assert not areas.footer.colliderect(areas.body)
    assert areas.footer.top >= areas.body.bottom
    assert not areas.corner.colliderect(areas.art)
    if is_landscape(size):
        assert areas.figure.right <= areas.body.left
        assert areas.footer.left >= areas.figure.right
        assert areas.header is None
    else:
        assert areas.figure.bottom <= areas.body.top
        assert areas.figure.right <= areas.header.left
        assert not areas.header.colliderect(areas.body)


@pytest.mark.parametrize("size", SIZES)
def test_drawing_the_same_view_twice_gives_the_same_pixels(size):
    screen = Screen(pygame.Surface(size))
    view = SCENES[5][1]
    screen.draw(view)
    first = surface_bytes(screen.surface, "RGB")
    screen.draw(SCENES[0][1])
    assert surface_bytes(screen.surface, "RGB") != first
    screen.draw(view)
    assert surface_bytes(screen.surface, "RGB") == first


@pytest.mark.parametrize("size", SIZES)
def test_a_view_fills_the_whole_screen(size):
    screen = Screen(pygame.Surface(size))
    screen.surface.fill((255, 0, 255))
    screen.draw(SCENES[0][1])
    assert count_color(screen.surface, screen.surface.get_rect(), (255, 0, 255)) == 0


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["exercise", "idle", "done"])
def test_the_hold_shows_its_label_and_progress(size, name):
    view = {
        "exercise": exercise_view(EXERCISES[1], "1 / 2", False, HINT),
        "idle": SCENES[1][1],
        "done": DoneView("Well done", "2/2 sets · next break 14:35"),
    }[name]
    screen = Screen(pygame.Surface(size))
    plan = screen.draw(dataclasses.replace(view, hold=HoldHint("Release: snooze", 0.25)))
    assert screen.surface.get_rect().contains(plan.hold_bar)
    assert "Release: snooze" in [t.text for t in plan.texts]
    quarter = count_color(screen.surface, plan.hold_bar, ATTENTION)
    screen.draw(dataclasses.replace(view, hold=HoldHint("Release: snooze", 0.75)))
    three_quarters = count_color(screen.surface, plan.hold_bar, ATTENTION)
    assert quarter > 0
    assert three_quarters > 2 * quarter
    # The hint gives way to the hold; nothing else moves.
    without = screen.plan(view)
    footer = plan.layout.footer
    assert [t.text for t in plan.texts if t.rect.colliderect(footer)] == ["Release: snooze"]
    assert [t for t in without.texts if not t.rect.colliderect(without.layout.footer)] == [
        t for t in plan.texts if not t.rect.colliderect(plan.layout.footer)
    ]


@pytest.mark.parametrize("size", SIZES)
def test_heads_up_and_calling_call_for_attention(size):
    def attention(view):
        screen, plan = draw(size, view)
        outside = screen.surface.get_rect()
        pixels = count_color(screen.surface, outside, ATTENTION)
        if plan.figure is not None:  # the figure's own motion cues don't count
            pixels -= count_color(screen.surface, plan.figure, ATTENTION)
        return pixels

    quiet = IdleView("14:34", "Break in 45 s", "", "Today: 3 breaks · 6 sets", "")
    assert attention(quiet) == 0
    assert attention(dataclasses.replace(quiet, heads_up=True)) > 2 * sum(size)
    exercise = exercise_view(EXERCISES[2], "1 / 2", calling=False, hint=HINT)
    assert attention(exercise) == 0
    assert attention(dataclasses.replace(exercise, calling=True)) > 2 * sum(size)


@pytest.mark.parametrize("size", SIZES)
def test_a_call_shows_as_the_frame_alone_with_no_unexplained_mark_in_the_card(size):
    exercise = exercise_view(EXERCISES[2], "1 / 2", calling=False, hint=HINT)
    quiet, plan = draw(size, exercise)
    calling, _ = draw(size, dataclasses.replace(exercise, calling=True))
    card = plan.card
    assert surface_bytes(quiet.surface.subsurface(card), "RGB") == surface_bytes(
        calling.surface.subsurface(card), "RGB"
    )


@pytest.mark.parametrize("size", SIZES)
def test_only_a_completed_break_ends_in_the_colour_of_done(size):
    def title_color(outcome, title):
        _, plan = draw(size, DoneView(title, "0/2 sets · next break 15:20", outcome=outcome))
        return plan.texts[0].color

    assert title_color("completed", "Well done") == ACCENT
    assert title_color("partial", "Break over") == ATTENTION  # as its dot on the idle screen
    for outcome, title in (("skipped", "Break skipped"), ("missed", "Break missed")):
        assert title_color(outcome, title) not in (ACCENT, ATTENTION)


@pytest.mark.parametrize("size", SIZES)
def test_no_line_starts_or_ends_with_a_separator(size):
    views = [view for _, view in SCENES] + [
        IdleView(
            "14:05",
            "Next break 14:35",
            "in 2 min",
            "Today: 1 break · 2 sets",
            "",
            countdown=0.5,
            countdown_text="2",
        ),
        IdleView(
            "14:05",
            "Next break 14:35",
            "in 30 min",
            "Today: 10 breaks · 20 sets · 3 skipped",
            "",
            countdown=0.5,
            countdown_text="30",
        ),
        IdleView(
            "14:05",
            "Next break 14:35",
            "in 30 min",
            "Today: 10 breaks · 20 sets · 3 skipped · 2 missed · 1 partly done · 12 days in a row",
            "",
            countdown=0.5,
            countdown_text="30",
        ),
    ]
    for view in views:
        _, plan = draw(size, view)
        written = [
            " ".join(value.split()) for value in vars(view).values() if isinstance(value, str)
        ]
        exercise = getattr(view, "exercise", None)
        for number, step in enumerate(getattr(exercise, "steps", ()), 1):
            written += [" ".join(step.split()), str(number)]
        written += [exercise.title, dose(exercise)] if exercise else []
        written += [view.hold.label] if view.hold else []
        for line in plan.texts:
            assert not line.text.startswith("·") and not line.text.rstrip(ELLIPSIS).endswith("·"), (
                line
            )
            # A line is a piece of what was written: nothing lost between its parts.
            assert any(line.text.rstrip(ELLIPSIS) in text for text in written), line


@pytest.mark.parametrize("size", SIZES)
def test_the_exercise_shows_title_dose_position_steps_and_hint(size):
    exercise = next(e for e in EXERCISES if e.name == "shoulder-rolls")
    _, plan = draw(size, exercise_view(exercise, "1 / 2", calling=False, hint=HINT))
    words = " ".join(t.text for t in plan.texts)
    assert "Shoulder rolls" in words or "Shoulder" in words
    # On a square screen the counter beside the title stands in for the dose.
    assert (dose(exercise) in words) == is_landscape(size)
    assert "1 / 2" in words
    assert "Relax" in words  # the last step
    numbers = [t.text for t in plan.texts if t.text in ("1", "2", "3")]
    assert numbers == ["1", "2", "3"]


def test_long_text_is_shortened_with_an_ellipsis_on_a_small_screen():
    _, plan = draw((320, 240), SCENES[[name for name, _ in SCENES].index("long")][1])
    assert any(t.text.endswith("…") for t in plan.texts)


def test_a_big_screen_uses_bigger_text_than_the_minimum_where_it_fits():
    _, plan = draw((800, 480), DoneView("Well done", "2/2 sets · next break 14:35"))
    assert plan.texts[0].height >= 2 * min_text_height((800, 480))


def test_layout_is_cached_until_the_view_changes(monkeypatch):
    screen = Screen(pygame.Surface((320, 240)))
    view = SCENES[3][1]
    screen.draw(view)
    calls = []
    original = screen_module._plan_scene
    monkeypatch.setattr(screen_module, "_plan_scene", lambda *a: calls.append(a) or original(*a))
    screen.draw(view)
    screen.draw(dataclasses.replace(view, hold=HoldHint("Release: confirm", 0.1)))
    assert calls == []
    screen.draw(dataclasses.replace(view, position="2 / 2"))
    assert len(calls) == 1


def test_an_unknown_view_is_refused_by_name():
    with pytest.raises(
        TypeError, match="cannot draw str; expected a view of microbreak.core.views"
    ):
        Screen(pygame.Surface((320, 240))).plan("hello")


words = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789·,.:°"
    ),
    min_size=1,
    max_size=90,
).filter(str.strip)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.sampled_from(SIZES),
    title=words,
    steps=st.lists(words, min_size=1, max_size=4),
    hint=words,
    position=st.sampled_from(["", "1 / 2", "10 / 10"]),
)
def test_any_exercise_text_fits(size, title, steps, hint, position):
    exercise = Exercise("any", title, tuple(steps), 5, 5, view="front")
    screen, plan = draw(size, exercise_view(exercise, position, calling=True, hint=hint))
    bounds = screen.surface.get_rect()
    minimum = min_text_height(size)
    for i, line in enumerate(plan.texts):
        assert bounds.contains(line.rect)
        assert line.height >= minimum
        assert not line.rect.colliderect(plan.figure)
        for other in plan.texts[i + 1 :]:
            assert not line.rect.colliderect(other.rect)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_step_shows_whole_on_every_screen_and_the_dose_where_it_fits(size, exercise):
    _, plan = draw(size, exercise_view(exercise, "1 / 2", calling=True, hint=DEVICE_HINT))
    texts = [t.text for t in plan.texts]
    assert [t for t in texts if t.isdigit()] == [str(i) for i in range(1, len(exercise.steps) + 1)]
    words = " ".join(texts)
    for step in exercise.steps:
        assert " ".join(step.split()) in words, "a built-in step is never cut short"
    if size[1] >= 320 and is_landscape(size):
        assert dose(exercise) in texts


# ------------------------------------------------------------ simulator panel

from microbreak.simulator.panel import PANEL_WIDTH, PanelState, button_rect, draw_panel  # noqa: E402

PANEL_HEIGHTS = [240, 300, 480, 600]
IDLE_PANEL = PanelState(led=0.0, buzzer_hz=None, button_down=False, hold=None)


def draw_panel_at(height, state):
    window = pygame.Surface((320 + PANEL_WIDTH, height))
    window.fill((255, 0, 255))
    rect = pygame.Rect(320, 0, PANEL_WIDTH, height)
    draw_panel(window, rect, state)
    return window, rect


@pytest.mark.parametrize("height", PANEL_HEIGHTS)
def test_the_panel_paints_only_its_own_rect_and_the_button_is_inside(height):
    window, rect = draw_panel_at(height, IDLE_PANEL)
    assert count_color(window, pygame.Rect(0, 0, 320, height), (255, 0, 255)) == 320 * height
    assert count_color(window, rect, (255, 0, 255)) == 0
    button = button_rect(rect)
    assert rect.contains(button)
    assert button.width >= 60 and button.width == button.height


@pytest.mark.parametrize("height", PANEL_HEIGHTS)
def test_the_panel_shows_led_buzzer_button_and_hold(height):
    def pixels(state):
        window, rect = draw_panel_at(height, state)
        return window.subsurface(rect).copy()

    def differ(a, b):
        return surface_bytes(a, "RGB") != surface_bytes(b, "RGB")

    idle = pixels(IDLE_PANEL)
    lit = pixels(dataclasses.replace(IDLE_PANEL, led=1.0))
    bright_red = lambda s: count_color(s, s.get_rect(), (255, 70, 56))  # noqa: E731
    assert bright_red(lit) > bright_red(idle)
    assert differ(idle, pixels(dataclasses.replace(IDLE_PANEL, buzzer_hz=2093.0)))
    assert differ(
        pixels(dataclasses.replace(IDLE_PANEL, buzzer_hz=2093.0)),
        pixels(dataclasses.replace(IDLE_PANEL, buzzer_hz=440.0)),
    )
    assert differ(idle, pixels(dataclasses.replace(IDLE_PANEL, button_down=True)))
    held = pixels(
        dataclasses.replace(IDLE_PANEL, button_down=True, hold=HoldHint("Release: snooze", 0.5))
    )
    assert count_color(held, held.get_rect(), ATTENTION) > count_color(
        idle, idle.get_rect(), ATTENTION
    )


# ------------------------------------------------------------------ animation


def frame_times(exercise):
    """Every key moment of the first rep, and the set done."""
    motion = exercise.motion
    return [*motion.key_times(), motion.reps * motion.rep_seconds + 0.5]


def moving(exercise, since=100.0):
    return exercise_view(exercise, "1 / 2", calling=False, hint=HINT, since=since)


def test_an_exercise_is_animated_and_the_other_scenes_are_not():
    screen = Screen(pygame.Surface((320, 240)))
    assert screen.animated(moving(EXERCISES[0]))
    assert not screen.animated(SCENES[0][1])
    assert not screen.animated(DoneView("Well done", "2/2 sets"))
    assert not screen.animated(None)


def test_animation_time_is_real_time_since_the_exercise_appeared():
    screen = Screen(pygame.Surface((320, 240)))
    exercise = EXERCISES[4]
    assert screen.moment(moving(exercise, since=100.0), 103.5) == exercise.motion.at(3.5)
    assert screen.moment(moving(exercise, since=100.0)) == exercise.motion.at(
        exercise.motion.key_seconds
    )


def edges_of(rect):
    return [
        pygame.Rect(rect.left, rect.top, rect.width, 1),
        pygame.Rect(rect.left, rect.bottom - 1, rect.width, 1),
        pygame.Rect(rect.left, rect.top, 1, rect.height),
        pygame.Rect(rect.right - 1, rect.top, 1, rect.height),
    ]


def outside(surface, *rects):
    """The surface's pixels with *rects* painted over, to compare the rest."""
    copy = surface.copy()
    for rect in rects:
        copy.fill((255, 0, 255), rect)
    return surface_bytes(copy, "RGB")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_the_figure_stays_inside_its_area_in_every_frame_and_moves(size, exercise):
    screen = Screen(pygame.Surface(size))
    view = moving(exercise)
    plan = screen.plan(view)
    counter = plan.counter.ring.union(plan.counter.text) if plan.counter.ring else plan.counter.text
    still = None
    arts = []
    for t in frame_times(exercise):
        screen.draw(view, now=view.since + t)
        surface = screen.surface
        # Only the figure and the counter change from frame to frame.
        rest = outside(surface, plan.figure, counter)
        assert still is None or rest == still, f"something outside the figure changed at {t} s"
        still = rest
        # Nothing of the person touches the edge of its area: nothing is cut off.
        for edge in edges_of(plan.figure):
            assert count_not(surface, edge, CARD) == 0, f"the figure reaches its edge at {t} s"
        assert count_not(surface, plan.figure, CARD) > 0.05 * plan.figure.width * plan.figure.height
        arts.append(surface_bytes(surface.subsurface(plan.figure), "RGB"))
    # It moves: the rep shows several different pictures, not one.
    assert len(set(arts)) >= min(4, len(arts) - 1)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_counter_is_legible_and_apart_from_everything_else(size):
    for exercise in EXERCISES:
        screen, plan = draw(size, moving(exercise))
        counter = plan.counter
        bounds = screen.surface.get_rect()
        minimum = min_text_height(size)
        assert counter.text_height >= minimum and counter.ring_text >= minimum
        assert (
            font(counter.text_height).size(f"{exercise.reps} / {exercise.reps}")[0]
            <= counter.text.width
        )
        parts = [counter.text] + ([counter.ring] if counter.ring else [])
        assert (counter.ring is not None) == (exercise.hold_seconds > 0)
        if counter.ring:
            assert counter.ring.height >= 1.8 * minimum  # the seconds fit inside
        for part in parts:
            assert bounds.contains(part)
            assert not part.colliderect(plan.figure)
            for line in plan.texts:
                assert not part.colliderect(line.rect), line


@pytest.mark.parametrize(
    "size", [(240, 240), (320, 240), (800, 480)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_the_ring_drains_through_a_hold_and_shows_the_seconds_left(size):
    exercise = next(e for e in EXERCISES if e.name == "shoulder-shrug")
    motion = exercise.motion
    start = next(t for t in (i / 100 for i in range(1000)) if motion.at(t).hold_left is not None)
    screen = Screen(pygame.Surface(size))
    view = moving(exercise, since=0.0)
    plan = screen.plan(view)

    def filled(t):
        screen.draw(view, now=t)
        return count_color(screen.surface, plan.counter.ring, ACCENT), screen.moment(view, t)

    full, moment = filled(start + 0.01)
    assert moment.counter == "1 / 5" and moment.hold_left > 2.9
    half, _ = filled(start + 1.5)
    nearly, _ = filled(start + 2.9)
    empty, moment = filled(start - 0.2)
    assert moment.hold_left is None and empty == 0
    assert full > half > nearly > 0
    done, moment = filled(motion.reps * motion.rep_seconds + 1)
    assert moment.done and moment.counter == "5 / 5" and done >= full


def test_the_rep_counter_advances_rep_by_rep():
    exercise = EXERCISES[1]
    motion = exercise.motion
    screen = Screen(pygame.Surface((320, 240)))
    view = moving(exercise, since=0.0)
    counts = [
        screen.moment(view, motion.rep_seconds * (rep + 0.5)).counter for rep in range(motion.reps)
    ]
    assert counts == [f"{rep} / {motion.reps}" for rep in range(1, motion.reps + 1)]
    pictures = set()
    for rep in range(motion.reps):
        screen.draw(view, now=motion.rep_seconds * (rep + 0.01))
        pictures.add(
            surface_bytes(screen.surface.subsurface(screen.plan(view).counter.text), "RGB")
        )
    assert len(pictures) == motion.reps


def test_frames_after_the_first_render_no_text_and_plan_nothing(monkeypatch):
    """Per frame only the figure and the counter are painted: the layout,
    the still layer and every text (the counts included) are made once."""
    # Even when the text cache is full of other views' lines.
    for i in range(text_module.RENDERED_KEPT):
        text_module.rendered(f"line {i}", 16, TEXT)
    exercise = EXERCISES[3]
    screen = Screen(pygame.Surface((800, 480)))
    view = moving(exercise, since=0.0)
    loop = exercise.motion.loop_seconds
    for i in range(int(loop * 4)):  # once round, four frames a second
        screen.draw(view, now=i / 4)

    def refuse(*args):
        raise AssertionError("made again for one more frame")

    monkeypatch.setattr(screen_module, "_plan_scene", refuse)
    for name, module in list(sys.modules.items()):  # each drawing module that calls font()
        if name.startswith("microbreak.drawing.") and hasattr(module, "font"):
            monkeypatch.setattr(module, "font", refuse)
    for i in range(int(loop * 4)):
        screen.draw(view, now=loop + i / 4 + 0.1)


def test_a_custom_exercise_in_the_same_format_moves_on_screen(tmp_path):
    (tmp_path / "neck-tilt.toml").write_text(
        'title = "Neck tilt"\nreps = 3\nhold_seconds = 2\nview = "side"\n'
        'steps = ["Tilt your head down", "Back up"]\n'
        "[[keyframes]]\npause = 1\n[[keyframes]]\nseconds = 1.5\nhold = true\nhead_tilt = 40\n"
    )
    exercise = next(e for e in load_exercises([tmp_path]) if e.name == "neck-tilt")
    test_the_figure_stays_inside_its_area_in_every_frame_and_moves((320, 240), exercise)


@pytest.mark.parametrize("size", [(240, 240), (320, 240), (480, 320), (800, 480), (1024, 600)])
def test_idle_countdown_ring_and_dots_stay_clear_of_the_text(size):
    view = IdleView(
        "14:05",
        "Next break 14:35",
        "in 30 min",
        "Today: 3 breaks · 6 sets",
        "",
        countdown=0.6,
        countdown_text="30",
        dots=("completed", "missed", "partial"),
    )
    plan = Screen(pygame.Surface(size)).plan(view)
    screen_rect = pygame.Rect((0, 0), size)
    assert screen_rect.contains(plan.ring)
    assert any(t.text == "30" and plan.ring.contains(t.rect) for t in plan.texts)
    outside_ring = [t for t in plan.texts if not plan.ring.contains(t.rect)]
    assert all(not plan.ring.colliderect(t.rect) for t in outside_ring)
    assert [outcome for _, outcome in plan.dots] == ["completed", "missed", "partial"]
    for rect, _ in plan.dots:
        assert screen_rect.contains(rect)
        assert not any(rect.colliderect(t.rect) for t in plan.texts)


def test_the_sleeping_screen_is_dark_and_has_no_ring():
    view = IdleView(
        "20:15",
        "Back Mon 09:00",
        "First break Mon 09:45",
        "Today: 0 breaks · 0 sets",
        "",
        asleep=True,
        countdown=0.5,
        countdown_text="30",
    )
    surface = pygame.Surface((320, 240))
    plan = Screen(surface).draw(view)
    assert plan.ring is None
    brightest = max(
        max(surface.get_at((x, y))[:3]) for x in range(0, 320, 2) for y in range(0, 240, 2)
    )
    assert brightest < 100  # dim enough not to light a room


def test_the_first_start_notice_reads_whole():
    from microbreak.core.presenter import first_start

    for size in [(240, 240), (320, 240), (800, 480)]:
        plan = Screen(pygame.Surface(size)).plan(first_start())
        words = " ".join(t.text for t in plan.texts)
        assert "physician" in words and "hurts" in words and "Press" in words
        assert "…" not in words


@pytest.mark.parametrize("size", [(320, 240), (800, 480)])
def test_only_what_moves_is_marked_changed_from_frame_to_frame(size):
    """The display copies the rows a frame changed: every pixel that differs
    between two frames of an exercise lies in what the second draw marked."""
    surface = pygame.Surface(size, 0, 32)
    screen = Screen(surface)
    view = exercise_view(EXERCISES[1], "1 / 2", calling=False, hint=HINT, since=0.0)
    screen.draw(view, 0.0)
    assert screen.changed == surface.get_rect()  # a new view: all of it
    for now in (0.4, 0.8, 1.6, 2.5):
        before = surface.copy()
        screen.draw(view, now)
        assert screen.changed.height < size[1]
        for x in range(0, size[0], 2):
            for y in range(0, size[1], 2):
                if surface.get_at((x, y)) != before.get_at((x, y)):
                    assert screen.changed.collidepoint(x, y), (now, x, y, screen.changed)


def test_only_what_moves_is_kept_between_frames():
    """Memory at 800x480: a still view keeps no copy of the screen; an
    exercise keeps what lies under its counter and hold bar, and of its
    figure's card, all one colour, the colour only."""
    screen = Screen(pygame.Surface((800, 480), 0, 32))
    screen.draw(SCENES[0][1])
    assert screen._under == []
    view = exercise_view(EXERCISES[0], "1 / 2", calling=False, hint=HINT, since=0.0)
    for shown in (view, dataclasses.replace(view, hold=HoldHint("Release: snooze", 0.5))):
        screen.draw(shown, 0.0)
        screen.draw(shown, 0.5)
        copies = [kept for _, kept in screen._under if isinstance(kept, pygame.Surface)]
        assert isinstance(screen._under[0][1], int)  # the figure's card
        assert sum(c.get_width() * c.get_height() for c in copies) < 800 * 480 / 16
    screen.draw(DoneView("Well done", "2/2 sets · next break 14:35"))
    assert screen._under == []


@pytest.mark.slow
@pytest.mark.parametrize("size", [(240, 240), (800, 480)])
def test_frame_after_frame_the_screen_shows_what_a_fresh_one_draws(size):
    """From frame to frame only what moves is painted again, and the figure
    only when its pose changed: every frame, through a hold, the button held
    and a call, is still the very picture a new screen draws of it."""
    screen = Screen(pygame.Surface(size, 0, 32))
    view = exercise_view(EXERCISES[1], "1 / 2", calling=False, hint=HINT, since=0.0)
    figure_kept = 0
    for frame in range(0, 150, 2):
        shown = view
        if 40 <= frame < 70:
            shown = dataclasses.replace(view, hold=HoldHint("Release: snooze", (frame - 40) / 30))
        elif 100 <= frame < 110:
            shown = dataclasses.replace(view, calling=True)
        plan = screen.draw(shown, frame / 30)
        fresh = Screen(pygame.Surface(size, 0, 32))
        fresh.draw(shown, frame / 30)
        assert surface_bytes(screen.surface, "RGB") == surface_bytes(fresh.surface, "RGB"), frame
        figure_kept += not screen.changed.colliderect(plan.figure)
    assert figure_kept > 10  # the figure held still in a hold, and was not drawn again


def _gaps_between_letters(image: pygame.Surface) -> list[float]:
    """The blank runs between the letters of a rendered word, left to right,
    in pixels: a column counts as blank by how little of it is inked, so a
    half-covered edge column adds half a pixel."""
    width = image.get_width()
    alpha = surface_bytes(image, "RGBA")[3::4]
    cover = [max(alpha[x::width]) / 255 for x in range(width)]
    gaps = []
    x = next(i for i, c in enumerate(cover) if c >= 0.5)
    while x < width:
        if cover[x] >= 0.5:
            x += 1
            continue
        start = x
        while x < width and cover[x] < 0.5:
            x += 1
        if x < width:
            gaps.append(sum(1 - c for c in cover[start - 1 : x + 1]))
    return gaps


def _words_on_screen() -> set[str]:
    from microbreak.core.presenter import first_start

    texts = [
        first_start().title,
        *first_start().lines,
        first_start().hint,
        DEVICE_HINT,
        HINT,
        "Hold 2 s to snooze",
        "Release: snooze",
        "Release: skip break",
        "Relax, then wait",
    ]
    for exercise in EXERCISES:
        texts += [exercise.title, dose(exercise), *exercise.steps]
    for _, view in SCENES:
        texts += [
            getattr(view, name)
            for name in ("headline", "detail", "today", "title", "summary")
            if isinstance(getattr(view, name, None), str)
        ]
    return {word for text in texts for word in text.split() if len(word) > 1}


@pytest.mark.parametrize("height", [16, 21, 23, 32, 40, 51])
def test_letters_inside_words_are_spaced_as_the_typeface_designs_them(height):
    """Each gap between two letters, as drawn, within a pixel and a quarter
    of the same gap in the typeface's own design (the word drawn 240 px
    large, scaled down): no "snooz e" or "bu tton" at any size."""
    large = 240
    words = _words_on_screen()
    assert {"snooze", "skip", "hurts.", "button", "stretch", "wait"} <= words
    compared, uneven = 0, []
    for word in sorted(words):
        drawn = _gaps_between_letters(font(height).render(word, True, TEXT))
        designed = [
            gap * height / large
            for gap in _gaps_between_letters(font(large).render(word, True, TEXT))
        ]
        if len(drawn) != len(designed):
            continue  # letters that touch at one size and not the other
        compared += 1
        uneven += [
            (word, round(d, 1), round(g, 1))
            for d, g in zip(drawn, designed, strict=True)
            if abs(d - g) > 1.25
        ]
    assert compared >= 0.6 * len(words)  # letters that touch aside
    assert not uneven, f"gaps drawn vs designed at {height} px: {uneven}"
