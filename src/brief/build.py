"""``brief build``: validate, execute the notebooks (incrementally, in parallel), render, publish.

The pipeline, as :func:`build` reads:

1. **request** — options and parameter forms checked, the inputs hashed (nothing parsed yet);
2. **up to date?** — the published manifest of that exact edition, read under its lock, was
   built from this very request and its files are intact: answer from it and stop;
3. **plan** — the data validated, parameters resolved, the edition named, notebooks inspected;
4. under the edition's lock, in a staging folder: **execute** what the cache does not hold,
   **render** each format whose inputs changed, write the **manifest**, **publish** by one
   atomic exchange (see :mod:`brief.publish`); then point ``latest.txt`` at the edition.

The notebook executor and the renderer are parameters (defaults: papermill and
:func:`brief.render.render_brief`), so the build's own logic can be tested without kernels.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, manifest
from .contract import RENDER_INPUTS
from .descriptor import Descriptor
from .editions import Edition, check_name, find_edition, list_editions
from .exceptions import BriefError, ParameterError
from .params import check_forms
from .progress import Progress
from .project import display_path, input_hashes, inside_project, sha256_file
from .publish import LATEST, EditionLock, atomic_write, check_target, clean_leftovers, publish, staging, write_error

if TYPE_CHECKING:
    from .execute import NotebookSpec
    from .params import Params
    from .resolution import Resolution

# pandas, papermill and Altair are imported only once a build has work to do: an up-to-date
# build answers from the manifest in a fraction of a second.

FORMATS = ("pdf", "html")
ENGINES = ("builtin", "quarto")
FILE_STEM = "armenia-azerbaijan-brief"
FAILED_DIR = "_failed"
DEFAULT_TIMEOUT = 600.0  # seconds per notebook
MAX_PERIODS = 200  # bins the meeting-cadence chart can draw

Executor = Callable[..., None]  # (spec, output, parameters, project_root, failed_copy, timeout)
Renderer = Callable[..., dict]  # brief.render.render_brief's keyword signature


@dataclass(frozen=True)
class BuildResult:
    edition: str
    directory: Path
    outputs: dict[str, Path]
    notebooks: dict[str, str]  # name -> "executed" | "cached"
    rendered: tuple[str, ...]  # formats rendered by this build (the others were reused)


@dataclass(frozen=True)
class Request:
    """What was asked for, checked for form; ``key`` hashes it together with every input file."""

    root: Path
    reports: Path
    raw: dict
    edition: Edition | None
    since_edition: str | None
    formats: tuple[str, ...]
    engine: str
    jobs: int
    force: bool
    timeout: float | None
    inputs: dict[str, str]
    key: str
    strict: bool = False  # refuse to publish when an analyst passage is stale

    def known_name(self) -> str | None:
        """The edition's folder name when it is known without reading the data."""
        if self.edition:
            return self.edition.name
        as_of = self.raw.get("as_of")
        return check_name(check_forms({"as_of": as_of}).as_of.isoformat()) if as_of else None


@dataclass(frozen=True)
class Plan:
    """A resolved request: what this build will execute, render and publish, and where."""

    request: Request
    name: str
    params: Params
    resolution: Resolution  # the edition context and the verdict on every analyst passage
    previous: Edition | None
    specs: list[NotebookSpec]
    parameters: dict  # every value a notebook may declare
    metadata: dict  # for the renderer
    dataset: dict  # {"version": the descriptor's version, "sha256": cache.dataset_hash}
    descriptor: Descriptor  # the schema, as validated for this build

    @property
    def target(self) -> Path:
        return self.request.reports / self.name

    def output(self, fmt: str) -> str:
        return output_name(self.name, fmt)


def output_name(edition: str, fmt: str) -> str:
    """The published file of one format, e.g. armenia-azerbaijan-brief-2024-12.pdf: stable, shareable."""
    return f"{FILE_STEM}-{edition}.{fmt}"


def build(*, project_root: Path | str = ".", params_raw: dict | None = None, formats=FORMATS,
          engine: str = "builtin", jobs: int | None = None, force: bool = False, edition: str | None = None,
          since_edition: str | None = None, out_root: Path | None = None, timeout: float | None = DEFAULT_TIMEOUT,
          strict: bool = False, progress: Progress | None = None, executor: Executor | None = None,
          renderer: Renderer | None = None) -> BuildResult:
    """Build one edition and publish it under ``out_root`` (default: ``<project_root>/reports``)."""
    progress = progress or Progress()
    request = make_request(project_root, params_raw, formats, engine, jobs, force, edition, since_edition,
                           out_root, timeout, strict)
    current = None if force else current_edition(request, progress)
    if current:
        return current
    plan = make_plan(request)
    report_stale(plan.resolution, request.strict, progress)
    try:
        request.reports.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BriefError(f"cannot create {display_path(request.reports)}: {err.strerror}",
                         "check that it is writable") from None
    check_target(request.reports, plan.name)
    with EditionLock(request.reports, plan.name, progress.line):
        _clean_leftovers(request.reports, plan.name, progress)
        current = None if force else _if_up_to_date(request, plan.name, progress)
        if current:
            return current
        try:
            with staging(request.reports, plan.name) as stage:
                statuses = run_notebooks(plan, stage / "notebooks", executor, progress)
                renders = render_outputs(plan, stage, renderer, progress)
                record = manifest_record(plan, stage, statuses, renders)
                atomic_write(stage / manifest.MANIFEST, manifest.serialise(record))
                publish(stage, plan.target)
        except OSError as err:  # disk full, read-only reports/, …: nothing was published
            raise write_error(err, request.reports) from None
    _point_latest_at(request.reports, plan.name, progress)
    progress.line(f"published {display_path(plan.target)}")
    return _result(plan.target, plan.name, statuses, tuple(renders["rendered"]), request.formats)


# --------------------------------------------------------------------------- request and plan


def check_options(formats, engine: str, jobs: int | None) -> tuple[tuple[str, ...], int]:
    formats = tuple(f.strip() for f in formats if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParameterError(f"unknown output format '{','.join(bad) or '(none)'}'",
                             f"use --to with {', '.join(FORMATS)} (comma-separated)")
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine '{engine}'", f"use --engine {' or '.join(ENGINES)}")
    if jobs is not None and jobs < 1:
        raise ParameterError(f"--jobs {jobs} is not a positive number", "use --jobs 1 or more")
    return tuple(f for f in FORMATS if f in formats), jobs or os.cpu_count() or 1


def make_request(project_root, params_raw, formats, engine, jobs, force, edition, since_edition, out_root,
                 timeout, strict=False) -> Request:
    """Check every option and parameter form; hash the inputs. Reads nothing but those bytes."""
    root = Path(project_root).resolve()
    formats, jobs = check_options(formats, engine, jobs)
    if timeout is not None and not timeout > 0:
        raise ParameterError(f"--timeout {timeout:g} is not a positive number of seconds",
                             "use e.g. --timeout 600")
    chosen = find_edition(root, edition) if edition else None
    if since_edition:
        check_name(since_edition)
    raw = {**(chosen.params if chosen else {}), **(params_raw or {})}
    check_forms(raw)  # every value's form is checked before anything is read or written
    reports = Path(out_root) if out_root else root / "reports"
    inputs = input_hashes(root)
    # Everything a build reads: identical bytes and request ⇒ identical outputs.
    key = cache.key("request", raw, edition, since_edition, formats, engine, strict, inputs, cache.package_digest())
    return Request(root, reports, raw, chosen, since_edition, formats, engine, jobs, force, timeout, inputs, key,
                   strict)


def make_plan(request: Request) -> Plan:
    """Validate the data (or trust a verified stamp), resolve parameters, inspect the notebooks."""
    from .execute import inspect
    from .forkserver import prestart
    from .knowledge import knows_a_source
    from .render.vega import prefetch
    from .resolution import resolve_for_data
    from .validate import validated

    prestart()  # the warm kernel parent imports its libraries while the build validates
    root = request.root
    if "html" in request.formats:
        prefetch(root / cache.CACHE_DIR)  # the Vega bundle is made by another process meanwhile
    descriptor, tables = validated(root / "data")
    for document in RENDER_INPUTS:  # the renderer reads them: inside the project, like every input
        if (root / document).exists() or (root / document).is_symlink():
            inside_project(root, root / document, what="file")
    chosen = request.edition
    since = find_edition(root, request.since_edition) if request.since_edition else None
    rows = {n: t.rows for n, t in tables.items()}
    resolution = resolve_for_data(root, descriptor.raw, rows, request.raw, chosen, since)
    params = resolution.params
    check_window(params)
    previous = find_edition(root, resolution.edition["previous"]["name"]) if resolution.edition["previous"] else None
    name = check_name(chosen.name if chosen else params.as_of.isoformat())
    specs = [inspect(p, root) for p in sorted((root / "notebooks").glob("*.ipynb"))]
    dataset = {"version": descriptor.raw.get("version"), "sha256": cache.dataset_hash(root / "data", descriptor)}
    parameters = notebook_parameters(resolution, engine_versions(request.engine))
    metadata = render_metadata(params, chosen, previous) | {
        "brief-passages": resolution.passage_marks(),
        # A view that can cite no source is a one-page note (brief.qmd's .when-known part is left out).
        "brief-nothing-known": not knows_a_source(rows["sources"], params.view)}
    return Plan(request, name, params, resolution, previous, specs, parameters, metadata, dataset, descriptor)


def report_stale(resolution: Resolution, strict: bool, progress: Progress) -> None:
    """List every stale analyst passage; with ``strict``, refuse to publish."""
    for verdict in resolution.stale:
        progress.line(f"warning: {verdict.message()}")
    if strict and resolution.stale:
        raise BriefError(f"{len(resolution.stale)} analyst passage(s) are stale (listed above)",
                         "re-read each against the facts named, update its reviewed date, then build again; "
                         "without --strict the brief is built with the passages marked")


def engine_versions(engine: str) -> dict[str, str]:
    from .render import engine_versions as versions

    return versions(engine)


def check_window(params) -> None:
    """The meeting-cadence chart draws one bar per period: refuse windows it cannot draw."""
    months = (params.as_of.year - params.since.year) * 12 + params.as_of.month - params.since.month + 1
    period = getattr(params, "period", "quarter")
    periods = months if period == "month" else -(-months // 3)
    if periods > MAX_PERIODS:
        raise ParameterError(f"the window since {params.since} to as_of {params.as_of} spans {periods} "
                             f"{period}s; the brief can draw at most {MAX_PERIODS}",
                             "choose a later since" + (" or period=quarter" if period == "month" else ""))


def notebook_parameters(resolution: Resolution, renderer: dict) -> dict:
    """Every value a notebook may declare: the brief's parameters, the edition, the provenance."""
    return resolution.params.to_notebook() | {
        "edition": resolution.edition,
        "provenance": {"renderer": renderer, "versions": manifest.tool_versions()},
    }


def render_metadata(params, edition: Edition | None, previous: Edition | None) -> dict:
    from .dates import long_day

    subtitle = edition.title if edition else f"Edition of {long_day(params.as_of)}"
    # The title block's and footer's date; a retrospective view says when its knowledge stops.
    as_of_long = long_day(params.as_of) + (f" (as known on {long_day(params.known_by)})"
                                           if params.view.retrospective else "")
    return {"date": params.as_of.isoformat(), "as_of": params.as_of.isoformat(), "subtitle": subtitle,
            "as-of-long": as_of_long,
            "edition": edition.name if edition else params.as_of.isoformat(),
            "edition_notes": edition.notes if edition else "",
            "previous_edition": previous.name if previous else ""}


# --------------------------------------------------------------------------- up to date


def current_edition(request: Request, progress: Progress) -> BuildResult | None:
    """The published edition built from exactly this request, if intact — decided under its lock."""
    if not request.reports.is_dir():
        return None
    name = request.known_name()
    if name is None:  # a default build's name comes from the data: find the manifest of this request
        name = next((p.parent.name for p in sorted(request.reports.glob(f"*/{manifest.MANIFEST}"))
                     if _matches(manifest.read(p.parent), request, p.parent.name)), None)
    if name is None or not (request.reports / name / manifest.MANIFEST).is_file():
        return None
    check_target(request.reports, name)
    with EditionLock(request.reports, name, progress.line):
        _clean_leftovers(request.reports, name, progress)
        return _if_up_to_date(request, name, progress)


def _clean_leftovers(reports: Path, name: str, progress: Progress) -> None:
    """Every build of an edition, up to date or not, removes what killed builds of it left (under its lock)."""
    for left in clean_leftovers(reports, name):
        progress.line(f"could not remove {display_path(left)} (left by an earlier build); remove it by hand")


def _matches(record: dict | None, request: Request, name: str) -> bool:
    return bool(record) and record.get("request_key") == request.key and record.get("edition") == name


def _if_up_to_date(request: Request, name: str, progress: Progress) -> BuildResult | None:
    """Under the edition's lock: its published manifest is this request's, and its files are intact."""
    directory = request.reports / name
    record = manifest.read(directory)
    if directory.is_symlink() or not _matches(record, request, name):
        return None
    if manifest.outputs(directory) != record["outputs"]:
        return None  # an output was changed or removed: rebuild
    _point_latest_at(request.reports, name, progress)
    progress.line(f"up to date: {display_path(directory)} was built from these exact inputs")
    return _result(directory, name, {n: "cached" for n in record.get("notebooks", {})}, (), request.formats)


def _point_latest_at(reports: Path, name: str, progress: Progress) -> None:
    try:
        atomic_write(reports / LATEST, name + "\n")
    except OSError as err:  # the edition is published; only the pointer could not move
        progress.line(f"note: could not update {display_path(reports / LATEST)} ({err.strerror})")


def _result(directory: Path, name: str, statuses: dict, rendered: tuple, formats) -> BuildResult:
    return BuildResult(name, directory, {f: directory / output_name(name, f) for f in formats}, statuses, rendered)


# --------------------------------------------------------------------------- execute


def run_notebooks(plan: Plan, executed_dir: Path, executor: Executor | None, progress: Progress) -> dict[str, str]:
    """Copy what the cache holds, execute the rest (``jobs`` at a time); {name: executed|cached}."""
    if executor is None:
        from .execute import execute as executor
    request = plan.request
    executed_dir.mkdir()
    store = cache.NotebookCache(request.root, notice=progress.line)
    code = cache.package_digest()
    keys = {s.name: cache.notebook_key(s, plan.parameters, request.root, code, plan.descriptor) for s in plan.specs}
    statuses: dict[str, str] = {}
    todo = []
    for spec in plan.specs:
        hit = None if request.force else store.get(spec.name, keys[spec.name])
        if hit is None:
            todo.append(spec)
            continue
        (executed_dir / f"{spec.name}.ipynb").write_bytes(hit)
        statuses[spec.name] = "cached"
        progress.notebook(spec.name, "cached")

    stopping = threading.Event()  # set on Ctrl-C: notebooks stopped then are not "failed"

    def run(spec: NotebookSpec) -> None:
        if stopping.is_set():
            return
        output = executed_dir / f"{spec.name}.ipynb"
        progress.notebook(spec.name, "running")
        try:
            executor(spec, output, plan.parameters, request.root, failed_copy=request.reports / FAILED_DIR /
                     output.name, timeout=request.timeout)
        except BaseException:
            if not stopping.is_set():
                progress.notebook(spec.name, "failed")
            raise
        store.put(spec.name, keys[spec.name], output)
        statuses[spec.name] = "executed"
        progress.notebook(spec.name, "done")

    _run_all(run, todo, request.jobs, stopping)
    return dict(sorted(statuses.items()))


def _run_all(run: Callable, items: list, jobs: int, stopping: threading.Event | None = None) -> None:
    """``run`` each item on ``jobs`` threads; Ctrl-C stops the kernels at once instead of waiting."""
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(items) or 1)))
    futures = []
    try:
        futures += [pool.submit(run, item) for item in items]
        wait(futures)
    except BaseException:
        if stopping is not None:
            stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_kernels_until_idle(futures)
        raise
    pool.shutdown()
    errors = [f.exception() for f in futures if f.exception() is not None]
    if len(errors) == 1 or any(not isinstance(e, Exception) for e in errors):
        raise errors[0]
    if errors:
        raise BriefError("\n".join(str(e) for e in errors), "fix the notebooks above and build again")


def _stop_kernels_until_idle(futures: list) -> None:
    """Kill the kernels now, and any a worker starts while it notices the stop (in the background)."""
    from .execute import stop_kernels

    stop_kernels()

    def reap() -> None:
        while not all(f.done() for f in futures):
            stop_kernels()
            time.sleep(0.2)

    threading.Thread(target=reap, daemon=True, name="stop-kernels").start()


# --------------------------------------------------------------------------- render


def render_outputs(plan: Plan, stage: Path, renderer: Renderer | None, progress: Progress) -> dict:
    """Render each requested format whose inputs changed; reuse the others; keep formats not asked for.

    Returns ``{"keys": {format: render key}, "rendered": [...], "reused": [...], "kept": [...]}``.
    """
    request = plan.request
    executed = manifest.outputs(stage / "notebooks")
    documents = {name: sha256_file(request.root / name) for name in RENDER_INPUTS if (request.root / name).is_file()}
    code = cache.package_digest()
    keys = {fmt: cache.key("render", executed, documents, code, request.engine, fmt, plan.metadata)
            for fmt in FORMATS}
    old = manifest.read(plan.target) or {}
    old_keys = old.get("renders", {}) if isinstance(old.get("renders"), dict) else {}
    reused = [f for f in request.formats if not request.force and old_keys.get(f) == keys[f]
              and _copy_published(plan, stage, f, old)]
    todo = [f for f in request.formats if f not in reused]
    kept = [f for f in FORMATS if f not in request.formats and f in old_keys and _copy_published(plan, stage, f, old)]
    if todo:
        progress.line(f"rendering {', '.join(todo)} with the {request.engine} engine")
        _render(plan, stage, tuple(todo), renderer)
    if reused:
        progress.line(f"rendering skipped for {', '.join(reused)}: nothing it consumes changed")
    renders = {f: keys[f] for f in request.formats} | {f: old_keys[f] for f in kept}
    return {"keys": renders, "rendered": todo, "reused": reused, "kept": kept}


def _copy_published(plan: Plan, stage: Path, fmt: str, old: dict) -> bool:
    """Copy the published output of ``fmt`` into staging if it is intact (matches its manifest)."""
    name = plan.output(fmt)
    source = plan.target / name
    if not source.is_file() or source.is_symlink() or old.get("outputs", {}).get(name) != sha256_file(source):
        return False  # tampered with or missing: render again
    shutil.copyfile(source, stage / name)
    return True


def _render(plan: Plan, stage: Path, formats: tuple[str, ...], renderer: Renderer | None) -> None:
    import tempfile

    if renderer is None:
        from .render import render_brief as renderer
    with tempfile.TemporaryDirectory(dir=stage) as tmp:
        produced = renderer(project_root=plan.request.root, executed_dir=stage / "notebooks", out_dir=Path(tmp),
                            formats=formats, engine=plan.request.engine, metadata=plan.metadata)
        for fmt in formats:
            os.replace(produced[fmt], stage / plan.output(fmt))


# --------------------------------------------------------------------------- manifest


def manifest_record(plan: Plan, stage: Path, statuses: dict[str, str], renders: dict) -> dict:
    """Everything the published edition was built from, and the hash of every file in it."""
    request = plan.request
    lock = request.root / "requirements.lock"
    return {
        "edition": plan.name, "engine": request.engine, "formats": list(request.formats),
        "parameters": plan.params.to_notebook(),
        "edition_context": plan.parameters["edition"],
        "stale_passages": [v.message() for v in plan.resolution.stale],
        "render_metadata": plan.metadata, "renderer": plan.parameters["provenance"]["renderer"],
        "notebooks": statuses, "renders": renders["keys"], "rendered": renders["rendered"],
        "kept": renders["kept"], "request_key": request.key, "inputs": request.inputs,
        "outputs": manifest.outputs(stage), "versions": manifest.tool_versions(),
        "lock_file_sha256": sha256_file(lock) if lock.exists() else None,
        "dataset": plan.dataset,
        "git": manifest.git_state(request.root),
    }


# --------------------------------------------------------------------------- every edition


def build_all_editions(*, project_root: Path | str = ".", formats=FORMATS, engine: str = "builtin",
                       jobs: int | None = None, force: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
                       strict: bool = False, progress: Progress | None = None, executor: Executor | None = None,
                       renderer: Renderer | None = None) -> list[BuildResult]:
    """Every edition, built concurrently; together they use at most ``jobs`` notebook kernels."""
    root = Path(project_root).resolve()
    names = [e.name for e in list_editions(root)]
    if not names:
        raise BriefError("there are no editions to build", "add one as editions/<name>.yml (see README)")
    _, jobs = check_options(formats, engine, jobs)
    workers = min(len(names), jobs)
    results: dict[str, BuildResult] = {}

    def one(name: str) -> None:
        results[name] = build(project_root=root, formats=formats, engine=engine, jobs=max(1, jobs // workers),
                              force=force, edition=name, timeout=timeout, strict=strict, progress=progress,
                              executor=executor, renderer=renderer)

    _run_all(one, names, workers)
    # The editions finish in any order: latest.txt names the newest, not the one that finished last.
    _point_latest_at(results[names[-1]].directory.parent, names[-1], progress or Progress())
    return [results[name] for name in names]
