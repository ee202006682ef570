"""Work that must not grow faster than the data: regression tests for what the scale benchmark found."""

from __future__ import annotations

import pytest

from brief import analysis, charts, nbout
from brief.charts import chain

from .helpers import copy_project


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("scaling") / "project")
    return nbout.setup(data_dir=root / "data")


def test_the_chain_chart_writes_each_steps_text_a_fixed_number_of_times(ctx, monkeypatch):
    calls = []
    original = chain.card_texts
    monkeypatch.setattr(chain, "card_texts", lambda *args: calls.append(1) or original(*args))
    charts.chain_chart(ctx)
    steps = len(analysis.chain_nodes(ctx))
    assert steps > 3 and len(calls) <= 3, f"card_texts ran {len(calls)} times for {steps} steps"


def test_a_text_is_measured_once_however_many_positions_are_tried():
    from brief.charts import text

    text.text_width.cache_clear()
    for x in range(50):  # what label placement does: the same lines at candidate after candidate
        text.text_box(["Four villages returned", "to Azerbaijan"], x, 10, "left")
    assert text.text_width.cache_info().misses <= 2


def test_a_row_of_crowded_labels_measures_each_candidate_slot_once(monkeypatch):
    from brief.charts import strip, text

    measured = []
    original = text.text_box
    monkeypatch.setattr(text, "text_box", lambda *a, **k: measured.append(1) or original(*a, **k))
    n = 30  # all at one x: each label needs a lane of its own, so label i tries i slots
    strip.place_row([strip.Item(f"e{i}", "row", 100.0, f"Event {i}") for i in range(n)], 400, 120)
    assert len(measured) <= n * (n + 1), f"{len(measured)} text measurements for {n} labels"


# What an edition lists follows its window and view, not every fact ever recorded: the benchmark's scaled
# data (scale.py) adds copies of every fact row moved back whole years, so the lists stay as they are.

def _listed(ctx) -> dict[str, list[str]]:
    from brief.charts import map as map_chart

    return {"sticking points": list(analysis.sticking_points(ctx)["point_id"]),
            "chain steps": list(analysis.chain_nodes(ctx)["node_id"]),
            "chain links": sorted(analysis.chain_graph(ctx).edges),
            "outside positions": list(analysis.outside_positions(ctx)["position_id"]),
            "places on the map": list(map_chart.places_in_view(ctx)["name"])}


@pytest.fixture(scope="module")
def scaled_ctx(tmp_path_factory):
    from benchmarks.scale import scale_dataset

    root = copy_project(tmp_path_factory.mktemp("scaled") / "project")
    scale_dataset(root / "data", 6)
    return nbout.setup(data_dir=root / "data")


def test_the_state_of_play_lists_do_not_grow_with_the_years_the_data_covers(ctx, scaled_ctx):
    assert _listed(scaled_ctx) == _listed(ctx)


def _outlook(ctx) -> list[str]:
    return [f for part in analysis.outlook(ctx).__dict__.values() for f in part["factor_id"]]


def test_figures_factors_and_timeline_events_grow_at_most_by_a_bounded_number(ctx, scaled_ctx):
    from brief.charts import timeline

    # a factor due after as_of has a copy one year back that came due in the window: news of the window
    assert len(_outlook(scaled_ctx)) <= 2 * len(_outlook(ctx))
    measures = len(analysis.measure_states(ctx))
    assert len(analysis.progress(scaled_ctx)) <= len(analysis.progress(ctx)) + 2 * measures
    years = timeline.HISTORY_YEARS  # a copy k years back is on the axis only while k < HISTORY_YEARS
    assert len(timeline.items(scaled_ctx)) <= years * max(1, len(timeline.items(ctx)))


def test_only_the_steps_in_play_have_their_latest_status_worked_out(scaled_ctx, monkeypatch):
    seen = []
    original = analysis.latest_status
    monkeypatch.setattr(analysis, "latest_status",
                        lambda records, *a: seen.append(len(records)) or original(records, *a))
    analysis.chain_nodes(scaled_ctx)
    analysis.sticking_points(scaled_ctx)
    in_view = len(scaled_ctx.facts("chain_status")) + 2 * len(scaled_ctx.facts("sticking_point_status"))
    assert sum(seen) * 3 <= in_view, f"{sum(seen)} status records sorted out of {in_view}"
