"""Settings files of every kind, generated and mutated: each is accepted or
refused with a clear message, one line per problem, naming the key (or
section) at fault or the TOML error, and never with a traceback.

In-process through ``parse_settings`` for speed; a sample through the real
``microbreak config check`` too."""

import json
import math
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from faultlib import size
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microbreak.config.settings import Settings, SettingsError, parse_settings
from microbreak.simulator.harness import DEVICE

EXAMPLE = (Path(__file__).resolve().parents[2] / "deploy" / "config.toml").read_text()
KNOWN = {
    section: [
        key.split(".", 1)[1] for key, *_ in Settings().items() if key.startswith(section + ".")
    ]
    for section in (
        "schedule",
        "hours",
        "break",
        "button",
        "led",
        "buzzer",
        "sound",
        "presence",
        "screen",
        "pins",
    )
}
SETTINGS = {key for key, *_ in Settings().items()}
SPECIAL = (
    "",
    "auto",
    "none",
    "passive",
    "mock",
    "lgpio",
    "09:00-17:30",
    "25:00-26:00",
    "17:30-09:00",
    "09:00-12:00, 13:00-17:30",
    "Europe/London",
    "Europe",
    "../etc",
    "UTC\x00",
    "800x480",
    "0x0",
    "x",
    "1x2x3",
    "12:30-13:15",
    "/etc/microbreak/sounds",
    "relative/path",
    "🙂",
    "\udcff"[:0] + "é",
    " ",
    "\t",
)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return "inf" if value == math.inf else "-inf" if value == -math.inf else repr(value)
    if isinstance(value, (int,)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(tables: dict) -> str:
    lines = []
    for name, table in tables.items():
        if not isinstance(table, dict):
            lines.insert(0, f"{json.dumps(name)} = {toml_value(table)}")
            continue
        lines.append(f"[{json.dumps(name)}]")
        lines += [f"{json.dumps(key)} = {toml_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-5, 700),
    st.floats(allow_nan=True),
    st.floats(-10, 1000),
    st.sampled_from(SPECIAL),
    st.text(max_size=20),
    st.datetimes(timezones=st.just(UTC)),
    st.dates(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
section_names = st.one_of(st.sampled_from(sorted(KNOWN)), st.text(max_size=10))


@st.composite
def documents(draw) -> str:
    tables = {}
    for name in draw(st.lists(section_names, max_size=5, unique=True)):
        keys = KNOWN.get(name, [])
        key_names = (
            st.one_of(st.sampled_from(keys), st.text(max_size=12)) if keys else st.text(max_size=12)
        )
        tables[name] = draw(
            st.one_of(
                st.dictionaries(key_names, values, max_size=6),
                values.filter(lambda v: not isinstance(v, dict)),
            )
        )
    return toml_document(tables)


SNIPPETS = (
    "=",
    "[",
    "]",
    "[[",
    '"',
    "'",
    "\n",
    "#",
    ".",
    ",",
    "{",
    "}",
    "0",
    "-1",
    "1e9",
    "true",
    "nan",
    "interval_minutes",
    "pin = 17",
    "[schedule]",
    "[hours]",
    "\\u",
    "\x00",
    "\r",
    "\ufeff",
    "é",
    "  ",
    "x" * 50,
)


@st.composite
def mutated(draw) -> str:
    text = draw(
        st.sampled_from(
            (
                EXAMPLE,
                "[schedule]\ninterval_minutes = 30\n",
                '[buzzer]\nkind = "none"\n[led]\npin = 18\n',
            )
        )
    )
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        op = draw(
            st.sampled_from(("insert", "delete", "replace", "truncate", "duplicate", "digit"))
        )
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(SNIPPETS) | st.text(max_size=4)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif op == "replace":
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
        elif op == "truncate":
            text = text[:at]
        elif op == "duplicate":
            lines = text.splitlines(keepends=True)
            if lines:
                line = lines[draw(st.integers(0, len(lines) - 1))]
                text = text[:at] + line + text[at:]
        else:  # a number changed: the likeliest mistake of all
            text = re.sub(r"\d+", lambda m: str(draw(st.integers(-100, 10**6))), text, count=1)
    return text


def written(name: str) -> str:
    """A key as TOML writes it: bare, or quoted."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def names_in(text: str) -> set[str]:
    """The sections and section.key names the TOML document has, as written."""
    names = set()
    for section, table in tomllib.loads(text).items():
        names.add(written(section))
        if isinstance(table, dict):
            names.update(f"{written(section)}.{written(key)}" for key in table)
    return names


def check(text: str) -> str:
    """Accepted, or refused with one clear line per problem: which of the two."""
    try:
        parse_settings(text, "fuzz.toml")
    except SettingsError as error:
        assert error.problems, "refused without a reason"
        message = str(error)
        assert "Traceback" not in message
        for problem in error.problems:
            assert problem and "\n" not in problem, repr(problem)
            if problem.startswith("not valid TOML: "):
                continue
            named = names_in(text) | SETTINGS  # a cross-check may name a default
            assert any(problem.startswith((name + " ", f"[{name}] ")) for name in named), (
                f"names no key of the file: {problem!r}"
            )
            assert re.search(r"; allowed: |; did you mean |must be a table", problem), problem
        return "refused"
    return "accepted"


FUZZ = settings(
    max_examples=size(500, 5000),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz(files: st.SearchStrategy[str]) -> Counter[str]:
    """How many of the *files* drawn were accepted and refused (each checked)."""
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(files)
    def one(text: str) -> None:
        outcomes[check(text)] += 1

    one()
    return outcomes


@pytest.mark.slow
def test_generated_settings_are_accepted_or_refused_clearly(report):
    outcomes = fuzz(documents())
    report(generated=outcomes.total(), **outcomes, tracebacks=0)
    assert outcomes["accepted"] and outcomes["refused"], f"the fuzzing found one kind: {outcomes}"


def test_mutated_settings_are_accepted_or_refused_clearly(report):
    outcomes = fuzz(mutated())
    report(mutated=outcomes.total(), **outcomes, tracebacks=0)
    assert outcomes["accepted"] and outcomes["refused"], f"the fuzzing found one kind: {outcomes}"


def test_config_check_says_the_same_from_the_command_line(report):
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=size(8, 100),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.one_of(documents(), mutated()))
    def one(text: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "fuzz.toml"
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            run = subprocess.run(
                [sys.executable, "-m", "microbreak", "config", "check", str(path)],
                env={"PYTHONPATH": str(DEVICE), "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                timeout=60,
            )
        assert run.returncode in (0, 1), run.stderr
        assert "Traceback" not in run.stderr, run.stderr
        if run.returncode == 1:
            lines = run.stderr.strip().splitlines()
            assert all(line.startswith(f"microbreak: {path}: ") for line in lines), run.stderr
        outcomes["command line " + ("accepted" if run.returncode == 0 else "refused")] += 1

    one()
    report(**outcomes)
    assert outcomes.total(), "no file went through the command"
