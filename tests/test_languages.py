"""Speaking the person's language: the catalogs complete and current, the
language chosen from the setting or the locale, everything the presenter
words going through the catalog, the dates and times in the locale's own
forms, the command in the caller's language (its --json in English), and
the service changing language on reload, the spoken guidance with it."""

import json
import re
import shutil
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from microbreak import language
from microbreak.cli import main
from microbreak.config.exercises import load_exercises
from microbreak.config.settings import SettingsError, parse_settings
from microbreak.core import guidance
from microbreak.core.refused import Refused
from microbreak.core.views import (
    DoneView,
    ExerciseView,
    IdleView,
    NoticeView,
    StreakView,
    TodayView,
    WeekView,
)
from microbreak.core.words import ENGLISH, exercise_in, said, say
from microbreak.language import check_tag, chosen, espeak_voice, translation
from microbreak.service.control.client import _reason, worded

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402
from render_scenes import scenes  # noqa: E402

# -- the catalogs -------------------------------------------------------------


def test_the_catalogs_are_complete_current_and_compiled():
    """What CI checks: every message extracted from the code and the exercise
    files is translated in every language, nothing fuzzy or left over, the
    placeholders kept, the template current and each .mo compiled from its .po."""
    assert catalogs.problems() == []
    assert catalogs.languages() == ["de", "es"]


@pytest.fixture
def locale_copy(tmp_path, monkeypatch):
    """The catalogs copied, for the check to look at instead."""
    copy = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE, copy)
    monkeypatch.setattr(catalogs, "LOCALE", copy)
    monkeypatch.setattr(catalogs, "TEMPLATE", copy / "microbreak.pot")
    return copy


def test_the_check_finds_an_untranslated_a_fuzzy_and_a_stale_message(locale_copy):
    po = locale_copy / "de" / "LC_MESSAGES" / "microbreak.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgstr "Pausiert"', 'msgstr ""', 1)
    text = text.replace('msgid "Meeting"', '#, fuzzy\nmsgid "Meeting"', 1)
    text += '\nmsgid "A message no code says"\nmsgstr "Eine Nachricht"\n'
    text = text.replace('msgstr "Pause nach {time}"', 'msgstr "Pause nach {zeit}"', 1)
    po.write_text(text, encoding="utf-8")
    found = "\n".join(catalogs.problems())
    assert "'Paused' is not translated" in found
    assert "'Meeting' is fuzzy" in found
    assert "'A message no code says' is no longer in the source" in found
    assert "'Break after {time}' has the placeholders ['zeit']" in found
    assert "microbreak.mo is not compiled from its .po" in found


def test_the_check_finds_a_message_the_catalogs_lack(locale_copy):
    po = locale_copy / "es" / "LC_MESSAGES" / "microbreak.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Desk empty"')
    po.write_text(text[:start] + text[text.index("\n\n", start) + 2 :], encoding="utf-8")
    assert any("no entry for 'Desk empty'" in p for p in catalogs.problems())


# -- choosing the language ----------------------------------------------------


def test_the_setting_wins_else_the_locale_as_gettext_reads_it():
    assert chosen("de", {"LANG": "es_ES.UTF-8"}) == "de"
    assert chosen("", {"LANG": "es_ES.UTF-8"}) == "es-ES"
    assert chosen("", {"LC_ALL": "de_AT.UTF-8@euro", "LANG": "es_ES.UTF-8"}) == "de-AT"
    assert chosen("", {"LANGUAGE": "fr:de:en", "LANG": "en_US.UTF-8"}) == "de"
    assert chosen("", {"LANGUAGE": "de", "LANG": "C.UTF-8"}) == ""  # C: English, as gettext
    assert chosen("", {"LANG": "fr_FR.UTF-8"}) == ""  # not spoken here: English
    assert chosen("", {}) == ""


def test_a_language_setting_is_checked_and_written_as_bcp_47():
    assert parse_settings('[display]\nlanguage = "es_es"\n').display.language == "es-ES"
    assert parse_settings('[display]\nlanguage = ""\n').display.language == ""
    with pytest.raises(SettingsError) as refused:
        parse_settings('[display]\nlanguage = "fr"\n')
    assert str(refused.value) == (
        'display.language = "fr" is not a language microbreak speaks; allowed: '
        '"en", "de", "es", with a region if you like ("es-ES"), or "" for the system\'s'
    )
    with pytest.raises(ValueError, match="is not a language tag"):
        check_tag("de DE")


def test_each_language_is_spoken_by_its_own_espeak_voice():
    assert [espeak_voice(t) for t in ("", "en-GB", "en-US", "de-AT", "es", "es-MX")] == [
        "en",
        "en",
        "en-us",
        "de",
        "es",
        "es-419",
    ]


def test_dates_times_and_numbers_are_in_the_locales_own_forms():
    monday, tuesday = datetime(2026, 11, 23, 14, 35), datetime(2026, 11, 24, 9, 45)
    forms = {
        tag: (w.time(monday), w.weekday_time(tuesday), w.numeric_date(monday.date()), w.number(2.5))
        for tag in ("", "en-US", "en-GB", "de", "es")
        for w in [translation(tag)]
    }
    assert forms == {
        "": ("14:35", "Tue 09:45", "2026-11-23", "2.5"),
        "en-US": ("2:35\u202fPM", "Tue 9:45 AM", "11/23/2026", "2.5"),
        "en-GB": ("14:35", "Tue 09:45", "23/11/2026", "2.5"),
        "de": ("14:35", "Di., 09:45", "23.11.2026", "2,5"),
        "es": ("14:35", "mar, 9:45", "23/11/2026", "2,5"),
    }


# -- the device's words -------------------------------------------------------


class Marked:
    """Words that mark everything the catalog would translate: «...»."""

    language = "xx"

    def gettext(self, message):
        return f"«{message}»" if message else ""

    def ngettext(self, singular, plural, count):
        return f"«{singular if count == 1 else plural}»"

    def time(self, when):
        return f"{when:%H:%M}"

    def weekday_time(self, when):
        return f"«{when:%a}» {when:%H:%M}"

    def number(self, value):
        return f"{value:g}"

    def weekday_name(self, weekday, narrow=False):
        return f"«{weekday}{' narrow' if narrow else ''}»"


def unmarked(text: str) -> str:
    """*text* less what went through the catalog, times and numbers."""
    while "«" in text:
        text = re.sub(r"«[^«»]*»", "", text)
    return re.sub(r"[\d\s:/·.,-]", "", text)


def shown_texts(view) -> list[str]:
    if isinstance(view, ExerciseView):
        texts = [view.exercise.title, *view.exercise.steps, view.hint, view.dose]
        texts += [key.say for key in view.exercise.keyframes]
    elif isinstance(view, IdleView):
        texts = [view.clock, view.headline, view.detail, view.today, view.hint]
        texts += [view.countdown_text, view.countdown_unit]
    elif isinstance(view, DoneView):
        texts = [view.title, view.summary]
    elif isinstance(view, TodayView):
        texts = [view.title, view.headline, view.detail, view.hint]
    elif isinstance(view, WeekView):
        texts = [view.title, view.summary, view.hint]
        texts += [name for day in view.days for name in (day.label, day.letter)]
    elif isinstance(view, StreakView):
        texts = [view.caption, view.best, view.hint, *(title for title, _ in view.exercises)]
    else:
        assert isinstance(view, NoticeView)
        texts = [view.title, *view.lines, view.hint]
    return texts + ([view.hold.label] if view.hold else [])


def test_every_word_on_the_screen_goes_through_the_catalog():
    seen = 0
    for name, view in scenes(Marked()):
        for text in shown_texts(view):
            assert unmarked(text) == "", f"{name}: {text!r} is not from the catalog"
            seen += 1
    assert seen > 150


def test_every_phrase_the_guidance_says_goes_through_the_catalog():
    words = Marked()
    exercises = [exercise_in(words, e) for e in load_exercises()]
    said_ = guidance.phrases(exercises, words)
    assert all(unmarked(phrase) == "" for phrase in said_), said_
    assert "«Hold»" in said_ and "«Set done. Press the button.»" in said_


def test_german_guidance_says_german_phrases():
    words = translation("de")
    exercises = [exercise_in(words, e) for e in load_exercises()]
    phrases = guidance.phrases(exercises, words)
    assert {"Halten", "Lockern", "Satz geschafft. Taste drücken."} <= set(phrases)
    assert "Oberer Rücken. Hände auf den oberen Rücken" in phrases  # title and first words


def test_a_custom_exercise_keeps_its_own_words():
    from microbreak.core.exercise import Exercise

    own = Exercise("neck", "Nacken dehnen", ("Kopf neigen",), reps=3, hold_seconds=2)
    assert exercise_in(translation("es"), own) == own


# -- the command --------------------------------------------------------------


def test_the_command_speaks_the_callers_language_and_json_stays_english(caller, capsys):
    caller("de_DE.UTF-8")
    assert main(["exercises", "show", "high-reach-stretch"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        "Hochstrecken (high-reach-stretch)",
        "  5 Wdh. · 5 s halten",
        "  1. Arme über den Kopf",
    ]
    assert main(["exercises", "show", "high-reach-stretch", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["title"] == "High-reach stretch" and shown["steps"][0] == "Raise arms overhead"


def test_an_error_is_said_in_the_callers_language_and_json_keeps_english(caller, capsys):
    caller("es_ES.UTF-8")
    assert main(["exercises", "show", "shoulder-rols"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "microbreak: no hay ningún ejercicio llamado 'shoulder-rols'; "
        "¿querías decir shoulder-rolls?\n"
    )
    assert main(["history", "--json", "--csv"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["error"] == "--json or --csv, not both"
    assert err == "microbreak: --json o --csv, no ambos\n"


def test_the_help_and_argparses_own_words_are_translated(caller, capsys):
    caller("de_DE.UTF-8")
    with pytest.raises(SystemExit):
        main(["pause", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("Aufruf: microbreak pause")
    assert "Optionen:" in out and "von selbst fortsetzen zu dieser Uhrzeit" in out


def test_the_status_reads_in_the_callers_language(caller):
    from microbreak.cli.remote import format_status

    caller("es_ES.UTF-8")
    today = date.today().isoformat()
    status = {
        "state": "idle",
        "next_break_at": f"{today}T14:35:00+01:00",
        "next_break_in_seconds": 1800,
        "today": {"breaks": 3, "completed": 2, "missed": 1, "sets": 5},
    }
    assert format_status(status).splitlines() == [
        "microbreak: en espera",
        "  próxima pausa 14:35 (en 30 min)",
        "  hoy           3 pausas (completadas: 2, perdidas: 1) · 5 series",
    ]


def test_a_refusal_crosses_the_socket_with_its_words():
    refusal = Refused(said("no snoozes left for this break (at most {count})", count=2))
    reply = {"ok": False, "error": str(refusal), **worded(refusal.args[0])}
    reason = _reason(json.loads(json.dumps(reply)))
    assert str(reason) == "no snoozes left for this break (at most 2)"
    assert say(reason, translation("de")) == "kein Verschieben mehr für diese Pause (höchstens 2)"
    assert say(reason, ENGLISH) == str(reason)
    assert _reason({"ok": False, "error": "old service"}) == "old service"


def test_languages_are_the_catalogs_found():
    assert language.languages() == ("en", "de", "es")


# -- the service ----------------------------------------------------------------


def test_the_service_changes_language_on_reload_and_speaks_it(tmp_path, mock_factory):
    from microbreak.config.settings import load_settings
    from microbreak.core.presenter import present
    from microbreak.core.totals import Totals
    from microbreak.service.clock import FakeClock
    from microbreak.service.loop import Service

    config = tmp_path / "config.toml"
    config.write_text('[sound]\nspeaker = true\n[display]\nlanguage = "es"\n')
    service = Service(
        load_settings(config),
        config_file=config,
        state_dir=tmp_path / "state",
        runtime_dir=tmp_path / "run",
        clock=FakeClock(wall=datetime(2026, 11, 23, 13, 50).astimezone()),
        pin_factory=mock_factory,
    )
    try:

        def shown():
            now = service.clock.now()
            args = (service.schedule, now, service.exercises, Totals(), service.thresholds)
            return present(*args, words=service.words)

        assert shown().headline == "Próxima pausa 14:35"
        assert service.exercises["shoulder-rolls"].title == "Giro de hombros"
        assert service.hardware.guide.voice.language == "es"  # SDL's dummy sound card
        config.write_text('[sound]\nspeaker = true\n[display]\nlanguage = "de"\n')
        assert service.reload() == ["display.language"]
        assert shown().headline == "Nächste Pause 14:35"
        assert service.exercises["shoulder-rolls"].title == "Schulterkreisen"
        assert service.guiding.words.gettext("Hold") == "Halten"
        assert service.hardware.guide.voice.language == "de"
    finally:
        service.close()


def test_a_german_phrase_is_said_by_the_german_voice(tmp_path):
    from microbreak.parts.speech import Voice

    german, english = Voice(tmp_path, language="de"), Voice(tmp_path, language="en")
    assert german.render("Halten") != english.render("Halten")  # kept apart by language
    assert german.samples("Halten") != english.samples("Halten")


def test_a_bad_setting_is_refused_in_the_callers_language(caller, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[schedule]\ninterval_minutes = 0\n[hours]\nmon = "9-5"\n')
    caller("de_DE.UTF-8")
    assert main(["config", "check", str(bad)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"microbreak: {bad}: schedule.interval_minutes = 0 liegt außerhalb des Bereichs; "
        "erlaubt: eine ganze Zahl von 1 bis 480 (Minuten)",
        f"microbreak: {bad}: hours.mon = \"9-5\" enthält '9-5', das kein Zeitraum wie "
        '09:00-17:30 ist; erlaubt: "HH:MM-HH:MM", mehrere durch Kommas getrennt, '
        'oder "" für einen freien Tag',
    ]
