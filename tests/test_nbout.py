"""The notebook output contract: escaping, the one-output chart bundle, cell options."""

from __future__ import annotations

import json

import altair as alt
import nbformat
import pandas as pd
import pypandoc
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook, new_output

from brief import chartsvg, contract, nbout


def _inlines_as_text(markdown: str) -> tuple[str, set[str]]:
    """What pandoc reads from ``markdown``: the plain text and the set of node types used."""
    ast = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
    kinds, text = set(), []

    def walk(node):
        if isinstance(node, dict) and "t" in node:
            kinds.add(node["t"])
            if node["t"] == "Str":
                text.append(node["c"])
            elif node["t"] == "Space":
                text.append(" ")
            elif node["t"] == "Quoted":  # smart quotes are typography, not markup
                quote = "'" if node["c"][0]["t"] == "SingleQuote" else '"'
                text.append(quote)
                walk(node["c"][1])
                text.append(quote)
            else:
                walk(node.get("c"))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(ast["blocks"])
    return "".join(text), kinds


@pytest.mark.parametrize("raw", [
    "<script>alert('x')</script>", "a *bold* claim", "# not a heading", "costs $5 and $6",
    "@cite_key", "[x](y)", "- not a list", "1. not a list", "snake_case_name", "a | b | c",
    "~sub~ and ^sup^", "back\\slash & `code`", "> not a quote", "{#id .class}",
])
def test_md_escape_makes_pandoc_read_plain_text(raw):
    text, kinds = _inlines_as_text(contract.md_escape(raw))
    assert text == raw
    assert kinds <= {"Para", "Plain", "Str", "Space", "Quoted"}, kinds


def test_md_escape_flattens_newlines_so_data_cannot_start_a_block():
    text, kinds = _inlines_as_text(contract.md_escape("first line\n# heading\n- item"))
    assert text == "first line # heading - item"
    assert kinds <= {"Para", "Str", "Space"}


def _chart() -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_point().encode(
        x="x:Q", y="y:Q").properties(description="alt text")


def test_chart_bundle_carries_spec_svg_html_and_alt_text():
    data, metadata = nbout.chart_bundle(_chart(), label="fig-test", caption="A caption", alt="alt text",
                                        sources=["src_a"])
    assert set(data) == {contract.VEGALITE_MIME, "image/svg+xml", "text/html", "text/plain"}
    assert contract.VEGALITE_MIME.startswith("application/vnd.vegalite.v") and contract.VEGALITE_MIME.endswith("+json")
    assert data[contract.VEGALITE_MIME]["encoding"]["x"]["field"] == "x"
    assert data["image/svg+xml"].lstrip().startswith("<svg")
    assert 'document.getElementById("fig-test-vis")' in data["text/html"] and "vegaEmbed(el" in data["text/html"]
    assert data["image/svg+xml"] in data["text/html"]  # the static chart until (or where no) Vega draws it
    assert "<script src" not in data["text/html"]  # the page loads the Vega bundle once
    assert data["text/plain"] == "alt text"
    assert metadata == {"brief": {"label": "fig-test", "caption": "A caption", "alt": "alt text",
                                  "sources": ["src_a"]}}


def test_chart_bundle_carries_a_narrow_variant_when_given():
    import altair as alt

    narrow = alt.Chart(alt.Data(values=[{"x": 1}])).mark_bar().encode(y="x:Q")
    data, metadata = nbout.chart_bundle(_chart(), label="fig-n", caption="c", alt="a", sources=[], narrow=narrow)
    assert metadata["brief"]["narrow"] == narrow.to_dict()
    assert f"el.clientWidth < {chartsvg.NARROW_WIDTH} ? narrow" in data["text/html"]
    assert '"mark": {"type": "bar"}' in data["text/html"]


def test_chart_bundle_is_identical_across_calls():
    first = nbout.chart_bundle(_chart(), label="fig-t", caption="c", alt="a", sources=[])
    second = nbout.chart_bundle(_chart(), label="fig-t", caption="c", alt="a", sources=[])
    assert first == second


def test_chart_bundle_is_a_valid_notebook_output():
    data, metadata = nbout.chart_bundle(_chart(), label="fig-t", caption="c", alt="a", sources=[])
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("display_data", data=data,
                                                                    metadata=metadata)])])
    nbformat.validate(nb)


def test_html_cannot_be_closed_early_by_data():
    chart = alt.Chart(pd.DataFrame({"t": ["</script><b>x</b>"]})).mark_text().encode(text="t:N")
    data, _ = nbout.chart_bundle(chart, label="fig-t", caption="c", alt='say "hi" <now>', sources=[])
    assert data["text/html"].count("</script>") == 1
    assert 'aria-label="say &quot;hi&quot; &lt;now&gt;"' in data["text/html"]


def _chart_cell(source: str, caption: str, alt_text: str):
    output = new_output("display_data", data={"text/plain": alt_text},
                        metadata={"brief": {"label": "fig-x", "caption": caption, "alt": alt_text, "sources": []}})
    return new_code_cell(source, outputs=[output])


def _options(cell) -> dict:
    lines = [line[3:] for line in cell.source.split("\n") if line.startswith("#| ")]
    return yaml.safe_load("\n".join(lines))


def test_apply_cell_options_rewrites_caption_and_alt_yaml_safely():
    caption = 'Share "agreed": 90%\nsecond line # not a comment'
    alt_text = "Chart: 40% → 90%; it's \\ tricky\u2028#| label: injected\u0085Երևան"
    cell = _chart_cell('#| label: fig-x\n#| fig-cap: "placeholder"\n#| fig-alt: "placeholder"\nshow()',
                       caption, alt_text)
    nb = new_notebook(cells=[cell])
    contract.apply_cell_options(nb)
    assert _options(nb.cells[0]) == {"label": "fig-x", "fig-cap": caption, "fig-alt": alt_text}
    assert nb.cells[0].source.endswith("\nshow()")


def test_apply_cell_options_adds_missing_lines_after_the_option_block():
    nb = new_notebook(cells=[_chart_cell("#| label: fig-x\nshow()", "Cap", "Alt")])
    contract.apply_cell_options(nb)
    assert nb.cells[0].source.split("\n") == ['#| label: fig-x', '#| fig-cap: "Cap"', '#| fig-alt: "Alt"',
                                              "show()"]


def test_apply_cell_options_leaves_other_cells_alone():
    plain = new_code_cell("#| label: key-judgments\nshow_markdown(x)",
                          outputs=[new_output("display_data", data={"text/markdown": "x"})])
    nb = new_notebook(cells=[plain])
    contract.apply_cell_options(nb)
    assert nb.cells[0].source == "#| label: key-judgments\nshow_markdown(x)"


def test_setup_resolves_parameters_from_the_data(project):
    ctx = nbout.setup(as_of="2024-06-30", mediators="danube_council,colonia", period="month")
    assert ctx.params.as_of.isoformat() == "2024-06-30" and ctx.params.known_by == ctx.params.as_of
    assert ctx.params.since.isoformat() == "2023-07-01"
    assert ctx.params.mediators == ("colonia", "danube_council")  # vocabulary order
    assert alt.theme.active == "brief"
    assert nbout.setup().params.as_of == ctx.ds.defaults.latest


def test_setup_finds_the_data_from_the_notebooks_folder(project, monkeypatch):
    monkeypatch.chdir(project / "notebooks")
    assert nbout.setup().ds.descriptor["name"] == "fixture-arda-belor"


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.slow
@pytest.mark.browser
def test_html_output_renders_in_a_browser_with_the_bundle_loaded_once(tmp_path):
    import shutil
    import subprocess

    import vl_convert

    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed")
    data, _ = nbout.chart_bundle(_chart(), label="fig-test", caption="c", alt="alt text", sources=[])
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><meta charset='utf-8'><script>{vl_convert.javascript_bundle()}</script></head>"
                    f"<body>{data['text/html']}</body></html>", encoding="utf-8")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    container = dom[dom.index('id="fig-test-vis"'):]
    assert "<svg" in container[:container.index("</div>")]  # drawn inside its own div
    svg_tag = container[container.index("<svg"):]
    assert "width: 100%" in svg_tag[:svg_tag.index(">")]  # scales to its column: down on a phone, up on a desktop
