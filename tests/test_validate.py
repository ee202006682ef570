"""`brief validate`: every class of problem gives the exact file:line:field message and exit 1."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.cli import main
from brief.validate import check_dataset

from .helpers import FIXTURE, cell, read_rows, set_cell, write_rows


def validate(root):
    result = CliRunner().invoke(main, ["validate"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


def test_fixture_data_is_valid(project):
    code, errors = validate(project)
    assert (code, errors) == (0, [])


def test_every_quote_is_found_in_its_cited_seed(project):
    """The quote check itself, against an independent reading of the fixture's seeds."""
    from brief.checks import normalise_text

    tables, problems = check_dataset(project / "data")
    assert problems == []
    seeds = {row["source_id"]: normalise_text((project / row["path"]).read_text(encoding="utf-8"))
             for row in tables["sources"].rows}
    checked = 0
    for table in tables.values():
        for row in table.rows:
            if row.get("quote") and row.get("source_id") in seeds:
                for part in re.split(r"\s*…\s*", row["quote"]):
                    assert normalise_text(part) in seeds[row["source_id"]], (table.name, row)
                checked += 1
    assert checked > 40


@pytest.mark.parametrize(("table", "line", "field", "value", "expected"), [
    ("meetings", 3, "date", "2024-02-30",
     "data/meetings.csv:3:date: '2024-02-30' is an impossible date: February 2024 has 29 days "
     "(write a real calendar date, or a coarser YYYY-MM / YYYY)"),
    ("meetings", 2, "date", "2024-13",
     "data/meetings.csv:2:date: '2024-13' is an impossible date: there is no month 13 "
     "(write a real calendar date, or a coarser YYYY-MM / YYYY)"),
    ("events", 4, "date", "April 2024",
     "data/events.csv:4:date: 'April 2024' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD "
     "(write e.g. 2024-04-19, or 2024-04 / 2024 when the source is vaguer)"),
    ("progress", 3, "value", "140",
     "data/progress.csv:3:value: 140 is above the maximum of metric 'share' (100) "
     "(check the figure against the source)"),
    ("progress", 4, "value", "18",
     "data/progress.csv:4:value: 18 exceeds the total 15 (check both figures against the source)"),
    ("progress", 2, "value", "forty",
     "data/progress.csv:2:value: 'forty' is not a valid number (write a number such as 40)"),
    ("meetings", 4, "format", "minister",
     "data/meetings.csv:4:format: unknown format_id 'minister' (not in formats.csv) (did you mean 'ministers'?)"),
    ("meetings", 3, "mediators", "danube_counsil",
     "data/meetings.csv:3:mediators: unknown actor_id 'danube_counsil' (not in actors.csv) "
     "(did you mean 'danube_council'?)"),
    ("meetings", 2, "place", "",
     "data/meetings.csv:2:place: a value is required (fill in place)"),
    ("meetings", 2, "source_id", "src_alfa",
     "data/meetings.csv:2:source_id: unknown source_id 'src_alfa' (not in sources.csv) (did you mean 'src_alpha'?)"),
    ("chain_edges", 3, "to_node", "fx_n_treat",
     "data/chain_edges.csv:3:to_node: unknown node_id 'fx_n_treat' (not in chain_nodes.csv) "
     "(did you mean 'fx_n_treaty'?)"),
    ("events", 2, "tracks", "treaty;frontear",
     "data/events.csv:2:tracks: unknown track_id 'frontear' (not in tracks.csv) (did you mean 'frontier'?)"),
])
def test_bad_value_is_reported_at_its_cell(project, table, line, field, value, expected):
    set_cell(project, table, line, field, value)
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == expected
    assert errors[-1] == "1 problem(s) found; nothing was built."


def test_an_edit_is_checked_again_only_in_the_table_it_changed(project):
    """`brief preview` validates after every edit: frictionless reads again only the edited table, and
    finds what the edit broke."""
    from brief import checks

    checks._table_errors.cache_clear()  # earlier tests may have checked this very edit
    tables, _ = check_dataset(project / "data")
    assert checks._table_errors.cache_info().misses == len(tables)
    set_cell(project, "progress", 2, "value", "forty")
    _, problems = check_dataset(project / "data")
    assert checks._table_errors.cache_info().misses == len(tables) + 1
    assert [str(p) for p in problems] == ["data/progress.csv:2:value: 'forty' is not a valid number "
                                          "(write a number such as 40)"]


def test_duplicate_id_names_both_lines(project):
    set_cell(project, "meetings", 4, "meeting_id", cell(project, "meetings", 2, "meeting_id"))
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == ("data/meetings.csv:4:meeting_id: duplicate meeting_id 'fx_mt_colmar' "
                         "(first on line 2) (give every row a unique meeting_id)")


def test_quote_not_in_source_is_reported_without_saying_how_much_matched(project):
    quote = cell(project, "progress", 2, "quote")
    set_cell(project, "progress", 2, "quote", quote.replace("30%", "35%"))
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == ("data/progress.csv:2:quote: quote not found in seeds/alpha.txt "
                         "(copy the passage verbatim from the source ('…' may join passages that appear in this "
                         "order))")


def test_quote_passages_joined_by_an_ellipsis_must_appear_in_order(project):
    set_cell(project, "meetings", 2, "quote", "Colonia hosted the leaders … in Colmar in March 2024")
    assert validate(project) == (0, [])
    set_cell(project, "meetings", 2, "quote", "in Colmar in March 2024 … Colonia hosted the leaders")
    code, errors = validate(project)
    assert code == 1 and errors[0].startswith("data/meetings.csv:2:quote: quote not found in seeds/alpha.txt")


def test_typographic_quotes_and_dashes_and_spacing_are_normalised(project):
    quote = cell(project, "positions", 2, "quote")
    set_cell(project, "positions", 2, "quote", "  " + quote.replace("Colonia", "Colonia").replace(" ", "  ") + " ")
    assert validate(project) == (0, [])


def test_cycle_in_dependency_chain(project):
    path = project / "data" / "chain_edges.csv"
    rows = read_rows(path)
    rows.append(["fx_e_back", "2024-06", "", "fx_n_settlement", "fx_n_normal", "helps", "test", *rows[-1][7:]])
    write_rows(path, rows)
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == (f"data/chain_edges.csv:{len(rows)}:to_node: edge fx_n_settlement → fx_n_normal closes a "
                         "cycle: fx_n_settlement → fx_n_normal → fx_n_settlement (the chain must be acyclic: remove or "
                         "reverse one of these edges)")


def test_missing_and_unknown_columns(project):
    path = project / "data" / "meetings.csv"
    rows = read_rows(path)
    rows[0][rows[0].index("place")] = "plaec"
    write_rows(path, rows)
    code, errors = validate(project)
    assert code == 1
    assert errors[:2] == [
        "data/meetings.csv:1:place: missing column 'place' (add it to the header row)",
        "data/meetings.csv:1:plaec: unknown column 'plaec' (did you mean 'place'?)",
    ]


def test_non_utf8_file_names_the_line(project):
    path = project / "data" / "meetings.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Vell", b"V\xefll")  # Latin-1 i-diaeresis
    path.write_bytes(b"\n".join(lines))
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == ("data/meetings.csv:3:-: not valid UTF-8 (byte 0xef) "
                         "(save the file as UTF-8, e.g. 'CSV UTF-8' in a spreadsheet)")


def test_unreadable_file(project):
    (project / "data" / "outlook.csv").unlink()
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == ("data/outlook.csv:1:-: file is missing "
                         "(restore it (git checkout -- data/outlook.csv) or drop it from datapackage.json)")


def test_bom_and_windows_line_endings_are_accepted(project):
    path = project / "data" / "meetings.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert validate(project) == (0, [])


def test_line_numbers_count_physical_lines_with_multiline_cells(project):
    set_cell(project, "meetings", 2, "about", "first line\nsecond line")
    set_cell(project, "meetings", 3, "format", "envoy")
    code, errors = validate(project)
    assert errors[0].startswith("data/meetings.csv:4:format: unknown format_id 'envoy'")


@pytest.mark.slow  # seconds: edit loops (make test-fast) leave it to make test
def test_cli_process_exits_1_without_traceback(project):
    set_cell(project, "meetings", 3, "tracks", "frontiers")
    proc = subprocess.run([sys.executable, "-m", "brief.cli", "validate"], capture_output=True,
                          text=True, cwd=project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("data/meetings.csv:3:tracks: unknown track_id 'frontiers' (not in tracks.csv) "
                                  "(did you mean 'frontier'?)")


LINE = re.compile(r"^data/([a-z_]+/)?[a-z_]+\.(csv|json):\d+:[A-Za-z_+\-]+: .+ \(.+\)$", re.S)
TABLES = ["progress", "meetings", "events", "chain_edges", "chain_status", "sources"]


@pytest.mark.slow  # seconds: edit loops (make test-fast) leave it to make test
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(TABLES), row=st.integers(0, 6), col=st.integers(0, 9),
       value=st.text(max_size=12), mode=st.sampled_from(["cell", "drop_line", "bytes"]))
def test_random_corruption_gives_clean_errors(tmp_path_factory, table, row, col, value, mode):
    root = tmp_path_factory.mktemp("fuzz")
    for folder in ("data", "seeds"):  # all that validation reads (the fixture's, never the shipped data)
        shutil.copytree(FIXTURE / folder, root / folder)
    path = root / "data" / f"{table}.csv"
    if mode == "bytes":
        raw = path.read_bytes()
        cut = (row * 37) % len(raw)
        path.write_bytes(raw[:cut] + value.encode("utf-8", "surrogatepass")[:6] + b"\xff" + raw[cut:])
    else:
        rows = read_rows(path)
        target = 1 + row % (len(rows) - 1)
        if mode == "drop_line":
            del rows[target][col % len(rows[target])]
        else:
            rows[target][col % len(rows[target])] = value
        write_rows(path, rows)
    cwd = os.getcwd()
    try:
        os.chdir(root)  # problems name files relative to the working directory
        _, problems = check_dataset(root / "data")
    finally:
        os.chdir(cwd)
    for problem in problems:
        assert LINE.match(str(problem)), str(problem)
