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

from pathlib import Path

import altair as alt

from . import chartsvg, theme
from .cache import VerifiedFiles, svg_files
from .context import Context
from .contract import MARKDOWN_MIME, OUTPUT_METADATA_KEY
from .dataset import load_dataset
from .params import resolve

# Where setup() found the project: its cache keeps the charts' SVGs (brief.chartsvg).
_svg_cache: VerifiedFiles | None = None


def _display(data: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(data, raw=True, metadata=metadata or {})


def show_markdown(text: str) -> None:
    """Display ``text`` (pandoc Markdown, data already escaped) as one text/markdown output."""
    _display({MARKDOWN_MIME: text})


def chart_bundle(chart: alt.TopLevelMixin, *, label: str, caption: str, alt: str,
                 sources: list[str], narrow: alt.TopLevelMixin | None = None) -> tuple[dict, dict]:
    """The (data, metadata) of the one output that shows ``chart``.

    ``narrow``: an optional re-laid-out variant for narrow screens; the HTML shows it instead of
    ``chart`` where the chart's box is under chartsvg.NARROW_WIDTH pixels wide (a phone). In a build's
    kernel the data holds only the spec and the alt text: the build adds the SVG and the HTML
    (:mod:`brief.chartsvg`).
    """
    # Not validated against the Vega-Lite schema here (half of to_dict's time, in every build): a
    # spec's structure comes from the chart code alone, and tests/test_chart_geometry.py validates
    # every chart; the data only fills in values, which the schema leaves free.
    spec = chart.to_dict(validate=False)
    meta = {"label": label, "caption": caption, "alt": alt, "sources": list(sources)}
    if narrow is not None:
        meta["narrow"] = narrow.to_dict(validate=False)
    return chartsvg.output_data(spec, meta, _svg_cache), {OUTPUT_METADATA_KEY: meta}


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
    global _svg_cache
    _svg_cache = svg_files(Path(data_dir).resolve().parent)
    params = resolve(parameters, ds.defaults)
    theme.enable()
    alt.data_transformers.disable_max_rows()
    # Altair checks every part of a chart against the schema as it is made (a tenth of the notebooks'
    # code): as with chart_bundle's unvalidated specs, tests/test_chart_geometry.py checks every chart.
    alt.utils.schemapi.disable_debug_mode()
    return Context(ds, params, edition or {}, provenance or {})
