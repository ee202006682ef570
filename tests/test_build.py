"""`brief build`: incremental on content, safe on failure, atomic on kill, serialised when concurrent."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time

import pytest

from .conftest import copy_project, run_brief
from .test_validate import set_cell

pytestmark = pytest.mark.slow


def manifest(root) -> dict:
    latest = (root / "reports" / "latest.txt").read_text().strip()
    return json.loads((root / "reports" / latest / "manifest.json").read_text())


def reports_digest(root) -> dict[str, str]:
    """Every published file: not lock files, the failed-notebook folder or a killed build's hidden staging."""
    reports = root / "reports"
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(reports.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock") and "_failed" not in p.parts
            and not p.relative_to(reports).parts[0].startswith(".")}


def readers(root, table: str) -> set[str]:
    names = set()
    for path in (root / "notebooks").glob("*.ipynb"):
        if table in json.loads(path.read_text())["metadata"]["brief"]["reads"]:
            names.add(path.stem)
    return names


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("incremental") / "project")
    run_brief(root, "build")
    return root


def test_first_build_executes_everything_and_records_it(built):
    record = manifest(built)
    assert set(record["notebooks"].values()) == {"executed"}
    assert record["rendered"] is True
    assert record["parameters"]["as_of"] == "2024-12-31"
    for key in ("inputs", "outputs", "versions", "lock_file_sha256", "git", "engine", "dataset"):
        assert record[key] is not None, key
    assert {"python", "papermill", "altair", "pandoc", "typst"} <= set(record["versions"])
    assert "data/meetings.csv" in record["inputs"] and "brief.qmd" in record["inputs"]
    edition = built / "reports" / "2024-12-31"
    for name, digest in record["outputs"].items():
        assert hashlib.sha256((edition / name).read_bytes()).hexdigest() == digest


def test_noop_rebuild_executes_and_renders_nothing(built):
    before = reports_digest(built)
    run_brief(built, "build")
    record = manifest(built)
    assert set(record["notebooks"].values()) == {"cached"}
    assert record["rendered"] is False
    after = reports_digest(built)
    assert {k: v for k, v in after.items() if not k.endswith("manifest.json")} == \
           {k: v for k, v in before.items() if not k.endswith("manifest.json")}


def test_editing_one_row_re_executes_exactly_the_notebooks_that_read_it(built):
    set_cell(built, "meetings", 3, "about", "Technical issues, as recorded after an edit.")
    run_brief(built, "build")
    record = manifest(built)
    executed = {n for n, s in record["notebooks"].items() if s == "executed"}
    assert executed == readers(built, "meetings")
    assert executed and executed != set(record["notebooks"])
    assert record["rendered"] is True


def test_parameter_change_re_executes(built):
    run_brief(built, "build", "-p", "as_of=2024-12-31", "-p", "period=month")
    record = manifest(built)
    assert record["parameters"]["period"] == "month"
    assert "cadence" in {n for n, s in record["notebooks"].items() if s == "executed"}
    # A notebook that does not declare `period` is not re-executed by its change.
    for path in (built / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
        if "period" not in "".join(cell["source"]):
            assert record["notebooks"][path.stem] == "cached"


def test_force_ignores_the_cache(built):
    run_brief(built, "build", "--force", "--to", "html")
    assert set(manifest(built)["notebooks"].values()) == {"executed"}


def test_parameter_errors_start_no_kernel(built):
    before = reports_digest(built)
    for args, message in [
        (["-p", "as_off=2024-06-30"], "error: unknown parameter 'as_off' (did you mean 'as_of'?"),
        (["-p", "as_of=30/06/2024"], "error: parameter as_of: '30/06/2024' is not a date (expected YYYY-MM-DD"),
        (["-p", "since=2024-07-01", "-p", "as_of=2024-06-30"],
         "error: since (2024-07-01) is after as_of (2024-06-30)"),
        (["-p", "mediators=united_states,nato"], "error: parameter mediators: unknown mediator 'nato'"),
    ]:
        proc = run_brief(built, "build", *args, check=False)
        assert proc.returncode == 2
        assert proc.stderr.startswith(message), proc.stderr
        assert "notebook" not in proc.stderr  # nothing was executed
    assert reports_digest(built) == before


def test_failing_notebook_names_the_cell_keeps_it_and_publishes_nothing(built):
    run_brief(built, "build")
    before = reports_digest(built)
    path = built / "notebooks" / "chain.ipynb"
    original = path.read_text()
    nb = json.loads(original)
    cell = next(c for c in nb["cells"] if "".join(c["source"]).startswith("#| label: fig-chain"))
    cell["source"] = ["#| label: fig-chain\n", "raise ValueError('the chain cannot be drawn')"]
    path.write_text(json.dumps(nb))
    try:
        proc = run_brief(built, "build", check=False)
    finally:
        path.write_text(original)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "notebook notebooks/chain.ipynb failed in cell" in proc.stderr
    assert "(fig-chain): ValueError: the chain cannot be drawn" in proc.stderr
    kept = built / "reports" / "_failed" / "chain.ipynb"
    assert kept.is_file() and "the chain cannot be drawn" in kept.read_text()
    assert str(kept.relative_to(built)) in proc.stderr or str(kept) in proc.stderr
    assert reports_digest(built) == before


def test_sigkill_during_render_leaves_previous_outputs_intact(tmp_path):
    root = copy_project(tmp_path / "project")
    run_brief(root, "build")
    before = reports_digest(root)
    set_cell(root, "meetings", 3, "about", "An edit that forces a re-render.")
    proc = subprocess.Popen([sys.executable, "-m", "brief.cli", "build"], cwd=root, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:  # progress lines are plain when not on a terminal
        if "rendering" in line:
            time.sleep(0.3)
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert reports_digest(root) == before
    staged = list((root / "reports").glob(".staging-*"))
    assert all(not p.name.endswith((".pdf", ".html")) for p in (root / "reports").iterdir())
    run_brief(root, "build")  # the next build recovers and cleans up
    assert not list((root / "reports").glob(".staging-*")), staged
    assert manifest(root)["rendered"] is True


def test_concurrent_builds_wait_for_each_other(tmp_path):
    root = copy_project(tmp_path / "project")
    procs = [subprocess.Popen([sys.executable, "-m", "brief.cli", "build", "--to", "html"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert any("waiting for it" in err for _, err in results)
    record = manifest(root)
    edition = root / "reports" / record["edition"]
    for name, digest in record["outputs"].items():
        assert hashlib.sha256((edition / name).read_bytes()).hexdigest() == digest


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path, built):
    other = copy_project(tmp_path / "again")
    for table in ("meetings",):  # carry over the edit made to `built` earlier in this module
        (other / "data" / f"{table}.csv").write_bytes((built / "data" / f"{table}.csv").read_bytes())
    run_brief(built, "build", "--force")
    run_brief(other, "build", "--force")
    first, second = manifest(built)["outputs"], manifest(other)["outputs"]
    assert first == second
    assert any(k.endswith(".pdf") for k in first) and any(k.endswith(".html") for k in first)


def test_verify_passes_on_a_clean_build_and_fails_after_tampering(built):
    run_brief(built, "build")
    ok = run_brief(built, "verify")
    assert "verified" in ok.stdout
    edition = built / "reports" / manifest(built)["edition"]
    html = next(edition.glob("*.html"))
    html.write_text(html.read_text().replace("Bottom line", "Bottom lines", 1))
    bad = run_brief(built, "verify", check=False)
    assert bad.returncode == 1
    assert f"{html.name}: sha256" in bad.stderr
