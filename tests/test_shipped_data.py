"""The shipped dataset itself: valid, and every analyst text resolves against it.

These are checks of data/, seeds/, editions/ and brief.qmd as committed — what `brief validate` and
`brief build` check before any kernel starts. They fail only where the brief would not build, and
say which fact, passage or file to look at; everything else in the suite uses the fixture project.
"""

from __future__ import annotations

import pytest

from brief.descriptor import read_descriptor
from brief.editions import list_editions
from brief.exceptions import BriefError
from brief.resolution import resolve_for_data
from brief.validate import check_dataset

from .helpers import ROOT


def test_the_shipped_dataset_validates():
    _, problems = check_dataset(ROOT / "data")
    assert problems == [], "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("edition", [None, *[e.name for e in list_editions(ROOT)]])
def test_every_edition_and_the_default_resolve_their_analyst_text(edition):
    """Analyst passages and front pages name facts that exist and numbers those facts carry."""
    tables, problems = check_dataset(ROOT / "data")
    assert problems == []
    chosen = next((e for e in list_editions(ROOT) if e.name == edition), None)
    try:
        resolution = resolve_for_data(ROOT, read_descriptor(ROOT / "data").raw,
                                      {n: t.rows for n, t in tables.items()}, dict(chosen.params if chosen else {}),
                                      chosen)
    except BriefError as err:
        pytest.fail(f"{edition or 'the default build'}: {err}")
    shown = [v for v in resolution.verdicts if v.shown]
    assert shown, f"{edition or 'the default build'} shows no analyst text at all"
