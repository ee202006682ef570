"""What every chart shares: the figure it returns, its frame (finding on top, source note below),
time axes, the 'no data' panel and direct-label helpers (text metrics and boxes: :mod:`.text`).

Conventions: the title states the finding; axes say their units; a source note sits under the
plot; the chart's ``description`` is the alt text; every mark has a tooltip naming its source.
Each chart is laid out twice — at :data:`theme.WIDTH` for the page and the PDF, and at
:data:`theme.PHONE_WIDTH` for phones, re-laid out with the same text size rather than shrunk.
Dates are drawn at their stated precision: a fact dated "Dec 2024" spans December.
No selections or other Altair params are used, so specs carry no counter-generated names and
are identical from run to run.

Cost (each chart is built in a notebook kernel of every build): encodings are typed channel
objects (``alt.X2("x2:Q")``, ``alt.Text(...)``, ``alt.YValue(0)``), never a shorthand string or an
``alt.value`` dict, which Altair turns into its class by hashing every class of its schema; a layer
or concatenation gets its properties when it is made, not from ``.properties()``, which makes it
again. Layers and concatenations are made by :func:`layer` and :func:`vconcat`, not Altair's
``alt.layer``/``alt.vconcat``, which deep-copy every subchart, data and all, to merge their params.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from .. import theme
from ..analysis import NO_DATA
from ..context import Context
from ..dates import short_day
from .strip import ROW_NAME_GAP, Strip
from .text import LINE_HEIGHT, Block, block_height, text_width, wrap


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


def chart_of(frame: pd.DataFrame) -> alt.Chart:
    """A chart of ``frame``'s rows, as Altair would write the frame (numbers and booleans as Python
    values, NaN and missing strings as null), without its per-column pandas passes: about 5 ms a
    frame, and a chart has dozens of small frames."""
    columns = []
    for name, column in frame.items():
        values = column.tolist()
        if column.dtype.kind == "f":
            values = [v if math.isfinite(v) else None for v in values]
        elif column.dtype.kind == "O":  # strings, lists
            values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]
        elif column.dtype.kind not in "iub":
            raise TypeError(f"column {name!r} of a chart's frame has type {column.dtype}, which charts do not draw")
        columns.append(values)
    return alt.Chart({"values": [dict(zip(frame.columns, row, strict=True)) for row in zip(*columns, strict=True)]})


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
class Span:
    """A stretch of a time axis: the days from ``start`` to ``end`` (midnights) drawn from pixel
    ``left`` to pixel ``right``."""

    start: dt.date
    end: dt.date
    left: float
    right: float

    def px(self, moment: dt.datetime) -> float:
        seconds = (moment - dt.datetime.combine(self.start, dt.time())).total_seconds()
        return self.left + seconds / 86400 * (self.right - self.left) / (self.end - self.start).days


@dataclass(frozen=True)
class Tick:
    x: float
    label: Block  # the tick's label under the axis line, in plot pixels


# An encoding in the chart's own pixels (the layout is worked out here): no scale, no axis.
PX = {"scale": None, "axis": None}
AXIS_TICK = 5.0  # pixels of a tick mark below the axis line
AXIS_HEIGHT = AXIS_TICK + 3 + block_height(1)  # tick, padding and one line of labels under the plot
TICK_GAP = 10.0  # pixels kept between two tick labels
BREAK_GAP = 14.0  # pixels between two spans of a broken axis


@dataclass(frozen=True)
class TimeScale:
    """A time axis drawn in pixels: one span, or several side by side (a broken axis that gives
    recent months more room than earlier years), each linear. Charts place their marks at
    :meth:`px` and draw the axis with :func:`time_axis`, so no Vega time scale is involved and the
    tests see exactly the positions the reader sees."""

    spans: tuple[Span, ...]

    @classmethod
    def linear(cls, start: dt.date, end: dt.date, width: float) -> TimeScale:
        return cls((Span(start, end, 0.0, width),))

    @property
    def width(self) -> float:
        return self.spans[-1].right

    @property
    def start(self) -> dt.date:
        return self.spans[0].start

    @property
    def end(self) -> dt.date:
        return self.spans[-1].end

    def px(self, at: str | dt.date) -> float:
        """The pixel of a day (its start) or of an ISO time (as :func:`iso` and :func:`midpoint` write them)."""
        moment = dt.datetime.fromisoformat(at) if isinstance(at, str) else dt.datetime.combine(at, dt.time())
        span = next((s for s in self.spans if moment < dt.datetime.combine(s.end, dt.time())), self.spans[-1])
        return span.px(moment)

    def ticks(self) -> list[Tick]:
        """Ticks of every span: years or months, the finest step whose labels (each centred on its
        tick, but kept inside its span) stay TICK_GAP apart. A span's last day is the next span's
        first: its tick is left to the next span."""
        out: list[Tick] = []
        for i, span in enumerate(self.spans):
            ticks: list[Tick] = []
            for dates, fmt in _tick_steps(span):
                if i + 1 < len(self.spans):
                    dates = [d for d in dates if d < span.end]
                ticks = [_tick(span, day, fmt) for day in dates]
                if all(b.label.box.left - a.label.box.right >= TICK_GAP for a, b in zip(ticks, ticks[1:],
                                                                                         strict=False)):
                    break
            out += ticks
        return out


def _tick(span: Span, day: dt.date, fmt: str) -> Tick:
    x = span.px(dt.datetime.combine(day, dt.time()))
    text = f"{day:{fmt}}"
    w = text_width(text)
    return Tick(x, Block((text,), min(max(x, span.left + w / 2), span.right - w / 2), AXIS_TICK + 3))


def _tick_steps(span: Span):
    """(tick days, label format) from the finest step to the coarsest: months for spans up to about
    two and a half years, then years."""
    if (span.end - span.start).days <= 900:
        for step in (1, 2, 3, 6, 12):
            months = [dt.date(y, m, 1) for y in range(span.start.year, span.end.year + 1) for m in range(1, 13)
                      if (m - 1) % step == 0]
            yield [d for d in months if span.start <= d <= span.end], "%b %Y"
    for step in (1, 2, 5, 10, 20, 50):
        years = [dt.date(y, 1, 1) for y in range(span.start.year, span.end.year + 1) if y % step == 0]
        yield [d for d in years if span.start <= d <= span.end], "%Y"


def time_axis(scale: TimeScale, height: float, *, grid: bool = False) -> list[alt.Chart]:
    """The axis under a plot ``height`` pixels tall: a line per span, ticks and their labels, a
    break mark between spans, and (``grid``) light vertical lines at the ticks."""
    ticks = scale.ticks()
    lines = pd.DataFrame([{"x": s.left, "x2": s.right, "y": height} for s in scale.spans])
    marks = pd.DataFrame({"x": [t.x for t in ticks], "y": height, "y2": height + AXIS_TICK})
    labels = pd.DataFrame({"x": [t.label.x for t in ticks], "y": [height + t.label.top for t in ticks],
                           "text": [t.label.text for t in ticks]})
    layers = []
    if grid:
        layers.append(chart_of(marks).mark_rule(color=theme.GRID_COLOUR).encode(
            x=alt.X("x:Q", **PX), y=alt.YValue(0), y2=alt.Y2Value(height)))
    layers += [chart_of(lines).mark_rule(color=theme.MUTED_COLOUR).encode(
                   x=alt.X("x:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y:Q", **PX)),
               chart_of(marks).mark_rule(color=theme.MUTED_COLOUR).encode(
                   x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), y2=alt.Y2("y2:Q")),
               chart_of(labels).mark_text(baseline="top", fontSize=theme.FONT_SIZE).encode(
                   x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("text:N"))]
    if len(scale.spans) > 1:  # a pair of slashes in each gap: the axis is broken there
        slashes = pd.DataFrame([{"x": g + dx - 3, "x2": g + dx + 3, "y": height + 5, "y2": height - 5}
                                for a, b in zip(scale.spans, scale.spans[1:], strict=False)
                                for g in [(a.right + b.left) / 2] for dx in (-2.5, 2.5)])
        layers.append(chart_of(slashes).mark_rule(color=theme.MUTED_COLOUR).encode(
            x=alt.X("x:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y:Q", **PX), y2=alt.Y2("y2:Q")))
    return layers


def label_marks(frame: pd.DataFrame, *, x: alt.X | alt.XValue, y: alt.Y | alt.YValue, text: str = "label:N",
                tooltip=None, colour: str | None = None, **mark) -> list[alt.Chart]:
    """Direct labels as laid out by the chart's geometry: blocks of lines (``\\n``) drawn from their
    top, over a white halo so grid and rule lines behind them do not cut through the words."""
    style = {"baseline": "top", "lineBreak": "\n", "lineHeight": LINE_HEIGHT, "fontSize": theme.FONT_SIZE,
             "align": "center", **mark}
    halo = chart_of(frame).mark_text(stroke="white", strokeWidth=3, strokeJoin="round", **style).encode(
        x=x, y=y, text=alt.Text(text))
    words = chart_of(frame).mark_text(color=colour or theme.TEXT_COLOUR, **style).encode(
        x=x, y=y, text=alt.Text(text))
    return [halo, words.encode(tooltip=tooltip) if tooltip else words]


def row_names(lay: Strip) -> alt.Chart:
    """A strip chart's row names: left of the plot, or in bold above each row (a phone)."""
    if lay.headings:
        frame = pd.DataFrame([{"name": name, "x": box.left, "y": box.top} for name, box in lay.headings.items()])
        return chart_of(frame).mark_text(align="left", baseline="top", fontWeight="bold").encode(
            x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("name:N"))
    frame = pd.DataFrame([{"name": name, "y": y} for name, y in lay.rows.items()])
    return chart_of(frame).mark_text(align="right", baseline="middle").encode(
        x=alt.XValue(-ROW_NAME_GAP), y=alt.Y("y:Q", **PX), text=alt.Text("name:N"))


def _plain(charts, sized_ok: bool) -> bool:
    """Whether Altair's composition of ``charts`` would do nothing but copy them: none (nor any of its
    layers) has params or a view name, they do not all share one data object (Altair would move it up),
    and, where sizes move up to a layer (``sized_ok`` False), none has a size or view of its own.
    Charts here have no params (module docstring); the rest holds for every chart drawn so far."""
    parts = [p for c in charts for p in (c, *(c.layer if isinstance(c, alt.LayerChart) else ()))]
    if any(getattr(p, "params", alt.Undefined) is not alt.Undefined or getattr(p, "name", alt.Undefined)
           is not alt.Undefined for p in parts):
        return False
    if charts and charts[0].data is not alt.Undefined and all(c.data is charts[0].data for c in charts):
        return False
    return sized_ok or all(getattr(c, prop, alt.Undefined) is alt.Undefined
                           for c in charts for prop in ("height", "width", "view"))


class _PlainLayerChart(alt.LayerChart):
    """A layer chart of plain layers (:func:`_plain`), made without Altair's merging of the layers'
    params; so is every copy Altair makes of it (``to_dict`` copies each composite it meets)."""

    def __init__(self, data=alt.Undefined, layer=(), **kwargs):
        super(alt.LayerChart, self).__init__(data=data, layer=list(layer), **kwargs)


class _PlainVConcatChart(alt.VConcatChart):
    """A vertical concatenation of plain charts, made and copied without merging params (see above)."""

    def __init__(self, data=alt.Undefined, vconcat=(), **kwargs):
        super(alt.VConcatChart, self).__init__(data=data, vconcat=list(vconcat), **kwargs)


def layer(*charts, **properties) -> alt.LayerChart:
    """``alt.layer(*charts, **properties)``, the same spec, without the deep copies of every layer (its
    data and all) that Altair makes to merge the layers' params, when it would do nothing else
    (:func:`_plain`), each time the chart is made or copied: those copies were most of the cost of
    drawing a chart."""
    if "data" in properties or not _plain(charts, sized_ok=False):
        return alt.layer(*charts, **properties)
    return _PlainLayerChart(layer=charts, **properties)


def vconcat(*charts, **properties) -> alt.VConcatChart:
    """``alt.vconcat(*charts, **properties)``, the same spec, without the deep copies (see :func:`layer`)."""
    if "data" in properties or not _plain(charts, sized_ok=True):
        return alt.vconcat(*charts, **properties)
    return _PlainVConcatChart(vconcat=charts, **properties)


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
    footer = chart_of(pd.DataFrame({"source_note": ["\n".join(lines)]})).mark_text(
        align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT, fontSize=theme.FONT_SIZE,
        color=theme.MUTED_COLOUR).encode(
        x=alt.XValue(-left - SLACK), y=alt.YValue(0), text=alt.Text("source_note:N")).properties(
        width=plot_width(width, left), height=LINE_HEIGHT * len(lines))
    return vconcat(chart, footer, spacing=14, title=alt.Title(wrap(title, inner, theme.TITLE_SIZE, bold=True)),
                   description=alt_text)


def no_data(ctx: Context, title: str, what: str, caption: str) -> Figure:
    """An explicit 'no data' panel instead of an empty axis, in both layouts."""
    alt_text = f"{NO_DATA}: {what}."

    def panel(width: float) -> alt.VConcatChart:
        message = chart_of(pd.DataFrame({"text": ["\n".join(wrap(alt_text, width - 60))]})).mark_text(
            fontSize=theme.FONT_SIZE + 1, color=theme.MUTED_COLOUR, lineBreak="\n", lineHeight=LINE_HEIGHT).encode(
            x=alt.XValue(plot_width(width) / 2), y=alt.YValue(40), text=alt.Text("text:N"),
            tooltip=[alt.Tooltip("text:N")],
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
