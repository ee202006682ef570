"""The notebook-output contract shared by the notebooks, the build and the renderer.

Everything the three sides must agree on lives here and nowhere else, with no import beyond
the standard library, so the renderer depends on nothing above this module:

* the MIME types of the outputs a notebook shows (a chart is ONE ``display_data`` output with
  the Vega-Lite spec, an SVG, a ``text/html`` snippet and the alt text as ``text/plain``;
  prose and tables are ONE ``text/markdown`` output);
* the metadata key under which a chart output carries its label, caption, alt text and sources;
* the Quarto ``#| label:`` / ``#| fig-cap:`` / ``#| fig-alt:`` cell options: how they are read,
  and how captions from the data are written into them (YAML-quoted);
* :func:`md_escape`, through which every data string passes before it enters Markdown.
"""

from __future__ import annotations

import json
import re

# Altair's own "+json" form of the Vega-Lite mimetype (what its "vega-lite" mimebundle format
# emits). Its "mimetype" renderer uses "application/vnd.vegalite.v6.json" instead, but nbformat's
# schema accepts a JSON object only under "application/json" or "…+json" mimetypes, so a dict
# spec under the ".json" spelling makes papermill reject the output. The major version follows
# the locked Altair (a test checks that they agree).
VEGALITE_MIME = "application/vnd.vegalite.v6+json"
SVG_MIME = "image/svg+xml"
HTML_MIME = "text/html"
TEXT_MIME = "text/plain"
MARKDOWN_MIME = "text/markdown"

# What a renderer reads from the project root besides the executed notebooks: the brief's
# document and its Quarto project file.
BRIEF_DOCUMENT = "brief.qmd"
RENDER_INPUTS = (BRIEF_DOCUMENT, "_quarto.yml")

# The key in a chart output's metadata holding {"label", "caption", "alt", "sources"}.
OUTPUT_METADATA_KEY = "brief"

# --------------------------------------------------------------------------- cell options


def cell_label(source: str) -> str | None:
    """The ``#| label:`` of a cell, read from its leading Quarto option lines."""
    for line in source.splitlines():
        if not line.startswith("#|"):
            break
        key, _, value = line[2:].partition(":")
        if key.strip() == "label":
            return value.strip()
    return None


def yaml_quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that cannot break out of its option line."""
    # A JSON string is a valid YAML double-quoted scalar: quotes, backslashes and newlines
    # are escaped. YAML also breaks lines at NEL and the Unicode line/paragraph separators,
    # which JSON leaves raw.
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\u0085", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_CAPTION_OPTION = re.compile(r"^#\|\s*(fig-cap|fig-alt)\s*:.*$")


def apply_cell_options(nb) -> None:
    """Rewrite the ``#| fig-cap:``/``#| fig-alt:`` lines of each chart cell from its output.

    Modifies ``nb`` (an nbformat NotebookNode) in place. A chart cell without those lines gets
    them after its option block.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = next((o.get("metadata", {}).get(OUTPUT_METADATA_KEY) for o in cell.get("outputs", [])
                     if o.get("output_type") == "display_data" and OUTPUT_METADATA_KEY in o.get("metadata", {})),
                    None)
        if not meta:
            continue
        values = {"fig-cap": yaml_quote(meta["caption"]), "fig-alt": yaml_quote(meta["alt"])}
        lines = cell.source.split("\n")
        seen = set()
        for i, line in enumerate(lines):
            match = _CAPTION_OPTION.match(line)
            if match:
                lines[i] = f"#| {match.group(1)}: {values[match.group(1)]}"
                seen.add(match.group(1))
        options_end = next((i for i, line in enumerate(lines) if not line.startswith("#|")), len(lines))
        missing = [f"#| {name}: {value}" for name, value in values.items() if name not in seen]
        lines[options_end:options_end] = missing
        cell.source = "\n".join(lines)


# --------------------------------------------------------------------------- Markdown

# Characters that are markup in pandoc Markdown (emphasis, links, raw HTML, math, citations,
# sub/superscript, tables, headings) or in HTML/Typst. A backslash before ASCII punctuation is
# always a literal character in pandoc Markdown, so escaping is safe wherever the text lands.
# Quotes are escaped too, so a reader with typographic quotes on (Quarto's) keeps data literal.
_INLINE = re.compile(r"""([\\`*_{}\[\]<>#!|~^$@&'"])""")
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
