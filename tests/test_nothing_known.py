"""A view that can cite no source is a one-page note, with both engines (real builds of the fixture, whose
first source is published 30 June 2024, so ``as_of=2024-03-31`` knows none): the title block, the bottom line
saying why the edition is empty, the view note and the colophon — no figure, no table, no other section, and
no reference left unresolved. An ordinary build keeps every section of brief.qmd, with no trace of the
``.when-known`` div that holds them.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import logging
import re
import subprocess

import pytest

from brief.render import quarto

from .helpers import brief_in_process, copy_built, copy_project, edition_outputs

pytestmark = [pytest.mark.slow, pytest.mark.pdftools]

EMPTY_VIEW = "2024-03-31"


@pytest.fixture(scope="module")
def empty_builtin(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("builtin") / "project")
    brief_in_process(root, "build", "-p", f"as_of={EMPTY_VIEW}")
    return root


@pytest.fixture(scope="module", params=["builtin", pytest.param("quarto", marks=pytest.mark.quarto)])
def empty_view(request, tmp_path_factory):
    """(engine, project) with the brief of a view that knows no source built by that engine. The Quarto
    build starts from a copy of the built-in one, as a user's second build would: it re-executes only the
    notebook that names the renderer."""
    built = request.getfixturevalue("empty_builtin")
    if request.param == "builtin":
        return "builtin", built, None
    try:
        quarto.quarto_binary()
    except Exception as err:  # noqa: BLE001 - the reason is the skip message
        pytest.skip(f"Quarto not installed: {err}")
    root = copy_built(built, tmp_path_factory.mktemp("quarto") / "project")
    with quarto_messages() as messages:
        proc = brief_in_process(root, "build", "--engine", "quarto", "-p", f"as_of={EMPTY_VIEW}")
    assert re.findall(r"notebook (\w+): running", proc.stderr) == ["reference"], proc.stderr
    assert messages, "Quarto's messages were not logged"
    return "quarto", root, messages


@contextlib.contextmanager
def quarto_messages():
    """The lines Quarto printed in the renders meanwhile (the engine logs them at debug level)."""
    lines: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger(quarto.__name__)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def html_body(path) -> str:
    """What a reader is shown of an HTML brief: its body without scripts."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r"<script\b.*?</script>", "", text[text.index("<body"):], flags=re.S)


def plain(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_a_view_that_knows_no_source_is_a_one_page_note(empty_view):
    engine, root, messages = empty_view
    outputs = edition_outputs(root)
    assert re.search(r"^Pages:\s+1$", run("pdfinfo", str(outputs["pdf"])).stdout, re.M), engine
    pdf = " ".join(run("pdftotext", "-layout", str(outputs["pdf"]), "-").stdout.replace("\u00ad", "").split())
    body = html_body(outputs["html"])
    for text in (pdf, plain(body)):
        assert "This edition is empty on purpose." in text, engine
        assert "The brief as it could have been written on 31 March 2024" in text, engine  # the view note
        assert "Parameters: as_of = 2024-03-31" in text, engine  # the colophon
        assert not re.search(r"(Figure|Table) \d|No data in this window", text), engine
    assert [plain(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body, re.S)] == ["Colophon"], engine
    assert not re.search(r"<(figure|table)\b|brief-chart", body), engine
    record = json.loads((outputs["pdf"].parent / "manifest.json").read_text(encoding="utf-8"))
    assert record["render_metadata"]["brief-nothing-known"] is True
    if engine == "quarto":
        assert quarto_reference_warnings(messages, outputs) == []


def quarto_reference_warnings(messages: list[str], outputs: dict) -> list[str]:
    """Quarto's warnings about cross-references in the build's render (Quarto resolves references in its
    filters, the same for both formats), and references printed unresolved ("?@fig-…") in the published
    HTML and PDF."""
    warnings = [line for line in messages if "WARN" in line and re.search(r"crossref|resolve", line, re.I)]
    printed = outputs["html"].read_text(encoding="utf-8") + run("pdftotext", str(outputs["pdf"]), "-").stdout
    return warnings + re.findall(r"\?@[\w-]+", printed)


def test_an_ordinary_build_keeps_every_section_and_no_trace_of_the_div(built_default):
    outputs = edition_outputs(built_default)
    body = html_body(outputs["html"])
    qmd = (built_default / "brief.qmd").read_text(encoding="utf-8")
    assert "{.when-known}" in qmd
    sections = re.findall(r"^## (.+?) \{#", qmd, re.M)
    headings = [plain(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body, re.S)]
    assert [h for h in headings if h in sections] == sections and len(sections) >= 8
    assert "when-known" not in body and body.count("<figure") >= 5
    record = json.loads((outputs["pdf"].parent / "manifest.json").read_text(encoding="utf-8"))
    assert record["render_metadata"]["brief-nothing-known"] is False
