"""Write a made-up but plausible history of breaks, for pictures and samples:
half a year of working days up to today, someone getting better at their
breaks as the weeks go by, afternoons harder than mornings, a week off,
lunch away from the desk, now and then a Saturday.

    python tools/demo_history.py FOLDER [--weeks 26] [--seed 18]
    microbreak stats --chart --state-dir FOLDER

Writes FOLDER/history.sqlite (replacing one there) through microbreak's own
``History``, as the service would, in one transaction.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "device"))

from microbreak.core.effects import Outcome  # noqa: E402
from microbreak.storage.history import HISTORY_FILE, History  # noqa: E402

EXERCISES = (
    "upper-back-movement",
    "high-reach-stretch",
    "shoulder-rolls",
    "shoulder-squeeze",
    "shoulder-shrug",
)
FIRST_BREAK, INTERVAL, LAST_START = time(9, 45), timedelta(minutes=47), time(17, 0)


def outcome_of(rng: random.Random, progress: float, at: datetime) -> Outcome:
    """How a break went: better as *progress* (0 → 1) grows, worse late in
    the day and on Friday afternoons."""
    done = 0.55 + 0.38 * progress
    if at.hour >= 15:
        done -= 0.12 + (0.1 if at.weekday() == 4 else 0)
    roll = rng.random()
    if roll < done:
        return Outcome.COMPLETED
    rest = (roll - done) / (1 - done)
    return Outcome.PARTIAL if rest < 0.35 else Outcome.SKIPPED if rest < 0.65 else Outcome.MISSED


def day_plan(day: date, today: datetime) -> list[datetime]:
    """When the breaks of *day* were cued (today's only up to now)."""
    zone = today.tzinfo
    at = datetime.combine(day, FIRST_BREAK, zone)
    times = []
    while at.time() <= LAST_START and at <= today:
        times.append(at)
        at += INTERVAL
    return times


def write(folder: Path, weeks: int, seed: int) -> int:
    rng = random.Random(seed)
    now = datetime.now().astimezone()
    start = now.date() - timedelta(weeks=weeks, days=now.weekday())
    holiday = start + timedelta(weeks=weeks // 2)  # a week off, half way
    path = folder / HISTORY_FILE
    folder.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    history = History(path)
    rotation, count = 0, 0
    with history.transaction():
        day = start
        while day <= now.date():
            weekend = day.weekday() >= 5
            off = holiday <= day < holiday + timedelta(days=7)
            if not off and (not weekend or rng.random() < 0.08):
                progress = (day - start).days / max(1, (now.date() - start).days)
                times = day_plan(day, now)[: 2 if weekend else None]
                for at in times:
                    if time(12, 20) <= at.time() <= time(13, 10) and rng.random() < 0.7:
                        b = history.break_started(at - timedelta(minutes=20), (), "away")
                        history.break_ended(b, Outcome.AWAY, at + timedelta(minutes=15))
                        count += 1
                        continue
                    planned = (EXERCISES[rotation % 5], EXERCISES[(rotation + 1) % 5])
                    rotation += 2
                    b = history.break_started(at, planned, "scheduled")
                    outcome = outcome_of(rng, progress, at)
                    sets = {Outcome.COMPLETED: 2, Outcome.PARTIAL: 1}.get(outcome, 0)
                    for n, name in enumerate(planned[:sets]):
                        history.set_confirmed(b, name, at + timedelta(minutes=1 + n))
                    if at + timedelta(minutes=3) < now:
                        history.break_ended(b, outcome, at + timedelta(minutes=3))
                    count += 1
            day += timedelta(days=1)
    history.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    count = write(args.folder, args.weeks, args.seed)
    print(f"{count} breaks in {args.folder / HISTORY_FILE}")


if __name__ == "__main__":
    main()
