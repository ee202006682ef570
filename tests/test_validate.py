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

from .helpers import ROOT, cell, read_rows, set_cell, write_rows


def validate(root):
    result = CliRunner().invoke(main, ["validate"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


def test_shipped_data_is_valid(project):
    code, errors = validate(project)
    assert (code, errors) == (0, [])


def test_every_quote_is_found_in_its_cited_seed():
    from brief.checks import normalise_text

    tables, problems = check_dataset(ROOT / "data")
    assert problems == []
    seeds = {row["source_id"]: normalise_text((ROOT / row["path"]).read_text(encoding="utf-8"))
             for row in tables["sources"].rows}
    checked = 0
    for table in tables.values():
        for row in table.rows:
            if "quote" in row:
                assert normalise_text(row["quote"]) in seeds[row["source_id"]], (table.name, row)
                checked += 1
    assert checked > 80


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
     "data/progress.csv:3:value: a share of 140% is over 100% "
     "(write the percentage agreed, between 0 and 100)"),
    ("progress", 5, "value", "18",
     "data/progress.csv:5:value: articles agreed (18) exceed articles total (17) "
     "(check both figures against the source)"),
    ("progress", 2, "value", "forty",
     "data/progress.csv:2:value: 'forty' is not a valid number (write a number such as 40)"),
    ("meetings", 4, "format", "foreign_minister",
     "data/meetings.csv:4:format: unknown value 'foreign_minister' (did you mean 'foreign_ministers'? "
     "allowed: heads_of_state_government, foreign_ministers, deputy_prime_ministers, envoys)"),
    ("meetings", 5, "mediator", "united_state",
     "data/meetings.csv:5:mediator: unknown value 'united_state' (did you mean 'united_states'? allowed: "
     "bilateral, united_states, germany_eu, russia, osce_minsk_group, turkey, summit_host)"),
    ("meetings", 6, "place", "",
     "data/meetings.csv:6:place: a value is required (fill in place)"),
    ("meetings", 2, "source_id", "src_review_2042",
     "data/meetings.csv:2:source_id: unknown source_id 'src_review_2042' (not in sources.csv) "
     "(did you mean 'src_review_2024'?)"),
    ("chain_edges", 3, "to_node", "regional_rebalance",
     "data/chain_edges.csv:3:to_node: unknown node_id 'regional_rebalance' (not in chain_nodes.csv) "
     "(did you mean 'regional_rebalancing'?)"),
    ("sticking_point_status", 2, "point_id", "sp_nowhere",
     "data/sticking_point_status.csv:2:point_id: unknown point_id 'sp_nowhere' (not in "
     "sticking_points.csv) (add a row to sticking_points.csv first, or correct the reference)"),
])
def test_bad_value_is_reported_at_its_cell(project, table, line, field, value, expected):
    set_cell(project, table, line, field, value)
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == expected
    assert errors[-1] == "1 problem(s) found; nothing was built."


def test_duplicate_id_names_both_lines(project):
    set_cell(project, "meetings", 4, "meeting_id", cell(project, "meetings", 2, "meeting_id"))
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == ("data/meetings.csv:4:meeting_id: duplicate meeting_id 'mt_2024_02_munich' "
                         "(first on line 2) (give every row a unique meeting_id)")


def test_quote_not_in_source_is_reported_without_saying_how_much_matched(project):
    quote = cell(project, "progress", 2, "quote")
    set_cell(project, "progress", 2, "quote", quote.replace("40%", "45%"))
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == ("data/progress.csv:2:quote: quote not found in seeds/000_c4b033e143472301.txt "
                         "(copy the passage verbatim from the source)")


def test_typographic_quotes_and_dashes_and_spacing_are_normalised(project):
    quote = cell(project, "events", 2, "quote")  # contains a typographic apostrophe
    set_cell(project, "events", 2, "quote", "  " + quote.replace("’", "'").replace(" ", "  ") + " ")
    assert validate(project) == (0, [])


def test_cycle_in_dependency_chain(project):
    path = project / "data" / "chain_edges.csv"
    rows = read_rows(path)
    rows.append(["comprehensive_peace_deal", "framework_agreement", "enables", "test", rows[1][4], rows[1][5]])
    write_rows(path, rows)
    code, errors = validate(project)
    assert code == 1
    assert errors[0] == (f"data/chain_edges.csv:{len(rows)}:to_node: edge comprehensive_peace_deal → "
                         "framework_agreement closes a cycle: comprehensive_peace_deal → framework_agreement "
                         "→ comprehensive_peace_deal (the chain must be acyclic: remove or reverse one of these edges)")


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
    lines[2] = lines[2].replace(b"Berlin", b"Berl\xefn")  # Latin-1 i-diaeresis
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
    assert errors[0].startswith("data/meetings.csv:4:format: unknown value 'envoy'")


def test_cli_process_exits_1_without_traceback(project):
    set_cell(project, "meetings", 3, "track", "borders")
    proc = subprocess.run([sys.executable, "-m", "brief.cli", "validate"], capture_output=True,
                          text=True, cwd=project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("data/meetings.csv:3:track: unknown value 'borders' (did you mean 'border'?")


LINE = re.compile(r"^data/[a-z_]+\.(csv|json):\d+:[A-Za-z_+\-]+: .+ \(.+\)$", re.S)
TABLES = ["progress", "meetings", "events", "chain_edges", "chain_status", "sources"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(TABLES), row=st.integers(0, 6), col=st.integers(0, 9),
       value=st.text(max_size=12), mode=st.sampled_from(["cell", "drop_line", "bytes"]))
def test_random_corruption_gives_clean_errors(tmp_path_factory, table, row, col, value, mode):
    root = tmp_path_factory.mktemp("fuzz")
    for folder in ("data", "seeds"):  # all that validation reads
        shutil.copytree(ROOT / folder, root / folder)
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
