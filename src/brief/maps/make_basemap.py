"""Regenerate the committed base map (``caucasus.geojson``) from the world-atlas npm tarball.

    npm pack world-atlas@2.0.2
    python -m brief.maps.make_basemap world-atlas-2.0.2.tgz

world-atlas 2.0.2 ships Natural Earth 4.1.0 admin-0 countries as TopoJSON. This script keeps the
countries that reach into the South Caucasus, simplifies every TopoJSON arc on its own (so a
boundary shared by two countries stays identical in both: ``locator`` finds borders by those
shared vertices), clips each ring to a box a little larger than the map's view (the clip edges
lie outside the view and are never drawn) and rounds coordinates to 0.001° (about 100 m; the
source is quantized to about 300 m). Run it twice and the output is byte-identical.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import tarfile
from pathlib import Path

PACKAGE = "world-atlas-2.0.2.tgz"
# npm's integrity string for world-atlas@2.0.2 (`npm view world-atlas@2.0.2 dist.integrity`).
INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
MEMBER = "package/countries-10m.json"
CLIP_BOX = (42.2, 37.7, 51.3, 43.8)  # west, south, east, north (degrees)
TOLERANCE = 0.006  # degrees (~0.5 km): Douglas–Peucker tolerance, well under a pixel of the map
DECIMALS = 3
OUTPUT = Path(__file__).with_name("caucasus.geojson")

Point = tuple[float, float]


def read_topology(tarball: Path) -> dict:
    """The countries TopoJSON from the tarball, after checking npm's integrity hash."""
    data = tarball.read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise SystemExit(f"{tarball}: not world-atlas 2.0.2 (integrity {digest}); run `npm pack world-atlas@2.0.2`")
    with tarfile.open(tarball) as tar:
        return json.load(tar.extractfile(MEMBER))


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute lon/lat arcs from the quantized, delta-encoded TopoJSON arcs."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    return abs(dy * px - dx * py + bx * ay - by * ax) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker; the end points (where arcs meet) are always kept."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        far, index = max((_distance(points[i], points[first], points[last]), i) for i in range(first + 1, last))
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(arc_ids: list[int], arcs: list[list[Point]]) -> list[Point]:
    """Join a ring's arcs (a negative id ~i means arc i reversed), dropping repeated joints."""
    points: list[Point] = []
    for arc_id in arc_ids:
        arc = arcs[arc_id] if arc_id >= 0 else arcs[~arc_id][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland–Hodgman clipping of a closed ring to an axis-aligned box."""
    west, south, east, north = box
    edges = [(0, west, True), (0, east, False), (1, south, True), (1, north, False)]
    for axis, bound, keep_above in edges:
        def inside(p, axis=axis, bound=bound, keep_above=keep_above):
            return p[axis] >= bound if keep_above else p[axis] <= bound

        clipped: list[Point] = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current) != inside(previous):
                t = (bound - previous[axis]) / (current[axis] - previous[axis])
                crossing = tuple(previous[k] + t * (current[k] - previous[k]) for k in (0, 1))
                clipped.append(crossing)
            if inside(current):
                clipped.append(current)
        points = clipped
        if not points:
            break
    return points


def _rounded_ring(points: list[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else []


def country_features(topology: dict) -> list[dict]:
    arcs = [simplify(a, TOLERANCE) for a in decode_arcs(topology)]
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        kept = []
        for polygon in polygons:
            rings = [_rounded_ring(clip(ring(r, arcs)[:-1], CLIP_BOX)) for r in polygon]
            if rings and rings[0]:  # the exterior ring reaches into the box
                kept.append([r for r in rings if r])
        if kept:
            features.append({"type": "Feature", "id": geometry["id"],
                             "properties": {"name": geometry["properties"]["name"]},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return sorted(features, key=lambda f: f["id"])


def write(features: list[dict], path: Path) -> None:
    # One feature per line keeps diffs readable; no spaces keeps the file small.
    lines = [json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in features]
    header = json.dumps({"source": f"world-atlas 2.0.2 ({MEMBER}), Natural Earth 4.1.0 admin-0, public domain",
                         "clip_box": CLIP_BOX, "tolerance_degrees": TOLERANCE}, separators=(",", ":"))
    path.write_text('{"type":"FeatureCollection","brief":' + header + ',"features":[\n'
                    + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    tarball = Path(argv[0] if argv else PACKAGE)
    write(country_features(read_topology(tarball)), OUTPUT)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
