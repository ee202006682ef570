"""The dataset's own rules: what a schema cannot say, checked on every ``brief validate``.

Each rule is registered with :mod:`brief.checks` and returns problems, one line each
(``data/<file>.csv:<line>:<field>: <what> (<fix>)``). Rules read the vocabulary tables for
everything value-specific (a metric's maximum, whether it needs a total), so they hold for any
data the schema admits (list references and the acyclic chain are checked in ``checks``):

* every fact row's id is unique across all fact tables (analyst prose cites facts by bare id);
* a fact's ``reported`` date is not before its source was published (an edition never cites a
  source it could not have read), and a source cited with quotes has a local copy;
* ``coding_note`` and ``confidence`` come together;
* a figure respects its metric (maximum, total), and supersedes a figure of the same measure
  that is not later than itself;
* an outlook factor's ``horizon`` is not before the day it was stated.
"""

from __future__ import annotations

from .checks import CheckContext, check
from .dates import parse_fuzzy_date
from .knowledge import REPORTED_FIELD, fact_resources
from .problems import Problem
from .tables import Table


def _rows(table: Table):
    return zip(table.rows, table.lines, strict=True)


@check
def unique_fact_ids(ctx: CheckContext) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for name in fact_resources(ctx.descriptor.raw):
        table = ctx.tables.get(name)
        if table is None:
            continue
        key = table.schema["primaryKey"][0]
        for row, line in _rows(table):
            ident = row.get(key, "")
            if ident in seen and seen[ident] != table.display:
                problems.append(Problem(table.display, line, key, f"id '{ident}' is also used in {seen[ident]}",
                                        "fact ids are cited by analyst prose: make them unique across all tables"))
            seen.setdefault(ident, table.display)
    return problems


@check
def knowledge_dates(ctx: CheckContext) -> list[Problem]:
    sources = {row["source_id"]: row for row in ctx.tables["sources"].rows} if "sources" in ctx.tables else {}
    problems = []
    for name in fact_resources(ctx.descriptor.raw):
        table = ctx.tables.get(name)
        for row, line in _rows(table) if table else ():
            reported, source = row.get(REPORTED_FIELD, ""), sources.get(row.get("source_id", ""))
            if not reported or source is None:
                continue
            try:
                too_early = parse_fuzzy_date(reported).end < parse_fuzzy_date(source["date"]).end
            except ValueError:
                continue  # reported as a bad date already
            if too_early:
                problems.append(Problem(table.display, line, REPORTED_FIELD,
                                        f"reported {reported} is before its source ({row['source_id']}, "
                                        f"{source['date']}) was published",
                                        "a fact is known from its source's publication on: leave reported blank, "
                                        "or refine the source's date in data/sources.csv"))
    return problems


@check
def coding_notes(ctx: CheckContext) -> list[Problem]:
    problems = []
    for name in fact_resources(ctx.descriptor.raw):
        table = ctx.tables.get(name)
        for row, line in _rows(table) if table else ():
            note, level = row.get("coding_note", "").strip(), row.get("confidence", "").strip()
            if note and not level:
                problems.append(Problem(table.display, line, "confidence", "a coding_note needs a confidence",
                                        "say how sure the inference is: a level of vocabulary/confidence.csv"))
            elif level and not note:
                problems.append(Problem(table.display, line, "coding_note", "a confidence needs a coding_note",
                                        "say what the coder inferred and why, or clear the confidence"))
    return problems


@check
def figures(ctx: CheckContext) -> list[Problem]:
    """A figure respects its metric's maximum and total, and supersedes only an earlier figure of its measure."""
    if "progress" not in ctx.tables or "metrics" not in ctx.tables:
        return []
    metrics = {row["metric_id"]: row for row in ctx.tables["metrics"].rows}
    by_id = {row["progress_id"]: row for row in ctx.tables["progress"].rows}
    table, problems = ctx.tables["progress"], []
    for row, line in _rows(table):
        if ctx.already_reported(table, line, "value", "total", "metric", "supersedes"):
            continue
        metric = metrics.get(row["metric"])
        try:
            value = float(row["value"])
            total = float(row["total"]) if row.get("total") else None
        except ValueError:
            continue  # a type error already
        if metric is None:
            continue
        if metric.get("maximum") and value > float(metric["maximum"]):
            problems.append(Problem(table.display, line, "value",
                                    f"{row['value']} is above the maximum of metric '{row['metric']}' "
                                    f"({metric['maximum']})",
                                    "check the figure against the source"))
        if metric.get("needs_total", "").lower() == "true" and total is None:
            problems.append(Problem(table.display, line, "total", f"{row['metric']} needs the total it counts against",
                                    "write the total stated by the source, e.g. 17"))
        if total is not None and value > total:
            problems.append(Problem(table.display, line, "value", f"{row['value']} exceeds the total {row['total']}",
                                    "check both figures against the source"))
        problems += _supersedes(table, row, line, by_id, metrics)
    return problems


def _supersedes(table: Table, row: dict, line: int, figures: dict, metrics: dict) -> list[Problem]:
    target = figures.get(row.get("supersedes", ""))
    if target is None:
        return []  # blank, or reported as a dangling reference
    problems = []
    if target["progress_id"] == row["progress_id"]:
        return [Problem(table.display, line, "supersedes", "a figure cannot supersede itself", "clear supersedes")]
    measures = {metrics.get(r["metric"], {}).get("measure") for r in (row, target)}
    if len(measures) > 1:
        problems.append(Problem(table.display, line, "supersedes",
                                f"supersedes {target['progress_id']}, a figure of another measure",
                                "only figures of metrics with the same measure (vocabulary/metrics.csv) compare"))
    try:
        if parse_fuzzy_date(row["date"]).end < parse_fuzzy_date(target["date"]).end:
            problems.append(Problem(table.display, line, "supersedes",
                                    f"supersedes {target['progress_id']}, which is dated later ({target['date']})",
                                    "a figure can only supersede an earlier one"))
    except ValueError:
        pass
    return problems


@check
def horizons(ctx: CheckContext) -> list[Problem]:
    table = ctx.tables.get("outlook")
    problems = []
    for row, line in _rows(table) if table else ():
        if not row.get("horizon"):
            continue
        try:
            if parse_fuzzy_date(row["horizon"]).end < parse_fuzzy_date(row["date"]).start:
                problems.append(Problem(table.display, line, "horizon",
                                        f"horizon {row['horizon']} is before the factor was stated ({row['date']})",
                                        "a horizon is when the factor comes due, after it was stated"))
        except ValueError:
            pass
    return problems
