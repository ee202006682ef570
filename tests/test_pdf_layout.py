"""The PDF's layout as a typesetter would check it, on the default build and every committed edition of
the fixture project: no page but the last more than a fifth blank, figures in their numbered order, no
heading at the foot of a page, no table row split across pages, every table's caption above its table and
on the same page (where the HTML puts it). Page images of every PDF are left in test-artifacts/pdf-layout/ to look at.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import FIXTURE, edition_outputs
from .pagefill import CM, DPI, INK, MARGIN_BOTTOM, MARGIN_TOP, MOST_BLANK, page_images

pytestmark = [pytest.mark.pdftools, pytest.mark.slow]

EDITIONS = sorted(p.stem for p in (FIXTURE / "editions").glob("*.yml"))


@pytest.fixture(scope="module", params=["default", *EDITIONS])
def brief(request, built_default, artifacts) -> dict:
    """The PDF and HTML of one build, its page images and its text per page: extracted once per build for
    the module's tests, which only read them."""
    if not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed (apt-get install poppler-utils)")
    if request.param == "default":
        outputs = edition_outputs(built_default)
    else:
        reports = request.getfixturevalue("built_editions").root / "reports" / request.param
        outputs = {"pdf": next(reports.glob("*.pdf")), "html": next(reports.glob("*.html"))}
    out = artifacts / "pdf-layout" / request.param
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(outputs["pdf"]), str(out / "page")], check=True)
    text = subprocess.run(["pdftotext", "-raw", str(outputs["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    return {"name": request.param, **outputs, "pages": page_images(outputs["pdf"]),
            "text": [squeeze(page) for page in text.split("\f")]}


def squeeze(text: str) -> str:
    """Text without whitespace, hyphens or soft hyphens: a phrase broken over lines still matches."""
    return re.sub(r"[\s\-\u00ad]+", "", html_lib.unescape(text))


def test_no_page_but_the_last_is_more_than_a_fifth_blank(brief):
    from .pagefill import blank_band

    gaps = [blank_band(page) for page in brief["pages"]]
    assert len(gaps) >= 3
    too_blank = {n: round(gap, 2) for n, gap in enumerate(gaps[:-1], start=1) if gap > MOST_BLANK}
    assert too_blank == {}, f"{brief['name']}: pages with more than a fifth of the text area blank: {too_blank}"


def test_figures_appear_in_their_numbered_order(brief):
    """A figure that floats on to the next page never lets a later figure overtake it."""
    html = re.sub(r"<script\b.*?</script>", "", brief["html"].read_text(encoding="utf-8"), flags=re.S)
    captions = [squeeze(re.sub(r"<[^>]+>", "", c).split(".", 1)[1])
                for c in re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)]
    assert len(captions) >= 4
    text = "".join(brief["text"])
    where = [text.find(c) for c in captions]
    assert -1 not in where, f"{brief['name']}: figure captions missing from the PDF: {where}"
    assert where == sorted(where), f"{brief['name']}: figures out of order in the PDF: {where}"


def heading_tops(pdf: Path) -> list[tuple[str, int, float]]:
    """(name, page, top in points) of every heading: Typst writes each labelled heading as a named
    destination (figures and tables have their own labels)."""
    out = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True).stdout
    height = float(re.search(r"Page size:\s+[\d.]+ x ([\d.]+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    found = []
    for page, y, name in re.findall(r"^\s*(\d+)\s+\[ XYZ\s+[\d.]+\s+([\d.]+) null\s*\]\s+\"([^\"]+)\"", out, re.M):
        if not name.startswith(("fig-", "tbl-")):
            found.append((name, int(page), height - float(y)))
    return found


def test_no_heading_ends_a_page(brief):
    """Below each heading's own line, on the same page, something follows within two lines."""
    headings = heading_tops(brief["pdf"])
    assert len(headings) >= 6, headings
    scale = DPI / 72
    stranded = []
    for name, page, top in headings:
        image = brief["pages"][page - 1]
        rows = (image < INK).any(axis=1)
        bottom = image.shape[0] - round(MARGIN_BOTTOM * scale)
        row = max(round(top * scale), round(MARGIN_TOP * scale))
        while row < bottom and not rows[row]:  # down to the heading's ink
            row += 1
        while row < bottom and rows[row]:  # past its line
            row += 1
        gap_end = row
        while gap_end < bottom and not rows[gap_end]:
            gap_end += 1
        if gap_end >= bottom or (gap_end - row) / scale > 2.5 * 12:
            stranded.append(f"{name} (page {page})")
    assert stranded == [], f"{brief['name']}: headings with nothing after them on their page: {stranded}"


def html_tables(html: str) -> list[dict]:
    """Each table of the HTML: its caption (without "Table n.") and its rows' cell texts."""
    def plain(fragment: str) -> str:
        return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()

    tables = []
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)  # the Vega bundle writes tables too
    for body in re.findall(r"<table\b.*?</table>", html, re.S):
        caption = re.search(r"<caption>(.*?)</caption>", body, re.S)
        rows = [[plain(c) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]
                for row in re.findall(r"<tr\b.*?</tr>", body, re.S)]
        tables.append({"caption": re.sub(r"^Table\s+\d+\.\s*", "", plain(caption.group(1))) if caption else "",
                       "rows": rows})
    return tables


def test_no_table_row_splits_and_captions_sit_above_their_tables(brief):
    tables = html_tables(brief["html"].read_text(encoding="utf-8"))
    assert tables and all(t["caption"] for t in tables)
    pages = brief["text"]
    for table in tables:
        for row in table["rows"]:
            for cell in filter(None, map(squeeze, row)):
                # A row split over two pages leaves part of a cell on each: the cell is on no single page.
                assert any(cell in page for page in pages), f"{brief['name']}: a row of {table['caption']!r} " \
                                                            f"is split over two pages at {cell!r}"
        caption, header = squeeze(table["caption"]), squeeze("".join(table["rows"][0]))
        first_cell = squeeze(table["rows"][1][0])
        on = [n for n, page in enumerate(pages) if caption in page]
        assert on, f"{brief['name']}: caption {table['caption']!r} not in the PDF"
        page = pages[on[0]]
        after = page[page.index(caption) + len(caption):]
        assert header in after and first_cell in after, \
            f"{brief['name']}: {table['caption']!r} is not directly above its table on page {on[0] + 1}"


def test_text_area_constants_match_the_template():
    """pagefill's text area is the template's page margin."""
    from brief.render.builtin import TEMPLATES

    template = (TEMPLATES / "typst-template.typ").read_text(encoding="utf-8")
    margin = re.search(r"#let brief-margin = \(x: ([\d.]+)cm, top: ([\d.]+)cm, bottom: ([\d.]+)cm\)", template)
    assert margin, "typst-template.typ no longer defines brief-margin"
    from . import pagefill

    assert [round(v * CM, 3) for v in map(float, margin.groups())] == \
        [round(v, 3) for v in (pagefill.MARGIN_X, pagefill.MARGIN_TOP, pagefill.MARGIN_BOTTOM)]
