"""Figure: the dependency chain — from the draft agreement to Armenia–Turkey normalization and a
comprehensive deal, with the conditions, the steps taken and the issues a framework would defer.

Cards (placed by :mod:`chain_layout`) hold each step's name and its status in words; a dot in
the status colour marks the card, main steps have a heavier frame. Links are drawn in the line
style their relation declares (vocabulary/relations.csv), and a key under the chart defines each
style by the relations that use it — so the chart needs no colour legend and no edge labels.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import analysis, theme
from ..context import Context
from ..dates import short_day
from . import chain_layout
from .common import Figure, both, finish, no_data, plot_width, source_names
from .text import LINE_HEIGHT, wrap

DASHES = {"solid": [1, 0], "dashed": [7, 4], "dotted": [2, 3]}
DOT_RADIUS = 5


def card_texts(ctx: Context, nodes: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Each step's card text: (its name, its status in words)."""
    statuses = ctx.vocab["statuses"]
    texts = {}
    for n in nodes.itertuples():
        if n.status == analysis.NO_RECORD:
            status = "no status recorded"
        else:
            status = statuses.label(n.status) + (f" · {n.status_since}" if n.status_since else "")
        texts[n.node_id] = (n.label, status)
    return texts


def _frames(ctx: Context, nodes: pd.DataFrame, result: chain_layout.Layout):
    statuses, relations, kinds = ctx.vocab["statuses"], ctx.vocab["relations"], ctx.vocab["node_kinds"]
    main = set(kinds.where("main"))
    info = nodes.set_index("node_id")
    cards, texts = [], []
    for card in result.cards.values():
        row = info.loc[card.node]
        status = row["status"]
        tip = {"step": row["label"], "status": "no status recorded" if status == analysis.NO_RECORD
               else statuses.label(status), "since": row["status_since"] or "–", "note": row["status_note"] or
               row["description"], "source": "; ".join(source_names(ctx, [row["status_source_id"]]))}
        cards.append({"node": card.node, "x": card.box.left, "x2": card.box.right, "y": card.box.top,
                      "y2": card.box.bottom, "stroke_width": 2.0 if row["kind"] in main else 0.8,
                      "dot_x": card.box.left + chain_layout.CARD_PADDING + DOT_RADIUS,
                      "dot_y": card.box.top + chain_layout.CARD_PADDING + LINE_HEIGHT / 2,
                      "fill": statuses.colour(status) if status in statuses else "#FFFFFF", **tip})
        left = card.box.left + chain_layout.CARD_PADDING
        top = card.box.top + chain_layout.CARD_PADDING
        texts.append({"node": card.node, "x": left + chain_layout.TITLE_INDENT, "y": top, "weight": "bold",
                      "style": "normal", "text": "\n".join(card.title_lines), **tip})
        texts.append({"node": card.node, "x": left, "y": top + LINE_HEIGHT * len(card.title_lines),
                      "weight": "normal", "style": "italic", "text": "\n".join(card.status_lines), **tip})
    points = []
    for i, link in enumerate(result.links):
        rel = relations[link.relation]
        edge = {"link": i, "relation": rel.label, "why": "", "dash": DASHES[str(rel["line"])]}
        points += [edge | {"x": x, "y": y, "seq": k} for k, (x, y) in enumerate(link.points)]
    return pd.DataFrame(cards), pd.DataFrame(texts), pd.DataFrame(points)


def _key(ctx: Context, used: set[str], width: float) -> alt.LayerChart:
    """One line per line style in use, defined by the relations that use it."""
    relations = ctx.vocab["relations"]
    rows = []
    for style in DASHES:
        names = [relations.label(r) for r in relations.ordered(used) if relations[r]["line"] == style]
        if names:
            rows.append({"style": style, "dash": DASHES[style], "text": "; ".join(names)})
    df = pd.DataFrame(rows)
    lines = [wrap(t, width - 60) for t in df["text"]]
    df["text"] = ["\n".join(t) for t in lines]
    tops = [sum(len(t) for t in lines[:i]) * LINE_HEIGHT + 6 * i for i in range(len(lines))]
    df["y"] = [top + LINE_HEIGHT / 2 for top in tops]  # a style's sample line sits by its first text line
    df["ty"] = [top for top in tops]
    df["x"], df["x2"], df["tx"] = 0, 36, 44
    px = {"scale": None, "axis": None}
    samples = alt.Chart(df).mark_rule(color=theme.MUTED_COLOUR, strokeWidth=1.5).encode(
        x=alt.X("x:Q", **px), x2="x2:Q", y=alt.Y("y:Q", **px), strokeDash=alt.StrokeDash("dash", scale=None))
    labels = alt.Chart(df).mark_text(align="left", baseline="top", fontSize=theme.FONT_SIZE, lineBreak="\n",
                                     lineHeight=LINE_HEIGHT).encode(
        x=alt.X("tx:Q", **px), y=alt.Y("ty:Q", **px), text="text:N")
    height = tops[-1] + LINE_HEIGHT * len(lines[-1])
    return alt.layer(samples, labels).properties(width=width, height=height)


def _layout(ctx: Context, graph, nodes: pd.DataFrame, title: str, note: str, alt_text: str, width: float):
    plot = plot_width(width)
    result = chain_layout.layout(graph, card_texts(ctx, nodes), plot)
    cards, texts, points = _frames(ctx, nodes, result)
    px = {"scale": None, "axis": None}
    tooltip = [alt.Tooltip("step:N", title="Step"), alt.Tooltip("status:N", title="Status"),
               alt.Tooltip("since:N", title="Recorded"), alt.Tooltip("note:N", title="Note"),
               alt.Tooltip("source:N", title="Source")]
    frames = alt.Chart(cards).mark_rect(fill="white", stroke=theme.TEXT_COLOUR, cornerRadius=3).encode(
        x=alt.X("x:Q", **px), x2="x2:Q", y=alt.Y("y:Q", **px), y2="y2:Q",
        strokeWidth=alt.StrokeWidth("stroke_width:Q", scale=None), tooltip=tooltip)
    dots = alt.Chart(cards).mark_circle(size=3.14 * DOT_RADIUS ** 2 * 1.6, opacity=1, stroke=theme.TEXT_COLOUR,
                                        strokeWidth=0.8).encode(
        x=alt.X("dot_x:Q", **px), y=alt.Y("dot_y:Q", **px), color=alt.Color("fill:N", scale=None), tooltip=tooltip)
    words = [alt.Chart(texts[texts["weight"] == weight]).mark_text(
        align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT, fontSize=theme.FONT_SIZE,
        fontWeight=weight, fontStyle=style, color=theme.TEXT_COLOUR if weight == "bold" else theme.MUTED_COLOUR).encode(
        x=alt.X("x:Q", **px), y=alt.Y("y:Q", **px), text="text:N", tooltip=tooltip)
        for weight, style in (("bold", "normal"), ("normal", "italic"))]
    layers = [frames, dots, *words]
    if not points.empty:
        link_tip = [alt.Tooltip("relation:N", title="Link")]
        layers.insert(0, alt.Chart(points).mark_line(color=theme.MUTED_COLOUR, strokeWidth=1.4).encode(
            x=alt.X("x:Q", **px), y=alt.Y("y:Q", **px), detail="link:N", order="seq:Q",
            strokeDash=alt.StrokeDash("dash", scale=None), tooltip=link_tip))
        heads = points.sort_values("seq").groupby("link").tail(1)
        layers.insert(1, alt.Chart(heads).mark_point(shape="triangle-down", filled=True, size=45, opacity=1,
                                                     color=theme.MUTED_COLOUR, yOffset=-4).encode(
            x=alt.X("x:Q", **px), y=alt.Y("y:Q", **px), tooltip=link_tip))
    chart = alt.layer(*layers).properties(width=plot, height=result.height)
    key = _key(ctx, {link.relation for link in result.links}, plot)
    return finish(alt.vconcat(chart, key, spacing=16), title, note, alt_text, width)


def chain_chart(ctx: Context) -> Figure:
    graph = analysis.chain_graph(ctx)
    nodes = analysis.chain_nodes(ctx)
    day = short_day(ctx.as_of)
    if nodes.empty:
        return no_data(ctx, f"No step of the dependency chain is known by {day}",
                       f"no step of the chain dated and known by {day}", "The dependency chain: nothing known yet.")
    wait = analysis.chain_waiting_on(ctx)
    statuses = ctx.vocab["statuses"]
    if wait is None:
        title = f"Every main step of the chain is settled as of {day}"
    else:
        state = statuses.label(wait.status).lower() + (f" {wait.since}" if wait.since else "")
        held = f" waits on {len(wait.blockers)} open condition{'s' if len(wait.blockers) != 1 else ''}" \
            if wait.blockers else " is the first step not settled"
        title = f"The {wait.label[0].lower() + wait.label[1:]} ({state}){held}"
    sources = tuple(sorted(set(nodes["status_source_id"]) | set(ctx.facts("chain_edges")["source_id"])))
    relations = ctx.vocab["relations"]
    texts = card_texts(ctx, nodes)  # once: per step it made the alt text quadratic in the steps
    steps = "; ".join(f"{n.label}: {texts[n.node_id][1]}" for n in nodes.itertuples())
    labels = dict(zip(nodes["node_id"], nodes["label"], strict=True))
    links = "; ".join(f"{labels[a]} {relations.label(d['relation'])} {labels[b]}"
                      for a, b, d in sorted(graph.edges(data=True)))
    alt_text = (f"Diagram of the dependency chain, {len(nodes)} steps and {graph.number_of_edges()} links, each step "
                f"with its status as of {day}. Steps: {steps}. Links: {links}.")
    caption = (f"The dependency chain: what the agreement waits on, what follows it, and what a framework would "
               f"defer; statuses as of {day}.")
    wide, narrow = both(lambda width: _layout(ctx, graph, nodes, title, ctx.citations.note(sources), alt_text,
                                              width))
    return Figure(wide, caption, alt_text, sources, narrow)

