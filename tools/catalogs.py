"""The translation catalogs: extract the messages, bring each language's
``.po`` up to date, compile the ``.mo`` files, check they are complete::

    python tools/catalogs.py update        # extract, update locale/LANG/LC_MESSAGES/*.po
    python tools/catalogs.py init fr       # a new language, from the template
    python tools/catalogs.py compile       # the .mo files the device reads
    python tools/catalogs.py check         # what the tests check: complete, current, compiled

Babel does the work (``babel.messages``: extraction, ``.po`` and ``.mo``,
plural forms). The messages are found in ``device/microbreak/**.py`` (the
calls of ``gettext``, ``ngettext``, ``_``, ``N_``, ``said``, ``refused``
and ``counted``) and in the exercise
files, ``images/exercises/*.toml`` (each title, step and ``say``). The
template is ``locale/microbreak.pot``; the compiled ``.mo`` files are kept
in the repository beside their ``.po``, so a checkout, an editable install
and a wheel read them as they are.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "device" / "microbreak"
EXERCISES = ROOT / "images" / "exercises"
LOCALE = ROOT / "locale"
TEMPLATE = LOCALE / "microbreak.pot"
DOMAIN = "microbreak"
TRANSLATORS = ("Translators:",)  # comments above a message that go into the catalog
PLACEHOLDER = re.compile(r"{(\w*)[^{}]*}")
# a marked message inside an f-string's braces: the extraction cannot read it there
IN_FSTRING = re.compile(r"\{(?:_|gettext|ngettext|counted|said|refused|N_)\(")


def po_file(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """The languages with a catalog."""
    return sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def exercise_messages(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, message, note for translators) for each person-facing text of
    an exercise file: its title, steps and spoken words."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()

    def line_of(message: str) -> int:
        quoted = f'"{message}"'
        return next((n for n, line in enumerate(lines, 1) if quoted in line), 1)

    if data.get("title"):
        yield line_of(data["title"]), data["title"], "An exercise's title, shown above its steps."
    for step in data.get("steps", []):
        yield line_of(step), step, "A step of an exercise: short and imperative, as on screen."
    for key in data.get("keyframes", []):
        if key.get("say"):
            yield line_of(key["say"]), key["say"], "Spoken as the exercise's move begins."


def template() -> Catalog:
    """Every message a person may read or hear, where it is written."""
    catalog = Catalog(project="microbreak", domain=DOMAIN, charset="utf-8", fuzzy=False)
    # said() and refused(): a worded error or refusal; counted(singular, plural, n)
    keywords = dict(DEFAULT_KEYWORDS, said=None, refused=None, counted=(1, 2))
    for filename, line, message, comments, context in extract_from_dir(
        str(SOURCE),
        method_map=[("**.py", "python")],
        keywords=keywords,
        comment_tags=TRANSLATORS,
        strip_comment_tags=True,
    ):
        where = f"device/microbreak/{filename}"
        catalog.add(message, None, [(where, line)], auto_comments=comments, context=context)
    for path in sorted(EXERCISES.glob("*.toml")):
        for line, message, note in exercise_messages(path):
            where = str(path.relative_to(ROOT))
            catalog.add(message, None, [(where, line)], auto_comments=[note])
    return catalog


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=80, omit_header=False, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> list[Path]:
    """Extract the template, then bring every language's catalog up to date
    with it (new messages empty, gone ones dropped) and compile it."""
    fresh = template()
    write(TEMPLATE, fresh)
    written = [TEMPLATE]
    for language in languages():
        path = po_file(language)
        catalog = read(path, language)
        catalog.update(fresh)
        write(path, catalog)
        written.append(path)
    return written + compile_all()


def init(language: str) -> list[Path]:
    """A catalog for a new *language* (a tag Babel knows: ``fr``, ``pt_BR``)."""
    path = po_file(language)
    if path.exists():
        raise SystemExit(f"{path} exists already; 'update' brings it up to date")
    catalog = Catalog(locale=language, domain=DOMAIN, project="microbreak", fuzzy=False)
    catalog.update(template())
    write(path, catalog)
    return [path]


def compile_all() -> list[Path]:
    """The ``.mo`` file of each language's catalog."""
    written = []
    for language in languages():
        mo = po_file(language).with_suffix(".mo")
        mo.write_bytes(compiled(read(po_file(language), language)))
        written.append(mo)
    return written


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems() -> list[str]:
    """What keeps the catalogs from being complete and current, one line
    each: none when every message found in the source is translated in
    every language (nothing fuzzy, nothing left over, the placeholders
    kept), the template is current and each ``.mo`` is compiled from its
    ``.po`` as it is now."""
    fresh = template()
    wanted = {m.id for m in fresh if m.id}
    said = hidden_messages()
    kept = read(TEMPLATE) if TEMPLATE.exists() else Catalog()
    if {m.id for m in kept if m.id} != wanted:
        said.append(f"{TEMPLATE.name} is not current: run tools/catalogs.py update")
    for language in languages():
        path = po_file(language)
        name = path.relative_to(LOCALE.parent)
        catalog = read(path, language)
        have = {m.id: m for m in catalog if m.id}
        for missing in sorted(wanted - have.keys(), key=str):
            said.append(f"{name}: no entry for {_shown(missing)}")
        for extra in sorted(have.keys() - wanted, key=str):
            said.append(f"{name}: {_shown(extra)} is no longer in the source")
        for message in have.values():
            said += [f"{name}: {_shown(message.id)} {p}" for p in _faults(message)]
        for message, errors in catalog.check():  # Babel's own: the % placeholders kept
            said += [f"{name}: {_shown(message.id)}: {error}" for error in errors]
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            said.append(
                f"{mo.relative_to(LOCALE.parent)} is not compiled from its .po: run compile"
            )
    return said


def hidden_messages() -> list[str]:
    """Each message marked inside an f-string, where the extraction does not
    see it (so it is in no catalog): name it in a variable first."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if IN_FSTRING.search(line):
                where = path.relative_to(ROOT)
                found.append(f"{where}:{number}: a message inside an f-string is not extracted")
    return found


def _faults(message) -> list[str]:
    """What is wrong with one translated message."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if message.fuzzy:
        return ["is fuzzy: check it, then remove the fuzzy flag"]
    if not all(strings):
        return ["is not translated"]
    expected = placeholders(ids[-1])
    return [
        f"has the placeholders {sorted(placeholders(s))} where the English has {sorted(expected)}"
        for s in strings
        if placeholders(s) != expected
    ]


def _shown(message_id) -> str:
    return repr(message_id[0] if isinstance(message_id, tuple) else message_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="extract, then update every language's .po")
    commands.add_parser("init", help="a catalog for a new language").add_argument("language")
    commands.add_parser("compile", help="compile every .po to its .mo")
    commands.add_parser("check", help="exit 1 unless the catalogs are complete and current")
    args = parser.parse_args(argv)
    if args.command == "check":
        found = problems()
        for line in found:
            print(line)
        print(f"{len(languages())} languages: " + ("complete" if not found else "INCOMPLETE"))
        return 1 if found else 0
    paths = {"update": update, "compile": compile_all}.get(args.command)
    for path in paths() if paths else init(args.language):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
