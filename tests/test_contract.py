"""The notebook-output contract: one module, no dependencies, and the renderer needs nothing above it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from brief import contract

SRC = Path(contract.__file__).parent


def brief_imports(path: Path) -> set[str]:
    """The brief modules ``path`` imports (relative imports resolved to dotted names under brief)."""
    package = ["brief", *path.relative_to(SRC).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
            names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            found.update(names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("brief"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("brief"))
    return found


def test_contract_imports_only_the_standard_library():
    tree = ast.parse(Path(contract.__file__).read_text(encoding="utf-8"))
    modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}, modules


@pytest.mark.parametrize("path", sorted((SRC / "render").glob("*.py")), ids=lambda p: p.name)
def test_render_depends_only_on_the_contract_and_exceptions(path):
    allowed = {"brief.contract", "brief.exceptions"}
    outside = {m for m in brief_imports(path) if not m.startswith("brief.render") and m not in allowed}
    assert outside == set(), f"{path.name} imports {outside}"


def test_vegalite_mime_follows_the_locked_altair():
    import altair as alt

    assert f"application/vnd.vegalite.v{alt.VEGALITE_VERSION.split('.')[0]}+json" == contract.VEGALITE_MIME


@pytest.mark.parametrize(("source", "label"), [
    ("#| label: fig-x\n#| fig-cap: c\nshow()", "fig-x"),
    ("#| fig-cap: c\n#|label:tbl-y\nx", "tbl-y"),
    ("x = 1\n#| label: fig-late", None),  # options only count in the leading block
    ("", None),
])
def test_cell_label_reads_the_leading_option_block(source, label):
    assert contract.cell_label(source) == label


def test_yaml_quote_keeps_line_breaks_inside_the_scalar():
    import yaml

    text = 'a "b"\nc\u2028d\u0085e\u2029f'
    quoted = contract.yaml_quote(text)
    assert "\n" not in quoted and "\u2028" not in quoted
    assert yaml.safe_load(f"k: {quoted}") == {"k": text}
