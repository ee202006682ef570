"""Geometry of a strip chart: rows of marks on a time axis, each mark labelled directly.

Pure Python on purpose (the timeline and the meeting strip draw exactly these positions, and the
tests check the boxes): every row's marks sit on one line; each label is wrapped to at most
``label_width`` pixels, kept inside the plot (or inside its item's own range: a label must not
cross a rule such as an "as of" line), and put in the first free slot of its row — just
above the marks, just below, one line further above, one further below, … — so labels never
overlap however many marks share a month, the row just grows. Rows are stacked top to bottom,
each as tall as its labels need. A row's name sits left of the plot (``headings_above`` false:
the page) or on a line of its own above the row (true: a phone, where the plot keeps the width).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .text import EDGE, LINE_HEIGHT, Block, Box, Point, block_height, collisions, fit, text_box, text_width, wrap_fit

MARK_CLEAR = 7.0  # pixels between a row's line of marks and the nearest label (a dot's radius is 5)
ROW_GAP = 10.0  # pixels between one row's lowest label and the next row's
HEADING_GAP = 4.0  # pixels under a row's name written above it
LABEL_GAP = 8.0  # pixels kept between two labels side by side
ROW_NAME_GAP = 8.0  # pixels between a row name on the left and the plot


@dataclass(frozen=True)
class Item:
    key: str  # the mark's id
    row: str  # the row's name
    x: float  # the mark's centre, in plot pixels
    text: str  # its label
    lo: float = 0.0  # the label stays within [lo, hi] (hi None: the plot's right edge)
    hi: float | None = None


@dataclass
class Strip:
    width: float
    height: float = 0.0
    left: float = 0.0  # pixels the row names take left of the plot (0 when they sit above the rows)
    rows: dict[str, float] = field(default_factory=dict)  # row name → y of its marks
    headings: dict[str, Box] = field(default_factory=dict)  # row name → its box, when written above the row
    labels: dict[str, Block] = field(default_factory=dict)  # item key → its label
    extra: list[Box] = field(default_factory=list)  # other text inside the plot (e.g. an "as of" note)
    key: list[tuple[str, Block]] = field(default_factory=list)  # a colour key under the rows (flow_key)
    rules: list[tuple[Point, Point]] = field(default_factory=list)  # lines no label may cross (set by the chart)
    marks: list[Box] = field(default_factory=list)  # the marks' boxes (set by the chart)

    def boxes(self) -> list[Box]:
        return [label.box for label in self.labels.values()] + list(self.headings.values()) + self.extra

    def collisions(self) -> list[str]:
        """Labels that overlap each other, a row name, other text or a mark, cross a rule, or leave the plot."""
        problems = collisions(self.boxes(), self.width, self.height)
        for box in self.boxes():
            problems += [f"{box.what!r} crosses a rule at x = {a[0]:.0f}" for a, b in self.rules if box.crosses(a, b)]
            problems += [f"{box.what!r} covers the mark {m.what!r}" for m in self.marks if box.overlaps(m)]
        return problems


def _slots():
    """Offsets of a label block from the line of marks: above, below, further above, further below…"""
    lane = 0
    while True:
        yield "above", lane
        yield "below", lane
        lane += 1


def place_row(items: Sequence[Item], width: float, label_width: float,
              taken: Sequence[Box] = ()) -> dict[str, Block]:
    """Labels for one row's items, relative to the row's line of marks (y = 0), clear of each other
    and of ``taken``; each wrapped to ``label_width`` and shifted to stay within [0, width]."""
    placed: dict[str, Block] = {}
    boxes = list(taken)
    for item in sorted(items, key=lambda i: (i.x, i.key)):
        lo, hi = item.lo, width if item.hi is None else item.hi
        lines = wrap_fit(item.text, min(label_width, hi - lo - 2 * EDGE))
        w, h = text_width("\n".join(lines)), block_height(len(lines))
        x = min(max(item.x, lo + EDGE + w / 2), hi - EDGE - w / 2)
        for side, lane in _slots():
            top = -MARK_CLEAR - lane * LINE_HEIGHT - h if side == "above" else MARK_CLEAR + lane * LINE_HEIGHT
            label = Block(lines, x, top)
            clear = label.box.widened(LABEL_GAP)  # measured once a slot, not once a placed label
            if not any(clear.overlaps(o) for o in boxes):
                break
        placed[item.key] = label
        boxes.append(label.box)
    return placed


def name_column(rows: Sequence[str], headings_above: bool) -> float:
    """Pixels the row names take left of the plot."""
    return 0.0 if headings_above else max(text_width(r) for r in rows) + ROW_NAME_GAP


def lay_out(rows: Sequence[str], items: Sequence[Item], width: float, *, label_width: float,
            headings_above: bool, top: float = 0.0, extra: Sequence[Box] = ()) -> Strip:
    """Place every row and label in a plot ``width`` pixels wide. ``top`` pixels are kept free at
    the top of the plot for ``extra`` text; row names above the rows are bold."""
    strip = Strip(width, left=name_column(rows, headings_above), extra=list(extra))
    y = top
    for row in rows:
        if headings_above:
            heading = text_box([row], 0, y, "left", bold=True, what=row)
            y = heading.bottom + HEADING_GAP
        labels = place_row([i for i in items if i.row == row], width, label_width)
        above = max([MARK_CLEAR] + [-label.top for label in labels.values()])
        below = max([MARK_CLEAR] + [label.box.bottom for label in labels.values()])
        strip.rows[row] = y + above
        if headings_above:
            strip.headings[row] = heading
        for key, label in labels.items():
            strip.labels[key] = Block(label.lines, label.x, label.top + y + above)
        y += above + below + ROW_GAP
    strip.height = y
    return strip


SWATCH = 14.0  # pixels from a key entry's colour dot to its text
KEY_GAP = 14.0  # pixels between two entries of a key on one line


def flow_key(entries: Sequence[tuple[str, str]], width: float, top: float) -> list[tuple[str, Block]]:
    """A colour key under the rows: (colour, text) entries flowing left to right, a new line when
    the next would pass ``width``; each text as a block, its dot SWATCH pixels to its left."""
    out, x, y = [], 0.0, top
    for colour, text in entries:
        text = fit(text, width - SWATCH)
        w = SWATCH + text_width(text)
        if x > 0 and x + w > width:
            x, y = 0.0, y + LINE_HEIGHT
        out.append((colour, Block((text,), x + SWATCH, y, "left")))
        x += w + KEY_GAP
    return out
