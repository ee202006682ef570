"""Knowledge time through real builds: an edition as of a date shows only what was known by then, and
says which view of the data it is (issue 10). On the fixture: the field notes (src_alpha) were
published in June 2024, the year-end review (src_beta) in December 2024. The brief as it could have been
written on 30 June 2024 is built, on the data with a year of later events added, in test_later_events."""

from __future__ import annotations

import re
import subprocess

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.pdftools]


def text_of(pdf) -> str:
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(re.sub("\u00ad\\s*", "", raw).split())


@pytest.fixture(scope="module")
def retrospective(built_editions) -> str:
    """The retrospective mid-2024 edition: the shared edition build's 2024-06."""
    return text_of(next((built_editions.root / "reports" / "2024-06").glob("*.pdf")))


def test_the_retrospective_edition_says_so_and_uses_later_knowledge_of_the_first_half(retrospective):
    text = retrospective
    assert "A retrospective view: what happened by 30 June 2024, as known on 31 December 2024" in text
    assert "Year-end review" in text  # a December source may be cited for facts of the first half
    assert "80% of the treaty" not in text  # that figure is dated December: it had not happened by June
    assert "By mid-2024 the frontier protocol was the only result on the ground" in text  # the edition's headline
