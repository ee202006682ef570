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
* meetings, positions and outlook items score 0.

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

IMPROVED, DETERIORATED, UNCHANGED = "improved", "deteriorated", "unchanged"
MARKERS = {IMPROVED: "▲", DETERIORATED: "▼", UNCHANGED: "●"}


@dataclass(frozen=True)
class Change:
    date_end: dt.date
    date_label: str
    tracks: tuple[str, ...]
    text: str  # one line for the dated table
    reason: str  # a phrase for the trend sentence
    source_id: str
    score: int = 0
    listed: bool = True  # False: first records (new sticking points, steps, factors) that their sections show
    precision: int = 0  # 0 year, 1 month, 2 day: coarser dates first among equal period ends


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
        out.append(Change(m.date_end, m.date_label, m.tracks, f"{formats.label(m.format)} met in {where}{mediated}",
                          "", m.source_id, precision=_PRECISION[m.date_precision]))
    return out


def _event_changes(ctx: Context) -> list[Change]:
    kinds = ctx.vocab["event_kinds"]
    return [Change(e.date_end, e.date_label, e.tracks, e.title, f"{e.title} ({e.date_label})", e.source_id,
                   int(kinds[e.kind]["effect"]), listed=not kinds[e.kind]["structural"],
                   precision=_PRECISION[e.date_precision])
            for e in _new(ctx, "events", "event_id").itertuples()]


_PRECISION = {"year": 0, "month": 1, "day": 2}


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
            out.append(Change(new_row["date_end"], new_row["date_label"], track,
                              f"{label}: first figure, {new_text}", f"{label}: {new_text}", new_row["source_id"]))
            continue
        old_text = "; ".join(dict.fromkeys(old.latest["figure"]))
        shares = [s for s in state.latest["share"] if s is not None and s == s]
        old_shares = [s for s in old.latest["share"] if s is not None and s == s]
        if shares and old_shares:
            score = _sign(max(shares) - max(old_shares))
        else:
            score = _sign(float(new_row["value"]) - float(old.latest.iloc[0]["value"]))
        verb = {1: "rose", -1: "fell", 0: "was restated"}[score]
        out.append(Change(new_row["date_end"], new_row["date_label"], track,
                          f"{label}: {old_text} ({old.latest.iloc[0]['date_label']}) → {new_text}",
                          f"{label} {verb} from {old_text} to {new_text}", new_row["source_id"], score))
    return out


def _at(ctx: Context, view) -> Context:
    from dataclasses import replace

    return replace(ctx, params=replace(ctx.params, as_of=view.as_of, known_by=view.known_by))


def _status_changes(ctx: Context) -> list[Change]:
    statuses = ctx.vocab["statuses"]
    before_ctx = _at(ctx, ctx.baseline)
    out = []
    pairs = ((analysis.sticking_points(ctx), analysis.sticking_points(before_ctx), "point_id", "title", "track"),
             (analysis.chain_nodes(ctx), analysis.chain_nodes(before_ctx), "node_id", "label", "track"))
    for current, previous, key, title, track in pairs:
        if key == "node_id":  # steps that are sticking points are reported once, as sticking points
            current, previous = current[current["point_id"] == ""], previous[previous["point_id"] == ""]
        old = previous.set_index(key)["status"].to_dict()
        for row in current.itertuples():
            new_status, old_status = row.status, old.get(getattr(row, key), analysis.NO_RECORD)
            if new_status == old_status or new_status == analysis.NO_RECORD:
                continue
            name, new_label = getattr(row, title), statuses.label(new_status).lower()
            first = old_status == analysis.NO_RECORD
            if first:
                text, reason, score = f"{name}: first recorded, {new_label}", f"{name} recorded as {new_label}", 0
            else:
                old_label = statuses.label(old_status).lower()
                score = _sign(statuses[new_status]["rank"] - statuses[old_status]["rank"])
                text, reason = f"{name}: {old_label} → {new_label}", f"{name} moved from {old_label} to {new_label}"
            out.append(Change(row.status_date_end, row.status_date, (getattr(row, track),), text, reason,
                              row.status_source_id, score, listed=not first))
    return out


def _outlook_changes(ctx: Context) -> list[Change]:
    now, before = analysis.outlook(ctx), analysis.outlook(_at(ctx, ctx.baseline))
    kinds = ctx.vocab["resolution_kinds"]
    known = set(before.ahead["factor_id"]) | set(before.settled["factor_id"]) | set(before.lapsed["factor_id"])
    out = [Change(f.date_end, f.date_label, f.tracks, f"New outlook factor: {f.factor}", "", f.source_id,
                  listed=False) for f in now.ahead.itertuples() if f.factor_id not in known]
    out += [Change(f.resolution_date_end, f.resolution_date, f.tracks,
                   f"{f.factor}: {kinds.label(f.resolution).lower()}", "", f.resolution_source_id)
            for f in now.settled.itertuples() if f.factor_id not in set(before.settled["factor_id"])]
    out += [Change(f.horizon_end, f.horizon_label, f.tracks,
                   f"{f.factor}: its date ({f.horizon_label}) passed with no outcome recorded", "", f.source_id)
            for f in now.lapsed.itertuples() if f.factor_id not in set(before.lapsed["factor_id"])]
    return out


def compute_changes(ctx: Context) -> list[Change]:
    """Every change from the baseline to the current view, by date (then text), each once."""
    items = (_figure_changes(ctx) + _status_changes(ctx) + _event_changes(ctx) + _meeting_changes(ctx)
             + _outlook_changes(ctx))
    unique = {(c.date_label, c.text): c for c in items}
    return sorted(unique.values(), key=lambda c: (c.date_end, c.precision, c.text))


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
    ups = [c.reason for c in mine if c.score > 0]
    downs = [c.reason for c in mine if c.score < 0]
    if ups or downs:
        parts = [f"Forward: {_listing(ups)}" if ups else "", f"Back: {_listing(downs)}" if downs else ""]
        reason = ". ".join(p for p in (parts if marker != DETERIORATED else parts[::-1]) if p)
    elif mine:
        reason = f"{len(mine)} new fact{'s' if len(mine) > 1 else ''}, none of which advances or sets back the track"
    else:
        reason = "No new facts on this track" + _standing(ctx, track)
    return Trend(track, marker, reason + ".")


def _listing(phrases: list[str]) -> str:
    more = len(phrases) - 2
    return "; ".join(phrases[:2]) + (f"; {more} more" if more > 0 else "")


def _standing(ctx: Context, track: str) -> str:
    """'; <main step> <status> since <date>' for the track's first main chain step, if any."""
    main = set(ctx.vocab["node_kinds"].where("main"))
    nodes = analysis.chain_nodes(ctx)
    nodes = nodes[(nodes["track"] == track) & nodes["kind"].isin(main) & (nodes["status"] != analysis.NO_RECORD)]
    if nodes.empty:
        return ""
    node = nodes.sort_values(["date_start", "node_id"]).iloc[0]
    since = f" since {node['status_since']}" if node["status_since"] else ""
    return f": {node['label']} {ctx.vocab['statuses'].label(node['status']).lower()}{since}"


def trends(ctx: Context, changes: list[Change]) -> list[Trend]:
    tracks = ctx.vocab["tracks"]
    return [trend(ctx, t, changes) for t in tracks.where("trend")]


def heading(ctx: Context) -> str:
    if ctx.previous is not None:
        return f"What changed since {ctx.previous.label}"
    return f"What changed since {long_day(ctx.params.since)}"
