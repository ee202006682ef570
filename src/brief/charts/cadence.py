"""Figure: who meets, and who mediates — the one meeting view of the brief.

Top: recorded meetings per period of the window (every period shown, so quiet ones read as
zero). Below: each meeting across the period its source gives, one row per format present,
coloured by its mediator (vocabulary colour; no named mediator is grey) and labelled directly
with its place and mediator, so the chart needs no legend. Meetings are the sources' examples,
not a complete record; the caption says so.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from .. import analysis, theme
from ..context import Context
from . import strip
from .common import (
    AXIS_HEIGHT,
    PX,
    Figure,
    TimeScale,
    both,
    chart_of,
    finish,
    iso,
    label_marks,
    layer,
    midpoint,
    no_data,
    period_end,
    plot_width,
    row_names,
    source_names,
    time_axis,
    vconcat,
    window_label,
)
from .text import LINE_HEIGHT

NO_MEDIATOR_LABEL = "no mediator named"


def meeting_rows(ctx: Context, meetings: pd.DataFrame) -> pd.DataFrame:
    """The meetings with what the strip draws: labels of format, mediator and host, period, colour."""
    actors, formats = ctx.vocab["actors"], ctx.vocab["formats"]
    df = meetings.copy()
    df["mediator"] = [analysis.mediator_key(m) for m in df["mediators"]]
    df["mediator_label"] = [" and ".join(actors.short(a) for a in m) if m else NO_MEDIATOR_LABEL
                            for m in df["mediators"]]
    df["host_label"] = [actors.label(h) if h else "not stated" for h in df["host"]]
    df["format_label"] = [formats.short(f) for f in df["format"]]
    df["start"] = df["date_start"].map(iso)
    df["end"] = df["date_end"].map(period_end)
    df["at"] = [midpoint(s, e) for s, e in zip(df["date_start"], df["date_end"], strict=True)]
    df["place_short"] = [p.split(",")[0] for p in df["place"]]
    df["source"] = ["; ".join(source_names(ctx, [s])) for s in df["source_id"]]
    df["colour"] = [actors.colour(m) if m else theme.MUTED_COLOUR for m in df["mediator"]]
    return df[["meeting_id", "date_label", "date_precision", "start", "end",
               "at", "date_start", "place", "place_short", "occasion", "format", "format_label", "mediator",
               "mediator_label", "host_label", "about", "source", "colour"]]


TOOLTIP = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("place:N", title="Place"),
           alt.Tooltip("occasion:N", title="Occasion"), alt.Tooltip("format_label:N", title="Format"),
           alt.Tooltip("mediator_label:N", title="Mediator"), alt.Tooltip("host_label:N", title="Host"),
           alt.Tooltip("about:N", title="About"), alt.Tooltip("source:N", title="Source")]


COUNTS_HEIGHT = 80  # the panel of meetings per period: its heading, a count over each bar, the bars


def geometry(ctx: Context, rows: pd.DataFrame, width: float) -> tuple[TimeScale, strip.Strip]:
    """The time axis and the meeting strip's rows and labels laid out ``width`` pixels wide. On a
    phone a label is the place alone (the tooltip and the colour give the mediator)."""
    phone = width <= theme.PHONE_WIDTH
    formats = ctx.vocab["formats"]
    names = [formats.short(f) for f in formats.ordered(rows["format"])]
    plot = plot_width(width, strip.name_column(names, phone))
    scale = TimeScale.linear(ctx.params.since, ctx.as_of + dt.timedelta(days=1), plot)
    # a no-break space keeps the "·" with the place when a label wraps
    marks = [strip.Item(r.meeting_id, r.format_label, scale.px(r.at),
                        r.place_short if phone else f"{r.place_short}\u00a0· {r.mediator_label}")
             for r in rows.itertuples()]
    lay = strip.lay_out(names, marks, plot, label_width=min(220.0, plot / 2), headings_above=phone, top=6)
    if phone:  # labels name only the place: a key says whose colour is whose
        key = strip.flow_key(list(dict.fromkeys(zip(rows["colour"], rows["mediator_label"], strict=True))), plot,
                             lay.height)
        lay.key = key
        lay.extra += [block.box for _, block in key]
        lay.height = max(block.box.bottom for _, block in key) + 4
    return scale, lay


def _strip(rows: pd.DataFrame, scale: TimeScale, lay: strip.Strip) -> alt.LayerChart:
    """The meetings, one row per format, each across its period, labelled directly; the time axis under them."""
    labels = lay.labels
    rows = rows.drop(columns=["date_start"]).assign(
        row_y=[lay.rows[f] for f in rows["format_label"]], x=[scale.px(a) for a in rows["at"]],
        x1=[max(0.0, scale.px(a)) for a in rows["start"]], x2=[min(scale.width, scale.px(b)) for b in rows["end"]],
        label_text=["\n".join(labels[m].lines) for m in rows["meeting_id"]],
        label_x=[labels[m].x for m in rows["meeting_id"]], label_y=[labels[m].top for m in rows["meeting_id"]])
    y = alt.Y("row_y:Q", **PX)
    colour = alt.Color("colour:N", scale=None, legend=None)
    base = chart_of(rows)
    bars = base.mark_rule(strokeWidth=8, opacity=0.9).encode(x=alt.X("x1:Q", **PX), x2=alt.X2("x2:Q"), y=y,
                                                             color=colour, tooltip=TOOLTIP)
    dots = base.mark_point(filled=True, size=70, opacity=1).encode(x=alt.X("x:Q", **PX), y=y, color=colour,
                                                                   tooltip=TOOLTIP)
    labels = label_marks(rows, x=alt.X("label_x:Q", **PX), y=alt.Y("label_y:Q", **PX), text="label_text:N",
                         tooltip=TOOLTIP)
    return layer(*time_axis(scale, lay.height, grid=True), bars, dots, *labels, row_names(lay), *_key(lay),
                 width=lay.width, height=lay.height + AXIS_HEIGHT)


def _key(lay: strip.Strip) -> list[alt.Chart]:
    """The mediators' colours under the rows (a phone's labels name only the place)."""
    if not lay.key:
        return []
    frame = pd.DataFrame([{"colour": colour, "text": block.text, "x": block.x, "dot_x": block.x - strip.SWATCH + 5,
                           "y": block.top, "dot_y": block.top + theme.FONT_SIZE * 0.6} for colour, block in lay.key])
    dots = chart_of(frame).mark_point(filled=True, size=70, opacity=1).encode(
        x=alt.X("dot_x:Q", **PX), y=alt.Y("dot_y:Q", **PX), color=alt.Color("colour:N", scale=None))
    words = chart_of(frame).mark_text(align="left", baseline="top").encode(
        x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("text:N"))
    return [dots, words]


def _count_frame(ctx: Context, meetings: pd.DataFrame) -> pd.DataFrame:
    """Meetings per period, every period of the window (quiet ones as zero), with its span."""
    counts = analysis.meeting_counts(ctx, meetings)
    spans = analysis.periods_between(ctx.params.since, ctx.as_of, ctx.params.period)
    ends = {label: (spans[i + 1][1] if i + 1 < len(spans) else ctx.as_of + dt.timedelta(days=1))
            for i, (label, _) in enumerate(spans)}
    counts["start"] = counts["period_start"].map(iso)
    counts["end"] = [iso(ends.get(p, s + dt.timedelta(days=365))) for p, s in zip(counts["period"],
                                                                                counts["period_start"], strict=True)]
    counts["label"] = [str(n) for n in counts["meetings"]]
    counts["mid"] = [midpoint(dt.date.fromisoformat(a[:10]), dt.date.fromisoformat(b[:10]) - dt.timedelta(days=1))
                     for a, b in zip(counts["start"], counts["end"], strict=True)]
    return counts.drop(columns=["period_start"])


def _counts(ctx: Context, meetings: pd.DataFrame, scale: TimeScale) -> alt.LayerChart:
    """Bars of meetings per period under a heading, each with its count written over it."""
    counts = _count_frame(ctx, meetings)
    top = max(1, int(counts["meetings"].max()))
    floor, ceiling = COUNTS_HEIGHT, 2 * LINE_HEIGHT + 4
    counts = counts.assign(x1=[max(0.0, scale.px(a)) for a in counts["start"]],
                           x2=[min(scale.width, scale.px(b)) for b in counts["end"]],
                           mid=[scale.px(m) for m in counts["mid"]],
                           y=[floor - (floor - ceiling) * n / top for n in counts["meetings"]], y0=floor)
    tip = [alt.Tooltip("period:N", title=ctx.params.period.capitalize()), alt.Tooltip("meetings:Q", title="Meetings")]
    base = chart_of(counts)
    bars = base.mark_rect(color="#BBBBBB", stroke="white", strokeWidth=2).encode(
        x=alt.X("x1:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y:Q", **PX), y2=alt.Y2("y0:Q"), tooltip=tip)
    numbers = base.mark_text(baseline="bottom", dy=-2, fontSize=theme.FONT_SIZE).encode(
        x=alt.X("mid:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("label:N"), tooltip=tip)
    heading = chart_of(pd.DataFrame({"text": [f"Meetings per {ctx.params.period}"]})).mark_text(
        align="left", baseline="top", color=theme.MUTED_COLOUR).encode(
        x=alt.XValue(0), y=alt.YValue(0), text=alt.Text("text:N"))
    return layer(bars, numbers, heading, width=scale.width, height=COUNTS_HEIGHT)


def cadence_chart(ctx: Context) -> Figure:
    meetings = analysis.meetings(ctx)
    window = window_label(ctx)
    if meetings.empty:
        return no_data(ctx, f"No recorded meeting in the window ({window})",
                       f"no recorded meeting of the selected mediators from {window}",
                       f"Recorded meetings, {window}: none.")
    rows = meeting_rows(ctx, meetings)
    sources = tuple(sorted(set(meetings["source_id"])))
    mediated = sum(1 for m in meetings["mediators"] if m)
    n = len(meetings)
    title = (f"{n} recorded meeting{'s' if n != 1 else ''} from {window}; "
             f"{mediated} with a third party facilitating")
    listing = "; ".join(f"{r.date_label}, {r.place}: {r.format_label.lower()}, {r.mediator_label}"
                        for r in rows.itertuples())
    alt_text = (f"Meetings recorded from {window}, counted per {ctx.params.period} (top) and placed by date, one row "
                f"per format, coloured by mediator (below): {listing}.")
    complete = ctx.ds.completeness("meetings").get("complete", True)
    caption = (f"Recorded meetings per {ctx.params.period} and by format and mediator, {window}"
               + ("." if complete else " — only the meetings the sources give, which are examples."))

    def layout(width: float):
        scale, lay = geometry(ctx, rows, width)
        chart = vconcat(_counts(ctx, meetings, scale), _strip(rows, scale, lay), spacing=6)
        return finish(chart, title, ctx.citations.note(sources), alt_text, width, left=lay.left)

    wide, narrow = both(layout)
    return Figure(wide, caption, alt_text, sources, narrow)
