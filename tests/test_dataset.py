"""Loading the dataset for analysis: validated first, typed columns (lists as tuples, fuzzy dates with their
start, end, precision and label, when each fact became known, its CSV line), declared completeness, the
defaults the data gives, and the edition context built on it."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.cache import dataset_hash
from brief.dataset import load_dataset
from brief.exceptions import DataError
from brief.knowledge import View

from .fixture_data import context, copy_data, edition_ctx, fixture_dataset
from .helpers import set_cell

D = dt.date


def meeting(meeting_id: str) -> dict:
    df = fixture_dataset()["meetings"]
    return df[df["meeting_id"] == meeting_id].iloc[0].to_dict()


def test_list_fields_are_tuples():
    vell, seas = meeting("fx_mt_vell"), meeting("fx_mt_seas")
    assert (vell["tracks"], vell["parties"], vell["mediators"]) == (("treaty", "frontier"), ("arda", "belor"),
                                                                    ("danube_council",))
    assert seas["mediators"] == ()  # none named


@pytest.mark.parametrize(("meeting_id", "start", "end", "precision", "label"), [
    ("fx_mt_vell", D(2024, 5, 14), D(2024, 5, 14), "day", "14 May 2024"),
    ("fx_mt_colmar", D(2024, 3, 1), D(2024, 3, 31), "month", "Mar 2024"),
    ("fx_mt_envoys", D(2022, 1, 1), D(2022, 12, 31), "year", "2022"),
])
def test_fuzzy_dates_keep_their_precision(meeting_id, start, end, precision, label):
    row = meeting(meeting_id)
    assert (row["date_start"], row["date_end"], row["date_precision"], row["date_label"]) == (start, end, precision,
                                                                                            label)


def test_each_fact_row_knows_when_it_became_known_and_its_line():
    assert (meeting("fx_mt_vell")["known_end"], meeting("fx_mt_vell")["line"]) == (D(2024, 6, 30), 3)
    assert (meeting("fx_mt_seas")["known_end"], meeting("fx_mt_seas")["line"]) == (D(2024, 12, 31), 4)


def test_numbers_and_booleans_are_typed():
    progress = fixture_dataset()["progress"].set_index("progress_id")
    assert progress.loc["fx_articles_2024", "value"] == 12 and progress.loc["fx_articles_2024", "total"] == 15
    assert progress["total"].isna().sum() == 3
    events = fixture_dataset()["events"].set_index("event_id")
    assert (bool(events.loc["fx_ev_protocol", "key"]), bool(events.loc["fx_ev_markers", "key"])) == (True, False)


def test_in_view_applies_both_cut_offs():
    ds = fixture_dataset()
    assert list(ds.in_view("progress", View(D(2024, 12, 31), D(2024, 12, 31)))["progress_id"]) == [
        "fx_share_2023", "fx_share_2024", "fx_articles_2024", "fx_rounds_2024"]
    assert list(ds.in_view("progress", View(D(2023, 12, 31), D(2024, 6, 30)))["progress_id"]) == ["fx_share_2023"]
    assert ds.in_view("progress", View(D(2023, 12, 31), D(2023, 12, 31))).empty


def test_completeness_is_read_from_the_descriptor():
    ds = fixture_dataset()
    assert ds.completeness("meetings") == {
        "complete": False, "note": "the sources' examples, not a complete record of the meetings held"}
    assert ds.completeness("events") == {}


def test_version_digest_and_defaults(tmp_path):
    ds = fixture_dataset()
    assert ds.version == "0.0.1"
    # The digest the colophon prints depends on the tables' content only: a fresh copy has the same.
    assert ds.sha256 == dataset_hash(copy_data(tmp_path) / "data")
    assert ds.defaults.actors == ("arda", "belor", "cerva", "colonia", "danube_council", "estria",
                                  "belor_president", "reviewer")


def test_invalid_data_is_refused_before_analysis(tmp_path, monkeypatch):
    root = copy_data(tmp_path)
    monkeypatch.chdir(root)
    set_cell(root, "meetings", 3, "mediators", "danube_counsil")
    with pytest.raises(DataError) as err:
        load_dataset(root / "data")
    assert [str(p) for p in err.value.problems] == [
        "data/meetings.csv:3:mediators: unknown actor_id 'danube_counsil' (not in actors.csv) "
        "(did you mean 'danube_council'?)"]


# --------------------------------------------------------------------------- the edition context


def test_context_of_a_default_build():
    ctx = context()
    assert (ctx.as_of, ctx.view, ctx.previous) == (D(2024, 12, 31), View(D(2024, 12, 31), D(2024, 12, 31)), None)
    assert list(ctx.facts("meetings")["meeting_id"]) == ["fx_mt_colmar", "fx_mt_vell", "fx_mt_seas", "fx_mt_envoys"]


def test_context_of_an_edition_knows_its_previous_edition():
    ctx = edition_ctx("2024-12")
    assert (ctx.previous.name, ctx.previous.label) == ("2024-06", "Mid-2024, in retrospect (30 June 2024)")
    assert ctx.previous.params.view == View(D(2024, 6, 30), D(2024, 12, 31))
