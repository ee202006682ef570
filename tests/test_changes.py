"""What changed, and every track's trend with its reason in words: against the previous edition's view (the
fixture's year-end edition after its mid-year one) and against the start of the window (no edition)."""

from __future__ import annotations

import datetime as dt

from brief import changes
from brief.dataset import load_dataset
from brief.knowledge import View

from .fixture_data import context, copy_data, edition_ctx
from .helpers import set_cell

D = dt.date


def listing(items: list[changes.Change]) -> list[tuple[str, str, bool]]:
    return [(c.date_label, c.text, c.listed) for c in items]


def trends(ctx) -> dict[str, tuple[str, str]]:
    return {t.track: (t.marker, t.reason) for t in changes.trends(ctx, changes.compute_changes(ctx))}


# --------------------------------------------------------------------------- since the previous edition


def test_the_year_end_edition_compares_with_the_mid_year_editions_view():
    ctx = edition_ctx("2024-12")
    # editions/2024-06.yml: as_of 30 June 2024, known_by latest (= 31 Dec 2024, the data's last report).
    assert ctx.baseline == View(D(2024, 6, 30), D(2024, 12, 31))
    assert changes.heading(ctx) == "What changed from 1 July 2024 to 31 December 2024"
    assert changes.compared_with(ctx) == ("Compared with the previous edition, Mid-2024, in retrospect (30 June "
                                          "2024), as it knew the data.")


def test_changes_since_the_previous_edition():
    """Everything dated July–December 2024, in date order: first records are counted, not listed, since
    their own sections show them; the format change of the transit track is told in its track section."""
    assert listing(changes.compute_changes(edition_ctx("2024-12"))) == [
        ("Oct 2024", "Leaders met in Estria, hosted by Estria", True),
        ("2024", "Rounds of exchanges: 9 rounds (first figure)", True),  # a year ends with December, first
        ("Dec 2024", "Charter amendment in Arda: disputed → pending", True),
        ("Dec 2024", "How much of the treaty is agreed: 30% of the treaty (Dec 2023) → 80% of the treaty; 12 of 15 "
                     "articles", True),
        ("Dec 2024", "New outlook factor: elections in Arda", False),
        ("Dec 2024", "New outlook factor: the observer mandate", False),
        ("Dec 2024", "No foreign observers: pending (first recorded)", False),
        ("Dec 2024", "Signing before the Harbour Summit: expired", True),
        ("Dec 2024", "Transit stays trilateral", False),
        ("Dec 2024", "Waiver of court claims: called negotiable (first recorded)", False),
    ]


def test_each_change_scores_by_the_vocabulary():
    scores = {c.text: c.score for c in changes.compute_changes(edition_ctx("2024-12"))}
    # disputed (rank 1) → pending (rank 2); 30% → 80%: both forward. Meetings, outlook items, first records
    # and a format change (effect 0) do not move a trend.
    assert {text for text, score in scores.items() if score} == {
        "Charter amendment in Arda: disputed → pending",
        "How much of the treaty is agreed: 30% of the treaty (Dec 2023) → 80% of the treaty; 12 of 15 articles"}
    assert set(scores.values()) == {0, 1}


def test_trends_since_the_previous_edition():
    assert trends(edition_ctx("2024-12")) == {
        "treaty": ("improved", "Progress: charter amendment in Arda moved from disputed to pending; how much of the "
                               "treaty is agreed rose from 30% of the treaty to 80% of the treaty; 12 of 15 articles."),
        "frontier": ("unchanged", "No movement either way; new on record: new outlook factor: the observer mandate."),
        "transit": ("unchanged", "No movement either way; new on record: leaders met in Estria, hosted by Estria; "
                                 "transit stays trilateral."),
        "neighbours": ("unchanged", "No new facts on this track: Arda–Cerva normalization on hold as of Jun 2024."),
    }


# --------------------------------------------------------------------------- since the start of the window


def test_without_an_edition_the_baseline_is_the_window_start_as_now_known():
    ctx = context()
    assert ctx.baseline == View(D(2023, 12, 31), D(2024, 12, 31))
    assert changes.heading(ctx) == "What changed from 1 January 2024 to 31 December 2024"
    assert changes.compared_with(ctx) == ("Compared with what the data said of 31 December 2023 as known on 31 "
                                          "December 2024.")


def test_trends_since_the_window_start_every_track_has_a_reason():
    assert trends(context()) == {
        "treaty": ("improved", "Progress: how much of the treaty is agreed rose from 30% of the treaty to 80% of the "
                               "treaty; 12 of 15 articles."),
        "frontier": ("improved", "Progress: first frontier protocol signed (2 Apr 2024); frontier markers installed "
                                 "(May 2024)."),
        "transit": ("unchanged", "No movement either way; new on record: who guards the transit route: stuck (first "
                                 "recorded); leaders met in Estria, hosted by Estria; and one more."),
        # On hold by June 2024, last recorded in talks in 2022: the move may predate the window, so it is not scored.
        "neighbours": ("unchanged", "No movement either way; new on record: Arda–Cerva normalization: in talks (last "
                                    "recorded 2022) → on hold."),
    }


def test_listed_changes_since_the_window_start():
    listed = [(c.date_label, c.text) for c in changes.compute_changes(context()) if c.listed]
    assert listed == [
        ("Mar 2024", "Leaders met in Colmar, Colonia, facilitated by Colonia"),
        ("2 Apr 2024", "First frontier protocol signed"),
        ("14 May 2024", "Foreign ministers met in Vell, facilitated by Danube Council"),
        ("May 2024", "Frontier markers installed"),
        ("Jun 2024", "Arda–Cerva normalization: in talks (last recorded 2022) → on hold"),
        ("Oct 2024", "Leaders met in Estria, hosted by Estria"),
        ("2024", "Rounds of exchanges: 9 rounds (first figure)"),
        ("Dec 2024", "How much of the treaty is agreed: 30% of the treaty (Dec 2023) → 80% of the treaty; 12 of 15 "
                     "articles"),
        ("Dec 2024", "Signing before the Harbour Summit: expired"),
    ]


def test_meetings_of_unselected_mediators_are_not_changes():
    texts = [c.text for c in changes.compute_changes(context(mediators="none"))]
    assert [t for t in texts if " met in " in t] == ["Leaders met in Estria, hosted by Estria"]


def test_a_deadline_passing_is_the_only_change_of_a_quiet_summer():
    # Written on 30 September 2024 (only the field notes known): nothing happened in August and September,
    # but the Harbour Summit deadline (Sep 2024) passed with no outcome on record.
    ctx = context(as_of="2024-09-30", since="2024-08-01")
    assert listing(changes.compute_changes(ctx)) == [
        ("Sep 2024", "Signing before the Harbour Summit: its date (Sep 2024) passed with no outcome recorded", True)]
    assert trends(ctx) == {
        "treaty": ("unchanged", "No movement either way; new on record: signing before the Harbour Summit: its date "
                                "(Sep 2024) passed with no outcome recorded."),
        "frontier": ("unchanged", "No new facts on this track."),
        "transit": ("unchanged", "No new facts on this track."),
        "neighbours": ("unchanged", "No new facts on this track: Arda–Cerva normalization on hold as of Jun 2024."),
    }


# --------------------------------------------------------------------------- the analyst may override a marker


def test_an_edition_overrides_a_trend_with_its_reason():
    ctx = context(edition={"trend_overrides": {"frontier": {"trend": "deteriorated",
                                                            "reason": "Markers were removed."}}})
    trend = changes.trend(ctx, "frontier", changes.compute_changes(ctx))
    assert (trend.marker, trend.reason, trend.overridden) == ("deteriorated",
                                                              "Analyst's assessment: Markers were removed.", True)
    assert changes.trend(ctx, "treaty", changes.compute_changes(ctx)).overridden is False


# --------------------------------------------------------------------------- what the data cannot date


def test_a_year_only_event_that_may_predate_the_window_is_listed_but_not_scored(tmp_path):
    # The frontier protocol recoded to "2024": with a window from July it may have happened in April.
    root = copy_data(tmp_path)
    set_cell(root, "events", 4, "date", "2024")
    ctx = context(load_dataset(root / "data"), since="2024-07-01")
    found = [c for c in changes.compute_changes(ctx) if c.subject == "First frontier protocol signed"]
    assert [(c.text, c.score) for c in found] == [
        ("First frontier protocol signed (dated only to 2024: perhaps before 1 July 2024)", 0)]
    assert changes.trend(ctx, "frontier", changes.compute_changes(ctx)).marker == changes.UNCHANGED


def test_an_events_own_effect_overrides_its_kinds(tmp_path):
    root = copy_data(tmp_path)
    set_cell(root, "events", 5, "effect", "-1")  # markers installed, but the row says it set the track back
    ctx = context(load_dataset(root / "data"))
    trend = changes.trend(ctx, "frontier", changes.compute_changes(ctx))
    assert trend.marker == changes.UNCHANGED  # the protocol's +1 and the markers' −1


def test_a_track_with_no_fact_in_the_view_has_no_data_not_unchanged():
    ctx = context(as_of="2024-05-31", known_by="latest", since="2024-01-01")
    trend = changes.trend(ctx, "transit", changes.compute_changes(ctx))
    assert (trend.marker, trend.reason) == (changes.NO_DATA, "No fact on this track is known in this view.")
