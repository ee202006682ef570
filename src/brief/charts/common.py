"""What every chart shares: the figure it returns, its frame (finding on top, source note below),
time axes, the 'no data' panel and direct-label helpers (text metrics and boxes: :mod:`.text`).

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
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from .. import theme
from ..analysis import NO_DATA
from ..context import Context
from ..dates import short_day
from .strip import ROW_NAME_GAP, Strip
from .text import LINE_HEIGHT, wrap


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


@dataclass(frozen=True)
class TimeScale:
    """A time axis from ``start`` to ``end`` (midnights) drawn ``width`` pixels wide: the linear
    scale Vega draws, so label positions can be computed here and checked by tests."""

    start: dt.date
    end: dt.date
    width: float

    @property
    def scale(self) -> alt.Scale:
        return alt.Scale(domain=[iso(self.start), iso(self.end)])

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def px(self, at: str) -> float:
        """The pixel of an ISO time (as :func:`iso` and :func:`midpoint` write them)."""
        seconds = (dt.datetime.fromisoformat(at) - dt.datetime.combine(self.start, dt.time())).total_seconds()
        return seconds / 86400 * self.width / self.days

    def at(self, px: float) -> str:
        """The ISO time drawn at pixel ``px`` (to the second, so specs stay short and stable)."""
        moment = dt.datetime.combine(self.start, dt.time()) + dt.timedelta(seconds=round(px / self.width * self.days
                                                                                           * 86400))
        return moment.isoformat()

    def axis(self, title: str | None = None, grid: bool = True) -> alt.Axis:
        """Date ticks sized to the span and the width: years for long spans, quarters or months
        otherwise; the end labels flush with the plot, so no label hangs past the chart's width."""
        slots = max(2, int(self.width // 70))  # a "%b %Y" label needs about 70 px
        if self.days > 900:
            return alt.Axis(title=title, format="%Y", labelOverlap=True, labelFlush=True, grid=grid,
                            tickCount={"interval": "year", "step": max(1, self.days // 365 // slots + 1)})
        step = next((s for s in (1, 2, 3, 6) if self.days / 30.4 / s <= slots), 12)
        return alt.Axis(title=title, format="%b %Y", labelOverlap=True, labelFlush=True, grid=grid,
                        tickCount={"interval": "month", "step": step})


def label_marks(frame: pd.DataFrame, *, x, y, text: str = "label:N", tooltip=None, colour: str | None = None,
                **mark) -> list[alt.Chart]:
    """Direct labels as laid out by the chart's geometry: blocks of lines (``\\n``) drawn from their
    top, over a white halo so grid and rule lines behind them do not cut through the words."""
    style = {"baseline": "top", "lineBreak": "\n", "lineHeight": LINE_HEIGHT, "fontSize": theme.FONT_SIZE,
             "align": "center", **mark}
    halo = alt.Chart(frame).mark_text(stroke="white", strokeWidth=3, strokeJoin="round", **style).encode(
        x=x, y=y, text=text)
    words = alt.Chart(frame).mark_text(color=colour or theme.TEXT_COLOUR, **style).encode(x=x, y=y, text=text)
    return [halo, words.encode(tooltip=tooltip) if tooltip else words]


def row_names(lay: Strip) -> alt.Chart:
    """A strip chart's row names: left of the plot, or in bold above each row (a phone)."""
    if lay.headings:
        frame = pd.DataFrame([{"name": name, "x": box.left, "y": box.top} for name, box in lay.headings.items()])
        return alt.Chart(frame).mark_text(align="left", baseline="top", fontWeight="bold").encode(
            x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("y:Q", scale=None, axis=None), text="name:N")
    frame = pd.DataFrame([{"name": name, "y": y} for name, y in lay.rows.items()])
    return alt.Chart(frame).mark_text(align="right", baseline="middle").encode(
        x=alt.value(-ROW_NAME_GAP), y=alt.Y("y:Q", scale=None, axis=None), text="name:N")


PADDING = 8  # the theme's padding on each side of a chart
SLACK = 2.0  # pixels left free each side of a plot: strokes and axis lines reach half their width beyond it


def plot_width(width: float, left: float = 0.0) -> float:
    """The plot width of a chart ``width`` pixels wide whose axis or row names take ``left`` pixels."""
    return width - 2 * PADDING - left - 2 * SLACK


def finish(chart: alt.TopLevelMixin, title: str, note: str, alt_text: str, width: float,
           left: float = 0.0) -> alt.VConcatChart:
    """Put the finding on top and the source note under the plot; set the description.

    ``left``: how far the chart's axis or row names reach left of its plot (laid out
    :func:`plot_width` wide); the note starts there too, so title, plot and note together are
    ``width`` wide."""
    inner = width - 2 * PADDING
    lines = wrap(note, inner)
    footer = alt.Chart(pd.DataFrame({"source_note": ["\n".join(lines)]})).mark_text(
        align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT, fontSize=theme.FONT_SIZE,
        color=theme.MUTED_COLOUR).encode(x=alt.value(-left - SLACK), y=alt.value(0), text="source_note:N").properties(
        width=plot_width(width, left), height=LINE_HEIGHT * len(lines))
    return alt.vconcat(chart, footer, spacing=14).properties(
        title=alt.Title(wrap(title, inner, theme.TITLE_SIZE, bold=True)), description=alt_text)


def no_data(ctx: Context, title: str, what: str, caption: str) -> Figure:
    """An explicit 'no data' panel instead of an empty axis, in both layouts."""
    alt_text = f"{NO_DATA}: {what}."

    def panel(width: float) -> alt.VConcatChart:
        message = alt.Chart(pd.DataFrame({"text": ["\n".join(wrap(alt_text, width - 60))]})).mark_text(
            fontSize=theme.FONT_SIZE + 1, color=theme.MUTED_COLOUR, lineBreak="\n", lineHeight=LINE_HEIGHT).encode(
            x=alt.value(plot_width(width) / 2), y=alt.value(40), text="text:N", tooltip=["text:N"],
        ).properties(width=plot_width(width), height=80)
        return finish(message, title, ctx.citations.note(()), alt_text, width)

    return Figure(panel(theme.WIDTH), caption, alt_text, (), panel(theme.PHONE_WIDTH))


def both(layout: Callable[[float], alt.TopLevelMixin]) -> tuple[alt.TopLevelMixin, alt.TopLevelMixin]:
    """The chart laid out for the page and for a phone."""
    return layout(theme.WIDTH), layout(theme.PHONE_WIDTH)


def source_names(ctx: Context, source_ids) -> list[str]:
    """'[1] Anonymous review of 2024' for tooltips."""
    cite = ctx.citations
    return [f"{cite.key(s)} {cite.sources.loc[cite.numbers[s] - 1, 'cite_as']}" for s in source_ids]
