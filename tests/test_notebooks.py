"""The notebooks: committed clean, parameters and reads declared honestly, and — executed by
papermill with the real kernel against the real data — outputs that follow the contract and the
parameters. Each notebook runs at most twice per session (module-scoped fixture)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from collections import Counter

import nbformat
import papermill
import pytest
import yaml

from brief import contract, nbout
from brief.dataset import TABLES, Dataset
from brief.dates import parse_fuzzy_date
from brief.params import NAMES

from .helpers import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
OURS = {"progress": {"fig-progress", "progress-summary"},
        "cadence": {"fig-cadence-timeline", "fig-cadence-counts", "cadence-summary", "tbl-meetings"},
        "chain": {"fig-chain", "chain-summary"},
        "judgments": {"key-judgments", "tbl-sticking-points", "border-summary", "connectivity-summary", "outlook",
                      "sources", "colophon"}}


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def options(cell) -> dict:
    lines = [line[3:] for line in cell.source.split("\n") if line.startswith("#| ")]
    return yaml.safe_load("\n".join(lines)) or {}


def csv_rows(table: str) -> list[dict]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --- committed notebooks (fast) -------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_and_reads_are_declared(path):
    nb = read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assigned = {line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line}
    assert set(NAMES) <= assigned
    reads = nb.metadata["brief"]["reads"]
    assert reads and set(reads) <= set(TABLES) and len(set(reads)) == len(reads)


@pytest.mark.parametrize("name", sorted(OURS))
def test_labels_are_unique_and_complete(name):
    labels = [options(c).get("label") for c in read(ROOT / "notebooks" / f"{name}.ipynb").cells
              if c.cell_type == "code" and c.source.startswith("#|")]
    assert len(labels) == len(set(labels)) and set(labels) == OURS[name]


@pytest.mark.parametrize("path", [ROOT / "notebooks" / f"{n}.ipynb" for n in sorted(OURS)], ids=lambda p: p.stem)
def test_declared_reads_are_the_tables_actually_read(path, monkeypatch):
    """Run the notebook's code in this process, recording every table access on the Dataset."""
    accessed: set[str] = set()
    getitem, known_on = Dataset.__getitem__, Dataset.known_on

    def recording_getitem(self, name):
        accessed.add(name)
        return getitem(self, name)

    def recording_known_on(self, name, as_of):
        accessed.add(name)
        return known_on(self, name, as_of)

    monkeypatch.setattr(Dataset, "__getitem__", recording_getitem)
    monkeypatch.setattr(Dataset, "known_on", recording_known_on)
    shown = []
    monkeypatch.setattr(nbout, "_display", lambda data, metadata=None: shown.append(data))
    monkeypatch.chdir(ROOT)
    nb = read(path)
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{path.name}", "exec"), namespace)  # noqa: S102
    assert shown, "the notebook showed nothing"
    assert accessed == set(nb.metadata["brief"]["reads"])


# --- executed notebooks (slow) --------------------------------------------------------------

# Two runs per notebook: the same parameters twice (chain) or a second parameter set.
RUNS = {"progress": {}, "progress-mid": {"as_of": "2024-06-30"},
        "cadence": {}, "cadence-mid": {"as_of": "2024-06-30"},
        "chain": {}, "chain-again": {},
        "judgments": {}, "judgments-russia": {"mediators": ["russia"]}}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("executed")
    done = {}
    for run, parameters in RUNS.items():
        name = run.split("-")[0]
        out = out_dir / f"{run}.ipynb"
        papermill.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(out), parameters=parameters,
                                   cwd=str(ROOT), kernel_name="python3", progress_bar=False)
        done[run] = read(out)
    return done


def labelled(nb) -> dict[str, nbformat.NotebookNode]:
    return {options(c)["label"]: c for c in nb.cells if c.cell_type == "code" and c.source.startswith("#|")}


def chart_spec(nb, label: str) -> dict:
    (output,) = labelled(nb)[label].outputs
    return output["data"][contract.VEGALITE_MIME]


def data_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.mark.slow
@pytest.mark.parametrize("run", sorted(RUNS))
def test_outputs_follow_the_contract(executed, run):
    nb = executed[run]
    for label, cell in labelled(nb).items():
        assert len(cell.outputs) == 1, label
        output = cell.outputs[0]
        assert output["output_type"] == "display_data"
        if label.startswith("fig-"):
            assert set(output["data"]) == {contract.VEGALITE_MIME, "image/svg+xml", "text/html", "text/plain"}
            meta = output["metadata"]["brief"]
            assert meta["label"] == label and meta["caption"] and meta["alt"]
            assert output["data"][contract.VEGALITE_MIME]["description"] == meta["alt"]
        else:
            assert set(output["data"]) == {"text/markdown"} and output["data"]["text/markdown"].strip()


@pytest.mark.slow
@pytest.mark.parametrize("run", ["progress", "cadence", "chain"])
def test_apply_cell_options_writes_caption_and_alt_into_the_cell(executed, run):
    nb = copy.deepcopy(executed[run])
    contract.apply_cell_options(nb)
    for label, cell in labelled(nb).items():
        if label.startswith("fig-"):
            meta = cell.outputs[0]["metadata"]["brief"]
            assert options(cell) == {"label": label, "fig-cap": meta["caption"], "fig-alt": meta["alt"]}
    nbformat.validate(nb)


@pytest.mark.slow
def test_progress_rows_follow_as_of(executed):
    full = data_rows(chart_spec(executed["progress"], "fig-progress"))
    mid = data_rows(chart_spec(executed["progress-mid"], "fig-progress"))
    assert {r["progress_id"] for r in full if "progress_id" in r} == {r["progress_id"] for r in csv_rows("progress")}
    expected_mid = {r["progress_id"] for r in csv_rows("progress")
                    if parse_fuzzy_date(r["date"]).end <= dt.date(2024, 6, 30)}
    assert {r["progress_id"] for r in mid if "progress_id" in r} == expected_mid
    assert not any(r.get("date", "").startswith("2024-12") for r in mid)


def expected_meetings(as_of: dt.date, since: dt.date) -> set[str]:
    return {r["meeting_id"] for r in csv_rows("meetings")
            if since <= parse_fuzzy_date(r["date"]).start and parse_fuzzy_date(r["date"]).end <= as_of}


@pytest.mark.slow
def test_cadence_rows_follow_the_window(executed):
    full = {r["meeting_id"] for r in data_rows(chart_spec(executed["cadence"], "fig-cadence-timeline"))
            if "meeting_id" in r}
    assert full == expected_meetings(dt.date(2024, 12, 31), dt.date(2024, 1, 1))
    mid = [r for r in data_rows(chart_spec(executed["cadence-mid"], "fig-cadence-timeline")) if "meeting_id" in r]
    assert {r["meeting_id"] for r in mid} == expected_meetings(dt.date(2024, 6, 30), dt.date(2023, 7, 1))
    assert not any(r["date"].endswith("-10") for r in mid)
    counts = data_rows(chart_spec(executed["cadence-mid"], "fig-cadence-counts"))
    assert sum(r["meetings"] for r in counts if "meetings" in r) == len(mid)


@pytest.mark.slow
def test_empty_selection_renders_no_data(executed):
    text = labelled(executed["judgments-russia"])["key-judgments"].outputs[0]["data"]["text/markdown"]
    assert "No data in this window: no meeting of the selected mediators" in text
    assert "(mediators selected: Russia)" in text


@pytest.mark.slow
def test_key_judgments_contain_the_computed_numbers(executed):
    text = labelled(executed["judgments"])["key-judgments"].outputs[0]["data"]["text/markdown"]
    share = sorted((parse_fuzzy_date(r["date"]).end, float(r["value"])) for r in csv_rows("progress")
                   if r["metric"] == "share_agreed_pct")
    assert f"from {share[0][1]:g}%" in text and f"to {share[-1][1]:g}%" in text
    meetings = expected_meetings(dt.date(2024, 12, 31), dt.date(2024, 1, 1))
    top = Counter(r["mediator"] for r in csv_rows("meetings") if r["meeting_id"] in meetings).most_common(1)[0][1]
    assert f"{len(meetings)} meetings took place" in text and f"({top})" in text
    colophon = labelled(executed["judgments"])["colophon"].outputs[0]["data"]["text/markdown"]
    assert "2024\\-12\\-31" in colophon or "2024-12-31" in colophon


@pytest.mark.slow
def test_same_inputs_give_identical_outputs(executed):
    def outputs(nb):
        return json.dumps([c.get("outputs", []) for c in nb.cells], sort_keys=True)

    assert outputs(executed["chain"]) == outputs(executed["chain-again"])
    first, second = (labelled(executed[r])["fig-chain"].outputs[0]["data"] for r in ("chain", "chain-again"))
    assert first["image/svg+xml"] == second["image/svg+xml"]
    assert first[contract.VEGALITE_MIME] == second[contract.VEGALITE_MIME]


@pytest.mark.slow
def test_parameters_are_recorded_in_the_executed_notebook(executed):
    nb = executed["progress-mid"]
    assert nb.metadata["papermill"]["parameters"] == {"as_of": "2024-06-30"}
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
