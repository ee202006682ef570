"""A chart output's static SVG and its ``text/html`` snippet: made in the kernel, or once per build.

Turning a Vega-Lite spec into SVG starts vl_convert's JavaScript engine, about 0.6 CPU-s per
process, more than drawing all of a notebook's charts. The engine cannot be started in the warm
kernel parent (its threads would not survive the fork), so a build's kernels leave the SVG out
(the build gives them :data:`LATER_VARIABLE`) and the build adds it to every chart output of
the executed notebooks, in its own process: one engine per build instead of one per chart
notebook. A kernel started any other way (JupyterLab, papermill by hand) makes the SVG itself.
Either way the output is the same, byte for byte: :func:`chart_data` makes it in both places.
Both keep what they draw in the project's cache (``.brief-cache/svg``, by spec and vl_convert
version), so a chart drawn once, by a build or a kernel, is not drawn again: after ``make brief``,
the notebooks' charts open in JupyterLab without starting the engine.

Only the standard library is imported at module level: the build imports this module without
Altair; vl_convert is imported at the first conversion.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from typing import TYPE_CHECKING

from .contract import HTML_MIME, OUTPUT_METADATA_KEY, SVG_MIME, TEXT_MIME, VEGALITE_MIME

if TYPE_CHECKING:
    from .cache import VerifiedFiles

# Set (to "1") in a build's kernels: leave the SVG to the build.
LATER_VARIABLE = "BRIEF_CHART_SVG_LATER"

# Below this width (CSS px of the chart's box) the HTML shows a chart's narrow variant, if any.
NARROW_WIDTH = 560


def svg_later() -> bool:
    """Whether this process is a build's kernel, which leaves the SVG to the build."""
    return os.environ.get(LATER_VARIABLE) == "1"


# Vega names clip paths and gradients from counters that run on across the charts one process
# draws ("clip1" … in a fresh process, "clip18" … after other charts).
_COUNTED_ID = re.compile(r'(id="|url\(#)(clip|gradient_)(\d+)')


def to_svg(spec: dict, cache: VerifiedFiles | None = None) -> str:
    """The chart's SVG: from ``cache`` (the SVGs already drawn, :func:`brief.cache.svg_files`) if it
    holds an intact one for this spec, else drawn (and kept there)."""
    if cache is None:
        return _draw(spec)
    prefix = hashlib.sha256(json.dumps([spec, _engine_version()], sort_keys=True).encode()).hexdigest()[:32] + "."
    kept = cache.get(prefix)
    if kept is not None:
        return kept.decode("utf-8")
    svg = _draw(spec)
    cache.put(prefix, svg.encode("utf-8"))
    return svg


@functools.cache
def _engine_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def _draw(spec: dict) -> str:
    """The chart's SVG, the same whatever this process drew before: each family of counted ids
    starts at 1, as in a process that draws nothing else."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    first: dict[str, int] = {}
    for _, family, number in _COUNTED_ID.findall(svg):
        first[family] = min(first.get(family, int(number)), int(number))
    return _COUNTED_ID.sub(lambda m: f"{m[1]}{m[2]}{int(m[3]) - first[m[2]] + 1}", svg)


def chart_data(spec: dict, meta: dict, svg: str) -> dict:
    """The output's data: the spec, ``svg``, the HTML snippet and the alt text (``meta``: the
    chart's metadata, see :mod:`brief.contract`)."""
    # "</script>" or "<!--" from the data must not end or confuse the <script>: every "<" (only
    # ever inside a JSON string) becomes "\u003c", the same character to JavaScript.
    def js(value) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")

    element = f"{meta['label']}-vis"
    # The static SVG is the content until Vega draws the interactive chart; where the page has no
    # Vega (JupyterLab, which renders Vega-Lite only up to v5) it stays. The chart scales down
    # to the column's width (the SVG has a viewBox): down on a narrow screen instead of overflowing,
    # up on a desktop, where the column is wider than the page layout and the text would be small.
    # display: block, because vega-embed makes its element an inline-block as wide as the chart.
    html = (f'<div id="{element}" class="brief-chart" role="figure" aria-label="{_attr(meta["alt"])}" '
            f'style="display: block; max-width: 100%; overflow-x: auto;">{svg}</div>\n'
            f'<script type="text/javascript">(function () {{ if (!window.vegaEmbed) return; '
            f'var el = document.getElementById("{element}"), narrow = {js(meta.get("narrow"))}; '
            f'var spec = narrow && el.clientWidth < {NARROW_WIDTH} ? narrow : {js(spec)}; '
            f'vegaEmbed(el, spec, {{"renderer": "svg", "actions": false}}).then(function (result) {{ '
            f'var svg = result.view.container().querySelector("svg"); '
            f'if (svg) {{ svg.style.width = "100%"; svg.style.height = "auto"; }} }}); }})();</script>')
    return {VEGALITE_MIME: spec, SVG_MIME: svg, HTML_MIME: html, TEXT_MIME: meta["alt"]}


def output_data(spec: dict, meta: dict, cache: VerifiedFiles | None = None) -> dict:
    """A chart output's data as a kernel shows it: complete, or in a build's kernel only the spec and
    the alt text (:func:`add_missing_svgs` completes it)."""
    if svg_later():
        return {VEGALITE_MIME: spec, TEXT_MIME: meta["alt"]}
    return chart_data(spec, meta, to_svg(spec, cache))


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def add_missing_svgs(nb, cache: VerifiedFiles | None = None) -> int:
    """Complete, in place, every chart output of an executed notebook that a build's kernel left
    without its SVG; the number completed."""
    done = 0
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data, meta = output.get("data", {}), output.get("metadata", {}).get(OUTPUT_METADATA_KEY)
            if VEGALITE_MIME in data and SVG_MIME not in data and meta:
                spec = data[VEGALITE_MIME]
                output["data"] = chart_data(spec, meta, to_svg(spec, cache))
                done += 1
    return done
