"""Prose and tables for the brief, every number computed from the data.

Each function returns pandoc Markdown in which every string taken from the data went through
``md_escape``. An empty selection gives an explicit "No data in this window" sentence.
"""

from __future__ import annotations

from . import analysis
from .dataset import Dataset
from .nbout import md_escape
from .params import Params

NO_DATA = "No data in this window"


def _day(day) -> str:
    return f"{day:%-d %B %Y}"


def progress_summary(ds: Dataset, params: Params) -> str:
    known = analysis.progress_known(ds, params)
    change = analysis.share_change(known)
    if change is None:
        return f"{NO_DATA}: no figure on the draft agreement is known by {_day(params.as_of)}."
    stated = " and ".join(md_escape(s) for s in change.last_stated_by)
    if change.first_label == change.last_label:
        text = (f"By {md_escape(change.last_label)}, {change.last_value:g}% of the draft agreement text "
                f"was agreed (stated by {stated}).")
    else:
        text = (f"The share of the draft agreement text agreed went from {change.first_value:g}% "
                f"({md_escape(change.first_label)}) to {change.last_value:g}% "
                f"({md_escape(change.last_label)}), a change of {change.last_value - change.first_value:+g} "
                f"percentage points (latest figure stated by {stated}).")
    articles = analysis.latest_figure(known, "articles_agreed")
    if articles is not None:
        text += (f" {md_escape(articles['stated_by'])} put the articles agreed at {articles['value']:g} "
                 f"of {articles['total']:g} ({md_escape(articles['date_label'])}).")
    rounds = analysis.latest_figure(known, "exchange_rounds")
    if rounds is not None:
        text += (f" The foreign ministries exchanged drafts in {rounds['value']:g} rounds "
                 f"({md_escape(rounds['date_label'])}).")
    return text
