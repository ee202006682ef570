"""Altair charts in the house theme. Each function returns a ``Figure``: the chart plus the
caption, alt text and source ids that ``nbout.show_chart`` needs, all computed from the data.

Conventions: the title states the finding; axes say their units; a source note sits under the
plot; the chart's ``description`` is the alt text; every mark has a tooltip. Dates are drawn at
their stated precision: a fact dated "Dec 2024" spans December, not a made-up day.
No selections or other Altair params are used, so specs carry no counter-generated names and
are identical from run to run.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd

from . import analysis, theme
from .dataset import Dataset
from .params import Params
from .theme import FONT_SIZE, WIDTH

PLOT_WIDTH = WIDTH - 140  # leaves room for the y axis labels and title
NO_DATA = "No data in this window"
DATE_AXIS = "Date stated (grey bar = the whole period the source gives)"


@dataclass(frozen=True)
class Figure:
    chart: alt.TopLevelMixin
    caption: str
    alt: str
    sources: tuple[str, ...]

    def show(self, label: str) -> None:
        """Display as the one output of a chart cell labelled ``label`` (e.g. fig-progress)."""
        from .nbout import show_chart

        show_chart(self.chart, label=label, caption=self.caption, alt=self.alt, sources=list(self.sources))


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _window_label(params: Params) -> str:
    return f"{params.since:%-d %b %Y} – {params.as_of:%-d %b %Y}"


def source_note(ds: Dataset, source_ids) -> str:
    titles = ds["sources"].set_index("source_id")["title"]
    names = [f"{titles[s]}" for s in sorted(set(source_ids))]
    return "Source: " + "; ".join(names) + "." if names else "Source: none in this window."


def _finish(chart: alt.TopLevelMixin, title: str, note: str, alt_text: str) -> alt.VConcatChart:
    """Put the finding on top and the source note under the plot; set the description."""
    lines = _wrap(note, 88)
    footer = alt.Chart(pd.DataFrame({"note": ["\n".join(lines)]})).mark_text(
        align="left", baseline="top", lineBreak="\n", fontSize=FONT_SIZE, color=theme.MUTED,
    ).encode(x=alt.value(0), y=alt.value(0), text="note:N").properties(
        width=PLOT_WIDTH, height=(FONT_SIZE + 3) * len(lines))
    return alt.vconcat(chart, footer, spacing=14).properties(
        title=alt.Title(_wrap(title, 62)), description=alt_text)


def no_data(title: str, note: str, what: str) -> alt.VConcatChart:
    """An explicit 'no data in this window' panel instead of an empty axis."""
    message = alt.Chart(pd.DataFrame({"text": [f"{NO_DATA}: {what}"]})).mark_text(
        fontSize=FONT_SIZE + 2, color=theme.MUTED).encode(
        x=alt.value(PLOT_WIDTH / 2), y=alt.value(40), text="text:N", tooltip=["text:N"],
    ).properties(width=PLOT_WIDTH, height=80)
    return _finish(message, title, note, f"{NO_DATA}: {what}")


# --- 1. Progress on the draft agreement --------------------------------------------------

def _placed(df: pd.DataFrame) -> pd.DataFrame:
    """Add the drawing position of each figure inside its date interval.

    Statements of the same figure for the same period would hide each other; they are spread
    evenly inside the period (still within it) instead of stacked on one made-up day.
    """
    df = df.copy()
    df["start"] = df["date_start"].map(_iso)
    df["end"] = (df["date_end"] + dt.timedelta(days=1)).map(_iso)  # end of the last day
    positions = []
    for _, group in df.groupby(["metric", "date_start", "date_end", "value"], sort=True):
        for i, (index, row) in enumerate(group.sort_values("progress_id").iterrows()):
            span = (row["date_end"] - row["date_start"]).days + 1
            offset = dt.timedelta(days=span * (i + 1) / (len(group) + 1))
            positions.append((index, (dt.datetime.combine(row["date_start"], dt.time()) + offset).isoformat()))
    df["at"] = pd.Series(dict(positions))
    return df.drop(columns=["date_start", "date_end", "line"])


def _midpoint(start: str, end: str) -> str:
    a, b = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    return (a + (b - a) / 2).isoformat()


def _time_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, format="%b %Y", tickCount={"interval": "month", "step": 3},
                    labelOverlap=True)


def progress_chart(ds: Dataset, params: Params) -> Figure:
    known = analysis.progress_known(ds, params)
    sources = tuple(sorted(set(known["source_id"])))
    share = known[known["metric"] == "share_agreed_pct"]
    change = analysis.share_change(known)
    if change is None:
        title = f"No figure on the share of the draft agreed is known by {params.as_of:%-d %b %Y}"
        chart = no_data(title, source_note(ds, sources), f"no progress figure dated on or before "
                        f"{params.as_of:%-d %b %Y}")
        return Figure(chart, "Progress on the draft peace agreement: no figures known yet.",
                      f"{NO_DATA}: no progress figure known by {params.as_of:%-d %b %Y}.", sources)

    share = _placed(share)
    share["figure"] = share["value"].map(lambda v: f"{v:g}%")
    tooltip = [alt.Tooltip("figure:N", title="Share agreed"), alt.Tooltip("date_label:N", title="Date"),
               alt.Tooltip("stated_by:N", title="Stated by"), alt.Tooltip("source_id:N", title="Source")]
    start = min(known["date_start"])
    end = max(known["date_end"]) + dt.timedelta(days=1)
    x_scale = alt.Scale(domain=[_iso(start.replace(day=1) - dt.timedelta(days=31)),
                                _iso(end + dt.timedelta(days=31))])
    base = alt.Chart(share)
    interval = base.mark_rule(strokeWidth=3, color=theme.MUTED, opacity=0.6).encode(
        x=alt.X("start:T", axis=_time_axis(DATE_AXIS), scale=x_scale),
        x2="end:T", y="value:Q", tooltip=tooltip)
    points = base.mark_point(filled=True, size=110).encode(
        x="at:T",
        y=alt.Y("value:Q", title="Share of the draft text agreed (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("stated_by:N", title="Stated by",
                        scale=alt.Scale(range=["#0072B2", "#D55E00", "#009E73", "#CC79A7"]),
                        legend=alt.Legend(columns=1, labelLimit=PLOT_WIDTH)),
        shape=alt.Shape("stated_by:N", title="Stated by"),
        tooltip=tooltip)
    # One label per figure and period, however many people stated it.
    label_rows = share.drop_duplicates(["start", "end", "value"]).assign(
        mid=lambda d: [_midpoint(a, b) for a, b in zip(d["start"], d["end"], strict=True)])
    labels = alt.Chart(label_rows).mark_text(dy=-16, fontSize=FONT_SIZE).encode(
        x="mid:T", y="value:Q", text="figure:N")
    share_panel = alt.layer(interval, points, labels).properties(width=PLOT_WIDTH, height=200)

    others = known[known["metric"] != "share_agreed_pct"]
    panels = [share_panel]
    if not others.empty:
        others = _placed(others)
        others["metric_label"] = others["metric"].map(
            {"articles_agreed": "Articles", "exchange_rounds": "Text rounds"})
        others["figure"] = [f"{v:g} of {t:g} articles" if m == "articles_agreed" else f"{v:g} rounds"
                            for v, t, m in zip(others["value"], others["total"], others["metric"], strict=True)]
        others_tip = [alt.Tooltip("metric_label:N", title="Measure"), alt.Tooltip("figure:N", title="Figure"),
                      alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("stated_by:N", title="Stated by"),
                      alt.Tooltip("source_id:N", title="Source")]
        y = alt.Y("metric_label:N", title=None, sort=["Articles", "Text rounds"])
        other_base = alt.Chart(others)
        bars = other_base.mark_rule(strokeWidth=3, color=theme.MUTED, opacity=0.6).encode(
            x=alt.X("start:T", axis=_time_axis(DATE_AXIS), scale=x_scale),
            x2="end:T", y=y, tooltip=others_tip)
        marks = other_base.mark_point(filled=True, size=90, color=theme.TEXT_COLOUR, shape="diamond").encode(
            x="at:T", y=y, tooltip=others_tip)
        text = other_base.mark_text(align="right", dx=-10, fontSize=FONT_SIZE).encode(
            x="at:T", y=y, text="figure:N")
        panels.append(alt.layer(bars, marks, text).properties(width=PLOT_WIDTH, height=60))
    chart = alt.vconcat(*panels, spacing=8).resolve_scale(x="shared")

    stated = " and ".join(change.last_stated_by)
    if change.first_label == change.last_label:
        title = f"{change.last_value:g}% of the draft agreement text was agreed by {change.last_label}"
    else:
        verb = "rose" if change.last_value > change.first_value else \
            "fell" if change.last_value < change.first_value else "stayed"
        title = (f"The share of the draft agreed {verb} from {change.first_value:g}% ({change.first_label}) "
                 f"to {change.last_value:g}% ({change.last_label})")
    figures = "; ".join(f"{r.value:g}% in {r.date_label} (stated by {r.stated_by})" for r in share.itertuples())
    extra = "; ".join(f"{f} ({d}, stated by {s})" for f, d, s in
                      zip(others.get("figure", []), others.get("date_label", []), others.get("stated_by", []),
                          strict=True))
    alt_text = (f"Chart of the share of the draft Armenia–Azerbaijan peace agreement agreed over time: "
                f"{figures}." + (f" Other measures: {extra}." if extra else "")
                + " Each figure is drawn across the period its source gives.")
    caption = (f"Share of the draft peace agreement agreed, as stated, known by {params.as_of:%-d %b %Y}; "
               f"latest figure stated by {stated}.")
    return Figure(_finish(chart, title, source_note(ds, sources), alt_text), caption, alt_text, sources)
