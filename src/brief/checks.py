"""Checks over the parsed tables: the declared schema (by frictionless), then the semantic checks.

The schema check hands the parsed cells to frictionless (types, required, unique, patterns,
enums, ranges, primary keys) and translates each error from its structured fields
(``field_name``, ``row_number``, ``cell``, ``cells`` …), never from its message. Foreign keys are
checked here, on the cells as written: frictionless would re-open every referenced table for its
lookup, which took two thirds of the schema check's time.

Semantic checks — what a schema cannot express — are plain functions registered with
:func:`check`; each receives a :class:`CheckContext` and returns problems. To add one, write a
function in this module (or another imported by :mod:`brief.validate`) and decorate it; reading
and reporting stay untouched.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .dates import parse_fuzzy_date
from .descriptor import DESCRIPTOR, SCHEMA_FIX, Descriptor
from .problems import Problem
from .tables import Table
from .text import did_you_mean, has_control_character, shown

LIST_DELIMITER = ";"
SOURCES = "sources"  # the table every fact row cites through its source_id
SEEDS_DIR = "seeds"
MAX_SEED_BYTES = 8 * 1024 * 1024
MAX_ERRORS_PER_TABLE = 1000  # as frictionless's validate(): a wholly wrong file is not a million lines


@dataclass
class CheckContext:
    """What a semantic check sees: the parsed tables and where the project is."""

    tables: dict[str, Table]
    descriptor: Descriptor
    root: Path  # the project root (data/'s parent)
    reported: set = field(default_factory=set)  # (file, line, field) already reported by the schema check

    def already_reported(self, table: Table, line: int, *fields: str) -> bool:
        return any((table.display, line, f) in self.reported for f in fields)


CHECKS: list[Callable[[CheckContext], list[Problem]]] = []


def check(function: Callable[[CheckContext], list[Problem]]):
    """Register a semantic check (run in registration order after the schema check)."""
    CHECKS.append(function)
    return function


# --------------------------------------------------------------------------- schema (frictionless)


def schema_problems(tables: dict[str, Table], descriptor: Descriptor) -> list[Problem]:
    """Run frictionless on each table's parsed cells and translate its errors into Problems; then the
    foreign keys."""
    problems = []
    for res in descriptor.resources:
        table = tables[res.name]
        names = list(table.fields())
        schema = {k: v for k, v in res.schema.items() if k not in ("brief", "foreignKeys")}
        schema["fields"] = [{k: v for k, v in f.items() if k != "brief"} for f in res.schema["fields"]]
        schema_json = json.dumps(schema, sort_keys=True)
        line = descriptor.line_of(f'"{res.name}"')
        refused = [Problem(descriptor.display, line, f"resources.{res.name}.schema{where}", what, fix)
                   for where, what, fix in _refusals(schema_json)]
        if refused:  # the cells cannot be checked against a schema frictionless cannot read
            problems += refused
            continue
        cells = [names] + [[row.get(n, "") for n in names] for row in table.rows]
        for err in _table_errors(schema_json, json.dumps(cells)):
            problem = _translate(table, err)
            if problem:
                problems.append(problem)
    return problems + foreign_key_problems(tables, descriptor)


@functools.lru_cache(maxsize=256)
def _refusals(schema: str) -> tuple[tuple[str, str, str], ...]:
    """(where, what, fix) for what frictionless refuses in a table's schema (its own metadata check,
    from the errors' notes), and for a minimum or maximum that is not a value of its field's type
    (frictionless would fail on the first cell it compares)."""
    from frictionless import Field, FrictionlessException

    try:
        _frictionless_schema(schema)
    except FrictionlessException as err:
        return tuple(("", reason.note, SCHEMA_FIX) for reason in err.reasons or [err.error])
    refusals = []
    for spec in json.loads(schema)["fields"]:
        bounds = {b: v for b, v in spec.get("constraints", {}).items() if b in ("minimum", "maximum")}
        bare = Field.from_descriptor({k: v for k, v in spec.items() if k != "constraints"}) if bounds else None
        for bound, value in bounds.items():
            if bare.read_cell(value)[0] is None:
                refusals.append((f".fields.{spec['name']}.constraints.{bound}",
                                 f"{shown(json.dumps(value), 40)} is not of type {spec.get('type', 'string')}",
                                 "write a value the field itself could hold"))
    return tuple(refusals)


# The errors frictionless finds in one table, for its schema and cells (both as JSON text). A pure
# function of them, so it is kept: `brief preview` re-checks after every edit, and an edit changes
# one table, whose check is the only one run again. Frictionless's own validate() is not used: it
# re-validates and deep-copies every descriptor at each call (twice the time), and its report
# holds the same header and row errors that opening the table gives (the "baseline" check).
@functools.lru_cache(maxsize=256)
def _table_errors(schema: str, cells: str) -> tuple:
    from frictionless.resources import TableResource  # imported lazily: frictionless is slow to import

    resource = TableResource(data=json.loads(cells), schema=_frictionless_schema(schema))
    with resource:
        errors = list(resource.header.errors)
        for row in resource.row_stream:
            errors += row.errors
            if len(errors) >= MAX_ERRORS_PER_TABLE:
                break
    return tuple(errors[:MAX_ERRORS_PER_TABLE])


@functools.lru_cache(maxsize=64)
def _frictionless_schema(schema: str):
    from frictionless import Schema

    return Schema.from_descriptor(json.loads(schema))


def _names(fields) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


def foreign_key_problems(tables: dict[str, Table], descriptor: Descriptor) -> list[Problem]:
    """Every foreign key's cells must be a row of the referenced table (a key left blank refers to nothing)."""
    problems = []
    for res in descriptor.resources:
        table = tables[res.name]
        for key in res.schema.get("foreignKeys", []):
            fields, target = _names(key["fields"]), key["reference"].get("resource") or res.name
            target_fields = _names(key["reference"]["fields"])
            known = {tuple(row.get(f, "") for f in target_fields) for row in tables[target].rows} \
                if target in tables else set()
            for row, line in zip(table.rows, table.lines, strict=True):
                cells = tuple(row.get(f, "") for f in fields)
                if any(cells) and cells not in known:
                    problems.append(_foreign_key_problem(table, line, fields[0], target, target_fields[0], cells[0],
                                                         tables))
    return problems


def _line(table: Table, row_number: int | None) -> int:
    # frictionless numbers the header row 1 and data rows from 2.
    if row_number is None or row_number < 2:
        return 1
    return table.lines[row_number - 2]


_TYPE_FIXES = {"number": "write a number such as 40", "integer": "write a whole number such as 17",
               "boolean": "write true or false", "date": "write a date as YYYY-MM-DD"}


def _translate(table: Table, err) -> Problem | None:
    kind = err.type
    row_number = getattr(err, "row_number", None)
    line = _line(table, row_number)
    field_name = getattr(err, "field_name", None) or "-"
    cell = getattr(err, "cell", "")
    spec = table.fields().get(field_name, {})
    if kind == "type-error":
        return Problem(table.display, line, field_name, f"'{cell}' is not a valid {spec.get('type', 'value')}",
                       _TYPE_FIXES.get(spec.get("type"), f"see the field's type in data/{DESCRIPTOR}"))
    if kind == "constraint-error":
        return _constraint_problem(table, line, field_name, spec, cell)
    if kind == "unique-error":
        first = next((ln for row, ln in zip(table.rows, table.lines, strict=True)
                      if row.get(field_name) == cell and ln < line), None)
        where = f" (first on line {first})" if first else ""
        return Problem(table.display, line, field_name, f"duplicate {field_name} '{cell}'{where}",
                       f"give every row a unique {field_name}")
    if kind == "primary-key":
        key = table.schema["primaryKey"]
        key = [key] if isinstance(key, str) else key
        if len(key) == 1:
            return None  # reported as unique-error on that field
        names = list(table.fields())
        values = ", ".join(err.cells[names.index(k)] for k in key if names.index(k) < len(err.cells))
        return Problem(table.display, line, "+".join(key), f"duplicate key ({values})",
                       "each combination must appear once: merge or remove the duplicate row")
    return Problem(table.display, line, field_name, err.note or err.title, f"see data/{DESCRIPTOR}")


def _constraint_problem(table: Table, line: int, name: str, spec: dict, cell) -> Problem:
    constraints = spec.get("constraints", {})
    value = "" if cell is None else str(cell)
    if value == "" and constraints.get("required"):
        return Problem(table.display, line, name, "a value is required", f"fill in {name}")
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(map(str, constraints["enum"]))
        hint = did_you_mean(value, constraints["enum"])
        return Problem(table.display, line, name, f"unknown value '{value}'",
                       f"{hint} allowed: {allowed}" if hint else f"allowed: {allowed}")
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        if _is_fuzzy_date(name, spec):
            return Problem(table.display, line, name,
                           f"'{value}' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
                           "write e.g. 2024-04-19, or 2024-04 / 2024 when the source is vaguer")
        return Problem(table.display, line, name, f"'{value}' does not match {constraints['pattern']}",
                       "use lowercase letters, digits and _ for identifiers")
    for bound, word in (("minimum", "below the minimum"), ("maximum", "above the maximum")):
        if bound in constraints:
            return Problem(table.display, line, name, f"{value} is {word} {constraints[bound]}",
                           "check the figure against the source")
    return Problem(table.display, line, name, f"'{value}' breaks a constraint of the field",
                   f"see data/{DESCRIPTOR}")


def _foreign_key_problem(table: Table, line: int, field_name: str, target: str, target_field: str, value: str,
                         tables: dict[str, Table]) -> Problem:
    known = [row.get(target_field, "") for row in tables[target].rows] if target in tables else []
    target_file = Path(tables[target].resource.rel).name if target in tables else target
    return Problem(table.display, line, field_name, f"unknown {target_field} '{value}' (not in {target_file})",
                   did_you_mean(value, known) or f"add a row to {target_file} first, or correct the reference")


def _is_fuzzy_date(name: str, spec: dict) -> bool:
    return spec.get("brief", {}).get("kind") == "fuzzy-date" or name == "date"


# --------------------------------------------------------------------------- semantic checks


@check
def control_characters(ctx: CheckContext) -> list[Problem]:
    """NUL, ESC, DEL and other control characters break the PDF and leak raw into the HTML."""
    problems = []
    for table in ctx.tables.values():
        for row, line in zip(table.rows, table.lines, strict=True):
            for name, value in row.items():
                if has_control_character(value):
                    code = next(f"U+{ord(c):04X}" for c in value if has_control_character(c))
                    problems.append(Problem(table.display, line, name, f"contains the control character {code}",
                                            "remove it: it is invisible in most editors, so retype the cell"))
    return problems


@check
def fuzzy_dates(ctx: CheckContext) -> list[Problem]:
    """Reduced-precision dates must be real calendar dates."""
    problems = []
    for table in ctx.tables.values():
        names = [n for n, spec in table.fields().items() if _is_fuzzy_date(n, spec)]
        for row, line in zip(table.rows, table.lines, strict=True):
            for name in names:
                if ctx.already_reported(table, line, name) or not row.get(name):
                    continue
                try:
                    parse_fuzzy_date(row[name])
                except ValueError as err:
                    problems.append(Problem(table.display, line, name, str(err),
                                            "write a real calendar date, or a coarser YYYY-MM / YYYY"))
    return problems


@check
def list_references(ctx: CheckContext) -> list[Problem]:
    """``"type": "list"`` fields with ``"brief": {"references": …}``: every item must exist there."""
    problems = []
    for table in ctx.tables.values():
        for name, spec in table.fields().items():
            ref = spec.get("brief", {}).get("references")
            if not ref or ref["resource"] not in ctx.tables:
                continue
            target = ctx.tables[ref["resource"]]
            known = [row.get(ref["field"], "") for row in target.rows]
            known_set = set(known)
            delimiter = spec.get("delimiter", LIST_DELIMITER)
            for row, line in zip(table.rows, table.lines, strict=True):
                if ctx.already_reported(table, line, name):
                    continue
                for item in (i.strip() for i in row.get(name, "").split(delimiter)):
                    if item and item not in known_set:
                        file = Path(target.resource.rel).name
                        problems.append(Problem(table.display, line, name,
                                                f"unknown {ref['field']} '{item}' (not in {file})",
                                                did_you_mean(item, known) or f"add a row to {file} first, "
                                                "or correct the reference"))
    return problems


def normalise_text(text: str) -> str:
    """Fold what differs between a quote and its source without changing its words."""
    table = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"',
                           "–": "-", "—": "-", "‑": "-", "\u00a0": " "})
    return re.sub(r"\s+", " ", text.translate(table)).strip().casefold()


def _seed_text(ctx: CheckContext, rel: str) -> tuple[str | None, str, str]:
    """(normalised text or None, what is wrong, how to fix) for a source's local copy ``rel``."""
    root = Path(os.path.realpath(ctx.root))
    seeds = Path(os.path.realpath(ctx.root / SEEDS_DIR))
    real = Path(os.path.realpath(ctx.root / rel))
    if os.path.isabs(rel) or not real.is_relative_to(seeds) or real == seeds or not seeds.is_relative_to(root):
        return None, f"path '{shown(rel, 60)}' is not a file under {SEEDS_DIR}/", \
            f"copy the document into {SEEDS_DIR}/ and give its path, e.g. {SEEDS_DIR}/name.txt"
    try:
        if not real.is_file():
            return None, f"file {shown(rel, 60)} not found", f"copy the document into {SEEDS_DIR}/ or correct the path"
        if real.stat().st_size > MAX_SEED_BYTES:
            return None, f"file {shown(rel, 60)} is larger than {MAX_SEED_BYTES // 2**20} MiB", \
                "keep the source text only"
        raw = real.read_bytes()
    except OSError as err:
        return None, f"cannot read {shown(rel, 60)}: {err.strerror}", "check the file's permissions"
    try:
        return normalise_text(raw.decode("utf-8-sig")), "", ""
    except UnicodeDecodeError as err:
        return None, f"{shown(rel, 60)} is not valid UTF-8 (byte 0x{raw[err.start]:02x})", "save the source as UTF-8"


@check
def quotes_in_sources(ctx: CheckContext) -> list[Problem]:
    """Every quote of every fact row is found verbatim in the local copy of the source it cites."""
    sources = ctx.tables.get(SOURCES)
    if sources is None:
        return []
    problems: list[Problem] = []
    texts: dict[str, tuple[str, str] | None] = {}  # source_id -> (path, text); None: reported on the source
    for row, line in zip(sources.rows, sources.lines, strict=True):
        source_id = row.get("source_id", "")
        if ctx.already_reported(sources, line, "path", "source_id"):
            texts[source_id] = None
            continue
        if not row.get("path", "").strip():
            if not row.get("url", "").strip():
                problems.append(Problem(sources.display, line, "path", "neither path nor url is given",
                                        f"give the local copy under {SEEDS_DIR}/ or the source's URL"))
                texts[source_id] = None
            continue  # a source with a URL only: rows citing it are refused below
        text, what, fix = _seed_text(ctx, row["path"].strip())
        if text is None:
            problems.append(Problem(sources.display, line, "path", what, fix))
        texts[source_id] = None if text is None else (row["path"].strip(), text)
    cited = {row.get("source_id") for row in sources.rows}
    for table in ctx.tables.values():
        if "quote" not in table.fields() or "source_id" not in table.fields():
            continue
        for row, line in zip(table.rows, table.lines, strict=True):
            if ctx.already_reported(table, line, "source_id", "quote") or row.get("source_id") not in cited:
                continue
            if row["source_id"] in texts and texts[row["source_id"]] is None:
                continue  # its source's path problem is reported once, on the source
            problems += _quote_problem(table, row, line, texts)
    return problems


def _quote_problem(table: Table, row: dict, line: int, texts: dict) -> list[Problem]:
    source_id = row["source_id"]
    quote = normalise_text(row.get("quote", ""))
    if not quote:
        return [Problem(table.display, line, "quote", "the quote is empty",
                        "copy the passage that states the fact verbatim from the source")]
    if source_id not in texts:
        return [Problem(table.display, line, "source_id",
                        f"source {source_id} has no readable local copy, so its quotes cannot be checked",
                        f"add the text under {SEEDS_DIR}/ and its path in {SOURCES}.csv, or cite another source")]
    path, text = texts[source_id]
    if not _found_in_order(row.get("quote", ""), text):
        return [Problem(table.display, line, "quote", f"quote not found in {path}",
                        "copy the passage verbatim from the source ('…' may join passages that appear in "
                        "this order)")]
    return []


QUOTE_JOIN = re.compile(r"\s*(?:…|\.\.\.)\s*")


def _found_in_order(quote: str, text: str) -> bool:
    """Whether every passage of ``quote`` (passages joined by '…') is in ``text``, in this order."""
    position = 0
    for part in QUOTE_JOIN.split(quote):
        passage = normalise_text(part)
        if not passage:
            continue
        found = text.find(passage, position)
        if found < 0:
            return False
        position = found + len(passage)
    return True


@check
def acyclic_chain(ctx: CheckContext) -> list[Problem]:
    table = ctx.tables.get("chain_edges")
    if table is None:
        return []
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
