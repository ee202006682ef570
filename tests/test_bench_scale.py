"""The benchmark's scaled datasets: N times the fact rows, generated from the schema, still valid."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from benchmarks.scale import kept, scale_dataset, shift_date
from brief.validate import check_dataset

from .fixture_data import copy_data


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_dates_move_back_whole_years_at_their_precision():
    assert [shift_date(d, 3) for d in ("2024", "2024-04", "2024-04-19", "")] == ["2021", "2021-04", "2021-04-19", ""]
    assert shift_date("2024-02-29", 1) == "2023-02-28" and shift_date("2024-02-29", 4) == "2020-02-29"


def test_the_dataset_scaled_three_times_still_validates(tmp_path):
    root = copy_data(tmp_path)  # all that validation reads
    descriptor = json.loads((root / "data" / "datapackage.json").read_text())
    before = {r["name"]: rows(root / "data" / r["path"]) for r in descriptor["resources"]}
    kept_names = {r["name"] for r in descriptor["resources"] if kept(r)}
    counts = scale_dataset(root / "data", 3)
    assert counts["sources"] == len(before["sources"]), "sources are kept, so quotes still match"
    assert kept_names > {"sources"} and all(counts[name] == len(before[name]) for name in kept_names)
    assert all(counts[name] == 3 * len(table) for name, table in before.items() if name not in kept_names)
    # keys unique, references resolve, quotes found, dates in range: what `brief validate` checks, called in
    # this process (test_validate runs the CLI itself)
    assert [str(p) for p in check_dataset(root / "data")[1]] == []


DESCRIPTOR = {"resources": [
    {"name": "sources", "path": "sources.csv", "brief": {"role": "source"},
     "schema": {"fields": [{"name": "source_id"}, {"name": "date"}], "primaryKey": ["source_id"]}},
    {"name": "actors", "path": "vocabulary/actors.csv", "brief": {"role": "vocabulary"},
     "schema": {"fields": [{"name": "actor_id"}], "primaryKey": ["actor_id"]}},
    {"name": "nodes", "path": "nodes.csv", "brief": {"role": "fact"},
     "schema": {"fields": [{"name": "node_id"}, {"name": "when", "brief": {"kind": "fuzzy-date"}},
                           {"name": "actor"}, {"name": "source_id"}],
                "primaryKey": ["node_id"],
                "foreignKeys": [
                    {"fields": ["actor"], "reference": {"resource": "actors", "fields": ["actor_id"]}},
                    {"fields": ["source_id"], "reference": {"resource": "sources", "fields": "source_id"}}]}},
    {"name": "edges", "path": "edges.csv", "brief": {"role": "fact"},
     "schema": {"fields": [{"name": "from_node"}, {"name": "to_nodes", "type": "list", "delimiter": ";",
                                                   "brief": {"references": {"resource": "nodes", "field": "node_id"}}},
                           {"name": "parties", "type": "list", "delimiter": ";",
                            "brief": {"references": {"resource": "actors", "field": "actor_id"}}},
                           {"name": "label", "constraints": {"unique": True}}],
                "primaryKey": ["from_node", "label"],
                "foreignKeys": [{"fields": "from_node", "reference": {"resource": "nodes", "fields": "node_id"}}]}},
]}
FILES = {
    "sources.csv": "source_id,date\ns1,2024-05\n",
    "vocabulary/actors.csv": "actor_id\narmenia\nazerbaijan\n",
    "nodes.csv": "node_id,when,actor,source_id\nn1,2024-02-29,armenia,s1\nn2,2023,azerbaijan,s1\n",
    "edges.csv": "from_node,to_nodes,parties,label\nn1,n2;n1,armenia;azerbaijan,first\n",
}


def test_keys_and_references_into_copied_tables_are_suffixed_the_rest_kept(tmp_path):
    (tmp_path / "vocabulary").mkdir()
    (tmp_path / "datapackage.json").write_text(json.dumps(DESCRIPTOR))
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    assert scale_dataset(tmp_path, 2) == {"sources": 1, "actors": 2, "nodes": 4, "edges": 2}
    for name in ("sources.csv", "vocabulary/actors.csv"):
        assert (tmp_path / name).read_text() == FILES[name]
    assert rows(tmp_path / "nodes.csv")[2:] == [
        {"node_id": "n1_x1", "when": "2023-02-28", "actor": "armenia", "source_id": "s1"},
        {"node_id": "n2_x1", "when": "2022", "actor": "azerbaijan", "source_id": "s1"}]
    assert rows(tmp_path / "edges.csv")[1] == {"from_node": "n1_x1", "to_nodes": "n2_x1;n1_x1",
                                               "parties": "armenia;azerbaijan", "label": "first_x1"}
