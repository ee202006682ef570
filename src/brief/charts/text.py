"""Text metrics of the house font and the boxes text takes up: the one place charts measure text.

Widths are the real advances of DejaVu Sans (shipped in ``brief/fonts``), read from the font's
``cmap`` and ``hmtx`` tables, so wrapping and label placement work in the pixels Vega draws
(no kerning: a slight overestimate). A text block is drawn with ``baseline="top"``: its box runs
from its ``y`` down by :func:`block_height`, which Vega's own bounds match (the locator map's
browser test compares them).
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ..theme import FONT_SIZE

LINE_HEIGHT = FONT_SIZE + 3  # pixels from one line of a text block to the next
EDGE = 2.0  # pixels kept between a label and the plot's edge: its white halo reaches 1.5 px beyond the letters

ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # where text may break: not at a no-break space
Point = tuple[float, float]
DASH_BREAK = re.compile(r"(?<=[^-\u2013][-\u2013])(?=[^-\u2013])")  # after a compound's dash


@functools.cache
def _advances(font_file: str) -> tuple[int, dict[int, int]]:
    """(units per em, code point → advance width) from a TrueType font's cmap and hmtx tables."""
    data = (resources.files("brief") / "fonts" / font_file).read_bytes()
    tables = {}
    for i in range(struct.unpack(">H", data[4:6])[0]):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag.decode("latin-1")] = offset
    units = struct.unpack(">H", data[tables["head"] + 18:tables["head"] + 20])[0]
    n_metrics = struct.unpack(">H", data[tables["hhea"] + 34:tables["hhea"] + 36])[0]
    widths = struct.unpack(f">{2 * n_metrics}H", data[tables["hmtx"]:tables["hmtx"] + 4 * n_metrics])[::2]
    cmap = tables["cmap"]
    subtables = [struct.unpack(">HHI", data[cmap + 4 + 8 * i:cmap + 12 + 8 * i])
                 for i in range(struct.unpack(">H", data[cmap + 2:cmap + 4])[0])]
    sub = cmap + next(off for platform, encoding, off in subtables if (platform, encoding) == (3, 1))
    segments = struct.unpack(">H", data[sub + 6:sub + 8])[0] // 2
    arrays = [struct.unpack(f">{segments}H", data[start:start + 2 * segments])
              for start in (sub + 14 + k * 2 * segments + (2 if k else 0) for k in range(4))]
    ends, starts, deltas, range_offsets = arrays
    range_base = sub + 16 + 6 * segments
    advances = {}
    for s in range(segments):
        for code in range(starts[s], ends[s] + 1):
            if range_offsets[s] == 0:
                glyph = (code + deltas[s]) % 65536
            else:
                at = range_base + 2 * s + range_offsets[s] + 2 * (code - starts[s])
                glyph = struct.unpack(">H", data[at:at + 2])[0]
                glyph = (glyph + deltas[s]) % 65536 if glyph else 0
            advances[code] = widths[min(glyph, n_metrics - 1)]
    return units, advances


@functools.lru_cache(maxsize=1 << 16)  # label placement measures the same texts at every candidate position
def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Width in pixels of ``text`` in DejaVu Sans (of its widest line, if it has several); the
    oblique (italic) face has the regular face's advances."""
    units, advances = _advances("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    fallback = advances.get(ord("M"), units)
    return max(sum(advances.get(ord(c), fallback) for c in line) for line in text.split("\n")) * size / units


def _compound_parts(word: str) -> list[str]:
    """A compound word's parts, each keeping the dash it may break after ("Armenia–" / "Turkey")."""
    return DASH_BREAK.split(word)


def wrap(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> list[str]:
    """Break ``text`` at spaces into lines no wider than ``width`` pixels (a no-break space binds two
    words). A word wider than a whole line breaks after its dashes ("Armenia–" / "Turkey",
    "third-" / "country"), as a compound may; a longer word stays whole."""
    lines: list[str] = []
    for word in ASCII_SPACE.split(text.strip()):
        pieces = _compound_parts(word) if text_width(word, size, bold) > width else [word]
        for k, piece in enumerate(pieces):
            joined = f"{lines[-1]}{piece}" if k else f"{lines[-1]} {piece}" if lines else piece
            if lines and text_width(joined, size, bold) <= width:
                lines[-1] = joined
            else:
                lines.append(piece)
    return lines or [""]


def widest_word(text: str, size: float = FONT_SIZE, bold: bool = False, compounds_break: bool = False) -> float:
    """Width of the widest word of ``text``: the narrowest line :func:`wrap` can keep it whole in
    (``compounds_break``: of the widest part of a compound, which may break after its dashes)."""
    words = ASCII_SPACE.split(text.strip())
    parts = [p for w in words for p in (_compound_parts(w) if compounds_break else [w])]
    return max(text_width(p, size, bold) for p in parts)


def _hyphenated(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word wider than ``width``, cut into lines that fit, each but the last ending in a hyphen."""
    lines = []
    while text_width(word, size, bold) > width and len(word) > 1:
        cut = max((k for k in range(1, len(word)) if text_width(word[:k] + "-", size, bold) <= width), default=1)
        cut = max(1, min(cut, len(word) - 3))  # no lone letter or two carried over
        lines.append(word[:cut] + "-")
        word = word[cut:]
    return [*lines, word]


def wrap_words(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> tuple[str, ...]:
    """:func:`wrap`, with a word wider than a whole line hyphenated rather than cut: no line is wider
    than ``width`` and the lines keep every letter (a label must never lose one)."""
    return tuple(part for line in wrap(text, width, size, bold) for part in _hyphenated(line, width, size, bold))


def fit(line: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """``line``, cut short with an ellipsis if it is wider than ``width`` pixels (a word too long
    for any line; the chart's tooltip keeps the whole text)."""
    if text_width(line, size, bold) <= width:
        return line
    while line and text_width(line + "…", size, bold) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def wrap_fit(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> tuple[str, ...]:
    """:func:`wrap`, with every line :func:`fit` to ``width``: a block that is never wider."""
    return tuple(fit(line, width, size, bold) for line in wrap(text, width, size, bold))


def block_height(lines: int, size: float = FONT_SIZE) -> float:
    """Height in pixels of a text block of ``lines`` lines (Vega's text bounds: 1.2 × the font size
    for one line, then LINE_HEIGHT per further line)."""
    return (lines - 1) * LINE_HEIGHT + size * 1.2


@dataclass(frozen=True)
class Box:
    """A box in chart pixels (y grows downwards), for collision checks: left, top, right, bottom."""

    left: float
    top: float
    right: float
    bottom: float
    what: str = ""

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """Whether the two boxes overlap or come closer than ``gap`` pixels."""
        return (self.left < other.right + gap and other.left < self.right + gap
                and self.top < other.bottom + gap and other.top < self.bottom + gap)

    def widened(self, by: float) -> Box:
        """The box grown ``by`` pixels to the left and right (room between words on one line)."""
        return Box(self.left - by, self.top, self.right + by, self.bottom, self.what)

    def within(self, width: float, height: float, margin: float = 0.0) -> bool:
        """Whether the box lies inside [margin, width - margin] × [margin, height - margin]."""
        return (self.left >= margin and self.top >= margin and self.right <= width - margin
                and self.bottom <= height - margin)

    def crosses(self, a: Point, b: Point, gap: float = 0.0) -> bool:
        """Whether segment a–b passes through the box grown by ``gap`` (shrunk, if negative), by
        Liang–Barsky clipping; a segment that only touches the edge does not cross."""
        left, top, right, bottom = self.left - gap, self.top - gap, self.right + gap, self.bottom + gap
        (ax, ay), (bx, by) = a, b
        dx, dy = bx - ax, by - ay
        lo, hi = 0.0, 1.0
        for p, q in ((-dx, ax - left), (dx, right - ax), (-dy, ay - top), (dy, bottom - ay)):
            if p == 0:
                if q < 0:
                    return False
            elif p < 0:
                lo = max(lo, q / p)
            else:
                hi = min(hi, q / p)
        return lo < hi


def text_box(lines: Sequence[str], x: float, y: float, align: str = "left", *, size: float = FONT_SIZE,
             bold: bool = False, what: str = "") -> Box:
    """The box of a text block drawn at (x, y) with ``baseline="top"`` and this ``align``."""
    width = max(text_width(line, size, bold) for line in lines)
    left = x if align == "left" else x - width if align == "right" else x - width / 2
    return Box(left, y, left + width, y + block_height(len(lines), size), what)


@dataclass(frozen=True)
class Block:
    """A block of text lines drawn at (x, top) with ``baseline="top"`` and this alignment."""

    lines: tuple[str, ...]
    x: float
    top: float
    align: str = "center"
    bold: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def box(self) -> Box:
        return text_box(self.lines, self.x, self.top, self.align, bold=self.bold, what=" ".join(self.lines))


def collisions(boxes: Sequence[Box], width: float, height: float) -> list[str]:
    """What a reader would see go wrong with these text boxes in a plot of ``width`` × ``height``:
    two that overlap, one that leaves the plot. Empty when every box is clear."""
    problems = [f"{a.what!r} overlaps {b.what!r}" for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a.overlaps(b)]
    problems += [f"{b.what!r} leaves the plot ({b.left:.0f}, {b.top:.0f}, {b.right:.0f}, {b.bottom:.0f} "
                 f"in {width:.0f} × {height:.0f})" for b in boxes if not b.within(width, height)]
    return problems
