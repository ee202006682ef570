"""Resolve Quarto's ``{{< embed notebooks/<name>.ipynb#<label> >}}`` from executed notebooks.

The built-in engine turns ``brief.qmd`` into plain pandoc Markdown for one output format:
each embed (a shortcode alone on its line) becomes the output of the labelled cell — a chart as
a ``brief-figure`` div holding the interactive Vega-Lite chart (HTML) or the SVG (Typst) and
its caption, Markdown outputs as they are. Numbering and ``@fig-…``/``@tbl-…`` references are
left to the pandoc filter ``templates/crossref.lua``, which works on the parsed document, so a
reference inside code or a URL is never touched. Captions are Markdown-escaped data; alt text
enters Typst as an escaped string literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..contract import HTML_MIME, MARKDOWN_MIME, OUTPUT_METADATA_KEY, SVG_MIME, cell_label, md_escape
from ..exceptions import RenderError

EMBED = re.compile(r"^[ \t]*\{\{<\s*embed\s+(?P<path>[^#\s]+)#(?P<label>[\w-]+)\s*>\}\}[ \t]*$", re.M)


@dataclass
class Resolved:
    markdown: str
    svgs: dict[str, str] = field(default_factory=dict)  # file name -> SVG text (Typst only)


class NotebookOutputs:
    """Labelled cell outputs of the executed notebooks, loaded once each."""

    def __init__(self, executed_dir: Path):
        self.dir = Path(executed_dir)
        self.cache: dict[str, dict] = {}

    def get(self, path: str, label: str) -> list:
        name = Path(path).name
        if name not in self.cache:
            file = self.dir / name
            try:
                nb = nbformat.read(file, as_version=4)
            except (OSError, ValueError) as err:
                raise RenderError(f"brief.qmd embeds {path}, but {file} cannot be read ({err})",
                                  "build the notebooks first (brief build) or correct the embed") from None
            self.cache[name] = {lab: c.get("outputs", []) for c in nb.cells if (lab := cell_label(c.source))}
        cells = self.cache[name]
        if label not in cells:
            raise RenderError(f"brief.qmd embeds {path}#{label}, but no cell has that label",
                              f"labels in {name}: {', '.join(sorted(cells)) or 'none'}")
        return cells[label]


def typst_string(text: str) -> str:
    """A Typst string literal: only backslash, quote and control characters need escaping."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + "".join(ch for ch in escaped if ch >= " ") + '"'


def _figure(outputs: list, label: str, fmt: str, resolved: Resolved) -> str:
    """A ``brief-figure`` div (numbered by crossref.lua): the chart, then its caption paragraph."""
    chart = next(o for o in outputs if SVG_MIME in o.get("data", {}))
    meta = chart.get("metadata", {}).get(OUTPUT_METADATA_KEY, {})
    caption, alt = meta.get("caption", ""), meta.get("alt", "")
    if fmt == "html":
        body = f"```{{=html}}\n{chart['data'][HTML_MIME]}\n```"
    else:
        file = f"{label}.svg"
        resolved.svgs[file] = chart["data"][SVG_MIME]
        body = f'```{{=typst}}\n#image("{file}", alt: {typst_string(alt)}, width: 100%)\n```'
    return f"::: {{#{label} .brief-figure}}\n{body}\n\n{md_escape(caption)}\n:::"


def resolve(qmd_body: str, executed_dir: Path, fmt: str) -> Resolved:
    """Markdown for ``fmt`` ("html" or "typst") with every embed replaced by the cell's output."""
    outputs = NotebookOutputs(executed_dir)
    resolved = Resolved("")

    def embed(match: re.Match) -> str:
        label, cell_outputs = match["label"], outputs.get(match["path"], match["label"])
        if any(SVG_MIME in o.get("data", {}) for o in cell_outputs):
            return _figure(cell_outputs, label, fmt, resolved)
        texts = [o["data"][MARKDOWN_MIME] for o in cell_outputs if MARKDOWN_MIME in o.get("data", {})]
        return "\n\n".join(texts)

    resolved.markdown = EMBED.sub(embed, qmd_body)
    return resolved
