"""`brief build` end to end, with real kernels, pandoc and Typst: what only a real build can show.

The build's own logic (cache, incremental execution, per-format rendering, locks, publishing)
is tested without kernels in test_build_logic.py; these tests keep the few real builds that
check the whole pipeline: the manifest of a real build, a notebook failing in a real kernel,
and verify's clean rebuild giving byte-identical outputs.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from .helpers import brief_in_process, copy_built, make_tiny_project, reports_digest, run_brief

pytestmark = pytest.mark.slow


def manifest(root) -> dict:
    latest = (root / "reports" / "latest.txt").read_text().strip()
    return json.loads((root / "reports" / latest / "manifest.json").read_text())


def test_a_real_build_executes_everything_and_records_it(built_default):
    record = manifest(built_default)
    assert set(record["notebooks"].values()) == {"executed"}
    assert record["rendered"] == ["pdf", "html"]
    for key in ("inputs", "outputs", "versions", "lock_file_sha256", "git", "engine", "dataset", "renders"):
        assert record[key] is not None, key
    assert {"python", "papermill", "altair", "pandoc", "typst"} <= set(record["versions"])
    assert "data/meetings.csv" in record["inputs"] and "brief.qmd" in record["inputs"]
    assert any(name.startswith("seeds/") for name in record["inputs"])
    edition = built_default / "reports" / record["edition"]
    for name, digest in record["outputs"].items():
        assert hashlib.sha256((edition / name).read_bytes()).hexdigest() == digest


def test_noop_rebuild_answers_from_the_manifest(built_default):
    before = reports_digest(built_default)
    proc = run_brief(built_default, "build")
    assert "up to date" in proc.stderr and "notebook" not in proc.stderr
    assert reports_digest(built_default) == before


def test_parameter_errors_start_no_kernel(built_default, monkeypatch):
    from click.testing import CliRunner

    from brief.cli import main

    monkeypatch.chdir(built_default)
    before = reports_digest(built_default)
    for args, message in [
        (["-p", "as_off=2024-06-30"], "error: unknown parameter 'as_off' (did you mean 'as_of'?"),
        (["-p", "as_of=30/06/2024"], "error: parameter as_of: '30/06/2024' is not a date (expected YYYY-MM-DD"),
        (["-p", "since=2024-07-01", "-p", "as_of=2024-06-30"],
         "error: since (2024-07-01) is after as_of (2024-06-30)"),
    ]:
        result = CliRunner().invoke(main, ["build", *args])
        assert result.exit_code == 2
        assert result.stderr.startswith(message), result.stderr
        assert "notebook" not in result.stderr  # nothing was executed
    assert reports_digest(built_default) == before


def test_failing_notebook_names_the_cell_keeps_it_and_publishes_nothing(built_default, tmp_path):
    root = copy_built(built_default, tmp_path / "project")  # the other notebooks come from its cache
    before = reports_digest(root)
    path = root / "notebooks" / "chain.ipynb"
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if "".join(c["source"]).startswith("#| label: fig-chain"))
    cell["source"] = ["#| label: fig-chain\n", "raise ValueError('the chain cannot be drawn')"]
    path.write_text(json.dumps(nb))
    proc = run_brief(root, "build", check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "notebook notebooks/chain.ipynb failed in cell" in proc.stderr
    assert "(fig-chain): ValueError: the chain cannot be drawn" in proc.stderr
    kept = root / "reports" / "_failed" / "chain.ipynb"
    assert kept.is_file() and "the chain cannot be drawn" in kept.read_text()
    assert str(kept.relative_to(root)) in proc.stderr or str(kept) in proc.stderr
    assert reports_digest(root) == before


def test_verify_rebuilds_byte_identical_outputs(tmp_path):
    # A tiny project: real kernels, pandoc and Typst, in seconds; the shipped notebooks' own
    # determinism is checked by the byte-identical rebuilds of `brief verify` in CI's quick start.
    # What verify reports of a tampered output: test_build_logic.py (fake executor and renderer).
    root = make_tiny_project(tmp_path / "project")
    brief_in_process(root, "build")
    ok = brief_in_process(root, "verify")
    assert "verified" in ok.stdout
