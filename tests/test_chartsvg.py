"""A chart's static SVG: made by the kernel on its own, or by the build for a build's kernels, the
same bytes either way and whatever else the process drew before."""

from __future__ import annotations

import json

import altair as alt
import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_notebook, new_output

from brief import chartsvg, nbout
from brief.cache import svg_files
from brief.contract import HTML_MIME, SVG_MIME, TEXT_MIME, VEGALITE_MIME


def _clipped_chart(title: str) -> alt.Chart:
    """A chart whose SVG has clip paths (Vega numbers them from a counter per process)."""
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    return alt.Chart(frame, title=title).mark_line(clip=True).encode(
        x=alt.X("x:Q", scale=alt.Scale(domain=[1, 2])), y="y:Q")


def _bundle(title: str, monkeypatch, later: bool):
    if later:
        monkeypatch.setenv(chartsvg.LATER_VARIABLE, "1")
    else:
        monkeypatch.delenv(chartsvg.LATER_VARIABLE, raising=False)
    narrow = _clipped_chart(title).properties(width=200)
    return nbout.chart_bundle(_clipped_chart(title), label="fig-t", caption="c", alt="a chart", sources=["s1"],
                              narrow=narrow)


def test_the_svg_does_not_depend_on_what_the_process_drew_before():
    first = chartsvg.to_svg(_clipped_chart("one").to_dict())
    assert 'id="clip1"' in first and "url(#clip1)" in first
    for other in range(3):
        chartsvg.to_svg(_clipped_chart(f"other {other}").to_dict())
    assert chartsvg.to_svg(_clipped_chart("one").to_dict()) == first


def test_a_build_kernel_leaves_the_svg_and_the_build_adds_exactly_what_the_kernel_would(monkeypatch):
    made_by_kernel, metadata = _bundle("one", monkeypatch, later=False)
    left, left_metadata = _bundle("one", monkeypatch, later=True)
    assert set(left) == {VEGALITE_MIME, TEXT_MIME} and left_metadata == metadata

    nb = new_notebook(cells=[new_code_cell("chart", outputs=[
        new_output("display_data", data=left, metadata=left_metadata)])])
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # as the build reads the executed notebook
    assert chartsvg.add_missing_svgs(nb) == 1
    completed = nb.cells[0].outputs[0]["data"]
    assert {SVG_MIME, HTML_MIME} <= set(completed)
    kernel_output = new_output("display_data", data=made_by_kernel, metadata=metadata)
    assert json.dumps(nb.cells[0].outputs[0], sort_keys=True) == json.dumps(kernel_output, sort_keys=True)
    assert chartsvg.add_missing_svgs(nb) == 0, "a complete output is left as it is"


def test_a_drawn_svg_is_kept_in_the_cache_and_not_drawn_again(tmp_path, monkeypatch):
    """A chart drawn once (by a build or a kernel) is read back from the project's cache, the same bytes;
    another chart, or a damaged entry, is drawn."""
    cache = svg_files(tmp_path)
    spec = _clipped_chart("kept").to_dict()
    drawn = chartsvg.to_svg(spec, cache)
    assert drawn == chartsvg.to_svg(spec) and len(list(cache.dir.glob("*.svg"))) == 1

    def no_engine(spec):
        raise AssertionError("drew a chart the cache holds")

    with monkeypatch.context() as patched:
        patched.setattr(chartsvg, "_draw", no_engine)
        assert chartsvg.to_svg(spec, cache) == drawn
    other = _clipped_chart("another").to_dict()
    assert chartsvg.to_svg(other, cache) == chartsvg.to_svg(other) and len(list(cache.dir.glob("*.svg"))) == 2
    (entry,) = [p for p in cache.dir.glob("*.svg") if p.read_text(encoding="utf-8") == drawn]
    entry.write_text(drawn[:-20], encoding="utf-8")  # cut short: not what was drawn
    assert chartsvg.to_svg(spec, cache) == drawn
    kept = sorted(p.read_text(encoding="utf-8") for p in cache.dir.glob("*.svg"))
    assert kept == sorted([drawn, chartsvg.to_svg(other)])
