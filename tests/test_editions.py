"""Edition files: every malformed file refused in one line naming the file and the fix; editions ordered by
as_of; the previous edition and the front page chosen by date; the `edition` notebook parameter."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from brief.editions import (
    edition_context,
    find_edition,
    front_page_edition,
    list_editions,
    load_edition,
    previous_edition,
)
from brief.exceptions import EditionError

from .fixture_data import fixture_editions
from .helpers import FIXTURE

D = dt.date
GOOD_JUDGMENT = "  - {text: \"A judgment.\", confidence: sure, rests_on: [fx_ev_protocol]}\n"


def refusal(tmp_path, text: str, name: str = "x") -> tuple[str, str]:
    (tmp_path / "editions").mkdir(exist_ok=True)
    path = tmp_path / "editions" / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_edition(path, tmp_path)
    assert err.value.exit_code == 2
    return err.value.message, err.value.fix


KEYS = "title, notes, as_of, known_by, since, mediators, period, reviewed, headline, judgments, trend_overrides"


@pytest.mark.parametrize(("text", "message", "fix"), [
    ("as_off: 2024-06-30\n", "editions/x.yml: unknown key 'as_off'", f"did you mean 'as_of'? allowed keys: {KEYS}"),
    ("colour: red\nas_of: 2024-06-30\n", "editions/x.yml: unknown key 'colour'", f"allowed keys: {KEYS}"),
    ("title: Mid-year\n", "editions/x.yml: as_of is missing", "every edition fixes its date: as_of: YYYY-MM-DD"),
    ("- as_of\n", "editions/x.yml: expected 'key: value' lines", f"allowed keys: {KEYS}"),
    ("as_of: 2024-06-31\n", "editions/x.yml: parameter as_of: '2024-06-31' is not a real date "
     "(day is out of range for month)", "expected YYYY-MM-DD, e.g. as_of=2024-06-30"),
    ("as_of: 2024-06-30\nmediators: Colonia\n", "editions/x.yml: parameter mediators: 'Colonia' is not an actor id",
     "use lowercase ids from data/vocabulary/actors.csv, 'none' or 'all', comma-separated"),
    ("as_of: 2024-06-30\nknown_by: 2024-06-30T12:00\n",
     "editions/x.yml: parameter known_by: '2024-06-30T12:00' is neither a date nor 'latest'",
     "expected YYYY-MM-DD or latest, e.g. known_by=latest"),
    ("as_of: 2024-06-30\ntitle: [a, b]\n", "editions/x.yml: title must be text", 'write title: "…"'),
    ("as_of: 2024-06-30\nreviewed: 2024-06-30\njudgments:\n" + GOOD_JUDGMENT * 4,
     "editions/x.yml: judgments must be a list of at most 3", "keep the key judgments that matter most"),
    ("as_of: 2024-06-30\nreviewed: 2024-06-30\njudgments: [The treaty is close.]\n",
     "editions/x.yml: judgments[1] must be a mapping of text, rests_on and confidence",
     'e.g. judgments[1]: {text: "…", rests_on: [pr_share_2024_12], confidence: …}'),
    ("as_of: 2024-06-30\nreviewed: 2024-06-30\njudgments:\n" + GOOD_JUDGMENT
     + "  - {text: \"No level.\", rests_on: [fx_ev_protocol]}\n",
     "editions/x.yml: judgments[2]: confidence is missing",
     "give a level_id of data/vocabulary/confidence.csv"),
    ("as_of: 2024-06-30\nreviewed: 2024-06-30\nheadline: {text: \"A headline.\"}\n",
     "editions/x.yml: headline: rests_on must list the fact ids it rests on",
     "e.g. rests_on: [pr_share_2024_12, ev_2023_10_bilateral]"),
    ("as_of: 2024-06-30\nreviewed: 2024-06-30\nheadline: {text: \"A headline.\", rests_on: []}\n",
     "editions/x.yml: headline: rests_on must list the fact ids it rests on",
     "e.g. rests_on: [pr_share_2024_12, ev_2023_10_bilateral]"),
    ("as_of: 2024-06-30\nheadline: {text: \"A headline.\", rests_on: [fx_ev_protocol]}\n",
     "editions/x.yml: reviewed is missing",
     "give the day the headline and judgments were last checked: reviewed: YYYY-MM-DD"),
    ("as_of: 2024-06-30\nreviewed: 2024-31-12\nheadline: {text: \"A headline.\", rests_on: [fx_ev_protocol]}\n",
     "editions/x.yml: reviewed: '2024-31-12' is not a date",
     "write reviewed: YYYY-MM-DD, the day the headline and judgments were last checked"),
    ("as_of: 2024-06-30\ntrend_overrides: {frontier: {trend: better, reason: Markers.}}\n",
     "editions/x.yml: trend_overrides: frontier needs a trend and a reason",
     "write trend: one of improved, deteriorated, unchanged and reason: why the analyst overrides it"),
    ("as_of: 2024-06-30\ntrend_overrides: {frontier: {trend: improved}}\n",
     "editions/x.yml: trend_overrides: frontier needs a trend and a reason",
     "write trend: one of improved, deteriorated, unchanged and reason: why the analyst overrides it"),
])
def test_malformed_edition_files_are_refused_naming_the_file(tmp_path, text, message, fix):
    assert refusal(tmp_path, text) == (message, fix)


def test_an_edition_name_must_be_a_plain_file_name(tmp_path):
    assert refusal(tmp_path, "as_of: 2024-06-30\n", name="mid year")[0] == "'mid year' is not a valid edition name"


def test_a_complete_edition_file():
    edition = fixture_editions()["2024-12"]
    assert (edition.name, edition.title, edition.path, edition.as_of) == (
        "2024-12", "Year-end 2024", "editions/2024-12.yml", D(2024, 12, 31))
    assert edition.params == {"as_of": D(2024, 12, 31), "since": D(2024, 7, 1)}
    assert (edition.reviewed, edition.headline.confidence) == (D(2024, 12, 31), "")
    assert [(j.confidence, j.rests_on) for j in edition.judgments] == [
        ("likely", ("fx_of_mandate", "fx_sps_charter_12")), ("sure", ("fx_cs_normal_06",))]


def test_headline_and_judgments_are_analyst_passages():
    passages = fixture_editions()["2024-12"].passages()
    assert [(p.key, p.where) for p in passages] == [
        ("2024-12:headline", "editions/2024-12.yml: headline"),
        ("2024-12:judgments[1]", "editions/2024-12.yml: judgments[1]"),
        ("2024-12:judgments[2]", "editions/2024-12.yml: judgments[2]")]
    assert all(p.reviewed == D(2024, 12, 31) for p in passages)


def test_trend_overrides_are_read(tmp_path):
    (tmp_path / "editions").mkdir()
    path = tmp_path / "editions" / "x.yml"
    path.write_text("as_of: 2024-12-31\ntrend_overrides:\n  frontier: {trend: deteriorated, reason: \"Markers\n"
                    "    were removed.\"}\n", encoding="utf-8")
    (override,) = load_edition(path, tmp_path).trend_overrides.items()
    assert override[0] == "frontier" and (override[1].trend, override[1].reason) == ("deteriorated",
                                                                                     "Markers were removed.")


# --------------------------------------------------------------------------- which edition is which


@pytest.fixture
def three_editions(tmp_path):
    """The fixture's two editions plus a September one without a front page."""
    shutil.copytree(FIXTURE / "editions", tmp_path / "editions")
    (tmp_path / "editions" / "2024-09.yml").write_text("title: September\nas_of: 2024-09-30\n", encoding="utf-8")
    return tmp_path


def test_editions_are_ordered_by_as_of(three_editions):
    assert [e.name for e in list_editions(three_editions)] == ["2024-06", "2024-09", "2024-12"]


@pytest.mark.parametrize(("as_of", "since", "previous"), [
    (D(2024, 12, 31), D(2024, 10, 1), "2024-09"), (D(2024, 10, 1), D(2024, 10, 1), "2024-09"),
    (D(2024, 9, 30), D(2024, 7, 1), "2024-06"), (D(2025, 1, 1), D(2025, 1, 1), "2024-12"),
    (D(2024, 6, 30), D(2024, 1, 1), None),  # nothing earlier
    (D(2024, 12, 31), D(2024, 1, 1), None),  # a year-long window does not continue September's edition
    (D(2024, 12, 31), D(2024, 7, 1), None)])  # nor June's, once September came between
def test_the_previous_edition_is_the_one_the_window_continues(three_editions, as_of, since, previous):
    found = previous_edition(list_editions(three_editions), as_of, since)
    assert (found.name if found else None) == previous


@pytest.mark.parametrize(("as_of", "front"), [
    (D(2024, 12, 31), "2024-12"),
    (D(2024, 10, 1), "2024-06"),  # 2024-09 has no headline or judgments: the front page comes from June
    (D(2024, 6, 30), "2024-06"),  # an edition's own day counts
    (D(2024, 6, 29), None)])
def test_a_build_without_edition_takes_the_latest_front_page_at_or_before_its_date(three_editions, as_of, front):
    found = front_page_edition(list_editions(three_editions), None, as_of)
    assert (found.name if found else None) == front


def test_a_chosen_edition_shows_its_own_front_page(three_editions):
    editions = list_editions(three_editions)
    september = next(e for e in editions if e.name == "2024-09")
    assert front_page_edition(editions, september, D(2024, 9, 30)) is september


def test_unknown_edition_gets_did_you_mean():
    with pytest.raises(EditionError) as err:
        find_edition(FIXTURE, "2024-11")
    assert str(err.value) == "no edition named '2024-11' (did you mean '2024-12'? see `brief editions` " \
                             "(2024-06, 2024-12))"


# --------------------------------------------------------------------------- the edition notebook parameter


def test_edition_context_of_the_year_end_edition():
    editions = fixture_editions()
    context = edition_context(editions["2024-12"], editions["2024-06"], editions["2024-12"])
    assert context == {
        "name": "2024-12", "title": "Year-end 2024", "notes": "The fixture's year-end edition.",
        "previous": {"name": "2024-06", "title": "Mid-2024, in retrospect",
                     "params": {"as_of": "2024-06-30", "known_by": "latest", "since": "2024-01-01"}},
        "front_page": {
            "edition": "2024-12", "path": "editions/2024-12.yml", "reviewed": "2024-12-31",
            "headline": {"text": "The treaty is 80% agreed, 12 of 15 articles by Belor's count, but the charter "
                                 "demand decides when it is signed.",
                         "rests_on": ["fx_share_2024", "fx_articles_2024", "fx_sps_charter_12"], "confidence": ""},
            "judgments": [
                {"text": "A signature before the observer mandate ends is unlikely.",
                 "rests_on": ["fx_of_mandate", "fx_sps_charter_12"], "confidence": "likely"},
                {"text": "Normalization with Cerva waits on the treaty.", "rests_on": ["fx_cs_normal_06"],
                 "confidence": "sure"}]},
        "trend_overrides": {}}
    assert json.loads(json.dumps(context)) == context, "papermill passes it as JSON"


def test_edition_context_without_editions():
    assert edition_context(None, None, None) == {"name": None, "title": None, "notes": "", "previous": None,
                                                 "front_page": None, "trend_overrides": {}}
