"""The notebooks: committed clean; parameters declared once (the cell params.parameters_cell writes, which
papermill reads) and all used; metadata.brief.reads exactly the fact tables their code reads; labels
unique and each embedded by brief.qmd; and, executed by papermill on the fixture (slow), outputs that
follow the contract."""

from __future__ import annotations

import ast
import dataclasses
import re

import nbformat
import papermill
import pytest

from brief import contract, nbout, params
from brief.dataset import Dataset
from brief.knowledge import fact_resources

from .fixture_data import edition_context_of, fixture_dataset, fixture_editions
from .helpers import FIXTURE, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS]
EMBED = re.compile(r"\{\{<\s*embed\s+_executed/(?P<notebook>[\w-]+)\.ipynb#(?P<label>[\w-]+)\s*>\}\}")


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)


def is_parameters(cell) -> bool:
    return "parameters" in cell.metadata.get("tags", [])


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def labels(nb) -> list[str]:
    return [label for c in code_cells(nb) if (label := contract.cell_label(c.source))]


def embeds(qmd_text: str) -> list[tuple[str, str]]:
    return [(m["notebook"], m["label"]) for m in EMBED.finditer(qmd_text)]


def test_the_notebooks_are_the_ones_the_brief_is_made_of():
    assert NAMES == ["cadence", "chain", "changes", "front", "map", "outlook", "progress", "reference", "timeline",
                     "tracks"]


# --------------------------------------------------------------------------- committed notebooks


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    for i, cell in enumerate(code_cells(read(name))):
        assert cell.outputs == [] and cell.execution_count is None, \
            f"notebooks/{name}.ipynb code cell {i}: clear the outputs before committing (Jupyter: Clear All Outputs)"


def used_names(nb) -> set[str]:
    """The names a notebook's code (not its parameters cell) reads."""
    return {node.id for cell in code_cells(nb) if not is_parameters(cell)
            for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)}


@pytest.mark.parametrize("name", NAMES)
def test_parameters_cell_is_the_one_declaration(name):
    nb = read(name)
    tagged = [c for c in nb.cells if is_parameters(c)]
    assert len(tagged) == 1, f"{name}: exactly one cell must be tagged 'parameters'"
    assert tagged[0].source == params.parameters_cell(params.declared_parameters(used_names(nb))), \
        f"{name}: the parameters cell differs from params.parameters_cell(declared_parameters(…)): regenerate it"


@pytest.mark.parametrize("name", NAMES)
def test_papermill_sees_exactly_the_declared_parameters(name):
    found = papermill.inspect_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"))
    assert list(found) == list(params.declared_parameters(used_names(read(name))))
    assert all(p["default"] == "None" and p["help"] for p in found.values()), found


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_parameter_is_used_by_the_code(name):
    nb = read(name)
    declared = list(papermill.inspect_notebook(str(ROOT / "notebooks" / f"{name}.ipynb")))
    unused = [p for p in declared if p not in used_names(nb)]
    assert not unused, f"{name} declares {unused} but never uses them"


def test_only_the_notebook_that_shows_the_provenance_declares_it():
    """The build keys each executed notebook on the parameters it declares: a change of engine (the
    provenance) must re-execute the colophon's notebook only."""
    declaring = [name for name in NAMES if "provenance" in papermill.inspect_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"))]
    colophon = [name for name in NAMES
                if any(contract.cell_label(c.source) == "colophon" for c in code_cells(read(name)))]
    assert declaring == colophon and len(colophon) == 1, (declaring, colophon)


def test_labels_are_unique_across_the_notebooks():
    every = [(name, label) for name in NAMES for label in labels(read(name))]
    seen: dict[str, str] = {}
    for name, label in every:
        assert label not in seen, f"label {label} is in both {seen[label]} and {name}"
        seen[label] = name
    assert all(labels(read(name)) for name in NAMES), "a notebook without a labelled output shows nothing"


@pytest.mark.parametrize("qmd", [ROOT / "brief.qmd", FIXTURE / "brief.qmd"], ids=["brief.qmd", "fixture"])
def test_every_embed_names_an_existing_label_and_every_label_is_embedded(qmd):
    found = embeds(qmd.read_text(encoding="utf-8"))
    existing = {(name, label) for name in NAMES for label in labels(read(name))}
    missing = [f"{n}#{label}" for n, label in found if (n, label) not in existing]
    assert not missing, f"{qmd.name} embeds outputs no notebook has: {missing}"
    unshown = sorted(f"{n}#{label}" for n, label in existing - set(found))
    assert not unshown, f"outputs no brief shows (each costs a notebook run): {unshown}"


def test_the_fixture_brief_embeds_what_the_real_brief_embeds():
    real = sorted(embeds((ROOT / "brief.qmd").read_text(encoding="utf-8")))
    fixture = sorted(embeds((FIXTURE / "brief.qmd").read_text(encoding="utf-8")))
    assert fixture == real, "tests/fixtures/project/brief.qmd must embed the same outputs as brief.qmd"


# --------------------------------------------------------------------------- what each notebook reads


class Recording(dict):
    """A dict of tables that notes every name read (a whole-dict iteration reads every table)."""

    def __init__(self, tables: dict, accessed: set[str]):
        super().__init__(tables)
        self.accessed = accessed

    def __getitem__(self, name):
        self.accessed.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.accessed.add(name)
        return super().get(name, default)

    def _all(self):
        self.accessed.update(self.keys())

    def items(self):
        self._all()
        return super().items()

    def values(self):
        self._all()
        return super().values()

    def __iter__(self):
        self._all()
        return super().__iter__()


class RecordingDataset(Dataset):
    """The fixture dataset, noting which tables are read: frames, text rows, and the digest of all tables
    (the colophon prints it, so a notebook showing it depends on every table)."""

    def __getattribute__(self, attr):
        if attr == "sha256":
            self.tables._all()
        return super().__getattribute__(attr)


def recording_dataset(accessed: set[str]) -> RecordingDataset:
    ds = fixture_dataset()
    fields = {f.name: getattr(ds, f.name) for f in dataclasses.fields(Dataset)}
    fields["tables"] = Recording(ds.tables, accessed)
    fields["rows"] = Recording(ds.rows, accessed)
    return RecordingDataset(**fields)


def year_end_parameters() -> dict:
    """What a build of the fixture's year-end edition injects (dates resolved, edition and provenance)."""
    edition = fixture_editions()["2024-12"]
    resolved = params.resolve(edition.params, fixture_dataset().defaults).to_notebook()
    return resolved | {"edition": edition_context_of("2024-12"),
                       "provenance": {"renderer": {"engine": "builtin"}, "versions": {"pandoc": "test"}}}


def run_in_process(name: str, parameters: dict, monkeypatch) -> tuple[set[str], list]:
    """Execute the notebook's code cells here (papermill-style: the values injected after the parameters
    cell); returns the tables read and what was shown."""
    accessed: set[str] = set()
    ds = recording_dataset(accessed)
    shown: list = []
    monkeypatch.setattr(nbout, "load_dataset", lambda data_dir: ds)
    monkeypatch.setattr(nbout, "_display", lambda data, metadata=None: shown.append(data))
    monkeypatch.setattr(nbout, "show_chart", lambda chart, **kw: shown.append(kw["label"]))  # no SVG needed
    namespace: dict = {}
    for cell in code_cells(read(name)):
        exec(compile(cell.source, f"notebooks/{name}.ipynb", "exec"), namespace)  # noqa: S102
        if is_parameters(cell):
            namespace.update(parameters)
    return accessed, shown


def implicit_tables() -> set[str]:
    """What every notebook may read without declaring it (cache.notebook_inputs): sources and the vocabulary."""
    return {r["name"] for r in fixture_dataset().descriptor["resources"]
            if r["name"] == "sources" or r.get("brief", {}).get("role") == "vocabulary"}


@pytest.mark.parametrize("name", NAMES)
def test_declared_reads_are_fact_tables_each_once(name):
    reads = read(name).metadata["brief"]["reads"]
    assert reads == sorted(set(reads)), f"{name}: list each table once, sorted"
    assert set(reads) <= set(fact_resources(fixture_dataset().descriptor)), \
        f"{name}: reads names tables that are not fact tables (sources and vocabulary are implicit)"


@pytest.mark.parametrize("name", NAMES)
def test_declared_reads_are_exactly_the_fact_tables_the_code_reads(name, monkeypatch):
    """Run with the year-end edition (front page, previous edition, provenance): a table read but not declared
    would leave a stale cached result; one declared but not read re-runs the notebook for nothing."""
    accessed, shown = run_in_process(name, year_end_parameters(), monkeypatch)
    assert len(shown) == len(labels(read(name))), f"{name} showed {len(shown)} outputs for its labelled cells"
    declared = set(read(name).metadata["brief"]["reads"])
    read_facts = accessed - implicit_tables()
    assert sorted(read_facts - declared) == [], f"{name} reads tables it does not declare"
    assert sorted(declared - read_facts) == [], f"{name} declares tables it never reads"


@pytest.mark.parametrize("name", NAMES)
def test_default_parameters_read_nothing_undeclared(name, monkeypatch):
    accessed, _ = run_in_process(name, {}, monkeypatch)
    declared = set(read(name).metadata["brief"]["reads"])
    assert sorted(accessed - implicit_tables() - declared) == [], f"{name} reads tables it does not declare"


# --------------------------------------------------------------------------- executed by papermill (slow)


@pytest.fixture(scope="module")
def executed(built_editions):
    """Each notebook as papermill executed it in a real build of the year-end edition (the shared edition build)."""
    out = built_editions.root / "reports" / "2024-12" / "notebooks"
    return {name: nbformat.read(out / f"{name}.ipynb", as_version=4) for name in NAMES}


def labelled(nb) -> dict[str, nbformat.NotebookNode]:
    return {label: c for c in code_cells(nb) if (label := contract.cell_label(c.source))}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_executed_outputs_follow_the_contract(executed, name):
    nb = executed[name]
    sources = set(fixture_dataset()["sources"]["source_id"])
    for cell in code_cells(nb):
        for output in cell.outputs:
            assert output["output_type"] not in ("error", "stream"), f"{name}: {output}"
    for label, cell in labelled(nb).items():
        assert len(cell.outputs) == 1 and cell.outputs[0]["output_type"] == "display_data", \
            f"{name}#{label}: one display_data output expected, got {[o['output_type'] for o in cell.outputs]}"
        output = cell.outputs[0]
        if label.startswith("fig-"):
            assert set(output["data"]) == {contract.VEGALITE_MIME, contract.SVG_MIME, contract.HTML_MIME,
                                           contract.TEXT_MIME}, f"{name}#{label}"
            meta = output["metadata"][contract.OUTPUT_METADATA_KEY]
            assert meta["label"] == label and meta["caption"] and meta["alt"] == output["data"][contract.TEXT_MIME]
            assert set(meta["sources"]) <= sources, f"{name}#{label} cites unknown sources {meta['sources']}"
        else:
            assert set(output["data"]) == {contract.MARKDOWN_MIME}, f"{name}#{label}"
            assert output["data"][contract.MARKDOWN_MIME].strip(), f"{name}#{label} is empty"
    assert nb.metadata["papermill"]["parameters"]["as_of"] == "2024-12-31"


@pytest.mark.slow
def test_executed_notebooks_received_the_edition(executed):
    def markdown(name, label):
        return labelled(executed[name])[label].outputs[0]["data"][contract.MARKDOWN_MIME]

    # The year-end edition's headline (editions/2024-12.yml), its previous edition, and the provenance.
    assert markdown("front", "front-page").startswith(
        "**The treaty is 80% agreed, 12 of 15 articles by Belor\\'s count, but the charter demand decides when it "
        "is signed.**")
    assert markdown("changes", "what-changed").startswith(
        "## What changed from 1 July 2024 to 31 December 2024 {#sec-what-changed}\n\n*Compared with the previous "
        "edition, Mid-2024, in retrospect (30 June 2024), as it knew the data.*")
    assert "**Rendered by:** the built-in engine" in markdown("reference", "colophon")
