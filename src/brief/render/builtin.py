"""The built-in engine: pandoc (pypandoc-binary) for HTML and Typst markup, the typst wheel for PDF.

Everything comes from pip: no Quarto, no TeX, no system fonts (the fonts ship in
``brief/fonts`` so the PDF is the same on every machine). Markdown is read with raw HTML and
raw TeX disabled; the engine's own HTML and Typst enter only as raw-attribute blocks, so a
data value can never become markup.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from ..exceptions import RenderError
from .embed import resolve
from .variables import template_variables
from .vega import vega_script_tag

TEMPLATES = Path(__file__).parent / "templates"
FONTS = Path(__file__).parent.parent / "fonts"
READER = "markdown-raw_html-raw_tex-smart+raw_attribute+fenced_divs"
# The part a view that can cite no source leaves out; analyst passages as judged for this view; callouts
# drawn the brief's way; fine print; figure/table numbering and references; tables that reflow
# on a phone (see each file). What is left out goes first (nothing numbers or refers to it); passages run
# before callouts: a stale passage gains a callout.
FILTERS = [f"--lua-filter={TEMPLATES / name}"
           for name in ("when-known.lua", "passages.lua", "callouts.lua", "fine-print.lua", "crossref.lua",
                        "tables.lua")]


def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]) or {}, text[end + 5:]


def _pandoc(markdown: str, to: str, args: list[str], cwd: Path) -> str:
    import pypandoc

    # A fixed SOURCE_DATE_EPOCH keeps pandoc from reading the clock for anything it stamps.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    proc = subprocess.run([pypandoc.get_pandoc_path(), f"--from={READER}", f"--to={to}", *args],
                          input=markdown, capture_output=True, text=True, cwd=cwd, env=env)
    if proc.returncode != 0:
        message = proc.stderr.strip()
        if message.startswith("Error running filter"):  # our filters' messages say what to do
            raise RenderError("\n".join(message.splitlines()[1:])[:800])
        raise RenderError(f"pandoc failed making {to}: {message[:800]}", "check brief.qmd near the place pandoc names")
    return proc.stdout


def _metadata_args(meta: dict, work: Path) -> list[str]:
    """Scalars as plain ``--metadata`` strings; structured values (e.g. brief-passages) in a YAML file."""
    args = [f"--metadata={key}:{value}" for key, value in meta.items()
            if not isinstance(value, list | dict) and value not in (None, "")]
    structured = {key: value for key, value in meta.items() if isinstance(value, list | dict) and value}
    if structured:
        (work / "metadata.yml").write_text(yaml.safe_dump(structured, sort_keys=True, allow_unicode=True),
                                          encoding="utf-8")
        args.append(f"--metadata-file={work / 'metadata.yml'}")
    return args


def render(*, project_root: Path, executed_dir: Path, out_dir: Path, formats, metadata: dict | None) -> dict:
    front, body = split_front_matter((Path(project_root) / "brief.qmd").read_text(encoding="utf-8"))
    meta = {k: v for k, v in front.items() if k not in ("format", "execute", "jupyter", "toc")}
    meta.update(template_variables(front, metadata or {}))
    out_dir.mkdir(parents=True, exist_ok=True)
    # The two formats share nothing but their inputs: render them side by side.
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        work = Path(tmp)
        jobs = {}
        if "html" in formats:
            (work / "html").mkdir()
            jobs["html"] = pool.submit(_html, body, executed_dir, work / "html", out_dir, meta)
        if "pdf" in formats:
            (work / "pdf").mkdir()
            jobs["pdf"] = pool.submit(_pdf, body, executed_dir, work / "pdf", out_dir, meta)
        return {fmt: job.result() for fmt, job in jobs.items()}


def _html(body: str, executed_dir: Path, work: Path, out_dir: Path, meta: dict) -> Path:
    resolved = resolve(body, executed_dir, "html")
    bundle = work / "vega.html"
    bundle.write_text(vega_script_tag(), encoding="utf-8")
    html = _pandoc(resolved.markdown, "html5", [
        "--standalone", f"--template={TEMPLATES / 'brief.html'}", *FILTERS,
        # Notes follow the block that cites them: the bottom line's notes define its measures.
        "--toc", "--toc-depth=2", "--section-divs", "--reference-location=block", f"--include-in-header={bundle}",
        "--wrap=none",
        *_metadata_args(meta, work)], work)
    target = out_dir / "brief.html"
    target.write_text(html, encoding="utf-8")
    return target


def _pdf(body: str, executed_dir: Path, work: Path, out_dir: Path, meta: dict) -> Path:
    import typst

    resolved = resolve(body, executed_dir, "typst")
    for name, svg in resolved.svgs.items():
        (work / name).write_text(svg, encoding="utf-8")
    source = _pandoc(resolved.markdown, "typst", [
        "--standalone", f"--template={TEMPLATES / 'brief.typ'}", *FILTERS,
        "--wrap=none", *_metadata_args(meta, work)], work)
    main = work / "brief.typ"
    main.write_text(source, encoding="utf-8")
    target = out_dir / "brief.pdf"
    timestamp = int(dt.datetime(meta["year"], meta["month"], meta["day"], tzinfo=dt.UTC).timestamp())
    try:
        typst.compile(str(main), output=str(target), root=str(work), font_paths=[str(FONTS)],
                      ignore_system_fonts=True, pdf_standards=["ua-1"], timestamp=timestamp)
    except Exception as err:  # typst raises its own error types with the diagnostics
        raise RenderError(f"Typst failed to compile the PDF: {str(err).strip()[:1500]}",
                          "the Typst source is reproducible with `brief build --to pdf`; "
                          "check the content named above") from None
    return target
