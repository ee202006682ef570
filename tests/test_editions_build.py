"""Editions through the CLI: listed, built in parallel under stable names, with 'What changed'."""

from __future__ import annotations

import pytest

from .helpers import run_brief

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def editions_built(built_editions):
    """The shared `--all-editions` build (conftest), whose year-end edition carries a trend override."""
    return built_editions.root, built_editions.proc


def test_editions_are_listed_oldest_first(editions_built):
    root, _ = editions_built
    lines = run_brief(root, "editions").stdout.splitlines()
    assert lines[0].startswith("2024-06  as_of 2024-06-30  Mid-2024, in retrospect, first edition")
    assert lines[1].startswith("2024-12  as_of 2024-12-31  Year-end 2024, compared with 2024-06")


def test_all_editions_build_under_stable_names(editions_built):
    root, proc = editions_built
    for name in ("2024-06", "2024-12"):
        assert (root / "reports" / name / f"armenia-azerbaijan-brief-{name}.html").is_file()
        assert f"reports/{name}/armenia-azerbaijan-brief-{name}.html" in proc.stdout


def test_later_edition_says_what_changed_and_shows_the_override(editions_built):
    root, _ = editions_built
    later = (root / "reports" / "2024-12" / "armenia-azerbaijan-brief-2024-12.html").read_text(encoding="utf-8")
    assert "What changed from 1 July 2024 to 31 December 2024" in later
    assert "Compared with the previous edition, Mid-2024, in retrospect (30 June 2024)" in later
    assert "Leaders met in Estria" in later and "30% of the treaty (Dec 2023) → 80% of the treaty" in later
    assert "Analyst's assessment: the summit produced no text" in later
    first = (root / "reports" / "2024-06" / "armenia-azerbaijan-brief-2024-06.html").read_text(encoding="utf-8")
    assert "What changed from 1 January 2024 to 30 June 2024" in first  # no previous edition: the window's start
    assert "Compared with what the data said of 31 December 2023 as known on 31 December 2024." in first
    assert "Year-end 2024" in later and "Mid-2024, in retrospect" in first  # edition titles as subtitles


def test_unknown_edition_is_a_clear_error(editions_built):
    root, _ = editions_built
    proc = run_brief(root, "build", "--edition", "2024-11", check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: no edition named '2024-11' (did you mean '2024-12'?")
