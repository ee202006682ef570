"""The brief's parameters: one typed definition shared by the CLI, the build and every notebook.

Parameters are checked before any kernel starts: an unknown name gets "did you mean …?",
a malformed value says what is expected, and an inverted window is refused.
Defaults come from the data (never from the clock), so the same data builds the same brief.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import ParameterError
from .safe_yaml import load_yaml_file
from .text import did_you_mean

MEDIATORS = ("bilateral", "united_states", "germany_eu", "russia", "osce_minsk_group", "turkey",
             "summit_host")
PERIODS = ("month", "quarter")


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    default: str
    help: str


SPECS = (
    ParamSpec("as_of", "date (YYYY-MM-DD)", "the end of the latest dated fact in data/",
              "Only facts whose date (at its stated precision) ended on or before this day are used."),
    ParamSpec("since", "date (YYYY-MM-DD)", "one year before as_of",
              "Start of the window for meeting cadence, key judgments and 'what changed'."),
    ParamSpec("mediators", "list of " + "|".join(MEDIATORS), "all",
              "Mediators/facilitators whose meetings are shown, comma-separated."),
    ParamSpec("period", "|".join(PERIODS), "quarter", "Bin size for meeting counts."),
)
NAMES = tuple(spec.name for spec in SPECS)


@dataclass(frozen=True)
class Params:
    as_of: dt.date
    since: dt.date
    mediators: tuple[str, ...] = field(default=MEDIATORS)
    period: str = "quarter"

    def to_notebook(self) -> dict:
        """JSON-friendly values, as injected by papermill and recorded in the manifest."""
        return {"as_of": self.as_of.isoformat(), "since": self.since.isoformat(),
                "mediators": list(self.mediators), "period": self.period}


def _date(name: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ParameterError(f"parameter {name}: '{value}' is not a date",
                             f"expected YYYY-MM-DD, e.g. {name}=2024-06-30")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise ParameterError(f"parameter {name}: '{value}' is not a real date ({err})",
                             f"expected YYYY-MM-DD, e.g. {name}=2024-06-30") from None


def _mediators(value) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    items = [str(i).strip() for i in items if str(i).strip()]
    if not items or items == ["all"]:
        return MEDIATORS
    for item in items:
        if item not in MEDIATORS:
            hint = did_you_mean(item, MEDIATORS)
            raise ParameterError(f"parameter mediators: unknown mediator '{item}'",
                                 f"{hint + ' ' if hint else ''}expected a comma-separated subset of "
                                 f"{', '.join(MEDIATORS)}")
    # Keep the canonical order so that the same subset always gives the same brief.
    return tuple(m for m in MEDIATORS if m in items)


def _period(value) -> str:
    text = str(value).strip()
    if text not in PERIODS:
        hint = did_you_mean(text, PERIODS)
        raise ParameterError(f"parameter period: '{value}' is not a period",
                             f"{hint + ' ' if hint else ''}expected one of {', '.join(PERIODS)}")
    return text


def check_names(raw: dict) -> None:
    for name in raw:
        if name not in NAMES:
            hint = did_you_mean(name, NAMES)
            raise ParameterError(f"unknown parameter '{name}'",
                                 f"{hint + ' ' if hint else ''}see `brief params` for the list")


def resolve(raw: dict, latest: dt.date) -> Params:
    """Turn raw values (strings from the CLI, YAML values, or None) into checked Params.

    ``latest`` is the dataset's latest date, the default ``as_of``.
    """
    check_names(raw)
    given = {k: v for k, v in raw.items() if v is not None and v != ""}
    as_of = _date("as_of", given["as_of"]) if "as_of" in given else latest
    since = _date("since", given["since"]) if "since" in given else _one_year_before(as_of)
    if since > as_of:
        raise ParameterError(f"since ({since}) is after as_of ({as_of})",
                             "the window must start on or before as_of: swap the dates")
    return Params(as_of=as_of, since=since,
                  mediators=_mediators(given["mediators"]) if "mediators" in given else MEDIATORS,
                  period=_period(given["period"]) if "period" in given else "quarter")


def _one_year_before(day: dt.date) -> dt.date:
    start = day.replace(year=day.year - 1) if not (day.month == 2 and day.day == 29) \
        else day.replace(year=day.year - 1, day=28)
    return start + dt.timedelta(days=1)


def parse_assignments(pairs: tuple[str, ...] | list[str]) -> dict:
    """``['as_of=2024-06-30', …]`` → dict; a pair without '=' is an error."""
    raw = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"parameter '{pair}' is not NAME=VALUE", "write e.g. -p as_of=2024-06-30")
        raw[name.strip()] = value.strip()
    return raw


def read_params_file(path: Path) -> dict:
    loaded = load_yaml_file(path, root=Path.cwd(), error=ParameterError, what="parameters file") or {}
    if not isinstance(loaded, dict):
        raise ParameterError(f"{path}: expected a mapping of NAME: VALUE", "write NAME: VALUE lines")
    return loaded
