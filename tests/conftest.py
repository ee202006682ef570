"""Shared fixtures. Tests work on copies of the project so the real data/ and reports/ stay untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_INPUTS = ("data", "seeds", "notebooks", "brief.qmd", "_quarto.yml", "requirements.lock",
                  "editions")


def copy_project(dest: Path) -> Path:
    """Copy what a build reads into ``dest`` (a fresh project root) and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    (dest / "reports").mkdir(exist_ok=True)
    return dest


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A private copy of the project; the test runs with it as the working directory."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


# Browser and PDF-tool tests may skip on a developer machine without the tools, but in CI
# (CI=true) a skip would hide a missing install step, so it fails instead.
_REQUIRED_IN_CI = {"browser", "pdftools"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and os.environ.get("CI") == "true"
            and _REQUIRED_IN_CI & {m.name for m in item.iter_markers()}):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where Chromium/poppler/qpdf must be installed: {report.longrepr}"
