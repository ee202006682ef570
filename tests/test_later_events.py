"""A year of later events, added the way an analyst adds them — data edits only — and a true brief
out: the scenario of issue 10. Every new row quotes a new source document (tests/fixtures/later).

The batch holds what the old brief could not take: a text fully agreed (a count of articles that
supersedes an earlier share), an initialling (a new status), a new host that is not a mediator, a
meeting on two tracks, a formal decision that overtakes an outlook factor (new event kind, new
resolution kind), a unilateral measure and a publication (new event kinds), a withdrawn demand.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess

import pytest

from .helpers import ROOT, brief_in_process, build_with_fakes, copy_built, run_brief

pytestmark = pytest.mark.slow

LATER = ROOT / "tests" / "fixtures" / "later"
GAMMA = "src_gamma"
ROWS = {
    "sources": [dict(source_id=GAMMA, title="[First-half review of the Arda–Belor process]",
                     cite_as="First-half review (2025)",
                     title_supplied="true", date="2025-06", date_note="Dated by its own title.",
                     standing="An unnamed reviewer.", basis="Reported events.", path="seeds/gamma.txt",
                     accessed="2026-11-22")],
    "vocabulary/actors": [dict(actor_id="ostia", label="Ostia", short_label="Ostia", type="state", party="false",
                               description="Host of the initialling ceremony.", order="65")],
    "vocabulary/event_kinds": [
        dict(kind_id="decision", label="Decision", effect="0", structural="false", description="A formal decision."),
        dict(kind_id="unilateral", label="Unilateral measure", effect="-1", structural="false",
             description="One side acts alone."),
        dict(kind_id="publication", label="Publication", effect="0", structural="false",
             description="A document is published.")],
    "vocabulary/statuses": [
        dict(status_id="initialled", label="Initialled", rank="6", settled="false", description="Initialled."),
        dict(status_id="withdrawn", label="Withdrawn", rank="8", settled="true", description="Demand withdrawn.")],
    "vocabulary/resolution_kinds": [dict(kind_id="overtaken", label="Overtaken", description="Events overtook it.")],
    "progress": [dict(progress_id="fx_articles_2025", date="2025-03", metric="articles", value="15", total="15",
                      stated_by="reviewer", supersedes="fx_share_2024", source_id=GAMMA,
                      quote="In March 2025 the two sides finished the treaty text: all 15 articles were agreed")],
    "meetings": [dict(meeting_id="fx_mt_portsal", date="2025-04-20", place="Port Sal", format="ministers",
                      parties="arda;belor", host="ostia", mediators="", tracks="treaty;frontier",
                      about="The treaty is initialled.", source_id=GAMMA,
                      quote="On 20 April 2025 the foreign ministers initialled the treaty in Port Sal. Ostia hosted "
                            "the ceremony but took no part in the talks, which covered the treaty and the frontier")],
    "events": [
        dict(event_id="fx_ev_dissolved", date="2025-02", kind="decision", tracks="treaty", actors="danube_council",
             title="The Council dissolves its observer group", description="By a formal decision.", key="false",
             source_id=GAMMA, quote="In February 2025 the Danube Council dissolved its observer group by a formal "
                                    "decision"),
        dict(event_id="fx_ev_road_closed", date="2025-05", kind="unilateral", tracks="transit", actors="belor",
             title="Belor closes the transit road", short_title="Road closed", description="Unilaterally.",
             key="true", source_id=GAMMA, quote="In May 2025 Belor unilaterally closed the transit road to the coast")],
    "chain_status": [dict(status_id="fx_cs_treaty_25", node_id="fx_n_treaty", date="2025-04-20", status="initialled",
                          note="Initialled in Port Sal.", source_id=GAMMA,
                          quote="On 20 April 2025 the foreign ministers initialled the treaty in Port Sal")],
    "sticking_point_status": [dict(status_id="fx_sps_charter_25", point_id="fx_sp_charter", date="2025-05",
                                   status="withdrawn", note="Belor withdrew it.", source_id=GAMMA,
                                   quote="In May 2025 Belor withdrew its demand for a charter amendment in Arda")],
    "resolutions": [dict(resolution_id="fx_res_mandate", factor_id="fx_of_mandate", date="2025-02", kind="overtaken",
                         note="The observer group was dissolved.", source_id=GAMMA,
                         quote="so the dispute over observers no longer arises")],
}
PUBLICATION = dict(event_id="fx_ev_report", date="2025-06", kind="publication", tracks="treaty",
                   actors="danube_council", title="The Council publishes its final report",
                   description="On the talks.", key="false", source_id=GAMMA,
                   quote="The Council published its final report on the talks in June 2025")


def append(root, table: str, rows: list[dict]) -> None:
    path = root / "data" / f"{table}.csv"
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    with open(path, "a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([[row.get(name, "") for name in header] for row in rows])


def text_of(pdf) -> str:
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(re.sub("\u00ad\\s*", "", raw).split())


def section(html: str, ident: str) -> str:
    """The HTML of one top-level section, by id (up to the next section of the brief)."""
    return html.split(f'id="{ident}"', 1)[1].split('<section id="sec-', 1)[0]


def manifest(root, edition: str) -> dict:
    return json.loads((root / "reports" / edition / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def later(tmp_path_factory, built_default):
    """The fixture project built once (a copy of the shared default build), then again after the year of
    later events."""
    root = copy_built(built_default, tmp_path_factory.mktemp("later") / "project")
    shutil.copy2(LATER / "gamma.txt", root / "seeds" / "gamma.txt")
    for table, rows in ROWS.items():
        append(root, table, rows)
    brief_in_process(root, "validate")
    proc = brief_in_process(root, "build")
    return root, proc


def test_the_default_edition_moves_to_the_new_data(later):
    root, _ = later
    assert (root / "reports" / "latest.txt").read_text().strip() == "2025-06-30"  # from the data, not the clock
    assert manifest(root, "2025-06-30")["parameters"]["as_of"] == "2025-06-30"


def test_the_headline_figure_is_the_latest_and_says_what_it_replaces(later):
    root, _ = later
    html = (root / "reports" / "2025-06-30" / "armenia-azerbaijan-brief-2025-06-30.html").read_text(encoding="utf-8")
    front = " ".join(html.split("Bottom line", 1)[1].split('id="sec-what-changed"', 1)[0].split())
    assert re.search(r"15 of 15 articles.{0,200}replacing 12 of 15 articles \(Dec 2024\); 80% of the treaty",
                     front), front
    spec = progress_spec(root)
    assert "15 of 15 articles" in spec["title"]["text"][0] + " ".join(spec["title"]["text"][1:])


def progress_spec(root) -> dict:
    nb = json.loads((root / "reports" / "2025-06-30" / "notebooks" / "progress.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            for mime, data in output.get("data", {}).items():
                if mime.startswith("application/vnd.vegalite"):
                    return data
    raise AssertionError("no chart in progress.ipynb")


def test_no_overtaken_factor_is_shown_as_ahead(later):
    root, _ = later
    text = text_of(root / "reports" / "2025-06-30" / "armenia-azerbaijan-brief-2025-06-30.pdf")
    outlook = text.split("Outlook", 2)[-1].split("Indicators to watch", 1)[0]
    ahead, _, gone = outlook.partition("No longer ahead:")
    assert "The observer mandate" not in ahead and "The observer mandate — overtaken" in gone
    assert "Signing before the Harbour Summit" not in ahead  # its date passed long ago


def test_new_actor_status_and_kinds_appear_in_charts_tables_and_what_changed(later):
    root, _ = later
    edition = root / "reports" / "2025-06-30"
    html = (edition / "armenia-azerbaijan-brief-2025-06-30.html").read_text(encoding="utf-8")
    changed = section(html, "sec-what-changed")
    assert "Foreign ministers met in Port Sal, hosted by Ostia" in changed
    # The window (July 2024 to June 2025) starts after the treaty was last recorded in talks (Sep 2023).
    assert "Draft treaty: in talks (last recorded Sep 2023) → initialled" in changed
    for title in ("The Council dissolves its observer group", "Belor closes the transit road"):
        assert title in changed
    assert "Charter amendment in Arda: disputed → withdrawn" in changed  # disputed at the window's start
    chain = json.dumps(json.loads((edition / "notebooks" / "chain.ipynb").read_text(encoding="utf-8")))
    assert "Initialled" in chain  # the card's status, from the vocabulary's label
    cadence = json.dumps(json.loads((edition / "notebooks" / "cadence.ipynb").read_text(encoding="utf-8")))
    assert "Ostia" in cadence  # the host, in the chart's tooltips and the annex
    assert "Ostia" in section(html, "sec-glossary")  # and in the glossary


def test_transit_trend_turns_on_the_unilateral_measure(later):
    root, _ = later
    html = (root / "reports" / "2025-06-30" / "armenia-azerbaijan-brief-2025-06-30.html").read_text(encoding="utf-8")
    changed = " ".join(section(html, "sec-what-changed").split("<table", 1)[0].split())
    assert re.search(r"Transit</strong> ▼ deteriorated\. Setback: Belor closes the transit road", changed), changed


def test_stale_analyst_prose_is_listed_and_marked(later):
    root, proc = later
    stale = [line for line in proc.stderr.splitlines() if "stale" in line]
    assert any("brief.qmd:" in line and "fx_articles_2025" in line for line in stale), proc.stderr
    assert any("editions/2024-12.yml: headline" in line for line in stale), proc.stderr
    html = (root / "reports" / "2025-06-30" / "armenia-azerbaijan-brief-2025-06-30.html").read_text(encoding="utf-8")
    assert html.count("Needs review") >= 2
    record = manifest(root, "2025-06-30")
    assert record["stale_passages"] and all("stale" in m for m in record["stale_passages"])
    strict = run_brief(root, "build", "--strict", check=False)
    assert strict.returncode == 1 and "analyst passage(s) are stale" in strict.stderr


def test_an_edition_before_the_new_sources_neither_cites_nor_knows_them(later, tmp_path):
    """The brief as of 30 June 2024, built on the data with the year of later events: it cites neither the
    year-end review (published December 2024) nor the first-half review (2025) and says nothing learnt from
    them; its figure is the one known in June, from the field notes."""
    root = copy_built(later[0], tmp_path / "project")
    brief_in_process(root, "build", "-p", "as_of=2024-06-30", "--to", "pdf")
    text = text_of(root / "reports" / "2024-06-30" / "armenia-azerbaijan-brief-2024-06-30.pdf")
    assert "The brief as it could have been written on 30 June 2024" in text
    assert "Field notes (2024)" in text.split("Sources", 2)[-1]
    for learnt_later in ("First-half review", "Port Sal", "15 of 15", "Year-end review", "80% of the treaty",
                         "Summit of the Seas", "12 of 15", "observer mandate"):
        assert learnt_later not in text, learnt_later
    assert "30% of the treaty" in text


def test_a_one_table_edit_reexecutes_only_the_notebooks_that_read_it(later, tmp_path, monkeypatch):
    """The real notebooks' declared reads decide what runs again (the executor is the tests' fake: which
    notebooks it is asked to run is the point; test_notebooks checks the reads match the code)."""
    root = copy_built(later[0], tmp_path / "project")
    append(root, "events", [PUBLICATION])
    monkeypatch.setattr("brief.forkserver.prestart", lambda: None)  # no warm kernel parent for the fake
    _, executor, _ = build_with_fakes(root)
    readers = {p.stem for p in (root / "notebooks").glob("*.ipynb")
               if "events" in json.loads(p.read_text(encoding="utf-8"))["metadata"]["brief"]["reads"]}
    assert set(executor.calls) == readers and readers != set(manifest(root, "2025-06-30")["notebooks"])
    assert {name for name, state in manifest(root, "2025-06-30")["notebooks"].items() if state == "executed"} == readers
