"""Render the brief (``brief.qmd``) from executed notebooks to PDF and HTML.

One library call, two engines: ``builtin`` (pandoc + Typst, both pip-installed) and
``quarto`` (the Quarto CLI, when it is installed).
"""

from __future__ import annotations

from pathlib import Path

from ..exceptions import RenderError


def render_brief(*, project_root: Path, executed_dir: Path, out_dir: Path, formats: tuple[str, ...] = ("pdf", "html"),
                 engine: str = "builtin", metadata: dict | None = None) -> dict[str, Path]:
    """Write ``brief.pdf`` / ``brief.html`` into ``out_dir``; return {format: path}."""
    if engine == "builtin":
        from .builtin import render
    elif engine == "quarto":
        from .quarto import render
    else:
        raise RenderError(f"unknown engine '{engine}'", "use builtin or quarto")
    return render(project_root=Path(project_root), executed_dir=Path(executed_dir), out_dir=Path(out_dir),
                  formats=tuple(formats), metadata=metadata)


def engine_versions(engine: str) -> dict[str, str]:
    """The renderer that makes the outputs and its versions: {"engine", "pandoc", "typst"[, "quarto"]}.

    Recorded in manifest.json under "renderer" (and passed to notebooks as ``renderer``).
    """
    if engine == "quarto":
        from .quarto import engine_versions as quarto_versions

        return quarto_versions()
    from importlib.metadata import version

    import pypandoc

    return {"engine": "builtin", "pandoc": pypandoc.get_pandoc_version(), "typst": version("typst")}
