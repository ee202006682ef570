"""Validate the curated dataset against its declared schema (``data/datapackage.json``).

Three layers, each its own module: reading (:mod:`brief.descriptor` checks the schema's shape
and where its paths lead, :mod:`brief.tables` reads every declared table as text cells), checks
(:mod:`brief.checks`: the schema by frictionless, then the registered semantic checks) and
reporting (here: one sorted list of problems, or the tables).

Every problem is one line: ``data/<file>.csv:<line>:<field>: <what is wrong> (<how to fix>)``.
Reading stops at the first layer that fails: values are never checked, and never quoted,
from a file whose structure or location was refused.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import rules  # noqa: F401 (registers the dataset's own rules with brief.checks)
from .cache import ValidationStamp
from .checks import CHECKS, SEEDS_DIR, CheckContext, schema_problems
from .descriptor import DESCRIPTOR, Descriptor, DescriptorProblems, read_descriptor
from .exceptions import DataError
from .problems import Problem
from .project import input_files
from .tables import Table, read_tables

NOTEBOOKS_DIR = "notebooks"


def read_dataset(data_dir: Path) -> tuple[Descriptor | None, dict[str, Table], list[Problem]]:
    """The reading layer: the schema, every declared table, and whether the notebooks' tables exist."""
    data_dir = Path(data_dir)
    try:
        descriptor = read_descriptor(data_dir)
    except DescriptorProblems as err:
        return None, {}, err.problems
    tables, problems = read_tables(descriptor)
    return descriptor, tables, problems + required_tables(descriptor, data_dir.parent)


def check_tables(descriptor: Descriptor, tables: dict[str, Table], root: Path) -> list[Problem]:
    """The checks layer: the schema (frictionless), then every registered semantic check."""
    problems = schema_problems(tables, descriptor)
    ctx = CheckContext(tables, descriptor, Path(root), {(p.file, p.line, p.field) for p in problems})
    for check in CHECKS:
        problems += check(ctx)
    return problems


def check_dataset(data_dir: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Read and check every table; return the tables and every problem found (``brief validate``)."""
    descriptor, tables, problems = read_dataset(data_dir)
    if problems:
        # Broken structure: checking values against the wrong columns would only add noise.
        return tables, report(problems, list(tables.values()))
    return tables, report(check_tables(descriptor, tables, Path(data_dir).parent), list(tables.values()))


def report(problems: list[Problem], tables: list[Table]) -> list[Problem]:
    """Problems without duplicates, in table order, then line, then field."""
    order = {t.display: i for i, t in enumerate(tables)}
    unique = {(p.file, p.line, p.field, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (order.get(p.file, -1), p.line, p.field))


def required_tables(descriptor: Descriptor, root: Path) -> list[Problem]:
    """Every table a notebook declares in ``metadata.brief.reads`` must be declared in the schema."""
    problems = []
    folder = Path(root) / NOTEBOOKS_DIR
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        try:
            reads = json.loads(path.read_text(encoding="utf-8"))["metadata"]["brief"]["reads"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # an unreadable notebook is reported by the build, naming it
        for name in reads if isinstance(reads, list) else []:
            if isinstance(name, str) and descriptor.get(name) is None:
                problems.append(Problem(descriptor.display, 1, "resources",
                                        f"{NOTEBOOKS_DIR}/{path.name} reads the table '{name}', which is not declared",
                                        f"restore the resource '{name}' in {DESCRIPTOR}, or stop reading it"))
    return problems


def validated(data_dir: Path) -> tuple[Descriptor, dict[str, Table]]:
    """The schema and the tables, checked — or only read when these exact bytes passed the checks before."""
    data_dir = Path(os.path.abspath(data_dir))
    root = data_dir.parent
    descriptor, tables, problems = read_dataset(data_dir)
    if problems:
        raise DataError(report(problems, list(tables.values())))
    stamp = ValidationStamp(data_dir, [p for p in input_files(root) if p.relative_to(root).parts[0] == SEEDS_DIR],
                            descriptor)
    if stamp.valid():
        return descriptor, tables
    problems = check_tables(descriptor, tables, root)
    if problems:
        raise DataError(report(problems, list(tables.values())))
    stamp.record()
    return descriptor, tables
