"""``manifest.json``: what a published edition was built from, and the hash of every output."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .cache import sha256_file

MANIFEST = "manifest.json"
INPUT_GLOBS = ("data/*.csv", "data/datapackage.json", "notebooks/*.ipynb", "brief.qmd", "_quarto.yml",
               "editions/*.yml", "requirements.lock")


def tool_versions() -> dict[str, str]:
    """Versions of the tools that make the outputs (stable within one locked environment)."""
    import pypandoc

    def dist(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {"python": platform.python_version(), "papermill": dist("papermill"), "altair": dist("altair"),
            "vl-convert-python": dist("vl-convert-python"), "pandoc": pypandoc.get_pandoc_version(),
            "typst": dist("typst"), "brief": dist("brief")}


def git_state(project_root: Path) -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=project_root, capture_output=True, text=True, timeout=10)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "data", "notebooks", "src",
                    "brief.qmd", "_quarto.yml", "editions", "requirements.lock")
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.TimeoutExpired):
        return {"commit": None, "dirty": None}


def inputs(project_root: Path) -> dict[str, str]:
    files = sorted({p for pattern in INPUT_GLOBS for p in project_root.glob(pattern) if p.is_file()})
    return {p.relative_to(project_root).as_posix(): sha256_file(p) for p in files}


def outputs(edition_dir: Path) -> dict[str, str]:
    files = sorted(p for p in edition_dir.rglob("*") if p.is_file() and p.name != MANIFEST)
    return {p.relative_to(edition_dir).as_posix(): sha256_file(p) for p in files}


def write(edition_dir: Path, record: dict) -> Path:
    path = edition_dir / MANIFEST
    path.write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read(edition_dir: Path) -> dict | None:
    try:
        return json.loads((edition_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
