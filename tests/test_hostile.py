"""Hostile and broken inputs, met through the real CLI: the message the user sees, and nothing lost."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .browser import open_page
from .helpers import brief_in_process, copy_built, edition_outputs, set_cell, tree_digest

pytestmark = pytest.mark.slow

SCRIPT = "<script>window.__pwned=1</script>"
MARKUP = '<img src=x onerror="window.__pwned=2"><b>boldfromdata</b> *not-emphasis* [not-a-link](http://x.invalid)'
TYPST = "#set page(width: 1cm) #pagebreak() $x^2$ @fig-chain \\ //comment"
PLACE = "Երևան & Qazax: Aşağı Əskipara, Qızılhacılı, Bağanıs Ayrım"
LONG = "An extraordinarily-long-unbroken-identifier-" * 12 + " and " + "very long text " * 60


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, built_default):
    """A project whose data carries markup, script, Typst code, non-Latin and very long text (a copy of the
    shared default build: only the notebooks that read the edited table run again)."""
    root = copy_built(built_default, tmp_path_factory.mktemp("hostile") / "project")
    set_cell(root, "meetings", 4, "about", f"{SCRIPT} {MARKUP} {TYPST}")  # Estria, October 2024
    set_cell(root, "meetings", 4, "place", PLACE)
    set_cell(root, "meetings", 3, "about", LONG)  # Vell, May 2024
    brief_in_process(root, "build")
    return root


@pytest.mark.pdftools
def test_hostile_text_is_literal_in_the_pdf(hostile):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    pdf = edition_outputs(hostile)["pdf"]
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(re.sub("\u00ad\\s*", "", raw).split())  # undo hyphenation at line ends
    for literal in (SCRIPT, "<b>boldfromdata</b>", "*not-emphasis*", "#set page(width: 1cm)", "$x^2$", "Երևան",
                    "Aşağı Əskipara"):
        assert literal in text, literal
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Page size:.*\(A4\)", info, re.M)  # the injected #set page did nothing
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Armenian" in fonts  # Armenian glyphs come from an embedded Armenian font, not a fallback box


@pytest.mark.browser
def test_hostile_text_is_literal_in_the_html_and_no_script_runs(hostile):
    html = edition_outputs(hostile)["html"]
    with open_page(html) as (page, log):
        body = page.inner_text("body")
        assert SCRIPT in body and "<b>boldfromdata</b>" in body and "Երևան" in body
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("[...document.querySelectorAll('b')].filter(b => b.textContent === 'boldfromdata')"
                             ".length") == 0
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    assert log["errors"] == [] and log["dialogs"] == []


def test_read_only_data_directory_builds(project):
    from brief.build import build
    from brief.progress import Progress

    from .helpers import FakeExecutor, FakeRenderer

    data = project / "data"
    mounted = subprocess.run(["mount", "--bind", str(data), str(data)], capture_output=True).returncode == 0
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(data)], check=True)
    else:  # without mount privileges a permission bit is the best available stand-in
        for path in [data, *data.iterdir()]:
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        before = tree_digest(data)
        result = build(project_root=project, executor=FakeExecutor(), renderer=FakeRenderer(),
                       progress=Progress(open(os.devnull, "w"), live=False))  # noqa: SIM115
        assert tree_digest(data) == before
        assert result.outputs["html"].is_file()
    finally:
        if mounted:
            subprocess.run(["umount", str(data)], check=True)


def test_full_disk_gives_a_clear_error_and_keeps_the_previous_outputs(tmp_path):
    from .helpers import build_with_fakes, give_vega_bundle, make_tiny_project

    root = make_tiny_project(tmp_path / "project")
    build_with_fakes(root)  # the previous outputs; only the build that meets the full disk needs a process
    give_vega_bundle(root)  # as after any earlier build in a process of its own: it is not what is tested
    before = tree_digest(root / "reports")
    script = Path(__file__).parent / "fake_build.py"
    set_cell(root, "events", 3, "kind", "meeting")  # the build has to write again

    def small_disk():  # every file this build writes may hold at most 64 KiB, as on a nearly full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    proc = subprocess.run([sys.executable, str(script), str(root), "--output-bytes", "200000"], capture_output=True,
                          text=True, preexec_fn=small_disk, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    error = proc.stderr.strip().splitlines()[-1]
    assert re.match(r"^error: could not write .*: File too large \(free some disk space and build again\)$", error)
    assert tree_digest(root / "reports") == before
