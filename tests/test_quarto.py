"""Real Quarto (1.10.18): bare `quarto render` in a fresh clone, `brief build --engine quarto`, and parity
with the built-in engine. Expectations come from the built-in engine's outputs, never from the brief's
current sections or counts. Skipped (with the reason) where Quarto is not installed; never in CI.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from brief.cache import CACHE_DIR
from brief.render.quarto import quarto_binary

from .browser import DESKTOP, PHONE, browser_page
from .helpers import FIXTURE, FIXTURE_INPUTS, ROOT, brief_in_process, copy_built, edition_outputs, give_vega_bundle
from .pagefill import MOST_BLANK, page_gaps

pytestmark = [pytest.mark.quarto, pytest.mark.slow]


@pytest.fixture(scope="module")
def quarto():
    try:
        return quarto_binary()
    except Exception as err:  # noqa: BLE001 - the reason is the skip message
        pytest.skip(f"Quarto not installed: {err}")


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def pdftext(pdf) -> str:
    return " ".join(re.sub("\u00ad\\s*", "", run("pdftotext", "-layout", str(pdf), "-").stdout).split())


# ---------------------------------------------------------------------------------------- facts


def html_facts(text: str) -> dict:
    """What a reader sees of the structure of an HTML brief, whatever the engine's markup."""
    text = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
    def plain(fragment: str) -> str:
        return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" .", ".")

    captions = [plain(c) for _, c in re.findall(r"<(figcaption|caption)[^>]*>(.*?)</\1>", text, re.S)]
    return {
        "title": plain(re.search(r'<h1 class="title">(.*?)</h1>', text, re.S).group(1)),
        "byline": plain(re.search(r'<p class="byline">(.*?)</p>', text, re.S).group(1)),
        "headings": [plain(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", text, re.S)],
        "captions": sorted(c for c in captions if re.match(r"(Figure|Table) \d+\.", c)),
        "references": sorted(set(re.findall(r'<a href="#((?:fig|tbl)-[\w-]+)"[^>]*>((?:Figure|Table)\s+\d+)</a>',
                                            text))),
        "targets": sorted(set(re.findall(r'<a href="#((?:fig|tbl)-[\w-]+)"', text))
                          - set(re.findall(r'id="((?:fig|tbl)-[\w-]+)"', text))),  # links that lead nowhere
        "charts": text.count('class="brief-chart"'),
        "footnotes": len(re.findall(r'class="footnote-ref"', text)),
        "callouts": re.findall(r'class="(brief-callout brief-callout-\w+)"', text),
    }


def pdf_facts(pdf) -> dict:
    text = pdftext(pdf)
    info = run("pdfinfo", str(pdf)).stdout
    fonts = run("pdffonts", str(pdf)).stdout.splitlines()[2:]
    return {
        "captions": sorted(set(re.findall(r"(?:Figure|Table) \d+\. \S+ \S+", text))),
        "references": sorted(set(re.findall(r"(?:Figure|Table) \d+(?![.\d])", text))),
        "page_of": bool(re.search(r"Page 1 of \d+", text)),
        "tagged": bool(re.search(r"^Tagged:\s+yes", info, re.M)),
        "a4": bool(re.search(r"^Page size:.*\(A4\)", info, re.M)),
        "all_fonts_embedded": bool(fonts) and all(re.search(r"\syes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", f)
                                                   for f in fonts),
        "no_literal_ids": "{#" not in text,
        "text": text,
    }


# ---------------------------------------------------------------------------------------- builds


@pytest.fixture(scope="module")
def quarto_build(quarto, tmp_path_factory, built_default):
    """`brief build --engine quarto` after a default build, as a user switching engines runs it: the
    notebooks it has executed are reused, except the one that names the renderer."""
    root = copy_built(built_default, tmp_path_factory.mktemp("quarto") / "project")
    proc = brief_in_process(root, "build", "--engine", "quarto")
    assert re.findall(r"notebook (\w+): running", proc.stderr) == ["reference"], proc.stderr
    return root


def test_engine_quarto_makes_both_formats_and_records_its_versions(quarto_build):
    outputs = edition_outputs(quarto_build)
    record = json.loads((outputs["pdf"].parent / "manifest.json").read_text(encoding="utf-8"))
    assert record["engine"] == "quarto"
    renderer = record["renderer"]
    assert renderer["engine"] == "quarto"
    assert re.fullmatch(r"\d+\.\d+\.\d+", renderer["quarto"]) and renderer["pandoc"] and renderer["typst"]
    assert renderer["quarto"] == run(quarto_binary(), "--version").stdout.strip()


def test_engines_agree_on_structure(built_default, quarto_build):
    builtin, quarto_out = edition_outputs(built_default), edition_outputs(quarto_build)
    ours = html_facts(builtin["html"].read_text(encoding="utf-8"))
    theirs = html_facts(quarto_out["html"].read_text(encoding="utf-8"))
    assert ours["headings"] and ours["captions"] and ours["references"] and ours["targets"] == []
    # The byline is for readers: no internal edition id (the colophon and manifest keep it).
    assert ours["byline"] == "South Caucasus Desk · Data as of 31 December 2024"
    for key in ("title", "byline", "headings", "captions", "references", "targets", "charts", "footnotes",
                "callouts"):
        assert theirs[key] == ours[key], key

    pdf_ours, pdf_theirs = pdf_facts(builtin["pdf"]), pdf_facts(quarto_out["pdf"])
    for key in ("captions", "references", "page_of", "tagged", "a4", "all_fonts_embedded", "no_literal_ids"):
        assert pdf_theirs[key] == pdf_ours[key], key
    assert pdf_ours["tagged"] and pdf_ours["all_fonts_embedded"] and pdf_ours["no_literal_ids"]
    for facts in (pdf_ours, pdf_theirs):
        assert "South Caucasus Desk · Data as of 31 December 2024 " in facts["text"]
        assert not re.search(r"Edition [\d-]+ ", facts["text"].split("Bottom line")[0])
    for heading in ours["headings"]:
        assert heading in pdf_theirs["text"], heading


def test_quarto_html_is_one_offline_file_without_links_to_unpublished_files(quarto_build):
    text = edition_outputs(quarto_build)["html"].read_text(encoding="utf-8")
    assert text.count("window.vegaEmbed=") == 1
    text = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
    targets = re.findall(r"""<(?:a|link|script|img|iframe)\b[^>]*\b(?:href|src)=["']([^"'#][^"']*)["']""", text)
    assert [t for t in targets if not t.startswith(("data:", "mailto:", "https://", "http://"))] == []
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", text)
    assert "data-notebook" not in text and str(quarto_build) not in text and "/tmp/" not in text
    assert 'data-label="' in text and 'role="cell"' in text  # tables.lua ran: tables reflow on phones


@pytest.mark.browser
def test_both_htmls_in_chromium_draw_every_chart_offline(built_default, quarto_build, artifacts, shared_pages):
    # The desktop pages are the fold test's too (shared_pages): both only read them.
    for name, root in (("builtin", built_default), ("quarto", quarto_build)):
        html = edition_outputs(root)["html"]
        with shared_pages.open(html, **DESKTOP) as (page, log):
            charts = page.locator(".brief-chart")
            assert charts.count() == html_facts(html.read_text(encoding="utf-8"))["charts"] > 0
            for i in range(charts.count()):
                assert charts.nth(i).locator("svg").count() >= 1, f"{name}: chart {i} not drawn"
            page.screenshot(path=str(artifacts / f"engine-{name}.png"), full_page=False)
        assert log["errors"] == [] and log["requests"] == [], (name, log)


@pytest.mark.pdftools
def test_both_pdfs_as_page_images(built_default, quarto_build, artifacts):
    """Every page of both PDFs as a PNG in test-artifacts/ (look at them), the same number of pages."""
    pages = {}
    for name, root in (("builtin", built_default), ("quarto", quarto_build)):
        out = artifacts / f"pdf-{name}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        run("pdftoppm", "-r", "70", "-png", str(edition_outputs(root)["pdf"]), str(out / "page"))
        pages[name] = sorted(out.glob("page-*.png"))
        assert pages[name] and all(p.stat().st_size > 2000 for p in pages[name])
        # Both engines lay pages out with the same partials: figures float rather than leave a page empty.
        gaps = page_gaps(edition_outputs(root)["pdf"])[:-1]
        assert max(gaps) <= MOST_BLANK, (name, [round(g, 2) for g in gaps])
    assert abs(len(pages["builtin"]) - len(pages["quarto"])) <= 1


# ---------------------------------------------------------------------------------- bare quarto


@pytest.fixture(scope="module")
def clone(quarto, tmp_path_factory, built_default, built_editions):
    """A fresh clone of this repository's HEAD, as a user gets it — with the fixture's data committed
    in place of the shipped data, so the comparison with the built-in build is like for like.

    Its cache holds the shared builds' executed notebooks and the Vega bundle (as after a user's own
    builds), so the pre-render step's build runs and renders but re-executes no notebook those builds
    already ran."""
    path = tmp_path_factory.mktemp("clone") / "brief"
    run("git", "clone", "--quiet", str(ROOT), str(path), check=True)
    for name in FIXTURE_INPUTS:
        target = path / name
        if target.is_dir():
            shutil.rmtree(target)
        (shutil.copytree if (FIXTURE / name).is_dir() else shutil.copy2)(FIXTURE / name, target)
    run("git", "add", "-A", cwd=path, check=True)
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "fixture data", cwd=path, check=True)
    for built in (built_default, built_editions.root):
        shutil.copytree(built / CACHE_DIR / "notebooks", path / CACHE_DIR / "notebooks", dirs_exist_ok=True)
    give_vega_bundle(path)  # test_vega_cache checks a first build making one
    return path


def quarto_in(clone, *args):
    # Quarto runs the pre-render script with the first python3 on PATH: this test's, which has brief
    # installed (a user's clone has .venv from `make brief`, which the script switches to).
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    return run(quarto_binary(), *args, cwd=clone, env=env)


def test_bare_quarto_render_builds_and_renders_both_formats(clone, built_default):
    proc = quarto_in(clone, "render")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (clone / "brief.pdf").stat().st_size > 10000 and (clone / "brief.html").stat().st_size > 10000
    assert list((clone / "reports").glob("*/manifest.json")), "the pre-render step ran the build"
    assert run("git", "status", "--porcelain", cwd=clone).stdout == "", "a tracked file was modified"
    ours = html_facts(edition_outputs(built_default)["html"].read_text(encoding="utf-8"))
    theirs = html_facts((clone / "brief.html").read_text(encoding="utf-8"))
    assert theirs["headings"] == ours["headings"] and theirs["captions"] == ours["captions"]


def test_quarto_profile_is_an_edition_and_parameters_are_checked(clone):
    editions = sorted(p.stem for p in (clone / "editions").glob("*.yml"))
    assert editions
    proc = quarto_in(clone, "render", "brief.qmd", "--to", "html", "--profile", editions[0])
    assert proc.returncode == 0, proc.stderr[-2000:]
    title = yaml.safe_load((clone / "editions" / f"{editions[0]}.yml").read_text(encoding="utf-8"))["title"]
    assert f'<p class="subtitle">{title}</p>' in (clone / "brief.html").read_text(encoding="utf-8")

    # Quarto's own command line reaches the pre-render step, and its refusal stops the render with its
    # line (test_quarto_prerender.py has the step's other refusals: unknown profiles, --to pdf).
    bad = quarto_in(clone, "render", "-P", "as_of:2024-13-01")
    assert bad.returncode != 0
    assert "error: parameter as_of: '2024-13-01' is not a real date" in bad.stdout + bad.stderr
    assert run("git", "status", "--porcelain", cwd=clone).stdout == ""


# The contents, the title and the bottom line as laid out, and where the notes the bottom line cites are.
FRONT = """() => {
  const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top,
                                                                  bottom: b.bottom, height: b.height}; };
  const contents = document.querySelector('nav#TOC details');
  const bottom = document.querySelector('.brief-callout-important');
  const notes = bottom.nextElementSibling;
  const refs = [...document.querySelectorAll('a.footnote-ref')].map(a => {
    const note = document.getElementById(a.getAttribute('href').slice(1));
    return {ref: box(a).top + scrollY, note: box(note).top + scrollY};
  });
  return {open: contents.open, contents: box(contents), main: box(document.querySelector('main')),
          links: [...contents.querySelectorAll('a')].map(a => box(a).height),
          title: box(document.querySelector('h1.title')), bottom: box(bottom),
          notesFollow: notes.matches('.footnotes') && notes.contains(document.querySelector('.footnotes li')),
          notesTop: box(notes).top, refs,
          colophon: box(document.getElementById('sec-colophon')).top + scrollY};
}"""


@pytest.mark.browser
def test_both_htmls_fold_the_contents_on_a_phone_and_keep_notes_by_their_text(built_default, quarto_build, artifacts,
                                                                               shared_pages):
    for name, root in (("builtin", built_default), ("quarto", quarto_build)):
        html = edition_outputs(root)["html"]
        # The shared desktop page (the draw test's too): the click on the contents' summary changes nothing
        # there unless this test fails (the summary takes no pointer events on a desktop, so nothing gets
        # focus, toggles or scrolls); the phone's taps follow a link, so the phone has a page of its own.
        with shared_pages.open(html, **DESKTOP) as (page, _):
            desk = page.evaluate(FRONT)
            page.locator("nav#TOC summary").click(force=True)  # the contents are no toggle on a desktop
            assert page.evaluate("document.querySelector('nav#TOC details').open"), name
        # Beside the text, every entry shown.
        assert desk["open"] and desk["contents"]["right"] < desk["main"]["left"], (name, desk)
        assert desk["links"] and min(desk["links"]) > 0, (name, desk["links"])
        # The bottom line's notes (its measures' definitions) right under it, not after the colophon.
        assert desk["notesFollow"] and desk["notesTop"] - desk["bottom"]["bottom"] < 30, (name, desk)
        assert desk["refs"] and all(0 < r["note"] - r["ref"] < 900 and r["note"] < desk["colophon"]
                                    for r in desk["refs"]), (name, desk["refs"])
        with browser_page(html, **PHONE) as (page, _):
            phone = page.evaluate(FRONT)
            page.screenshot(path=str(artifacts / f"phone-front-{name}.png"))
            # One line above the title: the title and the bottom line are on the first screen.
            assert not phone["open"] and phone["contents"]["height"] < 60, (name, phone)
            assert phone["title"]["top"] < 120 and phone["bottom"]["top"] < 600, (name, phone)
            page.locator("nav#TOC summary").tap()
            assert page.evaluate(FRONT)["open"] and min(page.evaluate(FRONT)["links"]) > 0, name
            page.locator("nav#TOC a[href='#sec-colophon']").tap()
            page.wait_for_function("location.hash == '#sec-colophon'")
            assert not page.evaluate(FRONT)["open"], f"{name}: the contents stay open after a link was followed"
