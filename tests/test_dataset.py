"""The curated dataset covers what the two source documents state, and loads as the brief needs it."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.dataset import TABLES, load_dataset
from brief.dates import parse_fuzzy_date

from .helpers import ROOT


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data")


def test_facts_curated_per_table(ds, capsys):
    """List every curated fact per table (run with -s to see the inventory)."""
    with capsys.disabled():
        print()
        for name in TABLES:
            df = ds[name]
            key = df.columns[0]
            dates = f" {df['date'].min()}…{df['date'].max()}" if "date" in df else ""
            print(f"{name}: {len(df)} rows{dates}: {', '.join(df[key].astype(str))}")
    counts = {name: len(ds[name]) for name in TABLES}
    assert all(counts.values()), counts
    assert counts["sources"] == 2


# A checklist made by reading both documents sentence by sentence: every datable statement
# the brief relies on, with the words the curated row must quote.
CHECKLIST = [
    ("progress", "2023-12", "40% of the draft agreement"),
    ("progress", "2024-12", "90% by December 2024"),
    ("progress", "2024-12", "90% of the text had been finalised"),
    ("progress", "2024-12", "15 of the 17 points"),
    ("progress", "2024", "15 rounds of text-based negotiations"),
    ("meetings", "2024-02", "Munich Security Conference"),
    ("meetings", "2024-04", "Berlin in April"),
    ("meetings", "2024-07", "Washington in July and September"),
    ("meetings", "2024-09", "Washington in July and September"),
    ("meetings", "2024-10", "Michael Carpenter"),
    ("meetings", "2024-10", "16th BRICS Summit"),
    ("meetings", "2022", "four rounds of talks in 2022"),
    ("events", "2024-04-19", "restore a segment of their border"),
    ("events", "2024-04-23", "first border posts"),
    ("events", "2024-05-24", "assumed control of these villages"),
    ("events", "2024", "ratified by the parliaments"),
    ("events", "2024-12-23", "Facebook post"),
    ("events", "2023-09", "takeover of Karabakh"),
    ("events", "2023-09", "protests in Yerevan"),
    ("events", "2023-10", "conducted bilaterally since October 2023"),
    ("events", "2021-12", "special envoys"),
    ("events", "2022-07", "direct cargo flights"),
    ("events", "1991", "Alma-Ata agreement of 1991"),
    ("outlook", "2024-12", "2024 presidential election"),
    ("outlook", "2024-12", "war in Ukraine"),
    ("outlook", "2024-12", "monitoring mission"),
]


@pytest.mark.parametrize(("table", "date", "words"), CHECKLIST)
def test_documented_fact_is_curated(ds, table, date, words):
    df = ds[table]
    matches = df[(df["date"] == date) & df["quote"].str.contains(words, regex=False)]
    assert len(matches) >= 1, f"{table}: no row dated {date} quoting '{words}'"


def test_four_armenia_turkey_rounds_are_four_meetings(ds):
    rounds = ds["meetings"][ds["meetings"]["track"] == "armenia_turkey"]
    assert len(rounds) == 4 and set(rounds["precision"]) == {"year"}


def test_sticking_points_named_by_the_issue_are_all_there(ds):
    titles = " ".join(ds["sticking_points"]["title"]).lower()
    for words in ("constitution", "lawsuits", "third-country", "minsk group", "border delimitation", "zangezur"):
        assert words in titles
    latest = ds["sticking_point_status"].groupby("point_id").size()
    assert set(latest.index) == set(ds["sticking_points"]["point_id"])  # every point has a status


def test_chain_links_framework_to_normalization_to_peace_deal(ds):
    edges = set(zip(ds["chain_edges"]["from_node"], ds["chain_edges"]["to_node"], strict=True))
    assert ("framework_agreement", "armenia_turkey_normalization") in edges
    assert ("armenia_turkey_normalization", "regional_rebalancing") in edges
    assert ("regional_rebalancing", "comprehensive_peace_deal") in edges
    kinds = set(ds["chain_nodes"]["kind"])
    assert {"precondition", "deferred_item"} <= kinds
    assert set(ds["chain_status"]["node_id"]) == set(ds["chain_nodes"]["node_id"])


def test_precision_is_kept_and_as_of_uses_the_end_of_the_period(ds):
    munich = ds["meetings"].set_index("meeting_id").loc["mt_2024_02_munich"]
    assert (munich["date_start"], munich["date_end"], munich["precision"]) == (
        dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    # A February meeting is not yet "known" in mid-February: the month has not ended.
    assert "mt_2024_02_munich" not in set(ds.known_on("meetings", dt.date(2024, 2, 15))["meeting_id"])
    assert "mt_2024_02_munich" in set(ds.known_on("meetings", dt.date(2024, 2, 29))["meeting_id"])


def test_default_as_of_is_the_latest_fact_not_today(ds):
    ends = [parse_fuzzy_date(d).end for name in TABLES if name != "sources" and "date" in ds[name]
            for d in ds[name]["date"]]
    assert ds.latest_date() == max(ends)
    assert ds.latest_date() < dt.date.today()


@pytest.mark.parametrize(("text", "start", "end", "precision", "label"), [
    ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year", "2024"),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month", "Feb 2024"),
    ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28), "month", "Feb 2023"),
    ("2024-04-19", dt.date(2024, 4, 19), dt.date(2024, 4, 19), "day", "19 Apr 2024"),
])
def test_fuzzy_dates(text, start, end, precision, label):
    parsed = parse_fuzzy_date(text)
    assert (parsed.start, parsed.end, parsed.precision, parsed.label()) == (start, end, precision, label)
