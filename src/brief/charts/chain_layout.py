"""Geometry of the dependency-chain chart: layered cards, top to bottom, and the links between them.

Each step is a card holding its name and its status. Layers follow the links: a step sits one
layer below the lowest of its inputs (longest path), and a step without inputs sits just above
the first step it feeds, so conditions stay next to what they condition. Two kinds of step
without inputs are placed apart from that flow:

* a *side step* feeds a single step through a relation that does not block it (a step already
  taken, an issue left for later): it sits beside its target, in the target's row, with a short
  link into the target's side — not above it, where it would read as waiting on the row above;
* *conditions* of one step through one blocking relation are kept together in their row, under
  the relation's heading (``Kinds.headings``, e.g. "Open in the text" apart from "Demanded
  outside the text"); on a narrow chart each group gets a sub-row of its own.

A link that skips layers passes through a reserved empty slot in every layer it crosses (the
classic "dummy node"), so no line ever crosses a card. Within a layer, cards are ordered by the
mean position of their neighbours (a few down and up sweeps), then neighbouring cards (or groups)
are swapped while that removes link crossings. Links leave a card's bottom edge and enter the
next card's top edge at spread-out points.

Pure Python on purpose: the chart draws exactly these boxes, and the tests check them for
overlaps (card against card, heading and link against card) and count the link crossings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import networkx as nx

from .text import LINE_HEIGHT, Block, Box, Point, text_width, widest_word, wrap_words

CARD_PADDING = 6
ROW_GAP = 28  # vertical room between layers for the links
DUMMY_WIDTH = 18
SLOT_GAP = 10
SIDE_GAP = 26  # room for the short link between a side step and its target
HEADING_GAP = 4  # pixels between a group's heading and its cards
MAX_CARD_WIDTH = 230
MIN_CARD_WIDTH = 125  # a layer with more cards than fit at this width is split into sub-rows
SWEEPS = 4


@dataclass(frozen=True)
class Kinds:
    """What the layout needs to know of the relations: which ones block their target (a step that
    feeds one step through a relation that does not block it is drawn beside it), and the heading
    over a group of conditions of one relation (none when blank), in the order groups are drawn."""

    blocking: Collection[str] = frozenset()
    headings: Mapping[str, str] = field(default_factory=dict)


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
    points: tuple[Point, ...]  # the polyline, from the source card to the target card
    arrow: str = "down"  # how the arrowhead at the last point points: down, left or right


@dataclass
class Layout:
    cards: dict[str, Card] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    headings: list[Block] = field(default_factory=list)  # over groups of conditions
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


def side_steps(graph: nx.DiGraph, kinds: Kinds) -> dict[str, str]:
    """Steps drawn beside their target: no inputs, one link out, through a relation that does not block."""
    out = {}
    for node in sorted(graph):
        targets = list(graph.successors(node))
        if graph.in_degree(node) == 0 and len(targets) == 1 and \
                graph.edges[node, targets[0]]["relation"] not in kinds.blocking:
            out[node] = targets[0]
    return out


def condition_groups(graph: nx.DiGraph, kinds: Kinds) -> dict[str, tuple[str, int, str]]:
    """Steps without inputs that block a step: node → (target, the relation's place in the heading
    order, relation). Conditions of one target through one relation form a group."""
    order = {r: i for i, r in enumerate(kinds.headings)}
    out = {}
    for node in sorted(graph):
        if graph.in_degree(node) == 0:
            blocks = sorted((t, graph.edges[node, t]["relation"]) for t in graph.successors(node)
                            if graph.edges[node, t]["relation"] in kinds.blocking)
            if blocks:
                target, relation = blocks[0]
                out[node] = (target, order.get(relation, len(order)), relation)
    return out


def split_wide(layer: dict[str, int], per_row: int, groups: Mapping[str, tuple] | None = None,
               flip: bool = False) -> dict[str, int]:
    """Spread a layer with more than ``per_row`` cards over sub-rows, renumbering the layers below;
    links from an upper sub-row then pass the lower one through reserved slots like any long link.
    Groups of conditions are packed whole, a group to a sub-row where they fit (``flip``: those
    sub-rows in reverse order); other cards go every other card one row lower."""
    groups = groups or {}
    result, shift = {}, 0
    for depth in sorted(set(layer.values())):
        members = sorted(n for n in layer if layer[n] == depth)
        packs: list[list[str]] = []
        for key in sorted({groups[n] for n in members if n in groups}):
            packs.append([n for n in members if groups.get(n) == key])
        packs.append([n for n in members if n not in groups])
        packs = [p for p in packs if p]
        if len(members) <= per_row or len(packs) == 1 or any(len(p) > per_row for p in packs):
            rows = max(1, -(-len(members) // per_row))
            for i, node in enumerate(members):
                result[node] = depth + shift + i % rows
        else:
            sub_rows = _pack(packs, per_row)[::-1 if flip else 1]
            for i, row in enumerate(sub_rows):
                result.update({node: depth + shift + i for node in row})
            rows = len(sub_rows)
        shift += rows - 1
    return result


def _pack(packs: list[list[str]], per_row: int) -> list[list[str]]:
    """Whole packs into as few rows of at most ``per_row`` cards as first fit gives."""
    rows: list[list[str]] = []
    for pack in packs:
        row = next((r for r in rows if len(r) + len(pack) <= per_row), None)
        if row is None:
            rows.append(list(pack))
        else:
            row += pack
    return rows


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


def _runs(members: list[str], groups: Mapping[str, tuple]) -> list[list[str]]:
    """A layer's members as runs: each group of conditions one run, every other member its own."""
    runs: list[list[str]] = []
    for node in members:
        if runs and node in groups and groups.get(runs[-1][0]) == groups[node]:
            runs[-1].append(node)
        else:
            runs.append([node])
    return runs


def _crossings(upper: list[str], lower: list[str], segments: set[tuple[str, str]]) -> int:
    """Pairs of links between two neighbouring layers that cross (their ends in opposite orders)."""
    up, down = {n: i for i, n in enumerate(upper)}, {n: i for i, n in enumerate(lower)}
    ends = sorted((up[a], down[b]) for a, b in segments if a in up and b in down)
    return sum(1 for i, (a1, b1) in enumerate(ends) for a2, b2 in ends[i + 1:] if (a1 - a2) * (b1 - b2) < 0)


def _barycentres(rows: dict[int, list[str]], adjacency: dict) -> None:
    """Each layer sorted by the mean index of its neighbours in the layer before (down and up sweeps)."""
    index = {node: i for depth in rows for i, node in enumerate(rows[depth])}
    depths = sorted(rows)
    for sweep in range(SWEEPS):
        for depth in (depths[1:] if sweep % 2 == 0 else depths[-2::-1]):
            members = set(rows.get(depth - 1 if sweep % 2 == 0 else depth + 1, []))

            def key(node, members=members):
                around = [index[n] for n in adjacency[node] if n in members]
                return (sum(around) / len(around) if around else index[node], node)

            rows[depth] = sorted(rows[depth], key=key)
            index.update({node: i for i, node in enumerate(rows[depth])})


def _contiguous(members: list[str], groups: Mapping[str, tuple]) -> list[str]:
    """The members with each group of conditions together, where its members sit on average."""
    at = defaultdict(list)
    for i, node in enumerate(members):
        at[groups.get(node, (node,))].append(i)
    return sorted(members, key=lambda n: (sum(at[groups.get(n, (n,))]) / len(at[groups.get(n, (n,))]),
                                          groups.get(n, (n,)), members.index(n)))


def _xs(members: list[str], width: float) -> dict[str, float]:
    """Where the members of a row will roughly be centred: cards share the room dummies leave."""
    dummies = sum(1 for m in members if m.startswith("\0"))
    gaps = SLOT_GAP * (len(members) - 1)
    card = min(MAX_CARD_WIDTH, (width - dummies * DUMMY_WIDTH - gaps) / max(1, len(members) - dummies))
    sizes = [DUMMY_WIDTH if m.startswith("\0") else card for m in members]
    x, out = (width - sum(sizes) - gaps) / 2, {}
    for member, size in zip(members, sizes, strict=True):
        out[member] = x + size / 2
        x += size + SLOT_GAP
    return out


def _passing(upper: list[str], card_row: list[str], lower: list[str], adjacency: dict, width: float) -> int:
    """Long links that seem to run on past a card: pairs of one long link coming into a card of
    ``card_row`` from one side (out of a pass-through slot in the row above) and another leaving it
    to the same side (into a slot in the row below) — read as one line passing the card."""
    above, here, below = _xs(upper, width), _xs(card_row, width), _xs(lower, width)
    count = 0
    for card in card_row:
        if card.startswith("\0"):
            continue
        into = [n for n in adjacency[card] if n in above and n.startswith("\0")]
        out = [n for n in adjacency[card] if n in below and n.startswith("\0")]
        count += sum(1 for a in into for b in out if (above[a] > here[card]) == (below[b] > here[card]))
    return count


def _order(rows: dict[int, list[str]], adjacency: dict, segments: set, groups: Mapping[str, tuple],
           width: float) -> dict[int, list[str]]:
    """Barycentre sweeps, groups of conditions made contiguous, then neighbouring runs (cards or
    groups) swapped while that lowers the crossings with the layers above and below, or keeps them
    and lowers the long links that seem to run on past a card."""
    _barycentres(rows, adjacency)
    for depth in rows:
        rows[depth] = _contiguous(rows[depth], groups)

    def cost(depth: int, order: list[str]) -> tuple[int, int]:
        near = {**rows, depth: order}
        return (_crossings(rows.get(depth - 1, []), order, segments)
                + _crossings(order, rows.get(depth + 1, []), segments),
                sum(_passing(near.get(d - 1, []), near[d], near.get(d + 1, []), adjacency, width)
                    for d in (depth - 1, depth, depth + 1) if d in near))

    for _ in range(sum(len(m) for m in rows.values())):  # each pass removes a crossing, or stops
        improved = False
        for depth in sorted(rows):
            runs = _runs(rows[depth], groups)
            for i in range(len(runs) - 1):
                swapped = runs[:i] + [runs[i + 1], runs[i]] + runs[i + 2:]
                order = [n for run in swapped for n in run]
                if cost(depth, order) < cost(depth, rows[depth]):
                    rows[depth], runs, improved = order, swapped, True
        if not improved:
            break
    return rows


def _slots(members: list[str], beside: Mapping[str, list[str]], per_row: int) -> list[tuple[str, list[str]]]:
    """A row's slots from left to right: ("card", [node]), ("dummy", [slot]) or ("side", side steps
    stacked). A target's side steps go half to its left and half to its right, each half stacked in
    one slot, when the row has room for that many slots; otherwise all are stacked on its right. Only
    a slot next to its target can link straight into it, so side steps never stand in a row."""
    slots = sum(1 for m in members if not m.startswith("\0")) + sum(min(2, len(beside.get(m, []))) for m in members)
    out: list[tuple[str, list[str]]] = []
    for node in members:
        sides = beside.get(node, [])
        if node.startswith("\0"):
            out.append(("dummy", [node]))
        elif not sides:
            out.append(("card", [node]))
        elif slots <= per_row:
            half = len(sides) // 2
            out += [("side", sides[:half])] * bool(half) + [("card", [node]), ("side", sides[half:])]
        else:
            out += [("card", [node]), ("side", list(sides))]
    return out


def _gaps(slots: list[tuple[str, list[str]]]) -> list[float]:
    """Room between each slot and the next: wider where a side step's link runs."""
    return [SIDE_GAP if "side" in (a[0], b[0]) else SLOT_GAP for a, b in zip(slots, slots[1:], strict=False)]


@dataclass(frozen=True)
class _Texts:
    texts: Mapping[str, tuple[str, str]]  # node → (title, status)

    def lines(self, node: str, card_width: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
        title, status = self.texts[node]
        inner = card_width - 2 * CARD_PADDING
        return wrap_words(title, inner, bold=True), wrap_words(status, inner)

    def least_width(self, node: str, compounds_break: bool) -> float:
        """The narrowest card that keeps every word of the node's texts whole on a line."""
        title, status = self.texts[node]
        return 2 * CARD_PADDING + max(widest_word(title, bold=True, compounds_break=compounds_break),
                                      widest_word(status, compounds_break=compounds_break))


def _widths(slots, texts: _Texts, room: float) -> list[float]:
    """Each slot's width: a dummy's fixed; cards share ``room`` equally (at most MAX_CARD_WIDTH each),
    except that a card whose longest word needs more gets what it needs and the others share the rest.
    Where that cannot fit, compound words may break after their dashes; failing that too, the cards
    share equally and the longest words are hyphenated."""
    cards = [i for i, (kind, _) in enumerate(slots) if kind != "dummy"]
    widths = [DUMMY_WIDTH] * len(slots)
    for compounds_break in (False, True):
        need = {i: max(texts.least_width(n, compounds_break) for n in slots[i][1]) for i in cards}
        if sum(need.values()) <= room:
            break
    else:
        need = dict.fromkeys(cards, 0.0)
    free, left = set(cards), room
    while free:
        share = min(MAX_CARD_WIDTH, left / len(free))
        wide = {i for i in free if need[i] > share}
        if not wide:
            break
        for i in wide:
            widths[i], left = need[i], left - need[i]
        free -= wide
    for i in free:
        widths[i] = share
    return widths


def _headings(slots, lefts: list[float], widths: list[float], groups: Mapping[str, tuple],
              kinds: Kinds, top: float) -> list[Block]:
    """A heading over each group of conditions whose relation has one, as wide as the group."""
    spans: dict[tuple, list[tuple[float, float]]] = {}
    for (kind, nodes), left, width in zip(slots, lefts, widths, strict=True):
        if kind == "card" and nodes[0] in groups and kinds.headings.get(groups[nodes[0]][2]):
            spans.setdefault(groups[nodes[0]], []).append((left, left + width))
    return [Block(wrap_words(kinds.headings[key[2]], max(r for _, r in xs) - min(lf for lf, _ in xs), bold=True),
                  min(lf for lf, _ in xs), top, "left", bold=True) for key, xs in spans.items()]


def _place_row(slots, y: float, width: float, texts: _Texts, groups, kinds: Kinds, result: Layout) -> dict:
    """Cards, stacks and dummy slots of one row from ``y`` down; returns node → (x centre, top,
    bottom) for every card and dummy (a dummy spans the row), and sets the row's headings."""
    gaps = _gaps(slots)
    dummies = sum(1 for kind, _ in slots if kind == "dummy")
    widths = _widths(slots, texts, width - dummies * DUMMY_WIDTH - sum(gaps))
    lefts, x = [], (width - sum(widths) - sum(gaps)) / 2
    for slot_width, gap in zip(widths, [*gaps, 0.0], strict=True):
        lefts.append(x)
        x += slot_width + gap
    lines = {n: texts.lines(n, w) for (kind, members), w in zip(slots, widths, strict=True) if kind != "dummy"
             for n in members}
    natural = {n: (len(t) + len(st)) * LINE_HEIGHT + 2 * CARD_PADDING for n, (t, st) in lines.items()}
    stacked = {n for kind, members in slots if kind == "side" and len(members) > 1 for n in members}
    # cards side by side share one height; cards stacked beside a target keep their own
    height = max([natural[n] for n in natural if n not in stacked] or [LINE_HEIGHT])
    headings = _headings(slots, lefts, widths, groups, kinds, y)
    result.headings += headings
    top = max([y] + [h.box.bottom + HEADING_GAP for h in headings])
    bottom = top + max([height] + [sum(natural[n] for n in m) + (len(m) - 1) * SLOT_GAP
                                   for k, m in slots if k == "side" and len(m) > 1])
    centres = {}
    for (kind, members), left, slot_width in zip(slots, lefts, widths, strict=True):
        if kind == "dummy":
            centres[members[0]] = (left + DUMMY_WIDTH / 2, y, bottom)
            continue
        card_top = top
        for node in members:
            card_bottom = card_top + (natural[node] if node in stacked else height)
            result.cards[node] = Card(node, Box(left, card_top, left + slot_width, card_bottom, node), *lines[node])
            centres[node] = (left + slot_width / 2, card_top, bottom)
            card_top = card_bottom + SLOT_GAP
    return centres


def _arrange(core: nx.DiGraph, groups: Mapping[str, tuple], per_row: int, width: float) -> tuple[dict, dict]:
    """Rows (cards and pass-through slots, ordered) and each link's path, with the sub-rows of
    conditions in whichever order gives fewer crossings, then fewer links seeming to run on past a
    card (on a phone the open points' lines ran down beside the next long link, review)."""
    best = None
    for flip in (False, True):
        rows, paths, adjacency = _with_dummies(core, split_wide(layers(core), per_row, groups, flip))
        segments = {(a, b) for path in paths.values() for a, b in zip(path, path[1:], strict=False)}
        rows = _order(rows, adjacency, segments, groups, width)
        depths = sorted(rows)
        score = (sum(_crossings(rows[d], rows.get(d + 1, []), segments) for d in depths),
                 sum(_passing(rows.get(d - 1, []), rows[d], rows.get(d + 1, []), adjacency, width) for d in depths))
        if best is None or score < best[0]:
            best = (score, rows, paths)
    return best[1], best[2]


def layout(graph: nx.DiGraph, texts: dict[str, tuple[str, str]], width: float, kinds: Kinds = Kinds()) -> Layout:
    """Place every card, heading and link. ``texts`` maps a node to (title, status line)."""
    result = Layout(width=width)
    if not graph:
        return result
    beside_of = side_steps(graph, kinds)
    core = graph.subgraph(n for n in graph if n not in beside_of)
    groups = condition_groups(core, kinds)
    per_row = max(1, int((width + SLOT_GAP) // (MIN_CARD_WIDTH + SLOT_GAP)))
    rows, paths = _arrange(core, groups, per_row, width)
    beside: dict[str, list[str]] = defaultdict(list)
    for node, target in sorted(beside_of.items()):
        beside[target].append(node)
    centres: dict[str, tuple[float, float, float]] = {}
    y = 0.0
    for depth in sorted(rows):
        centres.update(_place_row(_slots(rows[depth], beside, per_row), y, width, _Texts(texts), groups, kinds,
                                  result))
        y = max(bottom for node, (_, _, bottom) in centres.items() if node in rows[depth]) + ROW_GAP
    result.height = y - ROW_GAP
    result.links = _links(core, paths, centres, result.cards) + _side_links(graph, beside, result.cards)
    return result


def _spread(card: Card, count: int, k: int) -> float:
    return card.box.left + (k + 1) * (card.box.right - card.box.left) / (count + 1)


def _links(graph: nx.DiGraph, paths: dict, centres: dict, cards: dict[str, Card]) -> list[Link]:
    """Polylines: out of the source card's bottom (straight down to the foot of its row, if a stack
    beside it makes the row taller), through dummy slots, into the target card's top."""
    outgoing, incoming = defaultdict(list), defaultdict(list)
    for (source, target), path in paths.items():
        outgoing[source].append((centres[path[1]][0], (source, target)))
        incoming[target].append((centres[path[-2]][0], (source, target)))
    start_x = {edge: _spread(cards[s], len(items), k) for s, items in outgoing.items()
               for k, (_, edge) in enumerate(sorted(items))}
    end_x = {edge: _spread(cards[t], len(items), k) for t, items in incoming.items()
             for k, (_, edge) in enumerate(sorted(items))}
    links = []
    for (source, target), path in sorted(paths.items()):
        x, foot = start_x[(source, target)], centres[source][2]
        points = [(x, cards[source].box.bottom)] + ([(x, foot)] if foot > cards[source].box.bottom else [])
        for dummy in path[1:-1]:
            dx, top, bottom = centres[dummy]
            points += [(dx, top), (dx, bottom)]
        points.append((end_x[(source, target)], cards[target].box.top))
        links.append(Link(source, target, graph.edges[source, target]["relation"], tuple(points)))
    return links


def _side_links(graph: nx.DiGraph, beside: Mapping[str, list[str]], cards: dict[str, Card]) -> list[Link]:
    """Short links from each side step into the facing edge of its target, spread down that edge."""
    links = []
    for target, sides in sorted(beside.items()):
        box = cards[target].box
        for right_side in (False, True):
            facing = [s for s in sides if (cards[s].box.left > box.left) == right_side]
            for k, node in enumerate(facing):
                side = cards[node].box
                y = box.top + (k + 1) * (box.bottom - box.top) / (len(facing) + 1)
                start = (side.left, (side.top + side.bottom) / 2) if right_side else \
                    (side.right, (side.top + side.bottom) / 2)
                end = (box.right, y) if right_side else (box.left, y)
                links.append(Link(node, target, graph.edges[node, target]["relation"], (start, end),
                                  "left" if right_side else "right"))
    return links


def _segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Whether segments a–b and c–d cross at a point inside both (touching ends do not count)."""
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    return d1 * d2 < 0 and d3 * d4 < 0


def crossings(result: Layout) -> list[tuple[str, str]]:
    """Pairs of links (as 'source → target') whose lines cross."""
    def segments(link):
        return list(zip(link.points, link.points[1:], strict=False))

    out = []
    for i, a in enumerate(result.links):
        for b in result.links[i + 1:]:
            if any(_segments_cross(p, q, r, s) for p, q in segments(a) for r, s in segments(b)):
                out.append((f"{a.source} → {a.target}", f"{b.source} → {b.target}"))
    return out


def collisions(result: Layout) -> list[str]:
    """Every overlap a reader would see: text wider than its card, card on card, a heading on a card
    or another heading, a link through a card it does not connect or through a heading."""
    problems = []
    cards = list(result.cards.values())
    for card in cards:
        inner = card.box.right - card.box.left - 2 * CARD_PADDING
        if any(text_width(t, bold=True) > inner for t in card.title_lines) or \
                any(text_width(t) > inner for t in card.status_lines):
            problems.append(f"the text of card {card.node} is wider than the card")
    boxes = [c.box for c in cards] + [h.box for h in result.headings]
    for i, box in enumerate(boxes):
        problems += [f"{box.what!r} and {other.what!r} overlap" for other in boxes[i + 1:] if box.overlaps(other)]
    for link in result.links:
        for box in boxes:
            if box.what in (link.source, link.target):
                continue
            # a link may run along a card's edge, not through its inside
            if any(box.crosses(a, b, gap=-0.5) for a, b in zip(link.points, link.points[1:], strict=False)):
                problems.append(f"link {link.source} → {link.target} crosses {box.what!r}")
    return problems
