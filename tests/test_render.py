"""The renderer: embeds resolved from executed notebooks, numbering, references, escaping, engines."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from brief.exceptions import RenderError
from brief.nbout import chart_bundle
from brief.render import builtin, quarto
from brief.render.embed import resolve, typst_string

from .helpers import ROOT


def write_notebook(folder, name, cells):
    nb = nbformat.v4.new_notebook()
    for source, outputs in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = outputs
        nb.cells.append(cell)
    nbformat.write(nb, folder / f"{name}.ipynb")


def chart_output(label, caption, alt):
    import altair as alt_

    chart = alt_.Chart(alt_.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q")
    data, metadata = chart_bundle(chart, label=label, caption=caption, alt=alt, sources=[])
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata)


def markdown_output(text):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})


@pytest.fixture
def executed(tmp_path):
    write_notebook(tmp_path, "a", [
        ("#| label: fig-one\nx", [chart_output("fig-one", 'Caption "one" <b>', "Alt \\ text")]),
        ("#| label: fig-two\nx", [chart_output("fig-two", "Caption two", "Alt two")]),
        ("#| label: summary\nx", [markdown_output("Some **summary**.")]),
        ("#| label: tbl-things\nx", [markdown_output("| a |\n|---|\n| 1 |\n\n: Things {#tbl-things}")]),
    ])
    return tmp_path


BODY = """Intro @fig-two and @fig-one, see @tbl-things; mail me\\@fig-one.

{{< embed notebooks/a.ipynb#fig-one >}}

{{< embed notebooks/a.ipynb#summary >}}

{{< embed notebooks/a.ipynb#fig-two >}}

{{< embed notebooks/a.ipynb#tbl-things >}}
"""


def body(fmt, executed, text=BODY, tmp=None):
    """The body pandoc writes for ``text`` with the built-in engine's reader and filters."""
    resolved = resolve(text, executed, "html" if fmt == "html5" else "typst")
    return builtin._pandoc(resolved.markdown, fmt, [*builtin.FILTERS, "--wrap=none"], executed), resolved


def test_html_numbers_figures_in_order_and_links_references(executed):
    html, _ = body("html5", executed)
    assert ('Intro <a href="#fig-two">Figure\u00a02</a> and <a href="#fig-one">Figure\u00a01</a>, see '
            '<a href="#tbl-things">Table\u00a01</a>') in html
    assert "mail me@fig-one" in html  # escaped data is not a reference
    assert '<figure id="fig-one" class="brief-figure">' in html
    assert '<span class="fig-number">Figure 1.</span> Caption “one” &lt;b&gt;' in html or \
        '<span class="fig-number">Figure 1.</span> Caption "one" &lt;b&gt;' in html
    assert "vegaEmbed(" in html and "Some <strong>summary</strong>." in html
    assert '<span class="tbl-number">Table 1.</span> Things</caption>' in html


def test_references_in_code_and_urls_are_left_alone(executed):
    text = BODY + "\nCode `@fig-one` and <https://example.org/@fig-one>; ```{=html}\n```\n"
    html, _ = body("html5", executed, text)
    assert "<code>@fig-one</code>" in html
    assert 'href="https://example.org/@fig-one"' in html
    typst, _ = body("typst", executed, text)
    assert "`@fig-one`" in typst or "raw(\"@fig-one\")" in typst


def test_typst_uses_svg_files_native_references_and_escaped_strings(executed):
    typst, resolved = body("typst", executed)
    assert set(resolved.svgs) == {"fig-one.svg", "fig-two.svg"}
    assert resolved.svgs["fig-one.svg"].lstrip().startswith("<svg")
    assert "#ref(<fig-two>)" in typst and "#ref(<tbl-things>)" in typst
    assert 'image("fig-one.svg", alt: "Alt \\\\ text", width: 100%)' in typst
    assert "<fig-one>" in typst and "Caption" in typst and "\\<b\\>" in typst or "<b>" not in typst


def test_unknown_label_and_dangling_reference_are_clear_errors(executed):
    with pytest.raises(RenderError, match=r"embeds notebooks/a.ipynb#fig-three, but no cell has that label "
                                          r"\(labels in a.ipynb: fig-one, fig-two, summary, tbl-things\)"):
        resolve("{{< embed notebooks/a.ipynb#fig-three >}}", executed, "html")
    with pytest.raises(RenderError, match="refers to @fig-nowhere, which no embedded output defines"):
        body("html5", executed, "See @fig-nowhere.")
    with pytest.raises(RenderError, match="cannot be read"):
        resolve("{{< embed notebooks/missing.ipynb#x >}}", executed, "html")


def test_unknown_div_classes_pass_through(executed):
    text = '::: {.analysis rests-on="fig-one" reviewed="2024-12-01"}\nAn analyst\'s passage.\n:::\n'
    html, _ = body("html5", executed, text)
    assert '<div class="analysis" data-rests-on="fig-one" data-reviewed="2024-12-01">' in html
    typst, _ = body("typst", executed, text)
    assert typst.startswith("#block[") and "An analyst" in typst


def test_fine_print_is_small_and_unbreakable_in_typst_and_kept_in_html(executed):
    text = "::: {.fine-print}\nFirst.\n\nSecond.\n:::\n"
    typst, _ = body("typst", executed, text)
    assert typst.startswith("#block(breakable: false)[#set text(size: 0.85em)")
    assert typst.rstrip().endswith("]") and "Second." in typst
    html, _ = body("html5", executed, text)
    assert '<div class="fine-print">' in html


@pytest.mark.parametrize(("text", "literal"), [
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("two\nlines", '"two\\nlines"'),
    ("#set page(width: 1cm) $x$ <label> @ref", '"#set page(width: 1cm) $x$ <label> @ref"'),
])
def test_typst_string_literal(text, literal):
    assert typst_string(text) == literal


def test_brief_embeds_only_labels_the_notebooks_define():
    """Every embed in brief.qmd names a notebook and a label that exist in notebooks/."""
    text = (ROOT / "brief.qmd").read_text(encoding="utf-8")
    embeds = re.findall(r"\{\{<\s*embed\s+_executed/([\w-]+)\.ipynb#([\w-]+)\s*>\}\}", text)
    assert len(embeds) >= 12
    for name, label in embeds:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        labels = {line.split(":", 1)[1].strip() for c in nb.cells for line in c.source.splitlines()
                  if line.startswith("#| label:")}
        assert label in labels, f"{name}.ipynb has no cell labelled {label}"


def test_quarto_command_line():
    assert quarto.command("/opt/quarto/bin/quarto", ("pdf",)) == [
        "/opt/quarto/bin/quarto", "render", "brief.qmd", "--to", "typst", "--no-execute"]
    assert quarto.command("quarto", ("html",))[3:5] == ["--to", "html"]
    assert quarto.command("quarto", ("pdf", "html")) == ["quarto", "render", "brief.qmd", "--no-execute"]


def test_quarto_errors_are_reduced_to_their_error_lines():
    output = ("Starting python3 kernel...Done\n\x1b[31mERROR: \x1b[39mThe notebook x.ipynb doesn't contain output\n"
              "    at notebookMarkdown (file:///opt/q/src/core/jupyter/jupyter-embed.ts:460:17)\n"
              "    at eventLoopTick (ext:core/01_core.js:179:7)\n")
    assert quarto.error_lines(output) == ["ERROR: The notebook x.ipynb doesn't contain output"]
    typst = "[typst]: Compiling brief.typ to brief.pdf...\nerror: unknown variable: foo\n   ┌─ brief.typ:12:3\n   │\n"
    assert quarto.error_lines(typst) == ["error: unknown variable: foo", "┌─ brief.typ:12:3"]


def test_quarto_engine_without_quarto_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    with pytest.raises(RenderError, match=r"Quarto is not installed .*use --engine builtin"):
        quarto.render(project_root=ROOT, executed_dir=tmp_path, out_dir=tmp_path, formats=("html",), metadata={})


def test_quarto_project_is_valid_for_both_formats():
    import yaml

    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert {"html", "typst"} <= set(config["format"])
    assert config["format"]["html"]["include-in-header"] == f"{quarto.EXECUTED_DIR}/{quarto.VEGA_HEADER}"
    assert config["metadata-files"] == [f"{quarto.EXECUTED_DIR}/{quarto.METADATA_FILE}"]
    # Every file the project names is where the engine stages it from the package.
    named = [config["format"]["html"]["template"], *config["format"]["typst"]["template-partials"],
             *(f["path"] for f in config["filters"]), *config["format"]["typst"]["font-paths"]]
    for path in named:
        assert (ROOT / path).exists(), path
        assert any(path.startswith(place) for place in quarto.PACKAGE_DIRS.values()), path
    assert (ROOT / config["project"]["pre-render"].split()[-1]).is_file()
    # The filters both engines run, in the same order (each also runs one of its own: Quarto's embeds,
    # the built-in engine's cross-references).
    own = {"quarto-embeds.lua", "crossref.lua"}
    assert [Path(f["path"]).name for f in config["filters"] if Path(f["path"]).name not in own] == [
        Path(arg).name for arg in builtin.FILTERS if Path(arg).name not in own]
    front = (ROOT / "brief.qmd").read_text(encoding="utf-8").split("---")[1]
    assert yaml.safe_load(front)["title"]
