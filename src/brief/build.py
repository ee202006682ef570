"""``brief build``: validate, execute the notebooks (incrementally, in parallel), render, publish.

Load inputs (data, parameters, edition, notebooks) / process (execute what changed, render
if anything it consumes changed) / save (a staging directory under reports/, swapped in for
the edition's directory only when everything succeeded).

Safety: an exclusive lock on ``reports/.lock`` serialises builds (a second one waits); work
happens in ``reports/.staging-*``; publishing is one atomic directory exchange, so a failed,
interrupted or killed build leaves the previous edition byte-for-byte intact. Stale staging
directories of killed builds are removed by the next build.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, manifest
from .editions import Edition, check_name, find_edition, list_editions, previous_edition
from .exceptions import BriefError, ParameterError
from .params import resolve
from .progress import Progress

if TYPE_CHECKING:
    from .execute import NotebookSpec

# pandas, papermill and Altair are imported only once a build has work to do: an up-to-date
# build answers from the manifest in a fraction of a second.

FORMATS = ("pdf", "html")
ENGINES = ("builtin", "quarto")
FILE_STEM = "armenia-azerbaijan-brief"
FAILED_DIR = "_failed"


@dataclass(frozen=True)
class BuildResult:
    edition: str
    directory: Path
    outputs: dict[str, Path]
    notebooks: dict[str, str]  # name -> "executed" | "cached"
    rendered: bool


def check_options(formats, engine: str, jobs: int | None) -> tuple[tuple[str, ...], int]:
    formats = tuple(f.strip() for f in formats if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParameterError(f"unknown output format '{','.join(bad) or '(none)'}'",
                             f"use --to with {', '.join(FORMATS)} (comma-separated)")
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine '{engine}'", f"use --engine {' or '.join(ENGINES)}")
    jobs = jobs or os.cpu_count() or 1
    if jobs < 1:
        raise ParameterError(f"--jobs {jobs} is not a positive number", "use --jobs 1 or more")
    return tuple(f for f in FORMATS if f in formats), jobs


class BuildLock:
    """Exclusive lock on one edition in reports/: a second build of it waits, with a message."""

    def __init__(self, reports: Path, edition: str, progress: Progress):
        self.path, self.progress = reports / f".{edition}.lock", progress

    def __enter__(self):
        self.file = open(self.path, "a+")  # noqa: SIM115 (held for the whole build)
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.progress.line(f"another build of this edition is running in {self.path.parent}; waiting for it…")
            fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def publish(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    if not _exchange(staging, target):
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        os.rename(target, old)
        os.rename(staging, target)
        staging = old
    shutil.rmtree(staging)  # now holds the previous edition


def _clean_stale(reports: Path, edition: str) -> None:
    """Leftovers of killed builds of this edition; safe because we hold its lock."""
    for pattern in (f".staging-{edition}-*", f".old-{edition}-*"):
        for path in reports.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def notebook_parameters(params, previous: Edition | None, edition: Edition | None,
                        renderer: dict | None = None) -> dict:
    """Every value a notebook may declare: the brief's parameters, the edition context, the renderer."""
    return params.to_notebook() | {
        "renderer": renderer or {},
        "previous_as_of": previous.as_of.isoformat() if previous else None,
        "previous_label": f"{previous.title} ({previous.as_of:%-d %B %Y})" if previous else None,
        "trend_overrides": {track: {"trend": o.trend, "reason": o.reason}
                            for track, o in (edition.trend_overrides.items() if edition else ())},
    }


def _run_notebooks(specs: list[NotebookSpec], parameters: dict, root: Path, executed_dir: Path,
                   reports: Path, jobs: int, force: bool, progress: Progress) -> dict[str, str]:
    from .execute import execute

    store = cache.NotebookCache(root)
    code = cache.package_digest()
    keys = {s.name: cache.notebook_key(s, parameters, root, code) for s in specs}
    statuses: dict[str, str] = {}
    todo = []
    for spec in specs:
        hit = None if force else store.get(spec.name, keys[spec.name])
        if hit:
            shutil.copyfile(hit, executed_dir / f"{spec.name}.ipynb")
            statuses[spec.name] = "cached"
            progress.notebook(spec.name, "cached")
        else:
            todo.append(spec)

    def run(spec: NotebookSpec) -> None:
        output = executed_dir / f"{spec.name}.ipynb"
        progress.notebook(spec.name, "running")
        started = time.monotonic()
        try:
            execute(spec, output, parameters, root, failed_copy=reports / FAILED_DIR / output.name)
        except BriefError:
            progress.notebook(spec.name, "failed")
            raise
        store.put(spec.name, keys[spec.name], output)
        statuses[spec.name] = "executed"
        progress.notebook(spec.name, "done", time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo) or 1))) as pool:
        futures = [pool.submit(run, spec) for spec in todo]
        errors = [f.exception() for f in futures if f.exception() is not None]
    if errors:
        raise errors[0] if len(errors) == 1 else BriefError(
            "\n".join(str(e) for e in errors), "fix the notebooks above and build again")
    return dict(sorted(statuses.items()))


def build(*, project_root: Path | str = ".", params_raw: dict | None = None, formats=FORMATS,
          engine: str = "builtin", jobs: int | None = None, force: bool = False, edition: str | None = None,
          since_edition: str | None = None, out_root: Path | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Build one edition and publish it under ``out_root`` (default: ``<project_root>/reports``)."""
    root = Path(project_root).resolve()
    progress = progress or Progress()
    formats, jobs = check_options(formats, engine, jobs)
    chosen = find_edition(root, edition) if edition else None
    raw = {**(chosen.params if chosen else {}), **(params_raw or {})}
    resolve(raw, latest=dt.date.max)  # every value's form is checked before anything is read or written
    reports = Path(out_root) if out_root else root / "reports"
    # Everything a build reads, before any parsing: identical bytes and request ⇒ identical outputs.
    request_key = cache.key("request", raw, edition, since_edition, formats, engine, manifest.inputs(root),
                            cache.package_digest())
    if not force:
        current = _up_to_date(reports, request_key, progress)
        if current:
            return current
    from .execute import inspect
    from .forkserver import prestart

    prestart()  # the warm kernel parent imports its libraries while the build validates
    from .validate import DESCRIPTOR, dataset_hash, latest_fact_date, validated_tables

    tables = validated_tables(root / "data")
    params = resolve(raw, latest_fact_date(tables))
    previous = (find_edition(root, since_edition) if since_edition
                else previous_edition(list_editions(root), params.as_of))
    name = check_name(chosen.name if chosen else params.as_of.isoformat())
    specs = [inspect(p, root) for p in sorted((root / "notebooks").glob("*.ipynb"))]
    renderer = engine_versions(engine)
    parameters = notebook_parameters(params, previous, chosen, renderer)
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BriefError(f"cannot create {reports}: {err.strerror}", "check that it is writable") from None
    with BuildLock(reports, name, progress):
        _clean_stale(reports, name)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{name}-", dir=reports))
        try:
            executed_dir = staging / "notebooks"
            executed_dir.mkdir()
            statuses = _run_notebooks(specs, parameters, root, executed_dir, reports, jobs, force, progress)
            target = reports / name
            stem = f"{FILE_STEM}-{name}"
            metadata = _metadata(params, chosen, previous)
            render_key = cache.key("render", manifest.outputs(executed_dir),
                                   cache.sha256_file(root / "brief.qmd"), cache.sha256_file(root / "_quarto.yml"),
                                   cache.package_digest(), engine, formats, metadata)
            rendered = not (not force and _reuse_render(target, staging, stem, formats, render_key))
            if rendered:
                progress.line(f"rendering {', '.join(formats)} with the {engine} engine")
                _render(root, executed_dir, staging, stem, formats, engine, metadata)
            else:
                progress.line("rendering skipped: nothing it consumes changed")
            outputs = {fmt: staging / f"{stem}.{fmt}" for fmt in formats}
            manifest.write(staging, {
                "edition": name, "engine": engine, "formats": list(formats),
                "parameters": params.to_notebook(), "edition_context": {k: parameters[k] for k in (
                    "previous_as_of", "previous_label", "trend_overrides")},
                "render_metadata": metadata, "renderer": renderer,
                "notebooks": statuses, "rendered": rendered, "render_key": render_key, "request_key": request_key,
                "inputs": manifest.inputs(root), "outputs": manifest.outputs(staging),
                "versions": manifest.tool_versions(),
                "lock_file_sha256": cache.sha256_file(root / "requirements.lock")
                if (root / "requirements.lock").exists() else None,
                "dataset": {"version": json.loads((root / "data" / DESCRIPTOR).read_text(encoding="utf-8"))
                            .get("version"), "sha256": dataset_hash(root / "data")},
                "git": manifest.git_state(root),
            })
            publish(staging, target)
            _write_text_atomic(reports / "latest.txt", name + "\n")
        except OSError as err:
            shutil.rmtree(staging, ignore_errors=True)
            full = err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
            raise BriefError(f"could not write {err.filename or reports}: {err.strerror}",
                             "free some disk space and build again" if full
                             else "check that reports/ is writable") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    progress.line(f"published {target.relative_to(reports.parent) if reports.parent in target.parents else target}")
    return BuildResult(name, target, {fmt: target / p.name for fmt, p in outputs.items()}, statuses, rendered)


def _up_to_date(reports: Path, request_key: str, progress: Progress) -> BuildResult | None:
    """The published edition built from exactly this request and these inputs, if intact."""
    for path in sorted(reports.glob("*/" + manifest.MANIFEST)):
        record = manifest.read(path.parent)
        if not record or record.get("request_key") != request_key:
            continue
        if manifest.outputs(path.parent) != record["outputs"]:
            return None  # an output was changed or removed: rebuild
        name = path.parent.name
        with BuildLock(reports, name, progress):
            record["notebooks"] = {n: "cached" for n in record["notebooks"]}
            record["rendered"] = False
            _write_text_atomic(path, json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            _write_text_atomic(reports / "latest.txt", name + "\n")
        progress.line(f"up to date: reports/{name} was built from these exact inputs")
        stem = f"{FILE_STEM}-{name}"
        return BuildResult(name, path.parent, {f: path.parent / f"{stem}.{f}" for f in record["formats"]},
                           record["notebooks"], False)
    return None


def _metadata(params, edition: Edition | None, previous: Edition | None) -> dict:
    subtitle = edition.title if edition else "Edition of " + f"{params.as_of:%-d %B %Y}"
    return {"date": params.as_of.isoformat(), "as_of": params.as_of.isoformat(), "subtitle": subtitle,
            "edition": edition.name if edition else params.as_of.isoformat(),
            "edition_notes": edition.notes if edition else "",
            "previous_edition": previous.name if previous else ""}


def _reuse_render(target: Path, staging: Path, stem: str, formats, render_key: str) -> bool:
    """Copy the published outputs when they were rendered from exactly the same inputs."""
    old = manifest.read(target)
    if not old or old.get("render_key") != render_key:
        return False
    names = [f"{stem}.{fmt}" for fmt in formats]
    if any(old.get("outputs", {}).get(n) != _sha_or_none(target / n) for n in names):
        return False  # tampered with or missing: render again
    for n in names:
        shutil.copyfile(target / n, staging / n)
    return True


def _sha_or_none(path: Path) -> str | None:
    return cache.sha256_file(path) if path.is_file() else None


def engine_versions(engine: str) -> dict[str, str]:
    from .render import engine_versions as versions

    return versions(engine)


def _render(root: Path, executed_dir: Path, staging: Path, stem: str, formats, engine: str, metadata: dict) -> None:
    from .render import render_brief

    with tempfile.TemporaryDirectory(dir=staging) as tmp:
        produced = render_brief(project_root=root, executed_dir=executed_dir, out_dir=Path(tmp), formats=formats,
                                engine=engine, metadata=metadata)
        for fmt in formats:
            os.replace(produced[fmt], staging / f"{stem}.{fmt}")


def build_all_editions(*, project_root: Path | str = ".", formats=FORMATS, engine: str = "builtin",
                       jobs: int | None = None, force: bool = False,
                       progress: Progress | None = None) -> list[BuildResult]:
    """Every edition, built concurrently; together they use at most ``jobs`` notebook kernels."""
    root = Path(project_root).resolve()
    names = [e.name for e in list_editions(root)]
    if not names:
        raise BriefError("there are no editions to build", "add one as editions/<name>.yml (see README)")
    _, jobs = check_options(formats, engine, jobs)
    workers = min(len(names), jobs)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(build, project_root=root, formats=formats, engine=engine,
                               jobs=max(1, jobs // workers), force=force, edition=name, progress=progress)
                   for name in names]
        return [f.result() for f in futures]
