"""Chart geometry without a browser: text measured in the house font, and the direct labels of every
chart — computed label boxes that overlap nothing and stay inside the plot, at the page's width and
at a phone's, on the fixture project and on synthetic worst cases."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
import vl_convert

from brief import analysis, charts, nbout, theme
from brief.charts import cadence, chain, chain_layout, common, progress, text, timeline
from brief.dates import short_day

from .fixture_data import copy_data
from .helpers import read_rows, write_rows


def test_text_width_follows_the_font():
    assert text.text_width("MMMM") > text.text_width("iiii") * 2
    assert text.text_width("Qızılhacılı") > 0
    assert text.text_width("bold", bold=True) > text.text_width("bold")
    assert text.text_width("wide line\nnarrow") == text.text_width("wide line")
    assert text.wrap("one two three four", text.text_width("three four")) == ["one two", "three four"]
    assert text.wrap("unbreakable", 5) == ["unbreakable"]


def test_boxes_overlap_cross_and_fit():
    a = text.Box(0, 0, 10, 10)
    assert a.overlaps(text.Box(9, 9, 20, 20)) and not a.overlaps(text.Box(10, 0, 20, 10))
    assert a.overlaps(text.Box(12, 0, 20, 10), gap=3)
    assert a.within(10, 10) and not a.within(10, 10, margin=1)
    assert a.crosses((-5, 5), (15, 5)) and not a.crosses((-5, 15), (15, 15))
    assert not a.crosses((0, -5), (0, 15), gap=-0.5)  # along an edge is not through
    box = text.text_box(["one", "three"], 100, 20, "center")
    assert box.right - box.left == text.text_width("three") and box.left == 100 - text.text_width("three") / 2
    assert box.bottom - box.top == text.block_height(2)
    assert text.collisions([a, text.Box(5, 5, 8, 8, "b")], 100, 100) == ["'' overlaps 'b'"]


# --- the charts on the fixture project and on worst cases ---------------------------------------------

WIDTHS = (theme.WIDTH, theme.PHONE_WIDTH)
LONG_WORD = "Extraordinarily-long-unbroken-place-name-" * 3


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return copy_data(tmp_path_factory.mktemp("charts")) / "data"  # all the charts read


@pytest.fixture(scope="module")
def ctx(data_dir):
    return nbout.setup(data_dir=data_dir)


def crowd(frame: pd.DataFrame, n: int, key: str, **columns) -> pd.DataFrame:
    """``frame``'s first row copied ``n`` times with new ids (``key``) and labels of every length."""
    texts = ["Talks", "A much longer label that has to wrap", LONG_WORD, "Ceasefire holds", "Second round",
             "Envoys meet again in the capital", "Draft exchanged"]
    rows = [frame.iloc[0].to_dict() | {key: f"crowd_{i}", **{c: v(i, texts[i % len(texts)]) if callable(v) else v
                                                               for c, v in columns.items()}}
            for i in range(n)]
    return pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_labels_collide_with_nothing(ctx, width):
    drawn = timeline.items(ctx)
    _, lay = timeline.geometry(ctx, drawn, width)
    assert set(lay.labels) == set(drawn["id"])
    assert lay.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_with_many_events_in_one_month(ctx, width):
    drawn = timeline.items(ctx)
    day = dt.date(2024, 3, 1)
    crowded = crowd(drawn[drawn["kind"] == "event"], 14, "id", label=lambda i, t: t, date_start=day,
                    date_end=lambda i, t: day + dt.timedelta(days=i % 28),
                    at=lambda i, t: common.midpoint(day, day + dt.timedelta(days=i % 28)))
    _, lay = timeline.geometry(ctx, crowded, width)
    assert len(lay.labels) == len(crowded)
    assert lay.collisions() == []


@pytest.mark.parametrize(("as_of", "since"), [("2024-06-30", "2024-01-01"), ("2024-12-31", "2024-07-01")])
def test_timeline_marks_sit_at_their_dates_and_deadlines_beyond_the_cut_off(data_dir, as_of, since):
    """Each mark lies within the period its source gives; a deadline sits at its horizon, right of the
    "as of" rule, and no label crosses the rule; an event dated only to a year is hollow and says so;
    the title names the cut-off, not the last event."""
    view = nbout.setup(data_dir=data_dir, as_of=as_of, since=since, known_by="latest")
    drawn = timeline.items(view)
    assert (drawn["kind"] == "deadline").any() and drawn["hollow"].any()
    for width in WIDTHS:
        scale, lay = timeline.geometry(view, drawn, width)
        (rule, _), _ = lay.rules[0]
        assert rule == pytest.approx(scale.px(view.as_of + dt.timedelta(days=1)))
        marks = {box.what: (box.left + box.right) / 2 for box in lay.marks}
        for r in drawn.itertuples():
            x = marks[r.label]
            assert scale.px(r.date_start) <= x <= scale.px(r.date_end + dt.timedelta(days=1)), r.label
            assert (x > rule) == (r.kind == "deadline"), r.label
        assert lay.collisions() == []
    events = analysis.events(view, key_only=True).set_index("event_id")
    for r in drawn[drawn["kind"] == "event"].itertuples():
        year_only = events.loc[r.id, "date_precision"] == "year"
        assert r.hollow == year_only and ("month unknown" in r.label) == year_only, r.label
    title = charts.timeline_chart(view).chart.to_dict()["title"]["text"]
    assert f"to {short_day(view.as_of)}" in json.dumps(title, ensure_ascii=False)


@pytest.mark.parametrize("width", WIDTHS)
def test_cadence_labels_collide_with_nothing(ctx, width):
    rows = cadence.meeting_rows(ctx, analysis.meetings(ctx))
    _, lay = cadence.geometry(ctx, rows, width)
    assert set(lay.labels) == set(rows["meeting_id"])
    assert lay.collisions() == []
    if width == theme.PHONE_WIDTH:  # labels name the place only: the key names each mediator's colour
        assert {colour for colour, _ in lay.key} == set(rows["colour"])


@pytest.mark.parametrize("width", WIDTHS)
def test_cadence_with_many_meetings_in_one_quarter(ctx, width):
    rows = cadence.meeting_rows(ctx, analysis.meetings(ctx))
    day = dt.date(2024, 4, 1)
    crowded = crowd(rows, 12, "meeting_id", place_short=lambda i, t: t, mediator_label=lambda i, t: t[::-1],
                    at=lambda i, t: common.midpoint(day + dt.timedelta(days=7 * i), day + dt.timedelta(days=7 * i)))
    _, lay = cadence.geometry(ctx, crowded, width)
    assert len(lay.labels) == len(crowded)
    assert lay.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_labels_collide_with_nothing(ctx, width):
    geo = progress.geometry(ctx, progress.figures(ctx), width)
    assert geo.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_with_many_figures_at_one_date(ctx, width):
    points = progress.figures(ctx)
    crowded = crowd(points, 6, "figure", figure=lambda i, t: f"{t} ({i})", share_pct=lambda i, t: 60 + 4 * i)
    counts = crowd(points[points["count"]], 4, "figure", figure=lambda i, t: t)
    crowded = pd.concat([crowded, counts.iloc[1:]], ignore_index=True)
    crowded = crowded.assign(figure=[f"figure {i} {LONG_WORD if i % 4 == 0 else ''}" for i in range(len(crowded))])
    geo = progress.geometry(ctx, crowded, width)
    assert len(geo.labels) == len(crowded) == len(geo.marks)
    assert geo.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_keeps_counts_off_the_share_axis(ctx, width):
    """A share of the text is a point on the 0–100 axis; a count of articles against a stated total
    (metrics.csv needs_total) is a mark in a row of its own under it, headed by its metric's label."""
    points = progress.figures(ctx)
    assert points["count"].any() and (~points["count"]).any()
    geo = progress.geometry(ctx, points, width)
    metrics = ctx.vocab["metrics"]
    for mark, row in zip(geo.marks, points.itertuples(), strict=True):
        y = (mark.top + mark.bottom) / 2
        if row.count:
            assert y > geo.bottom and y == geo.counts.rows[metrics.label(row.metric)], row.figure
        else:
            assert y == pytest.approx(geo.y(row.share_pct)) and geo.top <= y <= geo.bottom, row.figure
    assert set(geo.counts.headings) == {metrics.label(m) for m in points.loc[points["count"], "metric"]}


def test_progress_draws_no_line_and_bands_the_time_without_figures(ctx):
    """Figures of different dates are not joined: a grey band covers the time between them."""
    points = progress.figures(ctx)
    spec = charts.progress_chart(ctx).chart.to_dict()
    assert '"line"' not in json.dumps(spec)
    geo = progress.geometry(ctx, points, theme.WIDTH)
    shares = points[~points["count"]].sort_values("date_start")
    first, last = shares.iloc[0], shares.iloc[-1]
    band = next(b for b in geo.bands if "between" in b.text)
    assert band.left == pytest.approx(geo.scale.px(first["date_end"] + dt.timedelta(days=1)))
    assert band.right == pytest.approx(geo.scale.px(last["date_start"]))
    title = progress.title(ctx, points)
    assert all(f in title for f in points.loc[points["date_end"] == points["date_end"].max(), "figure"])
    assert "two different measures" in title and first["figure"] in title


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_axis_covers_the_edition_window(data_dir, width):
    """An edition whose window holds no figure shows the window, marked as without figures."""
    mid = nbout.setup(data_dir=data_dir, as_of="2024-06-30", known_by="latest", since="2024-01-01")
    points = progress.figures(mid)
    assert points["date_end"].max() < mid.params.since
    geo = progress.geometry(mid, points, width)
    assert geo.scale.start <= mid.params.since and geo.scale.end > mid.as_of
    band = geo.bands[-1]
    assert band.right == pytest.approx(geo.scale.px(mid.as_of + dt.timedelta(days=1)))
    assert band.label is not None and "30 Jun 2024" in band.label.text.replace("\n", " ")
    assert geo.collisions() == []
    assert progress.title(mid, points).startswith("No figure reported from 1 Jan 2024 to 30 Jun 2024")


@pytest.mark.parametrize("width", WIDTHS)
def test_chain_cards_and_links_collide_with_nothing(ctx, width):
    lay = chain_layout.layout(analysis.chain_graph(ctx), chain.card_texts(ctx, analysis.chain_nodes(ctx)),
                              common.plot_width(width))
    assert lay.cards and chain_layout.collisions(lay) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_chain_links_take_their_relations_line_style_and_group_headings(ctx, width):
    """Blocking and non-blocking links are told apart by the line style their relation declares
    (relations.csv ``line``), and conditions sit under their relation's ``group_label``."""
    nodes = analysis.chain_nodes(ctx)
    lay = chain_layout.layout(analysis.chain_graph(ctx), chain.card_texts(ctx, nodes), common.plot_width(width),
                              chain.kinds(ctx))
    _, _, points = chain._frames(ctx, nodes, lay)
    relations = ctx.vocab["relations"]
    by_label = {relations.label(r): r for r in relations.ids()}
    used = set(points["relation"])
    assert {relations[by_label[u]]["blocking"] for u in used} == {True, False}
    for row in points.itertuples():
        assert row.dash == chain.DASHES[str(relations[by_label[row.relation]]["line"])], row.relation
    assert {h.text for h in lay.headings} <= {str(relations[r]["group_label"]) for r in relations.ids()}
    assert lay.headings and chain_layout.collisions(lay) == []


@pytest.mark.slow  # seconds: edit loops (make test-fast) leave it to make test
def test_every_chart_fits_its_width_and_is_deterministic(ctx, monkeypatch):
    """Nothing (title, labels, axis, note) makes a chart wider than the page or the phone: a wider chart
    would be scaled down, and its text with it. Every spec is valid Vega-Lite (to_dict validates): the
    build writes them unvalidated (nbout.chart_bundle), so this is where a chart's structure is checked.
    Made again through Altair's own alt.layer/alt.vconcat (which common.layer/vconcat skip), each chart
    is the same spec: the shortcut changes nothing but the cost."""
    no_data = functools.partial(common.no_data, title="Nothing known", what="nothing", caption="Nothing.")
    for make in (charts.progress_chart, charts.cadence_chart, charts.timeline_chart, charts.chain_chart,
                 charts.map_chart, no_data):
        figure = make(ctx)
        specs = []
        for chart, width in ((figure.chart, theme.WIDTH), (figure.narrow, theme.PHONE_WIDTH)):
            assert chart is not None, figure.caption
            specs.append(chart.to_dict())
            # As drawn: the width of Vega's SVG, in whole pixels as a PNG of it would be (a rounding
            # error below one pixel scales nothing)
            drawn = re.search(r'<svg[^>]*\swidth="([\d.]+)"', vl_convert.vegalite_to_svg(specs[-1])).group(1)
            assert math.floor(float(drawn)) <= width, (figure.caption, width, drawn)
        with monkeypatch.context() as altairs_own:
            altairs_own.setattr(common, "_plain", lambda charts, sized_ok: False)
            again = make(ctx)  # equal to the validated specs above, so validating these again would tell nothing new
        assert [again.chart.to_dict(validate=False), again.narrow.to_dict(validate=False)] == specs, figure.caption


@pytest.mark.parametrize("width", WIDTHS)
def test_chain_with_many_conditions_and_long_names(width):
    graph = nx.DiGraph()
    texts = {"deal": ("The comprehensive deal", "Not started"), "treaty": ("Treaty", "Under negotiation · since 2024")}
    graph.add_edge("treaty", "deal", relation="step")
    for i in range(9):
        graph.add_edge(f"c{i}", "treaty", relation="condition")
        texts[f"c{i}"] = (f"Condition {i} {LONG_WORD if i % 3 == 0 else 'on the border'}", "Open · since Dec 2024")
    graph.add_edge("c0", "deal", relation="deferred")  # a long link past the treaty's layer
    lay = chain_layout.layout(graph, texts, common.plot_width(width))
    assert set(lay.cards) == set(graph) and chain_layout.collisions(lay) == []
    assert all(card.box.right <= lay.width and card.box.left >= 0 for card in lay.cards.values())


# --- the dependency chain: every letter, no link through a card, few crossings -------------------------

MID_YEAR = {"as_of": "2024-06-30", "known_by": "latest", "since": "2024-01-01"}
VIEWS = {"year-end": {}, "mid-year": MID_YEAR}
LONG_PLACE = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"  # wider than a card on any page


def _add_rows(data: Path, table: str, rows: list[dict]) -> None:
    path = data / f"{table}.csv"
    old = read_rows(path)
    write_rows(path, old + [[row.get(name, "") for name in old[0]] for row in rows])


@pytest.fixture(scope="module")
def crowded_dir(tmp_path_factory):
    """The fixture's chain as the shipped one is shaped, through data: a second kind of condition
    (its own heading), a link that skips a layer (treaty → normalization past the framework), three
    issues left to the settlement by mid-year (two more side steps), a single word wider than a card
    at four to a row and a place name wider than any card."""
    data = copy_data(tmp_path_factory.mktemp("crowded")) / "data"
    alpha = {"source_id": "src_alpha",
             "quote": "A framework treaty that defers the charter question is the likeliest outcome"}
    beta = {"source_id": "src_beta", "quote": "Two points stay open"}
    _add_rows(data, "vocabulary/relations", [{"relation_id": "demands", "label": "is demanded for", "blocking": "true",
                                              "line": "dashed", "group_label": "Demanded outside", "order": "15",
                                              "description": "A demand beyond the text."}])
    _add_rows(data, "chain_nodes", [
        {"node_id": "fx_n_troops", "date": "2024-12", "label": "No foreign troops on the line", "kind": "condition",
         "track": "treaty", "description": "A demand.", **beta},
        {"node_id": "fx_n_claims", "date": "2024-12", "label": "Counterdemilitarization", "kind": "condition",
         "track": "treaty", "description": "A demand.", **beta},
        {"node_id": "fx_n_river", "date": "2024-06", "label": "River boundary details", "kind": "deferred",
         "track": "treaty", "description": "Left for later.", **alpha},
        {"node_id": "fx_n_port", "date": "2024-06", "label": f"Port of {LONG_PLACE}", "kind": "deferred",
         "track": "treaty", "description": "Left for later.", **alpha}])
    _add_rows(data, "chain_edges", [
        {"edge_id": "fx_e_troops", "date": "2024-12", "from_node": "fx_n_troops", "to_node": "fx_n_treaty",
         "relation": "demands", "rationale": "A demand.", **beta},
        {"edge_id": "fx_e_claims", "date": "2024-12", "from_node": "fx_n_claims", "to_node": "fx_n_treaty",
         "relation": "demands", "rationale": "A demand.", **beta},
        {"edge_id": "fx_e_river", "date": "2024-06", "from_node": "fx_n_river", "to_node": "fx_n_settlement",
         "relation": "later", "rationale": "Deferred.", **alpha},
        {"edge_id": "fx_e_port", "date": "2024-06", "from_node": "fx_n_port", "to_node": "fx_n_settlement",
         "relation": "later", "rationale": "Deferred.", **alpha},
        {"edge_id": "fx_e_frame_normal", "date": "2024-06", "from_node": "fx_n_frame", "to_node": "fx_n_normal",
         "relation": "helps", "rationale": "Could help.", **alpha}])
    return data


@functools.cache
def chain_geometry(data: Path, view: str, width: float):
    """(card texts, layout) of the chain over ``data`` in this view, laid out for a chart ``width`` wide:
    worked out once per run for each combination, which several tests only read."""
    view_ctx = nbout.setup(data_dir=data, **VIEWS[view])
    texts = chain.card_texts(view_ctx, analysis.chain_nodes(view_ctx))
    return texts, chain_layout.layout(analysis.chain_graph(view_ctx), texts, common.plot_width(width),
                                      chain.kinds(view_ctx))


def rejoins(lines: tuple[str, ...], label: str) -> bool:
    """Whether ``lines`` give back ``label`` letter for letter: each line follows on from the last at a
    space, after a compound's dash, or after a hyphen it added to cut an overlong word."""
    at = 0
    for line in lines:
        if label.startswith(line, at):
            at += len(line)
        elif line.endswith("-") and label.startswith(line[:-1], at):
            at += len(line) - 1
        else:
            return False
        at += label.startswith(" ", at)
    return at == len(label)


@pytest.mark.parametrize("project", ["fixture", "crowded"])
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("width", WIDTHS)
def test_chain_cards_keep_every_letter_and_fit(data_dir, crowded_dir, project, view, width):
    """No card cuts its text short ("Comprehensi… peace deal"): the lines give back the whole label and
    status, and each line fits inside its card; a word too wide for an equal share widens its card."""
    texts, lay = chain_geometry(data_dir if project == "fixture" else crowded_dir, view, width)
    assert lay.cards and set(lay.cards) == set(texts)
    for node, card in lay.cards.items():
        title, status = texts[node]
        assert rejoins(card.title_lines, title), card.title_lines
        assert rejoins(card.status_lines, status), card.status_lines
        inner = card.box.right - card.box.left - 2 * chain_layout.CARD_PADDING
        assert all(text.text_width(t, bold=True) <= inner for t in card.title_lines), card.title_lines
        assert all(text.text_width(t) <= inner for t in card.status_lines), card.status_lines
        assert card.box.left >= 0 and card.box.right <= lay.width
    if (project, view, width) == ("crowded", "year-end", theme.WIDTH):
        assert "Counterdemilitarization" in lay.cards["fx_n_claims"].title_lines  # its card widened, not cut


@pytest.mark.parametrize("project", ["fixture", "crowded"])
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_chain_link_runs_through_a_card_it_does_not_connect(data_dir, crowded_dir, project, view, width):
    """A link through a third card reads as a link into it (the deferred-issue links of the mid-year
    chain ran through one another's cards): every segment keeps out of every card but its two ends."""
    _, lay = chain_geometry(data_dir if project == "fixture" else crowded_dir, view, width)
    assert lay.links
    for link in lay.links:
        for card in lay.cards.values():
            if card.node not in (link.source, link.target):
                assert not any(card.box.crosses(a, b, gap=-0.5) for a, b in zip(link.points, link.points[1:],
                                                                                  strict=False)), (link, card.node)


@pytest.mark.parametrize("project", ["fixture", "crowded"])
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("width", WIDTHS)
def test_chain_links_do_not_cross(data_dir, crowded_dir, project, view, width):
    """The crossings counter on the drawn lines, bounded at what the layout reaches (none), so an
    ordering that brings crossings back fails."""
    _, lay = chain_geometry(data_dir if project == "fixture" else crowded_dir, view, width)
    assert chain_layout.crossings(lay) == []


def test_on_a_phone_no_long_link_seems_to_run_on_past_the_treaty(crowded_dir):
    """The year-end phone tangle: the upper conditions' lines came down one margin into the treaty and
    the treaty → normalization line left it down the same margin, read as one line running on. Long
    links into a card and out of it now run on opposite sides."""
    _, lay = chain_geometry(crowded_dir, "year-end", theme.PHONE_WIDTH)
    box = lay.cards["fx_n_treaty"].box
    centre = (box.left + box.right) / 2
    into = {link.points[-2][0] > centre for link in lay.links if link.target == "fx_n_treaty" and len(link.points) > 2}
    out = {link.points[1][0] > centre for link in lay.links if link.source == "fx_n_treaty" and len(link.points) > 2}
    assert len(into) == 1 and len(out) == 1 and into != out
