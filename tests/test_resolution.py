"""Before any kernel starts: the build's parameters, edition context and the verdict on every analyst passage
(brief.qmd's and the front page's) for the fixture — which are omitted, which stale, and what is refused."""

from __future__ import annotations

import shutil

import pytest

from brief.editions import load_edition
from brief.exceptions import EditionError
from brief.prose import ProseError
from brief.resolution import resolve_for_data

from .fixture_data import fixture_dataset
from .helpers import FIXTURE


def resolve(root, raw=None, chosen=None):
    ds = fixture_dataset()
    return resolve_for_data(root, ds.descriptor, ds.rows, raw or {}, chosen)


def verdicts(resolution) -> list[tuple[str, bool, bool]]:
    return [(v.passage.key, v.shown, v.stale) for v in resolution.verdicts]


@pytest.fixture
def project(tmp_path):
    """A project folder with the fixture's editions and brief.qmd (the data comes from fixture_dataset)."""
    shutil.copytree(FIXTURE / "editions", tmp_path / "editions")
    shutil.copy2(FIXTURE / "brief.qmd", tmp_path / "brief.qmd")
    return tmp_path


def test_a_default_build_takes_the_year_end_front_page_and_everything_is_current():
    resolution = resolve(FIXTURE)
    assert verdicts(resolution) == [("pa-progress", True, False), ("pa-chain", True, False),
                                    ("2024-12:headline", True, False), ("2024-12:judgments[1]", True, False),
                                    ("2024-12:judgments[2]", True, False)]
    assert resolution.passage_marks() == {} and resolution.stale == ()
    edition = resolution.edition
    # The default window is the year to 31 December: it continues no edition, so what changed is counted from
    # its start; a window from 1 July continues the mid-year edition and compares with its view.
    assert (edition["name"], edition["previous"], edition["front_page"]["edition"]) == (None, None, "2024-12")
    assert resolve(FIXTURE, {"since": "2024-07-01"}).edition["previous"]["name"] == "2024-06"


def test_a_mid_year_build_omits_the_passage_written_with_later_facts():
    resolution = resolve(FIXTURE, {"as_of": "2024-06-30"})
    assert resolution.params.known_by.isoformat() == "2024-06-30"
    assert verdicts(resolution) == [("pa-progress", False, False), ("pa-chain", True, False),
                                    ("2024-06:headline", True, False), ("2024-06:judgments[1]", True, False)]
    assert resolution.passage_marks() == {"pa-progress": {"omit": True}}
    assert resolution.edition["previous"] is None


def test_a_stale_passage_is_marked_with_the_facts_that_changed(project):
    (project / "brief.qmd").write_text(
        "# Brief\n\n::: {#pa-frontier .analysis rests-on=\"fx_ev_protocol\" reviewed=\"2024-06-30\"}\n"
        "The protocol holds.\n:::\n", encoding="utf-8")
    resolution = resolve(project)
    assert [v.passage.where for v in resolution.stale] == ["brief.qmd:3"]
    assert resolution.passage_marks() == {"pa-frontier": {
        "stale": [{"id": "fx_of_mandate", "title": "The observer mandate", "known": "2024-12-31"}],
        "reviewed": "2024-06-30"}}


def test_a_passage_resting_on_an_unknown_fact_is_refused_with_its_line(project):
    (project / "brief.qmd").write_text(
        "# Brief\n\n\n::: {#pa-x .analysis rests-on=\"fx_protocol\" reviewed=\"2024-12-31\"}\nText.\n:::\n",
        encoding="utf-8")
    with pytest.raises(ProseError) as err:
        resolve(project)
    assert err.value.message.splitlines()[1] == (
        "brief.qmd:4: rests on 'fx_protocol', which is not a fact id in data/ (did you mean 'fx_ev_protocol'?)")


def write_edition(project, text: str):
    path = project / "editions" / "2024-11.yml"
    path.write_text(text, encoding="utf-8")
    return load_edition(path, project)


def test_an_unknown_confidence_level_is_refused(project):
    edition = write_edition(project, "as_of: 2024-11-30\nreviewed: 2024-11-30\njudgments:\n"
                                     "  - {text: \"Markers stand.\", confidence: likley, rests_on: [fx_ev_markers]}\n")
    with pytest.raises(EditionError) as err:
        resolve(project, edition.params, edition)
    assert (err.value.message, err.value.fix) == ("editions/2024-11.yml: judgments[1]: unknown confidence 'likley'",
                                                  "did you mean 'likely'? levels: sure, likely")


def test_a_trend_override_of_an_unknown_track_is_refused(project):
    edition = write_edition(project, "as_of: 2024-11-30\ntrend_overrides: {fronteir: {trend: improved, "
                                     "reason: Markers stand.}}\n")
    with pytest.raises(EditionError) as err:
        resolve(project, edition.params, edition)
    assert (err.value.message, err.value.fix) == ("editions/2024-11.yml: trend_overrides: unknown track 'fronteir'",
                                                  "did you mean 'frontier'? tracks: treaty, frontier, transit, "
                                                  "neighbours")


def test_an_edition_headline_with_a_number_no_fact_carries_is_refused(project):
    edition = write_edition(project, "as_of: 2024-11-30\nreviewed: 2024-11-30\n"
                                     "headline: {text: \"Seven markers stand.\", rests_on: [fx_ev_markers]}\n"
                                     "judgments:\n  - {text: \"In 3 places.\", confidence: sure, "
                                     "rests_on: [fx_ev_markers]}\n")
    with pytest.raises(ProseError) as err:
        resolve(project, edition.params, edition)
    assert err.value.message.splitlines()[1:] == [
        "editions/2024-11.yml: judgments[1]: the number 3 is not carried by any fact it rests on (write the figure "
        "from the data, or add the fact that states it to rests-on)"]
