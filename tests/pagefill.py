"""How full a PDF's pages are: each page rendered by poppler (pdftoppm, greyscale) and scanned for the
tallest band of the text area in which nothing is inked — the empty foot of a page whose figure moved on,
or the gap above its footnotes.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

CM = 72 / 2.54  # PDF points per centimetre
# The text area of the brief's pages: typst-template.typ's `set page(margin: ...)`.
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 2.1 * CM, 2.4 * CM, 2.2 * CM
DPI = 36
INK = 240  # a pixel darker than this is ink (the lightest tints the brief prints are about 230)
MOST_BLANK = 0.2  # of the text area, on any page but the last (issue 12: "no page more than a fifth blank")


def read_pgm(path: Path) -> np.ndarray:
    """A binary greyscale PGM (P5, 8 bit) as a 2-D array."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval; '#' comments run to the end of the line
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P5" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    return np.frombuffer(data, dtype=np.uint8, count=width * height, offset=pos + 1).reshape(height, width)


def blank_band(page: np.ndarray) -> float:
    """The tallest run of uninked rows inside the text area, as a fraction of the text area's height."""
    scale = DPI / 72
    top, bottom = round(MARGIN_TOP * scale), page.shape[0] - round(MARGIN_BOTTOM * scale)
    left, right = round(MARGIN_X * scale), page.shape[1] - round(MARGIN_X * scale)
    inked = (page[top:bottom, left:right] < INK).any(axis=1)
    longest = run = 0
    for row_inked in inked:
        run = 0 if row_inked else run + 1
        longest = max(longest, run)
    return longest / (bottom - top)


def page_images(pdf: Path) -> list[np.ndarray]:
    """Every page of ``pdf`` as a greyscale image at DPI."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), f"{tmp}/page"], check=True,
                       capture_output=True)
        pages = sorted(Path(tmp).glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [read_pgm(p) for p in pages]


def page_gaps(pdf: Path) -> list[float]:
    """For each page of ``pdf``: its tallest blank band as a fraction of the text area (0 = full)."""
    return [blank_band(page) for page in page_images(pdf)]
