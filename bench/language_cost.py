"""What speaking a language costs: the time to load the catalog and Babel
(for the forms of dates and times) and word the first view, and the memory
they keep, in German, Spanish and British English, against English as
written (the C locale: no catalog, no Babel). Each case runs in a fresh
interpreter that first imports the core, as the service and the command
have by then. Then the service itself, idle with a 320x240 screen, in
German beside English as written (started together, watched as
``idle_footprint`` watches them).

    python -m bench.language_cost [--quick] [--json FILE]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import ALWAYS, DEVICE, main, median, row, run_command, service_env
from .idle_footprint import watch

CASE = """
import json, time
from datetime import datetime
import microbreak.core.presenter
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
before = rss()
start = time.perf_counter()
from microbreak.language import translation
words = translation({tag!r})
words.gettext("Paused"), words.time(datetime(2026, 11, 23, 14, 35))
words.weekday_time(datetime(2026, 11, 24, 9, 45))
print(json.dumps({{"seconds": time.perf_counter() - start, "kib": rss() - before}}))
"""


def run(tag: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CASE.format(tag=tag)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(DEVICE), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(done.stdout)


def measure(quick: bool = False) -> dict:
    runs = 2 if quick else 7
    tags = {"": "English as written", "de": "German", "es": "Spanish", "en-GB": "British English"}
    data = {tag: [run(tag) for _ in range(runs)] for tag in tags}
    base = data.pop("")
    base_seconds = median(r["seconds"] for r in base)
    base_mib = median(r["kib"] for r in base) / 1024
    rows = []
    for tag, results in data.items():
        rows.append(
            row(
                f"catalog and Babel loaded, first words, {tags[tag]} (median of {runs})",
                median(r["seconds"] for r in results) * 1000,
                "ms",
                baseline=base_seconds * 1000,
                baseline_what="English as written",
            )
        )
        rows.append(
            row(
                f"resident memory they add, {tags[tag]}",
                median(r["kib"] for r in results) / 1024,
                "MiB",
                baseline=base_mib or None,
                baseline_what="English as written",
            )
        )
    service = services(quick)
    rows.append(
        row(
            "service idle at 320x240, German, resident memory",
            service["German"]["rss_peak"],
            "MiB",
            baseline=service["English as written"]["rss_peak"],
            baseline_what="English as written",
        )
    )
    data["service"] = service
    return {"rows": rows, "data": data}


def acknowledged(state: Path) -> None:
    """A history whose health notice was read: the service starts idle."""
    from datetime import datetime

    from microbreak.core.presenter import FIRST_START_NOTICE
    from microbreak.storage.store import Store

    store = Store(state)
    store.acknowledge(FIRST_START_NOTICE, datetime.now().astimezone())
    store.close()


def services(quick: bool) -> dict:
    """The idle service at 320x240 in German and in English as written."""
    settle, window = (3.0, 3.0) if quick else (10.0, 20.0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        commands = {}
        for name, tag in (("English as written", ""), ("German", "de")):
            acknowledged(folder / (tag or "plain"))  # idle, not the first start's notice
            commands[name] = run_command(
                folder,
                tag or "plain",
                '[pins]\nfactory = "mock"\n[screen]\nsize = "320x240"\n'
                f'[display]\nlanguage = "{tag}"\n'
                f"[schedule]\ninterval_minutes = 480\n[hours]\n{ALWAYS}",
            )
        return watch(commands, settle, window, service_env(LANG="C.UTF-8", LANGUAGE=""))


if __name__ == "__main__":
    main(measure, __doc__)
