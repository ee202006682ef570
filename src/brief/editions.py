"""Editions: named, committed parameter sets in ``editions/<name>.yml``.

An edition fixes ``as_of`` (and optionally ``since``, ``mediators``, ``period``), gives the
brief a title and notes, and may override the derived trend marker of a track with a stated
reason. Editions are ordered by ``as_of``; the previous edition of an edition is the one with
the latest earlier ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import EditionError
from .safe_yaml import load_yaml_file
from .text import did_you_mean

EDITIONS_DIR = "editions"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TRACKS = ("peace_agreement", "border", "connectivity")
TRENDS = ("improved", "deteriorated", "unchanged")
KEYS = ("title", "as_of", "since", "mediators", "period", "notes", "trend_overrides")


@dataclass(frozen=True)
class TrendOverride:
    trend: str
    reason: str


@dataclass(frozen=True)
class Edition:
    name: str
    title: str
    as_of: dt.date
    params: dict = field(default_factory=dict)  # raw build parameters (as_of, since, …)
    notes: str = ""
    trend_overrides: dict[str, TrendOverride] = field(default_factory=dict)

    def file_stem(self) -> str:
        """Stable, shareable output name, e.g. armenia-azerbaijan-brief-2024-12."""
        return f"armenia-azerbaijan-brief-{self.name}"


def check_name(name: str) -> str:
    """Edition names become directory names under reports/: no separators, no '..'."""
    if not NAME_PATTERN.match(name) or ".." in name:
        raise EditionError(f"'{name}' is not a valid edition name",
                           "use letters, digits, '.', '_' and '-' only, e.g. 2024-12")
    return name


def _date(path: Path, key: str, value) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise EditionError(f"{path}: {key}: '{value}' is not a date",
                           f"write {key}: YYYY-MM-DD, e.g. {key}: 2024-06-30") from None


def load_edition(path: Path) -> Edition:
    path = Path(path)
    name = check_name(path.stem)
    # Strings only: every scalar stays a string, so dates are checked here with a clear message.
    raw = load_yaml_file(path, root=path.parent.parent, error=EditionError, what="edition file",
                         strings=True) or {}
    if not isinstance(raw, dict):
        raise EditionError(f"{path}: expected 'key: value' lines", f"allowed keys: {', '.join(KEYS)}")
    for key in raw:
        if key not in KEYS:
            hint = did_you_mean(str(key), KEYS)
            raise EditionError(f"{path}: unknown key '{key}'",
                               f"{hint + ' ' if hint else ''}allowed keys: {', '.join(KEYS)}")
    if "as_of" not in raw:
        raise EditionError(f"{path}: as_of is missing", "every edition fixes its date: as_of: YYYY-MM-DD")
    as_of = _date(path, "as_of", raw["as_of"])
    params = {"as_of": as_of.isoformat()}
    if "since" in raw:
        since = _date(path, "since", raw["since"])
        if since > as_of:
            raise EditionError(f"{path}: since ({since}) is after as_of ({as_of})", "swap the two dates")
        params["since"] = since.isoformat()
    for key in ("mediators", "period"):
        if key in raw:
            params[key] = raw[key]
    return Edition(name=name, title=str(raw.get("title") or f"Edition {name}"), as_of=as_of,
                   params=params, notes=str(raw.get("notes") or ""),
                   trend_overrides=_overrides(path, raw.get("trend_overrides") or {}))


def _overrides(path: Path, raw) -> dict[str, TrendOverride]:
    if not isinstance(raw, dict):
        raise EditionError(f"{path}: trend_overrides must map a track to trend and reason",
                           "e.g. trend_overrides: {border: {trend: deteriorated, reason: ...}}")
    result = {}
    for track, spec in raw.items():
        if track not in TRACKS:
            hint = did_you_mean(str(track), TRACKS)
            raise EditionError(f"{path}: trend_overrides: unknown track '{track}'",
                               f"{hint + ' ' if hint else ''}tracks: {', '.join(TRACKS)}")
        if not isinstance(spec, dict) or spec.get("trend") not in TRENDS or not str(spec.get("reason") or "").strip():
            raise EditionError(f"{path}: trend_overrides: {track} needs a trend and a reason",
                               f"write trend: one of {', '.join(TRENDS)} and reason: why the analyst overrides it")
        result[track] = TrendOverride(spec["trend"], str(spec["reason"]).strip())
    return result


def list_editions(project_root: Path) -> list[Edition]:
    """All editions, oldest first (by as_of, then name)."""
    folder = Path(project_root) / EDITIONS_DIR
    editions = [load_edition(p) for p in sorted(folder.glob("*.yml"))] if folder.is_dir() else []
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


def previous_edition(editions: list[Edition], as_of: dt.date) -> Edition | None:
    """The edition with the latest as_of strictly before ``as_of``."""
    earlier = [e for e in editions if e.as_of < as_of]
    return earlier[-1] if earlier else None
