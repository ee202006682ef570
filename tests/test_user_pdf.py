"""The PDF a reader gets, checked with real tools: poppler (pdftotext, pdffonts, pdftoppm) and qpdf."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from brief.analysis import figure_text
from brief.dataset import load_dataset

from .helpers import edition_outputs

pytestmark = [pytest.mark.pdftools, pytest.mark.slow]
TOOLS = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "qpdf")


@pytest.fixture(scope="module")
def pdf(built_default):
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install poppler-utils qpdf)")
    return edition_outputs(built_default)["pdf"]


def run(*args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def qmd_headings(root) -> list[str]:
    text = re.sub(r"```.*?```", "", (root / "brief.qmd").read_text(encoding="utf-8"), flags=re.S)
    body = text.split("\n---", 2)[-1]
    headings = [re.sub(r"\s*\{.*\}\s*$", "", m.group(1)).strip()
                for m in re.finditer(r"^#{1,3} (.+)$", body, re.M)]
    return [h for h in headings if h]


def flat(text: str) -> str:
    return " ".join(re.sub("\u00ad\\s*", "", text).split())  # undo hyphenation at line ends


def test_pdf_text_has_every_heading_key_numbers_and_sources(pdf, built_default):
    text = flat(run("pdftotext", "-layout", str(pdf), "-"))
    headings = qmd_headings(built_default)
    assert len(headings) >= 6
    for heading in headings:
        assert flat(heading) in text, f"heading {heading!r} not in the PDF text"
    ds = load_dataset(built_default / "data")
    latest = ds["progress"][ds["progress"]["date_end"] == ds["progress"]["date_end"].max()]
    for _, row in latest.iterrows():  # every latest figure, written the metric's way
        assert flat(figure_text(row, ds.vocab["metrics"])) in text
    for _, source in ds["sources"].iterrows():
        assert flat(source["cite_as"]) in text or flat(source["title"]) in text


def test_every_font_is_embedded(pdf):
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        # columns: name type encoding emb sub uni object ID
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), f"font not embedded: {line}"


def test_qpdf_check_passes_and_metadata_is_set(pdf):
    assert "No syntax or stream encoding errors found" in run("qpdf", "--check", str(pdf))
    info = run("pdfinfo", str(pdf))
    assert re.search(r"^Title:\s+\S", info, re.M)
    assert re.search(r"^Author:\s+\S", info, re.M)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 3 <= pages <= 30
    assert re.search(r"^Page size:.*\(A4\)", info, re.M), "not A4"


def test_every_page_renders(pdf, artifacts):
    out = artifacts / "pdf-pages"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    run("pdftoppm", "-png", "-r", "50", str(pdf), str(out / "page"))
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M).group(1))
    rendered = sorted(out.glob("page-*.png"))
    assert len(rendered) == pages
    assert all(p.stat().st_size > 2000 for p in rendered)  # not blank
