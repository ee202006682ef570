"""What a project is made of: the inputs a build reads, where they may lie, how to copy them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .exceptions import BriefError
from .text import shown

# Everything `brief build` reads from a project root (the package code aside).
PROJECT_INPUTS = ("data", "seeds", "notebooks", "editions", "brief.qmd", "_quarto.yml", "requirements.lock")


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
        raise error(f"{what} '{shown(path)}' lies outside the project",
                    "brief reads only files inside the project directory; move the file there")
    return real, display_path(path)


def copy_inputs(source: Path, dest: Path) -> Path:
    """Copy a project's inputs into ``dest`` (created), e.g. for a clean rebuild; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_INPUTS:
        item = Path(source) / name
        if item.is_dir():
            shutil.copytree(item, dest / name)
        elif item.is_file():
            shutil.copy2(item, dest / name)
    return dest
