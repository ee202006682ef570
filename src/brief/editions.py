"""Editions: named, committed briefs in ``editions/<name>.yml``.

An edition fixes the parameters (``as_of`` and optionally ``known_by``, ``since``, ``mediators``,
``period`` — the same forms as ``-p``), gives the brief a title and notes, and carries the
analyst's front page: a one-sentence ``headline`` and at most three key ``judgments``, each with
the facts it ``rests_on`` (and, for judgments, a ``confidence`` level from
``data/vocabulary/confidence.csv``), reviewed on ``reviewed``. It may override the derived trend
of a track with a stated reason.

Editions are ordered by ``as_of``; an edition's previous edition is the one with the latest
earlier ``as_of``. A build without ``--edition`` takes its front page from the latest edition
at or before its ``as_of`` (checked, and marked stale, like any analyst prose).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import EditionError, ParameterError
from .params import NAMES as PARAMETER_NAMES
from .params import ParameterForms, check_forms
from .prose import Passage
from .safe_yaml import load_yaml_file
from .text import did_you_mean, shown

EDITIONS_DIR = "editions"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
TRENDS = ("improved", "deteriorated", "unchanged")
MAX_JUDGMENTS = 3
KEYS = ("title", "notes", *PARAMETER_NAMES, "reviewed", "headline", "judgments", "trend_overrides")


@dataclass(frozen=True)
class TrendOverride:
    trend: str
    reason: str


@dataclass(frozen=True)
class Judgment:
    text: str
    rests_on: tuple[str, ...]
    confidence: str = ""  # a confidence level id; empty for the headline


@dataclass(frozen=True)
class Edition:
    name: str
    title: str
    path: str  # as messages show it, e.g. editions/2024-12.yml
    forms: ParameterForms
    notes: str = ""
    reviewed: dt.date | None = None
    headline: Judgment | None = None
    judgments: tuple[Judgment, ...] = ()
    trend_overrides: dict[str, TrendOverride] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.forms.as_of

    @property
    def params(self) -> dict:
        """The edition's parameters as raw values (what ``-p`` would pass)."""
        return self.forms.model_dump(exclude_none=True)

    def passages(self) -> list[Passage]:
        """The headline and judgments as analyst passages, for the prose checks."""
        items = [("headline", self.headline)] if self.headline else []
        items += [(f"judgments[{i}]", j) for i, j in enumerate(self.judgments, 1)]
        return [Passage(f"{self.name}:{key}", f"{self.path}: {key}", j.text, j.rests_on, self.reviewed)
                for key, j in items]


def check_name(name: str) -> str:
    """Edition names become directory names under reports/: no separators, no '..'."""
    if not NAME_PATTERN.fullmatch(name) or ".." in name:
        raise EditionError(f"'{shown(name)}' is not a valid edition name",
                           "use letters, digits, '.', '_' and '-' only, e.g. 2024-12")
    return name


def _text(label: str, key: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EditionError(f"{label}: {key} must be text", f"write {key}: \"…\"")
    return " ".join(value.split())


def _judgment(label: str, key: str, raw, *, confidence: bool) -> Judgment:
    expected = "text, rests_on" + (" and confidence" if confidence else "")
    if not isinstance(raw, dict) or set(raw) - {"text", "rests_on", "confidence"}:
        raise EditionError(f"{label}: {key} must be a mapping of {expected}",
                           f"e.g. {key}: {{text: \"…\", rests_on: [pr_share_2024_12]" +
                           (", confidence: …}" if confidence else "}"))
    rests_on = raw.get("rests_on")
    if not isinstance(rests_on, list) or not rests_on or not all(isinstance(r, str) for r in rests_on):
        raise EditionError(f"{label}: {key}: rests_on must list the fact ids it rests on",
                           "e.g. rests_on: [pr_share_2024_12, ev_2023_10_bilateral]")
    level = raw.get("confidence", "")
    if confidence and not (isinstance(level, str) and level.strip()):
        raise EditionError(f"{label}: {key}: confidence is missing",
                           "give a level_id of data/vocabulary/confidence.csv")
    return Judgment(_text(label, f"{key}.text", raw.get("text")), tuple(r.strip() for r in rests_on),
                    level.strip() if confidence else "")


def _forms(label: str, raw: dict) -> ParameterForms:
    try:
        return check_forms({k: raw[k] for k in PARAMETER_NAMES if k in raw})
    except ParameterError as err:
        raise EditionError(f"{label}: {err.message}", err.fix) from None


def load_edition(path: Path, project_root: Path) -> Edition:
    path = Path(path)
    name = check_name(path.stem)
    label = f"{EDITIONS_DIR}/{path.name}"
    raw = load_yaml_file(path, root=project_root, error=EditionError, what="edition file", strings=True) or {}
    if not isinstance(raw, dict):
        raise EditionError(f"{label}: expected 'key: value' lines", f"allowed keys: {', '.join(KEYS)}")
    for key in raw:
        if key not in KEYS:
            hint = did_you_mean(str(key), KEYS)
            raise EditionError(f"{label}: unknown key '{key}'",
                               f"{hint + ' ' if hint else ''}allowed keys: {', '.join(KEYS)}")
    if "as_of" not in raw:
        raise EditionError(f"{label}: as_of is missing", "every edition fixes its date: as_of: YYYY-MM-DD")
    forms = _forms(label, raw)
    headline = _judgment(label, "headline", raw["headline"], confidence=False) if "headline" in raw else None
    judgments = raw.get("judgments") or []
    if not isinstance(judgments, list) or len(judgments) > MAX_JUDGMENTS:
        raise EditionError(f"{label}: judgments must be a list of at most {MAX_JUDGMENTS}",
                           "keep the key judgments that matter most")
    items = tuple(_judgment(label, f"judgments[{i}]", j, confidence=True) for i, j in enumerate(judgments, 1))
    reviewed = None
    if headline or items:
        if "reviewed" not in raw:
            raise EditionError(f"{label}: reviewed is missing",
                               "give the day the headline and judgments were last checked: reviewed: YYYY-MM-DD")
        reviewed = _reviewed(label, raw["reviewed"])
    return Edition(name=name, title=_text(label, "title", raw.get("title") or f"Edition {name}"), path=label,
                   forms=forms, notes=" ".join(str(raw.get("notes") or "").split()), reviewed=reviewed,
                   headline=headline, judgments=items, trend_overrides=_overrides(label, raw.get("trend_overrides")))


def _reviewed(label: str, value) -> dt.date:
    text = str(value).strip()
    with contextlib.suppress(ValueError):
        if DATE_PATTERN.fullmatch(text):
            return dt.date.fromisoformat(text)
    raise EditionError(f"{label}: reviewed: '{shown(text)}' is not a date",
                       "write reviewed: YYYY-MM-DD, the day the headline and judgments were last checked")


def _overrides(label: str, raw) -> dict[str, TrendOverride]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise EditionError(f"{label}: trend_overrides must map a track to trend and reason",
                           "e.g. trend_overrides: {border: {trend: deteriorated, reason: ...}}")
    result = {}
    for track, spec in raw.items():
        if not isinstance(spec, dict) or spec.get("trend") not in TRENDS or not str(spec.get("reason") or "").strip():
            raise EditionError(f"{label}: trend_overrides: {track} needs a trend and a reason",
                               f"write trend: one of {', '.join(TRENDS)} and reason: why the analyst overrides it")
        result[str(track)] = TrendOverride(spec["trend"], " ".join(str(spec["reason"]).split()))
    return result


def list_editions(project_root: Path) -> list[Edition]:
    """All editions, oldest first (by as_of, then name)."""
    folder = Path(project_root) / EDITIONS_DIR
    editions = [load_edition(p, Path(project_root)) for p in sorted(folder.glob("*.yml"))] if folder.is_dir() else []
    return sorted(editions, key=lambda e: (e.as_of, e.name))


def find_edition(project_root: Path, name: str) -> Edition:
    check_name(name)
    editions = list_editions(project_root)
    for edition in editions:
        if edition.name == name:
            return edition
    names = [e.name for e in editions]
    hint = did_you_mean(name, names)
    raise EditionError(f"no edition named '{name}'",
                       f"{hint + ' ' if hint else ''}see `brief editions` ({', '.join(names) or 'none yet'})")


def previous_edition(editions: list[Edition], as_of: dt.date, since: dt.date) -> Edition | None:
    """The edition this build's window continues: the latest one before ``as_of``, if its as_of is the day
    before ``since``. Otherwise "what changed" would cover another period than the rest of the brief."""
    earlier = [e for e in editions if e.as_of < as_of]
    if earlier and earlier[-1].as_of == since - dt.timedelta(days=1):
        return earlier[-1]
    return None


def front_page_edition(editions: list[Edition], chosen: Edition | None, as_of: dt.date) -> Edition | None:
    """Whose headline and judgments a build shows: its own edition's, else the latest at or before as_of."""
    if chosen is not None:
        return chosen
    earlier = [e for e in editions if e.as_of <= as_of and (e.headline or e.judgments)]
    return earlier[-1] if earlier else None


def edition_context(chosen: Edition | None, previous: Edition | None, front: Edition | None) -> dict:
    """The ``edition`` notebook parameter (JSON): title, previous edition's view, front page, overrides."""
    def judgment(j: Judgment | None):
        return None if j is None else {"text": j.text, "rests_on": list(j.rests_on), "confidence": j.confidence}

    return {
        "name": chosen.name if chosen else None,
        "title": chosen.title if chosen else None,
        "notes": chosen.notes if chosen else "",
        "previous": None if previous is None else {
            "name": previous.name, "title": previous.title,
            "params": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in previous.params.items()}},
        "front_page": None if front is None else {
            "edition": front.name, "path": front.path,
            "reviewed": front.reviewed.isoformat() if front.reviewed else None,
            "headline": judgment(front.headline), "judgments": [judgment(j) for j in front.judgments]},
        "trend_overrides": {track: {"trend": o.trend, "reason": o.reason}
                            for track, o in (chosen.trend_overrides.items() if chosen else ())},
    }
