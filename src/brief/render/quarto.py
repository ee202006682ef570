"""The Quarto engine: ``quarto render`` of the same Quarto project, from notebooks the build executed.

The project (``_quarto.yml``) embeds outputs from ``_executed/``. A bare ``quarto render`` fills
that folder through its pre-render script (:mod:`brief.quarto_prerender`); ``brief build --engine
quarto`` fills it itself in a private copy of the project, whose ``_quarto.yml`` has no
pre-render step. Both then render with the same design: the Typst partials, the HTML
template and the Lua filters in ``templates/``, which the built-in engine uses too.

The CLI is found with the ``quarto`` package (``QUARTO_PATH``, then ``PATH``); its ``render()``
is not used because it neither sets the working directory nor captures Quarto's messages.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import yaml

from ..contract import RENDER_INPUTS
from ..exceptions import RenderError
from .builtin import split_front_matter
from .variables import template_variables
from .vega import vega_script_tag

QUARTO_FORMATS = {"html": "html", "pdf": "typst"}
EXECUTED_DIR = "_executed"  # where brief.qmd's embeds read the executed notebooks
METADATA_FILE = "brief-metadata.yml"  # _quarto.yml: metadata-files
VEGA_HEADER = "vega-header.html"  # _quarto.yml: include-in-header
# Quarto's messages from a render that succeeds (its warnings among them) are logged here, at debug level.
log = logging.getLogger(__name__)
# Package folders _quarto.yml names by their place in the project (copied from the package).
PACKAGE_DIRS = {Path(__file__).parent / "templates": "src/brief/render/templates",
                Path(__file__).parent.parent / "fonts": "src/brief/fonts"}


def quarto_binary() -> str:
    import quarto

    path = quarto.path()
    if path is None or not Path(path).exists():
        raise RenderError("Quarto is not installed (no `quarto` on PATH, QUARTO_PATH not set)",
                          "install Quarto (../shared/tools/quarto/install.sh or quarto.org), or use --engine builtin")
    return path


def command(binary: str, formats: tuple[str, ...]) -> list[str]:
    """The `quarto render` command line for ``formats``: one run for all of the project's formats (Quarto
    starts and reads the project once, about a CPU-second and a half less than a run per format)."""
    if set(formats) >= set(QUARTO_FORMATS):
        return [binary, "render", "brief.qmd", "--no-execute"]  # every format _quarto.yml lists
    (fmt,) = formats
    return [binary, "render", "brief.qmd", "--to", QUARTO_FORMATS[fmt], "--no-execute"]


@lru_cache(maxsize=4)
def _versions(binary: str) -> dict[str, str]:
    def ask(*args: str) -> str:
        proc = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
        words = (proc.stdout.strip() or proc.stderr.strip()).split()  # `quarto typst` answers on stderr
        return words[1] if args[0] != "--version" and len(words) > 1 else (words[0] if words else "unknown")

    return {"quarto": ask("--version"), "pandoc": ask("pandoc", "--version"), "typst": ask("typst", "--version")}


def engine_versions() -> dict[str, str]:
    """The Quarto CLI's version and those of the pandoc and Typst it runs."""
    return {"engine": "quarto", **_versions(quarto_binary())}


def provide_inputs(project: Path, executed_dir: Path, variables: dict) -> None:
    """Fill ``project/_executed``: the executed notebooks, the title-block metadata, the Vega bundle."""
    target = project / EXECUTED_DIR
    fresh = Path(tempfile.mkdtemp(prefix=".executed-", dir=project))
    for notebook in sorted(Path(executed_dir).glob("*.ipynb")):
        shutil.copyfile(notebook, fresh / notebook.name)
    (fresh / METADATA_FILE).write_text(yaml.safe_dump(variables, sort_keys=True, allow_unicode=True),
                                       encoding="utf-8")
    (fresh / VEGA_HEADER).write_text(vega_script_tag(), encoding="utf-8")
    old = project / f".executed-old-{os.getpid()}"
    if target.exists():
        os.rename(target, old)
    os.rename(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


def stage_project(project_root: Path, work: Path) -> None:
    """A private copy of the Quarto project in ``work``, with the package's templates and fonts."""
    for name in RENDER_INPUTS:  # templates and fonts come from the package
        shutil.copy2(project_root / name, work / name)
    # The copy gets its inputs from the build, not from the pre-render step.
    config = yaml.safe_load((work / "_quarto.yml").read_text(encoding="utf-8"))
    config.get("project", {}).pop("pre-render", None)
    (work / "_quarto.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for source, place in PACKAGE_DIRS.items():
        shutil.copytree(source, work / place)


# Quarto prints "ERROR: …" (and Typst "error: …") lines among stack traces and progress output.
_ERROR_LINE = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)*(ERROR|error)(?:\x1b\[[0-9;]*m)*:?\s*(.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_lines(output: str) -> list[str]:
    """The lines of Quarto's output that state what went wrong (no stack trace, no progress)."""
    lines = [_ANSI.sub("", line).rstrip() for line in output.splitlines()]
    found = []
    for i, line in enumerate(lines):
        if _ERROR_LINE.match(line):
            found.append(line.strip())
            # Typst puts the location on the next lines: "┌─ brief.typ:12:3"
            found += [lines[j].strip() for j in range(i + 1, min(i + 3, len(lines))) if "─ " in lines[j]]
    if not found:
        found = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("at ")][-3:]
    return found[:6]


def run_quarto(binary: str, formats: tuple[str, ...], cwd: Path, env: dict | None = None) -> None:
    """Render ``formats``; a failure is Quarto's error line(s) and the command that reproduces it."""
    args = command(binary, formats)
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        reproduce = " ".join(["quarto", *args[1:-1]])
        raise RenderError(f"`{reproduce}` failed: " + " / ".join(error_lines(proc.stderr + "\n" + proc.stdout)),
                          f"reproduce it in the project with `{reproduce}`, or use --engine builtin")
    for line in _ANSI.sub("", proc.stdout + proc.stderr).splitlines():
        log.debug("%s", line)


def render(*, project_root: Path, executed_dir: Path, out_dir: Path, formats, metadata: dict | None) -> dict:
    binary = quarto_binary()
    front, _ = split_front_matter((Path(project_root) / "brief.qmd").read_text(encoding="utf-8"))
    produced = {}
    with tempfile.TemporaryDirectory(prefix="brief-quarto-") as tmp:
        work = Path(tmp)
        stage_project(Path(project_root), work)
        provide_inputs(work, executed_dir, template_variables(front, metadata or {}))
        run_quarto(binary, formats, work)
        for fmt in formats:
            built = work / f"brief.{fmt}"
            if not built.is_file():
                raise RenderError(f"quarto render produced no brief.{fmt}", "check _quarto.yml's output settings")
            produced[fmt] = Path(shutil.copy2(built, Path(out_dir) / built.name))
    return produced
