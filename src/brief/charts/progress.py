"""Figure: progress on the draft agreement — before and after, with the superseding measure.

Every figure of a comparable metric (vocabulary/metrics.csv ``comparable``) is drawn as a share
of the whole: a point at the middle of the period its source gives, over a thin bar spanning
that period, labelled directly with its own wording ("90% of the text", "15 of 17 points").
Figures of one metric are joined in date order, so the chart reads as before → after.
Figures stated for the same period and value are one point (the tooltip names every speaker).
Key events of the metrics' track within the time span are marked on the axis.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from .. import analysis, theme
from ..context import Context
from ..dates import short_day
from .common import (
    Figure,
    both,
    finish,
    inside,
    iso,
    midpoint,
    no_data,
    offset_labels,
    period_end,
    shifted,
    source_names,
    text_width,
    time_axis,
)


def _points(ctx: Context) -> pd.DataFrame:
    df = analysis.progress(ctx)
    df = df[df["share"].notna()].copy()
    if df.empty:
        return df
    actors = ctx.vocab["actors"]
    rows = []
    for _, group in df.groupby(["metric", "date_start", "date_end", "value", "total"], sort=True, dropna=False):
        first = group.iloc[0]
        rows.append({
            "metric": first["metric"], "figure": first["figure"], "share_pct": round(100 * first["share"], 1),
            "date_label": first["date_label"], "at": midpoint(first["date_start"], first["date_end"]),
            "start": iso(first["date_start"]), "end": period_end(first["date_end"]),
            "date_end": first["date_end"], "date_start": first["date_start"],
            "stated_by": ", ".join(actors.short(a) for a in sorted(set(group["stated_by"]))),
            "source": "; ".join(source_names(ctx, sorted(set(group["source_id"])))),
            "source_ids": tuple(sorted(set(group["source_id"])))})
    return pd.DataFrame(rows).sort_values(["date_end", "metric"]).reset_index(drop=True)


def _markers(ctx: Context, track: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    events = analysis.events(ctx, track, key_only=True)
    events = events[(events["date_start"] >= start) & (events["date_end"] <= end)]
    return pd.DataFrame({"at": [midpoint(s, e) for s, e in zip(events["date_start"], events["date_end"],
                                                                 strict=True)],
                         "title": list(events["title"]), "date_label": list(events["date_label"])})


def _layout(ctx: Context, points: pd.DataFrame, title: str, note: str, alt_text: str, width: float):
    metrics = ctx.vocab["metrics"]
    start = min(points["date_start"]).replace(day=1) - dt.timedelta(days=45)
    end = max(points["date_end"]) + dt.timedelta(days=75)
    track = str(metrics[points["metric"].iloc[0]]["track"])
    plot_width = width - 70
    x_scale = alt.Scale(domain=[iso(start), iso(end)])
    x = alt.X("at:T", scale=x_scale, axis=time_axis(None, (end - start).days, plot_width))
    y = alt.Y("share_pct:Q", scale=alt.Scale(domain=[0, 100]),
              axis=alt.Axis(title="Share of the whole agreed (%)", values=[0, 25, 50, 75, 100]))
    tooltip = [alt.Tooltip("figure:N", title="Figure"), alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("stated_by:N", title="Stated by"), alt.Tooltip("source:N", title="Source")]
    order = {m: i for i, m in enumerate(metrics.ids())}
    points = points.drop(columns=["date_start", "date_end", "source_ids"])
    base = alt.Chart(points)
    shapes = alt.Scale(domain=metrics.ordered(points["metric"]),
                       range=["circle", "diamond", "square", "triangle-up"][:len(set(points["metric"]))] or ["circle"])
    periods = base.mark_rule(strokeWidth=3, color=theme.MUTED_COLOUR, opacity=0.5).encode(
        x=alt.X("start:T", scale=x_scale), x2="end:T", y="share_pct:Q", tooltip=tooltip)
    lines = base.mark_line(color=theme.MUTED_COLOUR, strokeDash=[4, 3]).encode(
        x=x, y=y, detail="metric:N", order="at:T")
    marks = base.mark_point(filled=True, size=110, color=theme.TEXT_COLOUR, opacity=1).encode(
        x=x, y=y, shape=alt.Shape("metric:N", scale=shapes, legend=None), tooltip=tooltip)
    points = points.assign(label=[f"{f} ({s})" if width > theme.PHONE_WIDTH else f
                                  for f, s in zip(points["figure"], points["stated_by"], strict=True)],
                           metric_order=points["metric"].map(order))
    # Direct labels: above the point, the lower of two same-period figures below it.
    # A lone first figure whose line rises to the right is labelled below, out of the line's way.
    rank = points.groupby("at")["share_pct"].rank(method="first", ascending=False)
    rises = [i == 0 and len(points) > 1 and points["share_pct"].iloc[-1] > v
             for i, v in enumerate(points["share_pct"])]
    points["dy"] = [16 if r > 1 or up else -14 for r, up in zip(rank, rises, strict=True)]
    px_per_day = plot_width / (end - start).days
    centres = [(dt.datetime.fromisoformat(a).date() - start).days * px_per_day for a in points["at"]]
    points["label_at"] = [shifted(a, inside(c, text_width(t), 0, plot_width), px_per_day)
                          for a, c, t in zip(points["at"], centres, points["label"], strict=True)]
    labels = offset_labels(points, x=alt.X("label_at:T", scale=x_scale), y=y, text="label:N", tooltip=tooltip)
    layers = [periods, lines, marks, *labels]
    markers = _markers(ctx, track, start, end)
    if not markers.empty:
        layers.insert(0, alt.Chart(markers).mark_rule(strokeDash=[2, 3], color=theme.MUTED_COLOUR).encode(
            x=alt.X("at:T", scale=x_scale), tooltip=[alt.Tooltip("title:N", title="Event"),
                                                     alt.Tooltip("date_label:N", title="Date")]))
        layers.append(alt.Chart(markers).mark_text(align="left", baseline="top", dx=3, fontSize=theme.FONT_SIZE,
                                                   color=theme.MUTED_COLOUR).encode(
            x=alt.X("at:T", scale=x_scale), y=alt.value(2), text="title:N"))
    chart = alt.layer(*layers).properties(width=plot_width, height=220)
    return finish(chart, title, note, alt_text, width)


def progress_chart(ctx: Context) -> Figure:
    points = _points(ctx)
    day = short_day(ctx.as_of)
    if points.empty:
        return no_data(ctx, f"No figure on how much of the draft is agreed is known by {day}",
                       f"no figure on the draft agreement dated and known by {day}",
                       "Progress on the draft peace agreement: no figures known yet.")
    first = points.iloc[0]
    last = points[points["date_end"] == points["date_end"].max()].sort_values("share_pct", ascending=False)
    main, *others = list(dict.fromkeys(last["figure"]))
    also = f" ({'; '.join(others)})" if others else ""
    title = f"By {last['date_label'].iloc[0]}, {main} agreed{also}"
    if first["date_end"] != last["date_end"].iloc[0]:
        title += f", up from {first['figure']} in {first['date_label']}"
    sources = tuple(sorted({s for ids in points["source_ids"] for s in ids}))
    listing = "; ".join(f"{r.figure}, {r.date_label}, stated by {r.stated_by}" for r in points.itertuples())
    alt_text = (f"Chart of how much of the draft Armenia–Azerbaijan peace agreement is agreed, as a share of the "
                f"whole, over time: {listing}. Each figure is drawn across the period its source gives.")
    caption = (f"How much of the draft peace agreement is agreed, each figure as a share of the whole and over the "
               f"period its source gives; known by {day}.")
    wide, narrow = both(lambda width: _layout(ctx, points, title, ctx.citations.note(sources), alt_text, width))
    return Figure(wide, caption, alt_text, sources, narrow)
