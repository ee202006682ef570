"""``brief verify``: rebuild an edition from scratch elsewhere and compare with its manifest."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import manifest
from .build import FORMATS, build, output_name
from .editions import check_name
from .exceptions import BriefError
from .progress import Progress
from .project import copy_inputs
from .publish import LATEST


@dataclass(frozen=True)
class Difference:
    path: str
    recorded: str | None
    actual: str | None

    def __str__(self) -> str:
        if self.actual is None:
            return f"{self.path}: missing in the published edition"
        if self.recorded is None:
            return f"{self.path}: not in the manifest"
        return f"{self.path}: sha256 {self.actual[:12]}… differs from the manifest's {self.recorded[:12]}…"


def verify(*, project_root: Path | str = ".", edition: str | None = None,
           progress: Progress | None = None) -> list[Difference]:
    """Differences between the manifest, the published files and a clean rebuild (empty = verified)."""
    root = Path(project_root).resolve()
    reports = root / "reports"
    if edition is None:
        edition = _latest(reports)
    check_name(edition)  # a folder name under reports/, never a path
    directory = reports / edition
    record = manifest.read(directory) if directory.is_dir() and not directory.is_symlink() else None
    if record is None:
        raise BriefError(f"no manifest in reports/{edition}", f"build it first: brief build (edition {edition})")
    kept = {output_name(edition, fmt) for fmt in record.get("kept", [])}  # not rebuilt by that build
    recorded = {k: v for k, v in record["outputs"].items() if k not in kept}
    differences = _compare(record["outputs"], manifest.outputs(directory))
    with tempfile.TemporaryDirectory(prefix="brief-verify-") as tmp:
        copy = copy_inputs(root, Path(tmp) / "project")
        is_named = (root / "editions" / f"{edition}.yml").is_file()
        result = build(project_root=copy, params_raw=None if is_named else record.get("parameters"),
                       edition=edition if is_named else None, formats=record.get("formats", FORMATS),
                       engine=record.get("engine", "builtin"), force=True, progress=progress)
        rebuilt = manifest.outputs(result.directory)
    differences += [d for d in _compare(recorded, rebuilt) if d not in differences]
    return differences


def _latest(reports: Path) -> str:
    latest = reports / LATEST
    try:
        if not latest.is_file():
            raise OSError
        with open(latest, encoding="utf-8") as f:
            return f.read(256).strip()
    except (OSError, UnicodeDecodeError):
        raise BriefError("no edition has been built yet", "run `brief build` first") from None


def _compare(recorded: dict[str, str], actual: dict[str, str]) -> list[Difference]:
    return [Difference(path, recorded.get(path), actual.get(path))
            for path in sorted(set(recorded) | set(actual)) if recorded.get(path) != actual.get(path)]
