"""The reference matter on the fixture: sticking-point table, meetings annex, graded sources (only those the
view may cite), glossary (only actors in the view, plus the terms) and the colophon."""

from __future__ import annotations

from brief import reference
from brief.dataset import load_dataset

from .fixture_data import context, copy_data, edition_context_of
from .helpers import read_rows, set_cell

MID_YEAR = {"as_of": "2024-06-30"}
ALPHA = ("1. **Field notes (2024).** Author not stated, *\\[Field notes on the Arda–Belor talks\\]* (Jun 2024). "
         "*Who:* An unnamed observer of the talks. *When:* Dated by its own title: mid-2024. *How they know:* "
         "Interviews with negotiators in both capitals.")
BETA = ("2. **Year-end review (2024).** Author not stated, *\\[Year-end review of the Arda–Belor process\\]* "
        "(Dec 2024). *Who:* An unnamed reviewer. *When:* Dated by its own title. *How they know:* Public statements "
        "and reported events.")


def rows(markdown: str) -> list[str]:
    lines = markdown.splitlines()
    return [line for line in lines[2:] if line.startswith("| ")]  # after the header and its rule


def caption(markdown: str) -> str:
    return markdown.rstrip("\n").splitlines()[-1]


# --------------------------------------------------------------------------- sources


def test_sources_are_numbered_and_graded():
    # Where the project files its copy, and when it was accessed, is the colophon's business, not the reader's.
    assert reference.sources(context()) == f"{ALPHA}\n{BETA}\n"


def test_a_brief_written_mid_year_lists_only_what_was_published_by_then():
    assert reference.sources(context(**MID_YEAR)) == f"{ALPHA}\n"


def test_the_retrospective_view_cites_what_we_now_know():
    assert reference.sources(context(known_by="latest", **MID_YEAR)) == f"{ALPHA}\n{BETA}\n"


def test_before_any_source_nothing_is_cited():
    assert reference.sources(context(as_of="2024-03-31")) == (
        "No source in the dataset had been published by 31 March 2024: this view has nothing to cite.\n")


# --------------------------------------------------------------------------- glossary

GLOSSARY = {
    "Cerva": "Arda\\'s neighbour; normalization waits on the treaty.",
    "Colonia": "Host and facilitator of talks.",
    "Danube Council (DC)": "Observes the talks.",
    "Estria": "Host of the Summit of the Seas.",
    "Harbour Summit": "A summit Belor wanted the treaty signed before.",
}


def glossary_of(names) -> str:
    return "".join(f"- **{name}** — {GLOSSARY[name]}\n" for name in names)


def test_glossary_lists_actors_in_view_and_terms_alphabetically_without_people_or_parties():
    # The president of Belor and the reviewer are people, named in full where they appear; Arda and Belor are
    # the parties, whom every reader of the brief knows.
    assert reference.glossary(context()) == glossary_of(sorted(GLOSSARY))


def test_glossary_leaves_out_a_term_the_brief_does_not_use(tmp_path):
    root = copy_data(tmp_path)
    with (root / "data" / "vocabulary" / "terms.csv").open("a", encoding="utf-8") as f:
        f.write("qara_line,Qara line,,A line no fact mentions.,,\n")
    ds = load_dataset(root / "data")
    assert reference.glossary(context(ds)) == glossary_of(sorted(GLOSSARY))
    set_cell(root, "events", 5, "description", "Markers installed along the Qara line.")
    assert "- **Qara line** — A line no fact mentions.\n" in reference.glossary(context(load_dataset(root / "data")))


def test_glossary_mid_year_leaves_out_an_actor_first_met_later():
    # Estria appears only in the October summit meeting (year-end review).
    assert reference.glossary(context(**MID_YEAR)) == glossary_of(sorted(set(GLOSSARY) - {"Estria"}))


# --------------------------------------------------------------------------- tables


def test_sticking_points_table():
    table = reference.sticking_points_table(context())
    # The charter point was raised in the field notes [1], its status is the review's [2]: both are cited.
    assert rows(table) == [
        "| Charter amendment in Arda | Belor | Pending (as of Dec 2024) | An additional demand of Belor. | "
        "\\[1, 2\\] |",
        "| Waiver of court claims | Belor | Called negotiable (as of Dec 2024) | Belor now calls it negotiable. | "
        "\\[2\\] |",
        "| No foreign observers | Belor | Pending (as of Dec 2024) | One of two open points. | \\[2\\] |",
        "| Who guards the transit route | not stated | Stuck (as of Jun 2024) | At an impasse. | \\[1\\] |"]
    assert caption(table) == ": Sticking points and their latest status known by 31 Dec 2024 {#tbl-sticking-points}"


def test_an_inferred_attribution_is_marked_and_explained(tmp_path):
    root = copy_data(tmp_path)
    line = next(i for i, row in enumerate(read_rows(root / "data" / "sticking_points.csv"), 1)
                if row[0] == "fx_sp_observers")
    set_cell(root, "sticking_points", line, "coding_note", "The review implies the demand is Belor's.")
    set_cell(root, "sticking_points", line, "confidence", "likely")
    table = reference.sticking_points_table(context(load_dataset(root / "data")))
    assert "| No foreign observers | Belor † | Pending (as of Dec 2024) |" in table
    assert table.endswith("\n† Inferred by the coder, not stated outright in the source (confidence: moderate).\n")
    assert "†" not in reference.sticking_points_table(context())


def test_an_open_issue_with_no_recent_record_is_named_not_dropped():
    # Seen from September 2025 the transit point (stuck, last recorded June 2024) is no longer the state of
    # play, so the table leaves it out, and says so; the year-end view lists it and says nothing.
    table = reference.sticking_points_table(context(as_of="2025-09-30", known_by="latest", since="2025-01-01"))
    assert "| Who guards the transit route |" not in table
    assert table.endswith("\nNot listed: one open issue with no record since 1 October 2024, so its status may be "
                          "out of date: who guards the transit route (stuck, Jun 2024).\n")
    assert "Not listed" not in reference.sticking_points_table(context())


def test_an_empty_sticking_points_table_is_still_a_table_its_references_resolve_to():
    table = reference.sticking_points_table(context(as_of="2024-03-31"))
    assert rows(table) == ["| No data in this window: no sticking point is known by 31 March 2024. | – | – | – | – |"]
    assert caption(table).endswith("{#tbl-sticking-points}")


def test_meetings_annex_says_the_list_is_not_complete_and_which_codings_are_inferred():
    table, note = reference.meetings_table(context()).rstrip("\n").rsplit("\n\n", 1)
    # Colonia's role as facilitator is the coder's reading (a coding note with "likely"): marked, and said.
    assert note == ("† Colmar, Colonia, Mar 2024: The source says hosted; Colonia\\'s role as facilitator is the "
                    "coder\\'s reading. (confidence: moderate)")
    assert rows(table) == [
        "| Mar 2024 † | Colmar, Colonia | Leaders | Colonia | Colonia | Leaders hosted by Colonia. | \\[1\\] |",
        "| 14 May 2024 | Vell | Ministers | Council | not stated | Foreign ministers under the Council\\'s auspices. "
        "| \\[1\\] |",
        "| Oct 2024 | Estria (Summit of the Seas) | Leaders | none named | Estria | On the sidelines of a summit; no "
        "mediator. | \\[2\\] |"]
    assert caption(table) == (": Recorded meetings, 1 Jan 2024 to 31 Dec 2024 — the sources\\' examples, not a "
                              "complete record of the meetings held {#tbl-meetings}")


def test_meetings_annex_of_an_empty_selection():
    assert reference.meetings_table(context(mediators="estria")) == (
        "No data in this window: no recorded meeting of the selected mediators from 1 Jan 2024 to 31 Dec 2024.\n")


# --------------------------------------------------------------------------- colophon


def test_colophon_records_parameters_view_dataset_and_tools():
    ctx = context(mediators="colonia,none", provenance={
        "renderer": {"engine": "builtin", "pandoc": "3.1.11", "typst": "0.12.0"},
        "versions": {"papermill": "2.6.0", "altair": "5.5.0"}})
    assert reference.colophon(ctx) == (
        "**Parameters:** `as_of` = 2024-12-31, `known_by` = 2024-12-31, `since` = 2024-01-01, `mediators` = "
        "colonia, none, `period` = quarter.\n\n"
        # Each value is escaped as if it began a paragraph ("0\\." would start a list); pandoc prints "0.0.1".
        f"**Dataset:** version 0\\.0.1, sha256 `{ctx.ds.sha256}`.\n\n"
        "**Sources as filed:** Field notes (2024): seeds/alpha.txt, accessed 2026-11-22; Year-end review (2024): "
        "seeds/beta.txt, accessed 2026-11-22.\n\n"
        "**Rendered by:** the built-in engine (pandoc 3\\.1.11, typst 0\\.12.0).\n\n"
        "**Software:** altair 5\\.5.0, papermill 2\\.6.0.\n")


def test_colophon_says_all_mediators_when_none_was_left_out():
    assert "`mediators` = all," in reference.colophon(context(mediators="none,arda,belor,cerva,colonia,"
                                                                       "danube_council,estria,belor_president,reviewer"))


def test_colophon_of_a_notebook_run_outside_the_build_says_the_renderer_is_not_recorded():
    assert "**Rendered by:** not recorded (a notebook run outside the build).\n" in reference.colophon(context())


def test_colophon_names_a_committed_edition_and_its_file():
    """The title block shows an edition's title; its name, the id to rebuild it by, is in the colophon."""
    assert reference.colophon(context(edition=edition_context_of("2024-12"))).startswith(
        "**Edition:** `2024-12` (editions/2024-12.yml).\n\n**Parameters:**")
    assert "**Edition:**" not in reference.colophon(context())
