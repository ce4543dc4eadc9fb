"""How an exercise moves: poses, keyframes, and a set paced as reps and holds.

A pose is a flat table of numbers; any key left out takes its default, so
``{}`` is a person sitting relaxed, hands in the lap. A :class:`Motion` is one
rep as a few keyframe poses, played *reps* times, holding one of them for
*hold_seconds*; :meth:`Motion.at` says how the set looks any number of
seconds after it appeared::

    >>> shrug = Motion([Keyframe({}, seconds=1.0, pause=1.0),
    ...                 Keyframe({"shrug": 1}, seconds=1.0, hold=True)],
    ...                reps=5, hold_seconds=3)
    >>> shrug.rep_seconds          # pause 1, up 1, hold 3, back down 1
    6.0
    >>> moment = shrug.at(3.5)
    >>> moment.counter, moment.pose["shrug"], moment.hold_left
    ('1 / 5', 1.0, 1.5)
    >>> shrug.at(6.0).counter
    '2 / 5'

Everything here is a pure function of the elapsed time: no clock, no drawing.
Every pose value is a number, never a flag, so two poses blend key by key
(``a + (b - a) * t``). The vocabulary:

================  =======  ====================================================
key               default  meaning
================  =======  ====================================================
lean              0        torso bent forward at the hips, degrees
curl              0        upper back rounded forward above the waist, degrees
                           (on top of ``lean``: unwinding the lower back first
                           takes ``lean`` back before ``curl``)
head_tilt         0        head nodded forward (chin down), degrees; negative
                           looks up
head_back         0        0–1: head slid straight back over the shoulders
shrug             0        0–1: shoulders raised towards the ears
shoulders_back    0        0–1: shoulders drawn back, shoulder blades together
roll              0        degrees round a backward shoulder roll: from resting
                           up, back, down and forward again at 360
arms_back         0        0–1: the upper arms swung back behind the body
                           (front view: they look shorter, going away)
left_upper_arm    *        angle of the upper arm from hanging straight down,
right_upper_arm   *        degrees: front view 90 = out to the side, 180 =
                           straight up; side view 90 = forward, 180 = up,
                           negative = behind the body
left_forearm      *        bend at the elbow, degrees from the upper arm's line,
right_forearm     *        turning the same way the upper arm turns (front
                           view: 90 with the upper arm out gives a forearm
                           pointing up; side view: 90 from hanging gives a
                           forearm pointing forward); negative turns the other
                           way (front view: in towards the body)
left_wrist        0        bend at the wrist, degrees from the forearm's line,
right_wrist                turning the same way the forearm turns (side view:
                           a hand laid flat on the upper back)
fingers_spread    0        0–1: fingers closed together … spread wide
reach_cue         0        0–1: arrows beyond the hands: "reach further"
shrug_cue         0        0–1: arrows above the shoulders: "lift"
squeeze_cue       0        0–1: shoulder blades shown, arrows pulling them in
roll_cue          0        0–1: side view, a circling arrow round the shoulder
bend_cue          0        0–1: side view, a curved arrow: "bend forward"
unwind_cue        0        0–1: side view, a curved arrow: "come back up"
================  =======  ====================================================

``*``: the arms rest in the lap by default (front view 12 and -36, side view
10 and 65); see :data:`RESTING_ARMS`. Left and right are the person's own: in
the front view their left arm is on the viewer's right; in the side view the
person faces right and the left arm is the far one. The cues show how to move;
their value is their strength, so they fade in and out with the motion.
"""

from __future__ import annotations

import bisect
import difflib
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

VIEWS = ("front", "side")

DEFAULT_POSE = {
    "lean": 0.0,
    "curl": 0.0,
    "head_tilt": 0.0,
    "head_back": 0.0,
    "shrug": 0.0,
    "shoulders_back": 0.0,
    "roll": 0.0,
    "arms_back": 0.0,
    "left_upper_arm": None,
    "right_upper_arm": None,
    "left_forearm": None,
    "right_forearm": None,
    "left_wrist": 0.0,
    "right_wrist": 0.0,
    "fingers_spread": 0.0,
    "reach_cue": 0.0,
    "shrug_cue": 0.0,
    "squeeze_cue": 0.0,
    "roll_cue": 0.0,
    "bend_cue": 0.0,
    "unwind_cue": 0.0,
}

RESTING_ARMS = {
    "front": {"upper_arm": 12.0, "forearm": -36.0},
    "side": {"upper_arm": 10.0, "forearm": 65.0},
}

EASINGS: dict[str, Callable[[float], float]] = {
    "linear": lambda t: t,
    "in": lambda t: 1.0 - math.cos(t * math.pi / 2),
    "out": lambda t: math.sin(t * math.pi / 2),
    "in-out": lambda t: 0.5 - 0.5 * math.cos(t * math.pi),
}
"""How a move speeds up and slows down: the share of the way done at each
share of its time. ``in-out`` starts and ends gently, like a person moving."""

SET_REST_SECONDS = 3.0
"""After the last rep: the set shows as done for this long, then starts again."""

MAX_KEYFRAMES = 12
MAX_SECONDS = 30.0


def full_pose(pose: Mapping[str, float], view: str = "front") -> dict[str, float]:
    """Return *pose* with every key of the vocabulary filled in for *view*.

    Raises :exc:`ValueError` naming the key for an unknown key or a value that
    is not a number, so a bad exercise file is caught when it is loaded::

        >>> full_pose({"shrug": 1})["shrug"]
        1.0
    """
    if view not in VIEWS:
        raise ValueError(f"view {view!r} is not allowed; expected one of {', '.join(VIEWS)}")
    unknown = sorted(set(pose) - set(DEFAULT_POSE))
    if unknown:
        raise ValueError(
            f"unknown pose key {unknown[0]!r}{_did_you_mean(unknown[0], DEFAULT_POSE)}; "
            f"allowed: {', '.join(DEFAULT_POSE)}"
        )
    result = {}
    for key, default in DEFAULT_POSE.items():
        value = pose.get(key)
        if value is None:
            value = default
        if value is None:
            value = RESTING_ARMS[view][key.split("_", 1)[1]]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ValueError(f"pose key {key!r} = {value!r} is not allowed; expected a number")
        result[key] = float(value)
    return result


def blend(a: Mapping[str, float], b: Mapping[str, float], t: float) -> dict[str, float]:
    """The pose *t* of the way (0.0–1.0) from full pose *a* to full pose *b*::

    >>> blend(full_pose({}), full_pose({"lean": 40}), 0.25)["lean"]
    10.0
    """
    return {key: value + (b[key] - value) * t for key, value in a.items()}


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Keyframe:
    """One pose of a rep, and how the figure gets there.

    *pose* holds only the keys this keyframe changes: the others carry over
    from the keyframe before (the first one's from the relaxed defaults).
    *seconds* is how long the move into it takes; for the first keyframe, the
    move back to it from the last, which ends each rep (0 jumps, for poses
    that look the same, like a roll at 360 and at 0). *ease* is a name from
    :data:`EASINGS`. *hold* stays here for the exercise's hold seconds, with
    the countdown showing; *pause* stays here for that many seconds more.
    *say* is what the spoken guidance says as the move into it begins (the
    first keyframe's, as a rep begins).
    """

    pose: Mapping[str, float] = field(default_factory=dict)
    seconds: float = 1.0
    ease: str = "in-out"
    hold: bool = False
    pause: float = 0.0
    say: str = ""


FIELDS = ("seconds", "ease", "hold", "pause", "say")
MAX_SAY = 60  # characters: a short phrase, said in a breath
"""A keyframe's own settings; every other key in one is a pose key."""


@dataclass(frozen=True)
class Moment:
    """How a set looks at one instant."""

    pose: Mapping[str, float]  # every key of the vocabulary
    rep: int  # 1 … reps: the rep under way (reps once the set is done)
    reps: int
    hold_seconds: float
    hold_left: float | None  # seconds left of the hold under way, or None
    done: bool  # every rep done: resting before the set starts again

    @property
    def counter(self) -> str:
        """The rep counter: ``'3 / 5'``."""
        return f"{self.rep} / {self.reps}"

    @property
    def hold_fraction(self) -> float:
        """How much of the hold is left, 1.0 → 0.0; 0.0 when not holding."""
        if self.hold_left is None or not self.hold_seconds:
            return 0.0
        return max(0.0, min(1.0, self.hold_left / self.hold_seconds))


@dataclass(frozen=True)
class _Segment:
    start: float
    end: float
    begin: Mapping[str, float]
    finish: Mapping[str, float]
    ease: str
    holding: bool = False


class Motion:
    """A set: *keyframes* as one rep, played *reps* times, then a short rest.

    The keyframes are checked here: a bad one raises :exc:`ValueError` that
    names it (counting from 1) and its field, such as ``keyframe 2: seconds =
    -1 is out of range; allowed 0 to 30``. Exactly one keyframe holds when
    *hold_seconds* is more than 0, none when it is 0.
    """

    def __init__(
        self, keyframes: Sequence[Keyframe], reps: int, hold_seconds: float, view: str = "front"
    ):
        if not 1 <= len(keyframes) <= MAX_KEYFRAMES:
            raise ValueError(
                f"keyframes has {len(keyframes)} entries; expected 1 to {MAX_KEYFRAMES}"
            )
        if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
            raise ValueError(f"reps = {reps!r} is not allowed; expected a whole number from 1")
        self.keyframes = tuple(keyframes)
        self.reps = reps
        self.hold_seconds = float(hold_seconds)
        self.view = view
        self.poses = tuple(_resolve(self.keyframes, view))
        held = [i for i, k in enumerate(self.keyframes, 1) if k.hold]
        if self.hold_seconds > 0 and not held:
            raise ValueError(
                f"keyframes: none has hold = true, but hold_seconds = {hold_seconds:g}; "
                "mark the pose that is held"
            )
        if self.hold_seconds <= 0 and held:
            raise ValueError(
                f"keyframe {held[0]}: hold = true, but hold_seconds = 0; "
                "remove it or set hold_seconds"
            )
        if len(held) > 1:
            raise ValueError(
                f"keyframe {held[1]}: hold = true, but keyframe {held[0]} holds already; "
                "one pose is held each rep"
            )
        self._segments = tuple(self._one_rep())
        self._starts = [s.start for s in self._segments]
        self.rep_seconds = self._segments[-1].end if self._segments else 0.0
        if self.rep_seconds <= 0:
            raise ValueError("keyframes: one rep takes no time; give the moves some seconds")
        self.loop_seconds = self.reps * self.rep_seconds + SET_REST_SECONDS

    def __repr__(self) -> str:
        keyframes = len(self.keyframes)
        return (
            f"Motion({keyframes} keyframes, reps={self.reps}, hold_seconds={self.hold_seconds:g})"
        )

    def _one_rep(self) -> Iterator[_Segment]:
        t = 0.0
        keys, poses = self.keyframes, self.poses

        def segment(
            seconds: float,
            begin: Mapping[str, float],
            finish: Mapping[str, float],
            ease: str = "linear",
            holding: bool = False,
        ) -> Iterator[_Segment]:
            nonlocal t
            if seconds > 0:
                yield _Segment(t, t + seconds, begin, finish, ease, holding)
                t += seconds

        for i, (key, pose) in enumerate(zip(keys, poses, strict=True)):
            if i > 0:
                yield from segment(key.seconds, poses[i - 1], pose, key.ease)
            if key.hold:
                yield from segment(self.hold_seconds, pose, pose, holding=True)
            yield from segment(key.pause, pose, pose)
        yield from segment(keys[0].seconds, poses[-1], poses[0], keys[0].ease)

    def at(self, elapsed: float) -> Moment:
        """The set *elapsed* seconds after it appeared; it loops for ever."""
        t = max(0.0, elapsed) % self.loop_seconds
        sets = self.reps * self.rep_seconds
        if t >= sets:
            return Moment(
                MappingProxyType(self.poses[0]), self.reps, self.reps, self.hold_seconds, None, True
            )
        rep = min(self.reps, int(t // self.rep_seconds) + 1)
        local = t - (rep - 1) * self.rep_seconds
        segment = self._segments[max(0, bisect.bisect_right(self._starts, local) - 1)]
        share = min(1.0, max(0.0, (local - segment.start) / (segment.end - segment.start)))
        pose = blend(segment.begin, segment.finish, EASINGS[segment.ease](share))
        hold_left = segment.end - local if segment.holding else None
        return Moment(MappingProxyType(pose), rep, self.reps, self.hold_seconds, hold_left, False)

    @property
    def hold_span(self) -> tuple[float, float] | None:
        """When the hold begins and ends within a rep (seconds from the rep's
        start), or None for a motion with no hold."""
        for segment in self._segments:
            if segment.holding:
                return segment.start, segment.end
        return None

    @property
    def move_starts(self) -> tuple[float, ...]:
        """When the move into each keyframe begins within a rep (seconds from
        the rep's start); the first keyframe's is the rep's start::

            >>> Motion([Keyframe({}, pause=1.0), Keyframe({"shrug": 1}, hold=True)],
            ...        5, 3).move_starts
            (0.0, 1.0)
        """
        starts, t = [0.0], 0.0
        for i, key in enumerate(self.keyframes):
            if i > 0:
                starts.append(t)
                t += key.seconds
            t += (self.hold_seconds if key.hold else 0.0) + key.pause
        return tuple(starts)

    @property
    def key_seconds(self) -> float:
        """The moment that best shows the exercise in a still picture: halfway
        through the first hold, or else halfway through the first move."""
        for kind in ("hold", "move"):
            for segment in self._segments:
                if segment.holding if kind == "hold" else segment.begin is not segment.finish:
                    return (segment.start + segment.end) / 2
        return 0.0

    def key_times(self) -> list[float]:
        """Moments of the first rep worth a picture each: its start, every
        quarter of every move, and halfway through the hold::

            >>> Motion([Keyframe({}), Keyframe({"shrug": 1}, hold=True)], 5, 3).key_times()
            [0.0, 0.25, 0.5, 0.75, 1.0, 2.5, 4.25, 4.5, 4.75]
        """
        times = {0.0}
        for segment in self._segments:
            if segment.holding:
                times.add((segment.start + segment.end) / 2)
            elif segment.begin is not segment.finish:
                times.update(
                    segment.start + (segment.end - segment.start) * i / 4 for i in (1, 2, 3, 4)
                )
        return sorted(t for t in times if t < self.rep_seconds)

    def poses_along(self, steps: int = 12) -> Iterator[Mapping[str, float]]:
        """Every pose one rep passes through, *steps* to a move: for finding
        how much room the figure needs."""
        yield from self.poses
        for segment in self._segments:
            if segment.begin is not segment.finish:
                for i in range(1, steps):
                    yield blend(segment.begin, segment.finish, EASINGS[segment.ease](i / steps))


def _resolve(keyframes: Sequence[Keyframe], view: str) -> Iterator[dict[str, float]]:
    """Each keyframe's full pose, its missing keys carried over from the one before."""
    pose: dict[str, float] = {}
    for i, key in enumerate(keyframes, 1):
        for name in ("seconds", "pause"):
            value = getattr(key, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value <= MAX_SECONDS
            ):
                raise ValueError(
                    f"keyframe {i}: {name} = {value!r} is out of range; "
                    f"allowed 0 to {MAX_SECONDS:g} (seconds)"
                )
        if key.ease not in EASINGS:
            raise ValueError(
                f"keyframe {i}: ease = {key.ease!r} is not allowed; "
                f"expected one of {', '.join(EASINGS)}"
            )
        if not isinstance(key.say, str) or len(key.say) > MAX_SAY:
            raise ValueError(
                f"keyframe {i}: say = {key.say!r} is not allowed; "
                f"expected a short phrase in quotes, at most {MAX_SAY} characters"
            )
        if not isinstance(key.hold, bool):
            raise ValueError(
                f"keyframe {i}: hold = {key.hold!r} is not allowed; expected true or false"
            )
        unknown = sorted(set(key.pose) - set(DEFAULT_POSE))
        if unknown:
            raise ValueError(
                f"keyframe {i}: {unknown[0]} is not a pose key"
                f"{_did_you_mean(unknown[0], [*FIELDS, *DEFAULT_POSE])}; "
                f"allowed: {', '.join(FIELDS)}, or a pose key: {', '.join(DEFAULT_POSE)}"
            )
        try:
            pose = full_pose({**pose, **key.pose}, view)
        except ValueError as exc:
            raise ValueError(f"keyframe {i}: {exc}") from None
        yield pose
