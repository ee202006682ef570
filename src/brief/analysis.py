"""Pure functions over the Dataset and the Params: what the charts and the prose show.

Rules shared by every function:

* a fact is known on ``as_of`` only when its whole period has ended (``date_end <= as_of``);
* a meeting is *in the window* when its whole period lies within ``[since, as_of]`` — a
  meeting dated only "2022" is not counted in a window that starts in mid-2022;
* every result is sorted (by date, then id), so the same inputs give the same outputs.

The functions read tables only through ``ds[name]`` and ``ds.known_on(name, …)``, which is
what the notebooks' ``reads`` declarations are checked against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from .dataset import Dataset
from .params import Params

NO_RECORD = "no record"
# What every chart and sentence says instead of an empty axis or a crash.
NO_DATA = "No data in this window"
# Sticking-point statuses that count as unresolved "open" points in the key judgments.
OPEN_STATUSES = ("open", "impasse")
# Edges that make the target wait for the source.
BLOCKING_RELATIONS = ("precondition_of", "conditioned_on")


def _sorted(df: pd.DataFrame, id_column: str) -> pd.DataFrame:
    return df.sort_values(["date_start", "date_end", id_column], kind="stable").reset_index(drop=True)


def progress_known(ds: Dataset, params: Params) -> pd.DataFrame:
    """Progress figures known on ``as_of`` (all metrics), oldest first."""
    return _sorted(ds.known_on("progress", params.as_of), "progress_id")


def meetings_in_window(ds: Dataset, params: Params) -> pd.DataFrame:
    """Meetings wholly within ``[since, as_of]`` whose mediator is among ``params.mediators``."""
    df = ds.known_on("meetings", params.as_of)
    df = df[(df["date_start"] >= params.since) & df["mediator"].isin(params.mediators)]
    return _sorted(df, "meeting_id")


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
        day = label[1] + dt.timedelta(days=32 if period == "month" else 93)
        day = day.replace(day=1)
    return out


def meeting_counts(meetings: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Meetings per period and mediator: columns period, period_start, mediator, meetings.

    Every period of the window appears (zero rows have mediator "" and 0 meetings) so the bar
    chart shows quiet periods as quiet instead of skipping them.
    """
    rows = {}
    for label, start in periods_between(params.since, params.as_of, params.period):
        rows[(start, label, "")] = 0
    for m in meetings.itertuples():
        label, start = period_of(m.date_start, m.date_end, params.period)
        rows.pop((start, label, ""), None)
        rows[(start, label, m.mediator)] = rows.get((start, label, m.mediator), 0) + 1
    out = pd.DataFrame([{"period": label, "period_start": start, "mediator": mediator, "meetings": n}
                        for (start, label, mediator), n in sorted(rows.items())],
                       columns=["period", "period_start", "mediator", "meetings"])
    return out


def _latest_status(df: pd.DataFrame, key: str, id_column: str) -> pd.DataFrame:
    ordered = df.sort_values([key, "date_end", "date_start", id_column], kind="stable")
    return ordered.groupby(key, sort=True).tail(1).set_index(key)


def _status_since(records: pd.DataFrame, key: str, id_column: str) -> dict[str, str]:
    """Per key, the date label of the first record of the current, unbroken run of one status."""
    since = {}
    ordered = records.sort_values([key, "date_end", "date_start", id_column], kind="stable")
    for item, group in ordered.groupby(key, sort=True):
        statuses, labels = list(group["status"]), list(group["date_label"])
        start = len(statuses) - 1
        while start > 0 and statuses[start - 1] == statuses[-1]:
            start -= 1
        since[item] = labels[start]
    return since


def chain_status_as_of(ds: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Each chain node with its latest status known on ``as_of`` ("no record" if none).

    Columns: node_id, label, kind, description, status, status_date, status_since, note,
    source_id (of the status record, or of the node when there is none). Sorted by node_id.
    ``status_since`` is when the current status began (e.g. negotiating since Oct 2023).
    """
    nodes = ds["chain_nodes"].sort_values("node_id").reset_index(drop=True)
    known = ds.known_on("chain_status", as_of)
    latest = _latest_status(known, "node_id", "status_id")
    since = _status_since(known, "node_id", "status_id")
    rows = []
    for node in nodes.itertuples():
        record = latest.loc[node.node_id] if node.node_id in latest.index else None
        rows.append({
            "node_id": node.node_id, "label": node.label, "kind": node.kind,
            "description": node.description,
            "status": record["status"] if record is not None else NO_RECORD,
            "status_date": record["date_label"] if record is not None else "",
            "status_since": since.get(node.node_id, ""),
            "note": record["note"] if record is not None else "",
            "source_id": record["source_id"] if record is not None else node.source_id,
        })
    return pd.DataFrame(rows)


def chain_graph(ds: Dataset) -> nx.DiGraph:
    graph = nx.DiGraph()
    for node in sorted(ds["chain_nodes"]["node_id"]):
        graph.add_node(node)
    for edge in ds["chain_edges"].sort_values(["from_node", "to_node"]).itertuples():
        graph.add_edge(edge.from_node, edge.to_node, relation=edge.relation,
                       rationale=edge.rationale, source_id=edge.source_id)
    return graph


@dataclass(frozen=True)
class ChainWait:
    """The first node of the chain not yet achieved, and what blocks it."""

    node_id: str
    label: str
    status: str
    status_date: str  # when the current status began
    blockers: tuple[tuple[str, str, str], ...]  # (label, relation, status) of unachieved blockers


def chain_waiting_on(ds: Dataset, as_of: dt.date) -> ChainWait | None:
    """The earliest agreement/process in the chain (topological order) not yet achieved."""
    graph = chain_graph(ds)
    status = chain_status_as_of(ds, as_of).set_index("node_id")
    main_kinds = ("agreement", "process", "outcome")
    for node in nx.lexicographical_topological_sort(graph):
        row = status.loc[node]
        if row["kind"] not in main_kinds or row["status"] == "achieved":
            continue
        blockers = tuple(
            (status.loc[src, "label"], graph.edges[src, node]["relation"], status.loc[src, "status"])
            for src in sorted(graph.predecessors(node))
            if graph.edges[src, node]["relation"] in BLOCKING_RELATIONS
            and status.loc[src, "status"] != "achieved")
        return ChainWait(node, row["label"], row["status"], row["status_since"], blockers)
    return None


def sticking_points_as_of(ds: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Every sticking point with its latest status known on ``as_of`` ("no record" if none).

    Sorted by track, then point_id.
    """
    points = ds["sticking_points"].sort_values(["track", "point_id"]).reset_index(drop=True)
    latest = _latest_status(ds.known_on("sticking_point_status", as_of), "point_id", "status_id")
    points["status"] = [latest.loc[p, "status"] if p in latest.index else NO_RECORD for p in points["point_id"]]
    points["status_date"] = [latest.loc[p, "date_label"] if p in latest.index else "" for p in points["point_id"]]
    points["status_note"] = [latest.loc[p, "note"] if p in latest.index else "" for p in points["point_id"]]
    points["status_source_id"] = [latest.loc[p, "source_id"] if p in latest.index else ""
                                  for p in points["point_id"]]
    return points


def events_known(ds: Dataset, as_of: dt.date, track: str) -> pd.DataFrame:
    df = ds.known_on("events", as_of)
    return _sorted(df[df["track"] == track], "event_id")


def outlook_known(ds: Dataset, as_of: dt.date) -> pd.DataFrame:
    return _sorted(ds.known_on("outlook", as_of), "factor_id")


@dataclass(frozen=True)
class ShareChange:
    first_value: float
    first_label: str
    last_value: float
    last_label: str
    last_stated_by: tuple[str, ...]


def share_change(progress: pd.DataFrame) -> ShareChange | None:
    """Earliest and latest known share agreed (None if no share figure is known)."""
    share = progress[progress["metric"] == "share_agreed_pct"]
    if share.empty:
        return None
    first, last_end = share.iloc[0], share["date_end"].max()
    latest = share[share["date_end"] == last_end]
    last = latest.iloc[0]
    return ShareChange(float(first["value"]), first["date_label"], float(last["value"]), last["date_label"],
                       tuple(sorted(set(latest["stated_by"]))))


def latest_figure(progress: pd.DataFrame, metric: str) -> pd.Series | None:
    rows = progress[progress["metric"] == metric]
    return None if rows.empty else rows.iloc[-1]


def most_common(values: pd.Series) -> tuple[tuple[str, ...], int]:
    """(the values tied for the highest count, sorted; that count); ((), 0) if empty."""
    if values.empty:
        return (), 0
    counts = values.value_counts()
    top = int(counts.max())
    return tuple(sorted(counts[counts == top].index)), top


def chain_layout(graph: nx.DiGraph) -> dict[str, tuple[int, float]]:
    """(layer, row) of each node of a DAG: layered by longest path from a root.

    Roots are ordered by the mean layer of their successors (items feeding the first agreement
    on top, deferred items at the bottom), then by id; every other node sits at the mean row of
    its predecessors. Same graph, same layout.
    """
    layer = {}
    for node in nx.lexicographical_topological_sort(graph):
        layer[node] = max((layer[p] + 1 for p in graph.predecessors(node)), default=0)
    roots = [n for n in graph if layer[n] == 0]

    def root_key(node):
        succ = [layer[s] for s in graph.successors(node)]
        return (sum(succ) / len(succ) if succ else 0, node)

    row = {node: float(i) for i, node in enumerate(sorted(roots, key=root_key))}
    for depth in range(1, max(layer.values(), default=0) + 1):
        members = [n for n in graph if layer[n] == depth]
        wanted = {n: sum(row[p] for p in graph.predecessors(n)) / graph.in_degree(n) for n in members}
        previous = None
        for node in sorted(members, key=lambda n: (wanted[n], n)):
            # Nodes of one layer that want the same row are pushed apart, one row each.
            row[node] = wanted[node] if previous is None else max(wanted[node], previous + 1)
            previous = row[node]
    return {node: (layer[node], row[node]) for node in sorted(graph)}
