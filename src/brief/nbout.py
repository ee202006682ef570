"""The notebook output contract between the notebooks, the build and the renderer.

Notebooks show their results only through this module, so every output has the shape the
renderer expects:

* a chart is ONE ``display_data`` output holding the Vega-Lite spec (Altair's own mimetype),
  a static SVG from vl_convert, a ``text/html`` snippet calling ``vegaEmbed`` (the page loads
  the Vega bundle once) and the alt text as ``text/plain``; ``metadata["brief"]`` carries
  label, caption, alt text and the source ids;
* prose and tables are ONE ``text/markdown`` output (pandoc Markdown) in which every string
  from the data went through :func:`brief.contract.md_escape`.

The MIME types, cell options and escaping are defined in :mod:`brief.contract`.

Nothing here reads the clock or iterates an unordered collection, so the same inputs give
byte-identical outputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import altair as alt
import vl_convert

from . import theme
from .contract import HTML_MIME, MARKDOWN_MIME, OUTPUT_METADATA_KEY, SVG_MIME, TEXT_MIME, VEGALITE_MIME
from .dataset import Dataset, load_dataset
from .params import Params, resolve


def _display(data: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(data, raw=True, metadata=metadata or {})


def show_markdown(text: str) -> None:
    """Display ``text`` (pandoc Markdown, data already escaped) as one text/markdown output."""
    _display({MARKDOWN_MIME: text})


def chart_bundle(chart: alt.TopLevelMixin, *, label: str, caption: str, alt: str,
                 sources: list[str]) -> tuple[dict, dict]:
    """The (data, metadata) of the one output that shows ``chart``."""
    spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    # "</script>" or "<!--" from the data must not end or confuse the <script>: every "<" (only
    # ever inside a JSON string) becomes "\u003c", the same character to JavaScript.
    spec_js = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")
    element = f"{label}-vis"
    # The chart scales down to narrow screens (the SVG has a viewBox) instead of overflowing.
    html = (f'<div id="{element}" class="brief-chart" role="figure" aria-label="{_attr(alt)}" '
            f'style="max-width: 100%; overflow-x: auto;"></div>\n'
            f'<script type="text/javascript">vegaEmbed("#{element}", {spec_js}, '
            f'{{"renderer": "svg", "actions": false}}).then(function (result) {{ '
            f'var svg = result.view.container().querySelector("svg"); '
            f'if (svg) {{ svg.style.maxWidth = "100%"; svg.style.height = "auto"; }} }});</script>')
    data = {VEGALITE_MIME: spec, SVG_MIME: svg, HTML_MIME: html, TEXT_MIME: alt}
    metadata = {OUTPUT_METADATA_KEY: {"label": label, "caption": caption, "alt": alt, "sources": list(sources)}}
    return data, metadata


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def show_chart(chart: alt.TopLevelMixin, *, label: str, caption: str, alt: str, sources: list[str]) -> None:
    """Display ``chart`` as one output carrying spec, SVG, HTML and alt text (see module doc)."""
    data, metadata = chart_bundle(chart, label=label, caption=caption, alt=alt, sources=sources)
    _display(data, metadata)


@dataclass(frozen=True)
class Context:
    """What a notebook's first cell sets up: the validated data and the checked parameters."""

    ds: Dataset
    params: Params


def setup(as_of=None, since=None, mediators=None, period="quarter", data_dir="data") -> Context:
    """Load and validate the data, resolve the parameters, enable the house theme."""
    ds = load_dataset(data_dir)
    params = resolve({"as_of": as_of, "since": since, "mediators": mediators, "period": period},
                     ds.latest_date())
    theme.enable()
    alt.data_transformers.disable_max_rows()
    return Context(ds, params)
