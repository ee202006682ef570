"""Figure: the key events of every track on one time axis, and the deadlines ahead.

One row per track with key events (events.csv ``key``), in vocabulary order, in the track's
colour; each event across the period its source gives, labelled directly with its short title
(label lanes keep labels apart). Outlook factors still ahead with a horizon after ``as_of``
appear as deadlines beyond the "as of" line.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from .. import analysis, theme
from ..context import Context
from ..dates import short_day
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
)

TOOLTIP = [alt.Tooltip("title:N", title="Event"), alt.Tooltip("date_label:N", title="Date"),
           alt.Tooltip("track_label:N", title="Track"), alt.Tooltip("source:N", title="Source")]


def _items(ctx: Context) -> pd.DataFrame:
    tracks = ctx.vocab["tracks"]
    rows = []
    for e in analysis.events(ctx, key_only=True).itertuples():
        for track in tracks.ordered(e.tracks)[:1]:  # an event is drawn once, on its first track
            rows.append({"id": e.event_id, "track": track, "track_label": tracks.short(track),
                         "title": e.title, "label": e.short_title or e.title, "date_label": e.date_label,
                         "date_start": e.date_start, "date_end": e.date_end, "kind": "event",
                         "source": "; ".join(source_names(ctx, [e.source_id])), "source_id": e.source_id})
    ahead = analysis.outlook(ctx).ahead
    due_later = (bool(h) and h > ctx.as_of for h in ahead["horizon_end"].fillna(False))
    for f in analysis.where(ahead, due_later).itertuples():
        for track in tracks.ordered(f.tracks)[:1]:
            rows.append({"id": f.factor_id, "track": track, "track_label": tracks.short(track),
                         "title": f"{f.factor} (due {f.horizon_label})", "label": f"Due: {f.factor}",
                         "date_label": f.horizon_label, "date_start": f.horizon_start, "date_end": f.horizon_end,
                         "kind": "deadline", "source": "; ".join(source_names(ctx, [f.source_id])),
                         "source_id": f.source_id})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["start"], df["end"] = df["date_start"].map(iso), df["date_end"].map(period_end)
    df["at"] = [midpoint(s, e) for s, e in zip(df["date_start"], df["date_end"], strict=True)]
    df["colour"] = [tracks.colour(t) for t in df["track"]]
    return df.sort_values(["date_start", "id"]).reset_index(drop=True)


def _layout(ctx: Context, items: pd.DataFrame, title: str, note: str, alt_text: str, width: float):
    start = dt.date(min(items["date_start"]).year, 1, 1)
    end = max(max(items["date_end"]), ctx.as_of) + dt.timedelta(days=60)
    plot = width - 120
    px_per_day = plot / (end - start).days
    lanes, shifts = pd.Series(0, index=items.index), pd.Series(0.0, index=items.index)
    for _, group in items.groupby("track", sort=False):
        xs = [((dt.datetime.fromisoformat(a).date() - start).days * px_per_day, text_width(lab))
              for a, lab in zip(group["at"], group["label"], strict=True)]
        lanes[group.index] = label_lanes(xs)
        shifts[group.index] = [inside(x, w, 0, plot) for x, w in xs]
    items = items.assign(lane=lanes, dy=[(-1) ** (lane + 1) * (12 + LINE_HEIGHT * (lane // 2)) for lane in lanes],
                         label_at=[shifted(a, shifts[i], px_per_day) for i, a in zip(items.index, items["at"],
                                                                                   strict=True)])
    n_lanes = int(items["lane"].max()) + 1
    tracks = ctx.vocab["tracks"]
    order = [tracks.short(t) for t in tracks.ordered(items["track"])]
    x_scale = alt.Scale(domain=[iso(start), iso(end)])
    x = alt.X("start:T", scale=x_scale, axis=time_axis(None, (end - start).days, plot))
    y = alt.Y("track_label:N", sort=order, title=None, scale=alt.Scale(paddingOuter=0.25),
              axis=alt.Axis(ticks=False, domain=False, labelPadding=6))
    colour = alt.Color("colour:N", scale=None, legend=None)
    base = alt.Chart(items.drop(columns=["date_start", "date_end"]))
    events = base.transform_filter(alt.datum.kind == "event")
    deadlines = base.transform_filter(alt.datum.kind == "deadline")
    layers = [
        alt.Chart(pd.DataFrame({"at": [iso(ctx.as_of + dt.timedelta(days=1))],
                                "text": [f"As of {short_day(ctx.as_of)}"]})).mark_rule(
            color=theme.MUTED_COLOUR, strokeDash=[3, 3]).encode(x=alt.X("at:T", scale=x_scale)),
        events.mark_bar(height=6, opacity=0.6).encode(x=x, x2="end:T", y=y, color=colour, tooltip=TOOLTIP),
        events.mark_point(filled=True, size=60, opacity=1).encode(x=alt.X("at:T", scale=x_scale), y=y, color=colour,
                                                                   tooltip=TOOLTIP),
        deadlines.mark_point(shape="triangle-down", filled=False, size=80, strokeWidth=2).encode(
            x=alt.X("at:T", scale=x_scale), y=y, color=colour, tooltip=TOOLTIP),
        *offset_labels(items.drop(columns=["date_start", "date_end"]), x=alt.X("label_at:T", scale=x_scale), y=y,
                       text="label:N", tooltip=TOOLTIP, baseline="middle"),
    ]
    chart = alt.layer(*layers).properties(width=plot, height=(30 + LINE_HEIGHT * (n_lanes + 1)) * len(order))
    return finish(chart, title, note, alt_text, width)


def timeline_chart(ctx: Context) -> Figure:
    items = _items(ctx)
    day = short_day(ctx.as_of)
    if items.empty:
        return no_data(ctx, f"No key event is known by {day}", f"no key event dated and known by {day}",
                       "Key events across the tracks: none known yet.")
    events = items[items["kind"] == "event"]
    tracks = ctx.vocab["tracks"]
    first, last = events.iloc[0], events.iloc[-1]
    title = f"Key events from {first['date_label']} to {last['date_label']}, by track"
    sources = tuple(sorted(set(items["source_id"])))
    listing = "; ".join(f"{r.date_label}, {tracks.label(r.track)}: {r.title}" for r in items.itertuples())
    alt_text = f"Timeline of key events, one row per track, each across the period its source gives: {listing}."
    caption = f"Key events of every track known by {day}" + (
        ", and dates ahead named by the sources." if (items["kind"] == "deadline").any() else ".")
    wide, narrow = both(lambda width: _layout(ctx, items, title, ctx.citations.note(sources), alt_text, width))
    return Figure(wide, caption, alt_text, sources, narrow)
