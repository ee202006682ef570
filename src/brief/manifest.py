"""``manifest.json``: what a published edition was built from, and the hash of every output.

The manifest is written into the staging folder with the outputs it describes, so it is
published by the same atomic exchange: a published manifest always matches its files.
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .project import PROJECT_INPUTS, sha256_file

MANIFEST = "manifest.json"


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
        # No fsmonitor: a repository's config must not make `git status` run a program.
        return subprocess.run(["git", "-c", "core.fsmonitor=false", *args], cwd=project_root, capture_output=True,
                              text=True, timeout=10)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src", *PROJECT_INPUTS)
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.TimeoutExpired):
        return {"commit": None, "dirty": None}


def outputs(edition_dir: Path) -> dict[str, str]:
    """{path relative to the edition: sha256} of every published file except the manifest."""
    files = sorted(p for p in Path(edition_dir).rglob("*") if p.is_file() and p.name != MANIFEST)
    return {p.relative_to(edition_dir).as_posix(): sha256_file(p) for p in files}


def serialise(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read(edition_dir: Path) -> dict | None:
    """The manifest of ``edition_dir``, or None when it is missing, unreadable or not a manifest."""
    try:
        record = json.loads((Path(edition_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("outputs"), dict):
        return None
    return record
