"""Helpers shared by the tests: project copies, the real CLI, CSV edits, and a tiny synthetic project
with a fake notebook executor and renderer for testing the build's own logic without kernels."""

from __future__ import annotations

import atexit
import contextlib
import csv
import functools
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from brief.build import build
from brief.cache import CACHE_DIR
from brief.exceptions import NotebookError
from brief.progress import Progress
from brief.project import copy_inputs
from brief.render import vega
from brief.validate import validated

ROOT = Path(__file__).resolve().parents[1]
# The test suite's own project data (tests/fixtures/project/README.md): tests never depend on the shipped
# data/, so a user who edits it keeps `make test` green.
FIXTURE = ROOT / "tests" / "fixtures" / "project"
FIXTURE_INPUTS = ("data", "seeds", "editions", "brief.qmd")


# --------------------------------------------------------------------------- project copies and the CLI


def copy_project(dest: Path) -> Path:
    """A project in ``dest``: the real notebooks, Quarto files and lock file with the fixture's data,
    seeds, editions and brief; its cache holds the Vega bundle (see ``vega_bundle``) and the fixture
    data's validation stamp (see ``fixture_validation_stamp``)."""
    copy_inputs(ROOT, dest)
    for name in FIXTURE_INPUTS:
        target = dest / name
        if target.is_dir():
            shutil.rmtree(target)
        (shutil.copytree if (FIXTURE / name).is_dir() else shutil.copy2)(FIXTURE / name, target)
    (dest / "reports").mkdir(exist_ok=True)
    give_vega_bundle(dest)
    stamp = fixture_validation_stamp()
    (dest / CACHE_DIR / stamp.parent.name).mkdir(exist_ok=True)
    shutil.copy2(stamp, dest / CACHE_DIR / stamp.parent.name / stamp.name)
    return dest


def give_vega_bundle(root: Path) -> None:
    """Put the bundle of ``vega_bundle`` in ``root``'s cache, where a build looks for it."""
    bundle = vega.cache_file(root / CACHE_DIR)
    bundle.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(vega_bundle(), bundle)


@functools.cache
def vega_bundle() -> Path:
    """The Vega bundle a project's first build makes (two CPU-seconds), made once per test run by the
    build's own code. Project copies start with it, as after a user's first build; fresh projects
    (``make_tiny_project``, verify's rebuild) and test_vega_cache still make their own."""
    folder = Path(tempfile.mkdtemp(prefix="brief-vega-"))
    atexit.register(shutil.rmtree, folder, True)
    vega.prefetch(folder)
    made = vega.cache_file(folder)
    made.parent.mkdir(parents=True, exist_ok=True)  # prefetch makes none once this process has a tag
    made.write_text(vega.vega_script_tag(), encoding="utf-8")  # the tag this process holds, or the one just made
    return made


@functools.cache
def fixture_validation_stamp() -> Path:
    """The stamp the fixture's data and seeds earn by passing every check (about a CPU-second), made once
    per test run by the validator itself. Project copies start with it, as after a user's first build;
    a test that edits the data or a seed changes the digest the stamp is named by, so its data is
    checked again."""
    folder = Path(tempfile.mkdtemp(prefix="brief-stamp-"))
    atexit.register(shutil.rmtree, folder, True)
    for name in ("data", "seeds"):
        shutil.copytree(FIXTURE / name, folder / name)
    validated(folder / "data")
    (stamp,) = (folder / CACHE_DIR / "validated").iterdir()
    return stamp


def copy_shipped_project(dest: Path) -> Path:
    """A copy of the project as shipped (its own data): only for checks of the shipped dataset itself."""
    copy_inputs(ROOT, dest)
    (dest / "reports").mkdir(exist_ok=True)
    return dest


def run_brief(root: Path, *args: str, check: bool = True, **kwargs):
    """Run the real CLI (`python -m brief.cli …`) in ``root``, as a user would."""
    proc = subprocess.run([sys.executable, "-m", "brief.cli", *args], cwd=root, capture_output=True,
                          text=True, **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(f"brief {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def brief_in_process(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the CLI's own code (click's runner) in this process, in ``root``: real kernels, pandoc and Typst,
    but the interpreter, the pipeline's imports and the warm kernel parent are this process's, shared by
    every build of the test run (about 4 CPU-seconds a build saves). For commands that succeed, or fail
    before a kernel starts; a failing build stops every process its own process started, so builds that
    are meant to fail, and exit codes and messages as a user sees them, use `run_brief`."""
    from click.testing import CliRunner

    from brief.cli import main

    with contextlib.chdir(root):
        result = CliRunner().invoke(main, list(args))
    proc = subprocess.CompletedProcess(["brief", *args], result.exit_code, result.stdout, result.stderr)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if check and proc.returncode != 0:
        raise AssertionError(f"brief {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


class Build(NamedTuple):
    """A project and the finished `brief` process that built it."""

    root: Path
    proc: subprocess.CompletedProcess


def copy_built(built: Path, dest: Path) -> Path:
    """A private copy of a built project (inputs, reports and notebook cache), for a test that changes it:
    its next build re-executes only the notebooks whose inputs changed."""
    shutil.copytree(built, dest, symlinks=True)
    return dest


def edition_outputs(root: Path) -> dict[str, Path]:
    """The PDF and HTML of the one edition built in ``root``/reports."""
    pdfs = sorted((root / "reports").glob("*/*.pdf"))
    htmls = sorted((root / "reports").glob("*/*.html"))
    assert len(pdfs) == 1 and len(htmls) == 1, (pdfs, htmls)
    return {"pdf": pdfs[0], "html": htmls[0]}


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative names): compare before and after an operation."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file() and not p.is_symlink()}


def reports_digest(root: Path) -> dict[str, str]:
    """Every published file in ``root``/reports: not lock files, the failed-notebook folder or hidden staging."""
    reports = root / "reports"
    return {k: v for k, v in tree_digest(reports).items()
            if not k.startswith(".") and not k.startswith("_failed/") and "/." not in k}


# --------------------------------------------------------------------------- processes (Linux /proc)


def process_parents() -> dict[int, int]:
    """Every running process's parent, read now; a process that ends meanwhile is left out."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return parents


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``: its children, theirs, and so on."""
    parents = process_parents()
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        children = [p for p, parent in parents.items() if parent == current]
        found.update(children)
        todo += children
    return found


def command_line(pid: int) -> str:
    """A process's command line, words joined by spaces ('' once it has ended)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# --------------------------------------------------------------------------- CSV edits


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(root: Path, table: str, line: int, field: str, value: str) -> None:
    """Set ``field`` on the given physical line (header = line 1) of data/<table>.csv."""
    path = root / "data" / f"{table}.csv"
    rows = read_rows(path)
    rows[line - 1][rows[0].index(field)] = value
    write_rows(path, rows)


def cell(root: Path, table: str, line: int, field: str) -> str:
    rows = read_rows(root / "data" / f"{table}.csv")
    return rows[line - 1][rows[0].index(field)]


# --------------------------------------------------------------------------- a tiny synthetic project

SEED = ("The two foreign ministers met in Geneva on 3 March 2024 and agreed on the text of two articles. "
        "Talks resumed in Almaty in May 2024. The border commissions met in June 2024.")

DESCRIPTOR = {
    "name": "tiny", "version": "0.0.1", "profile": "tabular-data-package",
    "resources": [
        {"name": "sources", "path": "sources.csv", "profile": "tabular-data-resource", "brief": {"role": "source"},
         "schema": {
            "fields": [
                {"name": "source_id", "type": "string", "constraints": {"required": True, "unique": True}},
                {"name": "title", "type": "string", "constraints": {"required": True}},
                {"name": "date", "type": "string", "brief": {"kind": "fuzzy-date"},
                 "constraints": {"required": True, "pattern": "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"}},
                {"name": "path", "type": "string"},
                {"name": "url", "type": "string"},
            ],
            "primaryKey": ["source_id"]}},
        {"name": "events", "path": "events.csv", "profile": "tabular-data-resource", "brief": {"role": "fact"},
         "schema": {
            "fields": [
                {"name": "event_id", "type": "string",
                 "constraints": {"required": True, "unique": True, "pattern": "[a-z0-9_]+"}},
                {"name": "date", "type": "string", "brief": {"kind": "fuzzy-date"},
                 "constraints": {"required": True, "pattern": "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"}},
                {"name": "kind", "type": "string", "constraints": {"required": True, "enum": ["meeting", "talks"]}},
                {"name": "source_id", "type": "string", "constraints": {"required": True}},
                {"name": "quote", "type": "string", "constraints": {"required": True}},
            ],
            "primaryKey": ["event_id"],
            "foreignKeys": [{"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}]}},
    ],
}

SOURCES = [["source_id", "title", "date", "path", "url"], ["src_a", "A report", "2024-03", "seeds/a.txt", ""]]
EVENTS = [["event_id", "date", "kind", "source_id", "quote"],
          ["ev_geneva", "2024-03-03", "meeting", "src_a", "The two foreign ministers met in Geneva on 3 March 2024"],
          ["ev_almaty", "2024-05", "talks", "src_a", "Talks resumed in Almaty in May 2024."],
          ["ev_border", "2024-06", "meeting", "src_a", "The border commissions met in June 2024."]]

# Renders with the real engines too (real kernels + pandoc/Typst on a tiny project: seconds).
TINY_BRIEF = """---
title: "Tiny"
short-title: "Tiny"
subtitle: "A test brief"
author: "Test desk"
lang: en
---

## Summary

{{< embed _executed/alpha.ipynb#alpha-summary >}}

{{< embed _executed/gamma.ipynb#gamma-summary >}}
"""

# name -> (parameters it declares, tables it reads)
NOTEBOOKS = {"alpha": (("as_of", "since"), ("events",)),
             "beta": (("as_of", "period"), ("sources",)),
             "gamma": (("as_of", "mediators"), ("events", "sources"))}


def make_notebook(name, parameters, reads) -> nbformat.NotebookNode:
    params = new_code_cell("\n".join(f"{p} = None" for p in parameters), metadata={"tags": ["parameters"]})
    body = new_code_cell(f"#| label: {name}-summary\nfrom IPython.display import display\n"
                         f"display({{'text/markdown': f'Notebook {name}, as of {{as_of}}.'}}, raw=True)")
    nb = new_notebook(cells=[new_markdown_cell("# A notebook"), params, body],
                      metadata={"brief": {"reads": list(reads)},
                                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    return nb


def make_tiny_project(root: Path) -> Path:
    """A complete, valid project of three small notebooks over two tables; returns ``root``."""
    (root / "data").mkdir(parents=True)
    (root / "data" / "datapackage.json").write_text(json.dumps(DESCRIPTOR, indent=2), encoding="utf-8")
    write_rows(root / "data" / "sources.csv", SOURCES)
    write_rows(root / "data" / "events.csv", EVENTS)
    (root / "seeds").mkdir()
    (root / "seeds" / "a.txt").write_text(SEED, encoding="utf-8")
    (root / "notebooks").mkdir()
    for name, (parameters, reads) in NOTEBOOKS.items():
        nbformat.write(make_notebook(name, parameters, reads), str(root / "notebooks" / f"{name}.ipynb"))
    (root / "editions").mkdir()
    (root / "editions" / "2024-05.yml").write_text('title: "May"\nas_of: 2024-05-31\n', encoding="utf-8")
    (root / "brief.qmd").write_text(TINY_BRIEF, encoding="utf-8")
    (root / "_quarto.yml").write_text("project:\n  type: default\n", encoding="utf-8")
    (root / "requirements.lock").write_text("# nothing\n", encoding="utf-8")
    (root / "reports").mkdir()
    return root


class FakeExecutor:
    """Stands in for papermill: writes the notebook with one output naming what it was given.

    ``fail`` names notebooks that raise a NotebookError; ``before`` runs first (e.g. to wait).
    """

    def __init__(self, fail: tuple[str, ...] = (), before=None):
        self.calls: list[str] = []
        self.timeouts: list[float | None] = []
        self.fail, self.before = fail, before
        self.lock = threading.Lock()

    def __call__(self, spec, output: Path, parameters: dict, project_root: Path, *, failed_copy: Path,
                 timeout: float | None = None) -> None:
        with self.lock:
            self.calls.append(spec.name)
            self.timeouts.append(timeout)
        if self.before:
            self.before(spec)
        if spec.name in self.fail:
            raise NotebookError(f"notebook notebooks/{spec.name}.ipynb failed in cell 2: ValueError: boom",
                                "fix it")
        nb = nbformat.read(spec.path, as_version=4)
        given = {k: v for k, v in parameters.items() if k in spec.parameters}
        tables = {t: hashlib.sha256((project_root / "data" / f"{t}.csv").read_bytes()).hexdigest()
                  for t in spec.reads}
        nb.cells[-1].outputs = [new_output("display_data", data={"text/markdown": json.dumps(
            {"parameters": given, "tables": tables}, sort_keys=True)})]
        nbformat.write(nb, str(output))


class FakeRenderer:
    """Stands in for pandoc/Typst: one small file per format from the executed notebooks' bytes."""

    def __init__(self):
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, *, project_root: Path, executed_dir: Path, out_dir: Path, formats, engine: str,
                 metadata: dict) -> dict[str, Path]:
        self.calls.append(tuple(formats))
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path(executed_dir).glob("*.ipynb"))))
        produced = {}
        for fmt in formats:
            produced[fmt] = Path(out_dir) / f"brief.{fmt}"
            produced[fmt].write_text(f"{fmt} {engine} {digest.hexdigest()} {json.dumps(metadata, sort_keys=True)}\n",
                                     encoding="utf-8")
        return produced


def build_with_fakes(root: Path, executor=None, renderer=None, log=None, **kwargs):
    """`build()` in this process with the fake executor and renderer (or the ones given), its progress lines
    written to ``log``: (result, executor, renderer)."""
    executor = executor or FakeExecutor()
    renderer = renderer or FakeRenderer()
    result = build(project_root=root, executor=executor, renderer=renderer,
                   progress=Progress(log if log is not None else io.StringIO(), live=False), **kwargs)
    return result, executor, renderer
