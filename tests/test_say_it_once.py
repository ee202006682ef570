"""Say each thing once (issue 12): no sentence of 60 or more characters appears twice in the PDF —
the bottom line, the sections, the charts' titles and notes, the tables and the notes included."""

from __future__ import annotations

import collections
import re
import subprocess

import pytest

from .helpers import edition_outputs

pytestmark = [pytest.mark.slow, pytest.mark.pdftools]


def split(text: str) -> list[str]:
    """Sentences: a full stop, question or exclamation mark, then a capital or a citation key."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\[])", " ".join(text.split()))]


def sentences(pdf) -> list[str]:
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return split(re.sub("\u00ad\\s*", "", raw))  # undo hyphenation at line ends


def test_no_long_sentence_is_repeated(built_default):
    counts = collections.Counter(s for s in sentences(edition_outputs(built_default)["pdf"]) if len(s) >= 60)
    repeated = {s: n for s, n in counts.items() if n > 1}
    assert not repeated, "\n".join(f"{n}×: {s}" for s, n in repeated.items())


def test_the_splitter_finds_a_repeat_across_line_breaks():
    """The check can fail: one long sentence broken over lines in two places is counted twice."""
    text = ("A sentence long enough to be counted by the check, broken\nover two lines. Then another. "
            "A sentence long enough to be counted by the check, broken over two lines. [2] Done.")
    assert collections.Counter(split(text)).most_common(1) == [
        ("A sentence long enough to be counted by the check, broken over two lines.", 2)]
