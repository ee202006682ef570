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
import math
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from .. import analysis, theme
from ..context import Context
from ..dates import short_day
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
    source_names,
)
from .text import EDGE, LINE_HEIGHT, Block, Box, block_height, collisions, fit, text_box, text_width, wrap_fit

PLOT_HEIGHT = 240
AXIS_TITLE = "Share of the whole agreed (%)"
SHARE_TICKS = (0, 25, 50, 75, 100)
MARK_RADIUS = 6.0  # a point of size 110
LABEL_CLEAR = 9.0  # pixels between a point and its label


def figures(ctx: Context) -> pd.DataFrame:
    """One row per distinct figure of a comparable metric: its share, period, wording, speakers and sources."""
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


@dataclass
class Geometry:
    """Where everything of the progress chart goes, in plot pixels: the time scale, the heading
    (the y axis's title, written at the top left), key-event notes under it, and each figure's label."""

    scale: TimeScale
    left: float  # the share axis's tick labels, left of the plot
    heading: Box
    top: float  # the y of 100 %
    events: pd.DataFrame  # key events of the metrics' track in the time span (at, title, date_label)
    height: float = PLOT_HEIGHT
    notes: list[Block] = field(default_factory=list)  # key events, beside their rules
    labels: list[Block] = field(default_factory=list)  # one per point, in the points' order
    marks: list[Box] = field(default_factory=list)  # the points
    lines: list[tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=list)  # joins

    def y(self, share_pct: float) -> float:
        return self.height - (self.height - self.top) * share_pct / 100

    def boxes(self) -> list[Box]:
        return [self.heading] + [n.box for n in self.notes] + [label.box for label in self.labels]

    def collisions(self) -> list[str]:
        """Text on text, text off the plot, and a label on a point or across a join line."""
        problems = collisions(self.boxes(), self.scale.width, self.height)
        for label in self.labels:
            box = label.box
            problems += [f"{box.what!r} covers a point" for m in self.marks if box.overlaps(m)]
            problems += [f"{box.what!r} crosses a line" for a, b in self.lines if box.crosses(a, b)]
        return problems


def _candidates(x: float, y: float, lines: tuple[str, ...]) -> list[Block]:
    """Label positions around a point, nearest first: above, below, beside it, then further out
    (a crowd of figures at one date fans out to both sides)."""
    h = block_height(len(lines))
    out = [Block(lines, x, y - LABEL_CLEAR - k * LINE_HEIGHT - h) for k in range(8)]
    out += [Block(lines, x, y + LABEL_CLEAR + k * LINE_HEIGHT) for k in range(8)]
    for dx in (LABEL_CLEAR + 2, LABEL_CLEAR + 42, LABEL_CLEAR + 82):
        for k in range(-12, 13):
            top = y - h / 2 + k * LINE_HEIGHT / 2
            out += [Block(lines, x + dx, top, "left"), Block(lines, x - dx, top, "right")]

    def distance(block: Block) -> float:
        box = block.box
        return math.hypot(max(box.left - x, 0, x - box.right), max(box.top - y, 0, y - box.bottom))

    return sorted(out, key=distance)  # stable: above before below before beside at one distance


def _inside(block: Block, width: float) -> Block:
    """The block moved sideways to lie within [EDGE, width - EDGE]."""
    box = block.box
    shift = max(EDGE - box.left, min(0.0, width - EDGE - box.right))
    return Block(block.lines, block.x + shift, block.top, block.align)


def _notes(markers: pd.DataFrame, scale: TimeScale, heading: Box) -> list[Block]:
    """Key-event notes right of their rules (left of them near the right edge), one line each, a line
    lower when the one above is taken."""
    notes: list[Block] = []
    for m in markers.itertuples():
        x = scale.px(m.at)
        right, left = scale.width - EDGE - x - 3, x - 3 - EDGE  # room on either side of the rule
        align = "left" if text_width(m.title) <= right or right >= left else "right"
        text = fit(m.title, right if align == "left" else left)
        for row in range(len(markers) + 1):
            note = Block((text,), x + 3 if align == "left" else x - 3, heading.bottom + 2 + row * LINE_HEIGHT, align)
            if not any(note.box.widened(6).overlaps(o.box) for o in notes) and not note.box.overlaps(heading):
                break
        notes.append(note)
    return notes


def _place(points: pd.DataFrame, markers: pd.DataFrame, scale: TimeScale, left: float,
           label_width: float) -> Geometry:
    """Notes first (they sit under the heading), then each point's label in the first free spot."""
    heading = text_box([AXIS_TITLE], 0, 0, "left", what=AXIS_TITLE)
    geo = Geometry(scale, left, heading, 0.0, markers)
    geo.notes = _notes(markers, scale, heading)
    geo.top = max([heading.bottom] + [n.box.bottom for n in geo.notes]) + LABEL_CLEAR + LINE_HEIGHT
    centres = [(scale.px(a), geo.y(v)) for a, v in zip(points["at"], points["share_pct"], strict=True)]
    geo.marks = [Box(x - MARK_RADIUS, y - MARK_RADIUS, x + MARK_RADIUS, y + MARK_RADIUS) for x, y in centres]
    for _, group in points.groupby("metric", sort=True):
        joined = [centres[i] for i in group.sort_values("at").index]
        geo.lines += list(zip(joined, joined[1:], strict=False))
    taken = geo.boxes() + geo.marks
    labels = {}
    # Highest figure first: of two figures at one date the higher is labelled above, the lower below.
    for i in sorted(range(len(centres)), key=lambda i: (centres[i][1], centres[i][0])):
        x, y = centres[i]
        options = [_inside(b, scale.width) for b in _candidates(x, y, wrap_fit(points["label"].iloc[i],
                                                                            min(label_width, scale.width - 2 * EDGE)))]
        free = [b for b in options if b.box.within(scale.width, geo.height)
                and not any(b.box.overlaps(o, gap=2) for o in taken) and not any(b.box.crosses(p, q)
                                                                                 for p, q in geo.lines)]
        labels[i] = (free or options)[0]
        taken.append(labels[i].box)
    geo.labels = [labels[i] for i in range(len(centres))]
    return geo


def _layers(points: pd.DataFrame, geo: Geometry, metrics: list[str]) -> list[alt.Chart]:
    """Periods, joins, points and their labels, key-event rules and notes, and the heading."""
    scale, markers = geo.scale, geo.events
    # Shares are read across (grid lines at each quarter of the whole); dates from the axis.
    x, x_at = alt.X("at:T", scale=scale.scale, axis=scale.axis(grid=False)), alt.X("label_at:T", scale=scale.scale)
    y = alt.Y("share_pct:Q", scale=alt.Scale(domain=[0, 100], range=[geo.height, geo.top]),
              axis=alt.Axis(title=None, values=list(SHARE_TICKS), tickSize=5, labelPadding=3))
    px = alt.Y("label_y:Q", scale=None, axis=None)
    tooltip = [alt.Tooltip("figure:N", title="Figure"), alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("stated_by:N", title="Stated by"), alt.Tooltip("source:N", title="Source")]
    frame = points.drop(columns=["date_start", "date_end", "source_ids"]).assign(
        label_text=[b.text for b in geo.labels], label_at=[scale.at(b.x) for b in geo.labels],
        label_y=[b.top for b in geo.labels], align=[b.align for b in geo.labels])
    base = alt.Chart(frame)
    shapes = alt.Scale(domain=metrics, range=["circle", "diamond", "square", "triangle-up"][:len(metrics)])
    layers = [base.mark_rule(strokeWidth=3, color=theme.MUTED_COLOUR, opacity=0.5).encode(
                  x=alt.X("start:T", scale=scale.scale), x2="end:T", y=y, tooltip=tooltip),
              base.mark_line(color=theme.MUTED_COLOUR, strokeDash=[4, 3]).encode(x=x, y=y, detail="metric:N",
                                                                                 order="at:T"),
              base.mark_point(filled=True, size=110, color=theme.TEXT_COLOUR, opacity=1).encode(
                  x=x, y=y, shape=alt.Shape("metric:N", scale=shapes, legend=None), tooltip=tooltip)]
    for align in ("center", "left", "right"):
        if (frame["align"] == align).any():
            layers += label_marks(frame[frame["align"] == align], x=x_at, y=px, text="label_text:N",
                                  tooltip=tooltip, align=align)
    notes = pd.DataFrame({"text": [n.text for n in geo.notes], "note_at": [scale.at(n.x) for n in geo.notes],
                          "y": [n.top for n in geo.notes], "align": [n.align for n in geo.notes]})
    if not markers.empty:
        rules = markers.assign(rule_top=[n.top for n in geo.notes])  # each rule from its own note down
        layers.insert(0, alt.Chart(rules).mark_rule(strokeDash=[2, 3], color=theme.MUTED_COLOUR).encode(
            x=alt.X("at:T", scale=scale.scale), y=alt.Y("rule_top:Q", scale=None, axis=None),
            y2=alt.value(geo.height), tooltip=[alt.Tooltip("title:N", title="Event"),
                                               alt.Tooltip("date_label:N", title="Date")]))
        for align in ("left", "right"):
            if (notes["align"] == align).any():
                layers += label_marks(notes[notes["align"] == align], x=alt.X("note_at:T", scale=scale.scale),
                                      y=alt.Y("y:Q", scale=None, axis=None), text="text:N",
                                      colour=theme.MUTED_COLOUR, align=align)
    return layers + label_marks(pd.DataFrame({"text": [AXIS_TITLE]}), x=alt.value(0), y=alt.value(0), text="text:N",
                                align="left")


def geometry(ctx: Context, points: pd.DataFrame, width: float, events: pd.DataFrame | None = None) -> Geometry:
    """The progress chart laid out ``width`` pixels wide: time scale, heading, event notes, labels.
    On a phone a label is the figure alone (the tooltip names who stated it). ``events``: the key
    events to mark (at, title, date_label); default: those of the metrics' track in the span."""
    phone = width <= theme.PHONE_WIDTH
    left = 5 + 3 + text_width("100") + 2  # tick, padding, the widest tick label
    start = min(points["date_start"]).replace(day=1) - dt.timedelta(days=45)
    end = max(points["date_end"]) + dt.timedelta(days=75)
    scale = TimeScale(start, end, plot_width(width, left))
    track = str(ctx.vocab["metrics"][points["metric"].iloc[0]]["track"])
    labelled = points.assign(label=[f if phone else f"{f} ({s})"
                                    for f, s in zip(points["figure"], points["stated_by"], strict=True)])
    events = _markers(ctx, track, start, end) if events is None else events
    return _place(labelled, events, scale, left, label_width=150 if phone else 260)


def _layout(ctx: Context, points: pd.DataFrame, title: str, note: str, alt_text: str, width: float):
    geo = geometry(ctx, points, width)
    metrics = ctx.vocab["metrics"].ordered(points["metric"])
    chart = alt.layer(*_layers(points, geo, metrics)).properties(width=geo.scale.width, height=geo.height)
    return finish(chart, title, note, alt_text, width, left=geo.left)


def progress_chart(ctx: Context) -> Figure:
    points = figures(ctx)
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
