"""Knowledge time through real builds: an edition as of a date shows only what was known by then, and
says which view of the data it is (issue 10). On the fixture: the field notes (src_alpha) were
published in June 2024, the year-end review (src_beta) in December 2024."""

from __future__ import annotations

import re
import subprocess

import pytest

from .helpers import brief_in_process, copy_project

pytestmark = [pytest.mark.slow, pytest.mark.pdftools]


def text_of(pdf) -> str:
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(re.sub("\u00ad\\s*", "", raw).split())


@pytest.fixture(scope="module")
def views(tmp_path_factory, built_editions):
    """The brief as of mid-2024 as written then (built here), and the retrospective mid-2024 edition (the
    shared edition build's 2024-06)."""
    root = copy_project(tmp_path_factory.mktemp("views") / "project")
    brief_in_process(root, "build", "-p", "as_of=2024-06-30", "--to", "pdf")
    return {"as-written": text_of(next((root / "reports" / "2024-06-30").glob("*.pdf"))),
            "retrospective": text_of(next((built_editions.root / "reports" / "2024-06").glob("*.pdf")))}


def test_a_mid_year_build_cites_no_later_source_and_says_nothing_learnt_later(views):
    text = views["as-written"]
    assert "The brief as it could have been written on 30 June 2024" in text
    sources = text.split("Sources", 2)[-1]
    assert "Field notes (2024)" in sources and "Year-end review" not in text  # published in December
    for later in ("80% of the treaty", "Summit of the Seas", "12 of 15", "observer mandate"):
        assert later not in text, later  # facts reported only in December
    assert "30% of the treaty" in text  # known in June, from the field notes


def test_the_retrospective_edition_says_so_and_uses_later_knowledge_of_the_first_half(views):
    text = views["retrospective"]
    assert "A retrospective view: what happened by 30 June 2024, as known on 31 December 2024" in text
    assert "Year-end review" in text  # a December source may be cited for facts of the first half
    assert "80% of the treaty" not in text  # that figure is dated December: it had not happened by June
    assert "By mid-2024 the frontier protocol was the only result on the ground" in text  # the edition's headline
