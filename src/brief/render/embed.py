"""Resolve Quarto's ``{{< embed notebooks/<name>.ipynb#<label> >}}`` from executed notebooks.

The built-in engine turns ``brief.qmd`` into plain pandoc Markdown for one output format:
each embed becomes the output of the labelled cell — a chart as an interactive Vega-Lite
figure (HTML) or an SVG figure (Typst), Markdown outputs as they are — and figure/table
numbering plus ``@fig-…``/``@tbl-…`` references are resolved here, because pandoc alone does
not number them. Data strings in captions and alt text are escaped for the target format.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..contract import HTML_MIME, MARKDOWN_MIME, OUTPUT_METADATA_KEY, SVG_MIME, cell_label
from ..exceptions import RenderError

EMBED = re.compile(r"\{\{<\s*embed\s+(?P<path>[^#\s]+)#(?P<label>[\w-]+)\s*>\}\}")
# A reference is @fig-x / @tbl-x not preceded by a word character or a backslash (escaped data).
REFERENCE = re.compile(r"(?<![\w\\@])@(?P<label>(?:fig|tbl)-[\w-]+)")
TABLE_CAPTION = re.compile(r"^: (?P<caption>.*?)\s*\{#(?P<label>tbl-[\w-]+)\}\s*$", re.M)


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


def _figure(outputs: list, label: str, number: int, fmt: str, resolved: Resolved) -> str:
    chart = next((o for o in outputs if SVG_MIME in o.get("data", {})), None)
    meta = chart.get("metadata", {}).get(OUTPUT_METADATA_KEY, {})
    caption, alt = meta.get("caption", ""), meta.get("alt", "")
    if fmt == "html":
        return ("```{=html}\n"
                f'<figure id="{label}" class="brief-figure">\n{chart["data"][HTML_MIME]}\n'
                f'<figcaption><span class="fig-number">Figure {number}.</span> {html.escape(caption)}</figcaption>\n'
                "</figure>\n```")
    file = f"{label}.svg"
    resolved.svgs[file] = chart["data"][SVG_MIME]
    return ("```{=typst}\n"
            f'#figure(image("{file}", alt: {typst_string(alt)}, width: 100%),\n'
            f"  caption: [#{typst_string(caption)}]) <{label}>\n```")


def resolve(qmd_body: str, executed_dir: Path, fmt: str) -> Resolved:
    """Markdown for ``fmt`` ("html" or "typst") with every embed and reference resolved."""
    outputs = NotebookOutputs(executed_dir)
    resolved = Resolved("")
    numbers: dict[str, int] = {}

    def embed(match: re.Match) -> str:
        label, cell_outputs = match["label"], outputs.get(match["path"], match["label"])
        if any(SVG_MIME in o.get("data", {}) for o in cell_outputs):
            numbers[label] = len([k for k in numbers if k.startswith("fig-")]) + 1
            return _figure(cell_outputs, label, numbers[label], fmt, resolved)
        texts = [o["data"][MARKDOWN_MIME] for o in cell_outputs if MARKDOWN_MIME in o.get("data", {})]
        return "\n\n".join(texts)

    body = EMBED.sub(embed, qmd_body)

    def table_caption(match: re.Match) -> str:
        numbers[match["label"]] = len([k for k in numbers if k.startswith("tbl-")]) + 1
        if fmt == "typst":  # Typst numbers its own table figures
            return match.group(0)
        return f": Table {numbers[match['label']]}. {match['caption']} {{#{match['label']}}}"

    body = TABLE_CAPTION.sub(table_caption, body)

    def reference(match: re.Match) -> str:
        label = match["label"]
        if label not in numbers:
            raise RenderError(f"brief.qmd refers to @{label}, which no embedded output defines",
                              "check the label, or embed the figure/table it refers to")
        if fmt == "typst":
            return f"`@{label}`{{=typst}}"
        kind = "Figure" if label.startswith("fig-") else "Table"
        return f"[{kind} {numbers[label]}](#{label})"

    resolved.markdown = REFERENCE.sub(reference, body)
    return resolved
