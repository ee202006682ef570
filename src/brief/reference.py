"""The brief's reference matter, as pandoc Markdown: the sticking-point table, the graded source
list, the glossary (from the vocabulary), the annex of recorded meetings, and the colophon.
"""

from __future__ import annotations

import re

from . import analysis
from .context import Context
from .contract import md_escape
from .dates import long_day, short_day
from .editions import EDITIONS_DIR
from .knowledge import fact_resources
from .sections import NO_DATA, cite, plural, table
from .text import in_sentence

_SAFE_URL = re.compile(r"https?://[^\s<>`]+")


def sticking_points_table(ctx: Context) -> str:
    """Each sticking point with its latest status; an attribution the coder inferred (a coding note with
    less than the top confidence) is marked †, and both the point's and the status's sources are cited."""
    points = analysis.sticking_points(ctx)
    header = ["Issue", "Raised by", "Status", "Note", "Source"]
    caption = f"Sticking points and their latest status known by {short_day(ctx.as_of)} {{#tbl-sticking-points}}"
    if points.empty:  # still a table, so that references to it resolve
        return table(header, [[f"{NO_DATA}: no sticking point is known by {long_day(ctx.as_of)}.", *"––––"]], caption)
    actors, statuses, levels = ctx.vocab["actors"], ctx.vocab["statuses"], ctx.vocab["confidence"]
    top = _top_level(ctx)
    rows, inferred = [], set()
    for p in points.itertuples():
        status = _status_words(statuses, p.status)
        raised = ", ".join(actors.short(a) for a in p.demanded_by) or "not stated"
        if p.coding_note and p.confidence != top:
            raised += " †"
            inferred.add(levels.label(p.confidence).lower())
        rows.append([md_escape(p.title), md_escape(raised),
                     md_escape(f"{status} ({p.status_since})" if p.status_since else status),
                     md_escape(p.status_note or "–"), cite(ctx, [p.source_id, p.status_source_id or p.source_id])])
    note = (f"\n† Inferred by the coder, not stated outright in the source (confidence: "
            f"{' or '.join(sorted(inferred))}).\n" if inferred else "")
    return table(header, rows, caption) + note + _quiet_points_note(ctx)


def _status_words(statuses, status: str) -> str:
    """A sticking point's status as the reader sees it ("no status recorded" when none is)."""
    return "no status recorded" if status == analysis.NO_RECORD else statuses.label(status)


def _quiet_points_note(ctx: Context) -> str:
    """The open issues the table leaves out because nothing about them is recorded lately, named (the three
    last recorded) so that none drops out of the brief unsaid."""
    quiet = analysis.quiet_sticking_points(ctx)
    if quiet.empty:
        return ""
    statuses = ctx.vocab["statuses"]
    named = [f"{md_escape(in_sentence(p.title, ctx.names))} ({md_escape(_status_words(statuses, p.status).lower())}, "
             f"{md_escape(p.date_label)})"
             for p in quiet.head(3).itertuples()]
    more = f"; and {len(quiet) - 3} more" if len(quiet) > 3 else ""
    its = "its" if len(quiet) == 1 else "their"
    return (f"\nNot listed: {plural(len(quiet), 'open issue')} with no record since "
            f"{long_day(analysis.current_from(ctx))}, so {its} status may be out of date: {'; '.join(named)}{more}.\n")


def meetings_table(ctx: Context) -> str:
    meetings = analysis.meetings(ctx)
    window = f"{short_day(ctx.params.since)} to {short_day(ctx.as_of)}"
    if meetings.empty:
        return f"{NO_DATA}: no recorded meeting of the selected mediators from {window}.\n"
    actors, formats, levels = ctx.vocab["actors"], ctx.vocab["formats"], ctx.vocab["confidence"]
    rows, doubts = [], []
    for m in meetings.itertuples():
        doubtful = bool(m.coding_note) and m.confidence != _top_level(ctx)
        if doubtful:
            doubts.append(f"† {md_escape(m.place)}, {md_escape(m.date_label)}: {md_escape(m.coding_note)} "
                          f"(confidence: {md_escape(levels.label(m.confidence).lower())})")
        rows.append([md_escape(m.date_label) + (" †" if doubtful else ""),
                     md_escape(m.place + (f" ({m.occasion})" if m.occasion else "")),
                     md_escape(formats.short(m.format)),
                     md_escape(" and ".join(actors.short(a) for a in m.mediators) or "none named"),
                     md_escape(actors.short(m.host) if m.host else "not stated"), md_escape(m.about),
                     cite(ctx, [m.source_id])])
    complete = ctx.ds.completeness("meetings")
    note = "" if complete.get("complete", True) else f" — {md_escape(complete.get('note', ''))}"
    return table(["Date", "Place", "Format", "Mediator", "Host", "About", "Source"], rows,
                 f"Recorded meetings, {window}{note} {{#tbl-meetings}}") + "".join(f"\n{d}\n" for d in doubts)


def _top_level(ctx: Context) -> str:
    """The confidence level with the highest rank: a coding below it is the coder's inference."""
    levels = ctx.vocab["confidence"]
    return max(levels.ids(), key=lambda level: levels[level]["rank"])


def sources(ctx: Context) -> str:
    """Every source the view may cite, numbered, with its full citation and its grading."""
    cite_list = ctx.citations.sources
    if cite_list.empty:
        return (f"No source in the dataset had been published by {long_day(ctx.view.known_by)}: this view has "
                f"nothing to cite.\n")
    lines = []
    for number, s in enumerate(cite_list.itertuples(), 1):
        who = md_escape(s.author) if s.author else "Author not stated"
        parts = [f"{who}, *{md_escape(s.title)}*" + (f", {md_escape(s.publisher)}" if s.publisher else "")
                 + f" ({md_escape(s.date_label)})."]
        if s.url:
            parts.append(f"<{s.url}>." if _SAFE_URL.fullmatch(s.url) else f"{md_escape(s.url)}.")
        parts.append(f"*Who:* {md_escape(s.standing)} *When:* {md_escape(s.date_note or s.date_label)} "
                     f"*How they know:* {md_escape(s.basis)}")
        lines.append(f"{number}. **{md_escape(s.cite_as)}.** " + " ".join(parts))
    return "\n".join(lines) + "\n"


def _view_text(ctx: Context) -> str:
    """The reader-facing text of the facts in view (and the front page), casefolded: what a glossary
    entry must appear in. Quotes and coding notes are the data's evidence, not the brief's text."""
    hidden = {"quote", "coding_note", "source_id", "line"}
    parts = []
    for name in fact_resources(ctx.ds.descriptor):
        df = ctx.facts(name)
        parts += [str(v) for c in df.columns if c not in hidden and df[c].dtype == object for v in df[c]]
    front = (ctx.edition or {}).get("front_page") or {}
    parts += [j["text"] for j in [front.get("headline"), *front.get("judgments", [])] if j]
    return "\n".join(parts).casefold()


def _actors_in_view(ctx: Context, text: str) -> set[str]:
    """Actors a fact in view names in an actor column, or whose name the brief's text uses."""
    found: set[str] = set()
    for name, columns in (("meetings", ("parties", "mediators", "host")), ("events", ("actors",)),
                          ("positions", ("actor",)), ("progress", ("stated_by",)),
                          ("sticking_points", ("demanded_by",))):
        df = ctx.facts(name)
        for column in columns:
            for value in df[column]:
                found |= set(value) if isinstance(value, tuple) else ({value} if value else set())
    actors = ctx.vocab["actors"]
    return found | {a for a in actors.ids() if actors.label(a).casefold() in text}


def glossary(ctx: Context) -> str:
    """Alphabetically: the outside actors this view names (the parties and people need no entry), and the
    vocabulary's terms its text uses."""
    actors, terms = ctx.vocab["actors"], ctx.vocab["terms"]
    text = _view_text(ctx)
    entries = []
    for a in actors.ordered(_actors_in_view(ctx, text)):
        entry = actors[a]
        if entry["type"] == "person" or entry["party"]:
            continue
        name = entry.label + (f" ({entry['acronym']})" if entry.get("acronym") and entry["acronym"] not in entry.label
                              else "")
        entries.append((name, entry["description"]))
    for t in terms:
        if not any(w and w.casefold() in text for w in (t["term"], t.get("expansion"))):
            continue
        name = t["term"] + (f" ({t['expansion']})" if t.get("expansion") else "")
        entries.append((name, t["description"]))
    if not entries:
        return "No actor or term in this view needs explaining.\n"
    return "\n".join(f"- **{md_escape(name)}** — {md_escape(text)}"
                      for name, text in sorted(entries, key=lambda e: e[0].casefold())) + "\n"


def colophon(ctx: Context) -> str:
    """Edition, parameters, view, dataset and the tools that made this brief (passed in by the build).

    The edition's name is an id for rebuilding it (the title block shows its title), so it is printed here.
    """
    p = ctx.params
    mediators = "all" if p.all_mediators else ", ".join(p.mediators)
    renderer = (ctx.provenance or {}).get("renderer") or {}
    versions = (ctx.provenance or {}).get("versions") or {}
    engine = renderer.get("engine", "not recorded (a notebook run outside the build)")
    made_with = ", ".join(f"{name} {md_escape(value)}" for name, value in sorted(renderer.items()) if name != "engine")
    tools = ", ".join(f"{name} {md_escape(value)}" for name, value in sorted(versions.items()))
    copies = "; ".join(f"{md_escape(s.cite_as)}: {md_escape(s.path)}" + (f", accessed {md_escape(s.accessed)}"
                                                                         if s.accessed else "")
                       for s in ctx.citations.sources.itertuples() if s.path)
    name = (ctx.edition or {}).get("name")
    edition = f"**Edition:** `{name}` ({md_escape(f'{EDITIONS_DIR}/{name}.yml')}).\n\n" if name else ""
    return (f"{edition}**Parameters:** `as_of` = {p.as_of}, `known_by` = {p.known_by}, `since` = {p.since}, "
            f"`mediators` = {md_escape(mediators)}, `period` = {p.period}.\n\n"
            f"**Dataset:** version {md_escape(ctx.ds.version or 'not stated')}, sha256 `{ctx.ds.sha256}`.\n\n"
            + (f"**Sources as filed:** {copies}.\n\n" if copies else "")
            + f"**Rendered by:** {md_escape(ENGINE_NAMES.get(engine, engine))}"
            + (f" ({made_with})" if made_with else "") + ".\n\n"
            + (f"**Software:** {tools}.\n" if tools else ""))


ENGINE_NAMES = {"builtin": "the built-in engine", "quarto": "Quarto"}
