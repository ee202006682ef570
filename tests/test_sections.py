"""The brief's generated prose on the fixture, as the reader sees it (pandoc Markdown, data escaped,
citations as numbered keys: [1] the field notes, [2] the year-end review): the front page (headline shown,
omitted outside its view, marked when stale), the view note, what changed, tracks, meetings, chain and
outlook."""

from __future__ import annotations

import copy

from brief import sections
from brief.dataset import load_dataset

from .fixture_data import context, copy_data, edition_context_of, edition_ctx
from .helpers import set_cell

MID_YEAR = {"as_of": "2024-06-30"}
KEY_FIGURES = (
    "Latest figures — **How much of the treaty is agreed:** 80% of the treaty^[Share of the treaty agreed: A share "
    "of the treaty text both sides accept.] (Reviewer) and 12 of 15 articles^[Articles agreed: Articles both sides "
    "accept.] (Belor\\'s president), Dec 2024, replacing 30% of the treaty (Dec 2023) \\[1, 2\\]. **Rounds of "
    "exchanges:** 9 rounds^[Rounds of exchanges: Rounds of draft exchanges.] (Reviewer), 2024 \\[2\\].")


# --------------------------------------------------------------------------- front page


def test_front_page_of_the_year_end_edition():
    assert sections.front_page(edition_ctx("2024-12")) == (
        "**The treaty is 80% agreed, 12 of 15 articles by Belor\\'s count, but the charter demand decides when it is "
        "signed.**\n\n"
        "- **A signature before the observer mandate ends is unlikely.** *Confidence: moderate.* Evidence: The "
        "observer mandate (Dec 2024); Charter amendment in Arda: pending (Dec 2024) \\[2\\].\n"
        "- **Normalization with Cerva waits on the treaty.** *Confidence: high.* Evidence: Arda–Cerva normalization: "
        "on hold (Jun 2024) \\[1\\].\n\n" + KEY_FIGURES + "\n")


def test_front_page_text_resting_on_facts_outside_the_view_is_omitted():
    # The year-end front page seen from mid-2024: the headline rests on December figures and the first judgment
    # on the observer mandate (Dec 2024); only the second judgment rests on facts known by 30 June.
    text = sections.front_page(context(edition={"front_page": edition_context_of("2024-12")["front_page"]},
                                       **MID_YEAR))
    assert text.startswith("- **Normalization with Cerva waits on the treaty.** *Confidence: high.*")
    assert "The treaty is 80% agreed" not in text and "A signature before" not in text
    assert text.endswith("Latest figures — **How much of the treaty is agreed:** 30% of the treaty^[Share of the "
                         "treaty agreed: A share of the treaty text both sides accept.] (Reviewer), Dec 2023 "
                         "\\[1\\].\n")


def test_evidence_names_each_fact_as_a_reader_recognises_it():
    # A meeting by who met where, a status by its subject, a chain link as a sentence, a figure in its words.
    front = {"edition": "test", "path": "editions/test.yml", "reviewed": "2024-12-31", "headline": None, "judgments": [
        {"text": "Talks continue.", "confidence": "likely",
         "rests_on": ["fx_mt_vell", "fx_sps_route_06", "fx_e_treaty_normal", "fx_share_2023"]}]}
    text = sections.front_page(context(edition={"front_page": front}))
    assert ("Evidence: Foreign ministers met in Vell (14 May 2024); Who guards the transit route: stuck (Jun 2024); "
            "Draft treaty must be settled for Arda–Cerva normalization (Jun 2024); 30% of the treaty (Dec 2023) "
            "\\[1\\].") in text


def test_evidence_names_a_fact_recorded_twice_once_with_both_dates(tmp_path):
    # The charter amendment recorded disputed in June and again in December: one phrase, two dates.
    root = copy_data(tmp_path)
    set_cell(root, "sticking_point_status", 3, "status", "disputed")
    front = {"edition": "test", "path": "editions/test.yml", "reviewed": "2024-12-31", "headline": None, "judgments": [
        {"text": "Talks continue.", "confidence": "likely", "rests_on": ["fx_sps_charter_06", "fx_sps_charter_12"]}]}
    text = sections.front_page(context(load_dataset(root / "data"), edition={"front_page": front}))
    assert "Evidence: Charter amendment in Arda: disputed (Jun 2024, Dec 2024) \\[1, 2\\]." in text


def test_front_page_marks_a_stale_judgment():
    # The mid-year judgment on the frontier, reviewed on 30 June, read at year end: the observer mandate
    # (a frontier factor of the year-end review) became known after the review.
    edition = copy.deepcopy(edition_context_of("2024-06"))
    edition["front_page"]["reviewed"] = "2024-06-30"
    text = sections.front_page(context(edition=edition))
    assert ("- **The frontier commission turns agreements into markers on the ground.** *Confidence: high.* Evidence: "
            "First frontier protocol signed (2 Apr 2024); Frontier markers installed (May 2024) \\[1\\]. "
            "**Needs review:** facts changed since it was reviewed on 30 June 2024: The observer mandate (known Dec "
            "2024).\n") in text
    # The headline rests on treaty and frontier facts: fifteen treaty facts of the year-end review are newer;
    # the note names the first three (by date: the October summit meeting first).
    headline = text.split("\n\n")[0]
    assert headline.startswith(
        "**By mid-2024 the frontier protocol was the only result on the ground; the treaty stood at 30% agreed.** "
        "**Needs review:** facts changed since it was reviewed on 30 June 2024: On the sidelines of a summit")
    assert headline.count("(known Dec 2024)") == 3


def test_front_page_without_analyst_text_says_so():
    assert sections.front_page(context()) == (
        "*No analyst judgment applies to this view of the data; what follows is generated from the data known by "
        "31 December 2024.*\n\n" + KEY_FIGURES + "\n")


def test_front_page_before_any_source_says_it_is_empty_on_purpose_and_why():
    text = sections.front_page(context(as_of="2024-03-31"))
    assert text.endswith(
        "**This edition is empty on purpose.** Neither of the two sources this brief is built from had been "
        "published by 31 March 2024. The earlier, Field notes (2024), counts as known from 30 June 2024. Dated by its "
        "own title: mid-2024. Events of the period may well have been public at the time; they are not yet in these "
        "sources. For what we now know of the period, see the brief of the same date in retrospect.\n")


def test_view_note():
    assert sections.view_note(context()) == (
        "*The brief as it could have been written on 31 December 2024: only facts that had happened and had been "
        "reported by then, citing only sources published by then.*\n")
    assert sections.view_note(edition_ctx("2024-06")) == (
        "*A retrospective view: what happened by 30 June 2024, as known on 31 December 2024.* The fixture\\'s "
        "retrospective edition.\n")


# --------------------------------------------------------------------------- what changed


def test_what_changed_section_of_the_year_end_edition():
    lines = sections.what_changed(edition_ctx("2024-12")).splitlines()
    assert lines[:10] == [
        "## What changed from 1 July 2024 to 31 December 2024 {#sec-what-changed}", "",
        "*Compared with the previous edition, Mid-2024, in retrospect (30 June 2024), as it knew the data.*", "",
        "- **Treaty text** ▲ improved. Progress: charter amendment in Arda moved from disputed to pending; how much of "
        "the treaty is agreed rose from 30% of the treaty to 80% of the treaty; 12 of 15 articles.",
        "- **Frontier** ● unchanged. No movement either way; new on record: new outlook factor: the observer mandate.",
        "- **Transit** ● unchanged. No movement either way; new on record: leaders met in Estria, hosted by Estria; "
        "transit stays trilateral.",
        "- **Arda–Cerva normalization** ● unchanged. No new facts on this track: Arda–Cerva normalization on hold "
        "as of Jun 2024.", "",
        # First records are not table rows: they are named, with the section that tells them.
        "New in this period and told in their own sections: elections in Arda, the observer mandate (outlook); no "
        "foreign observers, waiver of court claims (sticking points); transit stays trilateral (where each track "
        "stands)."]
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| Date")]
    assert rows == [
        "| Oct 2024 | Treaty, Transit | Leaders met in Estria, hosted by Estria | \\[2\\] |",
        "| 2024 | Treaty | Rounds of exchanges: 9 rounds (first figure) | \\[2\\] |",
        "| Dec 2024 | Treaty | Charter amendment in Arda: disputed → pending | \\[2\\] |",
        "| Dec 2024 | Treaty | How much of the treaty is agreed: 30% of the treaty (Dec 2023) → 80% of the treaty; 12 "
        "of 15 articles | \\[2\\] |",
        "| Dec 2024 | Treaty | Signing before the Harbour Summit: expired | \\[2\\] |"]
    assert lines[-1] == ": Changes by date {#tbl-changes}"


def test_what_changed_never_says_nothing_is_new_when_the_sections_show_new_facts(tmp_path):
    # With normalization still "in talks" in June, June's only new facts are first records and a format
    # change, all shown in their own sections.
    root = copy_data(tmp_path)
    set_cell(root, "chain_status", 5, "status", "talks")
    ctx = context(load_dataset(root / "data"), since="2024-06-01", **MID_YEAR)
    assert sections.what_changed(ctx).splitlines()[-3:] == [
        "New in this period and told in their own sections: a joint commission runs the frontier track (where each "
        "track stands); charter amendment in Arda, who guards the transit route (sticking points); framework treaty "
        "(dependency chain); signing before the Harbour Summit (outlook).", "",
        "No other new facts in the data between the two views."]


# --------------------------------------------------------------------------- tracks, figures, meetings


def test_track_sections():
    # A track without an event in the window names its open issues (each citing where the point was raised and
    # where its status comes from) and says that no event is recorded.
    window = "event is recorded in the window (1 Jan 2024 to 31 Dec 2024)."
    assert sections.track_sections(context()) == (
        "### Treaty text {#sec-track-treaty}\n\n"
        "The treaty text is negotiated directly from September 2023. \\[1\\]\n\n"
        "*Where it stands:* Draft treaty — in talks as of Sep 2023. Direct talks begin. \\[1\\]\n\n"
        "*Open issues:* charter amendment in Arda (pending as of Dec 2024) \\[1, 2\\]; waiver of court claims (called "
        "negotiable as of Dec 2024) \\[2\\]; no foreign observers (pending as of Dec 2024) \\[2\\].\n\n"
        f"No treaty text {window}\n\n"
        "### Frontier {#sec-track-frontier}\n\n"
        "The deputy prime ministers\\' commission runs the frontier track. \\[1\\]\n\n"
        "In the window (1 Jan 2024 to 31 Dec 2024):\n\n"
        "- **2 Apr 2024** First frontier protocol signed: The two sides sign the first frontier protocol. \\[1\\]\n"
        "- **May 2024** Frontier markers installed: Markers installed along the frontier. \\[1\\]\n\n"
        "### Transit {#sec-track-transit}\n\n"
        "The transit track remains trilateral with Colonia. \\[2\\]\n\n"
        "*Open issue:* who guards the transit route (stuck as of Jun 2024) \\[1\\].\n\n"
        f"No transit {window}\n\n"
        "### Arda–Cerva normalization {#sec-track-neighbours}\n\n"
        "*Where it stands:* Arda–Cerva normalization — on hold as of Jun 2024. Waits on the treaty. \\[1\\]\n\n"
        f"No Arda–Cerva normalization {window}\n")


def test_a_track_known_only_by_its_open_issue_says_what_is_open():
    # Mid-2024 the transit track has no event and no chain step, but its sticking point is on record.
    text = sections.track_sections(context(as_of="2024-06-30", since="2024-01-01"))
    assert ("### Transit {#sec-track-transit}\n\n*Open issue:* who guards the transit route (stuck as of Jun 2024) "
            "\\[1\\].\n\nNo transit event is recorded in the window (1 Jan 2024 to 30 Jun 2024).") in text


def test_a_track_with_nothing_known_says_so():
    text = sections.track_sections(context(as_of="2024-05-31", known_by="latest", since="2024-01-01"))
    assert "### Transit {#sec-track-transit}\n\nNo data in this window: nothing on this track is known by 31 May " \
           "2024." in text


def test_progress_notes_give_the_figures_that_are_not_shares():
    assert sections.progress_notes(context()) == "Rounds of exchanges: 9 rounds (2024) \\[2\\].\n"
    assert sections.progress_notes(context(**MID_YEAR)) == ""


def test_cadence_summary_names_mediators_and_hosts_that_did_not_mediate():
    assert sections.cadence_summary(context()) == (
        "Our sources mention three meetings from 1 January 2024 to 31 December 2024 — the sources\\' examples, not a "
        "complete record of the meetings held. By mediator: Colonia, one meeting; Danube Council, one meeting; no "
        "mediator named, one meeting. Estria hosted, but did not mediate, the meeting in Estria. \\[1, 2\\]\n")


def test_cadence_summary_of_a_selection():
    assert sections.cadence_summary(context(mediators="colonia")).startswith(
        "Our sources mention one meeting from 1 January 2024 to 31 December 2024 (the mediators selected) —")
    assert sections.cadence_summary(context(mediators="estria")) == (
        "No data in this window: no recorded meeting from 1 January 2024 to 31 December 2024 (the mediators "
        "selected).\n")


def test_chain_summary():
    assert sections.chain_summary(context()) == (
        "The first unsettled step is the draft treaty, in talks as of Sep 2023. It waits on two conditions: charter "
        "amendment (pending); court claims waiver (called negotiable).\n")
    assert sections.chain_summary(context(**MID_YEAR)) == (
        "The first unsettled step is the draft treaty, in talks as of Sep 2023.\n")
    # Nothing known is not "every step settled".
    assert sections.chain_summary(context(as_of="2024-03-31")) == (
        "No data in this window: no step of the chain is known by 31 March 2024.\n")


def test_outside_powers():
    assert sections.outside_powers(context()) == (
        "- **Colonia:** Supports the route. \\[1\\]\n"
        "- **Danube Council:** Has observed the talks since 2021. \\[1\\]\n")


# --------------------------------------------------------------------------- outlook


def test_outlook_at_year_end_shows_the_lapsed_summit_as_no_longer_ahead():
    assert sections.outlook(context()) == (
        "- **Elections in Arda.** Domestic elections in Arda. \\[2\\]\n"
        "- **The observer mandate.** The Council\\'s observer mandate ends and could revive the dispute. Due: Jan "
        "2025. \\[2\\]\n\nNo longer ahead:\n\n"
        "- **Signing before the Harbour Summit** — expired (Dec 2024): Not signed before the summit. \\[2\\]\n")


def test_outlook_mid_year_the_summit_is_ahead():
    assert sections.outlook(context(**MID_YEAR)) == (
        "- **Signing before the Harbour Summit.** Belor wants the treaty signed before the summit. Due: Sep 2024. "
        "\\[1\\]\n")


def test_outlook_once_the_deadline_passed_without_news():
    assert sections.outlook(context(as_of="2024-09-30")) == (
        "No data in this window: no outlook factor ahead is known by 30 September 2024.\n\nNo longer ahead:\n\n"
        "- **Signing before the Harbour Summit** — came due (Sep 2024) with no outcome recorded in the data "
        "\\[1\\]\n")


def test_indicators():
    # The treaty's next step waits on two sticking points, which are not named again under "to settle"; the
    # normalization track has no open issue or date, but its step waits on the treaty.
    assert sections.indicators(context()) == (
        "- **Treaty text.** *Next step:* draft treaty, which waits on the charter amendment and the court claims "
        "waiver. *To settle:* no foreign observers. *Dates ahead:* the observer mandate (Jan 2025).\n"
        "- **Frontier.** *Dates ahead:* the observer mandate (Jan 2025).\n"
        "- **Transit.** *To settle:* who guards the transit route.\n"
        "- **Arda–Cerva normalization.** *Next step:* Arda–Cerva normalization, which waits on the draft treaty.\n")


def test_a_step_named_as_a_negation_takes_no_article(tmp_path):
    root = copy_data(tmp_path)
    set_cell(root, "chain_nodes", 7, "label", "No court claims")
    text = sections.indicators(context(load_dataset(root / "data")))
    assert "which waits on the charter amendment and no court claims." in text
