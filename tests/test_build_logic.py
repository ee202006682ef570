"""The build's own logic — cache, incremental execution, per-format rendering, failure, lock, publishing —
on a tiny synthetic project with a fake executor and renderer: no kernel, no pandoc, milliseconds each."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from brief import build as build_module
from brief import publish
from brief.exceptions import BriefError, DataError, NotebookError, ParameterError
from brief.progress import Progress

from .helpers import (
    NOTEBOOKS,
    FakeExecutor,
    FakeRenderer,
    build_with_fakes,
    give_vega_bundle,
    make_tiny_project,
    reports_digest,
    set_cell,
    tree_digest,
)

ALL = set(NOTEBOOKS)
EDITION = "2024-06-30"  # the default as_of: the end of the latest fact (an event of June 2024)


class Lines:
    def __init__(self):
        self.lines: list[str] = []

    def write(self, text):
        self.lines.append(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def __str__(self):
        return "".join(self.lines)


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    root = make_tiny_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def record(root, name=EDITION) -> dict:
    return json.loads((root / "reports" / name / "manifest.json").read_text(encoding="utf-8"))


def test_first_build_executes_renders_and_records_everything(tiny):
    result, executor, renderer = build_with_fakes(tiny)
    assert set(executor.calls) == ALL and renderer.calls == [("pdf", "html")]
    assert result.edition == EDITION and result.rendered == ("pdf", "html")
    manifest = record(tiny)
    assert manifest["notebooks"] == {n: "executed" for n in sorted(ALL)}
    assert manifest["rendered"] == ["pdf", "html"] and manifest["kept"] == []
    assert {"data/events.csv", "seeds/a.txt", "notebooks/alpha.ipynb", "brief.qmd", "editions/2024-05.yml",
            "requirements.lock"} <= set(manifest["inputs"])
    assert manifest["outputs"] == {k: v for k, v in tree_digest(tiny / "reports" / EDITION).items()
                                   if k != "manifest.json"}
    assert (tiny / "reports" / "latest.txt").read_text() == EDITION + "\n"
    assert not list((tiny / "reports").glob(".staging-*"))


def test_noop_build_touches_nothing_and_runs_nothing(tiny):
    build_with_fakes(tiny)
    before = tree_digest(tiny / "reports")
    result, executor, renderer = build_with_fakes(tiny)
    assert executor.calls == [] and renderer.calls == []
    assert result.notebooks == {n: "cached" for n in sorted(ALL)}
    assert tree_digest(tiny / "reports") == before  # the manifest is not rewritten


def test_editing_a_table_re_executes_exactly_its_readers(tiny):
    build_with_fakes(tiny)
    set_cell(tiny, "events", 3, "kind", "meeting")
    _, executor, renderer = build_with_fakes(tiny)
    assert set(executor.calls) == {n for n, (_, reads) in NOTEBOOKS.items() if "events" in reads}
    assert renderer.calls == [("pdf", "html")]
    assert record(tiny)["notebooks"]["beta"] == "cached"


def test_a_parameter_re_executes_only_the_notebooks_that_declare_it(tiny):
    build_with_fakes(tiny)
    _, executor, _ = build_with_fakes(tiny, params_raw={"period": "month"})
    assert executor.calls == ["beta"]


def test_force_executes_and_renders_everything(tiny):
    build_with_fakes(tiny)
    _, executor, renderer = build_with_fakes(tiny, force=True)
    assert set(executor.calls) == ALL and renderer.calls == [("pdf", "html")]


def test_a_seed_edit_is_an_input_no_false_up_to_date(tiny):
    build_with_fakes(tiny)
    (tiny / "seeds" / "a.txt").write_text("Something else entirely.", encoding="utf-8")
    with pytest.raises(DataError, match="quote not found in seeds/a.txt"):
        build_with_fakes(tiny)


def test_to_html_keeps_the_published_pdf_and_renders_only_what_changed(tiny):
    build_with_fakes(tiny)
    pdf = tiny / "reports" / EDITION / f"armenia-azerbaijan-brief-{EDITION}.pdf"
    old_pdf = pdf.read_bytes()
    _, _, renderer = build_with_fakes(tiny, formats=("html",), params_raw={"period": "month"})
    assert renderer.calls == [("html",)]
    assert pdf.read_bytes() == old_pdf  # kept, not deleted
    manifest = record(tiny)
    assert manifest["kept"] == ["pdf"] and manifest["formats"] == ["html"]
    assert f"armenia-azerbaijan-brief-{EDITION}.pdf" in manifest["outputs"]
    _, _, renderer = build_with_fakes(tiny, params_raw={"period": "month"})  # both formats: only the stale PDF renders
    assert renderer.calls == [("pdf",)]
    _, _, renderer = build_with_fakes(tiny, formats=("pdf",))  # back to quarterly: the PDF changes, the HTML is kept
    assert renderer.calls == [("pdf",)]


def test_a_failing_notebook_publishes_nothing_and_leaves_no_staging(tiny):
    build_with_fakes(tiny)
    before = reports_digest(tiny)
    set_cell(tiny, "events", 3, "kind", "meeting")
    with pytest.raises(NotebookError, match="gamma.ipynb failed"):
        build_with_fakes(tiny, executor=FakeExecutor(fail=("gamma",)))
    assert reports_digest(tiny) == before
    assert not [p for p in (tiny / "reports").iterdir() if p.name.startswith(".staging")]


def test_interrupt_publishes_nothing(tiny, monkeypatch):
    build_with_fakes(tiny)
    before = reports_digest(tiny)
    set_cell(tiny, "events", 3, "kind", "meeting")
    stopped = []
    monkeypatch.setattr("brief.execute.stop_kernels", lambda: stopped.append(True))

    def ctrl_c(spec):  # Ctrl-C: SIGINT reaches the main thread while it waits for the notebooks
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)

    # A shell's background job starts with SIGINT ignored; a user at a terminal has Python's default handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            build_with_fakes(tiny, executor=FakeExecutor(before=ctrl_c))
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(1.5)  # the notebook still running winds down; meanwhile its kernels are stopped again and again
    assert stopped and stopped == [True] * len(stopped)
    assert reports_digest(tiny) == before
    assert not list((tiny / "reports").glob(".staging-*"))


@pytest.mark.parametrize("damage", ["truncate", "swap", "edit"])
def test_a_damaged_cache_entry_is_discarded_and_rebuilt(tiny, damage):
    build_with_fakes(tiny)
    entries = sorted((tiny / ".brief-cache" / "notebooks").glob("*.ipynb"))
    alpha = next(p for p in entries if p.name.startswith("alpha-"))
    beta = next(p for p in entries if p.name.startswith("beta-"))
    if damage == "truncate":
        alpha.write_bytes(alpha.read_bytes()[:40])
    elif damage == "swap":
        alpha.write_bytes(beta.read_bytes())
    else:
        alpha.write_bytes(alpha.read_bytes().replace(b"Notebook alpha", b"NOTEBOOK ALPHA"))
    shutil.rmtree(tiny / "reports" / EDITION)
    log = Lines()
    _, executor, _ = build_with_fakes(tiny, log=log)
    assert executor.calls == ["alpha"]
    assert "cache: discarded a damaged entry for alpha" in str(log)
    published = (tiny / "reports" / EDITION / "notebooks" / "alpha.ipynb").read_bytes()
    assert b"NOTEBOOK ALPHA" not in published and b"since" in published


@pytest.mark.parametrize("stamp", ["empty", "wrong"])
def test_a_touched_validation_stamp_does_not_let_bad_data_through(tiny, stamp):
    build_with_fakes(tiny)
    set_cell(tiny, "events", 2, "kind", "summit")  # not in the enum
    from brief.cache import ValidationStamp
    from brief.project import input_files

    seeds = [p for p in input_files(tiny) if p.parts[-2] == "seeds"]
    forged = ValidationStamp(tiny / "data", seeds)
    forged.path.parent.mkdir(parents=True, exist_ok=True)
    forged.path.write_text("" if stamp == "empty" else "0" * 64, encoding="ascii")
    with pytest.raises(DataError, match="unknown value 'summit'"):
        build_with_fakes(tiny)


def test_up_to_date_is_decided_under_the_lock_from_that_editions_manifest(tiny):
    build_with_fakes(tiny)
    lock = publish.EditionLock(tiny / "reports", EDITION, lambda text: None)
    lock.__enter__()
    log = Lines()
    outcome = {}
    waiting = threading.Thread(target=lambda: outcome.update(result=build_with_fakes(tiny, log=log)))
    waiting.start()
    deadline = time.monotonic() + 10
    while "waiting for it" not in str(log) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "waiting for it" in str(log)
    # Meanwhile another build publishes a different edition under the same name.
    path = tiny / "reports" / EDITION / "manifest.json"
    newer = json.loads(path.read_text())
    newer["request_key"] = "another request"
    path.write_text(json.dumps(newer))
    lock.__exit__(None, None, None)
    waiting.join(10)
    assert "up to date" not in str(log)
    assert record(tiny)["request_key"] != "another request"  # rebuilt, its own manifest published


def test_concurrent_builds_of_one_edition_both_succeed_one_after_the_other(tiny):
    logs = [Lines(), Lines()]
    slow = FakeExecutor(before=lambda spec: time.sleep(0.05))
    threads = [threading.Thread(target=build_with_fakes, args=(tiny, slow), kwargs={"log": log}) for log in logs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    manifest = record(tiny)
    assert manifest["outputs"] == {k: v for k, v in tree_digest(tiny / "reports" / EDITION).items()
                                   if k != "manifest.json"}


def test_a_copy_of_an_edition_never_answers_for_it(tiny):
    build_with_fakes(tiny)
    shutil.copytree(tiny / "reports" / EDITION, tiny / "reports" / f"{EDITION}_prev")
    shutil.rmtree(tiny / "reports" / EDITION)
    result, executor, _ = build_with_fakes(tiny)
    assert result.directory == tiny / "reports" / EDITION and executor.calls == []  # from the cache
    assert (tiny / "reports" / "latest.txt").read_text() == EDITION + "\n"


@pytest.mark.parametrize("kind", ["symlink", "foreign", "file"])
def test_a_symlinked_or_foreign_edition_folder_is_refused_before_building(tiny, tmp_path, kind):
    target = tiny / "reports" / EDITION
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    if kind == "symlink":
        target.symlink_to(outside)
    elif kind == "foreign":
        target.mkdir()
        (target / "notes.txt").write_text("not a brief", encoding="utf-8")
    else:
        target.write_text("a file", encoding="utf-8")
    before, outside_before = tree_digest(tiny / "reports"), tree_digest(outside)
    executor = FakeExecutor()
    with pytest.raises(BriefError, match="symbolic link|not an edition published by brief"):
        build_with_fakes(tiny, executor=executor)
    assert executor.calls == []
    assert tree_digest(tiny / "reports") == before and tree_digest(outside) == outside_before


def test_a_read_only_edition_folder_is_replaced_without_an_error_after_publishing(tiny):
    build_with_fakes(tiny)
    edition = tiny / "reports" / EDITION
    for path in [edition / "notebooks", edition]:
        path.chmod(0o555)
    set_cell(tiny, "events", 3, "kind", "meeting")
    build_with_fakes(tiny)  # no exception
    assert not [p for p in (tiny / "reports").iterdir() if p.name.startswith((".staging", ".old"))]
    assert record(tiny)["notebooks"]["alpha"] == "executed"


def test_leftovers_of_killed_builds_are_removed_even_by_an_up_to_date_build(tiny):
    build_with_fakes(tiny)
    left = tiny / "reports" / f".staging-{EDITION}-killed"
    (left / "notebooks").mkdir(parents=True)
    (left / "notebooks").chmod(0o555)
    build_with_fakes(tiny)
    assert not left.exists()


def test_published_files_are_readable_by_others_under_the_umask(tiny):
    old = os.umask(0o022)
    try:
        build_with_fakes(tiny)
    finally:
        os.umask(old)
    reports = tiny / "reports"
    for path in [reports / EDITION, *(reports / EDITION).rglob("*"), reports / "latest.txt",
                 *(tiny / ".brief-cache").rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_latest_txt_that_cannot_be_written_is_a_note_not_a_failure(tiny, monkeypatch):
    def refuse(path, data):
        if path.name == "latest.txt":
            raise PermissionError(13, "Permission denied")
        return real(path, data)

    real = publish.atomic_write
    monkeypatch.setattr(build_module, "atomic_write", refuse)
    log = Lines()
    result, _, _ = build_with_fakes(tiny, log=log)
    assert result.directory.is_dir() and "note: could not update reports/latest.txt" in str(log)


def test_timeout_reaches_the_executor_and_bad_options_are_refused_before_anything_runs(tiny):
    _, executor, _ = build_with_fakes(tiny, timeout=12.5)
    assert set(executor.timeouts) == {12.5}
    for kwargs, message in [({"jobs": 0}, "--jobs 0 is not a positive number"),
                            ({"timeout": 0}, "--timeout 0 is not a positive"),
                            ({"formats": ("docx",)}, "unknown output format 'docx'"),
                            ({"params_raw": {"since": "0001-01-02"}}, "out of range"),
                            ({"params_raw": {"since": "1900-01-02"}}, "spans"),
                            ({"edition": "2024-05", "since_edition": "../x"}, "not a valid edition name")]:
        executor = FakeExecutor()
        with pytest.raises(ParameterError if "edition" not in str(kwargs) else BriefError, match=message):
            build_with_fakes(tiny, executor=executor, **kwargs)
        assert executor.calls == []


def test_named_editions_build_side_by_side(tiny):
    from brief.build import build_all_editions

    results = build_all_editions(project_root=tiny, executor=FakeExecutor(), renderer=FakeRenderer(),
                                 progress=Progress(Lines(), live=False))
    assert [r.edition for r in results] == ["2024-05"]
    assert record(tiny, "2024-05")["parameters"]["as_of"] == "2024-05-31"


def test_after_all_editions_latest_names_the_newest_whichever_finished_last(tiny):
    """Editions build concurrently; here the older one waits until the newer one is published and
    pointed at, so it finishes last: latest.txt still names the newer."""
    from brief.build import build_all_editions

    (tiny / "editions" / "2024-06.yml").write_text('title: "June"\nas_of: 2024-06-30\n', encoding="utf-8")
    latest = tiny / "reports" / "latest.txt"

    class OlderLast(FakeExecutor):
        def __call__(self, spec, output, parameters, project_root, **kwargs):
            deadline = time.monotonic() + 20
            while (parameters["as_of"] == "2024-05-31" and time.monotonic() < deadline
                   and not (latest.is_file() and latest.read_text() == "2024-06\n")):
                time.sleep(0.01)
            super().__call__(spec, output, parameters, project_root, **kwargs)

    results = build_all_editions(project_root=tiny, executor=OlderLast(), renderer=FakeRenderer(), jobs=2,
                                 progress=Progress(Lines(), live=False))
    assert [r.edition for r in results] == ["2024-05", "2024-06"]
    assert latest.read_text() == "2024-06\n"


def test_verify_rebuilds_cleanly_and_names_each_tampered_output(tiny, monkeypatch):
    """`brief verify`'s comparisons and report; that a real rebuild is byte-identical: test_build.py."""
    from click.testing import CliRunner

    from brief.cli import main

    monkeypatch.setattr("brief.execute.execute", FakeExecutor())
    monkeypatch.setattr("brief.render.render_brief", FakeRenderer())
    monkeypatch.setattr("brief.forkserver.prestart", lambda: None)  # no warm parent for the fake executor
    build_with_fakes(tiny)
    ok = CliRunner().invoke(main, ["verify"])
    assert ok.exit_code == 0 and "verified" in ok.stdout
    html = tiny / "reports" / EDITION / f"armenia-azerbaijan-brief-{EDITION}.html"
    html.write_text(html.read_text(encoding="utf-8") + "tampered", encoding="utf-8")
    bad = CliRunner().invoke(main, ["verify"])
    assert bad.exit_code == 1
    assert f"{html.name}: sha256" in bad.stderr and bad.stderr.strip().splitlines()[-1].startswith("1 difference")


def fake_build_process(root, *args, **kwargs):
    script = Path(__file__).parent / "fake_build.py"
    return subprocess.Popen([sys.executable, str(script), str(root), *args], cwd=root, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True, **kwargs)


@pytest.mark.slow  # seconds: edit loops (make test-fast) leave it to make test
def test_sigkill_during_render_leaves_the_previous_edition_intact_and_the_next_build_recovers(tiny):
    build_with_fakes(tiny)
    before = reports_digest(tiny)
    set_cell(tiny, "events", 3, "kind", "meeting")
    give_vega_bundle(tiny)  # as after any earlier build in a process of its own: it is not what is tested
    proc = fake_build_process(tiny, "--render-seconds", "30")
    for line in proc.stderr:  # progress lines are plain when not on a terminal
        if "rendering" in line:
            time.sleep(0.3)
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert reports_digest(tiny) == before
    assert list((tiny / "reports").glob(".staging-*"))  # what the killed build left
    _, _, renderer = build_with_fakes(tiny)  # the next build recovers and cleans up
    assert renderer.calls == [("pdf", "html")]
    assert not list((tiny / "reports").glob(".staging-*"))
