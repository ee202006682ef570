"""Figure: the key events of every track on one time axis, up to the edition's date, and the
deadlines ahead.

One row per track with key events (events.csv ``key``), in vocabulary order, in the track's
colour; each event a dot at the middle of the period its source gives, labelled directly with its
short title (label lanes keep labels apart). An event dated only to a year is a hollow dot whose
label says so ("(2024, month unknown)"): the dot's place in the year means nothing. Outlook
factors with a horizon after ``as_of`` appear as deadlines beyond the dashed "as of" line; no
label crosses that line.

The axis gives the window — from ``LEAD_IN_MONTHS`` before ``since`` to the last date ahead —
most of the width; when earlier events reach further back than the window is long, they are
drawn in a compressed span on the left, behind a break in the axis.
Key events older than ``HISTORY_YEARS`` before ``as_of`` are left out: history whose number grows
with the years the data covers, which the compressed span would only squeeze.
"""

from __future__ import annotations

import datetime as dt
import math

import altair as alt
import pandas as pd

from .. import analysis, theme
from ..context import Context
from ..dates import short_day
from . import strip
from .common import (
    AXIS_HEIGHT,
    BREAK_GAP,
    PX,
    Figure,
    Span,
    TimeScale,
    both,
    chart_of,
    finish,
    label_marks,
    layer,
    midpoint,
    no_data,
    plot_width,
    row_names,
    source_names,
    time_axis,
)
from .text import LINE_HEIGHT, Box, text_box

LEAD_IN_MONTHS = 6  # months before the window's start drawn at the window's scale: what led into it
CONTEXT_SHARE = 0.22  # share of the plot width for everything earlier, when the axis is broken
END_MARGIN_DAYS = 30  # days of axis after the last date drawn
AHEAD_ROOM = 130.0  # pixels at least between the "as of" line and the plot's end when deadlines are drawn
RULE_GAP = 4.0  # pixels between the "as of" line and any label
MARK_RADIUS = 5.0  # half the size of a dot or a deadline's triangle
HISTORY_YEARS = 5  # years before as_of whose key events the axis can show

TOOLTIP = [alt.Tooltip("title:N", title="Event"), alt.Tooltip("date_label:N", title="Date"),
           alt.Tooltip("track_label:N", title="Track"), alt.Tooltip("source:N", title="Source")]


def _row(ctx: Context, kind: str, track: str, source_id: str, **fields) -> dict:
    tracks = ctx.vocab["tracks"]
    return {"kind": kind, "track": track, "track_label": tracks.short(track), "colour": tracks.colour(track),
            "source": "; ".join(source_names(ctx, [source_id])), "source_id": source_id, **fields}


def items(ctx: Context) -> pd.DataFrame:
    """Key events of the last ``HISTORY_YEARS`` and deadlines ahead, one row each on its first track, in date
    order. An event dated only to a year is ``hollow`` and its label says the month is unknown."""
    tracks = ctx.vocab["tracks"]
    rows = []
    history_from = ctx.as_of.replace(year=ctx.as_of.year - HISTORY_YEARS, day=min(ctx.as_of.day, 28))
    events = analysis.events(ctx, key_only=True)
    for e in events[events["date_start"] >= history_from].itertuples():
        year_only = e.date_precision == "year"
        label = (e.short_title or e.title) + (f" ({e.date_label}, month unknown)" if year_only else "")
        for track in tracks.ordered(e.tracks)[:1]:  # an event is drawn once, on its first track
            rows.append(_row(ctx, "event", track, e.source_id, id=e.event_id, title=e.title, label=label,
                             date_label=e.date_label, date_start=e.date_start, date_end=e.date_end, hollow=year_only))
    ahead = analysis.outlook(ctx).ahead
    due_later = (bool(h) and h > ctx.as_of for h in ahead["horizon_end"].fillna(False))
    for f in analysis.where(ahead, due_later).itertuples():
        for track in tracks.ordered(f.tracks)[:1]:
            rows.append(_row(ctx, "deadline", track, f.source_id, id=f.factor_id,
                             title=f"{f.factor} (due {f.horizon_label})", label=f"Due: {f.factor}",
                             date_label=f.horizon_label, date_start=f.horizon_start, date_end=f.horizon_end,
                             hollow=True))
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["at"] = [midpoint(s, e) for s, e in zip(df["date_start"], df["date_end"], strict=True)]
    return df.sort_values(["date_start", "id"]).reset_index(drop=True)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def time_scale(ctx: Context, items: pd.DataFrame, width: float) -> TimeScale:
    """The axis: the window (from LEAD_IN_MONTHS before ``since``) to the last date drawn, with room
    after the "as of" line for the deadlines' labels; earlier events in a compressed span on the
    left when they reach back further than the window is long."""
    window = _months_before(ctx.params.since, LEAD_IN_MONTHS)
    start = min(window, min(items["date_start"]))
    end = max(max(items["date_end"]), ctx.as_of) + dt.timedelta(days=END_MARGIN_DAYS)
    broken = (window - start) > (end - window)
    main_left = CONTEXT_SHARE * width + BREAK_GAP if broken else 0.0
    main_start = window if broken else start
    if (items["kind"] == "deadline").any():  # room after the rule for the deadlines' labels
        rule = ctx.as_of + dt.timedelta(days=1)
        share = min(AHEAD_ROOM, (width - main_left) * 0.4) / (width - main_left)
        needed = math.ceil(share * (rule - main_start).days / (1 - share))
        end = max(end, rule + dt.timedelta(days=needed))
    main = Span(main_start, end, main_left, width)
    if not broken:
        return TimeScale((main,))
    return TimeScale((Span(dt.date(start.year, 1, 1), window, 0.0, CONTEXT_SHARE * width), main))


def geometry(ctx: Context, items: pd.DataFrame, width: float) -> tuple[TimeScale, strip.Strip]:
    """The time axis and every row and label of the timeline laid out ``width`` pixels wide: labels
    of events stay left of the "as of" line, labels of deadlines right of it."""
    phone = width <= theme.PHONE_WIDTH
    tracks = ctx.vocab["tracks"]
    rows = [tracks.short(t) for t in tracks.ordered(items["track"])]
    plot = plot_width(width, strip.name_column(rows, phone))
    scale = time_scale(ctx, items, plot)
    rule = scale.px(ctx.as_of + dt.timedelta(days=1))
    marks = [strip.Item(r.id, r.track_label, scale.px(r.at), r.label,
                        *((0.0, rule - RULE_GAP) if r.kind == "event" else (rule + RULE_GAP, None)))
             for r in items.itertuples()]
    lay = strip.lay_out(rows, marks, plot, label_width=min(220.0, plot / 2), headings_above=phone,
                        top=LINE_HEIGHT + 4, extra=[_as_of_box(ctx, scale)])
    lay.rules = [((rule, 0.0), (rule, lay.height))]
    lay.marks = [Box(m.x - MARK_RADIUS, lay.rows[m.row] - MARK_RADIUS, m.x + MARK_RADIUS, lay.rows[m.row] + MARK_RADIUS,
                     m.text) for m in marks]
    return scale, lay


def _as_of_box(ctx: Context, scale: TimeScale) -> Box:
    """The "as of" note at the top of the plot, beside its rule: to the left of it if there is room."""
    x = scale.px(ctx.as_of + dt.timedelta(days=1))
    text = f"As of {short_day(ctx.as_of)}"
    box = text_box([text], x - RULE_GAP, 0, "right", what=text)
    return box if box.left >= 0 else text_box([text], x + RULE_GAP, 0, "left", what=text)


def _layers(ctx: Context, items: pd.DataFrame, scale: TimeScale, lay: strip.Strip) -> list[alt.Chart]:
    """Axis and grid, the "as of" rule and note, each item's mark and label, and the row names."""
    labels = lay.labels
    frame = items.drop(columns=["date_start", "date_end"]).assign(
        x=[scale.px(a) for a in items["at"]], row_y=[lay.rows[t] for t in items["track_label"]],
        label_text=["\n".join(labels[i].lines) for i in items["id"]], label_x=[labels[i].x for i in items["id"]],
        label_y=[labels[i].top for i in items["id"]])
    x, y = alt.X("x:Q", **PX), alt.Y("row_y:Q", **PX)
    colour = alt.Color("colour:N", scale=None, legend=None)
    note = lay.extra[0]
    (rule, _), (_, bottom) = lay.rules[0]
    as_of = pd.DataFrame({"x": [rule], "y": [0.0], "y2": [bottom], "text": [note.what], "note_x": [note.left]})
    layers = [*time_axis(scale, lay.height, grid=True),
              chart_of(as_of).mark_rule(color=theme.MUTED_COLOUR, strokeDash=[3, 3]).encode(
                  x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), y2=alt.Y2("y2:Q")),
              *label_marks(as_of, x=alt.X("note_x:Q", **PX), y=alt.YValue(0), text="text:N",
                           colour=theme.MUTED_COLOUR, align="left")]
    for kind, hollow, shape, size in (("event", False, "circle", 60), ("event", True, "circle", 60),
                                      ("deadline", True, "triangle-down", 80)):
        part = frame[(frame["kind"] == kind) & (frame["hollow"] == hollow)]
        if not part.empty:
            style = {"filled": False, "fill": "white", "strokeWidth": 2} if hollow else {"filled": True}
            layers.append(chart_of(part).mark_point(shape=shape, size=size, opacity=1, **style).encode(
                x=x, y=y, color=colour, tooltip=TOOLTIP))
    layers += label_marks(frame, x=alt.X("label_x:Q", **PX), y=alt.Y("label_y:Q", **PX), text="label_text:N",
                          tooltip=TOOLTIP)
    return [*layers, row_names(lay)]


def _layout(ctx: Context, items: pd.DataFrame, title: str, note: str, alt_text: str, width: float):
    scale, lay = geometry(ctx, items, width)
    chart = layer(*_layers(ctx, items, scale, lay), width=lay.width, height=lay.height + AXIS_HEIGHT)
    return finish(chart, title, note, alt_text, width, left=lay.left)


def timeline_chart(ctx: Context) -> Figure:
    drawn = items(ctx)
    day = short_day(ctx.as_of)
    if drawn.empty:
        return no_data(ctx, f"No key event is known by {day}", f"no key event dated and known by {day}",
                       "Key events across the tracks: none known yet.")
    tracks = ctx.vocab["tracks"]
    ahead = (drawn["kind"] == "deadline").any()
    if (drawn["kind"] == "event").any():
        title = f"Key events to {day}, by track" + (", and the dates ahead" if ahead else "")
    else:
        title = f"No key event is known by {day}; dates ahead, by track"
    sources = tuple(sorted(set(drawn["source_id"])))
    listing = "; ".join(f"{r.date_label}, {tracks.label(r.track)}: {r.title}" for r in drawn.itertuples())
    alt_text = (f"Timeline of key events to {day}, one row per track, each at the middle of the period its source "
                f"gives (hollow where only the year is known): {listing}.")
    caption = f"Key events of every track known by {day}" + (
        ", and dates ahead named by the sources." if ahead else ".")
    wide, narrow = both(lambda width: _layout(ctx, drawn, title, ctx.citations.note(sources), alt_text, width))
    return Figure(wide, caption, alt_text, sources, narrow)
