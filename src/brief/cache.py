"""Content-keyed cache of executed notebooks (``.brief-cache/``).

A notebook's key hashes everything its result depends on: its own source, the parameters it
declares (as resolved), the CSV tables it declares in ``metadata.brief.reads`` plus the schema,
the package code and the lock file. Editing one CSV therefore re-executes only the notebooks
that read it; file times play no part.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import brief

CACHE_DIR = ".brief-cache"
PACKAGE_DIR = Path(brief.__file__).parent


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def notebook_key(spec, parameters: dict, project_root: Path, code: str) -> str:
    data = project_root / "data"
    tables = [data / f"{t}.csv" for t in spec.reads] + [data / "datapackage.json"]
    lock = project_root / "requirements.lock"
    return key("notebook", spec.name, sha256_file(spec.path),
               {k: v for k, v in parameters.items() if k in spec.parameters},
               digest_files([t for t in tables if t.exists()], project_root),
               code, sha256_file(lock) if lock.exists() else "")


class NotebookCache:
    def __init__(self, project_root: Path):
        self.dir = Path(project_root) / CACHE_DIR / "notebooks"

    def path(self, name: str, cache_key: str) -> Path:
        return self.dir / f"{name}-{cache_key[:32]}.ipynb"

    def get(self, name: str, cache_key: str) -> Path | None:
        path = self.path(name, cache_key)
        return path if path.is_file() else None

    def put(self, name: str, cache_key: str, executed: Path) -> None:
        """Store atomically (write a temporary file, then rename); a cache write failure is not fatal."""
        tmp = None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
            os.close(fd)
            shutil.copyfile(executed, tmp)
            os.replace(tmp, self.path(name, cache_key))
        except OSError:  # a full disk only costs a re-execution next time
            if tmp:
                Path(tmp).unlink(missing_ok=True)
