"""Chart functions: data rows follow the parameters, every chart has its finding, notes and
tooltips, empty selections say so, output is deterministic and fits an A4 page."""

from __future__ import annotations

import re

import pytest
import vl_convert

from brief import charts, theme
from brief.dataset import load_dataset
from brief.params import MEDIATORS, resolve

from .helpers import ROOT

CHARTS = (charts.progress_chart, charts.cadence_timeline, charts.cadence_counts, charts.chain_chart)


@pytest.fixture(scope="module")
def ds():
    theme.enable()
    return load_dataset(ROOT / "data")


def params(ds, **raw):
    return resolve(raw, ds.latest_date())


def dataset_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def ids(spec: dict, column: str) -> set[str]:
    return {row[column] for row in dataset_rows(spec) if column in row}


def walk(node):
    yield node
    for value in (node.values() if isinstance(node, dict) else node if isinstance(node, list) else []):
        yield from walk(value)


@pytest.mark.parametrize("make", CHARTS)
def test_every_chart_has_finding_caption_alt_note_and_tooltips(ds, make):
    figure = make(ds, params(ds))
    spec = figure.chart.to_dict()
    assert spec["description"] == figure.alt and len(figure.alt) > 40
    assert figure.caption and figure.sources
    assert any(ch.isdigit() for ch in " ".join(spec["title"]["text"]))  # the title states a number
    notes = [row["source_note"] for row in dataset_rows(spec) if "source_note" in row]
    assert notes and notes[0].startswith("Source: ")
    cites = [s["cite_as"] for s in ds["sources"].to_dict("records") if s["source_id"] in figure.sources]
    assert all(c.split()[0] in notes[0] for c in cites)
    assert any("tooltip" in n.get("encoding", {}) for n in walk(spec) if isinstance(n, dict))


@pytest.mark.parametrize("raw", [{}, {"since": "2022-01-01", "period": "month"}, {"mediators": "russia"},
                                 {"as_of": "2020-01-01"}], ids=["default", "months", "no-meetings", "no-data"])
@pytest.mark.parametrize("make", CHARTS)
def test_charts_fit_a4_width_with_readable_unclipped_text(ds, make, raw):
    svg = vl_convert.vegalite_to_svg(make(ds, params(ds, **raw)).chart.to_dict())
    assert "…" not in svg  # Vega truncates labels that exceed their limit with an ellipsis
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
    # 16 cm of text width is ~454 pt; text must print at >= 9 pt.
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)(?:px)?"', svg)]
    sizes += [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert sizes
    assert min(sizes) * 454 / width >= 9, (width, min(sizes))


@pytest.mark.parametrize("make", CHARTS)
def test_charts_are_deterministic(ds, make):
    first = make(ds, params(ds)).chart.to_dict()
    second = make(ds, params(ds)).chart.to_dict()
    assert first == second
    assert vl_convert.vegalite_to_svg(first) == vl_convert.vegalite_to_svg(second)


def test_progress_rows_follow_as_of(ds):
    full = charts.progress_chart(ds, params(ds)).chart.to_dict()
    mid = charts.progress_chart(ds, params(ds, as_of="2024-06-30")).chart.to_dict()
    assert ids(full, "progress_id") == set(ds["progress"]["progress_id"])
    assert ids(mid, "progress_id") == set(ds.known_on("progress", __import__("datetime").date(2024, 6, 30))[
        "progress_id"])
    assert not any(row.get("date") == "2024-12" for row in dataset_rows(mid))


def test_progress_draws_month_precision_as_an_interval(ds):
    spec = charts.progress_chart(ds, params(ds)).chart.to_dict()
    dec = next(r for r in dataset_rows(spec) if r.get("progress_id") == "pr_share_2024_12")
    assert (dec["start"], dec["end"]) == ("2024-12-01T00:00:00", "2025-01-01T00:00:00")
    assert dec["start"] <= dec["at"] < dec["end"]
    # Two people stating the same figure for the same month are drawn apart, inside the month.
    same = [r["at"] for r in dataset_rows(spec) if r.get("date") == "2024-12" and r.get("value") == 90
            and "stated_by" in r and "mid" not in r]
    assert len(set(same)) == len(same) == 2


def test_cadence_rows_follow_the_window_and_mediators(ds):
    mid = charts.cadence_timeline(ds, params(ds, as_of="2024-06-30")).chart.to_dict()
    assert ids(mid, "meeting_id") == {"mt_2024_02_munich", "mt_2024_04_berlin"}
    us = charts.cadence_timeline(ds, params(ds, mediators="united_states")).chart.to_dict()
    assert {r["mediator"] for r in dataset_rows(us) if "mediator" in r} == {"united_states"}


def test_mediator_colours_are_fixed_whatever_the_selection(ds):
    scales = []
    for raw in ({}, {"mediators": "united_states"}, {"mediators": "germany_eu,summit_host"}):
        for make in (charts.cadence_timeline, charts.cadence_counts):
            spec = make(ds, params(ds, **raw)).chart.to_dict()
            scales += [n["scale"] for n in walk(spec) if isinstance(n, dict) and n.get("field") == "mediator_label"
                       and "scale" in n]
    assert scales and all(s == scales[0] for s in scales)
    assert dict(zip(scales[0]["domain"], scales[0]["range"], strict=True)) == {
        theme.MEDIATOR_LABELS[m]: theme.MEDIATOR_COLOURS[m] for m in MEDIATORS}


def test_counts_sum_to_the_meetings_shown(ds):
    p = params(ds, since="2022-01-01", period="month")
    spec = charts.cadence_counts(ds, p).chart.to_dict()
    assert sum(r["meetings"] for r in dataset_rows(spec) if "meetings" in r) == 10


def test_chain_nodes_are_coloured_by_status_as_of(ds):
    early = charts.chain_chart(ds, params(ds, as_of="2021-01-01")).chart.to_dict()
    assert {r["status"] for r in dataset_rows(early) if "status" in r} == {"no record"}
    late = charts.chain_chart(ds, params(ds)).chart.to_dict()
    status = {r["node_id"]: r["status"] for r in dataset_rows(late) if "status" in r}
    assert status["framework_agreement"] == "negotiating"
    edges = {r["edge"]: r["relation"] for r in dataset_rows(late) if "relation" in r}
    assert len(edges) == len(ds["chain_edges"]) and all(edges.values())


@pytest.mark.parametrize("make,raw", [(charts.progress_chart, {"as_of": "2020-01-01"}),
                                      (charts.cadence_timeline, {"mediators": "russia"}),
                                      (charts.cadence_counts, {"as_of": "2020-01-01"})])
def test_empty_selection_gives_an_explicit_no_data_chart(ds, make, raw):
    figure = make(ds, params(ds, **raw))
    spec = figure.chart.to_dict()
    texts = [r.get("text", "").replace("\n", " ") for r in dataset_rows(spec)]
    assert figure.alt in texts
    assert figure.alt.startswith(charts.NO_DATA)
    encodings = [n["encoding"] for n in walk(spec) if isinstance(n, dict) and "encoding" in n]
    assert not any("field" in e.get(ch, {}) for e in encodings for ch in ("x", "y"))  # no empty axes
    vl_convert.vegalite_to_svg(spec)  # renders
