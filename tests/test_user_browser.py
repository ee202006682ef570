"""The HTML brief opened from disk in real headless Chromium, at a phone and a desktop width."""

from __future__ import annotations

import pytest

from .browser import open_page
from .helpers import edition_outputs

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)])
def test_html_brief_in_chromium(built_default, artifacts, name, width, height):
    html = edition_outputs(built_default)["html"]
    with open_page(html, width=width, height=height) as (page, log):
        charts = page.locator(".brief-chart")
        assert charts.count() >= 4
        for i in range(charts.count()):
            assert charts.nth(i).locator("svg, canvas").count() >= 1, f"chart {i} did not draw"

        # Hovering a data point shows a tooltip.
        point = page.locator(".brief-chart .mark-symbol path, .brief-chart .mark-point path").first
        point.scroll_into_view_if_needed()
        point.hover(force=True)
        page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
        assert page.locator("#vg-tooltip-element").inner_text().strip()

        # Nothing overflows horizontally (phone width especially).
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the viewport"

        page.screenshot(path=str(artifacts / f"html-{name}.png"), full_page=False)

        # The table of contents links to sections that exist.
        links = page.locator("#TOC a")
        assert links.count() >= 5
        target = links.nth(1).get_attribute("href")
        if name == "desktop":
            links.nth(1).click()
            assert page.evaluate("location.hash") == target
        assert page.locator(target).count() == 1

    assert log["errors"] == []
    assert log["requests"] == []
    assert log["dialogs"] == []
