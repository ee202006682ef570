"""Analysis and judgment functions, checked against values computed here from the raw CSVs."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from brief import analysis, judgments
from brief.contract import md_escape
from brief.dataset import load_dataset
from brief.dates import parse_fuzzy_date
from brief.params import MEDIATORS, resolve

from .helpers import ROOT


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data")


def rows(table: str) -> list[dict]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def params(ds, **raw):
    return resolve(raw, ds.latest_date())


def expected_meetings(as_of: dt.date, since: dt.date, mediators=MEDIATORS) -> set[str]:
    out = set()
    for row in rows("meetings"):
        date = parse_fuzzy_date(row["date"])
        if since <= date.start and date.end <= as_of and row["mediator"] in mediators:
            out.add(row["meeting_id"])
    return out


@pytest.mark.parametrize("raw", [{}, {"as_of": "2024-06-30"}, {"since": "2022-01-01"},
                                 {"mediators": "united_states"}, {"as_of": "2024-09-30", "since": "2024-07-01"}])
def test_meetings_in_window_match_the_csv(ds, raw):
    p = params(ds, **raw)
    got = analysis.meetings_in_window(ds, p)
    assert set(got["meeting_id"]) == expected_meetings(p.as_of, p.since, p.mediators)
    assert list(got["date_start"]) == sorted(got["date_start"])


def test_mid_year_window_has_no_october_meeting(ds):
    got = analysis.meetings_in_window(ds, params(ds, as_of="2024-06-30"))
    assert not any(d.month == 10 for d in got["date_start"])
    assert len(got) == 2


def test_year_only_meeting_is_not_counted_in_a_window_starting_mid_year(ds):
    p = params(ds, as_of="2024-12-31", since="2022-06-01")
    assert not any(analysis.meetings_in_window(ds, p)["date"] == "2022")


def test_period_of_keeps_precision_honest():
    assert analysis.period_of(dt.date(2024, 2, 1), dt.date(2024, 2, 29), "quarter") == ("2024 Q1", dt.date(2024, 1, 1))
    assert analysis.period_of(dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month") == ("Feb 2024", dt.date(2024, 2, 1))
    label, _ = analysis.period_of(dt.date(2022, 1, 1), dt.date(2022, 12, 31), "quarter")
    assert label == "2022 (date: year only)"


def test_meeting_counts_cover_every_period_and_sum_to_the_meetings(ds):
    p = params(ds, since="2022-01-01", period="quarter")
    meetings = analysis.meetings_in_window(ds, p)
    counts = analysis.meeting_counts(meetings, p)
    assert counts["meetings"].sum() == len(meetings)
    quarters = {label for label in counts["period"] if " Q" in label}
    assert len(quarters) == 12  # 2022 Q1 … 2024 Q4, quiet quarters included
    per_mediator = counts[counts["meetings"] > 0].groupby("mediator")["meetings"].sum().to_dict()
    assert per_mediator == dict(Counter(meetings["mediator"]))
    assert "2022 (date: year only)" in set(counts["period"])
    assert list(counts["period_start"]) == sorted(counts["period_start"])


def test_progress_known_respects_as_of(ds):
    known = analysis.progress_known(ds, params(ds, as_of="2024-06-30"))
    assert set(known["progress_id"]) == {r["progress_id"] for r in rows("progress")
                                         if parse_fuzzy_date(r["date"]).end <= dt.date(2024, 6, 30)}
    assert not any(known["date"] == "2024-12")


def test_share_change_from_the_csv(ds):
    share = sorted((parse_fuzzy_date(r["date"]).end, float(r["value"])) for r in rows("progress")
                   if r["metric"] == "share_agreed_pct")
    change = analysis.share_change(analysis.progress_known(ds, params(ds)))
    assert (change.first_value, change.last_value) == (share[0][1], share[-1][1])


def test_share_change_is_none_before_the_first_figure(ds):
    assert analysis.share_change(analysis.progress_known(ds, params(ds, as_of="2020-01-01"))) is None


def _latest(table: str, key: str, as_of: dt.date) -> dict[str, str]:
    latest = {}
    for r in sorted(rows(table), key=lambda r: (parse_fuzzy_date(r["date"]).end, parse_fuzzy_date(r["date"]).start)):
        if parse_fuzzy_date(r["date"]).end <= as_of:
            latest[r[key]] = r["status"]
    return latest


@pytest.mark.parametrize("as_of", ["2020-01-01", "2023-12-31", "2024-06-30", "2024-12-31"])
def test_chain_status_as_of_is_the_latest_known_record(ds, as_of):
    day = dt.date.fromisoformat(as_of)
    expected = _latest("chain_status", "node_id", day)
    got = analysis.chain_status_as_of(ds, day).set_index("node_id")["status"].to_dict()
    assert set(got) == {r["node_id"] for r in rows("chain_nodes")}
    assert got == {n: expected.get(n, analysis.NO_RECORD) for n in got}


def test_sticking_points_as_of_is_the_latest_known_record(ds):
    day = dt.date(2024, 6, 30)
    expected = _latest("sticking_point_status", "point_id", day)
    got = analysis.sticking_points_as_of(ds, day).set_index("point_id")["status"].to_dict()
    assert got == {p: expected.get(p, analysis.NO_RECORD) for p in got}
    assert analysis.NO_RECORD in got.values()  # some statuses are only known in December


def test_chain_layout_layers_every_edge_forward_and_is_stable(ds):
    graph = analysis.chain_graph(ds)
    layout = analysis.chain_layout(graph)
    assert set(layout) == set(graph)
    assert all(layout[a][0] < layout[b][0] for a, b in graph.edges)
    assert analysis.chain_layout(analysis.chain_graph(ds)) == layout
    roots = [r["node_id"] for r in rows("chain_nodes") if not any(e["to_node"] == r["node_id"]
                                                                 for e in rows("chain_edges"))]
    assert {n for n, (layer, _) in layout.items() if layer == 0} == set(roots)


def test_chain_layout_never_puts_two_nodes_on_one_spot():
    import networkx as nx

    graph = nx.DiGraph([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y"), ("x", "z"), ("y", "z")])
    layout = analysis.chain_layout(graph)
    assert len(set(layout.values())) == len(layout)
    assert layout["z"][0] == 2 and layout["x"][0] == layout["y"][0] == 1


def test_chain_waiting_on_names_the_unachieved_conditions(ds):
    wait = analysis.chain_waiting_on(ds, dt.date(2024, 12, 31))
    blockers = {e["from_node"] for e in rows("chain_edges") if e["to_node"] == wait.node_id
                and e["relation"] in analysis.BLOCKING_RELATIONS}
    labels = {r["node_id"]: r["label"] for r in rows("chain_nodes")}
    assert {b[0] for b in wait.blockers} == {labels[b] for b in blockers}


def test_most_common_reports_ties_alphabetically():
    import pandas as pd

    assert analysis.most_common(pd.Series(["b", "a", "b", "a", "c"])) == (("a", "b"), 2)
    assert analysis.most_common(pd.Series([], dtype=object)) == ((), 0)


# --- judgments ----------------------------------------------------------------------------

def test_key_judgments_contain_the_computed_numbers(ds):
    p = params(ds)
    text = judgments.key_judgments(ds, p)
    shares = [r for r in rows("progress") if r["metric"] == "share_agreed_pct"]
    values = sorted((parse_fuzzy_date(r["date"]).end, float(r["value"])) for r in shares)
    first, last = values[0][1], values[-1][1]
    assert f"{first:g}%" in text and f"{last:g}%" in text and f"{last - first:+g} percentage points" in text
    articles = next(r for r in rows("progress") if r["metric"] == "articles_agreed")
    assert f"{float(articles['value']):g} of {float(articles['total']):g}" in text
    meetings = expected_meetings(p.as_of, p.since)
    assert f"{len(meetings)} meetings took place" in text
    top = Counter(r["mediator"] for r in rows("meetings") if r["meeting_id"] in meetings).most_common(1)[0]
    assert f"({top[1]})" in text
    sticking = _latest("sticking_point_status", "point_id", p.as_of)
    n_open = sum(s in analysis.OPEN_STATUSES for s in sticking.values())
    assert f"Of {len(sticking)} sticking points with a recorded status, {n_open} are open" in text
    assert 3 <= text.count("\n- ") + 1 <= 6


def test_key_judgments_say_no_data_for_an_empty_window(ds):
    text = judgments.key_judgments(ds, params(ds, as_of="2020-06-30"))
    assert text.count(judgments.NO_DATA) >= 3
    text = judgments.meetings_sentence(ds, params(ds, mediators="russia"))
    assert text.startswith(judgments.NO_DATA)


def test_meetings_sentence_names_a_mediator_subset(ds):
    p = params(ds, mediators="united_states")
    text = judgments.meetings_sentence(ds, p)
    assert "(mediators selected: United States)" in text
    assert text.startswith(f"{len(expected_meetings(p.as_of, p.since, p.mediators))} meetings")
    assert "mediators selected" not in judgments.meetings_sentence(ds, params(ds))


def test_tables_escape_data_and_have_one_row_per_item(ds):
    p = params(ds)
    table = judgments.meetings_table(ds, p)
    assert len([line for line in table.splitlines() if line.startswith("| ")]) == 1 + len(
        expected_meetings(p.as_of, p.since))
    cite = {r["source_id"]: r["cite_as"] for r in rows("sources")}
    assert all(md_escape(cite[r["source_id"]]) in table for r in rows("meetings") if r["track"] != "armenia_turkey")
    points = judgments.sticking_points_table(ds, p)
    assert len([line for line in points.splitlines() if line.startswith("| ")]) == 1 + len(rows("sticking_points"))
    assert judgments.meetings_table(ds, params(ds, mediators="turkey")).startswith(judgments.NO_DATA)


def test_outlook_and_border_summary_only_use_facts_known_on_as_of(ds):
    p = params(ds, as_of="2024-06-30")
    outlook = judgments.outlook(ds, p)
    assert outlook.count("\n- ") + 1 == sum(parse_fuzzy_date(r["date"]).end <= p.as_of for r in rows("outlook"))
    border = judgments.border_summary(ds, p)
    known = [r for r in rows("events") if r["track"] == "border" and parse_fuzzy_date(r["date"]).end <= p.as_of]
    assert border.count("\n- ") + 1 == len(known)
    assert "ratified" not in border  # the ratification is dated only "2024": not known in June


def test_sources_cite_every_source(ds):
    text = judgments.sources(ds)
    for r in rows("sources"):
        assert md_escape(r["source_id"]) in text
        assert md_escape(r["title"]) in text


def test_colophon_records_parameters_dataset_and_versions(ds):
    p = params(ds, as_of="2024-06-30", mediators="united_states")
    text = judgments.colophon(ds, p)
    assert "2024-06-30" in text and "united\\_states" in text and ds.sha256 in text
    for tool in ("Python", "papermill", "Altair", "vl-convert", "pandoc", "Typst"):
        assert tool in text
