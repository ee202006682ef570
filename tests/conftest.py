"""Shared fixtures. Tests work on copies of the project so the real data/ and reports/ stay untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .browser import SharedPages, close_shared_browser
from .helpers import ROOT, Build, brief_in_process, copy_project


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


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """The browser tests share one Chromium (tests/browser.py), closed after the session's last test (a launch
    costs about a CPU-second; an idle browser costs nothing). Last, after pytest's own teardown has closed
    the fixtures (shared_pages closes its pages in the browser)."""
    if nextitem is None:
        close_shared_browser()


@pytest.fixture(scope="session")
def shared_pages():
    """The pages that reading tests share, across modules: the phone-and-print and the Quarto tests read
    the same default build's desktop page (tests/browser.py SharedPages)."""
    pages = SharedPages()
    yield pages
    pages.close()


# The real builds the suite shares (each costs tens of CPU-seconds: real kernels, pandoc, Typst).
# Tests only read them; a test that changes a project works on `copy_built(...)` of one, whose
# notebook cache makes its own build re-execute only what its change touches.


@pytest.fixture(scope="session")
def built_default(tmp_path_factory) -> Path:
    """One default `brief build` of the fixture project, both formats."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    brief_in_process(root, "build")
    return root


# An analyst's trend override in the year-end edition, so the shared edition builds show one.
TREND_OVERRIDE = "trend_overrides:\n  transit:\n    trend: deteriorated\n    reason: the summit produced no text\n"


@pytest.fixture(scope="session")
def built_editions(tmp_path_factory) -> Build:
    """`brief build --all-editions` (both formats) of the fixture project, its year-end edition carrying
    TREND_OVERRIDE: what the edition, PDF-layout, knowledge-time and executed-notebook tests inspect."""
    root = copy_project(tmp_path_factory.mktemp("editions") / "project")
    year_end = root / "editions" / "2024-12.yml"
    year_end.write_text(year_end.read_text(encoding="utf-8") + TREND_OVERRIDE, encoding="utf-8")
    return Build(root, brief_in_process(root, "build", "--all-editions"))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests leave screenshots and page renders for a human to look at."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
