"""The dataset's own rules (brief.rules), each breaking one fixture row: exactly one problem, as
``data/<file>:<line>:<field>: <what> (<fix>)``. (Schema, reference, quote and cycle checks: test_validate.py.)"""

from __future__ import annotations

import pytest

from brief.validate import check_dataset

from .fixture_data import copy_data
from .helpers import set_cell


def problems_after(tmp_path, monkeypatch, *edits: tuple[str, int, str, str]) -> list[str]:
    root = copy_data(tmp_path)
    monkeypatch.chdir(root)  # messages name files as the user sees them from the project root
    for table, line, field, value in edits:
        set_cell(root, table, line, field, value)
    return [str(p) for p in check_dataset(root / "data")[1]]


@pytest.mark.parametrize(("edits", "expected"), [
    # fx_ev_war cites src_alpha, published 2024-06: it cannot have been reported in May.
    ([("events", 2, "reported", "2024-05")],
     "data/events.csv:2:reported: reported 2024-05 is before its source (src_alpha, 2024-06) was published (a fact is "
     "known from its source's publication on: leave reported blank, or refine the source's date in data/sources.csv)"),
    # fx_mt_colmar has a coding note; without its confidence the note is unweighed.
    ([("meetings", 2, "confidence", "")],
     "data/meetings.csv:2:confidence: a coding_note needs a confidence (say how sure the inference is: a level of "
     "vocabulary/confidence.csv)"),
    ([("events", 3, "confidence", "sure")],
     "data/events.csv:3:coding_note: a confidence needs a coding_note (say what the coder inferred and why, or clear "
     "the confidence)"),
    # fx_rounds_2024 (rounds) cannot replace fx_share_2023 (agreed).
    ([("progress", 5, "supersedes", "fx_share_2023")],
     "data/progress.csv:5:supersedes: supersedes fx_share_2023, a figure of another measure (only figures of metrics "
     "with the same measure (vocabulary/metrics.csv) compare)"),
    # fx_share_2023 cannot replace the later fx_share_2024 (whose own supersedes then forms a loop).
    ([("progress", 3, "supersedes", ""), ("progress", 2, "supersedes", "fx_share_2024")],
     "data/progress.csv:2:supersedes: supersedes fx_share_2024, which is dated later (2024-12) (a figure can only "
     "supersede an earlier one)"),
    ([("progress", 3, "supersedes", "fx_share_2024")],
     "data/progress.csv:3:supersedes: a figure cannot supersede itself (clear supersedes)"),
    ([("progress", 4, "total", "")],
     "data/progress.csv:4:total: articles needs the total it counts against (write the total stated by the source, "
     "e.g. 17)"),
    # The summit factor was stated in June 2024; it cannot come due in May.
    ([("outlook", 2, "horizon", "2024-05")],
     "data/outlook.csv:2:horizon: horizon 2024-05 is before the factor was stated (2024-06) (a horizon is when the "
     "factor comes due, after it was stated)"),
    # Analyst prose cites facts by bare id: an event may not reuse a figure's id.
    ([("events", 2, "event_id", "fx_share_2023")],
     "data/events.csv:2:event_id: id 'fx_share_2023' is also used in data/progress.csv (fact ids are cited by analyst "
     "prose: make them unique across all tables)"),
])
def test_a_broken_rule_is_one_line_at_its_cell(tmp_path, monkeypatch, edits, expected):
    assert problems_after(tmp_path, monkeypatch, *edits) == [expected]


@pytest.mark.parametrize("edits", [
    [("events", 2, "reported", "2024-06")],  # the month its source was published
    [("events", 2, "reported", "2025-02")],  # learnt later than the source: allowed
    [("outlook", 2, "horizon", "2024-06")],  # due the month it was stated
    [("events", 3, "coding_note", "Dated by the source's month."), ("events", 3, "confidence", "likely")],
])
def test_rows_within_the_rules_pass(tmp_path, monkeypatch, edits):
    assert problems_after(tmp_path, monkeypatch, *edits) == []


def test_a_source_without_a_local_copy_or_url(tmp_path, monkeypatch):
    assert problems_after(tmp_path, monkeypatch, ("sources", 3, "path", "")) == [
        "data/sources.csv:3:path: neither path nor url is given (give the local copy under seeds/ or the source's "
        "URL)"]

