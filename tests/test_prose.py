"""Analyst prose that rests on data: passages parsed with their lines, references and numbers checked against
the facts, and each passage judged for a view — omitted when it rests on a fact outside the view, stale when a
fact on its tracks became known after it was reviewed."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from brief import prose
from brief.knowledge import View
from brief.prose import Passage, ProseError

from .fixture_data import fixture_dataset
from .helpers import FIXTURE

D = dt.date
YEAR_END = View(D(2024, 12, 31), D(2024, 12, 31))
MID_YEAR_RETROSPECTIVE = View(D(2024, 6, 30), D(2024, 12, 31))


@functools.cache
def index() -> prose.FactIndex:
    ds = fixture_dataset()
    return prose.build_index(ds.descriptor, ds.rows)


def passage(text: str, *rests_on: str, reviewed: str = "2024-12-31") -> Passage:
    return Passage("pa-test", "brief.qmd:5", text, rests_on, D.fromisoformat(reviewed))


def problems(*passages: Passage) -> list[str]:
    with pytest.raises(ProseError) as err:
        prose.check_references(list(passages), index())
    head, *lines = err.value.message.splitlines()
    assert head == f"{len(lines)} problem(s) in analyst prose:"
    assert err.value.fix == "fix the passages above, then build again"
    return lines


# --------------------------------------------------------------------------- parsing brief.qmd


def test_the_fixture_briefs_passages_with_their_lines():
    text = (FIXTURE / "brief.qmd").read_text(encoding="utf-8")
    found = prose.parse_passages(text)
    line = {key: next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith(f"::: {{#{key} "))
            for key in ("pa-progress", "pa-chain")}
    assert [(p.key, p.where, p.rests_on, p.reviewed) for p in found] == [
        ("pa-progress", f"brief.qmd:{line['pa-progress']}", ("fx_share_2024", "fx_articles_2024", "fx_sps_courts_12",
                                                             "fx_sps_observers_12"), D(2024, 12, 31)),
        ("pa-chain", f"brief.qmd:{line['pa-chain']}", ("fx_e_treaty_normal", "fx_cs_normal_06"), D(2024, 12, 31))]
    assert found[1].text == "Normalization with Cerva waits on the treaty, as the chain shows."


def test_other_divs_are_not_passages_and_a_longer_fence_holds_a_nested_div():
    qmd = ("::: {.callout-note}\nNot analysis.\n:::\n\n"
           ':::: {#pa-nested .analysis rests-on="fx_ev_protocol" reviewed="2024-12-31"}\n'
           "Before.\n\n::: {.aside}\nInside.\n:::\n\nAfter.\n::::\n")
    (found,) = prose.parse_passages(qmd, "doc.qmd")
    assert (found.key, found.where) == ("pa-nested", "doc.qmd:5")
    assert found.text == "Before.\n\n::: {.aside}\nInside.\n:::\n\nAfter."


@pytest.mark.parametrize(("qmd", "message", "fix"), [
    ('Intro.\n\n::: {.analysis rests-on="fx_ev_protocol" reviewed="2024-12-31"}\nText.\n:::\n',
     "brief.qmd:3: the analysis passage has no id",
     'give it one, e.g. ::: {#pa-border .analysis rests-on="…" reviewed="…"}'),
    ('::: {#pa-x .analysis rests-on="fx_ev_protocol" reviewed="2024-12-31"}\nText.\n\nMore.\n',
     "brief.qmd:1: the analysis passage is never closed", "end it with a line ':::'"),
    ('\n:::: {#pa-x .analysis rests-on="fx_ev_protocol" reviewed="2024-12-31"}\nText.\n:::\n',
     "brief.qmd:2: the analysis passage is never closed", "end it with a line '::::'"),
    ('::: {#pa-x .analysis rests-on="fx_ev_protocol" reviewed="31 December 2024"}\nText.\n:::\n',
     "brief.qmd:1: reviewed='31 December 2024' is not a date",
     'write reviewed="YYYY-MM-DD": the day the passage was last checked against the data'),
    ('::: {#pa-x .analysis rests-on="fx_ev_protocol"}\nText.\n:::\n',
     "brief.qmd:1: the analysis passage has no reviewed date",
     'write reviewed="YYYY-MM-DD": the day the passage was last checked against the data'),
])
def test_malformed_passages_are_refused_at_their_line(qmd, message, fix):
    with pytest.raises(ProseError) as err:
        prose.parse_passages(qmd)
    assert (err.value.message, err.value.fix) == (message, fix)


# --------------------------------------------------------------------------- the fact index


def test_a_facts_tracks_follow_its_references():
    facts = index().facts
    assert facts["fx_sps_charter_12"].tracks == {"treaty"}  # status → sticking point → its track
    assert facts["fx_share_2024"].tracks == {"treaty"}  # figure → metric → the metric's track
    assert facts["fx_res_summit"].tracks == {"treaty"}  # resolution → outlook factor → its tracks
    assert facts["fx_e_treaty_normal"].tracks == {"treaty", "neighbours"}  # edge → both its steps
    assert facts["fx_mt_seas"].tracks == {"treaty", "transit"}  # its own tracks


def test_a_fact_carries_its_values_totals_and_dates():
    facts = index().facts
    assert facts["fx_articles_2024"].numbers == {"12", "15", "2024"}
    assert facts["fx_mt_vell"].numbers == {"14", "2024"}  # a day-precision date carries its day
    assert facts["fx_mt_colmar"].numbers == {"2024"}  # a month-precision one only its year
    assert (facts["fx_ev_protocol"].known_end, facts["fx_ev_trilateral"].known_end) == (D(2024, 6, 30),
                                                                                       D(2024, 12, 31))


# --------------------------------------------------------------------------- references and numbers


def test_numbers_the_facts_carry_are_accepted():
    prose.check_references([
        passage("80% of the text, 12 of 15 articles, by the end of 2024.", "fx_share_2024", "fx_articles_2024"),
        passage("The share was 80.0 per cent.", "fx_share_2024"),
        passage("On 14 May 2024 the ministers met in Vell.", "fx_mt_vell"),
        passage("The COP29-style 2nd round is a name, not a figure.", "fx_mt_vell"),
        passage("Everything on the frontier.", "track:frontier"),
    ], index())


def test_a_thousands_separator_is_read_as_english_prose_writes_it():
    fact = prose.Fact("fx_count", "events", "A count", D(2024, 1, 31), D(2024, 6, 30), "Jan 2024", "Jun 2024",
                      frozenset(), frozenset({"1500", "2024"}))
    counted = prose.FactIndex({"fx_count": fact}, frozenset())
    prose.check_references([passage("About 1,500 observers by 2024.", "fx_count")], counted)
    with pytest.raises(ProseError, match="the number 1.5 is not carried"):  # a decimal comma stays a decimal
        prose.check_references([passage("About 1,5 thousand observers.", "fx_count")], counted)


def test_a_number_no_rested_on_fact_carries_is_refused():
    assert problems(passage("By the end of 2024 the treaty was 85% agreed.", "fx_share_2024")) == [
        "brief.qmd:5: the number 85 is not carried by any fact it rests on (write the figure from the data, or add "
        "the fact that states it to rests-on)"]


def test_a_number_carried_only_by_a_fact_not_rested_on_is_refused():
    # 12 and 15 are fx_articles_2024's, which this passage does not name.
    assert [line.split(": ", 1)[1][:16] for line in problems(
        passage("80%, and 12 of 15 articles.", "fx_share_2024"))] == ["the number 12 is", "the number 15 is"]


def test_a_day_is_not_carried_by_a_fact_dated_to_the_month():
    assert problems(passage("The leaders met on 14 March 2024.", "fx_mt_colmar"))[0].startswith(
        "brief.qmd:5: the number 14 is not carried")


def test_unknown_fact_and_unknown_track_get_did_you_mean():
    assert problems(passage("Text.", "fx_shares_2024", "track:fronteir")) == [
        "brief.qmd:5: rests on 'fx_shares_2024', which is not a fact id in data/ (did you mean 'fx_share_2024'?)",
        "brief.qmd:5: rests on unknown track 'track:fronteir' (did you mean 'frontier'?)"]


def test_a_passage_must_rest_on_something():
    assert problems(passage("Text.")) == ["brief.qmd:5: rests-on is empty (name the facts the passage rests on)"]


def test_all_problems_of_all_passages_are_listed_at_once():
    lines = problems(passage("Text.", "fx_nope"), Passage("pa-2", "editions/x.yml: headline", "99 things.",
                                                          ("fx_ev_protocol",), None))
    assert [line.split(":")[0] for line in lines] == ["brief.qmd", "editions/x.yml"]


# --------------------------------------------------------------------------- judged for a view


def test_omitted_when_a_fact_it_rests_on_is_outside_the_view():
    verdict = prose.judge(passage("80%.", "fx_share_2024", "fx_ev_protocol"), index(), MID_YEAR_RETROSPECTIVE)
    assert (verdict.shown, verdict.stale, verdict.missing) == (False, False, ("fx_share_2024",))


def test_omitted_when_a_fact_it_rests_on_was_not_yet_known():
    # fx_share_2023 describes Dec 2023 but was known only from 30 June 2024.
    verdict = prose.judge(passage("30%.", "fx_share_2023"), index(), View(D(2024, 3, 31), D(2024, 3, 31)))
    assert (verdict.shown, verdict.missing) == (False, ("fx_share_2023",))


def test_stale_when_a_fact_on_its_track_became_known_after_review():
    # Reviewed on 30 June; the only frontier fact known later is the observer mandate (src_beta, Dec 2024).
    verdict = prose.judge(passage("The protocol.", "fx_ev_protocol", reviewed="2024-06-30"), index(), YEAR_END)
    assert verdict.shown and verdict.stale
    assert [f.id for f in verdict.changed] == ["fx_of_mandate"]
    assert verdict.message() == (
        "brief.qmd:5: stale: reviewed 2024-06-30, facts changed since: fx_of_mandate (The observer mandate, known "
        "Dec 2024) (re-read the passage against them, then set its reviewed date)")


def test_a_whole_track_can_be_rested_on():
    verdict = prose.judge(passage("The frontier.", "track:frontier", reviewed="2024-06-30"), index(), YEAR_END)
    assert [f.id for f in verdict.changed] == ["fx_of_mandate"]


@pytest.mark.parametrize(("reviewed", "view"), [
    ("2024-12-31", YEAR_END),  # reviewed after everything was known
    ("2024-06-30", MID_YEAR_RETROSPECTIVE),  # the later frontier fact is dated after as_of: not in this view
    ("2024-06-30", View(D(2024, 6, 30), D(2024, 6, 30))),
])
def test_not_stale_when_nothing_on_its_tracks_is_newer_in_the_view(reviewed, view):
    verdict = prose.judge(passage("The protocol.", "fx_ev_protocol", reviewed=reviewed), index(), view)
    assert verdict.shown and not verdict.stale and verdict.changed == ()


def test_a_fact_the_passage_rests_on_does_not_make_it_stale():
    # Transit facts known after 30 June: the trilateral format (rested on) and the Estria summit (not).
    verdict = prose.judge(passage("Trilateral.", "fx_sp_route", "fx_ev_trilateral", reviewed="2024-06-30"),
                          index(), YEAR_END)
    assert [f.id for f in verdict.changed] == ["fx_mt_seas"]


def test_the_fixture_passages_are_current_at_year_end():
    for p in prose.parse_passages((FIXTURE / "brief.qmd").read_text(encoding="utf-8")):
        verdict = prose.judge(p, index(), YEAR_END)
        assert verdict.shown and not verdict.stale, verdict.message()
