"""``microbreak report``: a page (one HTML file, its pictures inside) or one
picture of the trends, read from the history as ``stats`` reads it."""

import base64
import io
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta

import pygame
import pytest
from fortnight import fortnight

from microbreak.cli.report import gather
from microbreak.core.totals import Totals
from microbreak.drawing.report_charts import DONE
from microbreak.drawing.report_page import Report, page, periods, sections
from microbreak.storage.stats import by_hour, compute

TODAY = date.today()


@pytest.fixture
def state(tmp_path):
    """Ten working days: breaks at 10:00 done, at 15:00 missed on Fridays."""
    return fortnight(
        tmp_path, ("shoulder-rolls", "shoulder-shrug"), datetime.now().astimezone().tzinfo
    )


def report(state, out, *more):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "microbreak",
            "report",
            "--out",
            str(out),
            "--state-dir",
            str(state),
            *more,
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, SDL_VIDEODRIVER="dummy"),
    )


def png(data: bytes) -> pygame.Surface:
    return pygame.image.load(io.BytesIO(data), "x.png")


@pytest.mark.slow
def test_a_png_report_is_one_picture_of_the_history(state, tmp_path):
    out = tmp_path / "report.png"
    run = report(state, out)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"{out}: 20 breaks · 90 % done · 36 sets"
    picture = png(out.read_bytes())
    assert picture.get_width() == 1000 and picture.get_height() > 1000
    teal = pygame.mask.from_threshold(picture, DONE, (1, 1, 1, 255)).count()
    assert teal > 10_000  # the done breaks, drawn


@pytest.mark.slow
def test_an_html_report_holds_its_pictures_and_asks_for_nothing_else(state, tmp_path):
    out = tmp_path / "report.html"
    run = report(state, out, "--since", (TODAY - timedelta(days=7)).isoformat())
    assert run.returncode == 0, run.stderr
    page_text = out.read_text()
    assert page_text.startswith("<!doctype html>")
    assert not re.search(r"(src|href)=\"(?!data:)", page_text)  # nothing fetched from elsewhere
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page_text)
    assert len(images) == 4 and all(png(base64.b64decode(i)).get_width() == 1000 for i in images)
    assert "<td>Shoulder rolls</td><td class=n>" in page_text
    assert "Breaks, " in page_text and "breaks · " in page_text


def test_a_report_is_png_or_html(state, tmp_path):
    from microbreak import cli

    code = cli.main(["report", "--out", str(tmp_path / "r.pdf"), "--state-dir", str(state)])
    assert code == 1 and not (tmp_path / "r.pdf").exists()


def test_what_the_report_says_comes_from_the_history(state):
    from microbreak.storage.history import open_read_only

    db = open_read_only(state / "history.sqlite")
    stats = compute(db, TODAY, None, days_listed=1, weeks_listed=None)
    hours = by_hour(db)
    db.close()
    content = gather(stats, hours, {}, TODAY, {"shoulder-rolls": "Shoulder rolls"})
    assert content.summary == "20 breaks · 90 % done · 36 sets"
    assert [h for h, _ in content.hours] == [10, 15]
    assert content.hours[1][1].missed == 2 and content.hours[0][1].completed == 10
    assert content.exercises[0] == ("Shoulder rolls", 18, 20)
    assert content.exercises[1][0] == "Shoulder shrug"  # no title given: made from the name
    assert content.title.endswith(f"to {TODAY.day} {TODAY:%b %Y}")
    assert "best" in content.streak


def test_long_histories_are_drawn_by_month_then_by_year():
    monday = date(2000, 1, 3)
    weeks = tuple((monday + timedelta(weeks=n), Totals(10, completed=8)) for n in range(60))
    assert periods(weeks)[1] == "week"
    longer = tuple((monday + timedelta(weeks=n), Totals(10, completed=8)) for n in range(200))
    columns, word = periods(longer)
    assert word == "month" and sum(t.breaks for _, t in columns) == 2000
    decades = tuple((monday + timedelta(weeks=n), Totals(1)) for n in range(52 * 30))
    assert periods(decades)[1] == "year"


def test_an_empty_history_still_makes_a_page():
    empty = Report("Breaks", "0 breaks · 0 sets", today=TODAY)
    assert [title for title, _ in sections(empty)][0] == "Breaks done, week by week"
    assert page(empty).get_width() == 1000
