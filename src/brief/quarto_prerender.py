"""``quarto render`` / ``quarto preview`` in the project: the pre-render step (``scripts/quarto-pre-render.py``).

Quarto runs it before rendering. It builds the requested edition with the same incremental
``brief build`` (so after ``make brief`` it only checks that reports/ is up to date), then puts
that build's executed notebooks, title-block values and Vega bundle in ``_executed/``, where
``brief.qmd``'s embeds and ``_quarto.yml`` read them.

What Quarto's command line asks for, mapped onto the brief's own request:

* ``--profile NAME``: an edition (``editions/NAME.yml``) — Quarto exports the active profiles
  as ``QUARTO_PROFILE``. A profile that has its own ``_quarto-NAME.yml`` is left to Quarto.
* ``--to pdf`` is Quarto's LaTeX PDF: refused with a message to use ``--to typst``.
* ``-P name:value`` / ``--execute-param name:value`` and ``--execute-params file.yml``: the
  brief's parameters, checked exactly as ``brief build -p`` checks them. Quarto does not pass
  them to project scripts, so they are read from the command line of the Quarto process that
  runs this script (Linux ``/proc``); where that cannot be read, parameters given to Quarto are
  not seen, and ``brief build -p …`` is the way to set them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .exceptions import BriefError, EditionError

PARAM_FLAGS = ("-P", "--execute-param")
PARAMS_FILE_FLAG = "--execute-params"


def quarto_command_line(pid: int | None = None) -> tuple[list[str], Path]:
    """The arguments and working directory of the Quarto process that started this script."""
    pid = pid or os.getppid()
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return [], Path.cwd()
    return [a.decode("utf-8", "replace") for a in argv if a], cwd


def params_from_quarto(argv: list[str], cwd: Path) -> dict:
    """The brief's raw parameters from Quarto's -P name:value and --execute-params file.yml."""
    from .params import read_params_file

    raw: dict = {}
    for i, arg in enumerate(argv[:-1]):
        if arg == PARAMS_FILE_FLAG:
            raw.update(read_params_file(cwd / argv[i + 1]))
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg in PARAM_FLAGS and i + 1 < len(argv) else None
        if arg.startswith(("-P=", "--execute-param=")):
            value = arg.split("=", 1)[1]
        if value is not None:
            name, sep, setting = value.partition(":")
            if not sep or not name.strip():
                raise BriefError(f"Quarto parameter '{value}' is not name:value",
                                 "write e.g. quarto render -P as_of:2024-06-30")
            raw[name.strip()] = setting.strip()
    return raw


def check_formats(argv: list[str]) -> None:
    """Quarto's ``--to pdf`` is LaTeX, which this project does not use: say what to run instead."""
    for i, arg in enumerate(argv[:-1]):
        if arg in ("--to", "-t") and "pdf" in argv[i + 1].split(","):
            raise BriefError("Quarto's --to pdf makes a PDF through LaTeX; this brief's PDF is made by Typst",
                             "run `quarto render brief.qmd --to typst` for the PDF, `quarto render` for both")


def edition_from_profiles(project_root: Path, profiles: str) -> str | None:
    """The edition named by Quarto's active profiles (at most one), or None."""
    from .editions import list_editions

    names = [p.strip() for p in profiles.split(",") if p.strip()]
    editions = {e.name for e in list_editions(project_root)}
    own = [n for n in names if any((project_root / f"_quarto-{n}{ext}").is_file() for ext in (".yml", ".yaml"))]
    chosen = [n for n in names if n in editions]
    unknown = [n for n in names if n not in editions and n not in own]
    if unknown:
        raise EditionError(f"quarto --profile {unknown[0]}: no edition of that name and no _quarto-{unknown[0]}.yml",
                           f"editions: {', '.join(sorted(editions)) or 'none yet'} (see `brief editions`)")
    if len(chosen) > 1:
        raise EditionError(f"quarto --profile names {len(chosen)} editions ({', '.join(chosen)})",
                           "render one edition at a time: quarto render --profile NAME")
    return chosen[0] if chosen else None


def prepare(project_root: Path, *, profiles: str, argv: list[str], cwd: Path) -> Path:
    """Build the requested edition and fill ``_executed/``; return the published edition directory."""
    from . import manifest
    from .build import build
    from .cache import CACHE_DIR
    from .render.builtin import split_front_matter
    from .render.quarto import provide_inputs
    from .render.variables import template_variables
    from .render.vega import prefetch

    check_formats(argv)
    edition = edition_from_profiles(project_root, profiles)
    raw = params_from_quarto(argv, cwd)
    prefetch(project_root / CACHE_DIR)  # _executed/ gets the Vega bundle the builds keep, not a new one
    result = build(project_root=project_root, params_raw=raw, edition=edition)
    record = manifest.read(result.directory) or {}
    front, _ = split_front_matter((project_root / "brief.qmd").read_text(encoding="utf-8"))
    provide_inputs(project_root, result.directory / "notebooks",
                   template_variables(front, record.get("render_metadata") or {"as_of": record["parameters"]["as_of"]}))
    return result.directory


def main(project_root: Path) -> int:
    """Entry point of scripts/quarto-pre-render.py: 0, or one error line and the brief's exit code."""
    argv, cwd = quarto_command_line()
    try:
        prepare(Path(project_root).resolve(), profiles=os.environ.get("QUARTO_PROFILE", ""), argv=argv, cwd=cwd)
    except BriefError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    return 0
