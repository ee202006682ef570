"""Pure functions of the edition context: what the charts and the prose show.

Rules shared by every function:

* only facts in the edition's view count (``ctx.facts``: happened by ``as_of``, known by
  ``known_by``);
* a meeting is *in the window* when its whole period lies within ``[since, as_of]`` — a
  meeting dated only "2022" is not counted in a window that starts in mid-2022;
* labels, order, colours and rule flags come from the vocabulary, never from code;
* what the brief *lists* as the state of play (sticking points, chain steps, outlook factors, outside
  powers' positions, figures on the text) is what is current: recorded since ``current_from`` (see
  there), so an edition's lists follow its window and view, not every fact ever recorded;
* every result is sorted (by date, then id), so the same inputs give the same outputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from .context import Context
from .dates import one_year_before

NO_RECORD = "no record"
# What every chart and sentence says instead of an empty axis or a crash.
NO_DATA = "No data in this window"


def where(df: pd.DataFrame, mask) -> pd.DataFrame:
    """Rows of ``df`` where ``mask`` (one bool per row) holds. (``df[[...]]`` with an empty list would
    select no *columns* instead of no rows.)"""
    return df[pd.Series(list(mask), index=df.index, dtype=bool)]


def by_date(df: pd.DataFrame, id_column: str) -> pd.DataFrame:
    return df.sort_values(["date_start", "date_end", id_column], kind="stable").reset_index(drop=True)


def current_from(ctx: Context) -> dt.date:
    """The first day of the span that keeps a state current: the window, or the year up to ``as_of`` when the
    window is shorter. A sticking point, chain, outlook factor or outside position with no record since then
    is history, not the state of play: listing it would make every edition longer with every year the data
    covers, whatever its window."""
    return min(ctx.params.since, one_year_before(ctx.as_of))


def on_or_after(day, start: dt.date) -> bool:
    """Whether a (possibly missing) date is ``start`` or later."""
    return isinstance(day, dt.date) and day >= start


# --------------------------------------------------------------------------- figures


def figure_text(row, metrics) -> str:
    """'90% of the text', '15 of 17 points': the metric's own format, filled in."""
    fmt = str(metrics[row["metric"]]["format"])
    total = "" if pd.isna(row.get("total")) or row.get("total") == "" else f"{float(row['total']):g}"
    return fmt.replace("{value}", f"{float(row['value']):g}").replace("{total}", total)


def share_of_whole(row, metrics) -> float | None:
    """The figure as a share (0–1) of the whole, for metrics declared comparable; else None."""
    metric = metrics[row["metric"]]
    if not metric["comparable"]:
        return None
    whole = metric.get("maximum") or (None if pd.isna(row.get("total")) else row.get("total"))
    return float(row["value"]) / float(whole) if whole else None


def progress(ctx: Context) -> pd.DataFrame:
    """Figures in the view, oldest first, with measure, figure text and share of the whole."""
    df = by_date(ctx.facts("progress"), "progress_id")
    metrics = ctx.vocab["metrics"]
    df["measure"] = [metrics[m]["measure"] for m in df["metric"]]
    df["figure"] = [figure_text(r, metrics) for _, r in df.iterrows()]
    df["share"] = [share_of_whole(r, metrics) for _, r in df.iterrows()]
    return _current_figures(ctx, df)


def _current_figures(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    """Figures recorded since ``current_from``, and per measure the latest ones before (what they replace)."""
    start = current_from(ctx)
    older = df[df["date_end"] < start]
    last_before = older.groupby("measure")["date_end"].max()
    keep = [on_or_after(end, start) or end == last_before.get(measure)
            for end, measure in zip(df["date_end"], df["measure"], strict=True)]
    return where(df, keep).reset_index(drop=True)


@dataclass(frozen=True)
class MeasureState:
    """The latest figures of one measure (several when stated for the same period) and what they replace."""

    measure: str
    label: str  # how the brief names the measure (metrics.measure_label)
    latest: pd.DataFrame
    replaced: pd.DataFrame


def measure_states(ctx: Context) -> list[MeasureState]:
    """Per measure (in metric order): the latest figures and the figures they supersede.

    A figure supersedes the figures of earlier periods of the same measure, and any figure it
    names in ``supersedes`` (which may be of another measure). Figures stated for the same
    period do not supersede each other: they are reported together.
    """
    df = progress(ctx)
    named = set(df["supersedes"]) - {""}
    states = []
    order = {m: i for i, m in enumerate(ctx.vocab["metrics"].ids())}
    for measure, group in sorted(df.groupby("measure"), key=lambda item: min(order[m] for m in item[1]["metric"])):
        current = group[~group["progress_id"].isin(named)]
        if current.empty:
            continue
        last_end = current["date_end"].max()
        latest = current[current["date_end"] == last_end]
        latest = latest.assign(metric_order=latest["metric"].map(order)).sort_values(
            ["metric_order", "progress_id"]).drop(columns="metric_order")
        earlier = group[group["date_end"] < last_end]
        previous = earlier[earlier["date_end"] == earlier["date_end"].max()] if not earlier.empty else earlier
        explicit = df[df["progress_id"].isin(set(latest["supersedes"]) - {""})]
        replaced = pd.concat([previous, explicit]).drop_duplicates("progress_id")
        first = min(group["metric"], key=order.get)
        states.append(MeasureState(measure, str(ctx.vocab["metrics"][first]["measure_label"]),
                                   latest.reset_index(drop=True), by_date(replaced, "progress_id")))
    return states


# --------------------------------------------------------------------------- meetings


def selected_mediators(ctx: Context, df: pd.DataFrame) -> pd.DataFrame:
    """Meetings whose mediators are among ``params.mediators`` (``none`` selects meetings with none named)."""
    from .params import NO_MEDIATOR

    selected = set(ctx.params.mediators)
    return where(df, (bool(set(m) & selected) if m else NO_MEDIATOR in selected for m in df["mediators"]))


def meetings(ctx: Context) -> pd.DataFrame:
    """Meetings in the view, wholly within [since, as_of], whose mediators are selected."""
    df = selected_mediators(ctx, ctx.facts("meetings"))
    return by_date(df[df["date_start"] >= ctx.params.since], "meeting_id")


def period_of(start: dt.date, end: dt.date, period: str) -> tuple[str, dt.date]:
    """(label, sort key) of the period holding a fact dated ``start``–``end``.

    A fact whose date is coarser than the period (a year-only meeting binned by quarter)
    cannot be placed in one period; it gets its own bin labelled as such rather than a guess.
    """
    def key(day: dt.date) -> tuple[str, dt.date]:
        if period == "month":
            return f"{day:%b %Y}", day.replace(day=1)
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year} Q{quarter}", dt.date(day.year, 3 * quarter - 2, 1)

    first, last = key(start), key(end)
    if first == last:
        return first
    label = f"{start.year} (date: year only)" if start.year == end.year else f"{start.year}–{end.year}"
    return label, start


def periods_between(since: dt.date, as_of: dt.date, period: str) -> list[tuple[str, dt.date]]:
    """Every period touching the window, in order (so empty periods show as zero)."""
    out, day = [], since
    while day <= as_of:
        label = period_of(day, day, period)
        if not out or out[-1] != label:
            out.append(label)
        day = (label[1] + dt.timedelta(days=32 if period == "month" else 93)).replace(day=1)
    return out


def meeting_counts(ctx: Context, selected: pd.DataFrame) -> pd.DataFrame:
    """Meetings per period: columns period, period_start, meetings (every period of the window)."""
    counts = {key: 0 for key in periods_between(ctx.params.since, ctx.as_of, ctx.params.period)}
    for m in selected.itertuples():
        key = period_of(m.date_start, m.date_end, ctx.params.period)
        counts[key] = counts.get(key, 0) + 1
    return pd.DataFrame([{"period": label, "period_start": start, "meetings": n}
                         for (label, start), n in sorted(counts.items(), key=lambda item: item[0][1])],
                        columns=["period", "period_start", "meetings"])


def mediator_key(mediators: tuple[str, ...]) -> str:
    """The actor a meeting is coloured by: its first mediator, or '' when none is named."""
    return mediators[0] if mediators else ""


# --------------------------------------------------------------------------- statuses


def latest_status(records: pd.DataFrame, key: str, id_column: str) -> pd.DataFrame:
    """Per ``key``: the latest record, plus ``status_since`` — the unbroken run of that status, worded
    "since Jun 2024" when two or more records observe it from then on, "as of Dec 2024" when one record
    does. A record dates an observation, not the onset: a change happened somewhere between the previous
    record and this one, so a lone record never says "since"."""
    if records.empty:
        return records.assign(status_since="").set_index(key)
    ordered = records.sort_values([key, "date_end", "date_start", id_column], kind="stable")
    rows = []
    for _, group in ordered.groupby(key, sort=True):
        statuses, labels = list(group["status"]), list(group["date_label"])
        start = len(statuses) - 1
        while start > 0 and statuses[start - 1] == statuses[-1]:
            start -= 1
        since = f"since {labels[start]}" if start < len(statuses) - 1 else f"as of {labels[start]}"
        rows.append(group.iloc[-1].to_dict() | {"status_since": since})
    return pd.DataFrame(rows).set_index(key)


def sticking_points(ctx: Context) -> pd.DataFrame:
    """Current sticking points in the view (raised or with a status since ``current_from``) with their latest
    status ("no record" if none), by track order then id."""
    records, points = ctx.facts("sticking_point_status"), ctx.facts("sticking_points")
    current = _current_points(ctx, points, records)
    points = points[points["point_id"].isin(current)]
    latest = latest_status(records[records["point_id"].isin(current)], "point_id", "status_id")
    track_order = {t: i for i, t in enumerate(ctx.vocab["tracks"].ids())}
    points = points.assign(track_order=points["track"].map(track_order)).sort_values(["track_order", "point_id"])
    points = points.reset_index(drop=True)
    for target, column, fallback in (("status", "status", NO_RECORD), ("status_date", "date_label", ""),
                                     ("status_date_start", "date_start", None), ("status_date_end", "date_end", None),
                                     ("status_since", "status_since", ""), ("status_note", "note", ""),
                                     ("status_source_id", "source_id", "")):
        points[target] = [latest.loc[p, column] if p in latest.index else fallback for p in points["point_id"]]
    return points


def quiet_sticking_points(ctx: Context) -> pd.DataFrame:
    """Sticking points in the view left out of :func:`sticking_points` because nothing about them is recorded
    since ``current_from``, and whose last status is not a settled one: the brief names them rather than
    drop them silently. Columns: title, status (or "no record"), date_label of the last record; latest first."""
    records, points = ctx.facts("sticking_point_status"), ctx.facts("sticking_points")
    points = points[~points["point_id"].isin(_current_points(ctx, points, records))]
    last = (records[records["point_id"].isin(set(points["point_id"]))]
            .sort_values(["date_end", "date_start", "status_id"], kind="stable")
            .drop_duplicates("point_id", keep="last").set_index("point_id").to_dict("index"))
    columns = ["title", "status", "date_label", "date_end"]
    rows = []
    for point in points.to_dict("records"):
        record = last.get(point["point_id"], point | {"status": NO_RECORD})  # never assessed: as raised
        rows.append({"title": point["title"]} | {c: record[c] for c in columns[1:]})
    quiet = pd.DataFrame(rows, columns=columns)
    quiet = quiet[~quiet["status"].isin(set(ctx.vocab["statuses"].where("settled")))]
    return quiet.sort_values(["date_end", "title"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _current_points(ctx: Context, points: pd.DataFrame, records: pd.DataFrame) -> set[str]:
    """Sticking points raised, or with a status recorded, since ``current_from``."""
    start = current_from(ctx)
    return _recorded_since(points, "point_id", start) | _recorded_since(records, "point_id", start)


def _recorded_since(records: pd.DataFrame, key: str, start: dt.date) -> set[str]:
    """Values of ``key`` with a record ending on ``start`` or later (only the ones in play need their latest
    status worked out)."""
    return {k for k, end in zip(records[key], records["date_end"], strict=True) if on_or_after(end, start)}


def chain_nodes(ctx: Context) -> pd.DataFrame:
    """Chain steps in the view, of the chains in play, with their latest status (a sticking point's status for
    steps that are one).

    Columns add: status, status_date(_start, _end), status_since, status_note, status_source_id. Sorted by node_id.
    """
    if "chain_nodes" not in ctx.derived:
        ctx.derived["chain_nodes"] = _chain_nodes(ctx)
    return ctx.derived["chain_nodes"].copy()  # a copy: callers may add columns


def _chain_nodes(ctx: Context) -> pd.DataFrame:
    nodes = ctx.facts("chain_nodes")
    nodes = nodes[nodes["node_id"].isin(_chains_in_play(ctx, nodes))].sort_values("node_id").reset_index(drop=True)
    own_records, point_records = ctx.facts("chain_status"), ctx.facts("sticking_point_status")
    own = latest_status(own_records[own_records["node_id"].isin(set(nodes["node_id"]))], "node_id", "status_id")
    points = latest_status(point_records[point_records["point_id"].isin(set(nodes["point_id"]))], "point_id",
                           "status_id")
    rows = []
    for node in nodes.to_dict("records"):
        table, key = (points, node["point_id"]) if node["point_id"] else (own, node["node_id"])
        record = table.loc[key] if key in table.index else None
        rows.append(node | {
            "status": record["status"] if record is not None else NO_RECORD,
            "status_date": record["date_label"] if record is not None else "",
            "status_date_start": record["date_start"] if record is not None else None,
            "status_date_end": record["date_end"] if record is not None else None,
            "status_since": record["status_since"] if record is not None else "",
            "status_note": record["note"] if record is not None else "",
            "status_source_id": record["source_id"] if record is not None else node["source_id"]})
    return pd.DataFrame(rows, columns=[*nodes.columns, "status", "status_date", "status_date_start",
                                       "status_date_end", "status_since",
                                       "status_note", "status_source_id"])


def _chains_in_play(ctx: Context, nodes: pd.DataFrame) -> set[str]:
    """Steps of the chains (connected parts of the chain) with a step, a status of it or a link recorded since
    ``current_from``: a chain settled or silent before then is history, and all of its steps go."""
    start = current_from(ctx)
    links = ctx.facts("chain_edges")
    graph = nx.Graph()
    graph.add_nodes_from(nodes["node_id"])
    graph.add_edges_from((a, b) for a, b in zip(links["from_node"], links["to_node"], strict=True)
                         if a in graph and b in graph)
    own = _recorded_since(ctx.facts("chain_status"), "node_id", start)
    points = _recorded_since(ctx.facts("sticking_point_status"), "point_id", start)
    recent = {n for n, point, end in zip(nodes["node_id"], nodes["point_id"], nodes["date_end"], strict=True)
              if on_or_after(end, start) or (point in points if point else n in own)}
    recent |= {n for a, b, end in zip(links["from_node"], links["to_node"], links["date_end"], strict=True)
               if on_or_after(end, start) for n in (a, b) if n in graph}
    return {n for part in nx.connected_components(graph) if part & recent for n in part}


def track_step(ctx: Context, track: str):
    """The track's first main chain step with a status on record (a row of ``chain_nodes``), or None: where
    the track stands."""
    main = set(ctx.vocab["node_kinds"].where("main"))
    nodes = chain_nodes(ctx)
    nodes = nodes[(nodes["track"] == track) & nodes["kind"].isin(main) & (nodes["status"] != NO_RECORD)]
    return None if nodes.empty else nodes.sort_values(["date_start", "node_id"]).iloc[0]


def chain_graph(ctx: Context) -> nx.DiGraph:
    """The chain as a DAG of the steps in play (``chain_nodes``) and their links in the view (a link needs both
    its ends)."""
    graph = nx.DiGraph()
    nodes = chain_nodes(ctx)
    for node in sorted(nodes["node_id"]):
        graph.add_node(node)
    for edge in ctx.facts("chain_edges").sort_values(["from_node", "to_node"]).itertuples():
        if edge.from_node in graph and edge.to_node in graph:
            graph.add_edge(edge.from_node, edge.to_node, relation=edge.relation, rationale=edge.rationale,
                           source_id=edge.source_id, edge_id=edge.edge_id)
    return graph


@dataclass(frozen=True)
class ChainWait:
    """The first main step of the chain not yet settled, and what still blocks it."""

    node_id: str
    label: str
    status: str
    since: str  # when the current status began
    blockers: tuple[tuple[str, str, str], ...]  # (node label, relation id, status id) of unsettled blockers


def chain_waiting_on(ctx: Context) -> ChainWait | None:
    """The earliest main step (topological order) not settled, with its unsettled blocking inputs."""
    graph = chain_graph(ctx)
    status = chain_nodes(ctx).set_index("node_id")
    settled = set(ctx.vocab["statuses"].where("settled"))
    main = set(ctx.vocab["node_kinds"].where("main"))
    blocking = set(ctx.vocab["relations"].where("blocking"))
    for node in nx.lexicographical_topological_sort(graph):
        row = status.loc[node]
        if row["kind"] not in main or row["status"] in settled:
            continue
        blockers = tuple((status.loc[src, "label"], graph.edges[src, node]["relation"], status.loc[src, "status"])
                         for src in sorted(graph.predecessors(node))
                         if graph.edges[src, node]["relation"] in blocking and status.loc[src, "status"] not in settled)
        return ChainWait(node, row["label"], row["status"], row["status_since"], blockers)
    return None


# --------------------------------------------------------------------------- events, outlook, positions


def events(ctx: Context, track: str | None = None, *, key_only: bool = False) -> pd.DataFrame:
    df = ctx.facts("events")
    if track is not None:
        df = where(df, (track in tracks for tracks in df["tracks"]))
    if key_only:
        df = df[df["key"]]
    return by_date(df, "event_id")


def structural_event(ctx: Context, track: str):
    """The latest event of a kind that says how the track is negotiated (None if there is none)."""
    structural = set(ctx.vocab["event_kinds"].where("structural"))
    df = events(ctx, track)
    df = df[df["kind"].isin(structural)]
    return None if df.empty else df.iloc[-1]


@dataclass(frozen=True)
class Outlook:
    ahead: pd.DataFrame  # factors still ahead, with horizon if any
    settled: pd.DataFrame  # factors with a resolution in the view: resolution kind, date and note
    lapsed: pd.DataFrame  # factors whose horizon has passed with no resolution recorded


def outlook(ctx: Context) -> Outlook:
    factors = by_date(ctx.facts("outlook"), "factor_id")
    resolutions = latest_status(ctx.facts("resolutions").rename(columns={"kind": "status"}), "factor_id",
                                "resolution_id")
    start = current_from(ctx)
    resolved_lately = {f for f, end in zip(resolutions.index, resolutions["date_end"], strict=True)
                       if on_or_after(end, start)}
    factors = where(factors, (on_or_after(end, start) or on_or_after(due, start) or f in resolved_lately
                              for f, end, due in zip(factors["factor_id"], factors["date_end"],
                                                     factors["horizon_end"], strict=True))).reset_index(drop=True)
    resolved = factors["factor_id"].isin(resolutions.index)
    due = [bool(h) and h <= ctx.as_of for h in factors["horizon_end"].fillna(False)]
    lapsed = ~resolved & pd.Series(due, index=factors.index, dtype=bool)
    settled = factors[resolved].copy()
    for column, source in (("resolution", "status"), ("resolution_date", "date_label"),
                           ("resolution_date_start", "date_start"), ("resolution_date_end", "date_end"),
                           ("resolution_note", "note"),
                           ("resolution_source_id", "source_id")):
        settled[column] = [resolutions.loc[f, source] for f in settled["factor_id"]]
    return Outlook(factors[~resolved & ~lapsed].reset_index(drop=True), settled.reset_index(drop=True),
                   factors[lapsed].reset_index(drop=True))


def outside_positions(ctx: Context) -> pd.DataFrame:
    """Positions stated since ``current_from`` by actors that are not parties to the conflict, by actor order
    then date."""
    actors = ctx.vocab["actors"]
    outsiders = {a for a in actors.ids() if not actors[a]["party"]}
    df = ctx.facts("positions")
    df = df[df["actor"].isin(outsiders) & (df["date_end"] >= current_from(ctx))]
    order = {a: i for i, a in enumerate(actors.ids())}
    return df.assign(actor_order=df["actor"].map(order)).sort_values(
        ["actor_order", "date_start", "position_id"]).reset_index(drop=True)
