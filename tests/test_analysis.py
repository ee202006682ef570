"""What the charts and the prose show, computed from the fixture: the latest figure of each measure and what
it replaces, meetings by mediator and window, latest statuses and since when, what the chain waits on, and
the outlook (ahead, settled, lapsed)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from brief import analysis
from brief.dataset import load_dataset

from .fixture_data import context, copy_data
from .helpers import set_cell

D = dt.date
MID_YEAR = {"as_of": "2024-06-30"}  # written on the day: only src_alpha (known 30 June) is in view


def ids(df: pd.DataFrame, column: str) -> list[str]:
    return list(df[column])


# --------------------------------------------------------------------------- figures


def states(ctx) -> list[tuple]:
    return [(s.measure, s.label, ids(s.latest, "progress_id"), ids(s.replaced, "progress_id"))
            for s in analysis.measure_states(ctx)]


def test_latest_figures_of_each_measure_and_what_they_replace():
    # Share (80%) and articles (12 of 15) are both "agreed" and both Dec 2024: reported together, in metric
    # order; they replace the 30% of Dec 2023. Rounds is another measure, with nothing before it.
    assert states(context()) == [("agreed", "How much of the treaty is agreed", ["fx_share_2024", "fx_articles_2024"],
                                  ["fx_share_2023"]),
                                 ("rounds", "Rounds of exchanges", ["fx_rounds_2024"], [])]


def test_mid_year_the_latest_figure_is_the_only_one_known():
    assert states(context(**MID_YEAR)) == [("agreed", "How much of the treaty is agreed", ["fx_share_2023"], [])]


def test_an_explicit_supersedes_replaces_a_figure_of_the_same_period(tmp_path):
    # The articles count is said to supersede the 80% stated in the same month: it alone is the latest,
    # and it replaces both the 80% (explicitly) and the 30% (the previous period).
    root = copy_data(tmp_path)
    set_cell(root, "progress", 4, "supersedes", "fx_share_2024")
    ctx = context(load_dataset(root / "data"))
    assert states(ctx)[0] == ("agreed", "How much of the treaty is agreed", ["fx_articles_2024"],
                              ["fx_share_2023", "fx_share_2024"])


def test_figure_text_and_share_of_the_whole():
    df = analysis.progress(context()).set_index("progress_id")
    assert dict(df["figure"]) == {"fx_share_2023": "30% of the treaty", "fx_share_2024": "80% of the treaty",
                                  "fx_articles_2024": "12 of 15 articles", "fx_rounds_2024": "9 rounds"}
    assert df.loc["fx_share_2024", "share"] == 0.8 and df.loc["fx_articles_2024", "share"] == 0.8
    assert pd.isna(df.loc["fx_rounds_2024", "share"])  # rounds are not comparable to a whole


# --------------------------------------------------------------------------- meetings


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["fx_mt_colmar", "fx_mt_vell", "fx_mt_seas"]),
    ({"mediators": "colonia"}, ["fx_mt_colmar"]),
    ({"mediators": "none"}, ["fx_mt_seas"]),  # the Estria summit had no mediator
    ({"mediators": "danube_council,none"}, ["fx_mt_vell", "fx_mt_seas"]),
    ({"mediators": "estria"}, []),  # Estria hosted a meeting but mediated none
    (MID_YEAR, ["fx_mt_colmar", "fx_mt_vell"]),
    ({"since": "2022-06-01"}, ["fx_mt_colmar", "fx_mt_vell", "fx_mt_seas"]),  # "2022" is not wholly in the window
    ({"since": "2022-01-01"}, ["fx_mt_envoys", "fx_mt_colmar", "fx_mt_vell", "fx_mt_seas"]),
])
def test_meetings_by_mediator_and_window(params, expected):
    assert ids(analysis.meetings(context(**params)), "meeting_id") == expected


def counts(ctx) -> list[tuple[str, int]]:
    table = analysis.meeting_counts(ctx, analysis.meetings(ctx))
    return list(zip(table["period"], table["meetings"], strict=True))


def test_meeting_counts_show_every_period_of_the_window():
    assert counts(context()) == [("2024 Q1", 1), ("2024 Q2", 1), ("2024 Q3", 0), ("2024 Q4", 1)]
    assert counts(context(period="month", since="2024-01-01", **MID_YEAR)) == [
        ("Jan 2024", 0), ("Feb 2024", 0), ("Mar 2024", 1), ("Apr 2024", 0), ("May 2024", 1), ("Jun 2024", 0)]


def test_a_meeting_dated_only_by_year_gets_its_own_bin_not_a_guessed_quarter():
    ctx = context(since="2022-01-01", as_of="2022-12-31", known_by="latest")
    assert counts(ctx) == [("2022 Q1", 0), ("2022 (date: year only)", 1), ("2022 Q2", 0), ("2022 Q3", 0),
                           ("2022 Q4", 0)]


def test_a_meeting_is_coloured_by_its_first_mediator():
    assert (analysis.mediator_key(("colonia", "estria")), analysis.mediator_key(())) == ("colonia", "")


# --------------------------------------------------------------------------- statuses


def status_rows(df: pd.DataFrame, key: str) -> list[tuple]:
    return list(zip(df[key], df["status"], df["status_since"], strict=True))


def test_sticking_points_with_their_latest_status_by_track_order():
    points = analysis.sticking_points(context())
    assert status_rows(points, "point_id") == [
        ("fx_sp_charter", "pending", "as of Dec 2024"), ("fx_sp_courts", "softened", "as of Dec 2024"),
        ("fx_sp_observers", "pending", "as of Dec 2024"), ("fx_sp_route", "stuck", "as of Jun 2024")]
    assert list(points["status_source_id"]) == ["src_beta", "src_beta", "src_beta", "src_alpha"]


def test_mid_year_sticking_points_had_their_first_statuses():
    assert status_rows(analysis.sticking_points(context(**MID_YEAR)), "point_id") == [
        ("fx_sp_charter", "disputed", "as of Jun 2024"), ("fx_sp_route", "stuck", "as of Jun 2024")]


def test_status_since_is_the_start_of_the_unbroken_run():
    # A run observed by two or more records is "since" the first; a lone record is "as of" its date (the change
    # to it happened somewhere between the previous record and this one).
    records = pd.DataFrame([
        ("a", "a1", "talks", D(2022, 1, 1), D(2022, 12, 31), "2022"),
        ("a", "a2", "on_hold", D(2024, 3, 1), D(2024, 3, 31), "Mar 2024"),
        ("a", "a3", "on_hold", D(2024, 6, 1), D(2024, 6, 30), "Jun 2024"),
        ("b", "b1", "on_hold", D(2023, 1, 1), D(2023, 12, 31), "2023"),
        ("b", "b2", "talks", D(2024, 1, 1), D(2024, 1, 31), "Jan 2024"),
        ("b", "b3", "on_hold", D(2024, 6, 1), D(2024, 6, 30), "Jun 2024"),
        ("c", "c1", "talks", D(2023, 1, 1), D(2023, 12, 31), "2023"),
        ("c", "c2", "talks", D(2024, 6, 1), D(2024, 6, 30), "Jun 2024"),
    ], columns=["key", "id", "status", "date_start", "date_end", "date_label"])
    latest = analysis.latest_status(records.sample(frac=1, random_state=3), "key", "id")  # input order is irrelevant
    assert dict(latest["status_since"]) == {"a": "since Mar 2024", "b": "as of Jun 2024", "c": "since 2023"}
    assert dict(latest["id"]) == {"a": "a3", "b": "b3", "c": "c2"}


def test_chain_steps_take_their_sticking_points_status():
    nodes = analysis.chain_nodes(context())
    assert status_rows(nodes, "node_id") == [
        ("fx_n_charter", "pending", "as of Dec 2024"), ("fx_n_courts", "softened", "as of Dec 2024"),
        ("fx_n_frame", "idea", "as of Jun 2024"), ("fx_n_normal", "on_hold", "as of Jun 2024"),
        ("fx_n_settlement", analysis.NO_RECORD, ""), ("fx_n_treaty", "talks", "as of Sep 2023")]


def test_the_chain_waits_on_the_treaty_and_its_unsettled_conditions():
    wait = analysis.chain_waiting_on(context())
    assert (wait.node_id, wait.label, wait.status, wait.since) == ("fx_n_treaty", "Draft treaty", "talks",
                                                                   "as of Sep 2023")
    assert wait.blockers == (("Charter amendment", "blocks", "pending"), ("Court claims waiver", "blocks", "softened"))


def test_mid_year_the_treaty_had_no_blocker_on_record():
    # Both "blocks" edges are from the year-end review.
    wait = analysis.chain_waiting_on(context(**MID_YEAR))
    assert (wait.node_id, wait.blockers) == ("fx_n_treaty", ())


def test_a_settled_blocker_no_longer_blocks(tmp_path):
    root = copy_data(tmp_path)
    set_cell(root, "sticking_point_status", 3, "status", "done")  # the charter amendment, Dec 2024
    wait = analysis.chain_waiting_on(context(load_dataset(root / "data")))
    assert wait.blockers == (("Court claims waiver", "blocks", "softened"),)


# --------------------------------------------------------------------------- events, outlook, positions


def test_events_of_a_track_and_key_events():
    ctx = context()
    assert ids(analysis.events(ctx, "frontier"), "event_id") == ["fx_ev_protocol", "fx_ev_markers",
                                                                  "fx_ev_commission"]
    assert ids(analysis.events(ctx, "frontier", key_only=True), "event_id") == ["fx_ev_protocol"]
    assert ids(analysis.events(ctx, "no_such_track"), "event_id") == []


@pytest.mark.parametrize(("track", "event"), [("transit", "fx_ev_trilateral"), ("frontier", "fx_ev_commission"),
                                              ("treaty", "fx_ev_direct"), ("neighbours", None)])
def test_how_a_track_is_negotiated_is_its_latest_structural_event(track, event):
    found = analysis.structural_event(context(), track)
    assert (None if found is None else found["event_id"]) == event


def outlook_ids(ctx) -> tuple[list[str], list[str], list[str]]:
    view = analysis.outlook(ctx)
    return ids(view.ahead, "factor_id"), ids(view.settled, "factor_id"), ids(view.lapsed, "factor_id")


def test_outlook_at_year_end_the_summit_deadline_is_resolved_as_lapsed():
    ctx = context()
    assert outlook_ids(ctx) == (["fx_of_elections", "fx_of_mandate"], ["fx_of_summit"], [])
    settled = analysis.outlook(ctx).settled.iloc[0]
    assert (settled["resolution"], settled["resolution_date"], settled["resolution_source_id"]) == (
        "lapsed", "Dec 2024", "src_beta")


def test_outlook_mid_year_the_summit_is_ahead():
    assert outlook_ids(context(**MID_YEAR)) == (["fx_of_summit"], [], [])


def test_outlook_after_the_deadline_without_a_resolution_it_has_lapsed():
    # By 30 September the September summit has passed; the review saying so is dated December.
    assert outlook_ids(context(as_of="2024-09-30", known_by="latest")) == ([], [], ["fx_of_summit"])


def test_positions_of_outside_powers_only_by_actor_order():
    assert ids(analysis.outside_positions(context()), "position_id") == ["fx_pos_colonia_route", "fx_pos_council"]
