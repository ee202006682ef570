"""The brief's parameters, declared once.

:class:`ParameterForms` (pydantic) is the one declaration: its fields drive ``-p NAME=VALUE`` and
``--params`` on the CLI, ``brief params``, edition files and the notebooks' parameters cells
(:func:`parameters_cell`). Forms are checked before anything is read (an unknown name gets
"did you mean …?", a malformed value says what is expected); :func:`resolve` then fills the
defaults from the data — never from the clock — and checks values against the vocabulary, so
``mediators`` accepts any actor in ``data/vocabulary/actors.csv``.

Besides the user's parameters, notebooks receive two context parameters from the build
(:data:`CONTEXT_PARAMETERS`): the edition (title, previous edition, analyst judgments, trend
overrides) and the provenance of the tools that make the outputs. A notebook declares every
user parameter and only the context parameters its code uses (:func:`declared_parameters`):
the build keys a notebook's cached result on what it declares, so a change of engine re-executes
only the notebook that shows the provenance.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .dates import one_year_before
from .exceptions import ParameterError
from .knowledge import View
from .safe_yaml import load_yaml_file
from .text import did_you_mean

LATEST = "latest"  # known_by: every fact in the data
ALL = "all"  # mediators: every actor
NO_MEDIATOR = "none"  # mediators: meetings for which the sources name no mediator
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[a-z0-9_]+")


def _date(name: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    example = f"expected YYYY-MM-DD, e.g. {name}=2024-06-30"
    if not _DATE.fullmatch(text):
        raise ParameterError(f"parameter {name}: '{value}' is not a date", example)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as err:
        raise ParameterError(f"parameter {name}: '{value}' is not a real date ({err})", example) from None
    if not 1900 <= day.year <= 2100:
        raise ParameterError(f"parameter {name}: {day} is out of range", "give a date between 1900 and 2100")
    return day


class ParameterForms(BaseModel):
    """Every parameter a user may set; ``None`` means "the default, from the data"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: dt.date | None = Field(None, title="date (YYYY-MM-DD)", description=(
        "Only facts whose date (at its stated precision) ended on or before this day are used."),
        json_schema_extra={"default_text": "the latest day by which a fact in data/ happened or became known",
                           "example": "2024-06-30"})
    known_by: dt.date | Literal["latest"] | None = Field(None, title="date (YYYY-MM-DD) or latest", description=(
        "Only facts reported (and sources published) by this day are used; 'latest' gives the retrospective "
        "view: what we now know happened by as_of."),
        json_schema_extra={"default_text": "as_of: the brief as it could have been written that day",
                           "example": "latest"})
    since: dt.date | None = Field(None, title="date (YYYY-MM-DD)", description=(
        "Start of the window: meetings, the events per track and what changed cover since to as_of."),
        json_schema_extra={"default_text": "one year before as_of", "example": "2024-01-01"})
    mediators: tuple[str, ...] | None = Field(None, title="comma-separated actor ids, 'none' or 'all'", description=(
        "Whose meetings are shown: actors from data/vocabulary/actors.csv, plus 'none' for meetings without a "
        "named mediator."), json_schema_extra={"default_text": "all", "example": "none"})
    period: Literal["month", "quarter"] | None = Field(None, title="month or quarter", description=(
        "Bin size of the meeting counts."), json_schema_extra={"default_text": "quarter", "example": "month"})

    @field_validator("as_of", "since", mode="before")
    @classmethod
    def _day(cls, value, info):
        return None if value in (None, "") else _date(info.field_name, value)

    @field_validator("known_by", mode="before")
    @classmethod
    def _known_by(cls, value):
        if value in (None, ""):
            return None
        text = str(value).strip()
        if text == LATEST:
            return LATEST
        if not isinstance(value, dt.date) and not _DATE.fullmatch(text):
            hint = did_you_mean(text, (LATEST,))
            raise ParameterError(f"parameter known_by: '{value}' is neither a date nor '{LATEST}'",
                                 f"{hint + ' ' if hint else ''}expected YYYY-MM-DD or {LATEST}, e.g. known_by={LATEST}")
        return _date("known_by", value)

    @field_validator("mediators", mode="before")
    @classmethod
    def _mediators(cls, value):
        if value in (None, ""):
            return None
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        items = tuple(str(i).strip() for i in items if str(i).strip())
        for item in items:
            if not _ID.fullmatch(item):
                raise ParameterError(f"parameter mediators: '{item}' is not an actor id",
                                     "use lowercase ids from data/vocabulary/actors.csv, 'none' or 'all', "
                                     "comma-separated")
        return None if items in ((), (ALL,)) else items

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value):
        if value in (None, ""):
            return None
        text = str(value).strip()
        periods = ("month", "quarter")
        if text not in periods:
            hint = did_you_mean(text, periods)
            raise ParameterError(f"parameter period: '{value}' is not a period",
                                 f"{hint + ' ' if hint else ''}expected one of {', '.join(periods)}")
        return text


NAMES = tuple(ParameterForms.model_fields)


@dataclass(frozen=True)
class ContextParameter:
    name: str
    help: str


CONTEXT_PARAMETERS = (
    ContextParameter("edition", "the edition: title, previous edition's view, analyst judgments, trend overrides"),
    ContextParameter("provenance", "the engine and tool versions that make the outputs (for the colophon)"),
)
NOTEBOOK_PARAMETERS = NAMES + tuple(c.name for c in CONTEXT_PARAMETERS)


def declared_parameters(used: set[str]) -> tuple[str, ...]:
    """What the parameters cell of a notebook whose code reads the names ``used`` declares: every user
    parameter (``nbout.setup`` resolves them all) and the context parameters among ``used``."""
    return NAMES + tuple(c.name for c in CONTEXT_PARAMETERS if c.name in used)


def check_forms(raw: dict) -> ParameterForms:
    """Check names and value forms without reading any data (refuses before anything is written)."""
    for name in raw:
        if name not in NAMES:
            hint = did_you_mean(str(name), NAMES)
            raise ParameterError(f"unknown parameter '{name}'",
                                 f"{hint + ' ' if hint else ''}see `brief params` for the list")
    return ParameterForms(**{k: v for k, v in raw.items() if v is not None})


@dataclass(frozen=True)
class DataDefaults:
    """What the data says the defaults and the allowed values are."""

    latest: dt.date  # default as_of
    latest_known: dt.date  # what known_by=latest means
    actors: tuple[str, ...]  # every actor id, in vocabulary order


@dataclass(frozen=True)
class Params:
    """Resolved, checked parameters: every value concrete."""

    as_of: dt.date
    known_by: dt.date
    since: dt.date
    mediators: tuple[str, ...]
    all_mediators: bool
    period: str

    @property
    def view(self) -> View:
        return View(self.as_of, self.known_by)

    def to_notebook(self) -> dict:
        """JSON-friendly values, as injected by papermill and recorded in the manifest."""
        return {"as_of": self.as_of.isoformat(), "known_by": self.known_by.isoformat(),
                "since": self.since.isoformat(), "mediators": list(self.mediators), "period": self.period}


def resolve(raw: dict | ParameterForms, defaults: DataDefaults) -> Params:
    """Fill the defaults from the data and check values against it."""
    forms = raw if isinstance(raw, ParameterForms) else check_forms(raw)
    as_of = forms.as_of or defaults.latest
    known_by = {None: as_of, LATEST: max(defaults.latest_known, as_of)}.get(forms.known_by, forms.known_by)
    if known_by < as_of:
        raise ParameterError(f"known_by ({known_by}) is before as_of ({as_of})",
                             "a brief cannot know less than what had happened by its date: use known_by on or "
                             "after as_of, or known_by=latest")
    since = forms.since or one_year_before(as_of)
    if since > as_of:
        raise ParameterError(f"since ({since}) is after as_of ({as_of})",
                             "the window must start on or before as_of: swap the dates")
    choices = (*defaults.actors, NO_MEDIATOR)
    for item in forms.mediators or ():
        if item not in choices:
            hint = did_you_mean(item, choices)
            raise ParameterError(f"parameter mediators: unknown actor '{item}'",
                                 f"{hint + ' ' if hint else ''}see data/vocabulary/actors.csv, or use 'none' for "
                                 "meetings without a named mediator")
    # Canonical order, so the same subset always gives the same brief.
    selected = tuple(c for c in choices if forms.mediators is None or c in forms.mediators)
    return Params(as_of=as_of, known_by=known_by, since=since, mediators=selected,
                  all_mediators=selected == choices, period=forms.period or "quarter")


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
    """A ``--params`` YAML file of NAME: VALUE lines (read within the project, bounded)."""
    # Values stay the text the user wrote (as on the CLI and in edition files): YAML's own date parsing
    # would crash on 2024-02-30 instead of saying what is wrong.
    loaded = load_yaml_file(path, root=Path.cwd(), error=ParameterError, what="parameters file",
                            strings=True) or {}
    if not isinstance(loaded, dict):
        raise ParameterError(f"{path}: expected a mapping of NAME: VALUE", "write NAME: VALUE lines")
    return loaded


def describe() -> list[dict[str, str]]:
    """name, type, default, help and example of every parameter, for `brief params`."""
    out = []
    for name, field in ParameterForms.model_fields.items():
        extra = field.json_schema_extra or {}
        out.append({"name": name, "type": field.title or "", "default": extra.get("default_text", ""),
                    "help": field.description or "", "example": extra.get("example", "")})
    return out


def parameters_cell(names: tuple[str, ...]) -> str:
    """The source of a notebook's cell tagged ``parameters`` declaring ``names`` (all default to None)."""
    # No second '=' on a line: papermill (inspect_notebook, --help-notebook) skips such lines.
    helps = {d["name"]: f"{d['type']}; default: {d['default']}" for d in describe()}
    helps.update({c.name: f"set by the build: {c.help}" for c in CONTEXT_PARAMETERS})
    return "\n".join(f"{name} = None  # {helps[name]}" for name in names)
