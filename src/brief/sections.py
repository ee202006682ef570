"""The brief's generated prose, as pandoc Markdown: every sentence computed from the edition's view.

Each function takes the edition context and returns Markdown in which every data string went
through ``md_escape``; citations are the numbered keys of :mod:`citations`. Analyst text (the
front page's headline and judgments) is shown only when the prose checks say so for this view,
and a stale one is marked. An empty selection says so explicitly.
"""

from __future__ import annotations

import pandas as pd

from . import analysis, changes, prose
from .context import Context
from .contract import md_escape
from .dates import long_day, short_day
from .text import in_sentence, number_words

NO_DATA = analysis.NO_DATA


def table(header: list[str], rows: list[list[str]], caption: str) -> str:
    """A pipe table whose relative column widths (pandoc reads them from the dashes) let its longest word fit
    unbroken — "Azerbaijan", "Connectivity" — and give long text half its length, up to a cap."""
    widths = [_column_width(h, [r[i] for r in rows]) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * w for w in widths) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n: {caption}\n"


def _column_width(header: str, cells: list[str]) -> int:
    longest_word = max(len(w) for text in [header, *cells] for w in (text.split() or [""]))
    return min(32, max(len(header) + 2, longest_word + 6, -(-max(map(len, cells), default=0) // 2)))


def plural(n: int, word: str) -> str:
    """"two meetings", "12 meetings"."""
    return f"{number_words(n)} {word}{'' if n == 1 else 's'}"


def and_list(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def cite(ctx: Context, source_ids) -> str:
    return md_escape(ctx.citations.keys(source_ids))


# --------------------------------------------------------------------------- front page


def describe_fact(ctx: Context, fact_id: str) -> tuple[str, str, str]:
    """(words, date label, source id): a fact as a reader recognises it — a figure, a status, an event's title."""
    fact = ctx.index.facts[fact_id]
    key = next(r for r in ctx.ds.descriptor["resources"] if r["name"] == fact.table)["schema"]["primaryKey"][0]
    frame = ctx.ds[fact.table]
    row = frame[frame[key] == fact_id].iloc[0]
    statuses = ctx.vocab["statuses"]
    if fact.table == "progress":
        words = analysis.figure_text(row, ctx.vocab["metrics"])
    elif "status" in row and row.get("point_id") and fact.table != "chain_nodes":
        subject = ctx.ds["sticking_points"].set_index("point_id").loc[row["point_id"], "title"]
        words = f"{subject}: {statuses.label(row['status']).lower()}"
    elif "status" in row and row.get("node_id"):
        subject = ctx.ds["chain_nodes"].set_index("node_id").loc[row["node_id"], "label"]
        words = f"{subject}: {statuses.label(row['status']).lower()}"
    elif fact.table == "meetings":
        words = f"{ctx.vocab['formats'].label(row['format'])} met in {row['place']}"
    elif fact.table == "chain_edges":
        labels = ctx.ds["chain_nodes"].set_index("node_id")["label"]
        words = (f"{labels[row['from_node']]} {ctx.vocab['relations'].label(row['relation'])} "
                 f"{in_sentence(labels[row['to_node']], ctx.names)}")
    else:
        words = fact.title
    return words, fact.date_label, row["source_id"]


def _evidence(phrases: list[tuple[str, str, str]]) -> str:
    """Facts in words, each once with the dates it is recorded at: 'X: open (Jun 2024, Dec 2024)'."""
    dates: dict[str, list[str]] = {}
    for words, date_label, _ in phrases:
        dates.setdefault(words, []).append(date_label)
    return "; ".join(f"{md_escape(words)} ({md_escape(', '.join(dict.fromkeys(d)))})" for words, d in dates.items())


def _judgment_lines(ctx: Context, front: dict) -> list[str]:
    lines = []
    levels = ctx.vocab["confidence"]
    for i, item in enumerate(front["judgments"], 1):
        verdict = ctx.verdict(f"{front['edition']}:judgments[{i}]", item, front)
        if not verdict.shown:
            continue
        phrases = [describe_fact(ctx, f) for f in item["rests_on"] if not f.startswith(prose.TRACK_PREFIX)]
        line = (f"- **{md_escape(item['text'])}** *Confidence: {md_escape(levels.label(item['confidence']).lower())}.*"
                f" Evidence: {_evidence(phrases)} {cite(ctx, [s for *_, s in phrases])}.")
        lines.append(line + (f" {_stale_note(verdict)}" if verdict.stale else ""))
    return lines


def _stale_note(verdict: prose.Verdict) -> str:
    facts = "; ".join(f"{f.title} (known {f.known_label})" for f in verdict.changed[:3])
    return f"**Needs review:** facts changed since it was reviewed on {long_day(verdict.passage.reviewed)}: " \
           f"{md_escape(facts)}."


def front_page(ctx: Context) -> str:
    """Headline judgment, key judgments with confidence and evidence, the latest figure, the view."""
    front = (ctx.edition or {}).get("front_page")
    parts = []
    headline = front and front.get("headline")
    verdict = ctx.verdict(f"{front['edition']}:headline", headline, front) if headline else None
    if verdict is not None and verdict.shown:
        parts.append(f"**{md_escape(headline['text'])}**" + (f" {_stale_note(verdict)}" if verdict.stale else ""))
    judgments = _judgment_lines(ctx, front) if front else []
    if judgments:
        parts.append("\n".join(judgments))
    if not parts:
        parts.append(f"*No analyst judgment applies to this view of the data; what follows is generated from "
                     f"the data known by {long_day(ctx.view.known_by)}.*")
    parts.append(key_figures(ctx) if not ctx.citations.sources.empty else nothing_known(ctx))
    return "\n\n".join(parts) + "\n"


def nothing_known(ctx: Context) -> str:
    """What a view before any source was published can say: that it is empty on purpose, and why."""
    sources = ctx.ds["sources"].sort_values(["date_end", "source_id"])
    if sources.empty:
        return "The dataset holds no source yet."
    first = sources.iloc[0]
    note = f" {md_escape(first['date_note'])}" if first["date_note"] else ""
    none, first_one = ("Neither", "earlier") if len(sources) == 2 else ("None", "earliest")
    return (f"**This edition is empty on purpose.** {none} of the {plural(len(sources), 'source')} this brief is "
            f"built from had been published by {long_day(ctx.view.known_by)}. The {first_one}, "
            f"{md_escape(first['cite_as'])}, counts as known from {long_day(first['date_end'])}.{note} Events of "
            f"the period may well have been public at the time; they are not yet in these sources. For what we "
            f"now know of the period, see the brief of the same date in retrospect.")


def key_figures(ctx: Context) -> str:
    """The latest figure of every measure, what it replaces, and each measure's definition at first use."""
    metrics, actors = ctx.vocab["metrics"], ctx.vocab["actors"]
    sentences = []
    for state in analysis.measure_states(ctx):
        figures = []
        for metric, group in state.latest.groupby("metric", sort=False):
            speakers = ", ".join(actors.short(a) for a in sorted(set(group["stated_by"])))
            note = f"^[{md_escape(metrics[metric]['label'])}: {md_escape(metrics[metric]['definition'])}]"
            figures.append(f"{md_escape(group['figure'].iloc[0])}{note} ({md_escape(speakers)})")
        text = f"**{md_escape(state.label)}:** {' and '.join(figures)}, {md_escape(state.latest['date_label'].iloc[0])}"
        if not state.replaced.empty:
            old = "; ".join(dict.fromkeys(f"{f} ({d})" for f, d in zip(state.replaced["figure"],
                                                                       state.replaced["date_label"], strict=True)))
            text += f", replacing {md_escape(old)}"
        ids = set(state.latest["source_id"]) | set(state.replaced["source_id"])
        sentences.append(f"{text} {cite(ctx, ids)}.")
    if not sentences:
        return f"{NO_DATA}: no figure on the draft agreement is known by {long_day(ctx.as_of)}."
    return "Latest figures — " + " ".join(sentences)


def view_note(ctx: Context) -> str:
    """Which view of the data this brief is, in one sentence (plus the edition's own note)."""
    notes = md_escape((ctx.edition or {}).get("notes") or "")
    return f"*{md_escape(ctx.view.describe())}*" + (f" {notes}" if notes else "") + "\n"


# --------------------------------------------------------------------------- what changed


def what_changed(ctx: Context) -> str:
    """The section: one sentence per tracked track (trend and why), then the dated changes."""
    items = changes.compute_changes(ctx)
    tracks = ctx.vocab["tracks"]
    lines = [f"## {md_escape(changes.heading(ctx))} {{#sec-what-changed}}", "",
             f"*{md_escape(changes.compared_with(ctx))}*", ""]
    for trend in changes.trends(ctx, items):
        lines.append(f"- **{md_escape(tracks.label(trend.track))}** {changes.MARKERS[trend.marker]} "
                     f"{trend.marker}. {md_escape(trend.reason)}")
    lines.append("")
    listed = [c for c in items if c.listed]
    also = _shown_elsewhere(ctx, items)
    if also:
        lines += [also, ""]
    if not listed:
        other = "other " if also else ""
        return "\n".join([*lines, f"No {other}new facts in the data between the two views.", ""])
    rows = [[md_escape(c.date_label), md_escape(", ".join(tracks.short(t) for t in tracks.ordered(c.tracks))),
             md_escape(c.text), cite(ctx, [c.source_id])] for c in listed]
    return "\n".join(lines) + "\n" + table(["Date", "Track", "What changed", "Source"], rows,
                                           "Changes by date {#tbl-changes}")


def _shown_elsewhere(ctx: Context, items: list[changes.Change]) -> str:
    """The first records of the period that their own sections tell, named, by section."""
    by_section: dict[str, list[str]] = {}
    for c in items:
        if not c.listed and c.shown_in:
            by_section.setdefault(c.shown_in, []).append(in_sentence(c.subject, ctx.names))
    if not by_section:
        return ""
    groups = "; ".join(f"{', '.join(md_escape(s) for s in subjects)} ({_SECTION_NAMES[section]})"
                       for section, subjects in by_section.items())
    return f"New in this period and told in their own sections: {groups}."


_SECTION_NAMES = {"sticking points": "sticking points", "chain": "dependency chain", "outlook": "outlook",
                  "tracks": "where each track stands"}


# --------------------------------------------------------------------------- tracks


def _track_lead(ctx: Context, track: str) -> str:
    lead = analysis.structural_event(ctx, track)
    if lead is None:
        return ""
    return f"{md_escape(lead['description'])} {cite(ctx, [lead['source_id']])}"


def _track_standing(ctx: Context, track: str) -> str:
    """Where the track's first main chain step stands, if the chain has one on this track."""
    n = analysis.track_step(ctx, track)
    if n is None:
        return ""
    status = ctx.vocab["statuses"].label(n["status"]).lower()
    note = f" {md_escape(n['status_note'])}" if n["status_note"] else ""
    return (f"*Where it stands:* {md_escape(n['label'])} — {md_escape(status)} {md_escape(n['status_since'])}."
            f"{note} {cite(ctx, [n['status_source_id']])}")


def _track_events(ctx: Context, track: str) -> list[str]:
    structural = set(ctx.vocab["event_kinds"].where("structural"))
    events = analysis.events(ctx, track)
    events = events[(events["date_start"] >= ctx.params.since) & ~events["kind"].isin(structural)]
    return [f"- **{md_escape(e.date_label)}** {md_escape(e.title)}: {md_escape(e.description)} "
            f"{cite(ctx, [e.source_id])}" for e in events.itertuples()]


def _open_issues(ctx: Context, track: str) -> pd.DataFrame:
    """The track's sticking points with a status on record that is not settled."""
    points = analysis.sticking_points(ctx)
    settled = set(ctx.vocab["statuses"].where("settled")) | {analysis.NO_RECORD}
    return points[(points["track"] == track) & ~points["status"].isin(settled)]


def _track_issues(ctx: Context, track: str) -> str:
    statuses = ctx.vocab["statuses"]
    issues = [f"{md_escape(in_sentence(p.title, ctx.names))} ({md_escape(statuses.label(p.status).lower())} "
              f"{md_escape(p.status_since)}) {cite(ctx, [p.source_id, p.status_source_id])}"
              for p in _open_issues(ctx, track).itertuples()]
    if not issues:
        return ""
    return f"*{'Open issue' if len(issues) == 1 else 'Open issues'}:* {'; '.join(issues)}."


def track_sections(ctx: Context) -> str:
    """One subsection per tracked track: how it is negotiated, where it stands, its open issues when no
    event of the window says more, what happened in the window."""
    tracks = ctx.vocab["tracks"]
    window = f"{short_day(ctx.params.since)} to {short_day(ctx.as_of)}"
    out = []
    for track in tracks.where("trend"):
        lead, standing, events = _track_lead(ctx, track), _track_standing(ctx, track), _track_events(ctx, track)
        body = [p for p in (lead, standing) if p]
        if events:
            body.append(f"In the window ({window}):\n\n" + "\n".join(events))
        else:
            issues = _track_issues(ctx, track)
            if body or issues:
                name = md_escape(in_sentence(tracks.label(track), ctx.names))
                quiet = f"No {name} event is recorded in the window ({window})."
                body += [p for p in (issues, quiet) if p]
        if not body:
            body.append(f"{NO_DATA}: nothing on this track is known by {long_day(ctx.as_of)}.")
        out.append(f"### {md_escape(tracks.label(track))} {{#sec-track-{track.replace('_', '-')}}}\n\n"
                   + "\n\n".join(body))
    return "\n\n".join(out) + "\n"


def progress_notes(ctx: Context) -> str:
    """Figures that are not comparable shares (e.g. rounds of exchanges), as sentences."""
    df = analysis.progress(ctx)
    other = df[df["share"].isna()]
    if other.empty:
        return ""
    metrics = ctx.vocab["metrics"]
    return " ".join(f"{md_escape(metrics[r.metric]['label'])}: {md_escape(r.figure)} ({md_escape(r.date_label)}) "
                    f"{cite(ctx, [r.source_id])}." for r in other.itertuples()) + "\n"


# --------------------------------------------------------------------------- meetings, chain, powers


def cadence_summary(ctx: Context) -> str:
    """How many meetings the sources mention in the window, by mediator; hosts that did not mediate."""
    meetings = analysis.meetings(ctx)
    window = f"{long_day(ctx.params.since)} to {long_day(ctx.as_of)}"
    selection = "" if ctx.params.all_mediators else " (the mediators selected)"
    if meetings.empty:
        return f"{NO_DATA}: no recorded meeting from {window}{selection}.\n"
    actors = ctx.vocab["actors"]
    complete = ctx.ds.completeness("meetings")
    caveat = "" if complete.get("complete", True) else f" — {md_escape(complete.get('note', ''))}"
    by = pd.Series([analysis.mediator_key(m) for m in meetings["mediators"]]).value_counts()
    parts = [f"{md_escape(actors.label(m))}, {plural(int(by[m]), 'meeting')}"
             for m in actors.ordered(set(by.index) - {""})]
    if "" in by.index:
        parts.append(f"no mediator named, {plural(int(by['']), 'meeting')}")
    hosted = meetings[(meetings["host"] != "") & (meetings["mediators"].map(len) == 0)]
    hosts = " ".join(f"{md_escape(actors.label(m.host))} hosted, but did not mediate, the meeting in "
                     f"{md_escape(m.place)}." for m in hosted.itertuples())
    text = (f"Our sources mention {plural(len(meetings), 'meeting')} from {window}{selection}{caveat}. By mediator: "
            f"{'; '.join(parts)}.")
    return text + (f" {hosts}" if hosts else "") + f" {cite(ctx, set(meetings['source_id']))}\n"


def _the(phrase: str) -> str:
    """``phrase`` with the definite article, unless it is a negation ('no foreign troops')."""
    return phrase if phrase.startswith("no ") else f"the {phrase}"


def chain_summary(ctx: Context) -> str:
    """Where the chain is held up: its first unsettled main step and the conditions it waits on."""
    if analysis.chain_nodes(ctx).empty:
        return f"{NO_DATA}: no step of the chain is known by {long_day(ctx.as_of)}.\n"
    wait = analysis.chain_waiting_on(ctx)
    if wait is None:
        return f"Every main step of the chain is settled as of {long_day(ctx.as_of)}.\n"
    statuses = ctx.vocab["statuses"]
    state = statuses.label(wait.status).lower() + (f" {wait.since}" if wait.since else "")
    text = f"The first unsettled step is the {md_escape(in_sentence(wait.label, ctx.names))}, {md_escape(state)}."
    if wait.blockers:
        items = "; ".join(f"{md_escape(in_sentence(label, ctx.names))} ({md_escape(statuses.label(st).lower())})"
                          for label, _, st in wait.blockers)
        text += f" It waits on {plural(len(wait.blockers), 'condition')}: {items}."
    return text + "\n"


def outside_powers(ctx: Context) -> str:
    """What states and organisations other than the parties want, by actor."""
    df = analysis.outside_positions(ctx)
    if df.empty:
        return f"{NO_DATA}: no position of an outside power is known by {long_day(ctx.as_of)}.\n"
    actors = ctx.vocab["actors"]
    lines = []
    for actor, group in df.groupby("actor", sort=False):
        said = " ".join(f"{md_escape(p.position)} {cite(ctx, [p.source_id])}" for p in group.itertuples())
        lines.append(f"- **{md_escape(actors.label(actor))}:** {said}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- outlook


def outlook(ctx: Context) -> str:
    view = analysis.outlook(ctx)
    kinds = ctx.vocab["resolution_kinds"]
    lines = []
    for f in view.ahead.itertuples():
        due = f" Due: {md_escape(f.horizon_label)}." if f.horizon else ""
        lines.append(f"- **{md_escape(f.factor)}.** {md_escape(f.description)}{due} {cite(ctx, [f.source_id])}")
    if not lines:
        lines.append(f"{NO_DATA}: no outlook factor ahead is known by {long_day(ctx.as_of)}.")
    settled = [f"- **{md_escape(f.factor)}** — {md_escape(kinds.label(f.resolution).lower())} "
               f"({md_escape(f.resolution_date)}): {md_escape(f.resolution_note)} {cite(ctx, [f.resolution_source_id])}"
               for f in view.settled.itertuples()]
    settled += [f"- **{md_escape(f.factor)}** — came due ({md_escape(f.horizon_label)}) with no outcome recorded "
                f"in the data {cite(ctx, [f.source_id])}" for f in view.lapsed.itertuples()]
    if settled:
        lines += ["", "No longer ahead:", "", *settled]
    return "\n".join(lines) + "\n"


def indicators(ctx: Context) -> str:
    """Per tracked track, what would move it: its first unsettled main step and the unsettled steps it
    waits on, the other open issues to settle (their statuses are in the sticking-point table), and the
    dates ahead."""
    tracks = ctx.vocab["tracks"]
    ahead = analysis.outlook(ctx).ahead
    lines = []
    for track in tracks.where("trend"):
        step, named_points = _next_step(ctx, track)
        issues = "; ".join(md_escape(in_sentence(p.title, ctx.names)) for p in _open_issues(ctx, track).itertuples()
                           if p.point_id not in named_points)
        dates = "; ".join(f"{md_escape(in_sentence(f.factor, ctx.names))} ({md_escape(f.horizon_label)})"
                          for f in ahead.itertuples() if f.horizon and track in f.tracks)
        parts = [p for p in (step, f"*To settle:* {issues}." if issues else "",
                             f"*Dates ahead:* {dates}." if dates else "") if p]
        if parts:
            lines.append(f"- **{md_escape(tracks.label(track))}.** {' '.join(parts)}")
    return "\n".join(lines) + "\n" if lines else "No open issue or date ahead is recorded for any track.\n"


def _next_step(ctx: Context, track: str) -> tuple[str, set[str]]:
    """The track's first unsettled main step and the unsettled steps it waits on; and the sticking points
    those steps are (so that they are not named twice)."""
    nodes = analysis.chain_nodes(ctx).set_index("node_id")
    settled = set(ctx.vocab["statuses"].where("settled")) | {analysis.NO_RECORD}
    main = set(ctx.vocab["node_kinds"].where("main"))
    open_main = nodes[(nodes["track"] == track) & nodes["kind"].isin(main) & ~nodes["status"].isin(settled)]
    if open_main.empty:
        return "", set()
    first = open_main.sort_values(["date_start"]).index[0]
    graph = analysis.chain_graph(ctx)
    blocking = set(ctx.vocab["relations"].where("blocking"))
    waits = [p for p in sorted(graph.predecessors(first))
             if nodes.loc[p, "status"] not in settled and graph.edges[p, first]["relation"] in blocking]
    text = f"*Next step:* {md_escape(in_sentence(nodes.loc[first, 'label'], ctx.names))}"
    if waits:
        text += ", which waits on " + and_list([_the(md_escape(in_sentence(nodes.loc[p, "label"], ctx.names)))
                                                 for p in waits])
    return text + ".", {nodes.loc[p, "point_id"] for p in [first, *waits]} - {""}
