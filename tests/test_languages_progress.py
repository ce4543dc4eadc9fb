"""The progress pages, ``stats --chart``, the report and ``test-hardware`` in
the person's language: their words from the catalogs, weekdays, months and
dates in the locale's own forms (Babel's), what scripts read still English;
and a command in English loads neither Babel nor a catalog."""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fortnight import fortnight

from microbreak.cli import main
from microbreak.core.gestures import HoldThresholds
from microbreak.core.pages import streak_page, today_page, week_page
from microbreak.core.presenter import hold_hint
from microbreak.core.progress import Figures
from microbreak.core.rules import Rules
from microbreak.core.schedule import Schedule
from microbreak.core.totals import Totals
from microbreak.core.words import ENGLISH, said, say
from microbreak.language import translation
from microbreak.service.clock import FakeClock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402
from render_scenes import FIGURES, PROGRESS_DOTS, PROGRESS_TODAY  # noqa: E402

TODAY = date.today()


@pytest.fixture
def state(tmp_path):
    """Two weeks of two breaks a working day up to yesterday, the
    afternoon's missed on Fridays."""
    return fortnight(tmp_path, ("shoulder-rolls",), timezone(timedelta(hours=1)))


# -- the device's progress pages ------------------------------------------------


def test_the_progress_pages_speak_german_with_babels_weekdays():
    de = translation("de")
    today = today_page(PROGRESS_TODAY, PROGRESS_DOTS, "14:35", "x", de)
    assert (today.title, today.headline) == ("Heute", "4 von 6 erledigt")
    assert today.detail == "9 Sätze · nächste Pause 14:35"
    week = week_page(FIGURES, 3, "x", de)
    assert [d.label for d in week.days] == ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
    assert week.summary == "36 Pausen · 79 % erledigt" and week.title == "Diese Woche"
    streak = streak_page(FIGURES, {}, "x", de)
    assert (streak.caption, streak.best) == ("Tage in Folge", "alle Pausen erledigt · Bestwert 12")
    assert today_page(Totals(1, away=1), (), None, "", de).headline == "1 natürliche Pause"


def test_spanish_weekdays_fall_back_to_their_own_letters_where_narrow():
    week = week_page(Figures(), 0, "x", translation("es"))
    assert [d.label for d in week.days] == ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
    assert [d.letter for d in week.days] == ["L", "M", "X", "J", "V", "S", "D"]  # X: miércoles
    assert week.summary == "Aún sin pausas esta semana"
    assert [d.letter for d in week_page(Figures(), 0, "x").days][:3] == ["M", "T", "W"]


def test_a_held_button_names_the_next_page_in_the_devices_language():
    clock = FakeClock(wall=datetime(2026, 11, 26, 13, 50, tzinfo=UTC))
    schedule = Schedule(Rules(progress_seconds=20), ["shoulder-rolls"], clock.now())
    thresholds = HoldThresholds(2, 5)
    assert hold_hint(schedule, 0.5, thresholds, translation("de")).label == "Loslassen: heute"
    assert hold_hint(schedule, 0.5, thresholds, translation("es")).label == "Suelta: hoy"
    assert hold_hint(schedule, 0.5, thresholds).label == "Release: today"


# -- stats --chart and the report ---------------------------------------------------


def test_the_chart_speaks_german_and_keeps_80_columns(caller, capsys, state):
    caller("de_DE.UTF-8")
    assert main(["stats", "--chart", "--state-dir", str(state)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert "Pausen je Woche" in lines and "erledigt" in lines[lines.index("Pausen je Woche") + 1]
    weekdays = [line.split()[0] for line in lines if line[:2] in ("Mo", "Di", "Mi", "Do", "Fr")]
    assert weekdays == ["Mo", "Di", "Mi", "Do", "Fr"]
    assert any(line.startswith("jeder Tag der letzten") for line in lines)


def test_the_stats_table_is_as_wide_as_its_german_headings(caller, capsys, state):
    caller("de_DE.UTF-8")
    assert main(["stats", "--state-dir", str(state)]) == 0
    lines = capsys.readouterr().out.splitlines()
    head = next(line for line in lines if line.startswith("Übung"))
    row = lines[lines.index(head) + 1]
    assert head.split() == ["Übung", "angeboten", "erledigt"]
    offered_end = head.index("angeboten") + len("angeboten")
    assert row[:offered_end].endswith(" 20") and row[: len(head)].endswith(" 18")  # under them


def test_the_report_speaks_spanish_with_babels_dates(caller, state):
    from microbreak.cli.report import as_html, gather
    from microbreak.drawing.report_page import sections
    from microbreak.storage.history import open_read_only
    from microbreak.storage.stats import by_hour, compute

    caller("es_ES.UTF-8")
    db = open_read_only(state / "history.sqlite")
    stats = compute(db, TODAY, None, days_listed=1, weeks_listed=None)
    report = gather(stats, by_hour(db), {}, TODAY, {"shoulder-rolls": "Giro de hombros"})
    db.close()
    months = translation("es").locale.months["format"]["abbreviated"]
    assert report.title.endswith(f"al {TODAY.day} {months[TODAY.month]} {TODAY.year}")
    assert report.summary.startswith("20 pausas · 90 % hecho")
    assert [title for title, _ in sections(report)][:2] == [
        "Pausas hechas, semana a semana",
        "Cuándo llegaron las pausas, por hora del día",
    ]
    page = as_html(report)
    assert '<html lang="es-ES">' in page and "<h2>Series hechas, en cifras</h2>" in page


def test_a_report_that_is_neither_html_nor_png_is_refused_in_german(caller, capsys, state):
    caller("de_DE.UTF-8")
    out = state / "r.pdf"
    assert main(["report", "--out", str(out), "--state-dir", str(state)]) == 1
    assert capsys.readouterr().err == (
        f"microbreak: --out {out}: erlaubt: ein Dateiname auf .html oder .png\n"
    )


# -- test-hardware ------------------------------------------------------------------


def test_test_hardware_says_its_steps_in_spanish_and_its_json_in_english(
    caller, capsys, tmp_path, mock_factory, monkeypatch, state
):
    monkeypatch.setattr("microbreak.parts.pins.make_pin_factory", lambda name: mock_factory)
    config = tmp_path / "config.toml"
    config.write_text("[sound]\nspeaker = false\n")
    argv = ["test-hardware", "history", "--config", str(config), "--state-dir", str(state)]
    caller("es_ES.UTF-8")
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Historial en {state}"
    assert [line.split()[:2] for line in lines[1:4]] == [
        ["escribible", "bien"],
        ["espacio", "libre"],
        ["archivo", "bien"],
    ]
    assert "MiB libres en" in lines[2] and lines[-1] == "3 pasos superados, 0 fallidos"
    assert main([*argv, "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert [s["step"] for s in steps] == ["writable", "free space", "file"]
    assert "MiB free in" in steps[1]["detail"]


def test_the_wiring_checks_lines_are_in_the_persons_language(mock_factory):
    from microbreak.config.settings import Settings
    from microbreak.parts.wiring import WiringCheck

    lines = []
    check = WiringCheck(
        Settings(),
        pin_factory=mock_factory,
        songs={},
        say=lines.append,
        pace=0.01,
        words=translation("de"),
    )
    try:
        results = check.run(["led"])
    finally:
        check.close()
    assert lines == [
        "LED an GPIO 27 (Pin 13 der Stiftleiste)",
        "  an             bestanden",
        "  aus            bestanden",
        "  pulsieren      bestanden",
    ]
    assert [r.step for r in results] == ["on", "off", "pulse"]


def test_a_said_step_keeps_english_and_says_decimals_as_the_language_does():
    held = said("{seconds} s", seconds=2.35)
    assert str(held) == "2.35 s" and json.dumps(held) == '"2.35 s"'
    assert say(held, translation("de")) == "2,35 s" and say(held, ENGLISH) == "2.35 s"


# -- what is loaded, and the check's own reach ----------------------------------------


def test_a_command_in_english_loads_neither_babel_nor_a_catalog(state):
    probe = (
        "import gettext, sys\n"
        "from microbreak.cli import main\n"
        f"main(['stats', '--chart', '--state-dir', {str(state)!r}])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'babel' or m in (\n"
        "    'microbreak.config.settings', 'microbreak.service.control.server')]\n"
        "print('LOADED', loaded, len(gettext._translations))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    english = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env | {"LANG": "C.UTF-8"},
        check=True,
    )
    assert english.stdout.splitlines()[-1] == "LOADED [] 0"
    german = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env | {"LANG": "de_DE.UTF-8"},
        check=True,
    )
    last = german.stdout.splitlines()[-1]
    assert "'babel'" in last and last.endswith(" 1") and "settings" not in last


def test_the_check_names_a_message_inside_an_f_string(tmp_path, monkeypatch):
    source = tmp_path / "device" / "microbreak"
    source.mkdir(parents=True)
    (source / "table.py").write_text('head = f"{_(\'breaks\'):>6}"\nfine = _("done")\n')
    monkeypatch.setattr(catalogs, "SOURCE", source)
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    assert catalogs.hidden_messages() == [
        "device/microbreak/table.py:1: a message inside an f-string is not extracted"
    ]
