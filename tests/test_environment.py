"""The environment is the lock file: `make` installs exactly what requirements.lock pins. The lock leaves
out rfc3987-syntax, which jsonschema would use to check the JSON Schema format "iri" and whose import
compiles 39 Lark grammars (1.3 CPU-seconds in every process that imports jsonschema: each `brief`
command, each build's warm kernel parent, JupyterLab). Nothing here checks that format."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

from .helpers import ROOT, copy_project

# Every package that validates with jsonschema here, and so whose schemas could ask for the format.
VALIDATING = ("frictionless", "nbformat", "altair", "jupyter_events", "jupyter_server", "jupyterlab_server")


def test_no_schema_of_a_validating_library_uses_the_iri_format():
    schemas = [p for package in VALIDATING for p in Path(find_spec(package).origin).parent.rglob("*")
               if p.suffix in (".json", ".yaml", ".yml")]
    assert len(schemas) > 20
    iri = [str(p) for p in schemas
           if re.search(r"""["']?format["']?\s*:\s*["']?iri""", p.read_text(encoding="utf-8", errors="replace"))]
    assert iri == []


def test_the_lock_leaves_out_the_iri_grammar_and_make_installs_only_what_it_pins():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert not re.search(r"^(rfc3987-syntax|lark)==", lock, re.M)
    recipe = subprocess.run(["make", "-n", "-s", "-C", str(ROOT), "VENV=/nonexistent", "/nonexistent/.installed"],
                            capture_output=True, text=True).stdout
    assert re.search(r"pip install .*--no-deps -r requirements\.lock", recipe), recipe


def test_a_brief_command_imports_jsonschema_without_compiling_grammars(tmp_path):
    root = copy_project(tmp_path / "project")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "brief.cli", "validate"], cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert {"jsonschema", "frictionless"} <= imported
    # Lark is what rfc3987-syntax compiles its grammars with (an import that fails is listed too, as
    # jsonschema's attempt at rfc3987_syntax is: rfc3987-syntax itself would import lark).
    assert not [name for name in imported if name.split(".")[0] == "lark"]
