"""Editions and 'what changed': computed from the data as it stood on each edition's as_of."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from brief.changes import compute_changes
from brief.dataset import load_dataset
from brief.dates import parse_fuzzy_date
from brief.editions import find_edition, list_editions, load_edition, previous_edition
from brief.exceptions import EditionError

from .helpers import ROOT


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="module")
def editions():
    return list_editions(ROOT)


def rows(table):
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ended_between(row, start, end):
    return start < parse_fuzzy_date(row["date"]).end <= end


def latest_status(table, key, day):
    latest = {}
    for row in rows(table):
        when = parse_fuzzy_date(row["date"]).end
        if when <= day and (row[key] not in latest or when >= latest[row[key]][0]):
            latest[row[key]] = (when, row["status"])
    return {k: v[1] for k, v in latest.items()}


def test_shipped_editions_are_ordered_and_chained(editions):
    assert [e.name for e in editions] == sorted(e.name for e in editions)
    assert len(editions) >= 2
    first, second = editions[0], editions[1]
    assert previous_edition(editions, first.as_of) is None
    assert previous_edition(editions, second.as_of) == first
    assert second.file_stem() == f"armenia-azerbaijan-brief-{second.name}"


def test_what_changed_lists_exactly_the_new_facts(dataset, editions):
    before, after = editions[0].as_of, editions[1].as_of
    changes = compute_changes(dataset, before, after)
    by_kind = {}
    for item in changes.items:
        by_kind.setdefault(item.kind, []).append(item)

    expected_meetings = [r["about"] for r in rows("meetings") if ended_between(r, before, after)]
    listed = [next(r["about"] for r in rows("meetings") if c.text.endswith(r["about"])) for c in by_kind["meeting"]]
    assert sorted(listed) == sorted(expected_meetings) and expected_meetings

    expected_events = [r["title"] for r in rows("events") if ended_between(r, before, after)]
    listed = [next(r["title"] for r in rows("events") if c.text.startswith(r["title"] + ":")) for c in by_kind["event"]]
    assert sorted(listed) == sorted(expected_events) and expected_events

    share = next(c for c in by_kind["figure"] if c.text.startswith("Share of the draft agreed"))
    shares = [(parse_fuzzy_date(r["date"]).end, r["value"])
              for r in rows("progress") if r["metric"] == "share_agreed_pct"]
    old = max(s for s in shares if s[0] <= before)[1]
    new = max(s for s in shares if s[0] <= after)[1]
    assert f"{old}% (" in share.text and f"→ {new}% (" in share.text

    for table, key, kind in (("chain_status", "node_id", "chain"),
                             ("sticking_point_status", "point_id", "sticking_point")):
        old, new = latest_status(table, key, before), latest_status(table, key, after)
        changed = {k for k in new if old.get(k) != new[k]}
        assert len(by_kind.get(kind, [])) == len(changed)


def test_trend_rule_and_override(dataset, editions, tmp_path):
    changes = compute_changes(dataset, editions[0].as_of, editions[1].as_of)
    # The share agreed rose from 40% to 90% between the editions: the peace-agreement track improved.
    assert changes.trend("peace_agreement")[0] == "improved"
    path = tmp_path / "2025-01.yml"
    path.write_text("as_of: 2025-01-31\ntrend_overrides:\n  peace_agreement:\n    trend: deteriorated\n"
                    "    reason: Talks paused after the January incident\n", encoding="utf-8")
    overrides = load_edition(path).trend_overrides
    assert changes.trend("peace_agreement", overrides) == ("deteriorated", "Talks paused after the January incident")


def test_same_date_means_nothing_changed(dataset):
    changes = compute_changes(dataset, dt.date(2024, 12, 31), dt.date(2024, 12, 31))
    assert changes.items == []
    assert changes.trend("border")[0] == "unchanged"


@pytest.mark.parametrize(("text", "message"), [
    ("as_of: 2024-06-30\ntitel: Mid-year\n",
     "unknown key 'titel' (did you mean 'title'? allowed keys: title, as_of, since, mediators, period, notes, "
     "trend_overrides)"),
    ("as_of: 2024-06-31\n", "as_of: '2024-06-31' is not a date (write as_of: YYYY-MM-DD, e.g. as_of: 2024-06-30)"),
    ("title: no date\n", "as_of is missing (every edition fixes its date: as_of: YYYY-MM-DD)"),
    ("as_of: 2024-06-30\nsince: 2024-07-01\n", "since (2024-07-01) is after as_of (2024-06-30) (swap the two dates)"),
    ("as_of: 2024-06-30\ntrend_overrides:\n  borders: {trend: improved, reason: x}\n",
     "trend_overrides: unknown track 'borders' (did you mean 'border'? tracks: peace_agreement, border, connectivity)"),
    ("as_of: 2024-06-30\ntrend_overrides:\n  border: {trend: better}\n",
     "trend_overrides: border needs a trend and a reason (write trend: one of improved, deteriorated, unchanged "
     "and reason: why the analyst overrides it)"),
])
def test_bad_edition_file_is_rejected_with_a_clear_message(tmp_path, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_edition(path)
    assert str(err.value) == f"{path}: {message}"


@pytest.mark.parametrize("name", ["../evil", "a/b", "..", ".hidden"])
def test_edition_names_cannot_escape_reports(tmp_path, name):
    with pytest.raises(EditionError, match="is not a valid edition name"):
        find_edition(tmp_path, name)


def test_unknown_edition_suggests_the_closest(editions):
    with pytest.raises(EditionError, match=r"no edition named '2024-11' \(did you mean '2024-12'\?"):
        find_edition(ROOT, "2024-11")


@pytest.mark.slow
def test_changes_notebook_shows_the_section_with_override_reason(tmp_path):
    import nbformat
    import papermill

    out = tmp_path / "changes.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "changes.ipynb"), str(out), cwd=str(ROOT), kernel_name="python3", progress_bar=False,
        parameters={"previous_as_of": "2024-06-30", "previous_label": "Mid-year 2024",
                    "trend_overrides": {"border": {"trend": "deteriorated", "reason": "Posts <b>removed</b>"}}})
    nb = nbformat.read(out, as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith("#| label: what-changed"))
    text = cell.outputs[0]["data"]["text/markdown"]
    assert text.startswith("## What changed since Mid-year 2024")
    assert ("| Border delimitation and demarcation | ▼ deteriorated | "
            "analyst override: Posts \\<b\\>removed\\</b\\> |") in text
    assert "| Peace agreement | ▲ improved |" in text
    assert "40% (Dec 2023) → 90% (Dec 2024)" in text


@pytest.mark.slow
def test_first_edition_has_no_what_changed_section(tmp_path):
    import nbformat
    import papermill

    out = tmp_path / "changes.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "changes.ipynb"), str(out), cwd=str(ROOT),
                               kernel_name="python3", progress_bar=False, parameters={"as_of": "2024-06-30"})
    cell = next(c for c in nbformat.read(out, as_version=4).cells if c.source.startswith("#| label: what-changed"))
    assert cell.outputs[0]["data"]["text/markdown"] == ""
