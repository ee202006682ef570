"""Validate the curated dataset against its declared schema (``data/datapackage.json``).

Load inputs / check / report: each table is read as text (UTF-8, with or without a
byte-order mark, any line ending), its header is checked, the declared schema is
enforced by frictionless (types, required, unique, patterns, enums, ranges, primary and
foreign keys), and then the checks a schema cannot express run: real calendar dates,
percentages and article counts that make sense, quotes found verbatim in the cited
source, and an acyclic dependency chain.

Every problem is one line: ``data/<file>.csv:<line>:<field>: <what is wrong> (<how to fix>)``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .dates import parse_fuzzy_date
from .text import did_you_mean

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.field}: {self.message} ({self.fix})"


@dataclass
class Table:
    """One CSV as text cells, with the line on which each row starts."""

    name: str
    display: str
    schema: dict
    header: list[str]
    rows: list[dict[str, str]]
    lines: list[int]

    def fields(self) -> dict[str, dict]:
        return {f["name"]: f for f in self.schema["fields"]}


def _display_path(path: Path) -> str:
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else Path(rel).as_posix()


# --------------------------------------------------------------------------- reading


def _read_table(resource: dict, data_dir: Path, problems: list[Problem]) -> Table | None:
    path = data_dir / resource["path"]
    display = _display_path(path)
    schema = resource["schema"]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(display, 1, "-", "file is missing",
                                f"restore it (git checkout -- {display}) or drop it from {DESCRIPTOR}"))
        return None
    except OSError as err:
        problems.append(Problem(display, 1, "-", f"cannot read the file: {err.strerror}",
                                "check the file's permissions"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(Problem(display, line, "-",
                                f"not valid UTF-8 (byte 0x{raw[err.start]:02x})",
                                "save the file as UTF-8, e.g. 'CSV UTF-8' in a spreadsheet"))
        return None
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
    declared = [f["name"] for f in schema["fields"]]
    for name in declared:
        if name not in header:
            problems.append(Problem(display, 1, name, f"missing column '{name}'",
                                    "add it to the header row"))
    for name in header:
        if name not in declared:
            hint = did_you_mean(name, [d for d in declared if d not in header])
            problems.append(Problem(display, 1, name or "-", f"unknown column '{name}'",
                                    hint or f"remove it, or declare it in data/{DESCRIPTOR}"))
    return Table(resource["name"], display, schema, header, rows, lines)


# --------------------------------------------------------------------------- schema


def _schema_problems(tables: dict[str, Table], descriptor: dict) -> list[Problem]:
    """Run frictionless on the parsed cells and translate its errors into Problems."""
    from frictionless import Package  # imported lazily: it is slow to import

    keys = {}  # (resource, field) -> values, for "did you mean" on dangling references
    for res in descriptor["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            ref = fk["reference"]
            keys[ref["resource"], ref["fields"]] = [
                row.get(ref["fields"], "") for row in tables[ref["resource"]].rows]
    resources = []
    for res in descriptor["resources"]:
        table = tables[res["name"]]
        names = [f["name"] for f in table.schema["fields"]]
        data = [names] + [[row.get(n, "") for n in names] for row in table.rows]
        resources.append({"name": res["name"], "data": data, "schema": res["schema"]})
    report = Package.from_descriptor({"resources": resources}).validate()
    problems = []
    for task in report.tasks:
        table = tables[task.name]
        for err in task.errors:
            problem = _translate(table, err, keys)
            if problem:
                problems.append(problem)
    return problems


def _line(table: Table, row_number: int | None) -> int:
    # frictionless numbers the header row 1 and data rows from 2.
    if row_number is None or row_number < 2:
        return 1
    return table.lines[row_number - 2]


def _translate(table: Table, err, keys: dict) -> Problem | None:
    kind = err.type
    line = _line(table, getattr(err, "row_number", None))
    field_name = getattr(err, "field_name", None) or "-"
    cell = getattr(err, "cell", "")
    field = table.fields().get(field_name, {})
    if kind == "type-error":
        fixes = {"number": "write a number such as 40", "integer": "write a whole number such as 17",
                 "boolean": "write true or false", "date": "write a date as YYYY-MM-DD"}
        return Problem(table.display, line, field_name,
                       f"'{cell}' is not a valid {field.get('type', 'value')}",
                       fixes.get(field.get("type"), "see the field's type in data/datapackage.json"))
    if kind == "constraint-error":
        return _constraint_problem(table, line, field_name, field, cell)
    if kind == "unique-error":
        first = re.search(r"position (\d+)", err.note or "")
        where = f" (first on line {_line(table, int(first.group(1)))})" if first else ""
        return Problem(table.display, line, field_name, f"duplicate {field_name} '{cell}'{where}",
                       f"give every row a unique {field_name}")
    if kind == "primary-key":
        key = table.schema["primaryKey"]
        if len(key) == 1:
            return None  # reported as unique-error on that field
        values = ", ".join(getattr(err, "cells", [])[table.header.index(k)] for k in key if k in table.header)
        return Problem(table.display, line, "+".join(key), f"duplicate key ({values})",
                       "each combination must appear once: merge or remove the duplicate row")
    if kind == "foreign-key":
        return _foreign_key_problem(table, line, err, keys)
    return Problem(table.display, line, field_name, err.note or err.title, "see data/datapackage.json")


def _constraint_problem(table: Table, line: int, name: str, field: dict, cell) -> Problem:
    constraints = field.get("constraints", {})
    value = "" if cell is None else str(cell)
    if value == "" and constraints.get("required"):
        return Problem(table.display, line, name, "a value is required", f"fill in {name}")
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(constraints["enum"])
        hint = did_you_mean(value, constraints["enum"])
        return Problem(table.display, line, name, f"unknown value '{value}'",
                       f"{hint} allowed: {allowed}" if hint else f"allowed: {allowed}")
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        if name == "date":
            return Problem(table.display, line, name,
                           f"'{value}' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
                           "write e.g. 2024-04-19, or 2024-04 / 2024 when the source is vaguer")
        return Problem(table.display, line, name, f"'{value}' does not match {constraints['pattern']}",
                       "use lowercase letters, digits and _ for identifiers")
    for bound, word in (("minimum", "below the minimum"), ("maximum", "above the maximum")):
        if bound in constraints:
            return Problem(table.display, line, name, f"{value} is {word} {constraints[bound]}",
                           "check the figure against the source")
    return Problem(table.display, line, name, f"'{value}' breaks a constraint {constraints}",
                   "see data/datapackage.json")


def _foreign_key_problem(table: Table, line: int, err, keys: dict) -> Problem:
    note = err.note or ""
    match = re.search(r'for "([^"]+)": values "([^"]*)" not found in the lookup table "([^"]+)" as "([^"]+)"', note)
    if not match:
        return Problem(table.display, line, "-", note, "fix the reference")
    field, value, target, target_field = match.groups()
    return Problem(table.display, line, field, f"unknown {target_field} '{value}' (not in {target}.csv)",
                   did_you_mean(value, keys.get((target, target_field), []))
                   or f"add a row to {target}.csv first, or correct the reference")


# --------------------------------------------------------------------------- semantics


def normalise_text(text: str) -> str:
    """Fold what differs between a quote and its source without changing its words."""
    table = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"',
                           "–": "-", "—": "-", "‑": "-", "\u00a0": " "})
    return re.sub(r"\s+", " ", text.translate(table)).strip().casefold()


def _date_problems(table: Table, reported: set) -> list[Problem]:
    problems = []
    if "date" not in table.fields():
        return problems
    for row, line in zip(table.rows, table.lines, strict=True):
        if (table.display, line, "date") in reported or not row.get("date"):
            continue
        try:
            parse_fuzzy_date(row["date"])
        except ValueError as err:
            problems.append(Problem(table.display, line, "date", str(err),
                                    "write a real calendar date, or a coarser YYYY-MM / YYYY"))
    return problems


def _progress_problems(table: Table, reported: set) -> list[Problem]:
    problems = []
    for row, line in zip(table.rows, table.lines, strict=True):
        if {(table.display, line, f) for f in ("value", "total", "metric")} & reported:
            continue
        value = float(row["value"]) if row["value"] else None
        total = float(row["total"]) if row["total"] else None
        if row["metric"] == "share_agreed_pct" and value is not None and value > 100:
            problems.append(Problem(table.display, line, "value", f"a share of {row['value']}% is over 100%",
                                    "write the percentage agreed, between 0 and 100"))
        if row["metric"] == "articles_agreed":
            if total is None:
                problems.append(Problem(table.display, line, "total", "articles_agreed needs the total",
                                        "write the number of articles in the draft"))
            elif value is not None and value > total:
                problems.append(Problem(table.display, line, "value",
                                        f"articles agreed ({row['value']}) exceed articles total ({row['total']})",
                                        "check both figures against the source"))
    return problems


def _quote_problems(tables: dict[str, Table], root: Path, reported: set) -> list[Problem]:
    sources = {}
    for row in tables["sources"].rows:
        path = root / row["path"] if row.get("path") else None
        if path is not None and path.is_file():
            sources[row["source_id"]] = (row["path"], normalise_text(path.read_text(encoding="utf-8")))
    problems = []
    for table in tables.values():
        if "quote" not in table.fields():
            continue
        for row, line in zip(table.rows, table.lines, strict=True):
            if (table.display, line, "source_id") in reported or row.get("source_id") not in sources:
                continue
            path, text = sources[row["source_id"]]
            quote = normalise_text(row.get("quote", ""))
            if quote and quote not in text:
                matched = _matching_prefix(quote, text)
                where = f"; it diverges after '…{quote[max(0, matched - 30):matched]}'" if matched else ""
                problems.append(Problem(table.display, line, "quote",
                                        f"quote not found in {path}{where}",
                                        "copy the passage verbatim from the source"))
    return problems


def _matching_prefix(quote: str, text: str) -> int:
    """Length of the longest prefix of ``quote`` found in ``text`` (containment is monotonic)."""
    lo, hi = 0, len(quote)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if quote[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _source_path_problems(table: Table, root: Path) -> list[Problem]:
    problems = []
    for row, line in zip(table.rows, table.lines, strict=True):
        if row.get("path") and not (root / row["path"]).is_file():
            problems.append(Problem(table.display, line, "path", f"file {row['path']} not found",
                                    "copy the document into seeds/ or correct the path"))
        if not row.get("path") and not row.get("url"):
            problems.append(Problem(table.display, line, "path", "neither path nor url is given",
                                    "give the local copy under seeds/ or the source's URL"))
    return problems


def _cycle_problems(table: Table) -> list[Problem]:
    graph = nx.DiGraph()
    line_of = {}
    for row, line in zip(table.rows, table.lines, strict=True):
        graph.add_edge(row["from_node"], row["to_node"])
        line_of.setdefault((row["from_node"], row["to_node"]), line)
    # Report the latest-added edge that closes a cycle, with the shortest way round it.
    for (start, end), line in sorted(line_of.items(), key=lambda item: -item[1]):
        if start != end and not nx.has_path(graph, end, start):
            continue
        path = " → ".join([start] + (nx.shortest_path(graph, end, start) if start != end else [end]))
        return [Problem(table.display, line, "to_node",
                        f"edge {start} → {end} closes a cycle: {path}",
                        "the chain must be acyclic: remove or reverse one of these edges")]
    return []


# --------------------------------------------------------------------------- entry point


def check_dataset(data_dir: Path, *, read_only: bool = False) -> tuple[dict[str, Table], list[Problem]]:
    """Read and check every table; return the tables and every problem found.

    ``read_only`` parses the tables without checking values: for bytes already validated.
    """
    data_dir = Path(data_dir)
    root = data_dir.parent
    descriptor_path = data_dir / DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        resources = descriptor["resources"]
    except (OSError, ValueError, KeyError) as err:
        return {}, [Problem(_display_path(descriptor_path), 1, "-", f"cannot read the schema: {err}",
                            "restore it with `git checkout -- data/datapackage.json`")]
    problems: list[Problem] = []
    tables = {}
    for resource in resources:
        table = _read_table(resource, data_dir, problems)
        if table is not None:
            tables[resource["name"]] = table
    if problems or read_only:
        # Broken structure: checking values against the wrong columns would only add noise.
        return tables, problems
    problems += _schema_problems(tables, descriptor)
    reported = {(p.file, p.line, p.field) for p in problems}
    for table in tables.values():
        problems += _date_problems(table, reported)
    problems += _progress_problems(tables["progress"], reported)
    problems += _source_path_problems(tables["sources"], root)
    problems += _quote_problems(tables, root, reported)
    problems += _cycle_problems(tables["chain_edges"])
    order = {t.display: i for i, t in enumerate(tables.values())}
    unique = {(p.file, p.line, p.field, p.message): p for p in problems}
    return tables, sorted(unique.values(), key=lambda p: (order.get(p.file, 99), p.line, p.field))


def dataset_hash(data_dir: Path) -> str:
    """sha256 over the schema and every CSV, in a stable order."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).glob("*.csv")) + [Path(data_dir) / DESCRIPTOR]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _validated_stamp(data_dir: Path) -> Path:
    """A marker named by the hash of the data, the seeds and the package (validator included)."""
    from .cache import CACHE_DIR, key, package_digest, sha256_file

    root = data_dir.resolve().parent
    seeds = sorted((root / "seeds").glob("*")) if (root / "seeds").is_dir() else []
    digest = key(dataset_hash(data_dir), [(p.name, sha256_file(p)) for p in seeds if p.is_file()],
                 package_digest())
    return root / CACHE_DIR / "validated" / digest


def validated_tables(data_dir: Path) -> dict[str, Table]:
    """The tables, checked — or only parsed when these exact bytes passed the checks before."""
    from .exceptions import DataError

    data_dir = Path(data_dir)
    stamp = _validated_stamp(data_dir)
    tables, problems = check_dataset(data_dir, read_only=stamp.exists())
    if problems:
        raise DataError(problems)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    except OSError:  # a read-only project only loses the shortcut
        pass
    return tables


def latest_fact_date(tables: dict[str, Table]):
    """The end of the latest dated fact (sources excluded): the default as_of, never 'today'."""
    return max(parse_fuzzy_date(row["date"]).end for name, table in tables.items() if name != "sources"
               for row in table.rows if "date" in row)
