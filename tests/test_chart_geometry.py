"""Chart geometry without a browser: text measured in the house font, and the direct labels of every
chart — computed label boxes that overlap nothing and stay inside the plot, at the page's width and
at a phone's, on the fixture project and on synthetic worst cases."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pandas as pd
import pytest
import vl_convert

from brief import analysis, charts, nbout, theme
from brief.charts import cadence, chain, chain_layout, common, progress, text, timeline

from .helpers import copy_project


def test_text_width_follows_the_font():
    assert text.text_width("MMMM") > text.text_width("iiii") * 2
    assert text.text_width("Qızılhacılı") > 0
    assert text.text_width("bold", bold=True) > text.text_width("bold")
    assert text.text_width("wide line\nnarrow") == text.text_width("wide line")
    assert text.wrap("one two three four", text.text_width("three four")) == ["one two", "three four"]
    assert text.wrap("unbreakable", 5) == ["unbreakable"]


def test_boxes_overlap_cross_and_fit():
    a = text.Box(0, 0, 10, 10)
    assert a.overlaps(text.Box(9, 9, 20, 20)) and not a.overlaps(text.Box(10, 0, 20, 10))
    assert a.overlaps(text.Box(12, 0, 20, 10), gap=3)
    assert a.within(10, 10) and not a.within(10, 10, margin=1)
    assert a.crosses((-5, 5), (15, 5)) and not a.crosses((-5, 15), (15, 15))
    assert not a.crosses((0, -5), (0, 15), gap=-0.5)  # along an edge is not through
    box = text.text_box(["one", "three"], 100, 20, "center")
    assert box.right - box.left == text.text_width("three") and box.left == 100 - text.text_width("three") / 2
    assert box.bottom - box.top == text.block_height(2)
    assert text.collisions([a, text.Box(5, 5, 8, 8, "b")], 100, 100) == ["'' overlaps 'b'"]


# --- the charts on the fixture project and on worst cases ---------------------------------------------

WIDTHS = (theme.WIDTH, theme.PHONE_WIDTH)
LONG_WORD = "Extraordinarily-long-unbroken-place-name-" * 3


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("charts") / "project")
    return nbout.setup(data_dir=root / "data")


def crowd(frame: pd.DataFrame, n: int, key: str, **columns) -> pd.DataFrame:
    """``frame``'s first row copied ``n`` times with new ids (``key``) and labels of every length."""
    texts = ["Talks", "A much longer label that has to wrap", LONG_WORD, "Ceasefire holds", "Second round",
             "Envoys meet again in the capital", "Draft exchanged"]
    rows = [frame.iloc[0].to_dict() | {key: f"crowd_{i}", **{c: v(i, texts[i % len(texts)]) if callable(v) else v
                                                               for c, v in columns.items()}}
            for i in range(n)]
    return pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_labels_collide_with_nothing(ctx, width):
    drawn = timeline.items(ctx)
    _, lay = timeline.geometry(ctx, drawn, width)
    assert set(lay.labels) == set(drawn["id"])
    assert lay.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_with_many_events_in_one_month(ctx, width):
    drawn = timeline.items(ctx)
    day = dt.date(2024, 3, 1)
    crowded = crowd(drawn[drawn["kind"] == "event"], 14, "id", label=lambda i, t: t, date_start=day,
                    date_end=lambda i, t: day + dt.timedelta(days=i % 28),
                    at=lambda i, t: common.midpoint(day, day + dt.timedelta(days=i % 28)))
    _, lay = timeline.geometry(ctx, crowded, width)
    assert len(lay.labels) == len(crowded)
    assert lay.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_cadence_labels_collide_with_nothing(ctx, width):
    rows = cadence.meeting_rows(ctx, analysis.meetings(ctx))
    _, lay = cadence.geometry(ctx, rows, width)
    assert set(lay.labels) == set(rows["meeting_id"])
    assert lay.collisions() == []
    if width == theme.PHONE_WIDTH:  # labels name the place only: the key names each mediator's colour
        assert {colour for colour, _ in lay.key} == set(rows["colour"])


@pytest.mark.parametrize("width", WIDTHS)
def test_cadence_with_many_meetings_in_one_quarter(ctx, width):
    rows = cadence.meeting_rows(ctx, analysis.meetings(ctx))
    day = dt.date(2024, 4, 1)
    crowded = crowd(rows, 12, "meeting_id", place_short=lambda i, t: t, mediator_label=lambda i, t: t[::-1],
                    at=lambda i, t: common.midpoint(day + dt.timedelta(days=7 * i), day + dt.timedelta(days=7 * i)))
    _, lay = cadence.geometry(ctx, crowded, width)
    assert len(lay.labels) == len(crowded)
    assert lay.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_labels_collide_with_nothing(ctx, width):
    geo = progress.geometry(ctx, progress.figures(ctx), width)
    assert geo.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_with_many_figures_at_one_date(ctx, width):
    points = progress.figures(ctx)
    crowded = crowd(points, 6, "figure", figure=lambda i, t: f"{t} ({i})", share_pct=lambda i, t: 60 + 4 * i)
    crowded = crowded.assign(figure=[f"figure {i}" for i in range(len(crowded))])
    at = sorted(crowded["at"])
    events = pd.DataFrame({"at": at[:1] * 3 + at[-1:] * 3, "date_label": "Dec 2023",
                           "title": ["Talks", "A key event with a very long title that cannot fit", LONG_WORD] * 2})
    geo = progress.geometry(ctx, crowded, width, events)
    assert len(geo.labels) == len(crowded) and len(geo.notes) == len(events)
    assert geo.collisions() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_chain_cards_and_links_collide_with_nothing(ctx, width):
    lay = chain_layout.layout(analysis.chain_graph(ctx), chain.card_texts(ctx, analysis.chain_nodes(ctx)),
                              common.plot_width(width))
    assert lay.cards and chain_layout.collisions(lay) == []


def test_every_chart_fits_its_width_and_is_deterministic(ctx):
    """Nothing (title, labels, axis, note) makes a chart wider than the page or the phone: a wider chart
    would be scaled down, and its text with it."""
    for make in (charts.progress_chart, charts.cadence_chart, charts.timeline_chart, charts.chain_chart,
                 charts.map_chart):
        figure = make(ctx)
        for chart, width in ((figure.chart, theme.WIDTH), (figure.narrow, theme.PHONE_WIDTH)):
            assert chart is not None, make.__name__
            spec = chart.to_dict()
            png = vl_convert.vegalite_to_png(spec, scale=1)
            assert int.from_bytes(png[16:20], "big") <= width, (make.__name__, width)
        again = make(ctx)
        assert again.chart.to_dict() == figure.chart.to_dict() and again.narrow.to_dict() == figure.narrow.to_dict()


@pytest.mark.parametrize("width", WIDTHS)
def test_chain_with_many_conditions_and_long_names(width):
    graph = nx.DiGraph()
    texts = {"deal": ("The comprehensive deal", "Not started"), "treaty": ("Treaty", "Under negotiation · since 2024")}
    graph.add_edge("treaty", "deal", relation="step")
    for i in range(9):
        graph.add_edge(f"c{i}", "treaty", relation="condition")
        texts[f"c{i}"] = (f"Condition {i} {LONG_WORD if i % 3 == 0 else 'on the border'}", "Open · since Dec 2024")
    graph.add_edge("c0", "deal", relation="deferred")  # a long link past the treaty's layer
    lay = chain_layout.layout(graph, texts, common.plot_width(width))
    assert set(lay.cards) == set(graph) and chain_layout.collisions(lay) == []
    assert all(card.box.right <= lay.width and card.box.left >= 0 for card in lay.cards.values())
