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


def test_brief_features_are_present(html, built_default):
    assert '<nav id="TOC"' in html
    assert 'class="brief-callout brief-callout-important"' in html and "Bottom line" in html
    assert 'class="footnotes' in html
    embeds = re.findall(r"#(fig-[\w-]+) >\}\}", (built_default / "brief.qmd").read_text(encoding="utf-8"))
    assert html.count('<figure id="fig-') == len(embeds) >= 5
    for n, label in enumerate(embeds, 1):  # numbered in the order brief.qmd embeds them
        assert f'<figure id="{label}"' in html
        assert f'<span class="fig-number">Figure {n}.</span>' in html
    assert f'<a href="#fig-progress">Figure\u00a0{embeds.index("fig-progress") + 1}</a>' in html
    assert "@media print" in html and 'name="viewport"' in html
