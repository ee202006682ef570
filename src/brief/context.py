"""The typed context every analysis, chart and section function takes.

``Context`` = the dataset + the resolved parameters (and so the view) + the edition (title,
previous edition's view, analyst front page, trend overrides) + the provenance of the tools.
Notebooks build it with ``nbout.setup``; tests build it directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from . import prose
from .citations import Citations
from .dataset import Dataset
from .knowledge import View
from .params import Params, resolve
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class PreviousEdition:
    name: str
    title: str
    params: Params

    @property
    def label(self) -> str:
        from .dates import long_day

        return f"{self.title} ({long_day(self.params.as_of)})"


@dataclass(frozen=True)
class Context:
    ds: Dataset
    params: Params
    edition: dict = field(default_factory=dict)  # the `edition` notebook parameter (editions.edition_context)
    provenance: dict = field(default_factory=dict)  # {"engine": …, "versions": {tool: version}}

    @property
    def vocab(self) -> Vocabulary:
        return self.ds.vocab

    @property
    def view(self) -> View:
        return self.params.view

    @property
    def as_of(self) -> dt.date:
        return self.params.as_of

    def facts(self, table: str) -> pd.DataFrame:
        """Rows of a fact table in this edition's view."""
        return self.ds.in_view(table, self.view)

    @cached_property
    def derived(self) -> dict[str, pd.DataFrame]:
        """Frames derived from this context's facts, each computed once per context (see
        analysis.chain_nodes): several sections of one notebook ask for the same one."""
        return {}

    @cached_property
    def names(self) -> frozenset[str]:
        """Words that stay capitalised inside a sentence: the actors' names (every word of a state's or an
        organisation's label, a person's short label), for ``text.in_sentence``."""
        actors = self.vocab["actors"]
        words = set()
        for actor in actors.ids():
            label = actors.short(actor) if actors[actor]["type"] == "person" else actors.label(actor)
            words |= {w for w in label.replace("(", " ").split() if w[:1].isupper() and len(w) > 2}
        return frozenset(words)

    @cached_property
    def citations(self) -> Citations:
        return Citations.for_view(self.ds["sources"], self.view)

    @cached_property
    def index(self) -> prose.FactIndex:
        """Every fact by id, for analyst prose (pandas-free, see ``prose``)."""
        return prose.build_index(self.ds.descriptor, self.ds.rows)

    def verdict(self, key: str, item: dict, front: dict) -> prose.Verdict:
        """How an analyst text of the front page (``edition.front_page``) fares in this view."""
        reviewed = dt.date.fromisoformat(front["reviewed"]) if front.get("reviewed") else None
        passage = prose.Passage(key, f"{front['path']}: {key.split(':', 1)[-1]}", item["text"],
                                tuple(item["rests_on"]), reviewed)
        return prose.judge(passage, self.index, self.view)

    @cached_property
    def previous(self) -> PreviousEdition | None:
        spec = (self.edition or {}).get("previous")
        if not spec:
            return None
        return PreviousEdition(spec["name"], spec["title"], resolve(spec["params"], self.ds.defaults))

    @cached_property
    def baseline(self) -> View:
        """What 'what changed' compares with: the previous edition's view, else the window's start as now known."""
        if self.previous is not None:
            return self.previous.params.view
        start = self.params.since - dt.timedelta(days=1)
        return View(start, self.view.known_by)
