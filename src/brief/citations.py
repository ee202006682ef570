"""How the brief cites its sources: one numbered key per source, one full, graded list.

Sources are numbered by publication date (then id) among those published by the view's
``known_by`` — the brief never cites a source it could not have read — so every notebook
numbers them the same way from the ``sources`` table alone. In text and tables a source is
``[1]``; charts name it in their source note; the Sources section gives the full citation and
grades each source: who it is, when it was published, how it knows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .knowledge import View


@dataclass(frozen=True)
class Citations:
    numbers: dict[str, int]  # source_id -> 1, 2, …
    sources: pd.DataFrame  # the citable sources, in number order

    @classmethod
    def for_view(cls, sources: pd.DataFrame, view: View) -> Citations:
        citable = sources[sources["date_end"].map(view.can_cite).astype(bool)]
        citable = citable.sort_values(["date_end", "date_start", "source_id"]).reset_index(drop=True)
        return cls({sid: i for i, sid in enumerate(citable["source_id"], 1)}, citable)

    def key(self, source_id: str) -> str:
        """'[1]' — the in-text citation of one source."""
        return f"[{self.numbers[source_id]}]"

    def keys(self, source_ids) -> str:
        """'[1, 2]' — several sources, in number order, each once."""
        numbers = sorted({self.numbers[s] for s in source_ids})
        return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""

    def note(self, source_ids) -> str:
        """'Sources: [1] Anonymous review of 2024; [2] Niazi, …' — a chart's source note."""
        ids = sorted(set(source_ids), key=lambda s: self.numbers[s])
        if not ids:
            return "Source: none in this window."
        names = "; ".join(f"{self.key(s)} {self.sources.loc[self.numbers[s] - 1, 'cite_as']}" for s in ids)
        return f"{'Sources' if len(ids) > 1 else 'Source'}: {names}."
