"""What changed between two views of the data, and the trend of every track.

The comparison needs no old files: the previous edition is the dataset seen through that
edition's view (its ``as_of`` and ``known_by``); without a previous edition, the baseline is the
start of the window as we now know it. A change is a fact in the current view that was not in
the baseline: a new meeting or event, a new latest figure of a measure, a status that moved, an
outlook factor that appeared, was resolved or came due.

Trend rule (a CrisisWatch-style marker per track whose vocabulary row says ``trend``): each
change scores +1 (towards peace), −1 (away) or 0 —

* a figure scores the sign of its rise or fall (as a share of the whole where comparable);
* a status move scores the sign of the change of its status ``rank`` (vocabulary/statuses.csv);
* an event scores its kind's ``effect`` (vocabulary/event_kinds.csv);
* meetings, first records and outlook items score 0, and so do a status move or an event the data
  cannot place inside the period (last recorded, or dated only to a year, before it).

A positive sum is "improved", a negative one "deteriorated", zero "unchanged"; the reason names
the changes that decided it, in words. An edition may override a track's marker with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from . import analysis
from .context import Context
from .dates import long_day
from .text import in_sentence, number_words

IMPROVED, DETERIORATED, UNCHANGED, NO_DATA = "improved", "deteriorated", "unchanged", "no data"
MARKERS = {IMPROVED: "▲", DETERIORATED: "▼", UNCHANGED: "●", NO_DATA: "–"}


@dataclass(frozen=True)
class Change:
    date_start: dt.date
    date_end: dt.date
    date_label: str
    tracks: tuple[str, ...]
    text: str  # one line for the dated table
    reason: str  # a phrase for the trend sentence
    source_id: str
    score: int = 0
    listed: bool = True  # False: first records (new sticking points, steps, factors) that their sections show
    shown_in: str = ""  # for an unlisted change: the section that shows it, and ``text``'s subject is …
    subject: str = ""  # … this name


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _new(ctx: Context, table: str, key: str) -> pd.DataFrame:
    current = ctx.facts(table)
    before = set(ctx.ds.in_view(table, ctx.baseline)[key])
    return analysis.by_date(current[~current[key].isin(before)], key)


def _meeting_changes(ctx: Context) -> list[Change]:
    actors, formats = ctx.vocab["actors"], ctx.vocab["formats"]
    out = []
    for m in analysis.selected_mediators(ctx, _new(ctx, "meetings", "meeting_id")).itertuples():
        mediated = f", facilitated by {' and '.join(actors.label(a) for a in m.mediators)}" if m.mediators else ""
        if m.host and m.host not in m.mediators:  # a host is not a mediator: say which it was
            mediated += f", hosted by {actors.label(m.host)}"
        where = m.place if m.place != "not stated" else "an unstated place"
        out.append(Change(m.date_start, m.date_end, m.date_label, m.tracks,
                          f"{formats.label(m.format)} met in {where}{mediated}", "", m.source_id))
    return out


def _event_changes(ctx: Context) -> list[Change]:
    """New events; one whose date could fall before the baseline (a year-only date) is listed as such and
    does not count towards a trend — it may not have happened in the period at all."""
    kinds, out = ctx.vocab["event_kinds"], []
    for e in _new(ctx, "events", "event_id").itertuples():
        effect = int(kinds[e.kind]["effect"]) if pd.isna(e.effect) else int(e.effect)
        undated = e.date_start <= ctx.baseline.as_of
        start = long_day(ctx.baseline.as_of + dt.timedelta(days=1))
        note = f" (dated only to {e.date_label}: perhaps before {start})" if undated else ""
        structural = bool(kinds[e.kind]["structural"])
        out.append(Change(e.date_start, e.date_end, e.date_label, e.tracks, e.title + note,
                          f"{e.title} ({e.date_label})", e.source_id, 0 if undated else effect,
                          listed=not structural, shown_in="tracks" if structural else "", subject=e.title))
    return out


def _figure_changes(ctx: Context) -> list[Change]:
    metrics = ctx.vocab["metrics"]
    before = {s.measure: s for s in analysis.measure_states(_at(ctx, ctx.baseline))}
    out = []
    for state in analysis.measure_states(ctx):
        old = before.get(state.measure)
        if old is not None and set(old.latest["progress_id"]) == set(state.latest["progress_id"]):
            continue
        new_row = state.latest.iloc[0]
        label = state.label
        new_text = "; ".join(dict.fromkeys(state.latest["figure"]))
        track = (str(metrics[new_row["metric"]]["track"]),)
        if old is None:
            out.append(Change(new_row["date_start"], new_row["date_end"], new_row["date_label"], track,
                              f"{label}: {new_text} (first figure)", f"{label}: {new_text}", new_row["source_id"]))
            continue
        old_text = "; ".join(dict.fromkeys(old.latest["figure"]))
        shares = [s for s in state.latest["share"] if s is not None and s == s]
        old_shares = [s for s in old.latest["share"] if s is not None and s == s]
        if shares and old_shares:
            score = _sign(max(shares) - max(old_shares))
        else:
            score = _sign(float(new_row["value"]) - float(old.latest.iloc[0]["value"]))
        verb = {1: "rose", -1: "fell", 0: "was restated"}[score]
        out.append(Change(new_row["date_start"], new_row["date_end"], new_row["date_label"], track,
                          f"{label}: {old_text} ({old.latest.iloc[0]['date_label']}) → {new_text}",
                          f"{label} {verb} from {old_text} to {new_text}", new_row["source_id"], score))
    return out


def _at(ctx: Context, view) -> Context:
    from dataclasses import replace

    # since = the earliest day: the baseline holds every state on record then, current or not (see
    # analysis.current_from), so a step that moves again after a quiet spell is a change from its last record.
    return replace(ctx, params=replace(ctx.params, as_of=view.as_of, known_by=view.known_by, since=dt.date.min))


def _status_changes(ctx: Context) -> list[Change]:
    statuses = ctx.vocab["statuses"]
    before_ctx = _at(ctx, ctx.baseline)
    out = []
    pairs = ((analysis.sticking_points(ctx), analysis.sticking_points(before_ctx), "point_id", "title", "track",
              "sticking points"),
             (analysis.chain_nodes(ctx), analysis.chain_nodes(before_ctx), "node_id", "label", "track", "chain"))
    for current, previous, key, title, track, section in pairs:
        if key == "node_id":  # steps that are sticking points are reported once, as sticking points
            current, previous = current[current["point_id"] == ""], previous[previous["point_id"] == ""]
        old = previous.set_index(key)["status"].to_dict()
        old_dates = {k: (d, label) for k, d, label in zip(previous[key], previous["status_date_end"],
                                                          previous["status_date"], strict=True) if d is not None}
        for row in current.itertuples():
            new_status, old_status = row.status, old.get(getattr(row, key), analysis.NO_RECORD)
            if new_status == old_status or new_status == analysis.NO_RECORD:
                continue
            name, new_label = getattr(row, title), statuses.label(new_status).lower()
            first = old_status == analysis.NO_RECORD
            if first:
                text, reason, score = f"{name}: {new_label} (first recorded)", f"{name} recorded as {new_label}", 0
            else:
                old_label, old_date = statuses.label(old_status).lower(), old_dates.get(getattr(row, key))
                score = _sign(statuses[new_status]["rank"] - statuses[old_status]["rank"])
                text, reason = f"{name}: {old_label} → {new_label}", f"{name} moved from {old_label} to {new_label}"
                if old_date is not None and old_date[0] < ctx.baseline.as_of:  # the change may predate the period
                    text = f"{name}: {old_label} (last recorded {old_date[1]}) → {new_label}"
                    score = 0
            out.append(Change(row.status_date_start, row.status_date_end, row.status_date, (getattr(row, track),),
                              text, reason, row.status_source_id, score, listed=not first,
                              shown_in=section if first else "", subject=name))
    return out


def _outlook_changes(ctx: Context) -> list[Change]:
    now, before = analysis.outlook(ctx), analysis.outlook(_at(ctx, ctx.baseline))
    kinds = ctx.vocab["resolution_kinds"]
    known = set(before.ahead["factor_id"]) | set(before.settled["factor_id"]) | set(before.lapsed["factor_id"])
    out = [Change(f.date_start, f.date_end, f.date_label, f.tracks,
                  f"New outlook factor: {in_sentence(f.factor, ctx.names)}", "", f.source_id,
                  listed=False, shown_in="outlook", subject=f.factor)
           for f in now.ahead.itertuples() if f.factor_id not in known]
    out += [Change(f.resolution_date_start, f.resolution_date_end, f.resolution_date, f.tracks,
                   f"{f.factor}: {kinds.label(f.resolution).lower()}", "", f.resolution_source_id)
            for f in now.settled.itertuples() if f.factor_id not in set(before.settled["factor_id"])]
    out += [Change(f.horizon_start, f.horizon_end, f.horizon_label, f.tracks,
                   f"{f.factor}: its date ({f.horizon_label}) passed with no outcome recorded", "", f.source_id)
            for f in now.lapsed.itertuples() if f.factor_id not in set(before.lapsed["factor_id"])]
    return out


def compute_changes(ctx: Context) -> list[Change]:
    """Every change from the baseline to the current view, each once: by period end, a coarser date (an
    earlier start) first among equal ends, then text."""
    items = (_figure_changes(ctx) + _status_changes(ctx) + _event_changes(ctx) + _meeting_changes(ctx)
             + _outlook_changes(ctx))
    unique = {(c.date_label, c.text): c for c in items}
    return sorted(unique.values(), key=lambda c: (c.date_end, c.date_start, c.text))


@dataclass(frozen=True)
class Trend:
    track: str
    marker: str
    reason: str
    overridden: bool = False


def trend(ctx: Context, track: str, changes: list[Change]) -> Trend:
    """The marker of one track and its reason in words (or the edition's override)."""
    override = (ctx.edition or {}).get("trend_overrides", {}).get(track)
    if override:
        return Trend(track, override["trend"], f"Analyst's assessment: {override['reason']}", True)
    mine = [c for c in changes if track in c.tracks]
    score = sum(c.score for c in mine)
    marker = IMPROVED if score > 0 else DETERIORATED if score < 0 else UNCHANGED
    ups = [in_sentence(c.reason, ctx.names) for c in mine if c.score > 0]
    downs = [in_sentence(c.reason, ctx.names) for c in mine if c.score < 0]
    if ups or downs:
        setbacks = "Setback" if len(downs) == 1 else "Setbacks"
        parts = [f"Progress: {_listing(ups)}" if ups else "", f"{setbacks}: {_listing(downs)}" if downs else ""]
        reason = ". ".join(p for p in (parts if marker != DETERIORATED else parts[::-1]) if p)
    elif mine:
        reason = f"No movement either way; new on record: {_listing([in_sentence(c.text, ctx.names) for c in mine])}"
    elif not _has_facts(ctx, track):
        return Trend(track, NO_DATA, "No fact on this track is known in this view.")
    else:
        reason = "No new facts on this track" + _standing(ctx, track)
    return Trend(track, marker, reason + ".")


def _has_facts(ctx: Context, track: str) -> bool:
    return any(track in f.tracks and ctx.view.includes(f.date_end, f.known_end) for f in ctx.index.facts.values())


def _listing(phrases: list[str]) -> str:
    """The first two phrases, and how many more ("and three more")."""
    more = len(phrases) - 2
    return "; ".join(phrases[:2]) + (f"; and {number_words(more)} more" if more > 0 else "")


def _standing(ctx: Context, track: str) -> str:
    """': <main step> <status> as of|since <date>' for the track's first main chain step, if any."""
    node = analysis.track_step(ctx, track)
    if node is None:
        return ""
    since = f" {node['status_since']}" if node["status_since"] else ""
    return f": {node['label']} {ctx.vocab['statuses'].label(node['status']).lower()}{since}"


def trends(ctx: Context, changes: list[Change]) -> list[Trend]:
    tracks = ctx.vocab["tracks"]
    return [trend(ctx, t, changes) for t in tracks.where("trend")]


def heading(ctx: Context) -> str:
    """The period the changes cover: from the day after the baseline to as_of."""
    start = ctx.baseline.as_of + dt.timedelta(days=1)
    return f"What changed from {long_day(start)} to {long_day(ctx.as_of)}"


def compared_with(ctx: Context) -> str:
    """Which view the changes are measured against, in words."""
    if ctx.previous is not None:
        return f"Compared with the previous edition, {ctx.previous.label}, as it knew the data."
    return (f"Compared with what the data said of {long_day(ctx.baseline.as_of)} as known on "
            f"{long_day(ctx.baseline.known_by)}.")
