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
