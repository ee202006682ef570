"""Load the validated dataset as pandas DataFrames, ready for analysis.

Every command that reads the data goes through :func:`load_dataset`, which runs the same
validation as ``brief validate`` first and refuses bad data with a :class:`DataError`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cache import dataset_hash
from .dates import parse_fuzzy_date
from .descriptor import DESCRIPTOR
from .tables import Table
from .validate import latest_fact_date, validated_tables

TABLES = (
    "sources", "progress", "meetings", "events", "sticking_points", "sticking_point_status",
    "chain_nodes", "chain_edges", "chain_status", "outlook",
)


@dataclass(frozen=True)
class Dataset:
    tables: dict[str, pd.DataFrame]
    version: str
    sha256: str
    latest: dt.date

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def latest_date(self) -> dt.date:
        """The end of the latest dated fact: the default ``as_of`` (never 'today')."""
        return self.latest

    def known_on(self, name: str, as_of: dt.date) -> pd.DataFrame:
        """Rows of a dated table whose whole period has ended on or before ``as_of``."""
        df = self.tables[name]
        return df[df["date_end"] <= as_of].reset_index(drop=True)


def _frame(table: Table) -> pd.DataFrame:
    df = pd.DataFrame(table.rows, columns=[f["name"] for f in table.schema["fields"]], dtype=object)
    df = df.fillna("")
    for field in table.schema["fields"]:
        if field["type"] in ("number", "integer"):
            df[field["name"]] = pd.to_numeric(df[field["name"]].replace("", None))
        elif field["type"] == "boolean":
            df[field["name"]] = df[field["name"]].str.lower().eq("true")
    if "date" in df:
        parsed = [parse_fuzzy_date(d) for d in df["date"]]
        df["date_start"] = [p.start for p in parsed]
        df["date_end"] = [p.end for p in parsed]
        df["precision"] = [p.precision for p in parsed]
        df["date_label"] = [p.label() for p in parsed]
    df["line"] = table.lines
    return df


def load_dataset(data_dir: Path | str = "data") -> Dataset:
    """Validate (unless these exact bytes were validated before) and load the dataset."""
    data_dir = Path(data_dir)
    tables = validated_tables(data_dir)
    version = json.loads((data_dir / DESCRIPTOR).read_text(encoding="utf-8")).get("version", "")
    frames = {name: _frame(tables[name]) for name in TABLES}
    return Dataset(frames, version, dataset_hash(data_dir), latest_fact_date(tables))
