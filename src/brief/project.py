"""What a project is made of: the inputs a build reads, where they may lie, how to copy them."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

from .contract import RENDER_INPUTS
from .exceptions import BriefError, UsageError
from .text import shown

# Everything `brief build` reads from a project root (the package code aside): the cache key,
# the manifest, verify, preview and git's "dirty" flag all use this one list. Every table
# (data/), source document (seeds/), notebook and edition file lies under these folders: the
# checks refuse a resource, seed or edition path that resolves anywhere else.
PROJECT_INPUTS = ("data", "seeds", "notebooks", "editions", *RENDER_INPUTS, "requirements.lock")


def find_root(start: Path | None = None) -> Path:
    """The project folder: ``start`` (default: the working directory) or the nearest folder above it
    that holds ``data/datapackage.json`` — so brief works from anywhere inside the project, and a
    notebook opened in JupyterLab (working directory ``notebooks/``) finds ``data/`` too."""
    start = Path(os.path.abspath(start or Path.cwd()))
    for folder in (start, *start.parents):
        if (folder / "data" / "datapackage.json").is_file():
            return folder
    raise UsageError(f"no brief project in {start} or above it (no data/datapackage.json)",
                     "run brief (or open the notebook) inside the project folder, the one that holds data/ "
                     "and notebooks/")


def display_path(path: Path) -> str:
    """``path`` as the user can type it: relative to the working directory when inside it."""
    rel = os.path.relpath(path)
    return Path(path).as_posix() if rel.startswith("..") else Path(rel).as_posix()


def inside_project(root: Path, path: Path, *, what: str, error: type[BriefError] = BriefError) -> tuple[Path, str]:
    """``path`` with symlinks resolved, and how to show it, if it lies inside ``root``.

    Otherwise raise ``error`` with one line that names the path as written, never its content.
    """
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(real_root):
        raise error(f"{what} '{shown(display_path(path))}' lies outside the project",
                    "brief reads only files inside the project directory; move the file there")
    return real, display_path(path)


def input_files(root: Path) -> list[Path]:
    """Every regular file among the project's inputs, sorted; files resolving outside the project
    (symlinks), devices and FIFOs are left out — the checks refuse them where they are used."""
    real_root = Path(os.path.realpath(root))
    found = []
    for name in PROJECT_INPUTS:
        top = Path(root) / name
        candidates = (p for p in top.rglob("*")) if top.is_dir() else [top]
        for path in candidates:
            real = Path(os.path.realpath(path))
            try:
                regular = stat.S_ISREG(real.stat().st_mode)
            except OSError:
                continue
            if regular and real.is_relative_to(real_root):
                found.append(path)
    return sorted(found)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_hashes(root: Path) -> dict[str, str]:
    """{path relative to the project: sha256} of every input file: what a manifest records."""
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in input_files(root)}


def copy_inputs(source: Path, dest: Path) -> Path:
    """Copy a project's inputs into ``dest`` (created), e.g. for a clean rebuild; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_INPUTS:
        item = Path(source) / name
        # Links are copied as links, never followed: the copy is checked against the same boundary.
        if item.is_dir() and not item.is_symlink():
            shutil.copytree(item, dest / name, symlinks=True)
        elif item.is_file() or item.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item, dest / name, follow_symlinks=False)
    return dest
