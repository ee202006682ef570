"""The vocabulary lives in the data: labels, order, flags and colours come from data/vocabulary/*.csv, a new
value gets a distinct colour without moving anyone else's, and no shipped vocabulary id is written in src/."""

from __future__ import annotations

import ast
import copy
import re

import pytest

from brief import palette
from brief.vocabulary import Domain, Entry, Vocabulary

from .fixture_data import fixture_dataset
from .helpers import ROOT


def vocab() -> Vocabulary:
    return fixture_dataset().vocab


def grown(table: str, row: dict) -> Vocabulary:
    """The fixture vocabulary with ``row`` appended at the end of ``table``'s CSV."""
    ds = fixture_dataset()
    rows = copy.deepcopy(ds.rows)
    rows[table].append(dict.fromkeys(rows[table][0], "") | row)
    return Vocabulary.from_tables(ds.descriptor, rows)


# --------------------------------------------------------------------------- labels, order, flags


def test_every_vocabulary_table_is_a_domain():
    assert sorted(vocab().domains) == ["actors", "confidence", "event_kinds", "formats", "metrics", "node_kinds",
                                       "relations", "resolution_kinds", "statuses", "terms", "tracks"]


def test_order_column_decides_the_order():
    assert vocab()["actors"].ids() == ("arda", "belor", "cerva", "colonia", "danube_council", "estria",
                                       "belor_president", "reviewer")
    assert vocab()["tracks"].ids() == ("treaty", "frontier", "transit", "neighbours", "background")


def test_without_an_order_column_the_file_order_is_kept():
    assert vocab()["statuses"].ids() == ("stuck", "disputed", "pending", "idea", "on_hold", "talks", "softened",
                                         "near", "done")


def test_an_order_that_sorts_a_new_row_first_puts_it_first():
    actors = grown("actors", {"actor_id": "aaa_new", "label": "New", "type": "state", "party": "false",
                              "order": "5"})["actors"]
    assert actors.ids()[:2] == ("aaa_new", "arda")


def test_labels_and_short_labels():
    actors = vocab()["actors"]
    assert (actors.label("danube_council"), actors.short("danube_council")) == ("Danube Council", "Council")
    assert actors.short("arda") == "Arda"  # short_label given
    assert vocab()["statuses"].short("softened") == "Called negotiable"  # no short_label column: the label
    assert vocab()["terms"]["harbour_summit"].label == "Harbour Summit"  # terms are labelled by their term
    assert actors.label("not_an_actor") == "not_an_actor"  # never a crash on an unknown key


def test_values_are_typed_by_the_schema():
    v = vocab()
    assert v["statuses"]["done"]["rank"] == 8 and v["event_kinds"]["conflict"]["effect"] == -1
    assert v["actors"]["arda"]["party"] is True and v["actors"]["colonia"]["party"] is False
    assert v["metrics"]["share"]["maximum"] == 100 and v["metrics"]["articles"].get("maximum") is None
    assert v["metrics"]["articles"]["needs_total"] is True


@pytest.mark.parametrize(("table", "column", "ids"), [
    ("statuses", "settled", ("done",)),
    ("node_kinds", "main", ("pact", "process", "outcome")),
    ("relations", "blocking", ("blocks",)),
    ("event_kinds", "structural", ("format_change",)),
    ("tracks", "trend", ("treaty", "frontier", "transit", "neighbours")),
    ("metrics", "comparable", ("share", "articles")),
])
def test_rule_flags_come_from_the_tables(table, column, ids):
    assert vocab()[table].where(column) == ids


def test_ordered_follows_the_domain_and_puts_unknown_keys_last():
    assert vocab()["actors"].ordered(["estria", "zz", "arda", "estria", "aa"]) == ["arda", "estria", "aa", "zz"]


def test_a_new_status_is_a_data_edit():
    statuses = grown("statuses", {"status_id": "initialled", "label": "Initialled", "rank": "6",
                                  "settled": "false"})["statuses"]
    assert statuses.label("initialled") == "Initialled" and statuses["initialled"]["rank"] == 6
    assert statuses.ids()[-1] == "initialled" and "initialled" not in statuses.where("settled")


# --------------------------------------------------------------------------- colours


def test_declared_colours_are_kept_and_blank_ones_get_free_palette_colours():
    # statuses.csv declares stuck #D55E00 and done #000000; the seven blank ones take, in file order, the
    # palette's colours that no status declares.
    assert vocab()["statuses"].colours() == {
        "stuck": "#D55E00", "disputed": "#0072B2", "pending": "#E69F00", "idea": "#009E73", "on_hold": "#CC79A7",
        "talks": "#56B4E9", "softened": "#F0E442", "near": "#332288", "done": "#000000"}


def test_actor_colours():
    # Only colonia declares a colour (#0072B2, the palette's first): every other actor skips it.
    assert vocab()["actors"].colours() == {
        "arda": "#E69F00", "belor": "#009E73", "cerva": "#CC79A7", "colonia": "#0072B2", "danube_council": "#56B4E9",
        "estria": "#D55E00", "belor_president": "#F0E442", "reviewer": "#000000"}


def test_colours_are_distinct_while_the_palette_lasts():
    entries = [(f"v{i}", "") for i in range(len(palette.PALETTE))]
    assert len(set(palette.assign_colours(entries).values())) == len(palette.PALETTE)


def test_declared_colours_match_case_insensitively():
    assert palette.assign_colours([("a", ""), ("b", "#0072b2")]) == {"a": "#E69F00", "b": "#0072b2"}


@pytest.mark.parametrize("order", ["90", "5", ""], ids=["sorted last", "sorted first", "no order"])
def test_appending_an_actor_never_changes_an_existing_colour(order):
    """A new host added at the end of actors.csv, wherever its order sorts it, keeps every chart's colours."""
    before = vocab()["actors"].colours()
    after = grown("actors", {"actor_id": "fjord", "label": "Fjord", "type": "state", "party": "false",
                             "order": order})["actors"].colours()
    assert {k: after[k] for k in before} == before
    assert after["fjord"] == "#332288", "the new actor gets the next palette colour no one else has"


def test_appending_a_status_never_changes_an_existing_colour():
    before = vocab()["statuses"].colours()
    after = grown("statuses", {"status_id": "initialled", "label": "Initialled", "rank": "6",
                               "settled": "false"})["statuses"].colours()
    assert {k: after[k] for k in before} == before and after["initialled"] == "#88CCEE"


def test_an_empty_domain():
    empty = Domain("tracks", [])
    assert (len(empty), empty.ids(), empty.colours(), empty.ordered(["x"])) == (0, (), {}, ["x"])
    assert Entry("x", {"label": ""}).label == "x"


# --------------------------------------------------------------------------- no vocabulary in the code

# The ids of the shipped vocabulary (data/vocabulary/*.csv) when this test was written. The test does not
# read data/, so it stays green whatever a user adds there; add ids here when the shipped vocabulary grows.
SHIPPED_IDS = {
    # actors
    "armenia", "azerbaijan", "turkey", "russia", "united_states", "european_facilitators", "european_union",
    "osce_minsk_group", "iran", "israel", "review_author", "ilham_aliyev", "nikol_pashinyan", "antony_blinken",
    "michael_carpenter", "sergey_lavrov",
    # tracks
    "peace_agreement", "border", "connectivity", "armenia_turkey", "context",
    # formats
    "heads_of_state_government", "foreign_ministers", "deputy_prime_ministers", "envoys",
    # event kinds
    "agreement", "border_posts", "handover", "ratification", "appointment", "assessment", "statement",
    "envoy_visit", "negotiation_format", "summit", "election", "historical", "decision", "mandate", "publication",
    "unilateral_measure", "stall", "protest", "takeover", "war",
    # statuses
    "stalled", "impasse", "not_started", "proposed", "waiting", "open", "deferred", "negotiating", "negotiable",
    "nearly_agreed", "agreed_in_principle", "agreed", "initialled", "signed", "achieved", "resolved", "overtaken",
    # relations
    "open_point_in", "demanded_for", "precondition_of", "deferred_to", "may_become", "could_enable", "step_towards",
    # metrics
    "share_agreed_pct", "points_agreed", "exchange_rounds",
    # node kinds
    "process", "outcome", "step", "condition", "deferred_item",
    # resolution kinds
    "expired", "superseded",
    # confidence
    "high", "moderate", "low",
    # terms
    "alma_ata", "brics", "cop29", "karabakh", "nakhchivan", "zangezur_corridor",
}
# Literals that equal an id by coincidence, with where they are and what they mean there.
COINCIDENCES = {
    ("charts/chain.py", "step"): "the tooltip field naming a chain step",
    ("sections.py", "condition"): "the English word in 'It waits on 2 conditions'",
}
_TOKEN = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def string_literals():
    for path in sorted((ROOT / "src" / "brief").rglob("*.py")):
        rel = path.relative_to(ROOT / "src" / "brief").as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield rel, node.lineno, node.value


def test_no_shipped_vocabulary_id_is_a_literal_in_src():
    found = [f"src/brief/{rel}:{line}: '{value}'" for rel, line, value in string_literals()
             if value in SHIPPED_IDS and (rel, value) not in COINCIDENCES]
    # A snake_case id inside a longer string (an f-string part, a message, a docstring) counts too.
    found += [f"src/brief/{rel}:{line}: '{token}' in {value[:60]!r}" for rel, line, value in string_literals()
              for token in _TOKEN.findall(value) if token in SHIPPED_IDS]
    assert not found, "vocabulary values belong in data/vocabulary/, not in code:\n" + "\n".join(found)


def test_the_coincidences_are_still_there():
    literals = {(rel, value) for rel, _, value in string_literals()}
    assert set(COINCIDENCES) <= literals, "drop the allowances for literals that are gone"
