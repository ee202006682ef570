"""The dataset's own vocabulary: actors, tracks, formats, event kinds, statuses, relations, metrics …

Every label, order, colour and rule flag the brief uses is a row of a table in
``data/vocabulary/`` (a resource whose descriptor says ``"brief": {"role": "vocabulary"}``). Code
never names a vocabulary value: it asks a :class:`Domain` for labels, order, colours and flags,
so a new actor, status or event kind is a data edit.

Pandas-free on purpose: the build resolves parameters (e.g. ``mediators``) against the
vocabulary before any kernel starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

VOCABULARY_ROLE = "vocabulary"


def _typed(value: str, field_type: str):
    if field_type == "boolean":
        return value.strip().lower() == "true"
    if field_type == "integer":
        return int(value) if value.strip() else None
    if field_type == "number":
        return float(value) if value.strip() else None
    return value


@dataclass(frozen=True)
class Entry:
    """One vocabulary row: ``id`` plus every other column, typed by the schema."""

    id: str
    values: Mapping[str, object]

    def __getitem__(self, column: str):
        return self.values[column]

    def get(self, column: str, default=None):
        value = self.values.get(column, default)
        return default if value in ("", None) else value

    @property
    def label(self) -> str:
        return str(self.values.get("label") or self.values.get("term") or self.id)

    @property
    def short_label(self) -> str:
        return str(self.values.get("short_label") or self.label)


class Domain:
    """The entries of one vocabulary table, in their declared order (``order`` column, else file order)."""

    def __init__(self, name: str, entries: Iterable[Entry]):
        self.name = name
        listed = list(entries)
        self._file_order = tuple(e.id for e in listed)
        if listed and "order" in listed[0].values:
            listed.sort(key=lambda e: (e.values["order"] if e.values["order"] is not None else 0, e.id))
        self.entries = {e.id: e for e in listed}
        self._colours: dict[str, str] | None = None

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def ids(self) -> tuple[str, ...]:
        return tuple(self.entries)

    def label(self, key: str) -> str:
        return self.entries[key].label if key in self.entries else key

    def short(self, key: str) -> str:
        return self.entries[key].short_label if key in self.entries else key

    def ordered(self, keys: Iterable[str]) -> list[str]:
        """``keys`` (duplicates dropped) in the domain's order; unknown keys last, sorted."""
        wanted = set(keys)
        known = [k for k in self.entries if k in wanted]
        return known + sorted(wanted - set(known))

    def where(self, column: str, value=True) -> tuple[str, ...]:
        """Ids whose ``column`` equals ``value`` (e.g. ``statuses.where("settled")``)."""
        return tuple(k for k, e in self.entries.items() if e.values.get(column) == value)

    def colour(self, key: str) -> str:
        return self.colours()[key]

    def colours(self) -> dict[str, str]:
        """Every entry's colour: its own, or the next house-palette colour no other entry uses.

        Colours are handed out in the file's row order, not the ``order`` column's, so a row appended to
        the table never changes an existing entry's colour, wherever its order sorts it.
        """
        if self._colours is None:
            from .palette import assign_colours

            assigned = assign_colours([(k, str(self.entries[k].values.get("colour") or "")) for k in self._file_order])
            self._colours = {k: assigned[k] for k in self.entries}
        return self._colours


class Vocabulary:
    """All vocabulary domains of a dataset, by table name (``vocab["actors"]``)."""

    def __init__(self, domains: Mapping[str, Domain]):
        self.domains = dict(domains)

    def __getitem__(self, name: str) -> Domain:
        return self.domains[name]

    def __contains__(self, name: str) -> bool:
        return name in self.domains

    @classmethod
    def from_tables(cls, descriptor: dict, rows: Mapping[str, list[dict[str, str]]]) -> Vocabulary:
        """Build from the validated text rows of every resource whose role is vocabulary."""
        domains = {}
        for resource in descriptor["resources"]:
            if resource.get("brief", {}).get("role") != VOCABULARY_ROLE or resource["name"] not in rows:
                continue
            fields = resource["schema"]["fields"]
            key = resource["schema"]["primaryKey"][0]
            types = {f["name"]: f.get("type", "string") for f in fields}
            entries = [Entry(row[key], {name: _typed(row.get(name, ""), kind) for name, kind in types.items()})
                       for row in rows[resource["name"]]]
            domains[resource["name"]] = Domain(resource["name"], entries)
        return cls(domains)
