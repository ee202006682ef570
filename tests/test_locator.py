"""The locator map: the committed base map, border extraction, the sourced places table, the
chart spec (every place drawn, tooltips with sources), rendering (vl-convert SVG/PNG, Chromium
with no network), and label boxes that collide with nothing — both as laid out here and as
Vega measures them in the browser."""

from __future__ import annotations

import csv
import functools
import itertools
import json
import math

import pandas as pd
import pytest
import vl_convert

from brief import locator, theme
from brief.checks import normalise_text
from brief.maps import make_basemap

from .helpers import ROOT

# The places the map is tested with: a copy of the places table (and the seeds it quotes) as it was
# when the map was made, so that editing data/ never changes these tests.
FIXTURE = ROOT / "tests" / "fixtures" / "locator"

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def read_places() -> pd.DataFrame:
    return pd.read_csv(FIXTURE / "places.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def sources() -> pd.DataFrame:
    return pd.read_csv(FIXTURE / "sources.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def tracks_of(places: pd.DataFrame) -> list[str]:
    return sorted({t for value in places["tracks"] for t in value.split(";") if t})


def track_labels(places: pd.DataFrame) -> dict[str, str]:
    # Labels made up here from the ids in the table: the test knows no vocabulary either.
    return {t: t.replace("_", " ").capitalize() for t in tracks_of(places)}


def track_colours(places: pd.DataFrame) -> dict[str, str]:
    return dict(zip(tracks_of(places), itertools.cycle(OKABE_ITO), strict=False))


def citations() -> dict[str, str]:
    return dict(zip(sources()["source_id"], sources()["cite_as"], strict=True))


def figure(places: pd.DataFrame | None = None, **kwargs):
    places = read_places() if places is None else places
    return locator.locator_map(places, citations(), track_labels(places), track_colours(places), **kwargs)


def layout(places: pd.DataFrame | None = None, width: float = locator.MAP_WIDTH):
    if places is None:
        return fixture_layout(width)
    return locator.layout(places, citations(), track_labels(read_places()), track_colours(read_places()), width)


@functools.cache
def fixture_layout(width: float):
    """The fixture's places laid out at ``width``: once per width for the tests that only read it."""
    places = read_places()
    return locator.layout(places, citations(), track_labels(places), track_colours(places), width)


WIDTHS = (locator.MAP_WIDTH, locator.PHONE_MAP_WIDTH)


def crowded() -> pd.DataFrame:
    """The places plus a dozen dots with long labels packed around one town: more than fit."""
    places = read_places()
    dot = places[places["marker"] == "true"].iloc[[0]]
    extra = [dot.assign(place_id=f"crowd_{i}", label=f"A place with a long name, number {i}", country="",
                        lat=f"{40.8 + 0.15 * (i % 4):.2f}", lon=f"{44.9 + 0.18 * (i // 4):.2f}")
             for i in range(12)]
    return pd.concat([places, *extra], ignore_index=True)


@pytest.fixture(scope="module")
def fig():
    """The map of the fixture's places, made once for the tests that only read it (the determinism test
    makes its own)."""
    theme.enable()
    return figure()


@pytest.fixture(scope="module")
def spec(fig) -> dict:
    return fig.chart.to_dict()


@pytest.fixture(scope="module")
def narrow_spec(fig) -> dict:
    return fig.narrow.to_dict()


# --- the base map ---------------------------------------------------------------------------------

def test_base_map_holds_the_region_and_stays_small():
    path = ROOT / "src" / "brief" / "maps" / "caucasus.geojson"
    assert path.stat().st_size < 60_000
    rings = locator.country_rings(locator.basemap())
    assert {"Armenia", "Azerbaijan", "Georgia", "Iran", "Russia", "Turkey"} <= set(rings)
    azerbaijan = next(f for f in locator.basemap()["features"] if f["properties"]["name"] == "Azerbaijan")
    assert len(azerbaijan["geometry"]["coordinates"]) >= 2  # the mainland and Nakhchivan at least
    assert locator.contains(rings["Azerbaijan"], (45.4, 39.2))  # Nakhchivan city lies in the exclave
    assert locator.contains(rings["Armenia"], (44.51, 40.18))  # Yerevan


def test_the_armenia_azerbaijan_border_comes_from_shared_vertices():
    rings = locator.country_rings(locator.basemap())
    lines = locator.shared_border(rings["Armenia"], rings["Azerbaijan"])
    assert len(lines) >= 2  # the mainland border and the border with Nakhchivan
    length = sum(math.dist(a, b) for line in lines for a, b in itertools.pairwise(line))
    assert length > 5  # degrees: hundreds of kilometres, not a stray edge
    armenia = {p for ring in rings["Armenia"] for p in ring}
    azerbaijan = {p for ring in rings["Azerbaijan"] for p in ring}
    vertices = armenia & azerbaijan
    assert all(p in vertices for line in lines for p in line)
    assert all(line[0] != line[-1] for line in lines)  # enclave loops are not frontier
    assert locator.shared_border(rings["Georgia"], rings["Iran"]) == []


def test_shared_border_of_two_squares_skips_an_enclave():
    left = [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]]
    enclave = [(1.5, 0.4), (1.6, 0.4), (1.6, 0.5), (1.5, 0.4)]
    right = [[(1, 0), (2, 0), (2, 1), (1, 1), (1, 0)], enclave]
    assert locator.shared_border(left, right) == [[(1, 0), (1, 1)]]
    assert locator.shared_border([enclave], right) == []


def test_make_basemap_joins_simplifies_and_clips():
    arcs = [[(0, 0), (1, 0.001), (2, 0)], [(2, 0), (2, 2), (0, 2), (0, 0)]]
    assert make_basemap.ring([0, 1], arcs) == [(0, 0), (1, 0.001), (2, 0), (2, 2), (0, 2), (0, 0)]
    assert make_basemap.ring([~1, ~0], arcs)[0] == (0, 0)
    assert make_basemap.simplify(arcs[0], 0.01) == [(0, 0), (2, 0)]
    assert make_basemap.simplify(arcs[0], 0.0001) == arcs[0]
    square = [(0, 0), (4, 0), (4, 4), (0, 4)]
    clipped = make_basemap.clip(square, (1, 1, 3, 5))
    assert {(round(x, 6), round(y, 6)) for x, y in clipped} == {(1, 1), (3, 1), (3, 4), (1, 4)}
    assert make_basemap.clip(square, (10, 10, 11, 11)) == []


# --- the places table ------------------------------------------------------------------------------

def test_places_quote_their_seed_verbatim():
    seeds = {row["source_id"]: normalise_text((FIXTURE / row["path"]).read_text(encoding="utf-8"))
             for row in csv.DictReader((FIXTURE / "sources.csv").open(encoding="utf-8"))}
    places = read_places()
    assert places["place_id"].is_unique
    for row in places.itertuples():
        assert row.source_id in seeds, row.place_id
        assert row.quote and normalise_text(row.quote) in seeds[row.source_id], row.place_id
        assert row.coordinate_note, row.place_id


def test_a_row_needs_exactly_one_geometry():
    places = read_places()
    point = places[places["lat"] != ""].iloc[[0]].copy()
    both = point.assign(path="45 40;46 41")
    with pytest.raises(ValueError, match=r"exactly one geometry"):
        layout(both)
    bad_path = point.assign(lat="", lon="", marker="", country="", path="45,40;46")
    with pytest.raises(ValueError, match=r"path must be"):
        layout(bad_path)


def test_a_dot_in_the_wrong_country_is_refused():
    places = read_places()
    row = places[places["country"] != ""].iloc[[0]].copy()
    other = "Georgia" if row["country"].iloc[0] != "Georgia" else "Iran"
    with pytest.raises(ValueError, match=rf"{row['place_id'].iloc[0]}.*not in {other}"):
        layout(row.assign(country=other))


def test_typed_frames_as_the_dataset_loader_gives_them_work_too():
    """Numbers as floats (NaN when empty), booleans as bools, lists as lists: the same map."""
    places = read_places()
    typed = places.assign(lat=pd.to_numeric(places["lat"].replace("", None)),
                          lon=pd.to_numeric(places["lon"].replace("", None)),
                          marker=places["marker"].str.lower().eq("true"),
                          tracks=[[t for t in v.split(";") if t] for v in places["tracks"]])
    assert layout(typed).labels == layout(places).labels
    with pytest.raises(ValueError, match=r"no places to draw"):
        layout(places.iloc[0:0])


def test_unknown_border_country_and_missing_colour_are_refused():
    places = read_places()
    border = places[places["border_of"] != ""].iloc[[0]].copy()
    with pytest.raises(ValueError, match=r"Atlantis is not a country of the base map"):
        layout(border.assign(border_with="Atlantis"))
    with pytest.raises(ValueError, match=r"share no border"):
        layout(border.assign(border_of="Georgia", border_with="Iran"))
    labels = track_labels(places)
    with pytest.raises(ValueError, match=r"no colour given"):
        locator.layout(places, citations(), labels, {})


# --- the chart --------------------------------------------------------------------------------------

def _layers(spec: dict) -> list[dict]:
    map_view = spec["vconcat"][0]
    return map_view["layer"]


def _values(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data", {})
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]] if "name" in data else []


def _datum(value: dict) -> dict:
    return value.get("properties", value)


def test_every_place_is_drawn_with_a_tooltip_naming_its_source(spec):
    places = read_places()
    cite = citations()
    drawn = {}
    for layer in _layers(spec):
        tooltips = layer.get("encoding", {}).get("tooltip", [])
        titles = {t.get("title") for t in tooltips} if isinstance(tooltips, list) else set()
        for value in _values(spec, layer):
            datum = _datum(value)
            if "place_id" in datum and datum["place_id"] in set(places["place_id"]) and tooltips:
                assert "Source" in titles, layer
                drawn.setdefault(datum["place_id"], set()).add(datum["source"])
    assert set(drawn) == set(places["place_id"])
    for row in places.itertuples():
        assert drawn[row.place_id] == {cite[row.source_id]}


def test_the_map_is_inline_and_uses_the_identity_projection(spec):
    text = json.dumps(spec)
    assert '"url"' not in text  # no data fetched at view time: the HTML works offline
    assert spec["vconcat"][0]["projection"] == {"type": "identity", "scale": 1, "translate": [0, 0]}
    assert spec["description"]  # alt text
    assert figure().chart.to_dict() == spec  # deterministic


def test_title_note_and_alt_text_say_what_the_map_shows(fig, spec):
    places = read_places()
    assert set(fig.sources) == set(places["source_id"])
    note = spec["vconcat"][-1]["data"]
    note_text = json.dumps(spec)
    assert "Natural Earth" in note_text and note
    for cite in (citations()[s] for s in fig.sources):
        assert cite in note_text
    for label in places["label"]:
        assert label in fig.alt
    lay = layout()
    for country in lay.focus:
        assert country in fig.alt
    assert "Analyst's finding" in json.dumps(figure(title="Analyst's finding").chart.to_dict()["title"])


def test_svg_and_png_render(spec, tmp_path):
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and "Natural Earth" in svg
    for label in layout().labels:
        for line in label.lines:
            assert line.replace("&", "&amp;").replace("'", "&#39;") in svg or line in svg, line
    png = vl_convert.vegalite_to_png(spec, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width <= theme.WIDTH


# --- labels ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("crowd", [False, True], ids=["places", "crowded"])
def test_label_boxes_collide_with_nothing(width, crowd):
    places = crowded() if crowd else read_places()
    lay = layout(places if crowd else None, width)
    boxes = [label.box for label in lay.labels]
    assert len(lay.labels) >= len(places)
    for a, b in itertools.combinations(lay.labels, 2):
        assert not a.box.overlaps(b.box), (a.lines, b.lines)
    for label in lay.labels:
        assert label.box.within(lay.frame.width, lay.frame.height), label.lines
        for m in lay.markers:
            assert not label.box.overlaps(locator._marker_box(m["x"], m["y"])), (label.lines, m["place_id"])
        for line in lay.lines if label.role != locator.COUNTRY_OVER_LINES else ():  # see the next test
            for a, b in itertools.pairwise(line["points"]):
                assert not label.box.crosses(a, b), (label.lines, line["place_id"])
    assert len(boxes) == len(set(boxes))


@pytest.mark.parametrize("width", WIDTHS)
def test_every_country_the_places_are_in_is_named(width, spec, narrow_spec):
    """On a phone the lines along Armenia's borders leave its name no free spot: it is then written
    across them, its middle inside Armenia, on a white halo, rather than left out or put in place of a
    place's label."""
    lay = layout(None, width)
    named = {label.lines[0]: label for label in lay.labels if label.role in ("country", locator.COUNTRY_OVER_LINES)}
    assert lay.focus and {c.upper() for c in lay.focus} <= set(named), (lay.focus, sorted(named))
    assert lay.numbered == []  # no place lost its label to a country's name
    for country in lay.focus:
        box = named[country.upper()].box
        assert locator.contains_each(pixel_rings(lay, country), [((box.left + box.right) / 2, box.bottom)])[0]
    drawn = spec if width == locator.MAP_WIDTH else narrow_spec
    for label in named.values():
        assert label.role != locator.COUNTRY_OVER_LINES or label.lines[0] in halo_texts(drawn), label.lines


def test_a_country_crowded_with_places_is_named_before_them():
    """Twenty dots across Armenia leave its name no spot on a phone's map, even across the lines: it is
    placed first, and the places' labels (most of them numbers here) go around it."""
    places = read_places()
    rings = locator.country_rings(locator.basemap())["Armenia"]
    grid = [(lat / 100, lon / 100) for lat in range(3950, 4110, 20) for lon in range(4400, 4580, 25)]
    inside = [p for p, ok in zip(grid, locator.contains_each(rings, [(lon, lat) for lat, lon in grid]), strict=True)
              if ok]
    dot = places[places["marker"] == "true"].iloc[[0]]
    crowd = [dot.assign(place_id=f"in_armenia_{i}", label=f"A place in Armenia, number {i}", country="Armenia",
                        lat=f"{lat:.2f}", lon=f"{lon:.2f}") for i, (lat, lon) in enumerate(inside[::2][:20])]
    lay = layout(pd.concat([places, *crowd], ignore_index=True), locator.PHONE_MAP_WIDTH)
    assert "ARMENIA" in {label.lines[0] for label in lay.labels if label.role.startswith("country")}
    assert lay.numbered  # the places still each have their label or number (checked for every map above)


def pixel_rings(lay, country: str) -> list:
    geometry = next(f["geometry"] for f in lay.countries if f["properties"]["name"] == country)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[tuple(point) for point in ring] for polygon in polygons for ring in polygon]


def halo_texts(spec: dict) -> set[str]:
    """The texts a chart draws with a white outline under them."""
    found, stack = set(), [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, dict) and mark.get("type") == "text" and mark.get("stroke") == "white":
                data = node.get("data", {})
                rows = spec["datasets"][data["name"]] if "name" in data else data.get("values", [])
                found |= {row.get("text") for row in rows}
            stack += node.values()
        elif isinstance(node, list):
            stack += node
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("crowd", [False, True], ids=["places", "crowded"])
def test_every_place_has_its_label_or_number_near_it(width, crowd):
    places = crowded() if crowd else read_places()
    lay = layout(places if crowd else None, width)
    labelled = {label.place_id for label in lay.labels if label.place_id}
    in_key = {e.place_id for e in lay.key_below if e.place_id}
    assert labelled | in_key == set(places["place_id"])
    bands = set(places.loc[places["border_of"] != "", "place_id"])
    assert bands <= in_key | {label.place_id for label in lay.labels if label.role == "key"}  # named in the key
    numbers = {label.lines[0]: label.place_id for label in lay.labels if label.role == "number"}
    names = dict(zip(places["place_id"], places["label"], strict=True))
    assert [(n, names[numbers[n]]) for n, _ in lay.numbered] == lay.numbered  # each number explained
    rows = locator.key_rows(lay, lay.frame.width)
    for number, label in lay.numbered:
        assert {"number", "key"} <= {r["role"] for r in rows if r["text"] in (number, label)
                                     or r["text"].replace("\n", " ") == label}
    if crowd:
        assert lay.numbered  # a dozen long labels around one town cannot all be written out


def test_the_phone_map_keeps_every_place_and_moves_the_key_under_it(fig, narrow_spec):
    assert fig.narrow is not None
    places = read_places()
    long_names = {t: f"{label} and all around it" for t, label in track_labels(places).items()}
    phone = locator.layout(places, citations(), long_names, track_colours(places), locator.PHONE_MAP_WIDTH)
    assert phone.frame.width == locator.PHONE_MAP_WIDTH
    assert phone.key_below and not phone.swatches  # the key would cover half the small map
    # a short key fits in a corner of the page's map, in a white box that hides no country holding a place
    points = places[places["border_of"] == ""]
    page = locator.layout(points, citations(), track_labels(places), track_colours(places))
    assert page.swatches and not page.key_below and page.key_box is not None
    assert locator._borders_under(page.key_box, locator._project(
        page.places, {}, locator.country_rings(locator.basemap()), page.frame.width)) < 1000
    png = vl_convert.vegalite_to_png(narrow_spec, scale=1)
    assert int.from_bytes(png[16:20], "big") <= theme.PHONE_WIDTH


def test_labels_are_drawn_where_they_were_laid_out(spec):
    """Vega draws each text exactly at the computed pixel position (identity projection)."""
    scene = vl_convert.vegalite_to_scenegraph(spec)["scenegraph"]
    drawn = set()

    def walk(node):
        for item in node.get("items", []):
            if isinstance(item, dict):
                if "text" in item and "x" in item:
                    drawn.add((str(item["text"]), round(item["x"], 1), round(item["y"], 1)))
                walk(item)

    walk(scene)
    for label in layout().labels:
        assert ("\n".join(label.lines), round(label.x, 1), round(label.top, 1)) in drawn, label.lines


def test_src_holds_no_track_id():
    source = (ROOT / "src" / "brief" / "locator.py").read_text(encoding="utf-8")
    for track in tracks_of(read_places()):
        assert f'"{track}"' not in source and f"'{track}'" not in source, track


# --- in the browser ----------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><meta charset="utf-8"><script>{bundle}</script></head>
<body><div class="brief-chart" id="vis"></div><script>
vegaEmbed("#vis", {spec}, {{"renderer": "svg", "actions": false}}).then(function (r) {{ window.view = r.view; }});
</script></body></html>"""

# Absolute bounds of every text and symbol item of the map's layers, as Vega measured them.
BOUNDS = """() => {
  const out = [];
  const visit = (mark, dx, dy) => {
    for (const item of mark.items || []) {
      if (mark.marktype === 'group') {
        for (const child of item.items || []) visit(child, dx + (item.x || 0), dy + (item.y || 0));
      } else if ((mark.marktype === 'text' || mark.marktype === 'symbol') && item.bounds) {
        const b = item.bounds;
        out.push({type: mark.marktype, text: item.text ? String(item.text) : '', halo: item.stroke === 'white',
                  name: mark.name, x: item.x + dx, y: item.y + dy,
                  x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy});
      }
    }
  };
  visit(window.view.scenegraph().root, 0, 0);
  return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_chromium_draws_the_map_offline_with_no_overlapping_text(width, request, tmp_path):
    from .browser import open_page

    spec = request.getfixturevalue("spec" if width == locator.MAP_WIDTH else "narrow_spec")
    page_file = tmp_path / "map.html"
    page_file.write_text(PAGE.format(bundle=vl_convert.javascript_bundle(),
                                     spec=json.dumps(spec).replace("<", "\\u003c")), encoding="utf-8")
    lay = layout(width=width)
    with open_page(page_file) as (page, log):
        page.wait_for_function("window.view !== undefined", timeout=20000)
        items = page.evaluate(BOUNDS)
        origin = _map_origin(items, lay)
        # Hovering a dot shows its tooltip, which names the source.
        place = next(p for p in lay.places if p.place_id == lay.markers[0]["place_id"])
        page.locator(f'#vis .mark-symbol path[aria-label*="{place.tooltip["name"]}"]').first.hover()
        page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
        tooltip = page.inner_text("#vg-tooltip-element")
    assert log["requests"] == [] and log["errors"] == [], log
    assert place.tooltip["source"] in tooltip and "Source" in tooltip, tooltip
    texts = [i for i in items if i["type"] == "text" and not i["halo"] and _in_map(i, origin, lay)]
    symbols = [i for i in items if i["type"] == "symbol" and _in_map(i, origin, lay)]
    assert len(texts) == len(lay.labels)
    for a, b in itertools.combinations(texts, 2):
        assert not _overlap(a, b), (a["text"], b["text"])
    for t in texts:
        for s in symbols:
            assert not _overlap(t, s), (t["text"], s["name"])
    # The boxes the layout placed hold what Chromium measured (within a pixel of rounding).
    boxes = {(round(label.x + origin[0], 1), round(label.top + origin[1], 1)): label.box for label in lay.labels}
    for t in texts:
        box = boxes[(round(t["x"], 1), round(t["y"], 1))]
        assert t["x1"] - origin[0] >= box.left - 1 and t["x2"] - origin[0] <= box.right + 1, t
        assert t["y1"] - origin[1] >= box.top - 1 and t["y2"] - origin[1] <= box.bottom + 1, t


def _map_origin(items: list[dict], lay) -> tuple[float, float]:
    """Where the map's plot area starts on the page: the offset of a marker from its layout position."""
    marker = lay.markers[0]
    for i in items:
        if i["type"] == "symbol":
            dx, dy = i["x"] - marker["x"], i["y"] - marker["y"]
            if all(any(abs(j["x"] - m["x"] - dx) < 0.05 and abs(j["y"] - m["y"] - dy) < 0.05 for j in items)
                   for m in lay.markers):
                return dx, dy
    raise AssertionError("the map's markers are not on the page")


def _in_map(item: dict, origin: tuple[float, float], lay) -> bool:
    x, y = item["x"] - origin[0], item["y"] - origin[1]
    return 0 <= x <= lay.frame.width and 0 <= y <= lay.frame.height


def _overlap(a: dict, b: dict) -> bool:
    return a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]


def test_a_place_shown_for_orientation_gives_no_date_or_quote():
    """A capital (a place with no track) is placed by the coder: its tooltip names it and its source,
    not a date and a quote as if the row rested on a dated statement about it."""
    places = read_places()
    rows = {p.place_id: p for p in locator.read_places(places, citations(), track_labels(places))}
    orientation = set(places.loc[places["tracks"] == "", "place_id"])
    assert orientation and orientation < set(rows)
    for pid, place in rows.items():
        shown = set(place.tooltip)
        assert ({"date_label", "quote"} <= shown) == (pid not in orientation), pid
        assert place.tooltip["source"] and place.tooltip["name"], pid


def test_a_dots_label_is_not_struck_through_by_a_border():
    """A border line through a label strikes it through: on the page's map no dot's label crosses one."""
    places = read_places()
    lay = layout()
    rows = locator.read_places(places, citations(), track_labels(places))
    base = locator._project(rows, {}, locator.country_rings(locator.basemap()), lay.frame.width)
    dots = {m["place_id"] for m in lay.markers}
    checked = [label for label in lay.labels if label.role == "place" and label.place_id in dots]
    assert checked
    for label in checked:
        crossed = [name for name, rings in base.px_rings.items() for ring in rings
                   for a, b in zip(ring, ring[1:], strict=False) if label.box.crosses(a, b)]
        assert not crossed, (label.lines, sorted(set(crossed)))
