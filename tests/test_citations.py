"""Citations: sources numbered by publication date among those published by the view's known_by, so every
notebook numbers them alike and no brief cites a source it could not have read."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.citations import Citations
from brief.dates import parse_fuzzy_date
from brief.knowledge import View

from .fixture_data import fixture_dataset

D = dt.date


def citations(known_by: dt.date, sources=None) -> Citations:
    sources = fixture_dataset()["sources"] if sources is None else sources
    return Citations.for_view(sources, View(min(known_by, D(2024, 12, 31)), known_by))


@pytest.mark.parametrize(("known_by", "numbers"), [
    (D(2024, 12, 31), {"src_alpha": 1, "src_beta": 2}),
    (D(2024, 12, 30), {"src_alpha": 1}),  # the review is dated December: it counts from the 31st
    (D(2024, 6, 30), {"src_alpha": 1}),
    (D(2024, 6, 29), {}),
])
def test_only_sources_published_by_known_by_are_cited(known_by, numbers):
    assert citations(known_by).numbers == numbers


def test_numbers_follow_publication_not_ids():
    sources = fixture_dataset()["sources"].copy()
    for column, dates in (("date_start", ("2024-12", "2024-06")), ("date_end", ("2024-12", "2024-06"))):
        sources[column] = [getattr(parse_fuzzy_date(d), column.removeprefix("date_")) for d in dates]
    assert citations(D(2024, 12, 31), sources).numbers == {"src_beta": 1, "src_alpha": 2}


def test_keys_and_notes():
    c = citations(D(2024, 12, 31))
    assert c.key("src_beta") == "[2]"
    assert c.keys(["src_beta", "src_alpha", "src_beta"]) == "[1, 2]"
    assert c.keys([]) == ""
    assert c.note(["src_beta"]) == "Source: [2] Year-end review (2024)."
    assert c.note(["src_beta", "src_alpha"]) == "Sources: [1] Field notes (2024); [2] Year-end review (2024)."
    assert c.note([]) == "Source: none in this window."


def test_a_source_not_yet_published_cannot_be_cited():
    with pytest.raises(KeyError):
        citations(D(2024, 6, 30)).key("src_beta")
