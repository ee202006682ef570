"""The HTML brief on a phone and on paper, in real Chromium. At 390 px with touch (playwright has_touch,
is_mobile): chart text is at least 11 px (every chart has its phone layout), a tap on a mark opens its
tooltip inside the window, tables fit the screen (a table too wide is laid out one block per row, each
cell labelled with its column). Printed (Chromium's own PDF): every page is numbered, no footnote return
arrow is left and nothing is wider than the paper. Screenshots go to test-artifacts/phone/.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .browser import DESKTOP, PHONE, browser_page
from .helpers import edition_outputs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SMALLEST_TEXT = 11  # CSS px, on a phone
# A4 in Chromium's print: 210 mm less brief.html's @page side margins (16 mm each), in CSS px.
PRINT_WIDTH = round((210 - 2 * 16) / 25.4 * 96)


@pytest.fixture(scope="module")
def html(built_default):
    return edition_outputs(built_default)["html"]


@pytest.fixture(scope="module")
def shots(artifacts):
    out = artifacts / "phone"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    return out


# The smallest text of each chart as drawn: its font size times the SVG's scale on the page.
CHART_TEXT = """() => [...document.querySelectorAll('.brief-chart')].map(chart => {
  const svg = chart.querySelector('svg'), box = svg.getBoundingClientRect();
  const scale = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width
    ? box.width / svg.viewBox.baseVal.width : 1;
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {label: chart.id.replace(/-vis$/, ''), width: box.right, left: box.left, right: box.right,
          smallest: Math.min(...sizes)};
})"""


def test_chart_text_on_a_phone_is_at_least_11px(html, shots, shared_pages):
    with shared_pages.open(html, **PHONE) as (page, _):
        charts = page.evaluate(CHART_TEXT)
        page.locator(".brief-chart").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "first-chart.png"))
    assert len(charts) >= 4
    assert all(c["width"] <= PHONE["viewport"]["width"] for c in charts), charts
    small = {c["label"]: round(c["smallest"], 1) for c in charts if c["smallest"] < SMALLEST_TEXT}
    assert small == {}, f"chart text under {SMALLEST_TEXT} px on a phone (each chart needs its narrow layout): {small}"


def test_charts_fill_the_column_on_a_desktop(html, shared_pages):
    # At 1280 px the column is wider than the page layout (560 px): the chart scales up to the column, so its
    # text is larger than the PDF's rather than ~10 px in a half-empty column.
    with shared_pages.open(html, **DESKTOP) as (page, _):
        charts = page.evaluate(CHART_TEXT)
        columns = page.evaluate(
            "() => [...document.querySelectorAll('.brief-chart')].map(c => c.parentElement.clientWidth)")
    assert len(charts) >= 4
    widths = [round(c["right"] - c["left"]) for c in charts]
    assert widths == [round(w) for w in columns], (widths, columns)
    assert min(widths) > 600, widths  # wider than the page layout
    small = {c["label"]: round(c["smallest"], 1) for c in charts if c["smallest"] < 12}
    assert small == {}, f"chart text under 12 px at 1280 px: {small}"


# Marks a reader can tap, per chart, leftmost first (tooltips near the left edge used to open off-screen).
MARKS = """() => [...document.querySelectorAll('.brief-chart')].map(chart =>
  [...chart.querySelectorAll('svg g.role-mark path, svg g.role-mark rect')]
    .map(m => m.getBoundingClientRect()).filter(r => r.width > 2 && r.height > 2)
    .sort((a, b) => a.left - b.left).map(r => [r.left + r.width / 2 + scrollX, r.top + r.height / 2 + scrollY]))"""
TOOLTIP = """() => { const t = document.getElementById('vg-tooltip-element');
  if (!t || !t.classList.contains('visible')) return null;
  const r = t.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: t.innerText}; }"""


def test_a_tap_opens_a_tooltip_inside_the_window(html, shots):
    from playwright.sync_api import TimeoutError as Timeout

    width, height = PHONE["viewport"]["width"], PHONE["viewport"]["height"]
    with browser_page(html, **PHONE) as (page, _):  # its own page: taps leave tooltips and scroll behind
        for n, marks in enumerate(page.evaluate(MARKS)):
            shown = None
            for x, y in marks[:12]:  # the first marks from the left that carry a tooltip
                page.evaluate(f"window.scrollTo(0, {y - height / 2})")
                page.touchscreen.tap(x, y - page.evaluate("scrollY"))
                try:
                    shown = page.wait_for_function(TOOLTIP, timeout=1500).json_value()
                    break
                except Timeout:
                    continue
            assert shown and shown["text"].strip(), f"chart {n}: no tap on its marks opened a tooltip"
            inside = shown["left"] >= 0 and shown["top"] >= 0 and shown["right"] <= width and shown["bottom"] <= height
            assert inside, f"chart {n}: tooltip outside the window: {shown}"
            page.screenshot(path=str(shots / f"tooltip-{n}.png"))
            page.touchscreen.tap(width / 2, 5)  # a tap outside the charts closes it
            page.wait_for_function(f"!({TOOLTIP})()", timeout=5000)


TABLES = """() => [...document.querySelectorAll('main table')].map(t => ({
  reflowed: t.classList.contains('brief-reflow'), fits: t.scrollWidth <= t.clientWidth + 1,
  right: t.getBoundingClientRect().right,
  caption: t.caption ? t.caption.getBoundingClientRect().right : 0,
  labelled: [...t.querySelectorAll('tbody td')].every(td =>
    !td.dataset.label || !t.classList.contains('brief-reflow')
    || getComputedStyle(td, '::before').content.includes(td.dataset.label)),
}))"""


def test_tables_fit_a_phone_and_stay_tables_on_a_desktop(html, shots, shared_pages):
    with shared_pages.open(html, **PHONE) as (page, _):
        tables = page.evaluate(TABLES)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        reflowed = page.locator("main table.brief-reflow")
        if reflowed.count():
            reflowed.first.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "table.png"))
    assert tables and any(t["reflowed"] for t in tables), tables  # the fixture has a table too wide for a phone
    for t in tables:
        assert t["fits"] and t["right"] <= 390 and t["caption"] <= 390 and t["labelled"], t
    with shared_pages.open(html, **DESKTOP) as (page, _):
        assert not any(t["reflowed"] for t in page.evaluate(TABLES))


@pytest.mark.pdftools
def test_printed_pages_are_numbered_without_link_arrows_or_overflow(html, tmp_path, shots):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed (apt-get install poppler-utils)")
    with browser_page(html, viewport={"width": PRINT_WIDTH, "height": 1000}) as (page, _):  # its own: print media
        page.emulate_media(media="print")
        wide = page.evaluate(f"""() => [...document.querySelectorAll('main *')].filter(e => !e.closest('svg'))
          .filter(e => e.getBoundingClientRect().right > {PRINT_WIDTH} + 1
                       || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX != 'visible')
          .map(e => e.tagName + (e.id ? '#' + e.id : ''))""")
        assert wide == [], f"wider than the printed page: {wide}"
        page.pdf(path=str(tmp_path / "printed.pdf"), format="A4")
    pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / "printed.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout.rstrip("\f").split("\f")
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(tmp_path / "printed.pdf"),
                    str(shots / "print")], check=True)
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert re.search(rf"Page {n} of {len(pages)}\s*$", text), f"printed page {n} has no 'Page {n} of …'"
    assert "\u21a9" not in "\n".join(pages), "a footnote return arrow (↩) is printed"
