"""Prose and tables for the brief, every number computed from the data.

Each function returns pandoc Markdown in which every string taken from the data went through
``md_escape``. An empty selection gives an explicit "No data in this window" sentence.
"""

from __future__ import annotations

import re

from . import analysis
from .contract import md_escape
from .dataset import Dataset
from .params import Params
from .theme import FORMAT_LABELS, MEDIATOR_LABELS

NO_DATA = analysis.NO_DATA
_SAFE_URL = re.compile(r"https?://[^\s<>`]+")


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


def _window(params: Params) -> str:
    return f"{_day(params.since)} to {_day(params.as_of)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _names(values, labels: dict[str, str]) -> str:
    return " and ".join(md_escape(labels.get(v, v)) for v in values)


def _selection(params: Params) -> str:
    if set(params.mediators) == set(MEDIATOR_LABELS):
        return ""
    return f" (mediators selected: {_names(params.mediators, MEDIATOR_LABELS)})"


def meetings_sentence(ds: Dataset, params: Params) -> str:
    meetings = analysis.meetings_in_window(ds, params)
    if meetings.empty:
        return (f"{NO_DATA}: no meeting of the selected mediators is recorded from {_window(params)}"
                f"{_selection(params)}.")
    mediators, n_mediator = analysis.most_common(meetings["mediator"])
    formats, n_format = analysis.most_common(meetings["format"])
    return (f"{_plural(len(meetings), 'meeting')} took place from {_window(params)}{_selection(params)}; "
            f"the most active mediator was {_names(mediators, MEDIATOR_LABELS)} ({n_mediator}) and the most "
            f"frequent format {_names(formats, FORMAT_LABELS).lower()} ({n_format}).")


def chain_sentence(ds: Dataset, params: Params) -> str:
    wait = analysis.chain_waiting_on(ds, params.as_of)
    if wait is None:
        return f"Every step of the dependency chain is achieved as of {_day(params.as_of)}."
    status = wait.status.replace("_", " ")
    when = f" since {md_escape(wait.status_date)}" if wait.status_date else ""
    text = f"The dependency chain is waiting on the {md_escape(wait.label)} ({status}{when})"
    if wait.blockers:
        items = "; ".join(f"{md_escape(label)} ({st.replace('_', ' ')})" for label, _, st in wait.blockers)
        text += f", which still depends on {_plural(len(wait.blockers), 'unresolved condition')}: {items}"
    return text + "."


def sticking_sentence(ds: Dataset, params: Params) -> str:
    points = analysis.sticking_points_as_of(ds, params.as_of)
    known = points[points["status"] != analysis.NO_RECORD]
    if known.empty:
        return f"{NO_DATA}: no sticking point has a status recorded by {_day(params.as_of)}."
    open_points = known[known["status"].isin(analysis.OPEN_STATUSES)]
    resolved = known[known["status"] == "resolved"]
    return (f"Of {_plural(len(known), 'sticking point')} with a recorded status, {len(open_points)} "
            f"{'is' if len(open_points) == 1 else 'are'} open or at an impasse and {len(resolved)} "
            f"{'is' if len(resolved) == 1 else 'are'} resolved as of {_day(params.as_of)}.")


def key_judgments(ds: Dataset, params: Params) -> str:
    """The bottom line up front: one bullet per judgment, every number computed."""
    judgments = [progress_summary(ds, params), meetings_sentence(ds, params), chain_sentence(ds, params),
                 sticking_sentence(ds, params)]
    return "\n".join(f"- {j}" for j in judgments) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> str:
    # pandoc sizes pipe-table columns by the dashes under each header: give each column dashes in
    # proportion to its longest cell (within bounds), so long text gets the room and short codes don't.
    widths = [min(60, max(10, len(h), *(len(r[i]) for r in rows))) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * w for w in widths) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def sticking_points_table(ds: Dataset, params: Params) -> str:
    points = analysis.sticking_points_as_of(ds, params.as_of)
    if points.empty:
        return f"{NO_DATA}: no sticking points are recorded.\n"
    rows = [[md_escape(p.title), md_escape(p.demanded_by), md_escape(p.status.replace("_", " ")),
             md_escape(p.status_date or "–"), md_escape(p.status_note or "–"),
             md_escape(_cite(ds)[p.status_source_id or p.source_id])] for p in points.itertuples()]
    return (_table(["Sticking point", "Demanded by", "Status", "As of", "Note", "Source"], rows)
            + f"\n: Sticking points and their latest status known on {_day(params.as_of)} "
              "{#tbl-sticking-points}\n")


def meetings_table(ds: Dataset, params: Params) -> str:
    meetings = analysis.meetings_in_window(ds, params)
    if meetings.empty:
        return f"{NO_DATA}: no meeting of the selected mediators is recorded from {_window(params)}.\n"
    rows = [[md_escape(m.date_label), md_escape(m.place), md_escape(FORMAT_LABELS[m.format]),
             md_escape(MEDIATOR_LABELS[m.mediator]), md_escape(m.about), md_escape(_cite(ds)[m.source_id])]
            for m in meetings.itertuples()]
    return (_table(["Date", "Place", "Format", "Mediator", "About", "Source"], rows)
            + f"\n: Meetings from {_window(params)} {{#tbl-meetings}}\n")


def _cite(ds: Dataset) -> dict[str, str]:
    """source_id → the short in-text citation (sources.cite_as)."""
    return dict(zip(ds["sources"]["source_id"], ds["sources"]["cite_as"], strict=True))


def _events_summary(ds: Dataset, params: Params, track: str, name: str) -> str:
    events = analysis.events_known(ds, params.as_of, track)
    if events.empty:
        return f"{NO_DATA}: no event of the {name} track is recorded by {_day(params.as_of)}.\n"
    cite = _cite(ds)
    return "\n".join(f"- **{md_escape(e.date_label)}** — {md_escape(e.title)}: {md_escape(e.description)} "
                     f"({md_escape(cite[e.source_id])})" for e in events.itertuples()) + "\n"


def border_summary(ds: Dataset, params: Params) -> str:
    return _events_summary(ds, params, "border", "border")


def connectivity_summary(ds: Dataset, params: Params) -> str:
    return _events_summary(ds, params, "connectivity", "connectivity")


def chain_summary(ds: Dataset, params: Params) -> str:
    status = analysis.chain_status_as_of(ds, params.as_of)
    counts = status["status"].value_counts()
    parts = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in sorted(counts.index))
    return f"{chain_sentence(ds, params)} Of the {len(status)} steps as of {_day(params.as_of)}: {parts}.\n"


def outlook(ds: Dataset, params: Params) -> str:
    factors = analysis.outlook_known(ds, params.as_of)
    if factors.empty:
        return f"{NO_DATA}: no outlook factor is recorded by {_day(params.as_of)}.\n"
    cite = _cite(ds)
    return "\n".join(f"- **{md_escape(f.factor)}** ({md_escape(f.date_label)}): {md_escape(f.description)} "
                     f"({md_escape(cite[f.source_id])})" for f in factors.itertuples()) + "\n"


def sources(ds: Dataset) -> str:
    """A full citation of every source, in source_id order."""
    lines = []
    for s in ds["sources"].sort_values("source_id").itertuples():
        parts = [md_escape(s.author) if s.author else "Author not stated",
                 f"({md_escape(s.date_label)})", f"*{md_escape(s.title)}*."]
        if s.publisher:
            parts.append(f"{md_escape(s.publisher)}.")
        if s.url:
            # An autolink only for a plain http(s) URL; anything else is shown as escaped text.
            parts.append(f"<{s.url}>." if _SAFE_URL.fullmatch(s.url) else f"{md_escape(s.url)}.")
        parts.append(f"Local copy: {md_escape(s.path)}; accessed {md_escape(s.accessed)}.")
        if s.date_note:
            parts.append(f"Note: {md_escape(s.date_note)}")
        parts.append(f"Dataset id: {md_escape(s.source_id)}.")
        lines.append(f"- **{md_escape(s.cite_as)}**: " + " ".join(parts))
    return "\n".join(lines) + "\n"


# How the colophon names the tools recorded by manifest.tool_versions().
_TOOL_NAMES = {"python": "Python", "papermill": "papermill", "altair": "Altair", "vl-convert-python": "vl-convert",
               "pandoc": "pandoc", "typst": "Typst"}


def colophon(ds: Dataset, params: Params) -> str:
    values = params.to_notebook()
    params_text = ", ".join(
        f"`{name}` = {md_escape(', '.join(v) if isinstance(v, list) else v)}" for name, v in values.items())
    from .manifest import tool_versions

    recorded = tool_versions()
    tools = ", ".join(f"{name} {md_escape(recorded[key])}" for key, name in _TOOL_NAMES.items())
    return (f"**Parameters:** {params_text}.\n\n"
            f"**Dataset:** version {md_escape(ds.version or 'not stated')}, sha256 `{ds.sha256}`.\n\n"
            f"**Software:** {tools}.\n")
