"""Knowledge time: every fact has the date it describes and the date it became known.

* ``date`` (what the fact describes) counts once its whole period has ended by ``as_of``;
* the fact became known when its row's ``reported`` date says, or else when its source was
  published (``sources.date``); it counts once that period has ended by ``known_by``.

A view of the data is the pair of cut-offs. ``known_by`` defaults to ``as_of`` — the brief as it
could have been written that day, citing only sources published by then — and ``latest``
means every fact we hold: the retrospective view of what happened by ``as_of``.

This module is the one place these rules live; the build (pandas-free), the validator and the
analysis all call it. Dates here are the parsed ends of fuzzy dates (see ``dates``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .dates import long_day, parse_fuzzy_date

FACT_ROLE = "fact"
DATE_FIELD = "date"
REPORTED_FIELD = "reported"


@dataclass(frozen=True)
class View:
    """What an edition may show: facts that happened by ``as_of`` and were known by ``known_by``."""

    as_of: dt.date
    known_by: dt.date

    @property
    def retrospective(self) -> bool:
        return self.known_by > self.as_of

    def includes(self, date_end: dt.date, known_end: dt.date) -> bool:
        return date_end <= self.as_of and known_end <= self.known_by

    def can_cite(self, published_end: dt.date) -> bool:
        """A source published by ``known_by`` (the end of its publication period): never one it could not have read."""
        return published_end <= self.known_by

    def describe(self) -> str:
        """One sentence a reader sees: which view of the data this brief is."""
        if self.retrospective:
            return (f"A retrospective view: what happened by {long_day(self.as_of)}, as known on "
                    f"{long_day(self.known_by)}.")
        return (f"The brief as it could have been written on {long_day(self.as_of)}: only facts that had happened "
                f"and had been reported by then, citing only sources published by then.")


def fact_resources(descriptor: dict) -> list[str]:
    """Names of the resources whose rows are dated facts (``"brief": {"role": "fact"}``)."""
    return [r["name"] for r in descriptor["resources"] if r.get("brief", {}).get("role") == FACT_ROLE]


def source_dates(sources: list[Mapping[str, str]]) -> dict[str, dt.date]:
    """source_id → end of its publication period."""
    return {row["source_id"]: parse_fuzzy_date(row[DATE_FIELD]).end for row in sources if row.get(DATE_FIELD)}


def knows_a_source(sources: list[Mapping[str, str]], view: View) -> bool:
    """Whether ``view`` may cite any source at all; a view that cannot is a brief with nothing to say."""
    return any(view.can_cite(end) for end in source_dates(sources).values())


def known_end(row: Mapping[str, str], published: Mapping[str, dt.date]) -> dt.date:
    """When a fact row counts as known: its ``reported`` period's end, else its source's."""
    reported = (row.get(REPORTED_FIELD) or "").strip()
    return parse_fuzzy_date(reported).end if reported else published[row["source_id"]]


def fact_dates(descriptor: dict, rows: Mapping[str, list[Mapping[str, str]]]) -> list[tuple[dt.date, dt.date]]:
    """(date end, known end) of every fact row."""
    published = source_dates(rows["sources"])
    return [(parse_fuzzy_date(row[DATE_FIELD]).end, known_end(row, published))
            for name in fact_resources(descriptor) for row in rows.get(name, [])]


def latest_date(descriptor: dict, rows: Mapping[str, list[Mapping[str, str]]]) -> dt.date:
    """The default ``as_of``: the latest day by which any fact had happened or become known.

    With ``known_by`` = ``as_of`` = this day, every fact in the data is in the view. It comes from
    the data, never the clock, so the same data always builds the same brief.
    """
    dates = fact_dates(descriptor, rows)
    if not dates:
        raise ValueError("the dataset holds no dated fact")
    return max(max(pair) for pair in dates)


def latest_known(descriptor: dict, rows: Mapping[str, list[Mapping[str, str]]]) -> dt.date:
    """What ``known_by=latest`` means: the day the last fact in the data became known."""
    return max((known for _, known in fact_dates(descriptor, rows)), default=latest_date(descriptor, rows))
