"""Reading the dataset's tables: every resource of the descriptor, as text cells with line numbers.

Each table is read as text (UTF-8, with or without a byte-order mark, any line ending) from the
path the descriptor resolved inside ``data/``; it must be a regular file of bounded size and
row count, and its header must match the declared fields. Reading never interprets values:
that is the checks' job (:mod:`brief.checks`).
"""

from __future__ import annotations

import csv
import io
import re
import stat
from dataclasses import dataclass

from .descriptor import DESCRIPTOR, Descriptor, Resource
from .problems import Problem
from .text import did_you_mean

MAX_FILE_BYTES = 8 * 1024 * 1024
# The brief is a curated digest: its charts and tables are drawn for tens to a few thousand rows.
# A resource may declare its own limit in its "brief" object ({"max_rows": N}).
DEFAULT_MAX_ROWS = 5000
COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Table:
    """One CSV as text cells, with the physical line on which each row starts."""

    resource: Resource
    header: list[str]
    rows: list[dict[str, str]]
    lines: list[int]

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def display(self) -> str:
        return self.resource.display

    @property
    def schema(self) -> dict:
        return self.resource.schema

    def fields(self) -> dict[str, dict]:
        return self.resource.fields()


def read_tables(descriptor: Descriptor) -> tuple[dict[str, Table], list[Problem]]:
    """Every declared table (in declaration order) and the problems that kept any from being read."""
    problems: list[Problem] = []
    tables = {}
    for resource in descriptor.resources:
        table = _read_table(resource, problems)
        if table is not None:
            tables[resource.name] = table
    return tables, problems


def _read_bytes(resource: Resource, problems: list[Problem]) -> bytes | None:
    display = resource.display
    try:
        info = resource.path.stat()
        if not stat.S_ISREG(info.st_mode):
            problems.append(Problem(display, 1, "-", "not a regular file", "a table is a CSV file"))
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.append(Problem(display, 1, "-", f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB",
                                    "the brief's tables are curated digests: split or trim the table"))
            return None
        return resource.path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(display, 1, "-", "file is missing",
                                f"restore it (git checkout -- {display}) or drop it from {DESCRIPTOR}"))
    except OSError as err:
        problems.append(Problem(display, 1, "-", f"cannot read the file: {err.strerror}",
                                "check the file's permissions"))
    return None


def _decode(raw: bytes, display: str, problems: list[Problem]) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(Problem(display, line, "-", f"not valid UTF-8 (byte 0x{raw[err.start]:02x})",
                                "save the file as UTF-8, e.g. 'CSV UTF-8' in a spreadsheet"))
        return None


def _read_table(resource: Resource, problems: list[Problem]) -> Table | None:
    display = resource.display
    raw = _read_bytes(resource, problems)
    text = None if raw is None else _decode(raw, display, problems)
    if text is None:
        return None
    parsed = _parse_csv(text, display, problems)
    if parsed is None:
        return None
    header, rows, lines = parsed
    limit = resource.brief.get("max_rows", DEFAULT_MAX_ROWS)
    if isinstance(limit, int) and len(rows) > limit:
        problems.append(Problem(display, lines[limit], "-", f"{len(rows)} rows is more than the {limit} the brief "
                                "can draw", f'trim the table, or declare "brief": {{"max_rows": N}} on the '
                                f"resource in {DESCRIPTOR}"))
        return None
    _check_header(resource, header, problems)
    return Table(resource, header, rows, lines)


def _parse_csv(text: str, display: str, problems: list[Problem]):
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows, lines = [], []
    first_line = 1
    try:
        for cells in reader:
            if not cells or all(not c.strip() for c in cells):
                first_line = reader.line_num + 1
                continue
            if header is None:
                header = [c.strip() for c in cells]
            elif len(cells) != len(header):
                problems.append(Problem(display, first_line, "-",
                                        f"row has {len(cells)} cells but the header has {len(header)}",
                                        "quote any text that contains a comma"))
            else:
                rows.append(dict(zip(header, cells, strict=True)))
                lines.append(first_line)
            first_line = reader.line_num + 1
    except csv.Error as err:
        problems.append(Problem(display, reader.line_num, "-", f"malformed CSV: {err}",
                                "close the open quote on this line"))
        return None
    if header is None:
        problems.append(Problem(display, 1, "-", "file is empty", "restore the header row"))
        return None
    return header, rows, lines


def _check_header(resource: Resource, header: list[str], problems: list[Problem]) -> None:
    declared = list(resource.fields())
    for name in declared:
        if name not in header:
            problems.append(Problem(resource.display, 1, name, f"missing column '{name}'", "add it to the header row"))
    for number, name in enumerate(header, 1):
        if name in declared:
            continue
        if not COLUMN_NAME.match(name):  # not a header at all: never echo what the file holds
            problems.append(Problem(resource.display, 1, "-", f"column {number} of the header is not a field name",
                                    f"the first row must name the fields declared in {DESCRIPTOR}"))
            continue
        hint = did_you_mean(name, [d for d in declared if d not in header])
        problems.append(Problem(resource.display, 1, name, f"unknown column '{name}'",
                                hint or f"remove it, or declare it in data/{DESCRIPTOR}"))
