"""The exercises as data: the five built in, custom ones, and bad files refused."""

import pytest

from microbreak.exercises import ExerciseError, load_exercise, load_exercises

SEED = ["upper-back-movement", "high-reach-stretch", "shoulder-rolls", "shoulder-squeeze",
        "shoulder-shrug"]


def test_the_five_seed_exercises_in_order():
    exercises = load_exercises()
    assert [e.name for e in exercises] == SEED
    for e in exercises:
        assert 1 <= len(e.steps) <= 4 and e.reps >= 1
        assert all(len(step) <= 60 for step in e.steps), "steps are short lines"


def test_seed_facts_are_kept():
    by_name = {e.name: e for e in load_exercises()}
    reach = by_name["high-reach-stretch"]
    assert (reach.reps, reach.hold_seconds) == (5, 5)
    assert any("fingers" in s.lower() for s in reach.steps)
    assert by_name["shoulder-rolls"].reps == 5 and by_name["shoulder-shrug"].reps == 5
    assert reach.dose == "5 reps · hold 5 s"
    assert by_name["shoulder-rolls"].dose == "5 reps"


def test_custom_exercises_add_and_replace(tmp_path):
    (tmp_path / "neck-tilt.toml").write_text(
        'title = "Neck tilt"\nreps = 3\nhold_seconds = 2\nsteps = ["Tilt", "Back"]\norder = 9\n')
    (tmp_path / "shoulder-rolls.toml").write_text(
        'title = "Shoulder rolls"\nreps = 10\nhold_seconds = 0\nsteps = ["Roll back"]\n'
        'order = 3\n')
    by_name = {e.name: e for e in load_exercises([tmp_path])}
    assert by_name["neck-tilt"].title == "Neck tilt"
    assert by_name["shoulder-rolls"].reps == 10
    assert len(by_name) == 6


@pytest.mark.parametrize("text, message", [
    ('reps = 3\nhold_seconds = 2\nsteps = ["a"]\n', "title is missing"),
    ('title = "x"\nreps = 0\nhold_seconds = 2\nsteps = ["a"]\n', "reps = 0 is out of range"),
    ('title = "x"\nreps = "5"\nhold_seconds = 2\nsteps = ["a"]\n', "reps = '5' is not allowed"),
    ('title = "x"\nreps = 3\nhold_seconds = 2\nsteps = []\n', "steps has 0 entries"),
    ('title = "x"\nreps = 3\nhold_seconds = 2\nsteps = ["a"]\nview = "top"\n', "view = 'top'"),
    ('title = "x"\nreps = 3\n[', "not valid TOML"),
])
def test_bad_files_are_refused_naming_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ExerciseError) as caught:
        load_exercise(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)
