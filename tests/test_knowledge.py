"""Knowledge time: a fact counts once it had happened by ``as_of`` AND had been reported by ``known_by``,
each at the precision the data gives; the defaults come from the data, never from the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from brief import knowledge
from brief.knowledge import View

from .fixture_data import fixture_dataset

D = dt.date


def ids(view: View, table: str, key: str) -> set[str]:
    return set(fixture_dataset().in_view(table, view)[key])


# --------------------------------------------------------------------------- the two cut-offs on the fixture


def test_a_fact_that_happened_by_as_of_but_was_reported_later_is_left_out():
    # fx_share_2023 describes Dec 2023 but comes from src_alpha, published Jun 2024 (known 30 June 2024).
    early = View(D(2024, 1, 31), D(2024, 1, 31))
    assert "fx_share_2023" not in ids(early, "progress", "progress_id"), \
        "a figure reported in June 2024 was shown in a brief written in January 2024"
    assert ids(View(D(2024, 1, 31), D(2024, 6, 30)), "progress", "progress_id") == {"fx_share_2023"}


def test_known_by_latest_shows_what_we_now_know_happened_by_as_of():
    ds = fixture_dataset()
    # Every fixture fact is known by 31 Dec 2024 (src_beta); as_of 30 June keeps only what had happened by then.
    retrospective = View(D(2024, 6, 30), ds.defaults.latest_known)
    assert ids(retrospective, "progress", "progress_id") == {"fx_share_2023"}
    assert ids(retrospective, "meetings", "meeting_id") == {"fx_mt_colmar", "fx_mt_vell", "fx_mt_envoys"}
    # The same as_of written on the day: the same facts, since all of them come from src_alpha (known 30 June).
    assert ids(View(D(2024, 6, 30), D(2024, 6, 30)), "meetings", "meeting_id") == \
        {"fx_mt_colmar", "fx_mt_vell", "fx_mt_envoys"}


@pytest.mark.parametrize(("as_of", "shown"), [
    (D(2024, 5, 30), False),  # fx_ev_markers is dated 2024-05: May has not ended on the 30th
    (D(2024, 5, 31), True),
])
def test_a_month_counts_only_once_it_has_ended(as_of, shown):
    view = View(as_of, D(2024, 12, 31))
    assert ("fx_ev_markers" in ids(view, "events", "event_id")) is shown


@pytest.mark.parametrize(("as_of", "shown"), [
    (D(2024, 12, 30), False),  # fx_rounds_2024 is dated "2024": the year ends on 31 December
    (D(2024, 12, 31), True),
])
def test_a_year_counts_only_once_it_has_ended(as_of, shown):
    view = View(as_of, D(2024, 12, 31))
    assert ("fx_rounds_2024" in ids(view, "progress", "progress_id")) is shown


def test_a_source_published_in_a_month_is_known_only_once_that_month_has_ended():
    # src_alpha is dated 2024-06: on 29 June none of its facts is known, on 30 June all are.
    assert ids(View(D(2024, 6, 29), D(2024, 6, 29)), "events", "event_id") == set()
    assert ids(View(D(2024, 6, 30), D(2024, 6, 30)), "events", "event_id") == {
        "fx_ev_war", "fx_ev_direct", "fx_ev_protocol", "fx_ev_markers", "fx_ev_commission", "fx_ev_envoys"}


def test_every_fact_row_carries_when_it_became_known():
    ds = fixture_dataset()
    known = dict(zip(ds["events"]["event_id"], ds["events"]["known_end"], strict=True))
    assert known["fx_ev_protocol"] == D(2024, 6, 30)  # src_alpha
    assert known["fx_ev_trilateral"] == D(2024, 12, 31)  # src_beta


# --------------------------------------------------------------------------- the defaults, from the data

DESCRIPTOR = {"resources": [
    {"name": "sources", "brief": {"role": "source"}},
    {"name": "events", "brief": {"role": "fact"}},
    {"name": "actors", "brief": {"role": "vocabulary"}},
]}


def rows(*events: dict, sources=({"source_id": "s1", "date": "2024-03"},)) -> dict:
    return {"sources": list(sources), "events": list(events), "actors": [{"date": "2030"}]}


def test_known_end_is_the_reported_period_else_the_source_publication():
    published = {"s1": D(2024, 3, 31)}
    assert knowledge.known_end({"source_id": "s1", "reported": ""}, published) == D(2024, 3, 31)
    assert knowledge.known_end({"source_id": "s1", "reported": "2024-09"}, published) == D(2024, 9, 30)
    assert knowledge.known_end({"source_id": "s1", "reported": "2025"}, published) == D(2025, 12, 31)


def test_latest_date_is_the_last_day_a_fact_happened_or_became_known():
    # Only fact tables count (the vocabulary row dated 2030 does not); a fact dated in 2024-01 from a
    # source of 2024-03 makes the default as_of the end of March.
    data = rows({"source_id": "s1", "date": "2024-01-15", "reported": ""})
    assert knowledge.latest_date(DESCRIPTOR, data) == D(2024, 3, 31)
    assert knowledge.latest_known(DESCRIPTOR, data) == D(2024, 3, 31)


def test_a_later_report_moves_latest_known_and_the_default_as_of():
    data = rows({"source_id": "s1", "date": "2024-01-15", "reported": ""},
                {"source_id": "s1", "date": "2024-02", "reported": "2025-05"})
    assert knowledge.latest_known(DESCRIPTOR, data) == D(2025, 5, 31)
    assert knowledge.latest_date(DESCRIPTOR, data) == D(2025, 5, 31)


def test_a_fact_dated_after_its_report_sets_the_default_as_of_not_latest_known():
    # A scheduled event reported in advance: it describes 2024-12 but was known from the source of 2024-03.
    data = rows({"source_id": "s1", "date": "2024-12", "reported": ""})
    assert knowledge.latest_date(DESCRIPTOR, data) == D(2024, 12, 31)
    assert knowledge.latest_known(DESCRIPTOR, data) == D(2024, 3, 31)


def test_defaults_are_the_same_whatever_the_clock_says(monkeypatch):
    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return cls(2099, 1, 1)

    data = rows({"source_id": "s1", "date": "2024-01-15", "reported": ""})
    before = knowledge.latest_date(DESCRIPTOR, data), knowledge.latest_known(DESCRIPTOR, data)
    monkeypatch.setattr(dt, "date", Tomorrow)
    assert (knowledge.latest_date(DESCRIPTOR, data), knowledge.latest_known(DESCRIPTOR, data)) == before


def test_a_dataset_without_dated_facts_is_refused():
    with pytest.raises(ValueError, match="the dataset holds no dated fact"):
        knowledge.latest_date(DESCRIPTOR, rows())


def test_fixture_defaults():
    # The latest fact of the fixture is src_beta's (Dec 2024): both defaults are its end.
    defaults = fixture_dataset().defaults
    assert (defaults.latest, defaults.latest_known) == (D(2024, 12, 31), D(2024, 12, 31))


# --------------------------------------------------------------------------- what the reader is told


def test_view_written_on_the_day_says_so():
    view = View(D(2024, 6, 30), D(2024, 6, 30))
    assert not view.retrospective
    assert view.describe() == ("The brief as it could have been written on 30 June 2024: only facts that had "
                               "happened and had been reported by then, citing only sources published by then.")


def test_retrospective_view_says_what_it_knows_and_when():
    view = View(D(2024, 6, 30), D(2024, 12, 31))
    assert view.retrospective
    assert view.describe() == "A retrospective view: what happened by 30 June 2024, as known on 31 December 2024."


def test_fact_resources_are_the_tables_declared_as_facts():
    assert knowledge.fact_resources(fixture_dataset().descriptor) == [
        "progress", "meetings", "events", "sticking_points", "sticking_point_status", "positions", "chain_nodes",
        "chain_edges", "chain_status", "outlook", "resolutions", "places"]
