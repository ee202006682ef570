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
from .common import (
    LINE_HEIGHT,
    Figure,
    both,
    finish,
    inside,
    iso,
    label_lanes,
    midpoint,
    no_data,
    offset_labels,
    period_end,
    shifted,
    source_names,
    text_width,
    time_axis,
    window_label,
)

NO_MEDIATOR_LABEL = "no mediator named"


def _rows(ctx: Context, meetings: pd.DataFrame) -> pd.DataFrame:
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


def _strip(ctx: Context, rows: pd.DataFrame, width: float, x_scale, span_days: int) -> alt.LayerChart:
    """The meetings, one row per format, labelled directly; label lanes keep labels apart."""
    start, end = ctx.params.since, ctx.as_of + dt.timedelta(days=1)
    px_per_day = width / max(1, (end - start).days)
    short = width <= theme.PHONE_WIDTH
    rows = rows.assign(label=[p if short else f"{p} · {m}" for p, m in zip(rows["place_short"],
                                                                          rows["mediator_label"], strict=True)])
    lane_of, shift_of = {}, {}
    for _, group in rows.groupby("format", sort=False):
        xs = [((dt.datetime.fromisoformat(a).date() - start).days * px_per_day, text_width(lab))
              for a, lab in zip(group["at"], group["label"], strict=True)]
        lane_of.update(zip(group.index, label_lanes(xs), strict=True))
        shift_of.update({i: inside(x, w, 0, width) for i, (x, w) in zip(group.index, xs, strict=True)})
    rows["lane"] = [lane_of[i] for i in rows.index]
    rows["label_at"] = [shifted(a, shift_of[i], px_per_day) for i, a in zip(rows.index, rows["at"], strict=True)]
    # Lane 0 above the mark, 1 below, 2 further above, …
    rows["dy"] = [(-1) ** (lane + 1) * (12 + LINE_HEIGHT * (lane // 2)) for lane in rows["lane"]]
    lanes = int(rows["lane"].max()) + 1
    row_height = 26 + LINE_HEIGHT * lanes
    formats = ctx.vocab["formats"]
    order = [formats.short(f) for f in formats.ordered(rows["format"])]
    rows = rows.drop(columns=["date_start"])
    y = alt.Y("format_label:N", title=None, sort=order, scale=alt.Scale(paddingOuter=0.3),
              axis=alt.Axis(ticks=False, domain=False, labelPadding=6))
    colour = alt.Color("colour:N", scale=None, legend=None)
    base = alt.Chart(rows)
    bars = base.mark_bar(height=8, opacity=0.9).encode(x=alt.X("start:T", scale=x_scale,
                                                                axis=time_axis(None, span_days, width)),
                                                        x2="end:T", y=y, color=colour, tooltip=TOOLTIP)
    dots = base.mark_point(filled=True, size=70, opacity=1).encode(
        x=alt.X("at:T", scale=x_scale), y=y, color=colour, tooltip=TOOLTIP)
    labels = offset_labels(rows, x=alt.X("label_at:T", scale=x_scale), y=y, text="label:N", tooltip=TOOLTIP,
                           baseline="middle")
    return alt.layer(bars, dots, *labels).properties(width=width, height=row_height * len(order))


def _counts(ctx: Context, meetings: pd.DataFrame, width: float, x_scale) -> alt.LayerChart:
    counts = analysis.meeting_counts(ctx, meetings)
    spans = analysis.periods_between(ctx.params.since, ctx.as_of, ctx.params.period)
    ends = {label: (spans[i + 1][1] if i + 1 < len(spans) else ctx.as_of + dt.timedelta(days=1))
            for i, (label, _) in enumerate(spans)}
    counts["start"] = counts["period_start"].map(iso)
    counts["end"] = [iso(ends.get(p, s + dt.timedelta(days=365))) for p, s in zip(counts["period"],
                                                                                counts["period_start"], strict=True)]
    counts["label"] = [str(n) for n in counts["meetings"]]
    counts = counts.drop(columns=["period_start"])
    counts["mid"] = [(dt.datetime.fromisoformat(a) + (dt.datetime.fromisoformat(b) - dt.datetime.fromisoformat(a)) / 2)
                     .isoformat() for a, b in zip(counts["start"], counts["end"], strict=True)]
    base = alt.Chart(counts)
    tip = [alt.Tooltip("period:N", title=ctx.params.period.capitalize()), alt.Tooltip("meetings:Q", title="Meetings")]
    top = max(1, int(counts["meetings"].max()))
    bars = base.mark_bar(color="#BBBBBB", stroke="white", strokeWidth=2).encode(
        x=alt.X("start:T", scale=x_scale, axis=None), x2="end:T",
        y=alt.Y("meetings:Q", title=f"Per {ctx.params.period}", scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(values=list(range(top + 1)), format="d", grid=False)), y2=alt.datum(0), tooltip=tip)
    text = base.mark_text(baseline="bottom", dy=-2, fontSize=theme.FONT_SIZE).encode(
        x=alt.X("mid:T", scale=x_scale), y=alt.Y("meetings:Q"), text="label:N", tooltip=tip)
    return alt.layer(bars, text).properties(width=width, height=60)


def cadence_chart(ctx: Context) -> Figure:
    meetings = analysis.meetings(ctx)
    window = window_label(ctx)
    if meetings.empty:
        return no_data(ctx, f"No recorded meeting in the window ({window})",
                       f"no recorded meeting of the selected mediators from {window}",
                       f"Recorded meetings, {window}: none.")
    rows = _rows(ctx, meetings)
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
    span = (ctx.as_of - ctx.params.since).days + 1

    def layout(width: float):
        plot = width - 110
        x_scale = alt.Scale(domain=[iso(ctx.params.since), iso(ctx.as_of + dt.timedelta(days=1))])
        chart = alt.vconcat(_counts(ctx, meetings, plot, x_scale), _strip(ctx, rows, plot, x_scale, span),
                            spacing=6).resolve_scale(x="shared")
        return finish(chart, title, ctx.citations.note(sources), alt_text, width)

    wide, narrow = both(layout)
    return Figure(wide, caption, alt_text, sources, narrow)
