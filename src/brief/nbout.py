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
from pathlib import Path

import altair as alt
import vl_convert

from . import theme
from .context import Context
from .contract import HTML_MIME, MARKDOWN_MIME, OUTPUT_METADATA_KEY, SVG_MIME, TEXT_MIME, VEGALITE_MIME
from .dataset import load_dataset
from .params import resolve


def _display(data: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(data, raw=True, metadata=metadata or {})


def show_markdown(text: str) -> None:
    """Display ``text`` (pandoc Markdown, data already escaped) as one text/markdown output."""
    _display({MARKDOWN_MIME: text})


# Below this width (CSS px of the chart's box) the HTML shows a chart's narrow variant, if any.
NARROW_WIDTH = 560


def chart_bundle(chart: alt.TopLevelMixin, *, label: str, caption: str, alt: str,
                 sources: list[str], narrow: alt.TopLevelMixin | None = None) -> tuple[dict, dict]:
    """The (data, metadata) of the one output that shows ``chart``.

    ``narrow``: an optional re-laid-out variant for narrow screens; the HTML shows it instead of
    ``chart`` where the chart's box is under NARROW_WIDTH pixels wide (a phone).
    """
    spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    # "</script>" or "<!--" from the data must not end or confuse the <script>: every "<" (only
    # ever inside a JSON string) becomes "\u003c", the same character to JavaScript.
    def js(value) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")

    narrow_spec = narrow.to_dict() if narrow is not None else None
    element = f"{label}-vis"
    # The static SVG is the content until Vega draws the interactive chart; where the page has no
    # Vega (JupyterLab, which renders Vega-Lite only up to v5) it stays. The chart scales down
    # to the column's width (the SVG has a viewBox): down on a narrow screen instead of overflowing,
    # up on a desktop, where the column is wider than the page layout and the text would be small.
    # display: block, because vega-embed makes its element an inline-block as wide as the chart.
    html = (f'<div id="{element}" class="brief-chart" role="figure" aria-label="{_attr(alt)}" '
            f'style="display: block; max-width: 100%; overflow-x: auto;">{svg}</div>\n'
            f'<script type="text/javascript">(function () {{ if (!window.vegaEmbed) return; '
            f'var el = document.getElementById("{element}"), narrow = {js(narrow_spec)}; '
            f'var spec = narrow && el.clientWidth < {NARROW_WIDTH} ? narrow : {js(spec)}; '
            f'vegaEmbed(el, spec, {{"renderer": "svg", "actions": false}}).then(function (result) {{ '
            f'var svg = result.view.container().querySelector("svg"); '
            f'if (svg) {{ svg.style.width = "100%"; svg.style.height = "auto"; }} }}); }})();</script>')
    data = {VEGALITE_MIME: spec, SVG_MIME: svg, HTML_MIME: html, TEXT_MIME: alt}
    meta = {"label": label, "caption": caption, "alt": alt, "sources": list(sources)}
    if narrow_spec is not None:
        meta["narrow"] = narrow_spec
    return data, {OUTPUT_METADATA_KEY: meta}


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def show_chart(chart: alt.TopLevelMixin, *, label: str, caption: str, alt: str, sources: list[str],
               narrow: alt.TopLevelMixin | None = None) -> None:
    """Display ``chart`` as one output carrying spec, SVG, HTML and alt text (see module doc)."""
    data, metadata = chart_bundle(chart, label=label, caption=caption, alt=alt, sources=sources, narrow=narrow)
    _display(data, metadata)


def setup(*, data_dir: Path | str | None = None, edition: dict | None = None, provenance: dict | None = None,
          **parameters) -> Context:
    """Load and validate the data, resolve the parameters, enable the house theme.

    ``parameters`` are the brief's parameters as a notebook's parameters cell holds them (``None`` =
    the default from the data); ``edition`` and ``provenance`` come from the build. ``data/`` is
    the project's, found from the working directory (a kernel started in ``notebooks/`` by
    JupyterLab finds it too).
    """
    if data_dir is None:
        from .project import find_root

        data_dir = find_root() / "data"
    ds = load_dataset(data_dir)
    params = resolve(parameters, ds.defaults)
    theme.enable()
    alt.data_transformers.disable_max_rows()
    return Context(ds, params, edition or {}, provenance or {})
