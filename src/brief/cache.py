"""Content-keyed cache of executed notebooks and of validation (``.brief-cache/``).

A notebook's key hashes everything its result depends on: its own source, the parameters it
declares (as resolved), the tables it declares in ``metadata.brief.reads`` plus the schema,
the package code and the lock file. Editing one CSV therefore re-executes only the notebooks
that read it; file times play no part.

Nothing in the cache is trusted blindly: an entry's file name carries the sha256 of its
content, checked on every read, so a truncated, swapped or edited entry is discarded (with a
one-line notice) and rebuilt instead of published; the validation stamp holds the digest of
exactly what was validated and counts only when the content matches.

The same folder holds the Vega bundle (:mod:`brief.render.vega`) and the charts' SVGs
(:mod:`brief.chartsvg`), which keep to the same rule.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import brief

from .descriptor import Descriptor, read_descriptor
from .project import sha256_file
from .publish import atomic_write

CACHE_DIR = ".brief-cache"
PACKAGE_DIR = Path(brief.__file__).parent


def digest_files(paths, root: Path) -> str:
    """One sha256 over names and contents of ``paths`` (sorted, names relative to ``root``)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(Path(path).relative_to(root).as_posix().encode() + b"\0")
        digest.update(sha256_file(path).encode() + b"\0")
    return digest.hexdigest()


def package_digest() -> str:
    """The package's code and templates: a change to any of them invalidates every result."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return digest_files(files, PACKAGE_DIR)


def key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def dataset_hash(data_dir: Path, descriptor: Descriptor | None = None) -> str:
    """sha256 over every declared table and the schema, in a stable order (recorded in the brief);
    ``descriptor``: the one just read from ``data_dir``, if any."""
    descriptor = descriptor or read_descriptor(data_dir)
    digest = hashlib.sha256()
    for resource in sorted(descriptor.resources, key=lambda r: r.rel):
        digest.update(resource.rel.encode() + b"\0" + resource.path.read_bytes() + b"\0")
    digest.update(descriptor.path.name.encode() + b"\0" + descriptor.path.read_bytes() + b"\0")
    return digest.hexdigest()


def notebook_inputs(spec, descriptor: Descriptor) -> list[Path]:
    """The data files a notebook's result depends on: the tables it declares, plus what every notebook
    reads through the edition context — the schema, the sources and every vocabulary table
    (``descriptor``: the project's, read)."""
    wanted = set(spec.reads) | {r.name for r in descriptor.resources
                                if r.name == "sources" or r.brief.get("role") == "vocabulary"}
    return [r.path for r in descriptor.resources if r.name in wanted] + [descriptor.path]


def notebook_key(spec, parameters: dict, project_root: Path, code: str, descriptor: Descriptor) -> str:
    """Everything an executed notebook depends on (see the module doc); ``descriptor``: the project's."""
    lock = project_root / "requirements.lock"
    real_root = project_root.resolve()
    return key("notebook", spec.name, sha256_file(spec.path),
               {k: v for k, v in parameters.items() if k in spec.parameters},
               digest_files([t for t in notebook_inputs(spec, descriptor) if t.exists()], real_root),
               code, sha256_file(lock) if lock.exists() else "")


class VerifiedFiles:
    """Files named ``<prefix><sha256 of the content, 32 hex>.<suffix>`` in ``directory``: an entry is
    returned only if its content still matches its name, and a damaged one is removed."""

    def __init__(self, directory: Path, suffix: str):
        self.dir, self.suffix = Path(directory), suffix

    def get(self, prefix: str, damaged: Callable[[Path], None] = lambda path: None) -> bytes | None:
        for path in sorted(self.dir.glob(f"{prefix}*.{self.suffix}")) if self.dir.is_dir() else []:
            recorded = path.name[len(prefix):-len(f".{self.suffix}")]
            try:
                content = path.read_bytes()
            except OSError:
                continue
            if hashlib.sha256(content).hexdigest()[:32] == recorded:
                return content
            damaged(path)
            with contextlib.suppress(OSError):
                path.unlink()
        return None

    def put(self, prefix: str, content: bytes) -> None:
        """Store atomically; a failure to write is not fatal (the entry is made again next time)."""
        with contextlib.suppress(OSError):
            self.dir.mkdir(parents=True, exist_ok=True)
            atomic_write(self.dir / f"{prefix}{hashlib.sha256(content).hexdigest()[:32]}.{self.suffix}", content)


class NotebookCache:
    """Executed notebooks by key; ``<name>-<key>.<sha256 of the content>.ipynb``, verified on read."""

    def __init__(self, project_root: Path, notice: Callable[[str], None] = lambda text: None):
        self.files = VerifiedFiles(Path(project_root) / CACHE_DIR / "notebooks", "ipynb")
        self.notice = notice

    def _prefix(self, name: str, cache_key: str) -> str:
        return f"{name}-{cache_key[:32]}."

    def get(self, name: str, cache_key: str) -> bytes | None:
        """The executed notebook's bytes, if an intact entry exists; a bad entry is removed."""
        return self.files.get(self._prefix(name, cache_key), lambda path: self.notice(
            f"cache: discarded a damaged entry for {name} ({path.name}); executing it again"))

    def put(self, name: str, cache_key: str, executed: Path) -> None:
        """Store atomically; a cache write failure is not fatal (it costs a re-execution next time)."""
        with contextlib.suppress(OSError):
            self.files.put(self._prefix(name, cache_key), Path(executed).read_bytes())


def svg_files(project_root: Path) -> VerifiedFiles:
    """The charts' SVGs drawn in this project, by spec (:func:`brief.chartsvg.to_svg`)."""
    return VerifiedFiles(Path(project_root) / CACHE_DIR / "svg", "svg")


class ValidationStamp:
    """"These exact bytes passed every check": lets a build skip re-checking unchanged data.

    Named by, and holding, the digest of the data, the source documents and the package (the
    validator included); an empty, touched or edited stamp does not count.
    """

    def __init__(self, data_dir: Path, seed_files: list[Path], descriptor: Descriptor | None = None):
        root = Path(data_dir).resolve().parent
        self.digest = key(dataset_hash(data_dir, descriptor), [(p.relative_to(root).as_posix(), sha256_file(p))
                                                    for p in sorted(seed_files)], package_digest())
        self.path = root / CACHE_DIR / "validated" / self.digest

    def valid(self) -> bool:
        try:
            return self.path.read_text(encoding="ascii").strip() == self.digest
        except (OSError, UnicodeDecodeError):
            return False

    def record(self) -> None:
        with contextlib.suppress(OSError):  # a read-only project only loses the shortcut
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, self.digest + "\n")
