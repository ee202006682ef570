"""Every user error, met through the CLI: exit code 1 or 2 (70 is for bugs only), ONE line that says what
and how to fix it, nothing echoed from outside the project, and reports/ byte-identical afterwards.

The cases follow the classes of issue 15 (and a few more found on the way). They run the real CLI
in-process on a tiny synthetic project whose notebooks are "executed" by a fake executor, so each
case costs milliseconds; real kernels are exercised in test_build.py and test_hardening_real.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from brief.cli import main

from .helpers import FakeExecutor, FakeRenderer, make_tiny_project, read_rows, reports_digest, tree_digest, write_rows
from .test_safe_yaml import BOMB

SECRET = "TOPSECRET-do-not-print"
PASSWD_MARK = "root:"
EDITION = "2024-06-30"


def use_fakes(monkeypatch) -> None:
    monkeypatch.setattr("brief.execute.execute", FakeExecutor())
    monkeypatch.setattr("brief.render.render_brief", FakeRenderer())
    monkeypatch.setattr("brief.forkserver.prestart", lambda: None)


@pytest.fixture(scope="module")
def built_tiny(tmp_path_factory):
    """A tiny project with one published edition, built once with the fakes through the CLI. The built
    tree holds no absolute path (a copy is up to date where it lands), so each test gets a copy."""
    root = make_tiny_project(tmp_path_factory.mktemp("tiny") / "project")
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_fakes(monkeypatch)
        monkeypatch.chdir(root)
        assert CliRunner().invoke(main, ["build"]).exit_code == 0
    return root


@pytest.fixture
def tiny(built_tiny, tmp_path, monkeypatch):
    """A private copy of ``built_tiny`` as the working directory, the fakes in place for what the test runs."""
    use_fakes(monkeypatch)
    root = tmp_path / "project"
    # (the Vega bundle the build prefetches may still be being written: its partial file is not copied)
    shutil.copytree(built_tiny, root, symlinks=True, ignore=shutil.ignore_patterns(".*.tmp"))
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def brief(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr, result.stdout


def outside_the_cache(folder):
    """Every file under ``folder`` but the build's cache (a validation stamp may be written before a refusal)."""
    return {k: v for k, v in tree_digest(folder).items() if "/.brief-cache/" not in f"/{k}"}


# --------------------------------------------------------------------------- edits used by the cases


def descriptor(root, change):
    path = root / "data" / "datapackage.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def resource(name):
    return lambda data: next(r for r in data["resources"] if r["name"] == name)


def set_resource(name, key, value):
    return lambda root: descriptor(root, lambda d: resource(name)(d).__setitem__(key, value))


def set_cell(table, line, field, value):
    def edit(root):
        path = root / "data" / f"{table}.csv"
        rows = read_rows(path)
        rows[line - 1][rows[0].index(field)] = value
        write_rows(path, rows)
    return edit


def write(relpath, content: str | bytes):
    def edit(root):
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return edit


def symlink(relpath, target):
    def edit(root):
        path = root / relpath
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target if os.path.isabs(str(target)) else root.parent / target)
    return edit


def remove_events(root):
    descriptor(root, lambda d: d.__setitem__("resources", [r for r in d["resources"] if r["name"] != "events"]))


def many_rows(root):
    path = root / "data" / "events.csv"
    rows = read_rows(path)
    rows += [[f"ev_{i}", "2024-05", "talks", "src_a", "Talks resumed in Almaty in May 2024."] for i in range(6000)]
    write_rows(path, rows)


def nothing(root):
    pass


def edition_dir(kind):
    def edit(root):
        target = root / "reports" / EDITION
        if kind == "symlink":
            (root.parent / "elsewhere").mkdir()
            os.rename(target, root.parent / "elsewhere" / EDITION)
            target.symlink_to(root.parent / "elsewhere" / EDITION)
        else:
            (target / "manifest.json").unlink()
    return edit


def edit_all(*edits):
    def edit(root):
        for one in edits:
            one(root)
    return edit


# --------------------------------------------------------------------------- the cases

# (id, edit, argv, exit code, the message's first line as a regex)
CASES = [
    # 1. the project boundary
    ("resource path leaves data/", set_resource("events", "path", "../../../../etc/passwd"), ["validate"], 1,
     r"^data/datapackage\.json:\d+:resources\.events\.path: path '\.\./\.\./\.\./\.\./etc/passwd' lies "
     r"outside data/ \(.+\)$"),
    ("absolute resource path", set_resource("events", "path", "/etc/passwd"), ["validate"], 1,
     r"^data/datapackage\.json:\d+:resources\.events\.path: path '/etc/passwd' lies outside data/"),
    ("resource path outside, build", set_resource("events", "path", "../../secret.txt"), ["build"], 1,
     r"^error: 1 problem\(s\) in the dataset:$"),
    ("resource symlinked outside", symlink("data/events.csv", "/etc/passwd"), ["validate"], 1,
     r"^data/datapackage\.json:\d+:resources\.events\.path: path 'events\.csv' lies outside data/"),
    ("never-matching pattern on an outside file", edit_all(
        set_resource("events", "path", "/etc/passwd"),
        lambda root: descriptor(root, lambda d: resource("events")(d)["schema"]["fields"][0]["constraints"]
                                .__setitem__("pattern", "^$"))), ["validate"], 1, r"lies outside data/"),
    ("source without a local text", edit_all(set_cell("sources", 2, "path", ""),
                                             set_cell("sources", 2, "url", "https://example.org/report")),
     ["validate"], 1,
     r"^data/events\.csv:2:source_id: source src_a has no readable local copy, so its quotes cannot be checked"),
    ("whitespace-only quote", set_cell("events", 3, "quote", "   "), ["validate"], 1,
     r"^data/events\.csv:3:quote: the quote is empty \(copy the passage"),
    ("source path outside seeds/", set_cell("sources", 2, "path", "../secret.txt"), ["validate"], 1,
     r"^data/sources\.csv:2:path: path '\.\./secret\.txt' is not a file under seeds/"),
    ("seed symlinked outside", symlink("seeds/a.txt", "secret.txt"), ["validate"], 1,
     r"^data/sources\.csv:2:path: path 'seeds/a\.txt' is not a file under seeds/"),
    ("guessed quote: no hint of how much matched", set_cell("events", 2, "quote", "The two foreign ministers met in X"),
     ["validate"], 1, r"^data/events\.csv:2:quote: quote not found in seeds/a\.txt \(copy the passage verbatim"),
    ("edition file symlinked outside", edit_all(write("../outside.yml", "as_of: 2024-05-31\n"),
                                                symlink("editions/2024-05.yml", "outside.yml")),
     ["editions"], 2, r"^error: edition file 'editions/2024-05\.yml' lies outside the project"),
    ("a parameter that is a path", nothing, ["build", "-p", "as_of=../../etc"], 2,
     r"^error: parameter as_of: '\.\./\.\./etc' is not a date"),
    ("a date written with slashes", nothing, ["build", "-p", "since=2024/01/01"], 2,
     r"^error: parameter since: '2024/01/01' is not a date"),
    ("an edition that is a path", nothing, ["build", "--edition", "../outside"], 2,
     r"^error: '\.\./outside' is not a valid edition name"),
    ("an edition with a separator", nothing, ["build", "--edition", "a/b"], 2, r"^error: 'a/b' is not a valid edition"),
    ("a corrupted notebook is named before any kernel starts", write("notebooks/alpha.ipynb", '{"cells": ['),
     ["build", "-p", "period=month"], 1, r"^error: notebooks/alpha\.ipynb is not a readable notebook"),
    ("params file outside the project", nothing, ["build", "--params", "/etc/passwd"], 2,
     r"^error: parameters file '/etc/passwd' lies outside the project"),
    ("resource path with a NUL", set_resource("events", "path", "events.csv\x00.txt"), ["validate"], 1,
     r"^data/datapackage\.json:\d+:resources\.events\.path: 'path' must be one file name"),
    ("a resource that is not a CSV: its content is never echoed", edit_all(
        write("data/notes.txt", f"{SECRET} root:x:0:0\nmore\n"), set_resource("events", "path", "notes.txt")),
     ["validate"], 1, r"^data/notes\.txt:1:-: column 1 of the header is not a field name"),
    ("notebook symlinked outside", symlink("notebooks/alpha.ipynb", "secret.txt"), ["build", "-p", "period=month"],
     1, r"^error: notebook 'notebooks/alpha\.ipynb' lies outside the project"),
    ("brief.qmd symlinked outside", symlink("brief.qmd", "secret.txt"), ["build", "-p", "period=month"], 1,
     r"^error: file 'brief\.qmd' lies outside the project"),
    ("a pattern that backtracks exponentially", lambda root: descriptor(
        root, lambda d: resource("events")(d)["schema"]["fields"][0]["constraints"].__setitem__("pattern", "(a+)+$")),
     ["validate"], 1, r"^data/datapackage\.json:\d+:resources\.events\.schema\.fields\.event_id\.constraints\."
     r"pattern: the pattern cannot be checked in bounded time"),
    ("a constraint of the wrong type, refused by frictionless's own schema check", lambda root: descriptor(
        root, lambda d: resource("events")(d)["schema"]["fields"][0]["constraints"].__setitem__("maxLength", "ten")),
     ["validate"], 1, r"^data/datapackage\.json:\d+:resources\.events\.schema: 'ten' is not of type 'integer' at "
     r"property 'constraints/maxLength' \(correct data/datapackage\.json"),
    ("a bound that is no value of its field (frictionless would fail comparing it)", lambda root: descriptor(
        root, lambda d: resource("events")(d)["schema"]["fields"][0].update(type="integer",
                                                                            constraints={"minimum": "one"})),
     ["validate"], 1, r"^data/datapackage\.json:\d+:resources\.events\.schema\.fields\.event_id\.constraints\."
     r'minimum: "one" is not of type integer \(write a value the field itself could hold\)'),
    ("terminal escapes in a cell are printed escaped", set_cell("events", 2, "kind", "\x1b]0;pwned\x07meeting"),
     ["validate"], 1, r"^data/events\.csv:2:kind: unknown value '\\x1b\]0;pwned\\x07meeting'"),
    ("a bidirectional override in a cell", set_cell("sources", 2, "title", "A \u202ereport"), ["validate"], 1,
     r"^data/sources\.csv:2:title: contains the control character U\+202E"),
    # 3. every input counts
    ("seed edited", write("seeds/a.txt", "Something else."), ["build"], 1, r"^error: 3 problem\(s\) in the dataset:$"),
    # 5. bounded inputs
    ("alias bomb in --params", write("bomb.yml", BOMB), ["build", "--params", "bomb.yml"], 2,
     r"^error: bomb\.yml:2: aliases \(\*name\) are not allowed"),
    ("alias bomb in an edition", write("editions/bomb.yml", BOMB), ["editions"], 2,
     r"^error: editions/bomb\.yml:2: aliases \(\*name\) are not allowed"),
    ("alias bomb in an edition, other edition's build", write("editions/bomb.yml", BOMB),
     ["build", "--edition", "2024-05"], 2, r"^error: editions/bomb\.yml:2: aliases"),
    ("--params /dev/zero", nothing, ["build", "--params", "/dev/zero"], 2, r"^error: parameters file '/dev/zero' lies "
     r"outside the project"),
    ("huge params file", write("big.yml", "as_of: 2024-05-31\n" + "#" * 100_000), ["build", "--params", "big.yml"], 2,
     r"^error: big\.yml: \d+ bytes is larger than the 64 KiB allowed"),
    # 6. what the notebooks need, checked before any kernel
    ("window too long to draw", nothing, ["build", "-p", "since=1900-01-01"], 2,
     r"^error: the window since 1900-01-01 to as_of 2024-06-30 spans \d+ quarters; the brief can draw at most"),
    ("NUL in a text cell", set_cell("sources", 2, "title", "A\x00 report"), ["validate"], 1,
     r"^data/sources\.csv:2:title: contains the control character U\+0000 \(remove it"),
    ("ESC in a text cell", set_cell("sources", 2, "title", "A \x1b[31mreport"), ["validate"], 1,
     r"^data/sources\.csv:2:title: contains the control character U\+001B"),
    ("table too large to draw", many_rows, ["validate"], 1,
     r"^data/events\.csv:5002:-: 6003 rows is more than the 5000 the brief can draw"),
    ("a table the notebooks read is removed", remove_events, ["validate"], 1,
     r"^data/datapackage\.json:1:resources: notebooks/alpha\.ipynb reads the table 'events', which is not declared"),
    # 7. publishing
    ("symlinked edition folder", edition_dir("symlink"), ["build", "-p", "period=month"], 1,
     r"^error: .*reports/2024-06-30 is a symbolic link \(brief publishes only into real folders"),
    ("foreign edition folder", edition_dir("foreign"), ["build", "-p", "period=month"], 1,
     r"^error: .*reports/2024-06-30 exists but is not an edition published by brief"),
    ("verify outside reports/", nothing, ["verify", "--edition", "../../somewhere"], 2,
     r"^error: '\.\./\.\./somewhere' is not a valid edition name"),
    # 8. user errors that were internal errors
    ("params file not UTF-8", write("p.yml", b"as_of: 2024-05-31\nperiod: m\xe9\n"), ["build", "--params", "p.yml"], 2,
     r"^error: p\.yml:2: not valid UTF-8 \(byte 0xe9\)"),
    ("params key YAML reads as a boolean", write("p.yml", "on: 2024-05-31\n"), ["build", "--params", "p.yml"], 2,
     r"^error: unknown parameter 'on'"),
    ("params file with an impossible date", write("p.yml", "as_of: 2024-02-30\n"), ["build", "--params", "p.yml"], 2,
     r"^error: parameter as_of: '2024-02-30' is not a real date"),
    ("edition file not UTF-8", write("editions/bad.yml", b"as_of: 2024-05-31\ntitle: caf\xe9\n"), ["editions"], 2,
     r"^error: editions/bad\.yml:2: not valid UTF-8"),
    ("edition file is a directory", lambda root: (root / "editions" / "dir.yml").mkdir(), ["editions"], 2,
     r"^error: editions/dir\.yml: not a regular file"),
    ("edition file is a dangling symlink", symlink("editions/gone.yml", "project/editions/missing.yml"), ["editions"],
     2, r"^error: cannot read edition file editions/gone\.yml: No such file or directory"),
    ("NUL in an edition title", write("editions/nul.yml", 'title: "a\\0b"\nas_of: 2024-05-31\n'), ["editions"], 2,
     r"^error: editions/nul\.yml: a value contains a control character"),
    ("seed not UTF-8", write("seeds/a.txt", b"The two foreign ministers met in Gen\xe8ve"), ["validate"], 1,
     r"^data/sources\.csv:2:path: seeds/a\.txt is not valid UTF-8 \(byte 0xe8\)"),
    ("datapackage nested too deeply", write("data/datapackage.json", "[" * 100_000 + "]" * 100_000), ["validate"], 1,
     r"^data/datapackage\.json:1:-: the schema is nested too deeply"),
    ("schema is a string", set_resource("events", "schema", "events.schema.json"), ["validate"], 1,
     r"^data/datapackage\.json:\d+:resources\.events\.schema: 'schema' must be an object"),
    ("path is a list", set_resource("events", "path", ["a.csv", "b.csv"]), ["validate"], 1,
     r"^data/datapackage\.json:\d+:resources\.events\.path: 'path' must be one file name"),
    ("resources is a mapping", lambda root: descriptor(root, lambda d: d.__setitem__("resources", {"a": 1})),
     ["validate"], 1, r"^data/datapackage\.json:1:resources: 'resources' must be a non-empty list"),
    ("manifest without outputs", lambda root: (root / "reports" / EDITION / "manifest.json").write_text("{}"),
     ["verify"], 1, r"^error: no manifest in reports/2024-06-30"),
    # 9. smaller
    ("edition name with a trailing newline", nothing, ["build", "--edition", "2024-05\n"], 2,
     r"^error: '2024-05\\n' is not a valid edition name"),
    ("a date YAML and ISO read differently in an edition", write("editions/week.yml", "as_of: 2024-W26-7\n"),
     ["editions"], 2, r"^error: editions/week\.yml: parameter as_of: '2024-W26-7' is not a date"),
    ("a compact date in an edition", write("editions/compact.yml", "as_of: '20240630'\n"), ["editions"], 2,
     r"^error: editions/compact\.yml: parameter as_of: '20240630' is not a date"),
    ("as_of in year 1", nothing, ["build", "-p", "as_of=0001-01-01"], 2, r"^error: parameter as_of: "),
    ("--jobs 0", nothing, ["build", "--jobs", "0"], 2, r"^error: --jobs 0 is not a positive number"),
    # more found on the way
    ("--timeout 0", nothing, ["build", "--timeout", "0"], 2, r"^error: --timeout 0 is not a positive number"),
    ("--to docx", nothing, ["build", "--to", "docx"], 2, r"^error: unknown output format 'docx'"),
    ("--engine unknown", nothing, ["build", "--engine", "latex"], 2,
     r"^error: Invalid value for '--engine': 'latex' is not one of 'builtin', 'quarto'\. \(see `.* build --help`\)"),
    ("-p without =", nothing, ["build", "-p", "as_of"], 2, r"^error: parameter 'as_of' is not NAME=VALUE"),
    ("--since-edition with a path", nothing, ["build", "--since-edition", "../x"], 2,
     r"^error: '\.\./x' is not a valid edition name"),
    ("unknown edition", nothing, ["build", "--edition", "2024-13"], 2, r"^error: no edition named '2024-13'"),
    ("verify before any build", lambda root: (root / "reports" / "latest.txt").unlink(), ["verify"], 1,
     r"^error: no edition has been built yet \(run `brief build` first\)"),
]


@pytest.mark.parametrize(("edit", "argv", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_user_error_is_one_line_with_a_fix_and_reports_stay_intact(tiny, edit, argv, code, message):
    edit(tiny)
    before = reports_digest(tiny)
    around = outside_the_cache(tiny.parent)
    exit_code, stderr, stdout = brief(*argv)
    lines = stderr.strip().splitlines()
    assert exit_code == code, stderr
    assert lines and re.search(message, lines[0]), stderr
    if argv[0] == "validate":  # one line per problem, then the count
        assert lines[-1].endswith("problem(s) found; nothing was built."), stderr
        assert all(re.match(r"^[^ ]+:\d+:[^ ]+: .+ \(.+\)$", line) for line in lines[:-1]), stderr
    elif not lines[0].endswith("problem(s) in the dataset:"):
        assert len(lines) == 1 and lines[0].endswith(")"), stderr  # the fix, in parentheses
    assert "internal error" not in stderr and "Traceback" not in stderr
    assert "\x1b" not in stderr and "\x00" not in stderr and "\u202e" not in stderr
    assert SECRET not in stderr + stdout and PASSWD_MARK not in stderr + stdout
    assert reports_digest(tiny) == before
    assert outside_the_cache(tiny.parent) == around  # nothing written anywhere else either


def test_the_cases_cover_every_class():
    # Classes 2 and 4 (decided under the lock; verified cache entries and stamps) have no CLI message
    # of their own: they are tested in test_build_logic.py.
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


def test_brief_works_from_inside_the_project_and_refuses_outside_it(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tiny / "data")
    code, stderr, _ = brief("build")
    assert code == 0 and "up to date" in stderr
    monkeypatch.chdir(tmp_path)
    code, stderr, _ = brief("build")
    assert code == 2 and stderr.startswith("error: no brief project in ")


def _read_only(path: Path):
    """Make ``path`` read-only for this process: a read-only bind mount, else permission bits."""
    if subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode == 0:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], check=True)
        return lambda: subprocess.run(["umount", str(path)], check=True)
    path.chmod(0o555)
    return lambda: path.chmod(0o755)


def test_read_only_reports(tiny):
    undo = _read_only(tiny / "reports")
    try:
        before = reports_digest(tiny)
        code, stderr, _ = brief("build")  # no-op: answered from the manifest
        assert code == 0 and "up to date" in stderr
        code, stderr, _ = brief("build", "-p", "period=month")
        if os.access(tiny / "reports", os.W_OK):  # root without mount rights: nothing is read-only
            assert code == 0
        else:
            assert code == 1 and stderr.startswith("error: could not write ") and len(stderr.splitlines()) == 1
            assert reports_digest(tiny) == before
    finally:
        undo()


def test_preview_port_taken_or_out_of_range(tiny):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, stderr, _ = brief("preview", "--port", str(taken.getsockname()[1]))
    assert code == 2 and re.match(r"^error: cannot serve on 127\.0\.0\.1:\d+: Address already in use \(", stderr)
    code, stderr, _ = brief("preview", "--port", "70000")
    assert code == 2 and stderr.startswith("error: --port 70000 is not a port number")


def test_verify_copies_links_as_links_so_a_link_added_after_the_build_is_refused_not_read(tiny):
    (tiny / "data" / "events.csv").unlink()
    (tiny / "data" / "events.csv").symlink_to(tiny.parent / "secret.txt")
    code, stderr, stdout = brief("verify")
    assert code == 1 and "lies outside data/" in stderr
    assert SECRET not in stderr + stdout


def test_parameters_reach_the_kernel_as_literals_whatever_they_hold():
    """Edition titles and notes come from contributors; papermill writes them into the parameters cell."""
    import ast

    from papermill.translators import PythonTranslator

    hostile = {"title": 'x"); import os; os.system("touch /tmp/pwned"); ("', "notes": "a\\\" \n\u2028 '''",
               "nested": {"k\"ey": ["\\", "\")"]}}
    code = PythonTranslator.codify(hostile)
    for node in ast.parse(code).body:  # only assignments of literals: nothing that could run
        assert isinstance(node, ast.Assign)
        assert all(isinstance(n, ast.Constant | ast.Dict | ast.List | ast.expr_context) for n in ast.walk(node.value))
    namespace: dict = {}
    exec(compile(code, "parameters", "exec"), {}, namespace)  # noqa: S102 (the point: it is only data)
    assert namespace == hostile
