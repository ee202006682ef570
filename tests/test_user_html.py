"""The single-file HTML brief, read as a file: self-contained, Vega inlined once, brief features present."""

from __future__ import annotations

import re

import pytest

from .helpers import edition_outputs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def html(built_default) -> str:
    return edition_outputs(built_default)["html"].read_text(encoding="utf-8")


def test_vega_is_inlined_exactly_once_and_nothing_is_fetched(html):
    assert html.count("window.vegaEmbed=") == 1
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html


def test_brief_features_are_present(html):
    assert '<nav id="TOC"' in html
    assert 'class="brief-callout brief-callout-important"' in html and "Bottom line up front" in html
    assert 'class="footnotes' in html
    assert html.count('<figure id="fig-') == 4
    for n, label in enumerate(["fig-progress", "fig-cadence-timeline", "fig-cadence-counts", "fig-chain"], 1):
        assert f'<figure id="{label}"' in html
        assert f'<span class="fig-number">Figure {n}.</span>' in html
    assert '<a href="#fig-progress">Figure\u00a01</a>' in html
    assert "@media print" in html and 'name="viewport"' in html
