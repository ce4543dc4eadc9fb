"""The screen's colours: a dark background, light text, teal for what is
done and amber for what calls for attention."""

Color = tuple[int, int, int]

BACKGROUND = (20, 24, 33)
CARD = (33, 39, 54)
TEXT = (240, 242, 246)
MUTED = (158, 168, 190)
ACCENT = (78, 205, 196)
ATTENTION = (255, 184, 56)
BUSY = (150, 160, 255)  # busy (a meeting): calm, and not the amber that calls
TRACK = (58, 66, 86)
ASLEEP_BACKGROUND = (4, 5, 8)
ASLEEP_TEXT = (62, 68, 84)  # outside working hours the screen sleeps: just legible up close
DOT_COLORS: dict[str, Color] = {
    "completed": ACCENT,
    "partial": ATTENTION,
    "away": MUTED,
    "deferred": MUTED,  # busy held it off until the hours ended: not a miss
}
"""A break's outcome as a colour: on today's dots (any other: a hollow dot),
and the summary's title (skipped or missed: muted, nothing to celebrate)."""
