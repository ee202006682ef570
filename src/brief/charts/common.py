"""What every chart shares: the figure it returns, its frame (finding on top, source note below),
time axes, the 'no data' panel, and label boxes for collision checks.

Conventions: the title states the finding; axes say their units; a source note sits under the
plot; the chart's ``description`` is the alt text; every mark has a tooltip naming its source.
Each chart is laid out twice — at :data:`theme.WIDTH` for the page and the PDF, and at
:data:`theme.PHONE_WIDTH` for phones, re-laid out with the same text size rather than shrunk.
Dates are drawn at their stated precision: a fact dated "Dec 2024" spans December.
No selections or other Altair params are used, so specs carry no counter-generated names and
are identical from run to run.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from .. import theme
from ..analysis import NO_DATA
from ..context import Context
from ..dates import short_day

# Average advance of a DejaVu Sans character at FONT_SIZE, in pixels: enough to size label
# boxes for collision checks and wrapping (measured ≈ 7.0 px for 12 px mixed-case text).
CHAR_WIDTH = 0.6 * theme.FONT_SIZE
LINE_HEIGHT = theme.FONT_SIZE + 3


@dataclass(frozen=True)
class Figure:
    chart: alt.TopLevelMixin  # laid out for the page (theme.WIDTH)
    caption: str
    alt: str
    sources: tuple[str, ...]
    narrow: alt.TopLevelMixin | None = None  # laid out for a phone (theme.PHONE_WIDTH)

    def show(self, label: str) -> None:
        """Display as the one output of a chart cell labelled ``label`` (e.g. fig-progress)."""
        from ..nbout import show_chart

        show_chart(self.chart, label=label, caption=self.caption, alt=self.alt, sources=list(self.sources),
                   narrow=self.narrow)


@dataclass(frozen=True)
class Box:
    """A label's box in chart pixels, for collision checks: left, top, right, bottom."""

    left: float
    top: float
    right: float
    bottom: float
    what: str = ""

    def overlaps(self, other: Box, margin: float = 1.0) -> bool:
        return not (self.right + margin <= other.left or other.right + margin <= self.left
                    or self.bottom + margin <= other.top or other.bottom + margin <= self.top)


def text_width(text: str) -> float:
    return max((len(line) for line in text.split("\n")), default=0) * CHAR_WIDTH


def wrap(text: str, width_px: float) -> list[str]:
    """Lines of ``text`` no wider than ``width_px`` (words are never broken)."""
    chars = max(4, int(width_px // CHAR_WIDTH))
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def iso(day: dt.date) -> str:
    # A date-only ISO string is parsed as UTC by JavaScript but a date-time as local time; every
    # temporal value is a date-time so they all land on the same clock in any browser.
    return f"{day.isoformat()}T00:00:00"


def period_end(day: dt.date) -> str:
    """The end of a fact's last day, for bars that span a whole period."""
    return iso(day + dt.timedelta(days=1))


def midpoint(start: dt.date, end: dt.date) -> str:
    a = dt.datetime.combine(start, dt.time())
    b = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    return (a + (b - a) / 2).isoformat()


def window_label(ctx: Context) -> str:
    return f"{short_day(ctx.params.since)} to {short_day(ctx.as_of)}"


def time_axis(title: str | None, span_days: int, width: float) -> alt.Axis:
    """Date ticks sized to the span and the width: years for long spans, quarters or months otherwise."""
    per_label = 70  # px a "%b %Y" label needs
    slots = max(2, int(width // per_label))
    if span_days > 900:
        return alt.Axis(title=title, format="%Y", tickCount={"interval": "year", "step": max(1, span_days // 365 //
                                                                                               slots + 1)},
                        labelOverlap=True)
    months = span_days / 30.4
    step = next(s for s in (1, 2, 3, 6, 12) if months / s <= slots)
    return alt.Axis(title=title, format="%b %Y", tickCount={"interval": "month", "step": step}, labelOverlap=True)


def finish(chart: alt.TopLevelMixin, title: str, note: str, alt_text: str, width: float) -> alt.VConcatChart:
    """Put the finding on top and the source note under the plot; set the description."""
    lines = wrap(note, width - 20)
    footer = alt.Chart(pd.DataFrame({"source_note": ["\n".join(lines)]})).mark_text(
        align="left", baseline="top", lineBreak="\n", fontSize=theme.FONT_SIZE, color=theme.MUTED_COLOUR,
    ).encode(x=alt.value(0), y=alt.value(0), text="source_note:N").properties(
        width=width - 20, height=LINE_HEIGHT * len(lines))
    return alt.vconcat(chart, footer, spacing=14).properties(
        title=alt.Title(wrap(title, width - 20)), description=alt_text)


def no_data(ctx: Context, title: str, what: str, caption: str) -> Figure:
    """An explicit 'no data' panel instead of an empty axis, in both layouts."""
    alt_text = f"{NO_DATA}: {what}."

    def panel(width: float) -> alt.VConcatChart:
        message = alt.Chart(pd.DataFrame({"text": ["\n".join(wrap(alt_text, width - 60))]})).mark_text(
            fontSize=theme.FONT_SIZE + 1, color=theme.MUTED_COLOUR, lineBreak="\n").encode(
            x=alt.value((width - 20) / 2), y=alt.value(40), text="text:N", tooltip=["text:N"],
        ).properties(width=width - 20, height=80)
        return finish(message, title, ctx.citations.note(()), alt_text, width)

    return Figure(panel(theme.WIDTH), caption, alt_text, (), panel(theme.PHONE_WIDTH))


def both(layout: Callable[[float], alt.TopLevelMixin]) -> tuple[alt.TopLevelMixin, alt.TopLevelMixin]:
    """The chart laid out for the page and for a phone."""
    return layout(theme.WIDTH), layout(theme.PHONE_WIDTH)


def source_names(ctx: Context, source_ids) -> list[str]:
    """'[1] Anonymous review of 2024' for tooltips."""
    cite = ctx.citations
    return [f"{cite.key(s)} {cite.sources.loc[cite.numbers[s] - 1, 'cite_as']}" for s in source_ids]


def shifted(at: str, pixels: float, px_per_day: float) -> str:
    """The ISO time ``pixels`` to the right of ``at`` on an axis of ``px_per_day``."""
    return (dt.datetime.fromisoformat(at) + dt.timedelta(days=pixels / px_per_day)).isoformat()


def offset_labels(frame: pd.DataFrame, *, x, y, text: str, tooltip, **mark) -> list[alt.Chart]:
    """Text marks placed ``frame.dy`` pixels above (negative) or below their point: one layer per
    offset, because Vega-Lite's offset channels measure from a band's start, not from the mark."""
    return [alt.Chart(frame[frame["dy"] == dy]).mark_text(dy=float(dy), fontSize=theme.FONT_SIZE, **mark).encode(
        x=x, y=y, text=text, tooltip=tooltip) for dy in sorted(set(frame["dy"]))]


def inside(centre: float, width: float, low: float, high: float) -> float:
    """How far to move a label centred at ``centre`` so that it stays within [low, high]."""
    return max(low - (centre - width / 2), min(0.0, high - (centre + width / 2)))


def label_lanes(positions: list[tuple[float, float]], gap: float = 6.0) -> list[int]:
    """For labels centred at x with width w (``[(x, w)]``, any order): the lane of each, so that no
    two labels in one lane overlap. Lane 0 is taken first, then 1, 2, …; the chart maps lanes to
    offsets (e.g. alternately above and below the marks)."""
    order = sorted(range(len(positions)), key=lambda i: positions[i][0])
    ends: list[float] = []  # right edge of the last label in each lane
    lanes = [0] * len(positions)
    for i in order:
        x, w = positions[i]
        left = x - w / 2
        lane = next((k for k, end in enumerate(ends) if end + gap <= left), len(ends))
        if lane == len(ends):
            ends.append(x + w / 2)
        else:
            ends[lane] = x + w / 2
        lanes[i] = lane
    return lanes
