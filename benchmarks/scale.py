"""A synthetic dataset with N times the rows of every fact table, generated from the schema.

Read from ``data/datapackage.json`` alone, so it follows the data model as it changes:

* vocabulary tables (``"brief": {"role": "vocabulary"}`` or under ``data/vocabulary/``) and the
  sources (``"role": "source"`` or the resource named ``sources``) are kept as they are, so every
  foreign key into them and every quote still checks out;
* every other table is a fact table: each row gets N - 1 copies. Copy k suffixes ``_x<k>`` to the
  row's own key (primary key and unique fields that are not foreign keys into kept tables) and to
  every field that refers to a copied table (foreign keys and ``brief.references`` lists), and
  moves every date back k whole years — fields marked ``"brief": {"kind": "fuzzy-date"}``, ``date``
  fields, and text fields whose values are all dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``).
  Dates stay in the years the data model accepts: when k years back would leave them, the
  shifts start again at one year (``1 + (k - 1) mod span``).

So copies are the same facts, older: views windowed on recent dates should see as much as before.
"""

from __future__ import annotations

import calendar
import csv
import json
import re
from pathlib import Path

DESCRIPTOR = "datapackage.json"
FUZZY_DATE = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?$")
KEPT_ROLES = {"vocabulary", "source"}
EARLIEST_YEAR = 1900  # brief.dates accepts years from 1900


def kept(resource: dict) -> bool:
    """Vocabulary and sources stay as they are; everything else is a fact table and is copied."""
    role = (resource.get("brief") or {}).get("role")
    return role in KEPT_ROLES or resource["path"].startswith("vocabulary/") or resource["name"] == "sources"


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def shift_date(value: str, years: int) -> str:
    match = FUZZY_DATE.match(value)
    if not match:
        return value
    year, rest = int(match.group(1)) - years, value[4:]
    if rest.endswith("-02-29") and not calendar.isleap(year):
        rest = rest[:-3] + "-28"
    return f"{year:04d}{rest}"


def _date_fields(resource: dict, rows: list[dict]) -> set[str]:
    fields = set()
    for field in resource["schema"]["fields"]:
        name, marked = field["name"], (field.get("brief") or {}).get("kind") == "fuzzy-date"
        values = [row.get(name) or "" for row in rows]
        looks_like = field.get("type", "string") == "string" and any(values) and all(
            FUZZY_DATE.match(v) for v in values if v)
        if marked or field.get("type") == "date" or looks_like:
            fields.add(name)
    return fields


def _suffixed_fields(resource: dict, copied: set[str]) -> tuple[set[str], set[str]]:
    """(scalar fields, list fields) whose values name a copied row."""
    schema = resource["schema"]
    keep_fk = set()
    scalar = set()
    for fk in schema.get("foreignKeys", []):
        fields = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
        target = fk["reference"].get("resource") or resource["name"]
        (scalar if target in copied else keep_fk).update(fields)
    primary = schema.get("primaryKey", [])
    own_key = set([primary] if isinstance(primary, str) else primary)
    own_key |= {f["name"] for f in schema["fields"] if (f.get("constraints") or {}).get("unique")}
    scalar |= own_key - keep_fk
    lists = {f["name"] for f in schema["fields"]
             if ((f.get("brief") or {}).get("references") or {}).get("resource") in copied}
    return scalar - lists, lists


def scale_dataset(data_dir: Path, factor: int) -> dict[str, int]:
    """Rewrite the fact tables of ``data_dir`` in place with ``factor`` times their rows; {table: rows}."""
    descriptor = json.loads((data_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    resources = descriptor["resources"]
    copied = {r["name"] for r in resources if not kept(r)}
    tables = {r["name"]: read_rows(data_dir / r["path"]) for r in resources}
    dates = {name: _date_fields(r, tables[name][1]) for r in resources if (name := r["name"]) in copied}
    earliest = min((int(row[f][:4]) for name, fields in dates.items() for row in tables[name][1]
                    for f in fields if row.get(f)), default=EARLIEST_YEAR + factor)
    span = max(1, earliest - EARLIEST_YEAR)
    for resource in resources:
        if resource["name"] not in copied:
            continue
        header, rows = tables[resource["name"]]
        scalar, lists = _suffixed_fields(resource, copied)
        delimiter = {f["name"]: f.get("delimiter", ",") for f in resource["schema"]["fields"]}
        copies = [_copy(row, k, 1 + (k - 1) % span, scalar, lists, dates[resource["name"]], delimiter)
                  for k in range(1, factor) for row in rows]
        with open(data_dir / resource["path"], "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows + copies)
        tables[resource["name"]] = (header, rows + copies)
    return {name: len(rows) for name, (_, rows) in tables.items()}


def _copy(row: dict, k: int, years: int, scalar: set[str], lists: set[str], dates: set[str],
          delimiter: dict) -> dict:
    out = dict(row)
    for name in scalar:
        if out.get(name):
            out[name] = f"{out[name]}_x{k}"
    for name in lists:
        if out.get(name):
            out[name] = delimiter[name].join(f"{item}_x{k}" for item in out[name].split(delimiter[name]))
    for name in dates:
        if out.get(name):
            out[name] = shift_date(out[name], years)
    return out
