"""Shared fixtures. Tests work on copies of the project so the real data/ and reports/ stay untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .helpers import ROOT, copy_project, run_brief


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
