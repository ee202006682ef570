"""Geometry of the dependency-chain chart: layered cards, top to bottom, and the edges between them.

Each step is a card holding its name and its status. Layers follow the links: a step sits one
layer below the lowest of its inputs (longest path), and a step without inputs sits just above
the first step it feeds, so conditions stay next to what they condition. A link that skips
layers passes through a reserved empty slot in every layer it crosses (the classic "dummy node"),
so no line ever crosses a card. Within a layer, cards are ordered by the mean position of their
neighbours (a few down and up sweeps). Every card gets an equal share of the row; links leave a
card's bottom edge and enter the next card's top edge at spread-out points.

Pure Python on purpose: the chart draws exactly these boxes, and the tests check them for
overlaps (card against card, link against card) on any data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from .text import LINE_HEIGHT, Box, text_width, wrap_fit

CARD_PADDING = 6
ROW_GAP = 28  # vertical room between layers for the links
DUMMY_WIDTH = 18
SLOT_GAP = 10
MAX_CARD_WIDTH = 230
MIN_CARD_WIDTH = 125  # a layer with more cards than fit at this width is split into sub-rows
TITLE_INDENT = 14  # the status dot before the title
SWEEPS = 4


@dataclass(frozen=True)
class Card:
    node: str
    box: Box
    title_lines: tuple[str, ...]
    status_lines: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    relation: str
    points: tuple[tuple[float, float], ...]  # the polyline, from the source card to the target card


@dataclass
class Layout:
    cards: dict[str, Card] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0


def layers(graph: nx.DiGraph) -> dict[str, int]:
    """Layer of every node: longest path from the roots, roots pulled down next to what they feed."""
    layer: dict[str, int] = {}
    for node in nx.lexicographical_topological_sort(graph):
        layer[node] = max((layer[p] + 1 for p in graph.predecessors(node)), default=0)
    for node in sorted(graph):
        if graph.in_degree(node) == 0 and graph.out_degree(node) > 0:
            layer[node] = min(layer[s] for s in graph.successors(node)) - 1
    low = min(layer.values(), default=0)
    return {node: value - low for node, value in layer.items()}


def split_wide(layer: dict[str, int], per_row: int) -> dict[str, int]:
    """Spread a layer with more than ``per_row`` cards over sub-rows (every other card one row
    lower), renumbering the layers below; links from an upper sub-row then pass the lower one
    through reserved slots like any long link."""
    result, shift = {}, 0
    for depth in sorted(set(layer.values())):
        members = sorted(n for n in layer if layer[n] == depth)
        rows = max(1, -(-len(members) // per_row))
        for i, node in enumerate(members):
            result[node] = depth + shift + i % rows
        shift += rows - 1
    return result


def _with_dummies(graph: nx.DiGraph, layer: dict[str, int]) -> tuple[dict[int, list[str]], dict, dict]:
    """Layers as lists (cards and dummy slots), each link's path of nodes, and every segment's ends."""
    rows: dict[int, list[str]] = defaultdict(list)
    for node in sorted(graph):
        rows[layer[node]].append(node)
    paths, adjacency = {}, defaultdict(set)
    for source, target in sorted(graph.edges):
        path = [source]
        for depth in range(layer[source] + 1, layer[target]):
            dummy = f"\0{source}\0{target}\0{depth}"
            rows[depth].append(dummy)
            path.append(dummy)
        path.append(target)
        paths[(source, target)] = path
        for a, b in zip(path, path[1:], strict=False):
            adjacency[a].add(b)
            adjacency[b].add(a)
    return dict(rows), paths, adjacency


def _order(rows: dict[int, list[str]], adjacency: dict) -> dict[int, list[str]]:
    """Barycentre ordering: each layer sorted by the mean index of its neighbours in the layer before."""
    index = {node: i for depth in rows for i, node in enumerate(rows[depth])}
    depths = sorted(rows)
    for sweep in range(SWEEPS):
        sequence = depths[1:] if sweep % 2 == 0 else depths[-2::-1]
        for depth in sequence:
            near = depth - 1 if sweep % 2 == 0 else depth + 1
            members = set(rows.get(near, []))

            def key(node, members=members):
                around = [index[n] for n in adjacency[node] if n in members]
                return (sum(around) / len(around) if around else index[node], node)

            rows[depth] = sorted(rows[depth], key=key)
            index.update({node: i for i, node in enumerate(rows[depth])})
    return rows


def layout(graph: nx.DiGraph, texts: dict[str, tuple[str, str]], width: float) -> Layout:
    """Place every card and link. ``texts`` maps a node to (title, status line)."""
    result = Layout(width=width)
    if not graph:
        return result
    per_row = max(1, int((width + SLOT_GAP) // (MIN_CARD_WIDTH + SLOT_GAP)))
    layer = split_wide(layers(graph), per_row)
    rows, paths, adjacency = _with_dummies(graph, layer)
    rows = _order(rows, adjacency)
    centres: dict[str, tuple[float, float, float]] = {}  # node -> (x centre, top, bottom)
    y = 0.0
    for depth in sorted(rows):
        members = rows[depth]
        dummies = sum(1 for m in members if m.startswith("\0"))
        cards = len(members) - dummies
        card_width = min(MAX_CARD_WIDTH, (width - dummies * DUMMY_WIDTH - SLOT_GAP * (len(members) - 1))
                         / max(1, cards))
        used = cards * card_width + dummies * DUMMY_WIDTH + SLOT_GAP * (len(members) - 1)
        built, x = {}, (width - used) / 2
        for node in members:
            if node.startswith("\0"):
                centres[node] = (x + DUMMY_WIDTH / 2, None, None)
                x += DUMMY_WIDTH + SLOT_GAP
                continue
            title, status = texts[node]
            inner = card_width - 2 * CARD_PADDING
            built[node] = (x, wrap_fit(title, inner - TITLE_INDENT, bold=True), wrap_fit(status, inner))
            x += card_width + SLOT_GAP
        height = max((len(t) + len(s)) * LINE_HEIGHT + 2 * CARD_PADDING for _, t, s in built.values()) if built \
            else LINE_HEIGHT
        for node, (left, title_lines, status_lines) in built.items():
            box = Box(left, y, left + card_width, y + height, node)
            result.cards[node] = Card(node, box, title_lines, status_lines)
            centres[node] = (left + card_width / 2, y, y + height)
        for node in members:
            if node.startswith("\0"):
                centres[node] = (centres[node][0], y, y + height)
        y += height + ROW_GAP
    result.height = y - ROW_GAP
    result.links = _links(graph, paths, centres, result.cards)
    return result


def _spread(card: Card, count: int, k: int) -> float:
    return card.box.left + (k + 1) * (card.box.right - card.box.left) / (count + 1)


def _links(graph: nx.DiGraph, paths: dict, centres: dict, cards: dict[str, Card]) -> list[Link]:
    """Polylines: out of the source card's bottom, through dummy slots, into the target card's top."""
    def first_hop_x(path):
        return centres[path[1]][0]

    outgoing, incoming = defaultdict(list), defaultdict(list)
    for (source, target), path in paths.items():
        outgoing[source].append((first_hop_x(path), (source, target)))
        incoming[target].append((centres[path[-2]][0], (source, target)))
    start_x = {edge: _spread(cards[s], len(items), k) for s, items in outgoing.items()
               for k, (_, edge) in enumerate(sorted(items))}
    end_x = {edge: _spread(cards[t], len(items), k) for t, items in incoming.items()
             for k, (_, edge) in enumerate(sorted(items))}
    links = []
    for (source, target), path in sorted(paths.items()):
        points = [(start_x[(source, target)], cards[source].box.bottom)]
        for dummy in path[1:-1]:
            x, top, bottom = centres[dummy]
            points += [(x, top), (x, bottom)]
        points.append((end_x[(source, target)], cards[target].box.top))
        links.append(Link(source, target, graph.edges[source, target]["relation"], tuple(points)))
    return links


def collisions(result: Layout) -> list[str]:
    """Every overlap a reader would see: text wider than its card, card on card, link through a card
    it does not connect."""
    problems = []
    cards = list(result.cards.values())
    for card in cards:
        inner = card.box.right - card.box.left - 2 * CARD_PADDING
        if any(text_width(t, bold=True) > inner - TITLE_INDENT for t in card.title_lines) or \
                any(text_width(t) > inner for t in card.status_lines):
            problems.append(f"the text of card {card.node} is wider than the card")
    for i, card in enumerate(cards):
        for other in cards[i + 1:]:
            if card.box.overlaps(other.box):
                problems.append(f"cards {card.node} and {other.node} overlap")
    for link in result.links:
        for card in cards:
            if card.node in (link.source, link.target):
                continue
            # a link may run along a card's edge, not through its inside
            if any(card.box.crosses(a, b, gap=-0.5) for a, b in zip(link.points, link.points[1:], strict=False)):
                problems.append(f"link {link.source} → {link.target} crosses card {card.node}")
    return problems
