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

NO_DATA = analysis.NO_DATA


def table(header: list[str], rows: list[list[str]], caption: str) -> str:
    """A pipe table whose column widths follow its content (pandoc sizes columns by the dashes)."""
    widths = [min(60, max(11, len(h), *(len(r[i]) for r in rows))) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * w for w in widths) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n: {caption}\n"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def cite(ctx: Context, source_ids) -> str:
    return md_escape(ctx.citations.keys(source_ids))


# --------------------------------------------------------------------------- front page


def describe_fact(ctx: Context, fact_id: str) -> tuple[str, str]:
    """(words, source id): a fact as a reader recognises it — a figure, a status, an event's title."""
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
    elif fact.table == "chain_edges":
        labels = ctx.ds["chain_nodes"].set_index("node_id")["label"]
        words = f"{labels[row['from_node']]} {ctx.vocab['relations'].label(row['relation'])} {labels[row['to_node']]}"
    else:
        words = fact.title
    return f"{words} ({fact.date_label})", row["source_id"]


def _judgment_lines(ctx: Context, front: dict) -> list[str]:
    lines = []
    levels = ctx.vocab["confidence"]
    for i, item in enumerate(front["judgments"], 1):
        verdict = ctx.verdict(f"{front['edition']}:judgments[{i}]", item, front)
        if not verdict.shown:
            continue
        phrases = [describe_fact(ctx, f) for f in item["rests_on"] if not f.startswith(prose.TRACK_PREFIX)]
        more = f"; and {plural(len(phrases) - 3, 'more fact')}" if len(phrases) > 3 else ""
        evidence = "; ".join(md_escape(w) for w, _ in phrases[:3]) + more
        line = (f"- **{md_escape(item['text'])}** *Confidence: {md_escape(levels.label(item['confidence']).lower())}.*"
                f" Evidence: {evidence} {cite(ctx, [s for _, s in phrases])}.")
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
    """What a view before any source was published can say: when the first one counts as known."""
    sources = ctx.ds["sources"].sort_values(["date_end", "source_id"])
    if sources.empty:
        return "The dataset holds no source yet."
    first = sources.iloc[0]
    return (f"**Nothing in this dataset was known by {long_day(ctx.view.known_by)}:** no source had been "
            f"published. The earliest, {md_escape(first['cite_as'])}, is dated {md_escape(first['date_label'])} "
            f"and counts as known from {long_day(first['date_end'])}. For what we now know of the period, build "
            f"the retrospective view (`-p known_by=latest`).")


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
    lines = [f"## {md_escape(changes.heading(ctx))} {{#sec-what-changed}}", ""]
    for trend in changes.trends(ctx, items):
        lines.append(f"- **{md_escape(tracks.label(trend.track))}** {changes.MARKERS[trend.marker]} "
                     f"{trend.marker}. {md_escape(trend.reason)}")
    lines.append("")
    listed = [c for c in items if c.listed]
    elsewhere = len(items) - len(listed)  # first records and format changes: their own sections show them
    if elsewhere:
        lines += [f"New in this view and shown in the sections below: {plural(elsewhere, 'fact')} (first records of "
                  "sticking points, chain steps and outlook factors; changes in how a track is negotiated).", ""]
    if not listed:
        other = "other " if elsewhere else ""
        return "\n".join([*lines, f"No {other}new facts in the data between the two views.", ""])
    rows = [[md_escape(c.date_label), md_escape(", ".join(tracks.short(t) for t in tracks.ordered(c.tracks))),
             md_escape(c.text), cite(ctx, [c.source_id])] for c in listed]
    return "\n".join(lines) + "\n" + table(["Date", "Track", "What changed", "Source"], rows,
                                           "Changes by date {#tbl-changes}")


# --------------------------------------------------------------------------- tracks


def _track_lead(ctx: Context, track: str) -> str:
    lead = analysis.structural_event(ctx, track)
    if lead is None:
        return ""
    return f"{md_escape(lead['description'])} {cite(ctx, [lead['source_id']])}"


def _track_standing(ctx: Context, track: str) -> str:
    """Where the track's first main chain step stands, if the chain has one on this track."""
    main = set(ctx.vocab["node_kinds"].where("main"))
    nodes = analysis.chain_nodes(ctx)
    nodes = nodes[(nodes["track"] == track) & nodes["kind"].isin(main) & (nodes["status"] != analysis.NO_RECORD)]
    if nodes.empty:
        return ""
    n = nodes.sort_values(["date_start", "node_id"]).iloc[0]
    status = ctx.vocab["statuses"].label(n["status"]).lower()
    note = f" {md_escape(n['status_note'])}" if n["status_note"] else ""
    return (f"*Where it stands:* {md_escape(n['label'])} — {md_escape(status)} since "
            f"{md_escape(n['status_since'])}.{note} {cite(ctx, [n['status_source_id']])}")


def _track_events(ctx: Context, track: str) -> list[str]:
    structural = set(ctx.vocab["event_kinds"].where("structural"))
    events = analysis.events(ctx, track)
    events = events[(events["date_start"] >= ctx.params.since) & ~events["kind"].isin(structural)]
    return [f"- **{md_escape(e.date_label)}** {md_escape(e.title)}: {md_escape(e.description)} "
            f"{cite(ctx, [e.source_id])}" for e in events.itertuples()]


def track_sections(ctx: Context) -> str:
    """One subsection per tracked track: how it is negotiated, where it stands, what happened in the window."""
    tracks = ctx.vocab["tracks"]
    out = []
    for track in tracks.where("trend"):
        lead, standing, events = _track_lead(ctx, track), _track_standing(ctx, track), _track_events(ctx, track)
        body = [p for p in (lead, standing) if p]
        if events:
            body.append(f"In the window ({short_day(ctx.params.since)} to {short_day(ctx.as_of)}):\n\n"
                        + "\n".join(events))
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
    meetings = analysis.meetings(ctx)
    window = f"{long_day(ctx.params.since)} to {long_day(ctx.as_of)}"
    if meetings.empty:
        return f"{NO_DATA}: no recorded meeting of the selected mediators from {window}.\n"
    actors = ctx.vocab["actors"]
    complete = ctx.ds.completeness("meetings")
    caveat = "" if complete.get("complete", True) else f" — {md_escape(complete.get('note', ''))} —"
    by = pd.Series([analysis.mediator_key(m) for m in meetings["mediators"]]).value_counts()
    parts = [f"{plural(int(by[m]), 'meeting')} facilitated by {md_escape(actors.label(m))}"
             for m in actors.ordered(set(by.index) - {""})]
    if "" in by.index:
        parts.append(f"{plural(int(by['']), 'meeting')} with no mediator named")
    hosted = meetings[(meetings["host"] != "") & (meetings["mediators"].map(len) == 0)]
    hosts = "; ".join(f"{md_escape(m.place)} was hosted by {md_escape(actors.label(m.host))}, which did not mediate"
                      for m in hosted.itertuples())
    selection = "" if ctx.params.all_mediators else " among the mediators selected"
    text = (f"The sources record {plural(len(meetings), 'meeting')} from {window}{selection}{caveat}: "
            f"{'; '.join(parts)}.")
    return text + (f" {hosts}." if hosts else "") + f" {cite(ctx, set(meetings['source_id']))}\n"


def chain_summary(ctx: Context) -> str:
    wait = analysis.chain_waiting_on(ctx)
    if wait is None:
        return f"Every main step of the chain is settled as of {long_day(ctx.as_of)}.\n"
    statuses = ctx.vocab["statuses"]
    text = (f"The first unsettled step is the {md_escape(wait.label[0].lower() + wait.label[1:])}, "
            f"{md_escape(statuses.label(wait.status).lower())} since {md_escape(wait.since)}.")
    if wait.blockers:
        items = "; ".join(f"{md_escape(label)} — {md_escape(statuses.label(st).lower())}"
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
    """Per tracked track: what would move its trend, from the data (open issues, next step, dates ahead)."""
    tracks, statuses = ctx.vocab["tracks"], ctx.vocab["statuses"]
    settled = set(statuses.where("settled"))
    points = analysis.sticking_points(ctx)
    ahead = analysis.outlook(ctx).ahead
    lines = []
    for track in tracks.where("trend"):
        mine = points[(points["track"] == track) & ~points["status"].isin(settled)]
        issues = "; ".join(f"{md_escape(p.title)} ({md_escape(statuses.label(p.status).lower())})"
                           for p in mine.itertuples() if p.status != analysis.NO_RECORD)
        dates = "; ".join(f"{md_escape(f.factor)} ({md_escape(f.horizon_label)})" for f in ahead.itertuples()
                          if f.horizon and track in f.tracks)
        parts = ([f"*Open issues:* {issues}."] if issues else []) + ([f"*Dates ahead:* {dates}."] if dates else [])
        if parts:
            lines.append(f"- **{md_escape(tracks.label(track))}.** {' '.join(parts)}")
    return "\n".join(lines) + "\n" if lines else "No open issue or date ahead is recorded for any track.\n"
