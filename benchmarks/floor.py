"""The floor: the notebooks' own work, with nothing of the pipeline around it.

Run from a project root: imports the libraries once and runs the code cells of every notebook in
``notebooks/`` (with their default parameters) in this one plain Python process, so every chart
the notebooks build is computed (Vega-Lite spec and SVG), whatever charts there are. No kernels,
no papermill, no notebook files written, no render. Displayed outputs are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import IPython.display
import nbformat


def run_notebook(path: Path) -> None:
    """Run the code cells of ``path`` top to bottom in a namespace of their own."""
    namespace: dict = {"__name__": "__main__"}
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{path}:cell {number}", "exec"), namespace)  # noqa: S102


def main() -> int:
    IPython.display.display = lambda *objects, **options: None  # nothing to show, nothing to keep
    for path in sorted(Path("notebooks").glob("*.ipynb")):
        run_notebook(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
