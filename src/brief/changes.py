"""What changed between two dates, computed from the data as it stood on each.

The comparison needs no old files: the data for an earlier edition is the dataset
filtered to facts known on that edition's ``as_of`` (``date_end <= as_of``).

Trend rule (CrisisWatch-style marker per track), applied to the changes between the two dates:

* +1 for each progress figure of the track that rose, −1 for each that fell;
* +1 for each sticking point of the track whose status moved towards resolution
  (impasse < open = deferred < negotiable < nearly_agreed < agreed_in_principle < resolved),
  −1 for each that moved away from it;
* +1 for each new event of the track that implements an agreement (agreement, border posts,
  handover, ratification), −1 for each new takeover, war or protest in the track.

A positive score is "improved", a negative one "deteriorated", zero "unchanged". An analyst may
override the marker of a track in the edition file, with a reason the brief prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .contract import md_escape
from .dataset import Dataset
from .editions import TRACKS, TrendOverride
from .theme import FORMAT_LABELS, MEDIATOR_LABELS

TRACK_LABELS = {"peace_agreement": "Peace agreement", "border": "Border delimitation and demarcation",
                "connectivity": "Connectivity", "armenia_turkey": "Armenia–Turkey normalization",
                "chain": "Dependency chain", "context": "Context"}
METRIC_LABELS = {"share_agreed_pct": "Share of the draft agreed", "articles_agreed": "Articles agreed",
                 "exchange_rounds": "Rounds of text exchanges"}
METRIC_TRACK = "peace_agreement"  # every progress figure is about the peace agreement text
STICKING_RANK = {"impasse": 0, "open": 1, "deferred": 1, "negotiable": 2, "nearly_agreed": 3,
                 "agreed_in_principle": 4, "resolved": 5}
POSITIVE_EVENTS = {"agreement", "border_posts", "handover", "ratification"}
NEGATIVE_EVENTS = {"takeover", "war", "protest"}


@dataclass(frozen=True)
class Change:
    track: str
    kind: str  # meeting | event | figure | chain | sticking_point
    date_label: str
    text: str
    source_id: str
    score: int = 0


@dataclass
class Changes:
    previous_as_of: dt.date
    as_of: dt.date
    items: list[Change] = field(default_factory=list)

    def trend(self, track: str, overrides: dict[str, TrendOverride] | None = None) -> tuple[str, str]:
        """(marker, reason): the derived marker, or the analyst's override and its reason."""
        if overrides and track in overrides:
            return overrides[track].trend, overrides[track].reason
        score = sum(c.score for c in self.items if c.track == track)
        marker = "improved" if score > 0 else "deteriorated" if score < 0 else "unchanged"
        return marker, f"derived from the data (score {score:+d})"


def _between(df: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    return df[(df["date_end"] > start) & (df["date_end"] <= end)].sort_values(["date_start", "date_end"])


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _figure(row) -> str:
    if row["metric"] == "share_agreed_pct":
        return f"{_fmt(row['value'])}%"
    if row["metric"] == "articles_agreed" and pd.notna(row["total"]):
        return f"{_fmt(row['value'])} of {_fmt(row['total'])}"
    return _fmt(row["value"])


def _latest_by(df: pd.DataFrame, key: str, as_of: dt.date) -> dict:
    known = df[df["date_end"] <= as_of].sort_values(["date_end", "date_start"], kind="stable")
    return {k: group.iloc[-1] for k, group in known.groupby(key, sort=True)}


def compute_changes(ds: Dataset, previous_as_of: dt.date, as_of: dt.date) -> Changes:
    changes = Changes(previous_as_of, as_of)
    items = changes.items
    for _, m in _between(ds["meetings"], previous_as_of, as_of).iterrows():
        items.append(Change(m["track"], "meeting", m["date_label"],
                            f"Meeting in {m['place']} ({FORMAT_LABELS[m['format']].lower()}; "
                            f"{MEDIATOR_LABELS[m['mediator']]}): {m['about']}", m["source_id"]))
    for _, e in _between(ds["events"], previous_as_of, as_of).iterrows():
        score = 1 if e["kind"] in POSITIVE_EVENTS else -1 if e["kind"] in NEGATIVE_EVENTS else 0
        items.append(Change(e["track"], "event", e["date_label"], f"{e['title']}: {e['description']}",
                            e["source_id"], score))
    before = _latest_by(ds["progress"], "metric", previous_as_of)
    after = _latest_by(ds["progress"], "metric", as_of)
    for metric, new in after.items():
        old = before.get(metric)
        if old is not None and old["progress_id"] == new["progress_id"]:
            continue
        if old is None:
            text, score = f"{METRIC_LABELS[metric]}: first figure, {_figure(new)} ({new['date_label']})", 0
        else:
            text = (f"{METRIC_LABELS[metric]}: {_figure(old)} ({old['date_label']}) → "
                    f"{_figure(new)} ({new['date_label']})")
            score = _sign(float(new["value"]) - float(old["value"]))
        items.append(Change(METRIC_TRACK, "figure", new["date_label"], f"{text}, stated by {new['stated_by']}",
                            new["source_id"], score))
    labels = dict(zip(ds["chain_nodes"]["node_id"], ds["chain_nodes"]["label"], strict=True))
    items += _status_changes(ds["chain_status"], "node_id", labels, previous_as_of, as_of, "chain",
                             lambda _: "chain", rank=None)
    points = ds["sticking_points"].set_index("point_id")
    items += _status_changes(ds["sticking_point_status"], "point_id", points["title"].to_dict(), previous_as_of,
                             as_of, "sticking_point", lambda key: points.loc[key, "track"], rank=STICKING_RANK)
    return changes


def _status_changes(df, key, labels, previous_as_of, as_of, kind, track_of, rank) -> list[Change]:
    before = _latest_by(df, key, previous_as_of)
    after = _latest_by(df, key, as_of)
    result = []
    for item, new in after.items():
        old = before.get(item)
        if old is not None and old["status"] == new["status"]:
            continue
        was = old["status"].replace("_", " ") if old is not None else "no record"
        score = 0
        if rank and old is not None:
            score = _sign(rank[new["status"]] - rank[old["status"]])
        result.append(Change(track_of(item), kind, new["date_label"],
                             f"{labels[item]}: {was} → {new['status'].replace('_', ' ')}", new["source_id"],
                             score))
    return result


def changes_markdown(changes: Changes, previous_label: str, citations: dict[str, str],
                     overrides: dict[str, TrendOverride] | None = None) -> str:
    """The 'What changed since …' section as pandoc Markdown; every data string is escaped."""
    lines = [f"## What changed since {md_escape(previous_label)} {{#sec-what-changed}}", "",
             f"Facts known on {changes.as_of:%-d %B %Y} that were not known on "
             f"{changes.previous_as_of:%-d %B %Y}, by track.", ""]
    lines += ["| Track | Trend | Basis |", "|---|---|---|"]
    for track in TRACKS:
        marker, reason = changes.trend(track, overrides)
        basis = f"analyst override: {reason}" if overrides and track in overrides else reason
        lines.append(f"| {TRACK_LABELS[track]} | {_MARKERS[marker]} {marker} | {md_escape(basis)} |")
    lines += ["", ": Trend per track {#tbl-trends}", ""]
    for track in (*TRACKS, "armenia_turkey", "chain", "context"):
        entries = [c for c in changes.items if c.track == track]
        if not entries:
            continue
        lines += [f"**{TRACK_LABELS[track]}**", ""]
        lines += [f"- {md_escape(c.date_label)}: {md_escape(c.text)} "
                  f"({md_escape(citations.get(c.source_id, c.source_id))})" for c in entries]
        lines.append("")
    if not changes.items:
        lines += ["No new facts in the data between the two dates.", ""]
    return "\n".join(lines)


_MARKERS = {"improved": "▲", "deteriorated": "▼", "unchanged": "●"}


def what_changed_section(ds: Dataset, as_of: dt.date, previous_as_of: str | None, previous_label: str | None,
                         trend_overrides: dict | None) -> str:
    """The section for a notebook: empty when there is no previous edition to compare with."""
    if not previous_as_of:
        return ""
    previous = dt.date.fromisoformat(str(previous_as_of))
    overrides = {track: TrendOverride(spec["trend"], spec["reason"])
                 for track, spec in (trend_overrides or {}).items()}
    citations = dict(zip(ds["sources"]["source_id"], ds["sources"]["cite_as"], strict=True))
    label = previous_label or f"{previous:%-d %B %Y}"
    return changes_markdown(compute_changes(ds, previous, as_of), label, citations, overrides)
