"""The scenes that are words only: the first-start health notice, and the
summary at the end of a break."""

from __future__ import annotations

from microbreak.core.views import DoneView, NoticeView
from microbreak.drawing.fitting import Para, fit
from microbreak.drawing.layout import layout
from microbreak.drawing.palette import ACCENT, ATTENTION, DOT_COLORS, MUTED, TEXT
from microbreak.drawing.plan import Plan, footer_hint, lines_needed


def plan_notice(view: NoticeView, size: tuple[int, int]) -> Plan:
    areas = layout(size, figure=False, footer_lines=lines_needed(view.hint, size, full_width=True))
    paras = [Para(view.title, 1.8, 2, ATTENTION, "center", gap=0)]
    paras += [Para(line, 1.0, 3, TEXT, "center", gap=0.5) for line in view.lines]
    texts = fit(paras, areas.body, areas.min_text, round(areas.min_text * 1.4), valign="center")
    texts += footer_hint(view.hint, areas, ACCENT)
    return Plan(areas, tuple(texts))


def plan_done(view: DoneView, size: tuple[int, int]) -> Plan:
    areas = layout(size, figure=False)
    paras = [
        Para(
            view.title,
            2.4,
            2,
            DOT_COLORS.get(view.outcome, MUTED),
            "center",
            gap=0,
            fallback_scale=1.6,  # a long word: smaller rather than cut
        ),
        Para(view.summary, 1.1, 1, TEXT, "center", gap=0.6, fallback_lines=3),
    ]
    texts = fit(paras, areas.body, areas.min_text, round(areas.min_text * 1.8), valign="center")
    return Plan(areas, tuple(texts))
