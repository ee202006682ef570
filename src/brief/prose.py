"""Analyst prose that rests on data, checked against it.

An analyst passage — a fenced div in ``brief.qmd``::

    ::: {#pa-peace-text .analysis rests-on="pr_share_2024_12 ev_2023_10_bilateral" reviewed="2024-12-31"}
    …
    :::

or the headline and key judgments of an edition file — declares the facts it rests on (row ids
of any fact table, or ``track:<track_id>`` for a whole track) and the day it was last reviewed.
For a given view of the data the build then decides, per passage:

* **error** (nothing is built) when it names an unknown fact or confidence level, or writes a
  number that none of its facts carries (their values, totals and dates);
* **omitted** when a fact it rests on is not in the view (it had not happened, or was not yet
  known): an edition never shows prose written with later knowledge;
* **stale** when a fact on one of its tracks became known after ``reviewed`` — a new figure, a
  status change, a new event. The build lists each stale passage (file:line, which facts, since
  when), draft output marks it visibly, and ``brief build --strict`` refuses to publish.

A fact's tracks are its own ``track``/``tracks`` values plus those of every row or vocabulary
entry it references (a status row → its sticking point → its track; a figure → its metric →
the metric's track). Pandas-free: it runs in the build before any kernel starts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import knowledge
from .dates import parse_fuzzy_date
from .exceptions import BriefError
from .text import did_you_mean

TRACK_PREFIX = "track:"
PASSAGE_CLASS = "analysis"
_DIV_OPEN = re.compile(r"^(:{3,})\s*\{(?P<attrs>[^}]*)\}\s*$")
_DIV_CLOSE = re.compile(r"^(:{3,})\s*$")
_ATTR = re.compile(r'(?P<key>[\w-]+)="(?P<value>[^"]*)"')
# A number a reader would check: digits not glued to letters (COP29, 16th and 1st are names).
# "1,500" groups thousands (the brief is English prose); "2,5" is a decimal comma.
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?![\d.,])|\d+(?:[.,]\d+)?)(?![\w])")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")


class ProseError(BriefError):
    """An analyst passage names something the data does not have."""


@dataclass(frozen=True)
class Fact:
    id: str
    table: str
    title: str
    date_end: dt.date
    known_end: dt.date
    date_label: str
    known_label: str  # the period in which it became known, at its precision
    tracks: frozenset[str]
    numbers: frozenset[str]


@dataclass(frozen=True)
class Passage:
    """Analyst text and what it rests on. ``where`` is how messages name it (file:line or file item)."""

    key: str
    where: str
    text: str
    rests_on: tuple[str, ...]
    reviewed: dt.date | None


@dataclass(frozen=True)
class Verdict:
    passage: Passage
    shown: bool
    missing: tuple[str, ...] = ()  # facts not in the view (why it is omitted)
    changed: tuple[Fact, ...] = ()  # facts on its tracks known after review

    @property
    def stale(self) -> bool:
        return self.shown and bool(self.changed)

    def message(self) -> str:
        facts = "; ".join(f"{f.id} ({f.title}, known {f.known_label})" for f in self.changed)
        return (f"{self.passage.where}: stale: reviewed {self.passage.reviewed}, facts changed since: {facts} "
                f"(re-read the passage against them, then set its reviewed date)")


@dataclass
class FactIndex:
    facts: dict[str, Fact] = field(default_factory=dict)
    tracks: frozenset[str] = frozenset()


def _numbers(value: str) -> set[str]:
    found = (m.replace(",", "") if _GROUPED.fullmatch(m) else m for m in _NUMBER.findall(value))
    return {m.replace(",", ".").rstrip("0").rstrip(".") if "." in m or "," in m else m for m in found}


def _row_numbers(row: Mapping[str, str], fields: list[dict]) -> set[str]:
    numbers = set()
    for f in fields:
        value = row.get(f["name"], "")
        if f.get("type") in ("number", "integer") and value:
            numbers |= _numbers(value)
        elif f.get("brief", {}).get("kind") == "fuzzy-date" and value:
            parsed = parse_fuzzy_date(value)
            numbers |= {str(parsed.start.year), str(parsed.start.day) if parsed.precision == "day" else ""} - {""}
    return numbers


def build_index(descriptor: dict, rows: Mapping[str, list[Mapping[str, str]]]) -> FactIndex:
    """Every fact row by id, with its dates, the numbers it carries and its tracks."""
    resources = {r["name"]: r for r in descriptor["resources"]}
    keys = {name: r["schema"]["primaryKey"][0] for name, r in resources.items()}
    by_key = {name: {row[keys[name]]: row for row in rows.get(name, [])} for name in resources}
    published = knowledge.source_dates(rows["sources"])

    def references(name: str):
        schema = resources[name]["schema"]
        for fk in schema.get("foreignKeys", []):
            yield fk["fields"], fk["reference"]["resource"]
        for f in schema["fields"]:
            target = f.get("brief", {}).get("references")
            if target:
                yield f["name"], target["resource"]

    def tracks_of(name: str, row: Mapping[str, str], depth: int = 0) -> set[str]:
        found = set()
        for column in ("track", "tracks"):
            found |= {t.strip() for t in row.get(column, "").split(";") if t.strip()}
        if depth < 3:
            for column, target in references(name):
                if target in ("tracks", "sources", name):
                    continue
                for value in (v.strip() for v in row.get(column, "").split(";") if v.strip()):
                    if value in by_key.get(target, {}):
                        found |= tracks_of(target, by_key[target][value], depth + 1)
        return found

    index = FactIndex(tracks=frozenset(by_key.get("tracks", {})))
    sources = {row["source_id"]: row for row in rows["sources"]}
    formats = {row["metric_id"]: row.get("format", "") for row in rows.get("metrics", [])}
    fact_tables = set(knowledge.fact_resources(descriptor))

    def referred(name: str, row: Mapping[str, str]) -> list[str]:
        """The names of the facts a row refers to (a status row's point, an edge's two steps), in order."""
        columns = ((c if isinstance(c, str) else c[0], t) for c, t in references(name)
                   if isinstance(c, str) or len(c) == 1)
        return [_own_name(by_key[target][row[column]]) for column, target in columns
                if target in fact_tables and row.get(column) in by_key[target]]

    for name in fact_tables:
        fields = resources[name]["schema"]["fields"]
        for row in rows.get(name, []):
            date = parse_fuzzy_date(row["date"])
            known = row.get(knowledge.REPORTED_FIELD) or sources.get(row["source_id"], {}).get("date") or row["date"]
            status = by_key.get("statuses", {}).get(row.get("status", ""), {}).get("label", "").lower()
            named = dict(row, status=status) if status else row
            title = _title(named, keys[name], formats, referred(name, row))
            index.facts[row[keys[name]]] = Fact(
                row[keys[name]], name, title, date.end, knowledge.known_end(row, published),
                date.label(), parse_fuzzy_date(known).label(), frozenset(tracks_of(name, row)),
                frozenset(_row_numbers(row, fields)))
    return index


_NAME_COLUMNS = ("title", "label", "factor", "position", "about")


def _own_name(row: Mapping[str, str]) -> str:
    return next((row[c] for c in _NAME_COLUMNS if row.get(c)), "").rstrip(".")


def _title(row: Mapping[str, str], key: str, formats: Mapping[str, str], referred: list[str]) -> str:
    """How a fact is named to a reader: a figure in its metric's own words ("17 of 17 articles"); its own
    title or label; a status as "<what it is the status of>: <status>"; a link as "<from> → <to>";
    else its note, else its id."""
    if row.get("value") and formats.get(row.get("metric", "")):
        return formats[row["metric"]].replace("{value}", row["value"]).replace("{total}", row.get("total", ""))
    if _own_name(row):
        return _own_name(row)
    if referred and row.get("status"):
        return f"{referred[0]}: {row['status']}"
    if len(referred) > 1:
        return " → ".join(referred)
    return row.get("note", "").rstrip(".") or row[key]


def parse_passages(qmd_text: str, filename: str = "brief.qmd") -> list[Passage]:
    """The ``.analysis`` divs of a Quarto document, with the line each starts on."""
    passages, lines = [], qmd_text.splitlines()
    i = 0
    while i < len(lines):
        match = _DIV_OPEN.match(lines[i])
        attrs = match["attrs"] if match else ""
        if not match or f".{PASSAGE_CLASS}" not in attrs.split():
            i += 1
            continue
        start, fence = i + 1, match.group(1)
        end = next((j for j in range(i + 1, len(lines)) if _DIV_CLOSE.match(lines[j])
                    and len(lines[j].strip()) >= len(fence)), None)
        if end is None:
            raise ProseError(f"{filename}:{start}: the analysis passage is never closed",
                             f"end it with a line '{fence}'")
        values = {m["key"]: m["value"] for m in _ATTR.finditer(attrs)}
        ident = next((t[1:] for t in attrs.split() if t.startswith("#")), "")
        if not ident:
            raise ProseError(f"{filename}:{start}: the analysis passage has no id",
                             "give it one, e.g. ::: {#pa-border .analysis rests-on=\"…\" reviewed=\"…\"}")
        passages.append(Passage(ident, f"{filename}:{start}", "\n".join(lines[i + 1:end]),
                                tuple(values.get("rests-on", "").split()), _reviewed(values.get("reviewed"),
                                                                                     f"{filename}:{start}")))
        i = end + 1
    return passages


def _reviewed(value: str | None, where: str) -> dt.date:
    if value is None:
        raise ProseError(f"{where}: the analysis passage has no reviewed date",
                         'write reviewed="YYYY-MM-DD": the day the passage was last checked against the data')
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ProseError(f"{where}: reviewed='{value}' is not a date",
                         'write reviewed="YYYY-MM-DD": the day the passage was last checked against the data') from None


def check_references(passages: list[Passage], index: FactIndex) -> None:
    """Refuse unknown facts and numbers that no fact carries (one line each, all at once)."""
    problems = []
    for p in passages:
        if not p.rests_on:
            problems.append(f"{p.where}: rests-on is empty (name the facts the passage rests on)")
        carried: set[str] = set()
        for ref in p.rests_on:
            if ref.startswith(TRACK_PREFIX):
                if ref[len(TRACK_PREFIX):] not in index.tracks:
                    hint = did_you_mean(ref[len(TRACK_PREFIX):], index.tracks)
                    problems.append(f"{p.where}: rests on unknown track '{ref}' "
                                    f"({hint or 'see data/vocabulary/tracks.csv'})")
            elif ref not in index.facts:
                hint = did_you_mean(ref, index.facts)
                problems.append(f"{p.where}: rests on '{ref}', which is not a fact id in data/ "
                                f"({hint or 'give the id of a row of a fact table'})")
            else:
                carried |= index.facts[ref].numbers
        for number in sorted(_numbers(p.text) - carried, key=lambda n: (len(n), n)):
            problems.append(f"{p.where}: the number {number} is not carried by any fact it rests on "
                            f"(write the figure from the data, or add the fact that states it to rests-on)")
    if problems:
        raise ProseError(f"{len(problems)} problem(s) in analyst prose:\n" + "\n".join(problems),
                         "fix the passages above, then build again")


def judge(passage: Passage, index: FactIndex, view: knowledge.View) -> Verdict:
    """Shown or omitted in ``view``, and which facts changed since the passage was reviewed."""
    cited = [index.facts[r] for r in passage.rests_on if r in index.facts]
    missing = tuple(f.id for f in cited if not view.includes(f.date_end, f.known_end))
    if missing:
        return Verdict(passage, shown=False, missing=missing)
    tracks = {t for f in cited for t in f.tracks} | {r[len(TRACK_PREFIX):] for r in passage.rests_on
                                                    if r.startswith(TRACK_PREFIX)}
    reviewed = passage.reviewed or dt.date.min
    changed = tuple(sorted((f for f in index.facts.values()
                            if f.tracks & tracks and f.known_end > reviewed and f.id not in passage.rests_on
                            and view.includes(f.date_end, f.known_end)),
                           key=lambda f: (f.known_end, f.date_end, f.id)))
    return Verdict(passage, shown=True, changed=changed)
