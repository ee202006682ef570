"""The Quarto engine: hand the same brief and executed notebooks to ``quarto render``.

Quarto resolves ``{{< embed >}}`` itself from the executed notebooks (copied where brief.qmd
expects them) and takes each chart's ``text/html`` output (vegaEmbed) for HTML — the Vega
bundle is included once through the HTML format's header includes — and its SVG for Typst.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..exceptions import RenderError

QUARTO_FORMATS = {"html": "html", "pdf": "typst"}
PROJECT_FILES = ("brief.qmd", "_quarto.yml")


def quarto_binary() -> str:
    path = shutil.which("quarto")
    if path is None:
        raise RenderError("Quarto is not installed (no `quarto` on PATH)",
                          "install Quarto from quarto.org, or use --engine builtin")
    return path


def command(binary: str, fmt: str, metadata: dict | None, output: str) -> list[str]:
    """The `quarto render` command line for one format (metadata as -M key:value)."""
    args = [binary, "render", "brief.qmd", "--to", QUARTO_FORMATS[fmt], "--output", output, "--no-execute"]
    for key, value in sorted((metadata or {}).items()):
        if value not in (None, ""):
            args += ["-M", f"{key}:{value}"]
    return args


def render(*, project_root: Path, executed_dir: Path, out_dir: Path, formats, metadata: dict | None) -> dict:
    binary = quarto_binary()
    produced = {}
    with tempfile.TemporaryDirectory(prefix="brief-quarto-") as tmp:
        work = Path(tmp)
        for name in PROJECT_FILES:
            shutil.copy2(project_root / name, work / name)
        shutil.copytree(executed_dir, work / "notebooks")
        _write_vega_header(work)
        for fmt in formats:
            output = f"brief.{'pdf' if fmt == 'pdf' else 'html'}"
            proc = subprocess.run(command(binary, fmt, metadata, output), cwd=work, capture_output=True, text=True)
            if proc.returncode != 0:
                raise RenderError(f"quarto render --to {QUARTO_FORMATS[fmt]} failed: {proc.stderr.strip()[-800:]}",
                                  "see Quarto's message above, or use --engine builtin")
            built = next(work.rglob(output), None)
            if built is None:
                raise RenderError(f"quarto render produced no {output}", "check _quarto.yml's output settings")
            produced[fmt] = Path(shutil.copy2(built, out_dir / output))
    return produced


def _write_vega_header(work: Path) -> None:
    import vl_convert

    (work / "vega-header.html").write_text(f"<script>{vl_convert.javascript_bundle()}</script>\n", encoding="utf-8")
