"""Figure: how much of the draft agreement is agreed — each figure at the date its source gives.

Figures of different kinds are kept apart (vocabulary/metrics.csv): a share of a fixed whole
(``needs_total`` false, e.g. "90% of the text") is a point on the share axis; a count against a
stated total (``needs_total`` true, e.g. "15 of 17 points") is a marker in a row of its own under
it, labelled with its own wording — a count of points is not a share of the text, even where it
could be divided out. Each metric's figures are drawn where its source dates them and are not
joined: a grey band marks the time between two figures of a measure (and after the last one, up
to the edition's date), where no figure was reported, instead of a line that would draw a steady
climb. The time axis covers the edition's window and every figure drawn. Figures stated for the
same period and value are one mark (the tooltip names every speaker).

Key events are not drawn here: nothing in the data ties an event to a figure, and the timeline
(Figure 2) shows them.
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
from ..sections import and_list
from ..text import number_words
from . import strip
from .common import (
    AXIS_HEIGHT,
    PX,
    Figure,
    TimeScale,
    both,
    chart_of,
    finish,
    label_marks,
    layer,
    midpoint,
    no_data,
    plot_width,
    source_names,
    time_axis,
)
from .text import EDGE, LINE_HEIGHT, Block, Box, block_height, collisions, text_box, text_width, wrap, wrap_fit

SHARE_HEIGHT = 170  # pixels from 0 to 100 %, grown by SHARE_GROWTH while labels find no free spot
SHARE_GROWTH = (0, 60, 120, 180, 240)
SHARE_TICKS = (0, 25, 50, 75, 100)
MARK_RADIUS = 6.0  # a point of size 110
LABEL_CLEAR = 9.0  # pixels between a point and its label
ROWS_GAP = 14.0  # pixels between the share panel and the rows of counts
MARGIN_DAYS = 45  # days of axis before the first and after the last thing drawn
BAND_FILL = "#EFEFEF"


def is_count(ctx: Context, metric: str) -> bool:
    """Whether a metric's figures are counts against a stated total (a row of their own)."""
    return bool(ctx.vocab["metrics"][metric]["needs_total"])


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
            "count": is_count(ctx, first["metric"]), "date_label": first["date_label"],
            "at": midpoint(first["date_start"], first["date_end"]), "date_end": first["date_end"],
            "date_start": first["date_start"],
            "stated_by": and_list([actors.short(a) for a in sorted(set(group["stated_by"]))]),
            "source": "; ".join(source_names(ctx, sorted(set(group["source_id"])))),
            "source_ids": tuple(sorted(set(group["source_id"])))})
    return pd.DataFrame(rows).sort_values(["date_end", "metric"]).reset_index(drop=True)


@dataclass(frozen=True)
class Band:
    """Time between two figures of a measure (or after the last, to the edition's date) with none reported."""

    left: float
    right: float
    text: str  # what the band means, for its tooltip
    label: Block | None  # written at the top of the band when it fits


@dataclass
class Geometry:
    """Where everything of the progress chart goes, in plot pixels: the share panel (its heading at
    the top left, 100 % at ``top``, 0 % at ``bottom``), the grey bands, the rows of counts under it
    (:class:`strip.Strip`), each figure's mark and label, and the time axis at ``height``."""

    scale: TimeScale
    left: float  # the share axis's tick labels, left of the plot
    heading: Box
    top: float
    bottom: float
    counts: strip.Strip  # rows of counts under the share panel (empty when there are none)
    bands: list[Band] = field(default_factory=list)
    labels: list[Block] = field(default_factory=list)  # one per figure, in the figures' order
    marks: list[Box] = field(default_factory=list)  # one per figure

    @property
    def height(self) -> float:
        return self.counts.height if self.counts.rows else self.bottom

    def y(self, share_pct: float) -> float:
        return self.bottom - (self.bottom - self.top) * share_pct / 100

    def boxes(self) -> list[Box]:
        return ([self.heading] + [b.label.box for b in self.bands if b.label]
                + list(self.counts.headings.values()) + [label.box for label in self.labels])

    def collisions(self) -> list[str]:
        """Text on text, text off the plot, a label on a mark."""
        problems = collisions(self.boxes(), self.scale.width, self.height)
        for label in self.labels:
            problems += [f"{label.box.what!r} covers a mark" for m in self.marks if label.box.overlaps(m)]
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


def _bands(ctx: Context, shares: pd.DataFrame, scale: TimeScale, top: float) -> list[Band]:
    """A band between consecutive figures of each measure, and after a measure's last figure up to
    the edition's date, wherever no figure of it was reported."""
    metrics = ctx.vocab["metrics"]
    bands = []
    for _, group in shares.groupby([metrics[m]["measure"] for m in shares["metric"]], sort=True):
        group = group.sort_values("date_start")
        name = str(metrics[group["metric"].iloc[0]]["measure_label"])
        ends = list(group["date_end"])
        starts = list(group["date_start"])[1:] + [ctx.as_of + dt.timedelta(days=1)]
        for i, (end, start) in enumerate(zip(ends, starts, strict=True)):
            if start <= end + dt.timedelta(days=1):
                continue
            last = i == len(ends) - 1
            left, right = scale.px(end + dt.timedelta(days=1)), scale.px(start)
            words = f"No later figure by {short_day(ctx.as_of)}" if last else "No figure between"
            lines = tuple(wrap(words, right - left - 2 * EDGE))
            fits = all(text_width(line) <= right - left - 2 * EDGE for line in lines)
            label = Block(lines, (left + right) / 2, top + 2) if fits else None
            text = (f"{name}: no figure reported after {group['date_label'].iloc[i]} by {short_day(ctx.as_of)}"
                    if last else f"{name}: no figure reported between {group['date_label'].iloc[i]} and "
                    f"{group['date_label'].iloc[i + 1]}")
            bands.append(Band(left, right, text, label))
    return bands


def _label_shares(geo: Geometry, points: pd.DataFrame, label_width: float) -> dict[int, Block]:
    """Each share's label in the first free spot near its point, inside the share panel, the
    highest figure first (of two at one date the higher is labelled above, the lower below)."""
    taken = geo.boxes() + geo.marks
    centres = {i: (geo.scale.px(points["at"].iloc[i]), geo.y(points["share_pct"].iloc[i]))
               for i in range(len(points)) if not points["count"].iloc[i]}
    labels = {}
    for i in sorted(centres, key=lambda i: (centres[i][1], centres[i][0])):
        x, y = centres[i]
        lines = wrap_fit(points["label"].iloc[i], min(label_width, geo.scale.width - 2 * EDGE))
        options = [_inside(b, geo.scale.width) for b in _candidates(x, y, lines)]
        free = [b for b in options if b.box.within(geo.scale.width, geo.bottom)
                and not any(b.box.overlaps(o, gap=2) for o in taken)]
        labels[i] = (free or options)[0]
        taken.append(labels[i].box)
    return labels


def _place(ctx: Context, points: pd.DataFrame, scale: TimeScale, left: float, label_width: float,
           share_height: float) -> Geometry:
    """The share panel, ``share_height`` pixels tall, under its heading, its bands and labels; then
    the rows of counts."""
    heading_text = share_heading(ctx, points)
    heading = text_box([heading_text], 0, 0, "left", what=heading_text)
    top = heading.bottom + LABEL_CLEAR + LINE_HEIGHT
    metrics = ctx.vocab["metrics"]
    counts = points[points["count"]]
    rows = [str(metrics[m]["label"]) for m in metrics.ordered(counts["metric"])]
    items = [strip.Item(str(i), str(metrics[r.metric]["label"]), scale.px(r.at), r.label)
             for i, r in zip(counts.index, counts.itertuples(), strict=True)]
    lay = strip.lay_out(rows, items, scale.width, label_width=label_width, headings_above=True,
                        top=top + share_height + ROWS_GAP)
    geo = Geometry(scale, left, heading, top, top + share_height, lay)
    geo.bands = _bands(ctx, points[~points["count"]], scale, top)
    for r in points.itertuples():
        x = scale.px(r.at)
        y = lay.rows[str(metrics[r.metric]["label"])] if r.count else geo.y(r.share_pct)
        geo.marks.append(Box(x - MARK_RADIUS, y - MARK_RADIUS, x + MARK_RADIUS, y + MARK_RADIUS, r.figure))
    shares = _label_shares(geo, points, label_width)
    geo.labels = [shares[i] if i in shares else lay.labels[str(points.index[i])] for i in range(len(points))]
    return geo


def share_heading(ctx: Context, points: pd.DataFrame) -> str:
    """The share axis's heading: the share metric's label (the measure's, if several), in per cent."""
    metrics = ctx.vocab["metrics"]
    shares = metrics.ordered(points.loc[~points["count"], "metric"])
    if len(shares) == 1:
        return f"{metrics.label(shares[0])} (%)"
    names = {str(metrics[m]["measure_label"]) for m in shares} or {"Share of the whole"}
    return f"{sorted(names)[0]} (%)"


def geometry(ctx: Context, points: pd.DataFrame, width: float) -> Geometry:
    """The progress chart laid out ``width`` pixels wide. The time axis spans the edition's window
    (``since`` to ``as_of``) and every figure's period. On a phone a label is the figure alone
    (the tooltip names who stated it). Many figures close in date and value make the share panel
    taller, until every label finds a free spot."""
    phone = width <= theme.PHONE_WIDTH
    left = 5 + 3 + text_width("100") + 2  # tick, padding, the widest tick label
    margin = dt.timedelta(days=MARGIN_DAYS)
    start = min(min(points["date_start"]), ctx.params.since).replace(day=1) - margin
    end = max(max(points["date_end"]), ctx.as_of) + margin
    scale = TimeScale.linear(start, end, plot_width(width, left))
    labelled = points.assign(label=[f if phone else f"{f} ({s})"
                                    for f, s in zip(points["figure"], points["stated_by"], strict=True)])
    for extra in SHARE_GROWTH:
        geo = _place(ctx, labelled, scale, left, 150 if phone else 260, SHARE_HEIGHT + extra)
        if not geo.collisions():
            break
    return geo


TOOLTIP = [alt.Tooltip("figure:N", title="Figure"), alt.Tooltip("date_label:N", title="Date"),
           alt.Tooltip("stated_by:N", title="Stated by"), alt.Tooltip("source:N", title="Source")]


def _share_axis(geo: Geometry) -> list[alt.Chart]:
    """Grid lines at each quarter of the whole (shares are read across) with their tick labels."""
    ticks = pd.DataFrame({"y": [geo.y(v) for v in SHARE_TICKS], "text": [str(v) for v in SHARE_TICKS],
                          "x": 0.0, "x2": geo.scale.width})
    return [chart_of(ticks).mark_rule(color=theme.GRID_COLOUR).encode(
                x=alt.X("x:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y:Q", **PX)),
            chart_of(ticks).mark_text(align="right", baseline="middle").encode(
                x=alt.XValue(-8), y=alt.Y("y:Q", **PX), text=alt.Text("text:N"))]


def _layers(points: pd.DataFrame, geo: Geometry) -> list[alt.Chart]:
    """Bands, share grid, marks and their labels, count rows' headings, the heading and the time axis."""
    layers = []
    if geo.bands:
        bands = pd.DataFrame([{"x": b.left, "x2": b.right, "y": geo.top, "y2": geo.bottom, "text": b.text}
                              for b in geo.bands])
        layers.append(chart_of(bands).mark_rect(color=BAND_FILL).encode(
            x=alt.X("x:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y:Q", **PX), y2=alt.Y2("y2:Q"),
            tooltip=[alt.Tooltip("text:N", title="No figure")]))
    layers += _share_axis(geo)
    shapes = ["circle", "diamond", "square", "triangle-up"]
    order = {m: i for i, m in enumerate(dict.fromkeys(points["metric"]))}
    frame = points.drop(columns=["date_start", "date_end", "source_ids"]).assign(
        x=[(m.left + m.right) / 2 for m in geo.marks], y=[(m.top + m.bottom) / 2 for m in geo.marks],
        shape=[shapes[order[m] % len(shapes)] for m in points["metric"]],
        label_text=[b.text for b in geo.labels], label_x=[b.x for b in geo.labels],
        label_y=[b.top for b in geo.labels], align=[b.align for b in geo.labels])
    layers.append(chart_of(frame).mark_point(filled=True, size=110, color=theme.TEXT_COLOUR, opacity=1).encode(
        x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), shape=alt.Shape("shape:N", scale=None), tooltip=TOOLTIP))
    for align in ("center", "left", "right"):
        if (frame["align"] == align).any():
            layers += label_marks(frame[frame["align"] == align], x=alt.X("label_x:Q", **PX),
                                  y=alt.Y("label_y:Q", **PX), text="label_text:N", tooltip=TOOLTIP, align=align)
    texts = pd.DataFrame([{"text": b.label.text, "x": b.label.x, "y": b.label.top} for b in geo.bands if b.label])
    if not texts.empty:
        layers.append(chart_of(texts).mark_text(baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT,
                                                 color=theme.MUTED_COLOUR).encode(
            x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("text:N")))
    if geo.counts.headings:
        heads = pd.DataFrame([{"text": name, "x": box.left, "y": box.top} for name, box in geo.counts.headings.items()])
        layers.append(chart_of(heads).mark_text(align="left", baseline="top", fontWeight="bold").encode(
            x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("text:N")))
    heading = pd.DataFrame({"text": [geo.heading.what]})
    layers += label_marks(heading, x=alt.XValue(0), y=alt.YValue(0), text="text:N", align="left")
    return layers + time_axis(geo.scale, geo.height)


def _layout(points: pd.DataFrame, geo: Geometry, title: str, note: str, alt_text: str, width: float):
    chart = layer(*_layers(points, geo), width=geo.scale.width, height=geo.height + AXIS_HEIGHT)
    return finish(chart, title, note, alt_text, width, left=geo.left)


def title(ctx: Context, points: pd.DataFrame) -> str:
    """The latest figure of each metric with who stated it, how many measures they are when they are
    of several kinds, and the earliest share before them; or, when no figure falls in the edition's
    window, that none does and which was the last."""
    last = points["date_end"].max()
    latest = points[points["date_end"] == last]
    latest = latest.assign(kind=latest["count"].astype(int)).sort_values(["kind", "share_pct"],
                                                                         ascending=[True, False])
    said = and_list([f"{r.figure} ({r.stated_by})" for r in latest.itertuples()])
    if last < ctx.params.since:
        return (f"No figure reported from {short_day(ctx.params.since)} to {short_day(ctx.as_of)}; the last, "
                f"{latest['date_label'].iloc[0]}: {said}")
    text = f"{latest['date_label'].iloc[0]}: {said}"
    kinds = latest["metric"].nunique()
    if kinds > 1:
        text += f", {number_words(kinds)} different measures"
    earlier = points[(points["date_end"] < last) & ~points["count"]]
    if not earlier.empty:
        text += f"; {earlier['date_label'].iloc[0]}: {earlier['figure'].iloc[0]}"
    return text


def progress_chart(ctx: Context) -> Figure:
    points = figures(ctx)
    day = short_day(ctx.as_of)
    if points.empty:
        return no_data(ctx, f"No figure on how much of the draft is agreed is known by {day}",
                       f"no figure on the draft agreement dated and known by {day}",
                       "Progress on the draft peace agreement: no figures known yet.")
    sources = tuple(sorted({s for ids in points["source_ids"] for s in ids}))
    listing = "; ".join(f"{r.figure}, {r.date_label}, stated by {r.stated_by}" for r in points.itertuples())
    alt_text = (f"Chart of how much of the draft agreement is agreed, each figure at the "
                f"date its source gives (shares of the text on a 0–100% axis, counts of points in a row of their "
                f"own; figures are not joined): {listing}.")
    caption = (f"How much of the draft peace agreement is agreed: each figure at the date its source gives, shares "
               f"and counts apart; grey where no figure was reported; known by {day}.")
    note, heading = ctx.citations.note(sources), title(ctx, points)
    wide, narrow = both(lambda width: _layout(points, geometry(ctx, points, width), heading, note, alt_text, width))
    return Figure(wide, caption, alt_text, sources, narrow)
