"""What a project is made of: the inputs a build reads, and how to copy them elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

# Everything `brief build` reads from a project root (the package code aside).
PROJECT_INPUTS = ("data", "seeds", "notebooks", "editions", "brief.qmd", "_quarto.yml", "requirements.lock")


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
