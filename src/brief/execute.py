"""Execute one notebook with papermill, in a fresh kernel, and make the result reproducible.

Load inputs (the source notebook, its declared parameters and tables) / execute (papermill,
kernel ``python3``, working directory = project root) / save (Quarto cell options filled from
the data, volatile metadata such as timestamps and temporary paths removed, the charts' static
SVG added: see :mod:`brief.chartsvg`).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import logging
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import chartsvg
from .cache import svg_files
from .contract import apply_cell_options, cell_label
from .exceptions import BriefError, NotebookError
from .project import display_path, inside_project
from .publish import write_error

MAX_NOTEBOOK_BYTES = 16 * 2**20  # a source notebook is committed without outputs: kilobytes


@dataclass(frozen=True)
class NotebookSpec:
    """What the build needs to know about a source notebook before running it."""

    name: str
    path: Path
    parameters: tuple[str, ...]  # names assigned in the cell tagged "parameters"
    reads: tuple[str, ...]  # tables declared in metadata.brief.reads


def inspect(path: Path, project_root: Path) -> NotebookSpec:
    rel = path.relative_to(project_root).as_posix()
    real, _ = inside_project(project_root, path, what="notebook", error=NotebookError)
    if not real.is_file() or real.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{rel} is not a notebook file (or is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB)",
                            f"restore it with `git checkout -- {rel}`")
    try:
        nb = nbformat.read(real, as_version=4)
    except Exception as err:  # nbformat raises JSON, validation and Unicode errors alike
        raise NotebookError(f"{rel} is not a readable notebook: {type(err).__name__}: {_first_line(err)}",
                            f"restore it with `git checkout -- {rel}` or re-save it from Jupyter") from None
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        raise NotebookError(f"{rel} has no cell tagged 'parameters'",
                            "tag the cell that sets as_of, since, mediators and period with 'parameters'")
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as err:
        raise NotebookError(f"{rel}: the parameters cell is not valid Python ({err.msg}, line {err.lineno})",
                            "fix the parameters cell") from None
    names = tuple(t.id for node in tree.body if isinstance(node, ast.Assign)
                  for t in node.targets if isinstance(t, ast.Name))
    reads = tuple(nb.metadata.get("brief", {}).get("reads", ()))
    if not reads:
        raise NotebookError(f"{rel} does not declare the tables it reads",
                            'add "brief": {"reads": [...]} to the notebook metadata')
    return NotebookSpec(path.stem, path, names, reads)


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else ""


def execute(spec: NotebookSpec, output: Path, parameters: dict, project_root: Path, failed_copy: Path,
            timeout: float | None = None) -> None:
    """Run ``spec`` with the parameters it declares; on failure keep a copy at ``failed_copy``.

    ``timeout`` bounds the whole notebook (seconds): each cell may use what the earlier ones left.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .forkserver import papermill_options

    # papermill warns about parameter comments it cannot parse; the build checks parameters itself.
    logging.getLogger("papermill").setLevel(logging.ERROR)

    rel = spec.path.relative_to(project_root).as_posix()
    given = {k: v for k, v in parameters.items() if k in spec.parameters}
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        # The kernel is told its working directory (nbclient passes resources' path to it) instead
        # of papermill's cwd=, which changes the whole process's directory from this worker thread:
        # another build's kernel started meanwhile would run in this project (or the reverse).
        nb = papermill.execute_notebook(str(spec.path), str(output), parameters=given, engine_name=_engine(),
                                        resources={"metadata": {"path": str(project_root)}},
                                        kernel_name="python3", progress_bar=False, log_output=False,
                                        shutdown_kernel="immediate",  # outputs are saved; no need to wait
                                        # ipykernel warns on every start about its local TCP transport
                                        extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                        # a fresh kernel forked from a warm parent, leaving the
                                        # charts' SVG to this process (brief.chartsvg)
                                        **papermill_options(**{chartsvg.LATER_VARIABLE: "1"}),
                                        timeout_func=None if deadline is None
                                        else lambda cell: max(1e-3, deadline - time.monotonic()))
    except PapermillExecutionError as err:
        label = _failing_label(output, err.exec_count)
        where = f"cell {err.exec_count or err.cell_index}" + (f" ({label})" if label else "")
        _keep(output, failed_copy)
        raise NotebookError(f"notebook {rel} failed in {where}: {err.ename}: {_first_line(err.evalue) or '-'}",
                            f"the executed notebook with the error is kept at {display_path(failed_copy)}; "
                            "fix the data or the notebook and build again") from None
    except TimeoutError:
        _keep(output, failed_copy)
        raise NotebookError(f"notebook {rel} did not finish within {timeout:g} s",
                            f"the notebook as far as it ran is kept at {display_path(failed_copy)}; "
                            "find the slow cell, or allow more time with brief build --timeout SECONDS") from None
    except OSError as err:
        raise write_error(err, output) from None
    except BriefError:
        raise
    except Exception as err:  # kernel died, …: still one readable line
        raise NotebookError(f"notebook {rel} could not be executed: {type(err).__name__}: {_first_line(err)}",
                            "run `brief build --jobs 1` to see it alone; is the python3 kernel installed?") from None
    apply_cell_options(nb)
    _strip_volatile(nb)
    chartsvg.add_missing_svgs(nb, svg_files(project_root))
    write_notebook(nb, output)


@functools.cache
def _engine() -> str:
    """papermill's nbclient engine, leaving the executed notebook unwritten while it runs (papermill
    writes it before and after every cell; nobody reads it meanwhile, and those writes of a growing
    notebook were a tenth of a build's own CPU). papermill writes it when it ends: finished or failed
    in a cell; this engine writes it where papermill would not, when the time limit or a dead kernel
    stops it (the notebook as far as it ran is kept for the user)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            # The manager saves only where it has an output path: none while the cells run. The
            # path is back for notebook_complete (which papermill calls next, and which writes it)
            # only when the run was cut short; otherwise papermill writes the notebook itself.
            output_path, nb_man.output_path = nb_man.output_path, None
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except BaseException:
                nb_man.output_path = output_path
                raise

    papermill_engines.register("brief", Engine)
    return "brief"


def _failing_label(output: Path, exec_count) -> str | None:
    nb = nbformat.read(output, as_version=4)
    failing = next((c for c in nb.cells if c.get("execution_count") == exec_count and c.cell_type == "code"), None)
    return cell_label(failing.source) if failing is not None else None


def _keep(output: Path, failed_copy: Path) -> None:
    """Keep the notebook as far as it ran, for the user to open (best effort)."""
    try:
        failed_copy.parent.mkdir(parents=True, exist_ok=True)
        failed_copy.unlink(missing_ok=True)  # a link placed there is replaced, never written through
        shutil.copyfile(output, failed_copy)
    except OSError:
        pass


def stop_kernels() -> None:
    """Kill every process this one started, and theirs (kernels run in their own sessions, out of
    Ctrl-C's reach; forked kernels are grandchildren)."""
    parents = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            parents[int(stat_file.parent.name)] = int(stat_file.read_text().rsplit(")", 1)[1].split()[1])
    found, todo = [], [os.getpid()]
    while todo:
        parent = todo.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        todo += children
    for pid in found:
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)


def _strip_volatile(nb) -> None:
    """Drop what differs between two runs of the same inputs: timestamps, durations, paths."""
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": papermill_meta.get("parameters", {})}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id


def write_notebook(nb, path: Path) -> None:
    try:
        nbformat.write(nb, str(path))
    except OSError as err:
        raise write_error(err, path) from None
