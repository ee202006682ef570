"""Shared fixtures. Tests work on copies of the project so the real data/ and reports/ stay untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brief.project import copy_inputs

ROOT = Path(__file__).resolve().parents[1]
def copy_project(dest: Path) -> Path:
    """Copy what a build reads into ``dest`` (a fresh project root) and return it."""
    copy_inputs(ROOT, dest)
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
_REQUIRED_IN_CI = {"browser", "pdftools", "quarto", "jupyterlab"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and os.environ.get("CI") == "true"
            and _REQUIRED_IN_CI & {m.name for m in item.iter_markers()}):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where Chromium/poppler/qpdf must be installed: {report.longrepr}"


def run_brief(root: Path, *args: str, check: bool = True, **kwargs):
    """Run the real CLI (`python -m brief.cli …`) in ``root``, as a user would."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "brief.cli", *args], cwd=root, capture_output=True,
                          text=True, **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(f"brief {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def edition_outputs(root: Path) -> dict[str, Path]:
    """The PDF and HTML of the one edition built in ``root``/reports."""
    pdfs = sorted((root / "reports").glob("*/*.pdf"))
    htmls = sorted((root / "reports").glob("*/*.html"))
    assert len(pdfs) == 1 and len(htmls) == 1, (pdfs, htmls)
    return {"pdf": pdfs[0], "html": htmls[0]}


@pytest.fixture(scope="session")
def built_default(tmp_path_factory) -> Path:
    """One default `brief build` of the shipped data in a private project copy."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    run_brief(root, "build")
    return root


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests leave screenshots and page renders for a human to look at."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
