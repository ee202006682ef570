"""Figure: the dependency chain — from the draft agreement to Armenia–Turkey normalization and a
comprehensive deal, with the conditions, the steps taken and the issues a framework would defer.

Cards (placed by :mod:`chain_layout`) hold each step's name and its status in words; main steps
have a heavier frame and settled steps (statuses.csv ``settled``) are shaded — the one status
distinction drawn, since the card says the status itself. Links are drawn in the line style their
relation declares (vocabulary/relations.csv ``line``), conditions of one step are grouped under
their relation's ``group_label``, steps already taken and issues left for later sit beside the
step they feed, and a key under the chart defines each line style by the relations that use it
and the shading — so the chart needs no colour legend and no edge labels.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import analysis, theme
from ..context import Context
from ..dates import short_day
from ..sections import and_list
from ..text import number_words
from . import chain_layout
from .common import PX, Figure, both, chart_of, finish, layer, no_data, plot_width, source_names, vconcat
from .text import LINE_HEIGHT, wrap

DASHES = {"solid": [1, 0], "dashed": [7, 4], "dotted": [2, 3]}
SETTLED_FILL = "#E8E8E8"
ARROWS = {"down": ("triangle-down", 0, -4), "right": ("triangle-right", -4, 0), "left": ("triangle-left", 4, 0)}


def kinds(ctx: Context) -> chain_layout.Kinds:
    """The relations as the layout needs them: which block, and each one's group heading, in order."""
    relations = ctx.vocab["relations"]
    return chain_layout.Kinds(frozenset(relations.where("blocking")),
                              {r: str(relations[r].get("group_label") or "") for r in relations.ids()})


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
    main, settled = set(kinds.where("main")), set(statuses.where("settled"))
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
                      "fill": SETTLED_FILL if status in settled else "white", **tip})
        left = card.box.left + chain_layout.CARD_PADDING
        top = card.box.top + chain_layout.CARD_PADDING
        texts.append({"node": card.node, "x": left, "y": top, "weight": "bold", "style": "normal",
                      "text": "\n".join(card.title_lines), **tip})
        texts.append({"node": card.node, "x": left, "y": top + LINE_HEIGHT * len(card.title_lines),
                      "weight": "normal", "style": "italic", "text": "\n".join(card.status_lines), **tip})
    points = []
    for i, link in enumerate(result.links):
        rel = relations[link.relation]
        edge = {"link": i, "relation": rel.label, "arrow": link.arrow, "dash": DASHES[str(rel["line"])]}
        points += [edge | {"x": x, "y": y, "seq": k} for k, (x, y) in enumerate(link.points)]
    return pd.DataFrame(cards), pd.DataFrame(texts), pd.DataFrame(points)


def _key(ctx: Context, used: set[str], shaded: list[str], width: float) -> alt.LayerChart:
    """One line per line style in use, defined by the relations that use it, and the shading of
    settled steps with the statuses it stands for."""
    relations = ctx.vocab["relations"]
    rows = []
    for style in DASHES:
        names = [relations.label(r) for r in relations.ordered(used) if relations[r]["line"] == style]
        if names:
            rows.append({"dash": DASHES[style], "fill": "", "text": "; ".join(names)})
    if shaded:
        rows.append({"dash": [1, 0], "fill": SETTLED_FILL, "text": f"settled: {'; '.join(shaded)}"})
    df = pd.DataFrame(rows)
    lines = [wrap(t, width - 60) for t in df["text"]]
    df["text"] = ["\n".join(t) for t in lines]
    tops = [sum(len(t) for t in lines[:i]) * LINE_HEIGHT + 6 * i for i in range(len(lines))]
    df["y"] = [top + LINE_HEIGHT / 2 for top in tops]  # a style's sample line sits by its first text line
    df["ty"], df["y1"], df["y2"] = tops, [t + 1 for t in tops], [t + LINE_HEIGHT - 1 for t in tops]
    df["x"], df["x2"], df["tx"] = 0, 36, 44
    lines_df, swatches = df[df["fill"] == ""], df[df["fill"] != ""]
    layers = [chart_of(df).mark_text(align="left", baseline="top", fontSize=theme.FONT_SIZE, lineBreak="\n",
                                      lineHeight=LINE_HEIGHT).encode(
        x=alt.X("tx:Q", **PX), y=alt.Y("ty:Q", **PX), text=alt.Text("text:N"))]
    if not lines_df.empty:
        layers.append(chart_of(lines_df).mark_rule(color=theme.MUTED_COLOUR, strokeWidth=1.5).encode(
            x=alt.X("x:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y:Q", **PX),
            strokeDash=alt.StrokeDash("dash:N", scale=None)))
    if not swatches.empty:
        layers.append(chart_of(swatches).mark_rect(stroke=theme.TEXT_COLOUR, strokeWidth=0.8, cornerRadius=3).encode(
            x=alt.X("x:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y1:Q", **PX), y2=alt.Y2("y2:Q"),
            fill=alt.Fill("fill:N", scale=None)))
    height = tops[-1] + LINE_HEIGHT * len(lines[-1])
    return layer(*layers, width=width, height=height)


TOOLTIP = [alt.Tooltip("step:N", title="Step"), alt.Tooltip("status:N", title="Status"),
           alt.Tooltip("since:N", title="Recorded"), alt.Tooltip("note:N", title="Note"),
           alt.Tooltip("source:N", title="Source")]


def _links(points: pd.DataFrame) -> list[alt.Chart]:
    """The links in their relations' line styles, each with an arrowhead pointing into its target."""
    link_tip = [alt.Tooltip("relation:N", title="Link")]
    layers = [chart_of(points).mark_line(color=theme.MUTED_COLOUR, strokeWidth=1.4).encode(
        x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), detail=alt.Detail("link:N"), order=alt.Order("seq:Q"),
        strokeDash=alt.StrokeDash("dash:N", scale=None), tooltip=link_tip)]
    heads = points.sort_values("seq").groupby("link").tail(1)
    for arrow, (shape, dx, dy) in ARROWS.items():
        if (heads["arrow"] == arrow).any():
            layers.append(chart_of(heads[heads["arrow"] == arrow]).mark_point(
                shape=shape, filled=True, size=45, opacity=1, color=theme.MUTED_COLOUR, xOffset=dx, yOffset=dy).encode(
                x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), tooltip=link_tip))
    return layers


def _layout(ctx: Context, graph, nodes: pd.DataFrame, title: str, note: str, alt_text: str, width: float):
    plot = plot_width(width)
    result = chain_layout.layout(graph, card_texts(ctx, nodes), plot, kinds(ctx))
    cards, texts, points = _frames(ctx, nodes, result)
    frames = chart_of(cards).mark_rect(stroke=theme.TEXT_COLOUR, cornerRadius=3).encode(
        x=alt.X("x:Q", **PX), x2=alt.X2("x2:Q"), y=alt.Y("y:Q", **PX), y2=alt.Y2("y2:Q"),
        fill=alt.Fill("fill:N", scale=None), strokeWidth=alt.StrokeWidth("stroke_width:Q", scale=None), tooltip=TOOLTIP)
    words = [chart_of(texts[texts["weight"] == weight]).mark_text(
        align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT, fontSize=theme.FONT_SIZE,
        fontWeight=weight, fontStyle=style, color=theme.TEXT_COLOUR if weight == "bold" else theme.MUTED_COLOUR).encode(
        x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("text:N"), tooltip=TOOLTIP)
        for weight, style in (("bold", "normal"), ("normal", "italic"))]
    layers = [*(_links(points) if not points.empty else []), frames, *words]
    if result.headings:
        heads = pd.DataFrame([{"text": h.text, "x": h.x, "y": h.top} for h in result.headings])
        layers.append(chart_of(heads).mark_text(align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT,
                                                 fontWeight="bold", color=theme.MUTED_COLOUR).encode(
            x=alt.X("x:Q", **PX), y=alt.Y("y:Q", **PX), text=alt.Text("text:N")))
    chart = layer(*layers, width=plot, height=result.height)
    statuses = ctx.vocab["statuses"]
    shaded = [statuses.label(s) for s in statuses.ordered(set(nodes["status"]) & set(statuses.where("settled")))]
    key = _key(ctx, {link.relation for link in result.links}, shaded, plot)
    return finish(vconcat(chart, key, spacing=16), title, note, alt_text, width)


def title(ctx: Context, graph, nodes: pd.DataFrame) -> str:
    """What the first unsettled main step waits on, by kind of condition (the relations' group
    labels), and which main steps wait on it in turn (``graph`` and ``nodes``: the chain's, as drawn)."""
    wait = analysis.chain_waiting_on(ctx)
    if wait is None:
        return f"Every main step of the chain is settled as of {short_day(ctx.as_of)}"
    relations, kinds_ = ctx.vocab["relations"], ctx.vocab["node_kinds"]
    name = f"The {wait.label[0].lower() + wait.label[1:]}"
    if not wait.blockers:
        text = f"{name} ({ctx.vocab['statuses'].label(wait.status).lower()}) is the first step not settled"
    else:
        n = len(wait.blockers)
        text = f"{name} waits on {number_words(n)} condition{'s' if n != 1 else ''}"
        counts = {r: sum(1 for _, rel, _ in wait.blockers if rel == r) for r in relations.ordered(
            rel for _, rel, _ in wait.blockers)}
        if len(counts) > 1 and all(relations[r].get("group_label") for r in counts):
            text += ", " + and_list([f"{number_words(k)} {str(relations[r]['group_label']).lower()}"
                                     for r, k in counts.items()])
    info = nodes.set_index("node_id")
    blocking, main = set(relations.where("blocking")), set(kinds_.where("main"))
    after = [info.loc[t, "label"] for t in sorted(graph.successors(wait.node_id))
             if graph.edges[wait.node_id, t]["relation"] in blocking and info.loc[t, "kind"] in main]
    if after:
        text += f"; {and_list(after)} wait{'s' if len(after) == 1 else ''} on it"
    return text


def chain_chart(ctx: Context) -> Figure:
    graph = analysis.chain_graph(ctx)
    nodes = analysis.chain_nodes(ctx)
    day = short_day(ctx.as_of)
    if nodes.empty:
        return no_data(ctx, f"No step of the dependency chain is known by {day}",
                       f"no step of the chain dated and known by {day}", "The dependency chain: nothing known yet.")
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
    heading = title(ctx, graph, nodes)
    wide, narrow = both(lambda width: _layout(ctx, graph, nodes, heading, ctx.citations.note(sources), alt_text,
                                              width))
    return Figure(wide, caption, alt_text, sources, narrow)
