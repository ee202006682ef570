"""Altair charts in the house theme. Each function returns a ``Figure``: the chart plus the
caption, alt text and source ids that ``nbout.show_chart`` needs, all computed from the data.

Conventions: the title states the finding; axes say their units; a source note sits under the
plot; the chart's ``description`` is the alt text; every mark has a tooltip. Dates are drawn at
their stated precision: a fact dated "Dec 2024" spans December, not a made-up day.
No selections or other Altair params are used, so specs carry no counter-generated names and
are identical from run to run.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd

from . import analysis, theme
from .dataset import Dataset
from .params import Params
from .theme import FONT_SIZE, FORMAT_LABELS, MEDIATOR_LABELS, WIDTH

PLOT_WIDTH = WIDTH - 140  # leaves room for the y axis labels and title
NO_DATA = analysis.NO_DATA
DATE_AXIS = "Date stated (grey bar = the whole period the source gives)"


@dataclass(frozen=True)
class Figure:
    chart: alt.TopLevelMixin
    caption: str
    alt: str
    sources: tuple[str, ...]

    def show(self, label: str) -> None:
        """Display as the one output of a chart cell labelled ``label`` (e.g. fig-progress)."""
        from .nbout import show_chart

        show_chart(self.chart, label=label, caption=self.caption, alt=self.alt, sources=list(self.sources))


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _iso(day: dt.date) -> str:
    # A date-only ISO string is parsed as UTC by JavaScript but a date-time as local time; every
    # temporal value is a date-time so they all land on the same clock in any browser.
    return f"{day.isoformat()}T00:00:00"


def _window_label(params: Params) -> str:
    return f"{params.since:%-d %b %Y} to {params.as_of:%-d %b %Y}"


def _citations(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds["sources"]["source_id"], ds["sources"]["cite_as"], strict=True))


def source_note(ds: Dataset, source_ids) -> str:
    """'Source: <short citation>; …' for the sources a chart uses (full citations in the brief)."""
    cite = ds["sources"].set_index("source_id")["cite_as"]
    names = [cite[s] for s in sorted(set(source_ids))]
    return ("Source: " + "; ".join(names) + ".") if names else "Source: none in this window."


def _finish(chart: alt.TopLevelMixin, title: str, note: str, alt_text: str) -> alt.VConcatChart:
    """Put the finding on top and the source note under the plot; set the description."""
    lines = _wrap(note, 70)
    footer = alt.Chart(pd.DataFrame({"source_note": ["\n".join(lines)]})).mark_text(
        align="left", baseline="top", lineBreak="\n", fontSize=FONT_SIZE, color=theme.MUTED,
    ).encode(x=alt.value(0), y=alt.value(0), text="source_note:N").properties(
        width=PLOT_WIDTH, height=(FONT_SIZE + 3) * len(lines))
    return alt.vconcat(chart, footer, spacing=14).properties(
        title=alt.Title(_wrap(title, 56)), description=alt_text)


def no_data(ds: Dataset, title: str, what: str, caption: str) -> Figure:
    """An explicit 'no data in this window' panel instead of an empty axis."""
    alt_text = f"{NO_DATA}: {what}."
    message = alt.Chart(pd.DataFrame({"text": ["\n".join(_wrap(alt_text, 50))]})).mark_text(
        fontSize=FONT_SIZE + 2, color=theme.MUTED, lineBreak="\n").encode(
        x=alt.value(PLOT_WIDTH / 2), y=alt.value(40), text="text:N", tooltip=["text:N"],
    ).properties(width=PLOT_WIDTH, height=80)
    return Figure(_finish(message, title, source_note(ds, ()), alt_text), caption, alt_text, ())


# --- 1. Progress on the draft agreement --------------------------------------------------

def _placed(df: pd.DataFrame) -> pd.DataFrame:
    """Add the drawing position of each figure inside its date interval.

    Statements of the same figure for the same period would hide each other; they are spread
    evenly inside the period (still within it) instead of stacked on one made-up day.
    """
    df = df.copy()
    df["start"] = df["date_start"].map(_iso)
    df["end"] = (df["date_end"] + dt.timedelta(days=1)).map(_iso)  # end of the last day
    positions = []
    for _, group in df.groupby(["metric", "date_start", "date_end", "value"], sort=True):
        for i, (index, row) in enumerate(group.sort_values("progress_id").iterrows()):
            span = (row["date_end"] - row["date_start"]).days + 1
            offset = dt.timedelta(days=span * (i + 1) / (len(group) + 1))
            positions.append((index, (dt.datetime.combine(row["date_start"], dt.time()) + offset).isoformat()))
    df["at"] = pd.Series(dict(positions))
    return df.drop(columns=["date_start", "date_end", "line"])


def _midpoint(start: str, end: str) -> str:
    a, b = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    return (a + (b - a) / 2).isoformat()


def _time_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, format="%b %Y", tickCount={"interval": "month", "step": 3},
                    labelOverlap=True)


def progress_chart(ds: Dataset, params: Params) -> Figure:
    known = analysis.progress_known(ds, params)
    known["source"] = known["source_id"].map(_citations(ds))
    sources = tuple(sorted(set(known["source_id"])))
    share = known[known["metric"] == "share_agreed_pct"]
    change = analysis.share_change(known)
    if change is None:
        day = f"{params.as_of:%-d %b %Y}"
        return no_data(ds, f"No figure on the share of the draft agreed is known by {day}",
                       f"no progress figure dated on or before {day}",
                       "Progress on the draft peace agreement: no figures known yet.")

    share = _placed(share)
    share["figure"] = share["value"].map(lambda v: f"{v:g}%")
    tooltip = [alt.Tooltip("figure:N", title="Share agreed"), alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("stated_by:N", title="Stated by"), alt.Tooltip("source:N", title="Source")]
    start = min(known["date_start"])
    end = max(known["date_end"]) + dt.timedelta(days=1)
    x_scale = alt.Scale(domain=[_iso(start.replace(day=1) - dt.timedelta(days=31)),
                                _iso(end + dt.timedelta(days=31))])
    base = alt.Chart(share)
    interval = base.mark_rule(strokeWidth=3, color=theme.MUTED, opacity=0.6).encode(
        x=alt.X("start:T", axis=_time_axis(DATE_AXIS), scale=x_scale),
        x2="end:T", y="value:Q", tooltip=tooltip)
    points = base.mark_point(filled=True, size=110).encode(
        x="at:T",
        y=alt.Y("value:Q", title="Share of the draft text agreed (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("stated_by:N", title="Stated by",
                        scale=alt.Scale(range=theme.STATED_BY_COLOURS),
                        legend=alt.Legend(columns=1, labelLimit=PLOT_WIDTH)),
        shape=alt.Shape("stated_by:N", title="Stated by"),
        tooltip=tooltip)
    # One label per figure and period, however many people stated it.
    label_rows = share.drop_duplicates(["start", "end", "value"]).assign(
        mid=lambda d: [_midpoint(a, b) for a, b in zip(d["start"], d["end"], strict=True)])
    labels = alt.Chart(label_rows).mark_text(dy=-16, fontSize=FONT_SIZE).encode(
        x="mid:T", y="value:Q", text="figure:N")
    share_panel = alt.layer(interval, points, labels).properties(width=PLOT_WIDTH, height=200)

    others = known[known["metric"] != "share_agreed_pct"]
    panels = [share_panel]
    if not others.empty:
        others = _placed(others)
        others["metric_label"] = others["metric"].map(
            {"articles_agreed": "Articles", "exchange_rounds": "Text rounds"})
        others["figure"] = [f"{v:g} of {t:g} articles" if m == "articles_agreed" else f"{v:g} rounds"
                            for v, t, m in zip(others["value"], others["total"], others["metric"], strict=True)]
        others_tip = [alt.Tooltip("metric_label:N", title="Measure"), alt.Tooltip("figure:N", title="Figure"),
                      alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("stated_by:N", title="Stated by"),
                      alt.Tooltip("source:N", title="Source")]
        y = alt.Y("metric_label:N", title=None, sort=["Articles", "Text rounds"])
        other_base = alt.Chart(others)
        bars = other_base.mark_rule(strokeWidth=3, color=theme.MUTED, opacity=0.6).encode(
            x=alt.X("start:T", axis=_time_axis(DATE_AXIS), scale=x_scale),
            x2="end:T", y=y, tooltip=others_tip)
        marks = other_base.mark_point(filled=True, size=90, color=theme.TEXT_COLOUR, shape="diamond").encode(
            x="at:T", y=y, tooltip=others_tip)
        text = other_base.mark_text(align="right", dx=-10, fontSize=FONT_SIZE).encode(
            x="at:T", y=y, text="figure:N")
        panels.append(alt.layer(bars, marks, text).properties(width=PLOT_WIDTH, height=60))
    chart = alt.vconcat(*panels, spacing=8).resolve_scale(x="shared")

    stated = " and ".join(change.last_stated_by)
    if change.first_label == change.last_label:
        title = f"{change.last_value:g}% of the draft agreement text was agreed by {change.last_label}"
    else:
        verb = "rose" if change.last_value > change.first_value else \
            "fell" if change.last_value < change.first_value else "stayed"
        title = (f"The share of the draft agreed {verb} from {change.first_value:g}% ({change.first_label}) "
                 f"to {change.last_value:g}% ({change.last_label})")
    figures = "; ".join(f"{r.value:g}% in {r.date_label} (stated by {r.stated_by})" for r in share.itertuples())
    extra = "; ".join(f"{f} ({d}, stated by {s})" for f, d, s in
                      zip(others.get("figure", []), others.get("date_label", []), others.get("stated_by", []),
                          strict=True))
    alt_text = (f"Chart of the share of the draft Armenia–Azerbaijan peace agreement agreed over time: "
                f"{figures}." + (f" Other measures: {extra}." if extra else "")
                + " Each figure is drawn across the period its source gives.")
    caption = (f"Share of the draft peace agreement agreed, as stated, known by {params.as_of:%-d %b %Y}; "
               f"latest figure stated by {stated}.")
    return Figure(_finish(chart, title, source_note(ds, sources), alt_text), caption, alt_text, sources)


# --- 2. Meeting cadence ------------------------------------------------------------------

def _names(values: tuple[str, ...], labels: dict[str, str]) -> str:
    return " and ".join(labels.get(v, v) for v in values)


def _meeting_rows(ds: Dataset, meetings: pd.DataFrame) -> pd.DataFrame:
    df = meetings.copy()
    df["source"] = df["source_id"].map(_citations(ds))
    df["start"] = df["date_start"].map(_iso)
    df["end"] = (df["date_end"] + dt.timedelta(days=1)).map(_iso)
    df["mediator_label"] = df["mediator"].map(MEDIATOR_LABELS)
    df["format_label"] = df["format"].map(FORMAT_LABELS)
    # Meetings of one format whose periods overlap get separate lanes instead of hiding each other.
    lanes, ends = [], {}
    for m in df.itertuples():
        used = ends.setdefault(m.format, [])
        lane = next((i for i, end in enumerate(used) if end < m.date_start), len(used))
        if lane == len(used):
            used.append(m.date_end)
        else:
            used[lane] = m.date_end
        lanes.append(lane)
    df["lane"] = lanes
    # One band per (format, lane); only a format's first band carries its name on the axis.
    df["row"] = [label if lane == 0 else f"{label}#{lane}" for label, lane in zip(df["format_label"], lanes,
                                                                                   strict=True)]
    return df[["meeting_id", "date", "date_label", "precision", "start", "end", "place", "format",
               "format_label", "mediator", "mediator_label", "host_event", "track", "about", "source_id",
               "source", "lane", "row"]]


MEETING_TOOLTIP = [alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("place:N", title="Place"),
                   alt.Tooltip("format_label:N", title="Format"),
                   alt.Tooltip("mediator_label:N", title="Mediator"),
                   alt.Tooltip("host_event:N", title="Host event"), alt.Tooltip("about:N", title="About"),
                   alt.Tooltip("source:N", title="Source")]


def _mediator_colour(title: str = "Mediator") -> alt.Color:
    return alt.Color("mediator_label:N", title=title, scale=theme.mediator_scale())


def _window_meetings(ds: Dataset, params: Params, empty_caption: str):
    """(meetings, window label, None) — or (None, window label, a 'no data' Figure) when there are none."""
    meetings = analysis.meetings_in_window(ds, params)
    window = _window_label(params)
    if meetings.empty:
        return None, window, no_data(ds, f"No meetings in the window ({window})",
                                     f"no meeting of the selected mediators from {window}",
                                     empty_caption.format(window=window))
    return meetings, window, None


def cadence_timeline(ds: Dataset, params: Params) -> Figure:
    meetings, window, empty = _window_meetings(ds, params, "Meetings by format and mediator, {window}: none.")
    if empty:
        return empty
    sources = tuple(sorted(set(meetings["source_id"])))
    rows = _meeting_rows(ds, meetings)
    order = [f"{FORMAT_LABELS[f]}#{lane}" if lane else FORMAT_LABELS[f] for f in FORMAT_LABELS
             for lane in range(int(rows.loc[rows["format"] == f, "lane"].max()) + 1 if f in set(rows["format"]) else 0)]
    x = alt.X("start:T", scale=alt.Scale(domain=[_iso(params.since),
                                                  _iso(params.as_of + dt.timedelta(days=1))]),
              axis=_time_axis("Date of the meeting (bar = the whole period the source gives)"))
    y = alt.Y("row:N", title=None, sort=order, scale=alt.Scale(paddingInner=0.3),
              axis=alt.Axis(labelExpr="indexof(datum.label, '#') >= 0 ? '' : datum.label", ticks=False))
    base = alt.Chart(rows)
    bars = base.mark_bar(opacity=0.85).encode(
        x=x, x2="end:T", y=y, color=_mediator_colour(), tooltip=MEETING_TOOLTIP)
    days = base.transform_filter(alt.datum.precision == "day").mark_point(
        filled=True, size=110, shape="diamond").encode(
        x=x, y=y, color=_mediator_colour(), tooltip=MEETING_TOOLTIP)
    chart = alt.layer(bars, days).properties(width=PLOT_WIDTH - 60, height=max(60, 24 * len(order)))
    top_format, n_format = analysis.most_common(meetings["format"])
    title = (f"{len(meetings)} meeting{'s' if len(meetings) != 1 else ''} from {window}; "
             f"{_names(top_format, FORMAT_LABELS).lower()} met most often ({n_format})")
    listing = "; ".join(f"{r.date_label}, {r.place}: {r.format_label.lower()}, {r.mediator_label}"
                        for r in rows.itertuples())
    alt_text = (f"Timeline of {len(meetings)} meetings from {window}, one bar per meeting across the "
                f"period its source gives, one row per format, coloured by mediator: {listing}.")
    mediators = "all mediators" if set(params.mediators) == set(MEDIATOR_LABELS) else \
        ", ".join(MEDIATOR_LABELS[m] for m in params.mediators)
    caption = f"Meetings in the window {window} by format and mediator ({mediators})."
    return Figure(_finish(chart, title, source_note(ds, sources), alt_text), caption, alt_text, sources)


def cadence_counts(ds: Dataset, params: Params) -> Figure:
    meetings, window, empty = _window_meetings(ds, params, f"Meetings per {params.period} by mediator, "
                                                           "{window}: none.")
    if empty:
        return empty
    sources = tuple(sorted(set(meetings["source_id"])))
    counts = analysis.meeting_counts(meetings, params)
    counts["mediator_label"] = counts["mediator"].map(MEDIATOR_LABELS).fillna("")
    counts["period_start"] = counts["period_start"].map(_iso)
    order = list(dict.fromkeys(counts["period"]))
    top = max(1, int(counts.groupby("period")["meetings"].sum().max()))
    chart = alt.Chart(counts).mark_bar().encode(
        x=alt.X("period:O", sort=order, title=f"{params.period.capitalize()}",
                axis=alt.Axis(labelAngle=0 if len(order) <= 6 else -45, labelOverlap="greedy",
                              labelLimit=160)),
        # Whole meetings only: one tick per count (Vega's "nice" ticks would repeat 1 and 2 as 0.5 steps).
        y=alt.Y("sum(meetings):Q", title="Meetings (count)", scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(values=list(range(top + 1)), format="d")),
        color=_mediator_colour(),
        order=alt.Order("mediator:N"),
        tooltip=[alt.Tooltip("period:N", title=params.period.capitalize()),
                 alt.Tooltip("mediator_label:N", title="Mediator"),
                 alt.Tooltip("meetings:Q", title="Meetings")],
    ).properties(width=PLOT_WIDTH, height=200)
    top, n_top = analysis.most_common(meetings["mediator"])
    title = (f"{_names(top, MEDIATOR_LABELS)} {'was' if len(top) == 1 else 'were'} the most active "
             f"mediator{'s' if len(top) > 1 else ''} from {window} ({n_top} of {len(meetings)} meetings"
             f"{' each' if len(top) > 1 else ''})")
    per = counts[counts["meetings"] > 0].groupby("period", sort=False)["meetings"].sum()
    listing = "; ".join(f"{p}: {n}" for p, n in per.items())
    by_mediator = meetings["mediator"].value_counts()
    mediators = ", ".join(f"{MEDIATOR_LABELS[m]} {by_mediator[m]}" for m in sorted(by_mediator.index))
    alt_text = (f"Stacked bar chart of meetings per {params.period} from {window}, coloured by mediator. "
                f"Meetings per {params.period}: {listing}. By mediator: {mediators}.")
    caption = f"Meetings per {params.period} by mediator, {window}."
    return Figure(_finish(chart, title, source_note(ds, sources), alt_text), caption, alt_text, sources)


# --- 3. Dependency chain ------------------------------------------------------------------

RELATION_LABELS = {"enables": "enables", "precondition_of": "precondition of",
                   "deferred_to": "deferred to", "conditioned_on": "condition of"}
CHAIN_WIDTH = WIDTH - 40  # no y axis: the graph gets the full width
_LABEL_COLUMN = 115  # pixels left of the first layer, for its right-aligned labels
_ROW = 62
_NODE_RADIUS = 11


def _node_label(text: str, width: int = 16) -> str:
    return "\n".join(_wrap(text, width))


def chain_chart(ds: Dataset, params: Params) -> Figure:
    graph = analysis.chain_graph(ds)
    layout = analysis.chain_layout(graph)
    status = analysis.chain_status_as_of(ds, params.as_of).set_index("node_id")
    cite = _citations(ds)
    layers = max(layer for layer, _ in layout.values())
    step = (CHAIN_WIDTH - _LABEL_COLUMN - 50) / max(layers, 1)

    def xy(node):
        layer, row = layout[node]
        return _LABEL_COLUMN + layer * step, 30 + row * _ROW

    nodes = []
    for node in sorted(layout):
        x, y = xy(node)
        first = layout[node][0] == 0
        rec = status.loc[node]
        lines = _wrap(rec["label"], 15 if first else 13)
        sink = graph.out_degree(node) == 0
        # The first layer's labels sit left of the node (no edge arrives there); the last node's
        # below it; the others above and to the right, where no edge passes, every other layer
        # raised so that neighbouring labels never touch.
        label_x, label_y, align = ((x - 16, y - 7 * len(lines), "right") if first else
                                   (x, y + 16, "center") if sink else
                                   (x + 4, y - 14 - 14 * len(lines) - 30 * (layout[node][0] % 2 == 0), "left"))
        nodes.append({"node_id": node, "x": x, "y": y, "label": "\n".join(lines),
                      "label_x": label_x, "label_y": label_y, "align": align,
                      "status": rec["status"], "status_date": rec["status_date"] or "no record",
                      "kind": rec["kind"], "note": rec["note"] or rec["description"], "source_id": rec["source_id"],
                      "source": cite[rec["source_id"]]})
    nodes = pd.DataFrame(nodes)

    edges = []
    for (src, dst), attrs in sorted(graph.edges.items()):
        (x1, y1), (x2, y2) = xy(src), xy(dst)
        length = math.hypot(x2 - x1, y2 - y1)
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # Labels run along their edge, just above it: from the first layer they start beside the
        # source (where edges of different sources are still apart), elsewhere at the midpoint.
        offset, align = (_NODE_RADIUS + 6, "left") if layout[src][0] == 0 else (length / 2, "center")
        label_x, label_y = x1 + ux * offset, y1 + uy * offset
        relation = RELATION_LABELS[attrs["relation"]]
        edges.append({"edge": f"{src}->{dst}", "from_node": src, "to_node": dst, "x": x1, "y": y1,
                      "x2": x2 - ux * (_NODE_RADIUS + 4), "y2": y2 - uy * (_NODE_RADIUS + 4),
                      "angle": math.degrees(math.atan2(uy, ux)),
                      "label_x": label_x, "label_y": label_y, "align": align,
                      "relation": relation,
                      "relation_text": relation,
                      "rationale": attrs["rationale"],
                      "source_id": attrs["source_id"], "source": cite[attrs["source_id"]]})
    edges = pd.DataFrame(edges)

    px = {"scale": None, "axis": None}
    edge_tip = [alt.Tooltip("relation:N", title="Relation"), alt.Tooltip("rationale:N", title="Why"),
                alt.Tooltip("source:N", title="Source")]
    node_tip = [alt.Tooltip("label:N", title="Node"), alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("status_date:N", title="Status dated"), alt.Tooltip("note:N", title="Note"),
                alt.Tooltip("source:N", title="Source")]
    dash = alt.StrokeDash("relation:N", title="Relation", sort=list(RELATION_LABELS.values()),
                          scale=alt.Scale(domain=list(RELATION_LABELS.values()),
                                          range=[[1, 0], [6, 3], [2, 3], [8, 2, 2, 2]]),
                          legend=alt.Legend(columns=4, symbolType="stroke", symbolStrokeColor=theme.MUTED,
                                                 orient="bottom"))
    lines = alt.Chart(edges).mark_rule(color=theme.MUTED, strokeWidth=1.5).encode(
        x=alt.X("x:Q", **px), y=alt.Y("y:Q", **px), x2="x2:Q", y2="y2:Q", strokeDash=dash, tooltip=edge_tip)
    heads = alt.Chart(edges).mark_point(shape="triangle-right", filled=True, size=60, color=theme.MUTED,
                                        opacity=1).encode(
        x=alt.X("x2:Q", **px), y=alt.Y("y2:Q", **px), angle=alt.Angle("angle:Q", scale=None), tooltip=edge_tip)
    relation_text = [alt.Chart(edges[edges["align"] == align]).mark_text(
        fontSize=FONT_SIZE - 1, color=theme.MUTED, fontStyle="italic", align=align, baseline="bottom", dy=-3).encode(
        x=alt.X("label_x:Q", **px), y=alt.Y("label_y:Q", **px), angle=alt.Angle("angle:Q", scale=None),
        text="relation_text:N", tooltip=edge_tip)
        for align in ("left", "center")]
    circles = alt.Chart(nodes).mark_point(filled=True, size=math.pi * _NODE_RADIUS ** 2 * 1.3, opacity=1,
                                          stroke=theme.TEXT_COLOUR, strokeWidth=1.2, shape="circle").encode(
        x=alt.X("x:Q", **px), y=alt.Y("y:Q", **px),
        fill=alt.Fill("status:N", title=f"Status as of {params.as_of:%-d %b %Y}", scale=theme.chain_status_scale(),
                      legend=alt.Legend(columns=3, orient="top", labelExpr="replace(datum.label, '_', ' ')")),
        tooltip=node_tip)
    labels = [alt.Chart(nodes[nodes["align"] == align]).mark_text(
        lineBreak="\n", baseline="top", fontSize=FONT_SIZE, align=align).encode(
        x=alt.X("label_x:Q", **px), y=alt.Y("label_y:Q", **px), text="label:N", tooltip=node_tip)
        for align in ("right", "center", "left")]
    height = int(nodes["y"].max() + 40)
    chart = alt.layer(lines, heads, *relation_text, circles, *labels).properties(width=CHAIN_WIDTH, height=height)

    sources = tuple(sorted(set(nodes["source_id"]) | set(edges["source_id"])))
    wait = analysis.chain_waiting_on(ds, params.as_of)
    if wait is None:
        title = f"Every step of the chain is achieved as of {params.as_of:%-d %b %Y}"
    else:
        state = f"{wait.status}, {wait.status_date}" if wait.status_date else wait.status
        title = (f"The chain waits on the {wait.label[0].lower() + wait.label[1:]} ({state})"
                 + (f", held by {len(wait.blockers)} unresolved condition{'s' if len(wait.blockers) != 1 else ''}"
                    if wait.blockers else ""))
    node_list = "; ".join(f"{r.label.replace(chr(10), ' ')}: {r.status}" for r in nodes.itertuples())
    edge_list = "; ".join(f"{status.loc[r.from_node, 'label']} {r.relation} {status.loc[r.to_node, 'label']}"
                          for r in edges.itertuples())
    alt_text = (f"Directed graph of the dependency chain, {len(nodes)} steps and {len(edges)} links, each step "
                f"coloured by its status as of {params.as_of:%-d %b %Y}. Steps: {node_list}. Links: {edge_list}.")
    caption = (f"Dependency chain from the framework agreement to a comprehensive peace deal, status as of "
               f"{params.as_of:%-d %b %Y}.")
    return Figure(_finish(chart, title, source_note(ds, sources), alt_text), caption, alt_text, sources)
