"""The notebook output contract between the notebooks, the build and the renderer.

Notebooks show their results only through this module, so every output has the shape the
renderer expects:

* a chart is ONE ``display_data`` output holding the Vega-Lite spec (Altair's own mimetype),
  a static SVG from vl_convert, a ``text/html`` snippet calling ``vegaEmbed`` (the page loads
  the Vega bundle once) and the alt text as ``text/plain``; ``metadata["brief"]`` carries
  label, caption, alt text and the source ids;
* prose and tables are ONE ``text/markdown`` output (pandoc Markdown) in which every string
  from the data went through :func:`md_escape`.

Nothing here reads the clock or iterates an unordered collection, so the same inputs give
byte-identical outputs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import altair as alt
import vl_convert

from . import theme
from .dataset import Dataset, load_dataset
from .params import Params, resolve

# Altair's own "+json" form of the Vega-Lite mimetype (what its "vega-lite" mimebundle format
# emits). Its "mimetype" renderer uses "application/vnd.vegalite.v6.json" instead, but nbformat's
# schema accepts a JSON object only under "application/json" or "…+json" mimetypes, so a dict
# spec under the ".json" spelling makes papermill reject the output.
VEGALITE_MIME = f"application/vnd.vegalite.v{alt.VEGALITE_VERSION.split('.')[0]}+json"
SVG_MIME = "image/svg+xml"
MARKDOWN_MIME = "text/markdown"

# Characters that are markup in pandoc Markdown (emphasis, links, raw HTML, math, citations,
# sub/superscript, tables, headings) or in HTML/Typst. A backslash before ASCII punctuation is
# always a literal character in pandoc Markdown, so escaping is safe wherever the text lands.
_INLINE = re.compile(r"([\\`*_{}\[\]<>#!|~^$@&])")
# Block markers matter only at the start (newlines are flattened): list items, quotes, divs.
_LEADING = re.compile(r"^([-+:=>]|\d+(?=[.)]))")


def md_escape(text) -> str:
    """Escape a data string so pandoc reads it as plain text, never as markup.

    Newlines become spaces, so a data value never starts a new block (heading, list, table row).
    """
    flat = _INLINE.sub(r"\\\1", " ".join(str(text).split()))
    leading = _LEADING.match(flat)
    if leading and leading.group(1)[0].isdigit():
        end = leading.end()
        return flat[:end] + "\\" + flat[end:]
    return "\\" + flat if leading else flat


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
    data = {VEGALITE_MIME: spec, SVG_MIME: svg, "text/html": html, "text/plain": alt}
    metadata = {"brief": {"label": label, "caption": caption, "alt": alt, "sources": list(sources)}}
    return data, metadata


def _attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def show_chart(chart: alt.TopLevelMixin, *, label: str, caption: str, alt: str, sources: list[str]) -> None:
    """Display ``chart`` as one output carrying spec, SVG, HTML and alt text (see module doc)."""
    data, metadata = chart_bundle(chart, label=label, caption=caption, alt=alt, sources=sources)
    _display(data, metadata)


_OPTION = re.compile(r"^#\|\s*(fig-cap|fig-alt)\s*:.*$")


def _yaml_quote(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: quotes, backslashes and newlines
    # are escaped, so a caption can never break out of its option line. YAML also breaks lines
    # at NEL and the Unicode line/paragraph separators, which JSON leaves raw.
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\u0085", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def apply_cell_options(nb) -> None:
    """Rewrite the ``#| fig-cap:``/``#| fig-alt:`` lines of each chart cell from its output.

    Modifies ``nb`` (an nbformat NotebookNode) in place. A chart cell without those lines gets
    them after its option block.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = next((o.get("metadata", {}).get("brief") for o in cell.get("outputs", [])
                     if o.get("output_type") == "display_data" and "brief" in o.get("metadata", {})), None)
        if not meta:
            continue
        values = {"fig-cap": _yaml_quote(meta["caption"]), "fig-alt": _yaml_quote(meta["alt"])}
        lines = cell.source.split("\n")
        seen = set()
        for i, line in enumerate(lines):
            match = _OPTION.match(line)
            if match:
                lines[i] = f"#| {match.group(1)}: {values[match.group(1)]}"
                seen.add(match.group(1))
        options_end = next((i for i, line in enumerate(lines) if not line.startswith("#|")), len(lines))
        missing = [f"#| {name}: {value}" for name, value in values.items() if name not in seen]
        lines[options_end:options_end] = missing
        cell.source = "\n".join(lines)


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
