"""Load the validated dataset as pandas DataFrames, ready for analysis.

Every command that reads the data goes through :func:`load_dataset`, which runs the same
validation as ``brief validate`` first and refuses bad data with a :class:`DataError`.

Each resource becomes one frame with typed columns: ``;``-separated list fields become tuples,
and every fuzzy-date field ``X`` gains ``X_start``, ``X_end``, ``X_precision`` and ``X_label``.
Every fact row also gets ``known_end`` (when it became known, see ``knowledge``) and ``line``
(its line in the CSV, for messages).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import knowledge
from .cache import dataset_hash
from .dates import parse_fuzzy_date
from .knowledge import View
from .params import DataDefaults
from .tables import Table
from .validate import validated
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Dataset:
    tables: Mapping[str, pd.DataFrame]  # made when first read (Frames)
    rows: dict[str, list[dict[str, str]]]  # the validated text rows, for pandas-free rules (prose, knowledge)
    vocab: Vocabulary
    descriptor: dict
    version: str
    sha256: str
    defaults: DataDefaults

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def in_view(self, name: str, view: View) -> pd.DataFrame:
        """Rows of a fact table that had happened by ``view.as_of`` and were known by ``view.known_by``."""
        df = self.tables[name]
        return df[(df["date_end"] <= view.as_of) & (df["known_end"] <= view.known_by)].reset_index(drop=True)

    def completeness(self, name: str) -> dict:
        """The resource's declared completeness (``{"complete": bool, "note": str}``), if any."""
        resource = next(r for r in self.descriptor["resources"] if r["name"] == name)
        return resource.get("brief", {}).get("completeness", {})


class Frames(Mapping):
    """The tables as DataFrames, each made when it is first read: a notebook reads a few of the
    dataset's tables, and making a frame (types, dates, knowledge times) was most of a load."""

    def __init__(self, tables: dict[str, Table], published: dict):
        self._tables, self._published, self._made = tables, published, {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._made:
            self._made[name] = _frame(self._tables[name], self._published)
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


def _frame(table: Table, published: dict) -> pd.DataFrame:
    fields = table.schema["fields"]
    df = pd.DataFrame(table.rows, columns=[f["name"] for f in fields], dtype=object).fillna("")
    for field in fields:
        name = field["name"]
        if field["type"] in ("number", "integer"):
            df[name] = pd.to_numeric(df[name].replace("", None))
        elif field["type"] == "boolean":
            df[name] = df[name].str.lower().eq("true")
        elif field["type"] == "list":
            df[name] = [tuple(i.strip() for i in v.split(field.get("delimiter", ";")) if i.strip()) for v in df[name]]
        if field.get("brief", {}).get("kind") == "fuzzy-date":
            parsed = [parse_fuzzy_date(v) if v else None for v in df[name]]
            df[f"{name}_start"] = [p.start if p else None for p in parsed]
            df[f"{name}_end"] = [p.end if p else None for p in parsed]
            df[f"{name}_precision"] = [p.precision if p else "" for p in parsed]
            df[f"{name}_label"] = [p.label() if p else "" for p in parsed]
    if table.name != "sources" and "date" in df and "source_id" in df:
        df["known_end"] = [knowledge.known_end(row, published) for row in table.rows]
    df["line"] = table.lines
    return df


def load_dataset(data_dir: Path | str = "data") -> Dataset:
    """Validate (unless these exact bytes were validated before) and load the dataset."""
    data_dir = Path(data_dir)
    checked, tables = validated(data_dir)
    descriptor = checked.raw
    rows = {name: table.rows for name, table in tables.items()}
    published = knowledge.source_dates(rows["sources"])
    frames = Frames(tables, published)
    vocab = Vocabulary.from_tables(descriptor, rows)
    defaults = DataDefaults(latest=knowledge.latest_date(descriptor, rows),
                            latest_known=knowledge.latest_known(descriptor, rows),
                            actors=vocab["actors"].ids())
    return Dataset(frames, rows, vocab, descriptor, descriptor.get("version", ""), dataset_hash(data_dir, checked),
                   defaults)
