"""The floor: the notebooks' own work, with nothing of the pipeline around it.

Run from a project root: ``python floor.py [EXECUTED_DIR]`` imports the libraries once and runs
the code cells of every notebook in ``notebooks/`` in this one plain Python process, so every
chart the notebooks build is computed (Vega-Lite spec and SVG), whatever charts there are. Each
notebook gets the parameters a build gave it (read from its executed copy in ``EXECUTED_DIR``,
set after its parameters cell as papermill does), or its defaults. No kernels, no papermill, no
notebook files written, no render. Displayed outputs are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import IPython.display
import nbformat


def run_notebook(path: Path, parameters: dict | None = None) -> None:
    """Run the code cells of ``path`` top to bottom in a namespace of their own."""
    namespace: dict = {"__name__": "__main__"}
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{path}:cell {number}", "exec"), namespace)  # noqa: S102
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(parameters or {})


def build_parameters(executed_dir: Path | None, name: str) -> dict:
    executed = executed_dir / f"{name}.ipynb" if executed_dir else None
    if executed is None or not executed.is_file():
        return {}
    return nbformat.read(executed, as_version=4).metadata.get("papermill", {}).get("parameters", {})


def main(argv: list[str]) -> int:
    IPython.display.display = lambda *objects, **options: None  # nothing to show, nothing to keep
    executed_dir = Path(argv[0]) if argv else None
    for path in sorted(Path("notebooks").glob("*.ipynb")):
        run_notebook(path, build_parameters(executed_dir, path.stem))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
