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
from . import strip
from .common import (
    Figure,
    TimeScale,
    both,
    finish,
    iso,
    label_marks,
    midpoint,
    no_data,
    period_end,
    plot_width,
    row_names,
    source_names,
)
from .text import LINE_HEIGHT, Box, text_box

TOOLTIP = [alt.Tooltip("title:N", title="Event"), alt.Tooltip("date_label:N", title="Date"),
           alt.Tooltip("track_label:N", title="Track"), alt.Tooltip("source:N", title="Source")]


def items(ctx: Context) -> pd.DataFrame:
    """Key events and deadlines ahead, one row each on its first track, in date order."""
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


def geometry(ctx: Context, items: pd.DataFrame, width: float) -> tuple[TimeScale, strip.Strip]:
    """The time axis and every row and label of the timeline laid out ``width`` pixels wide."""
    phone = width <= theme.PHONE_WIDTH
    tracks = ctx.vocab["tracks"]
    rows = [tracks.short(t) for t in tracks.ordered(items["track"])]
    plot = plot_width(width, strip.name_column(rows, phone))
    scale = TimeScale(dt.date(min(items["date_start"]).year, 1, 1),
                      max(max(items["date_end"]), ctx.as_of) + dt.timedelta(days=60), plot)
    marks = [strip.Item(r.id, r.track_label, scale.px(r.at), r.label) for r in items.itertuples()]
    return scale, strip.lay_out(rows, marks, plot, label_width=min(220.0, plot / 2), headings_above=phone,
                                top=LINE_HEIGHT + 4, extra=[_as_of_box(ctx, scale)])


def _as_of_box(ctx: Context, scale: TimeScale) -> Box:
    """The "as of" note at the top of the plot, beside its rule: to the left of it if there is room."""
    x = scale.px(iso(ctx.as_of + dt.timedelta(days=1)))
    text = f"As of {short_day(ctx.as_of)}"
    box = text_box([text], x - 4, 0, "right", what=text)
    return box if box.left >= 0 else text_box([text], x + 4, 0, "left", what=text)


def _layers(ctx: Context, items: pd.DataFrame, scale: TimeScale, lay: strip.Strip) -> list[alt.Chart]:
    """Rule and note for "as of", each item's period, mark and label, and the row names."""
    labels = lay.labels
    items = items.drop(columns=["date_start", "date_end"]).assign(
        row_y=[lay.rows[t] for t in items["track_label"]],
        label_text=["\n".join(labels[i].lines) for i in items["id"]],
        label_at=[scale.at(labels[i].x) for i in items["id"]], label_y=[labels[i].top for i in items["id"]])
    x, y = alt.X("at:T", scale=scale.scale, axis=scale.axis()), alt.Y("row_y:Q", scale=None, axis=None)
    colour = alt.Color("colour:N", scale=None, legend=None)
    base = alt.Chart(items)
    events, deadlines = base.transform_filter(alt.datum.kind == "event"), base.transform_filter(
        alt.datum.kind == "deadline")
    note = lay.extra[0]
    as_of = pd.DataFrame({"at": [iso(ctx.as_of + dt.timedelta(days=1))], "text": [note.what],
                          "note_at": [scale.at(note.left)]})
    return [
        alt.Chart(as_of).mark_rule(color=theme.MUTED_COLOUR, strokeDash=[3, 3]).encode(x=alt.X("at:T",
                                                                                              scale=scale.scale)),
        *label_marks(as_of, x=alt.X("note_at:T", scale=scale.scale), y=alt.value(0), text="text:N",
                     colour=theme.MUTED_COLOUR, align="left"),
        events.mark_rule(strokeWidth=6, opacity=0.6, clip=True).encode(
            x=alt.X("start:T", scale=scale.scale), x2="end:T", y=y, color=colour, tooltip=TOOLTIP),
        events.mark_point(filled=True, size=60, opacity=1).encode(x=x, y=y, color=colour, tooltip=TOOLTIP),
        deadlines.mark_point(shape="triangle-down", filled=False, size=80, strokeWidth=2).encode(
            x=x, y=y, color=colour, tooltip=TOOLTIP),
        *label_marks(items, x=alt.X("label_at:T", scale=scale.scale), y=alt.Y("label_y:Q", scale=None, axis=None),
                     text="label_text:N", tooltip=TOOLTIP),
        row_names(lay),
    ]


def _layout(ctx: Context, items: pd.DataFrame, title: str, note: str, alt_text: str, width: float):
    scale, lay = geometry(ctx, items, width)
    chart = alt.layer(*_layers(ctx, items, scale, lay)).properties(width=lay.width, height=lay.height)
    return finish(chart, title, note, alt_text, width, left=lay.left)


def timeline_chart(ctx: Context) -> Figure:
    drawn = items(ctx)
    day = short_day(ctx.as_of)
    if drawn.empty:
        return no_data(ctx, f"No key event is known by {day}", f"no key event dated and known by {day}",
                       "Key events across the tracks: none known yet.")
    events = drawn[drawn["kind"] == "event"]
    tracks = ctx.vocab["tracks"]
    if events.empty:
        title = f"No key event is known by {day}; dates ahead, by track"
    else:
        title = f"Key events from {events.iloc[0]['date_label']} to {events.iloc[-1]['date_label']}, by track"
    sources = tuple(sorted(set(drawn["source_id"])))
    listing = "; ".join(f"{r.date_label}, {tracks.label(r.track)}: {r.title}" for r in drawn.itertuples())
    alt_text = f"Timeline of key events, one row per track, each across the period its source gives: {listing}."
    caption = f"Key events of every track known by {day}" + (
        ", and dates ahead named by the sources." if (drawn["kind"] == "deadline").any() else ".")
    wide, narrow = both(lambda width: _layout(ctx, drawn, title, ctx.citations.note(sources), alt_text, width))
    return Figure(wide, caption, alt_text, sources, narrow)
