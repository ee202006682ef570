"""The locator map: where the negotiations touch the ground, drawn offline from Natural Earth.

Everything is laid out here, in pixels, before Vega sees it: the map is projected in Python
(Mercator, which keeps shapes true at this scale) and drawn with Vega's ``identity``
projection, so the label boxes computed here are exactly where Vega draws the labels. That
lets labels be placed greedily against each other, the markers, the lines and the frame, and
lets a test check the boxes instead of trusting the eye.

The places come from a sourced table (``data/places.csv``): a row's geometry is one of

* ``lat``/``lon`` — a point (``marker`` true: a dot) or an area named by its label alone; an
  optional ``country`` says which base-map country it lies in, and is checked;
* ``path`` — a schematic line, ``lon lat`` pairs separated by ``;``;
* ``border_of`` + ``border_with`` — a line along the first base-map country's border with the
  second, on the first country's side (found from the boundary vertices the two share). It is
  drawn as a translucent band inside that country, so the border itself stays a thin grey line
  and the band does not read as *the* border; the key names it, not a label on the map.

A place with no track is shown for orientation or context (the places schema says so): its
tooltip names the place, the source that mentions it and how it was placed, but gives no date
and no quote as if the row rested on what the source says there. The countries that hold a
place are tinted, each its own light colour, so one can be told from the other.

No vocabulary is known here: track labels, their colours and citations are passed in. The
base map is ``maps/caucasus.geojson`` (see ``maps/README.md``), inlined in the spec, so the
HTML needs no network and the PDF's SVG comes from vl-convert like every other chart.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

import altair as alt
import numpy as np
import pandas as pd

from .charts.common import Figure, chart_of, layer, vconcat
from .charts.text import LINE_HEIGHT, Block, Box, block_height, text_width, wrap
from .dates import parse_fuzzy_date
from .theme import FONT_SIZE, MUTED, PHONE_WIDTH, TEXT_COLOUR, TITLE_SIZE, WIDTH

MAP_WIDTH = WIDTH - 16  # the theme's padding is 8 px on each side
PHONE_MAP_WIDTH = PHONE_WIDTH - 16
MAX_HEIGHT = 430
KEY_HEADING = "Negotiation track"
KEY_SHARE = 0.5  # the key goes in a corner of the map only if it takes at most this share of its width
PAD_DEGREES = 0.35  # around the places and the countries they lie in
LABEL_CHARS = 24  # wrap labels to about this many characters a line
GAP = 3  # pixels kept free around every label box
REACH = (4, 14, 28)  # pixels between a dot or line and its label, nearest first
NUMBER_REACH = (2, 8, 16, 26, 38, 52, 68)  # the same for a number (small: it fits closer, and must)
MARKER_SIZE = 70  # area of a place's dot (px²)
SEA = "#DCE9F2"
LAND = "#E4E4E4"
FOCUS_TINTS = ("#FBEFD6", "#E6F0DF", "#EFE4F0", "#E2EEF0")  # the countries holding a place, in name order
BORDER_STROKE = "#8A8A8A"
NO_TRACK = TEXT_COLOUR  # reference places (capitals) that belong to no track
BAND_OFFSET = 5.0  # pixels between a border and the middle of the band drawn along one side of it
BAND_WIDTH = 7.0
BAND_OPACITY = 0.4
KEY_PADDING = 6.0  # white space inside the key's box
SWATCH_TEXT = 18.0  # pixels from a key entry's left edge to its text
KEY_GROUP_GAP = 6.0  # pixels between the tracks' dots and the bands in the key
BASEMAP_ATTRIBUTION = ("Base map: Natural Earth 1:10m (public domain) via world-atlas 2.0.2; boundaries as "
                       "Natural Earth draws them.")
SUBTITLE = ("Coloured by negotiation track. Positions are approximate and lines schematic: the sources give no "
            "coordinates.")

Point = tuple[float, float]


# --- base map and projection ----------------------------------------------------------------

@functools.cache
def _basemap_text() -> str:
    return (resources.files("brief") / "maps" / "caucasus.geojson").read_text(encoding="utf-8")


def basemap() -> dict:
    """The committed Natural Earth subset as a GeoJSON FeatureCollection (a fresh copy)."""
    return json.loads(_basemap_text())


def country_rings(collection: dict) -> dict[str, list[list[Point]]]:
    """Country name → every ring (exteriors and holes) of its polygons, in lon/lat."""
    return {f["properties"]["name"]: [[(x, y) for x, y in ring] for polygon in f["geometry"]["coordinates"]
                                      for ring in polygon]
            for f in collection["features"]}


def contains(rings: Sequence[Sequence[Point]], point: Point) -> bool:
    """Even-odd point-in-polygon test over all rings (so holes and enclaves count right)."""
    return contains_each(rings, [point])[0]


def contains_each(rings: Sequence[Sequence[Point]], points: Sequence[Point]) -> list[bool]:
    """:func:`contains` for each of ``points``: every edge against every point at once (numpy), as a
    label search tests hundreds of points. The crossing is computed in the same order of operations
    as it would be point by point, so the result is the same to the last bit."""
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    x, y = xy[:, 0], xy[:, 1]
    crossings = np.zeros(len(xy), dtype=int)
    for ring in rings:
        edges = np.asarray(ring, dtype=float)
        x1, y1, x2, y2 = (column[:, None] for column in (edges[:-1, 0], edges[:-1, 1], edges[1:, 0], edges[1:, 1]))
        with np.errstate(divide="ignore", invalid="ignore"):  # a level edge is never a crossing: masked below
            beyond = x < x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        crossings += (((y1 > y) != (y2 > y)) & beyond).sum(axis=0)
    return [bool(c % 2) for c in crossings]


def shared_border(rings_a: Sequence[Sequence[Point]], rings_b: Sequence[Sequence[Point]]) -> list[list[Point]]:
    """The boundary two countries share, as polylines, from the vertices their rings share.

    The base map simplified each shared arc once, so both countries hold the same vertices
    along a common border. Closed loops (enclaves and exclaves, wholly surrounded by the other
    country) are left out: they are not part of the frontier line.
    """
    edges_b = {frozenset(e) for ring in rings_b for e in zip(ring, ring[1:], strict=False)}
    shared = [e for ring in rings_a for e in zip(ring, ring[1:], strict=False) if frozenset(e) in edges_b]
    lines: list[list[Point]] = []
    for a, b in shared:  # consecutive edges of one ring arrive in order: extend the current line
        if lines and lines[-1][-1] == a:
            lines[-1].append(b)
        else:
            lines.append([a, b])
    merged: list[list[Point]] = []
    for line in lines:  # a ring's shared run can wrap around its starting vertex
        head = next((m for m in merged if m[0] == line[-1]), None)
        if head is not None:
            head[:0] = line[:-1]
        else:
            merged.append(line)
    return [m for m in merged if m[0] != m[-1]]


def _mercator(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


@dataclass(frozen=True)
class Frame:
    """The map's view: a lon/lat box drawn ``width`` pixels wide in the Mercator projection."""

    west: float
    south: float
    east: float
    north: float
    width: float = MAP_WIDTH

    @property
    def scale(self) -> float:
        return self.width / (self.east - self.west)  # pixels per degree of longitude

    @property
    def height(self) -> float:
        return self.xy((self.west, self.south))[1]

    def xy(self, lonlat: Point) -> Point:
        lon, lat = lonlat
        return (lon - self.west) * self.scale, (_mercator(self.north) - _mercator(lat)) * self.scale

    def km_per_pixel(self) -> float:
        middle = (self.north + self.south) / 2
        return 111.32 * math.cos(math.radians(middle)) / self.scale


def frame_around(points: Iterable[Point], max_height: float = MAX_HEIGHT, width: float = MAP_WIDTH) -> Frame:
    """The smallest padded view holding ``points`` that fits ``max_height`` (widened, not squeezed)."""
    lons, lats = zip(*points, strict=True)
    west, east = min(lons) - PAD_DEGREES, max(lons) + PAD_DEGREES
    south, north = min(lats) - PAD_DEGREES, max(lats) + PAD_DEGREES
    frame = Frame(west, south, east, north, width)
    if frame.height > max_height:  # too tall for the page: add longitude on both sides
        extra = (frame.height / max_height - 1) * (east - west) / 2
        frame = Frame(west - extra, south, east + extra, north, width)
    return frame


# --- label placement --------------------------------------------------------------------------

@dataclass(frozen=True)
class Label(Block):
    """A text block of the map (drawn from its top at ``x``, ``top``), styled by its ``role``."""

    role: str = "place"  # a key of LABEL_STYLES: how it is styled
    place_id: str = ""


@dataclass
class Obstacles:
    """What a new label must keep clear of: placed labels, marker boxes and drawn lines."""

    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    lines: list[list[Point]] = field(default_factory=list)

    def free(self, box: Box) -> bool:
        return (box.within(self.width, self.height, margin=2)
                and not any(box.overlaps(b, GAP) for b in self.boxes)
                and not any(box.crosses(a, b, GAP) for line in self.lines
                            for a, b in zip(line, line[1:], strict=False)))


def point_candidates(x: float, y: float, lines: Sequence[str], radius: float,
                     reach: Sequence[float] = REACH) -> list[tuple[float, float, str]]:
    """Label positions around a dot, nearest first: right, left, above, below, then the diagonals,
    at each distance of ``reach`` (pixels beyond ``radius``)."""
    h = block_height(len(lines))
    out = []
    for d in (radius + r for r in reach):
        e = d * 0.75
        out += [(x + d, y - h / 2, "left"), (x - d, y - h / 2, "right"), (x, y - d - h, "center"),
                (x, y + d, "center"), (x + e, y - e - h, "left"), (x + e, y + e, "left"),
                (x - e, y - e - h, "right"), (x - e, y + e, "right")]
    return out


def area_candidates(x: float, y: float, lines: Sequence[str]) -> list[tuple[float, float, str]]:
    """Positions for a label that names an area: centred on its anchor, then nudged outwards."""
    h = block_height(len(lines))
    shifts = sorted(((dx, dy) for dx in range(-80, 81, 8) for dy in range(-48, 49, 8)),
                    key=lambda s: (math.hypot(*s), s))
    return [(x + dx, y + dy - h / 2, "center") for dx, dy in shifts]


def along(line: Sequence[Point], fraction: float) -> Point:
    """The point ``fraction`` of the way along a polyline."""
    lengths = [math.dist(a, b) for a, b in zip(line, line[1:], strict=False)]
    target = fraction * sum(lengths)
    for (a, b), length in zip(zip(line, line[1:], strict=False), lengths, strict=True):
        if target <= length and length > 0:
            t = target / length
            return a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        target -= length
    return line[-1]


def line_candidates(line: Sequence[Point], lines: Sequence[str],
                    reach: Sequence[float] = REACH) -> list[tuple[float, float, str]]:
    """Positions beside a drawn line, from its middle outwards."""
    out = []
    for fraction in sorted((i / 20 for i in range(1, 20)), key=lambda f: (abs(f - 0.5), f)):
        x, y = along(line, fraction)
        out += point_candidates(x, y, lines, 3, reach)
    return out


def place_label(options: Iterable[tuple[Sequence[str], Iterable[tuple[float, float, str]]]], obstacles: Obstacles,
                role: str, place_id: str = "", inside=None) -> Label | None:
    """The first free candidate over ``options`` (a text's line breaks, its candidate positions) that
    also passes ``inside`` if given; the chosen label becomes an obstacle for the next."""
    for lines, candidates in options:
        for x, y, align in candidates:
            label = Label(tuple(lines), x, y, align, bold=role == "number", role=role, place_id=place_id)
            if obstacles.free(label.box) and (inside is None or inside(label.box)):
                obstacles.boxes.append(label.box)
                return label
    return None


# --- the places table -------------------------------------------------------------------------

def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _items(value) -> list[str]:
    """A ``;``-separated list field, whether it arrives as text or already split."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [item.strip() for item in _text(value).split(";") if item.strip()]


def _truthy(value) -> bool:
    return value is True or _text(value).lower() == "true"


@dataclass(frozen=True)
class Place:
    place_id: str
    label: str
    tracks: tuple[str, ...]
    marker: bool
    anchor: Point | None  # lon/lat of a point or an area label
    path: tuple[Point, ...]  # lon/lat of a schematic line
    border: tuple[str, str] | None  # (country whose side is drawn, neighbour)
    country: str  # the base-map country the coder says the point lies in ("" if not stated)
    tooltip: dict[str, str]


ORIENTATION = "None: shown for orientation or context"
TOOLTIP_FIELDS = (("name", "Place"), ("kind", "What"), ("track_names", "Track"), ("date_label", "Date"),
                  ("quote", "The source says"), ("source", "Source"), ("coordinate_note", "Position"))


def read_places(places: pd.DataFrame, citations: Mapping[str, str], track_labels: Mapping[str, str]) -> list[Place]:
    """Check each row's geometry and build what the map needs; a bad row raises ``ValueError``."""
    out = []
    for row in places.to_dict("records"):
        pid = _text(row.get("place_id"))
        lat, lon, path = _text(row.get("lat")), _text(row.get("lon")), _text(row.get("path"))
        border = (_text(row.get("border_of")), _text(row.get("border_with")))
        given = [name for name, present in (("lat/lon", lat or lon), ("path", path),
                                            ("border_of/border_with", any(border))) if present]
        if len(given) != 1 or (given == ["lat/lon"] and not (lat and lon)) or (any(border) and not all(border)):
            raise ValueError(f"places row {pid!r}: give exactly one geometry — lat and lon, a path, "
                             f"or border_of and border_with (got {', '.join(given) or 'none'})")
        try:
            coords = tuple((float(a), float(b)) for a, b in (pair.split() for pair in path.split(";"))) if path else ()
        except ValueError as err:
            raise ValueError(f"places row {pid!r}: path must be 'lon lat;lon lat;…' ({err})") from None
        tracks = tuple(_items(row.get("tracks")))
        unknown = [t for t in tracks if t not in track_labels]
        if unknown:
            raise ValueError(f"places row {pid!r}: no label for track(s) {', '.join(unknown)}")
        source_id = _text(row.get("source_id"))
        tooltip = {"place_id": pid, "name": _text(row.get("name")), "kind": _text(row.get("kind")),
                   "track_names": ", ".join(track_labels[t] for t in tracks) or ORIENTATION,
                   "date_label": parse_fuzzy_date(_text(row.get("date"))).label(),
                   "quote": _text(row.get("quote")), "source": citations.get(source_id, source_id),
                   "source_id": source_id, "coordinate_note": _text(row.get("coordinate_note"))}
        if not tracks:  # shown for orientation: the row does not rest on a dated statement about the place
            del tooltip["date_label"], tooltip["quote"]
        out.append(Place(pid, _text(row.get("label")) or tooltip["name"], tracks, _truthy(row.get("marker")),
                         (float(lon), float(lat)) if lat else None, coords, border if all(border) else None,
                         _text(row.get("country")), tooltip))
    return out


# --- geometry in pixels -------------------------------------------------------------------------

def _simplify(line: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker in pixels, so an offset line does not zigzag with every vertex."""
    if len(line) < 3:
        return list(line)
    (ax, ay), (bx, by) = line[0], line[-1]
    length = math.dist(line[0], line[-1]) or 1e-9
    far, index = max((abs((by - ay) * px - (bx - ax) * py + bx * ay - by * ax) / length, i)
                     for i, (px, py) in enumerate(line[1:-1], start=1))
    if far <= tolerance:
        return [line[0], line[-1]]
    return _simplify(line[:index + 1], tolerance)[:-1] + _simplify(line[index:], tolerance)


def offset_line(line: Sequence[Point], distance: float, side: Sequence[Sequence[Point]]) -> list[Point]:
    """``line`` moved ``distance`` pixels sideways, towards the polygon ``side`` (pixel rings)."""
    line = _simplify(line, 1.0)
    normals = []
    for (ax, ay), (bx, by) in zip(line, line[1:], strict=False):
        length = math.hypot(bx - ax, by - ay) or 1e-9
        normals.append(((ay - by) / length, (bx - ax) / length))
    votes = sum(1 if contains(side, ((ax + bx) / 2 + nx * distance, (ay + by) / 2 + ny * distance)) else -1
                for ((ax, ay), (bx, by)), (nx, ny) in zip(zip(line, line[1:], strict=False), normals, strict=True))
    sign = 1 if votes >= 0 else -1
    out = []
    for i, (x, y) in enumerate(line):
        n1, n2 = normals[max(i - 1, 0)], normals[min(i, len(normals) - 1)]
        mx, my = n1[0] + n2[0], n1[1] + n2[1]
        norm = math.hypot(mx, my) or 1e-9
        cos_half = max((mx * n1[0] + my * n1[1]) / norm, 0.5)  # a miter no longer than twice the offset
        out.append((x + sign * distance * mx / norm / cos_half, y + sign * distance * my / norm / cos_half))
    return out


def _pixels(frame: Frame, coords: Iterable[Point]) -> list[Point]:
    return [tuple(round(v, 1) for v in frame.xy(p)) for p in coords]


def _visible(rings: Sequence[Sequence[Point]], frame: Frame) -> bool:
    return any(frame.west <= x <= frame.east and frame.south <= y <= frame.north for ring in rings for x, y in ring)


def _country_of(rings: Mapping[str, list[list[Point]]], point: Point) -> str:
    return next((name for name, r in rings.items() if contains(r, point)), "")


# --- layout -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MapLayout:
    """Everything the map draws, in pixels of the map's plot area (origin top left)."""

    frame: Frame
    places: list[Place]
    countries: list[dict]  # GeoJSON features in pixels; properties: name, fill
    markers: list[dict]  # place_id, x, y, colour
    lines: list[dict]  # place_id, points, colour, dashed
    labels: list[Label]
    swatches: list[dict]  # key entries drawn on the map: kind (dot or band), x, y, colour, text
    scale_bar: dict  # x0, x1, y, km
    focus: tuple[str, ...]  # countries holding a point or area: tinted, framed whole
    visible: tuple[str, ...]
    key_below: list[KeyEntry] = field(default_factory=list)  # the key's entries when no corner holds it
    numbered: list[tuple[str, str]] = field(default_factory=list)  # (number, label) of places labelled by number
    key_box: Box | None = None  # the white box of the key on the map


def _marker_radius() -> float:
    return math.sqrt(MARKER_SIZE / math.pi)


def _marker_box(x: float, y: float) -> Box:
    r = _marker_radius() + 1
    return Box(x - r, y - r, x + r, y + r)


def _corners(width: float, height: float, w: float, h: float) -> list[Point]:
    m = 6
    return [(m, m), (width - w - m, m), (m, height - h - m), (width - w - m, height - h - m)]


@dataclass(frozen=True)
class KeyEntry:
    """One line of the key: a track's dot, or a band along a border (named by its place's label)."""

    kind: str  # "dot" or "band"
    colour: str
    text: str
    place_id: str = ""  # a band's place: the key is where it is named


def key_entries(rows: Sequence[Place], track_labels: Mapping[str, str],
                track_colours: Mapping[str, str]) -> list[KeyEntry]:
    """The tracks present (dots), then each band along a border, in the table's order."""
    present = [t for t in track_labels if any(t in p.tracks for p in rows)]
    entries = [KeyEntry("dot", track_colours[t], track_labels[t]) for t in present]
    return entries + [KeyEntry("band", track_colours[p.tracks[0]] if p.tracks else NO_TRACK, p.label, p.place_id)
                      for p in rows if p.border]


def _key_size(entries: Sequence[KeyEntry]) -> tuple[float, float]:
    heading = any(e.kind == "dot" for e in entries)
    w = max([text_width(KEY_HEADING) if heading else 0.0] + [SWATCH_TEXT + text_width(e.text) for e in entries])
    gaps = sum(KEY_GROUP_GAP for a, b in zip(entries, entries[1:], strict=False) if a.kind != b.kind)
    return w + 2 * KEY_PADDING, (len(entries) + heading) * LINE_HEIGHT + gaps + 2 * KEY_PADDING


def _borders_under(box: Box, base: _Base) -> int:
    """How much of the map a key in ``box`` would hide: border segments under it, and far more for
    a country holding a place."""
    inside = [(box.left + i * (box.right - box.left) / 8, box.top + j * (box.bottom - box.top) / 4)
              for i in range(9) for j in range(5)]
    focus = sum(sum(contains_each(base.px_rings[name], inside)) for name in base.focus if name in base.px_rings)
    edges = sum(1 for rings in base.px_rings.values() for ring in rings
                for a, b in zip(ring, ring[1:], strict=False) if box.crosses(a, b))
    return 1000 * focus + edges


def _key(entries: Sequence[KeyEntry], obstacles: Obstacles, base: _Base) -> tuple[list[Label], list[dict], Box] | None:
    """The key in a white box in the free corner that hides least of the map (no country holding a
    place, as few borders as can be); None when it would take more than a corner (a phone) or no
    corner is free: the key then goes under the map."""
    if not entries:
        return None
    w, h = _key_size(entries)
    free = [Box(x, y, x + w, y + h, "key") for x, y in _corners(obstacles.width, obstacles.height, w, h)
            if obstacles.free(Box(x, y, x + w, y + h))]
    if not free or w > obstacles.width * KEY_SHARE:
        return None
    box = min(free, key=lambda b: (_borders_under(b, base), free.index(b)))
    x, y = box.left + KEY_PADDING, box.top + KEY_PADDING
    labels, swatches = [], []
    if any(e.kind == "dot" for e in entries):
        labels.append(Label((KEY_HEADING,), x, y, "left", role="key-heading"))
        y += LINE_HEIGHT
    for i, e in enumerate(entries):
        y += KEY_GROUP_GAP if i and e.kind != entries[i - 1].kind else 0
        labels.append(Label((e.text,), x + SWATCH_TEXT, y, "left", role="key", place_id=e.place_id))
        swatches.append({"kind": e.kind, "x": x + 5, "x2": x + SWATCH_TEXT - 4, "y": y + FONT_SIZE * 0.6,
                         "colour": e.colour, "text": e.text})
        y += LINE_HEIGHT
    obstacles.boxes.append(box)
    return labels, swatches, box


def _scale_bar(frame: Frame, obstacles: Obstacles) -> tuple[Label, dict]:
    """A round-number scale bar (true at the map's middle latitude) in the first free bottom corner."""
    longest = min(110.0, frame.width / 4)
    km = max((k for k in (10, 20, 25, 50, 100, 200, 250, 500) if k / frame.km_per_pixel() <= longest), default=10)
    length = km / frame.km_per_pixel()
    text = f"{km} km"
    w, h = max(length, text_width(text)), FONT_SIZE * 1.2 + 6
    corners = _corners(obstacles.width, obstacles.height, w, h)
    x, y = next((c for c in corners[2:] + corners[:2] if obstacles.free(Box(c[0], c[1], c[0] + w, c[1] + h))),
                corners[2])
    obstacles.boxes.append(Box(x, y, x + w, y + h))
    return (Label((text,), x + length / 2, y, "center", role="scale"),
            {"x0": x, "x1": x + length, "y": y + h - 1, "km": km})


def _country_label(name: str, rings: list[list[Point]], obstacles: Obstacles, step: float = 10,
                   role: str = "country", whole: bool = True) -> Label | None:
    """The country's name near the middle of its visible part, wholly inside it (or, not ``whole``, its
    middle inside it), clear of the rest."""
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    x_lo, x_hi = max(min(xs), 0), min(max(xs), obstacles.width)
    y_lo, y_hi = max(min(ys), 0), min(max(ys), obstacles.height)
    grid = [(x_lo + i * step, y_lo + j * step) for i in range(int((x_hi - x_lo) / step) + 1)
            for j in range(int((y_hi - y_lo) / step) + 1)]
    cells = [p for p, inside in zip(grid, contains_each(rings, grid), strict=True) if inside]
    if not cells:
        return None
    cx, cy = sum(x for x, _ in cells) / len(cells), sum(y for _, y in cells) / len(cells)
    cells.sort(key=lambda p: (math.dist(p, (cx, cy)), p))
    lines = (name.upper(),)
    h = block_height(len(lines))

    def inside(box: Box) -> bool:
        return all(contains_each(rings, ((box.left, box.top), (box.right, box.top), (box.left, box.bottom),
                                         (box.right, box.bottom), ((box.left + box.right) / 2, box.bottom))))

    return place_label([(lines, ((x, y - h / 2, "center") for x, y in cells))], obstacles, role,
                       inside=inside if whole else None)


@dataclass(frozen=True)
class _Anchors:
    """Where each place can be labelled: beside its dot, along its longest line, or over its area."""

    dots: Mapping[str, Point]
    lines: Mapping[str, list[Point]]
    frame: Frame
    reach: Sequence[float]  # how far from a dot or line its label may sit

    def candidates(self, p: Place, lines: Sequence[str], reach: Sequence[float] | None = None
                   ) -> list[tuple[float, float, str]]:
        if p.place_id in self.dots:
            return point_candidates(*self.dots[p.place_id], lines, _marker_radius(), reach or self.reach)
        if p.place_id in self.lines:
            return line_candidates(self.lines[p.place_id], lines, reach or self.reach)
        return area_candidates(*self.frame.xy(p.anchor), lines)

    def is_area(self, p: Place) -> bool:
        return p.place_id not in self.dots and p.place_id not in self.lines


def _anchors(markers: Sequence[dict], lines: Sequence[dict], frame: Frame) -> _Anchors:
    longest: dict[str, list[Point]] = {}
    for line in lines:
        if line["place_id"] not in longest or len(line["points"]) > len(longest[line["place_id"]]):
            longest[line["place_id"]] = line["points"]
    # On a small map a label far from its feature is read as another's: better a number.
    reach = REACH if frame.width >= MAP_WIDTH else REACH[:2]
    return _Anchors({m["place_id"]: (m["x"], m["y"]) for m in markers}, longest, frame, reach)


def _clear_of(borders: Sequence[tuple[Point, Point]]):
    """A test that a label box crosses none of ``borders`` (country borders, in pixels)."""
    def clear(box: Box) -> bool:
        return not any(box.crosses(a, b) for a, b in borders
                       if max(a[0], b[0]) >= box.left and min(a[0], b[0]) <= box.right
                       and max(a[1], b[1]) >= box.top and min(a[1], b[1]) <= box.bottom)
    return clear


def _place_labels(places: Sequence[Place], anchors: _Anchors, obstacles: Obstacles,
                  borders: Sequence[tuple[Point, Point]]) -> tuple[list[Label], list[tuple[str, str]]]:
    """Labels in order of how far they may stray: dots, then areas, then lines (which may be labelled
    anywhere along their length). A dot's label keeps off the countries' borders where it can (a
    border through a label strikes it through). A place whose label finds no free spot is marked with a
    number instead, explained under the map; a number that finds none either keeps its first
    position (the layout test then fails loudly).

    Bands along a border are named in the key instead.

    Returns the labels and the (number, label) of the places marked by number."""
    order = ([p for p in places if p.place_id in anchors.dots] + [p for p in places if anchors.is_area(p)]
             + [p for p in places if p.place_id in anchors.lines and not p.border])
    labels, numbered, clear = [], [], _clear_of(borders)
    for p in order:
        area = anchors.is_area(p)
        # Wide lines first beside dots and lines; compact blocks first for areas, which they should fit in.
        widths = (LABEL_CHARS * 2 // 3, LABEL_CHARS // 2, LABEL_CHARS) if area else \
            (LABEL_CHARS, LABEL_CHARS * 2 // 3, LABEL_CHARS // 2)
        texts = list(dict.fromkeys(tuple(wrap(p.label, text_width("n") * chars)) for chars in widths))
        options = [(t, anchors.candidates(p, t)) for t in texts]
        role = "area" if area else "place"
        # a dot's label keeps off the borders if it can; an area's or a line's stays near its middle
        label = p.place_id in anchors.dots and place_label(options, obstacles, role, p.place_id, inside=clear)
        label = label or place_label(options, obstacles, role, p.place_id)
        if label is None:
            number = (str(len(numbered) + 1),)
            numbered.append((number[0], p.label))
            label = place_label([(number, anchors.candidates(p, number, NUMBER_REACH))], obstacles, "number",
                                p.place_id)
            if label is None:
                x, y, align = anchors.candidates(p, number)[0]
                label = Label(number, x, y, align, bold=True, role="number", place_id=p.place_id)
                obstacles.boxes.append(label.box)
        labels.append(label)
    return labels, numbered


def _check_countries(places: Sequence[Place], rings: Mapping[str, list[list[Point]]]) -> None:
    """A point must lie in the country its row names: this catches a dot on the wrong side of a border."""
    for p in places:
        if p.country and p.anchor and not contains(rings.get(p.country, []), p.anchor):
            found = _country_of(rings, p.anchor) or "no country"
            raise ValueError(f"places row {p.place_id!r}: lat/lon lies in {found} on the base map, not in {p.country}")


def _lonlat_lines(places: Sequence[Place], rings: Mapping[str, list[list[Point]]]) -> dict[str, list[list[Point]]]:
    out = {}
    for p in places:
        if p.path:
            out[p.place_id] = [list(p.path)]
        elif p.border:
            missing = [c for c in p.border if c not in rings]
            if missing:
                raise ValueError(f"places row {p.place_id!r}: {', '.join(missing)} is not a country of the base map "
                                 f"(it has {', '.join(sorted(rings))})")
            out[p.place_id] = shared_border(rings[p.border[0]], rings[p.border[1]])
            if not out[p.place_id]:
                raise ValueError(f"places row {p.place_id!r}: {p.border[0]} and {p.border[1]} share no border")
    return out


def _checked_places(places: pd.DataFrame, citations: Mapping[str, str], track_labels: Mapping[str, str],
                    track_colours: Mapping[str, str]) -> list[Place]:
    rows = read_places(places, citations, track_labels)
    if not rows:
        raise ValueError("no places to draw on the locator map")
    missing = sorted({t for p in rows for t in p.tracks} - set(track_colours))
    if missing:
        raise ValueError(f"no colour given for track(s) {', '.join(missing)}")
    return rows


@dataclass(frozen=True)
class _Base:
    """The projected base map: the frame, the countries in view (pixel rings) and the focus."""

    frame: Frame
    focus: tuple[str, ...]
    visible: tuple[str, ...]
    rings: Mapping[str, list[list[Point]]]  # every country, lon/lat
    px_rings: Mapping[str, list[list[Point]]]  # the visible ones, in pixels

    def countries(self) -> list[dict]:
        tint = {name: FOCUS_TINTS[i % len(FOCUS_TINTS)] for i, name in enumerate(self.focus)}
        return [{"type": "Feature", "properties": {"name": name, "fill": tint.get(name, LAND)},
                 "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]
                                                                 for ring in self.px_rings[name]]}}
                for name in self.visible]


def _project(rows: Sequence[Place], lonlat: Mapping[str, list[list[Point]]], rings, width: float) -> _Base:
    focus = tuple(sorted({_country_of(rings, p.anchor) for p in rows if p.anchor} - {""}))
    frame = frame_around([p.anchor for p in rows if p.anchor]
                         + [pt for lines in lonlat.values() for line in lines for pt in line]
                         + [pt for name in focus for ring in rings[name] for pt in ring], width=width)
    visible = tuple(name for name in sorted(rings) if _visible(rings[name], frame))
    return _Base(frame, focus, visible, rings, {name: [_pixels(frame, ring) for ring in rings[name]]
                                                for name in visible})


def _features(rows: Sequence[Place], base: _Base, lonlat: Mapping[str, list[list[Point]]],
              track_colours: Mapping[str, str]) -> tuple[list[dict], list[dict]]:
    """The markers (dots) and lines in pixels, each in its first track's colour."""
    def colour(p: Place) -> str:
        return track_colours[p.tracks[0]] if p.tracks else NO_TRACK

    markers = [{"place_id": p.place_id, "colour": colour(p),
                **dict(zip("xy", _pixels(base.frame, [p.anchor])[0], strict=True))}
               for p in rows if p.anchor and p.marker]
    lines = []
    for p in rows:
        for line in lonlat.get(p.place_id, []):
            points = _pixels(base.frame, line)
            if p.border:
                side = base.px_rings.get(p.border[0]) or [_pixels(base.frame, r) for r in base.rings[p.border[0]]]
                points = [tuple(round(v, 1) for v in q) for q in offset_line(points, BAND_OFFSET, side)]
            lines.append({"place_id": p.place_id, "points": points, "colour": colour(p), "dashed": bool(p.path),
                          "band": bool(p.border)})
    return markers, lines


def layout(places: pd.DataFrame, citations: Mapping[str, str], track_labels: Mapping[str, str],
           track_colours: Mapping[str, str], width: float = MAP_WIDTH) -> MapLayout:
    """Project the base map and the places ``width`` pixels wide, then place every label clear of
    the others: the track key in a corner (or under the map), the scale bar, the places (by number
    where a label does not fit) and the country names that fit.

    Raises ``ValueError`` naming the row for a bad geometry, and when there is no place to draw
    (a locator map of nothing has no frame; show a "no data" panel instead)."""
    rows = _checked_places(places, citations, track_labels, track_colours)
    rings = country_rings(basemap())
    _check_countries(rows, rings)
    lonlat = _lonlat_lines(rows, rings)
    base = _project(rows, lonlat, rings, width)
    markers, lines = _features(rows, base, lonlat, track_colours)
    obstacles = Obstacles(base.frame.width, base.frame.height, [_marker_box(m["x"], m["y"]) for m in markers],
                          [line["points"] for line in lines])
    entries = key_entries(rows, track_labels, track_colours)
    key = _key(entries, obstacles, base)
    scale_label, scale = _scale_bar(base.frame, obstacles)
    place_labels, numbered, country_labels = _named(rows, _anchors(markers, lines, base.frame), obstacles, base)
    labels = (key[0] if key else []) + [scale_label] + place_labels + country_labels
    return MapLayout(base.frame, rows, base.countries(), markers, lines, labels, key[1] if key else [], scale,
                     base.focus, base.visible, [] if key else entries, numbered, key[2] if key else None)


def _named(rows: Sequence[Place], anchors: _Anchors, obstacles: Obstacles,
           base: _Base) -> tuple[list[Label], list[tuple[str, str]], list[Label]]:
    """The places' labels, then the names of the countries that fit. A country the places are in (the
    focus) must be named, or the map does not say where it is. Where its name finds no room (on a
    phone's narrow map), it is written across the drawn lines, on a white halo; failing that too, it is
    placed before the places, which are then labelled around it.

    Returns the place labels, the places marked by number and the country labels (in ``base.visible``
    order)."""
    borders = [(a, b) for rings in base.px_rings.values() for ring in rings
               for a, b in zip(ring, ring[1:], strict=False)]
    before = replace(obstacles, boxes=list(obstacles.boxes))
    place_labels, numbered = _place_labels(rows, anchors, obstacles, borders)
    names = {}
    for name in base.visible:  # a focus country's name across the lines before the next country is named
        names[name] = _country_label(name, base.px_rings[name], obstacles)
        if names[name] is None and name in base.focus:
            names[name] = _focus_label(name, base, obstacles, clear_first=False)
    unnamed = [n for n in base.focus if n in names and names[n] is None]
    if unnamed:
        obstacles = before
        names.update({name: _focus_label(name, base, obstacles, clear_first=True) for name in unnamed})
        place_labels, numbered = _place_labels(rows, anchors, obstacles, borders)
        names.update({name: _country_label(name, base.px_rings[name], obstacles)
                      for name in base.visible if name not in unnamed})
    return place_labels, numbered, [label for label in names.values() if label]


def _focus_label(name: str, base: _Base, obstacles: Obstacles, clear_first: bool) -> Label | None:
    """A focus country's name: clear of the lines if ``clear_first`` and it can; else across them, wholly inside the
    country or, if it must, with only its middle inside (the labels and markers, whose boxes the copy
    shares with ``obstacles``, still count)."""
    rings, across = base.px_rings[name], replace(obstacles, lines=[])
    return ((_country_label(name, rings, obstacles, step=FOCUS_STEP) if clear_first else None)
            or _country_label(name, rings, across, step=FOCUS_STEP, role=COUNTRY_OVER_LINES)
            or _country_label(name, rings, across, step=FOCUS_STEP, role=COUNTRY_OVER_LINES, whole=False))


# --- the chart ------------------------------------------------------------------------------------

FOCUS_STEP = 3  # px between the spots tried for a focus country's name: a small country has few free ones
COUNTRY_OVER_LINES = "country-over-lines"  # a focus country's name that only fits across drawn lines

# How each kind of label looks: (colour, font style, weight, white halo behind it).
LABEL_STYLES = {
    "place": (TEXT_COLOUR, "normal", "normal", True),
    "area": ("#444444", "italic", "normal", True),
    "country": (MUTED, "normal", "normal", False),
    COUNTRY_OVER_LINES: (MUTED, "normal", "normal", True),
    "key-heading": (MUTED, "normal", "normal", True),
    "key": (TEXT_COLOUR, "normal", "normal", True),
    "scale": (TEXT_COLOUR, "normal", "normal", False),
    "number": (TEXT_COLOUR, "normal", "bold", True),
}
PX = {"type": "quantitative"}  # pixel positions: the identity projection draws them as given


def _tooltip(prefix: str = "") -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{prefix}{name}:N", title=title) for name, title in TOOLTIP_FIELDS]


def _inline(values: Sequence[dict]) -> alt.Data:
    """Inline data as a tuple: Altair deep-copies every list and dict of a chart (not tuples) each time a
    layer or concatenation is built or serialised, and the map's data holds thousands of coordinates.
    The spec is the same: Altair writes a tuple as a JSON array."""
    return alt.Data(values=tuple(values))


def _feature(coordinates, geometry: str, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": {"type": geometry, "coordinates": coordinates}}


def _line_layers(lay: MapLayout, tips: Mapping[str, dict]) -> list[alt.Chart]:
    """Schematic paths (dashed) and bands along a border (wide, translucent, inside the country)."""
    layers = []
    for style in ("dashed", "band"):
        features = [_feature([list(p) for p in line["points"]], "LineString",
                             {"colour": line["colour"], **tips[line["place_id"]]})
                    for line in lay.lines if line[style]]
        if features:
            look = {"strokeWidth": 3, "strokeCap": "round", "opacity": 0.9, "strokeDash": [7, 4]} if style == "dashed" \
                else {"strokeWidth": BAND_WIDTH, "strokeCap": "butt", "opacity": BAND_OPACITY}
            layers.append(alt.Chart(_inline(features)).mark_geoshape(
                filled=False, fill=None, strokeJoin="round", clip=True, **look).encode(
                stroke=alt.Stroke("properties.colour:N", scale=None), tooltip=_tooltip("properties.")))
    return layers


def _key_layers(lay: MapLayout) -> list[alt.Chart]:
    """The key's white box and its samples: a dot per track, a short band per band place."""
    if lay.key_box is None:
        return []
    b = lay.key_box
    box = alt.Chart(_inline([_feature([[[b.left, b.top], [b.right, b.top], [b.right, b.bottom],
                                                [b.left, b.bottom], [b.left, b.top]]], "Polygon", {"name": "Key"})])
                    ).mark_geoshape(fill="white", stroke=BORDER_STROKE, strokeWidth=0.8)
    dots = [s for s in lay.swatches if s["kind"] == "dot"]
    bands = [_feature([[s["x"] - 3, s["y"]], [s["x2"], s["y"]]], "LineString", {"colour": s["colour"]})
             for s in lay.swatches if s["kind"] == "band"]
    layers = [box]
    if dots:
        layers.append(alt.Chart(_inline(dots)).mark_point(
            filled=True, size=MARKER_SIZE, shape="circle", opacity=1).encode(
            longitude=alt.Longitude("x", **PX), latitude=alt.Latitude("y", **PX),
            fill=alt.Fill("colour:N", scale=None), tooltip=[alt.Tooltip("text:N", title="Negotiation track")]))
    if bands:
        layers.append(alt.Chart(_inline(bands)).mark_geoshape(
            filled=False, fill=None, strokeWidth=BAND_WIDTH, opacity=BAND_OPACITY).encode(
            stroke=alt.Stroke("properties.colour:N", scale=None)))
    return layers


def _label_layers(lay: MapLayout, tips: Mapping[str, dict]) -> list[alt.Chart]:
    layers = []
    for role, (colour, style, weight, halo) in LABEL_STYLES.items():
        for align in ("left", "center", "right"):
            rows = [{"text": "\n".join(lb.lines), "x": lb.x, "y": lb.top, **tips.get(lb.place_id, {}),
                     "name": tips.get(lb.place_id, {}).get("name", lb.lines[0].title())}
                    for lb in lay.labels if lb.role == role and lb.align == align]
            if not rows:
                continue
            # records, not a frame: a field a row lacks (no date for an orientation place) stays out of its tooltip
            base = alt.Chart(_inline(rows))
            tooltip = _tooltip() if role in ("place", "area") or (role == "key" and any(
                r.get("place_id") for r in rows)) else [alt.Tooltip("name:N", title="Name")]
            kwargs = {"align": align, "baseline": "top", "lineBreak": "\n", "fontSize": FONT_SIZE,
                      "lineHeight": LINE_HEIGHT, "fontStyle": style, "fontWeight": weight}
            encoding = {"longitude": alt.Longitude("x", **PX), "latitude": alt.Latitude("y", **PX),
                        "text": alt.Text("text:N")}
            if halo:
                layers.append(base.mark_text(stroke="white", strokeWidth=3, strokeJoin="round", **kwargs)
                              .encode(**encoding))
            layers.append(base.mark_text(color=colour, **kwargs).encode(**encoding, tooltip=tooltip))
    return layers


def map_chart(lay: MapLayout) -> alt.LayerChart:
    """The map itself (no title or note): base map, lines, dots, labels, key and scale bar.

    Unfilled shapes get ``fill=None`` (not Vega-Lite's transparent fill), so the area a line or the
    frame encloses does not catch the pointer and hide the tooltips beneath it.
    """
    w, h = lay.frame.width, lay.frame.height
    tips = {p.place_id: p.tooltip for p in lay.places}
    sea = alt.Chart(_inline([_feature([[[0, 0], [w, 0], [w, h], [0, h], [0, 0]]], "Polygon",
                                              {"name": "Sea"})])).mark_geoshape(fill=SEA, stroke=None)
    frame_line = alt.Chart(_inline([_feature([[[0, 0], [w, 0], [w, h], [0, h], [0, 0]]], "Polygon",
                                                     {"name": "Map frame"})])).mark_geoshape(
        filled=False, fill=None, stroke=BORDER_STROKE, strokeWidth=1)
    land = alt.Chart(_inline(lay.countries)).mark_geoshape(
        stroke=BORDER_STROKE, strokeWidth=0.8, clip=True).encode(
        fill=alt.Fill("properties.fill:N", scale=None), tooltip=[alt.Tooltip("properties.name:N", title="Country")])
    layers = [sea, land, *_line_layers(lay, tips)]
    bar = lay.scale_bar
    ticks = [[[bar["x0"], bar["y"]], [bar["x1"], bar["y"]]], [[bar["x0"], bar["y"] - 4], [bar["x0"], bar["y"]]],
             [[bar["x1"], bar["y"] - 4], [bar["x1"], bar["y"]]]]
    scale_note = f"{bar['km']} km, true at {(lay.frame.north + lay.frame.south) / 2:.1f}° N (Mercator projection)"
    layers.append(alt.Chart(_inline([_feature(ticks, "MultiLineString", {"name": scale_note})])).mark_geoshape(
        filled=False, fill=None, stroke=TEXT_COLOUR, strokeWidth=1.5).encode(
        tooltip=[alt.Tooltip("properties.name:N", title="Scale")]))
    if lay.markers:
        layers.append(alt.Chart(_inline([{**m, **tips[m["place_id"]]} for m in lay.markers])).mark_point(
            filled=True, size=MARKER_SIZE, shape="circle", opacity=1, stroke="white", strokeWidth=1.5).encode(
            longitude=alt.Longitude("x", **PX), latitude=alt.Latitude("y", **PX),
            fill=alt.Fill("colour:N", scale=None), tooltip=_tooltip()))
    layers += [frame_line, *_key_layers(lay), *_label_layers(lay, tips)]
    return layer(*layers, projection=alt.Projection(type="identity", scale=1, translate=[0, 0]), width=w, height=h)


# --- words: title, note, alt text -------------------------------------------------------------------

NUMBER_WORDS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve")


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _where(collection: dict, point: Point) -> str:
    """'Armenia', or 'a detached part of Azerbaijan' when the point is off a country's largest polygon."""
    for feature in collection["features"]:
        polygons = feature["geometry"]["coordinates"]
        for polygon in polygons:
            if contains([[tuple(p) for p in ring] for ring in polygon], point):
                largest = max(polygons, key=lambda poly: abs(_area(poly[0])))
                name = feature["properties"]["name"]
                return name if polygon is largest else f"a detached part of {name}"
    return "the sea"


def _area(ring: Sequence[Sequence[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def _describe(p: Place, collection: dict, track_labels: Mapping[str, str]) -> str:
    if p.path:
        stops = [_where(collection, q) for q in p.path]
        inner = [s for s in dict.fromkeys(stops[1:-1]) if s not in (stops[0], stops[-1])]
        shape = (f"a dashed line from {stops[0]}" + (f" through {_and(inner)}" if inner else "")
                 + f" to {stops[-1]}")
    elif p.border:
        shape = f"a band along {p.border[0]}'s side of the {p.border[0]}–{p.border[1]} border, named in the key"
    elif p.marker:
        shape = f"a dot in {_where(collection, p.anchor)}"
    else:
        shape = f"a label over {_where(collection, p.anchor)}"
    tracks = _and([track_labels[t] for t in p.tracks]) + " track" + ("s" if len(p.tracks) > 1 else "")
    return f"{p.label}: {shape} ({tracks if p.tracks else 'for orientation'})"


def alt_text(lay: MapLayout, track_labels: Mapping[str, str]) -> str:
    """The map in words: what is shown, where each place lies relative to the countries, the scale."""
    collection = basemap()
    others = [c for c in lay.visible if c not in lay.focus]
    places = "; ".join(_describe(p, collection, track_labels) for p in lay.places)
    return (f"Locator map of {_and(lay.focus)}" + (f", with {_and(others)} around the edges" if others else "")
            + f". Marked: {places}. Colours follow the negotiation tracks in the key; positions are approximate. "
            + f"A scale bar shows {lay.scale_bar['km']} km.")


def _count(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def default_title(lay: MapLayout) -> str:
    """How many places the sources tie to a negotiation track, and how many more are shown for
    orientation (a place with no track: a capital, a region for context)."""
    tied = sum(1 for p in lay.places if p.tracks)
    others = len(lay.places) - tied
    title = (f"{_count(tied)} place{'s' if tied != 1 else ''} the sources tie to the talks, in and around "
             f"{_and(lay.focus)}")
    return title + (f", and {_count(others).lower()} shown for orientation" if others else "")


def _footer(note: str, width: float) -> alt.Chart:
    lines = wrap(note, width)
    return chart_of(pd.DataFrame({"note": ["\n".join(lines)]})).mark_text(
        align="left", baseline="top", lineBreak="\n", fontSize=FONT_SIZE, lineHeight=LINE_HEIGHT, color=MUTED,
    ).encode(x=alt.XValue(0), y=alt.YValue(0), text=alt.Text("note:N")).properties(
        width=width, height=LINE_HEIGHT * len(lines))


NUMBER_INDENT = 22  # pixels from a numbered note's number to its text


def key_rows(lay: MapLayout, width: float) -> list[dict]:
    """The key under the map, one text block per row from the top: the track colours when no corner
    of the map held them, then what each number on the map marks (wrapped with a hanging indent)."""
    rows, y = [], 0.0
    if lay.key_below:
        if any(e.kind == "dot" for e in lay.key_below):
            rows.append({"x": 0, "y": y, "text": KEY_HEADING, "role": "key-heading", "colour": "", "kind": ""})
            y += LINE_HEIGHT
        for i, e in enumerate(lay.key_below):
            y += KEY_GROUP_GAP if i and e.kind != lay.key_below[i - 1].kind else 0
            lines = wrap(e.text, width - SWATCH_TEXT)
            rows.append({"x": SWATCH_TEXT, "y": y, "text": "\n".join(lines), "role": "key", "colour": e.colour,
                         "kind": e.kind})
            y += LINE_HEIGHT * len(lines)
        y += 4
    for number, label in lay.numbered:
        lines = wrap(label, width - NUMBER_INDENT)
        rows.append({"x": 0, "y": y, "text": number, "role": "number", "colour": "", "kind": ""})
        rows.append({"x": NUMBER_INDENT, "y": y, "text": "\n".join(lines), "role": "key", "colour": "", "kind": ""})
        y += LINE_HEIGHT * len(lines)
    return rows


def _key_chart(lay: MapLayout, width: float) -> alt.LayerChart | None:
    """The key under the map (see :func:`key_rows`), or None when everything is on the map."""
    rows = key_rows(lay, width)
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    px = {"scale": None, "axis": None}
    layers = []
    for role, (colour, _, weight, _) in LABEL_STYLES.items():
        if (frame["role"] == role).any():
            layers.append(chart_of(frame[frame["role"] == role]).mark_text(
                align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT, fontSize=FONT_SIZE,
                fontWeight=weight, color=colour).encode(
                x=alt.X("x:Q", **px), y=alt.Y("y:Q", **px), text=alt.Text("text:N")))
    swatches = frame[frame["colour"] != ""].assign(sx=5.0, sx2=SWATCH_TEXT - 4, sy=lambda f: f["y"] + FONT_SIZE * 0.6)
    dots, bands = swatches[swatches["kind"] == "dot"], swatches[swatches["kind"] == "band"]
    if not dots.empty:
        layers.insert(0, chart_of(dots).mark_point(filled=True, size=MARKER_SIZE, shape="circle", opacity=1).encode(
            x=alt.X("sx:Q", **px), y=alt.Y("sy:Q", **px), fill=alt.Fill("colour:N", scale=None)))
    if not bands.empty:
        # a rect, not a wide rule: a rule's bounds reach well beyond its ends and would widen the chart
        band = bands.assign(sx=1.0, sy1=bands["sy"] - BAND_WIDTH / 2, sy2=bands["sy"] + BAND_WIDTH / 2)
        layers.insert(0, chart_of(band).mark_rect(opacity=BAND_OPACITY).encode(
            x=alt.X("sx:Q", **px), x2=alt.X2("sx2:Q"), y=alt.Y("sy1:Q", **px), y2=alt.Y2("sy2:Q"),
            color=alt.Color("colour:N", scale=None)))
    height = max(r["y"] + LINE_HEIGHT * len(r["text"].split("\n")) for r in rows)
    return layer(*layers, width=width, height=height)


def _chart(lay: MapLayout, title: str, note: str, description: str) -> alt.VConcatChart:
    """Title and subtitle, the map, its key if it sits under the map, and the source note."""
    width = lay.frame.width
    parts = [map_chart(lay), _key_chart(lay, width), _footer(note, width)]
    return vconcat(*[p for p in parts if p is not None], spacing=10,
                   title=alt.Title(wrap(title, width, TITLE_SIZE, bold=True), subtitle=wrap(SUBTITLE, width)),
                   description=description)


def locator_map(places: pd.DataFrame, citations: Mapping[str, str], track_labels: Mapping[str, str],
                track_colours: Mapping[str, str], *, title: str | None = None) -> Figure:
    """The locator map as a ``charts.Figure`` (chart, caption, alt text, source ids), laid out for
    the page and again for a phone (the same 12 px text: labels that do not fit become numbers
    explained under the map, and the track key moves there).

    ``places``: rows of the places table (columns as in ``data/places.schema.json``);
    ``citations``: source_id → short citation; ``track_labels`` / ``track_colours``: track id →
    display label / colour, in the order the key should list them; ``title``: the finding, if the
    analyst has one (default: what the map shows, counted from the data).
    """
    lay = layout(places, citations, track_labels, track_colours)
    phone = layout(places, citations, track_labels, track_colours, width=PHONE_MAP_WIDTH)
    sources = tuple(sorted({p.tooltip["source_id"] for p in lay.places}))
    note = f"Sources: {'; '.join(citations.get(s, s) for s in sources)}. {BASEMAP_ATTRIBUTION}"
    description = alt_text(lay, track_labels)
    title = title or default_title(lay)
    caption = "Locator map: the places the sources tie to the negotiations, coloured by negotiation track."
    return Figure(_chart(lay, title, note, description), caption, description, sources,
                  _chart(phone, title, note, description))
