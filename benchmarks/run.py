"""Benchmark `brief build` against a naive baseline, all measured in the same run (`make bench`).

Baseline: the same notebooks run one after another with the papermill CLI, then rendered.
Scenarios: cold build, no-op rebuild, rebuild after one edited row of meetings.csv, rebuild after
a parameter change; plus the floor (import the libraries and build every chart in one plain
Python process). Every figure is wall-clock seconds on a private copy of the project; ratios are
against the baseline of the same run. Peak memory is the largest resident set of any process
of the scenario (the build, or a notebook kernel).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from brief.project import copy_inputs

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOALS = {"cold build": 0.6, "no-op rebuild": 0.05, "one-row edit (meetings)": 0.5}

# Runs a command and reports its wall time and the peak RSS over it and all its descendants.
MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(json.dumps({"seconds": time.perf_counter() - t, "rc": rc,
                  "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

BASELINE_RENDER = """
import sys
from pathlib import Path

from brief.project import copy_inputs
import nbformat
from brief.contract import apply_cell_options
from brief.render import render_brief
executed = Path(sys.argv[1])
for path in executed.glob("*.ipynb"):
    nb = nbformat.read(path, as_version=4); apply_cell_options(nb); nbformat.write(nb, path)
render_brief(project_root=Path("."), executed_dir=executed, out_dir=executed / "out",
             metadata={"date": "2024-12-31", "as_of": "2024-12-31", "subtitle": "baseline", "edition": "baseline"})
"""

FLOOR = """
import altair, vl_convert
from brief import charts, nbout
ctx = nbout.setup()
p = ctx.params
for figure in (charts.progress_chart(ctx.ds, p), charts.cadence_timeline(ctx.ds, p),
               charts.cadence_counts(ctx.ds, p), charts.chain_chart(ctx.ds, p)):
    vl_convert.vegalite_to_svg(figure.chart.to_dict())
"""


def measure(cmd: list[str], cwd: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], cwd=cwd, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"benchmark command failed ({result['rc']}): {' '.join(cmd)} in {cwd}")
    return result


def fresh_project(base: Path, name: str) -> Path:
    return copy_inputs(ROOT, base / name)


def baseline(root: Path) -> dict:
    executed = root / "baseline"
    executed.mkdir()
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    script = root / "baseline.sh"
    lines = [f"{BIN / 'papermill'} --cwd {root} -k python3 --no-progress-bar -p as_of 2024-12-31 "
             f"{nb} {executed / nb.name}" for nb in notebooks]
    lines.append(f"{sys.executable} -c '{BASELINE_RENDER}' {executed}")
    script.write_text("set -e\n" + "\n".join(lines) + "\n")
    return measure(["bash", str(script)], root)


def executed_notebooks(root: Path) -> list[str]:
    latest = (root / "reports" / "latest.txt").read_text().strip()
    record = json.loads((root / "reports" / latest / "manifest.json").read_text())
    return sorted(n for n, s in record["notebooks"].items() if s == "executed")


def edit_one_meeting(root: Path) -> None:
    path = root / "data" / "meetings.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[2][rows[0].index("about")] += " (edited for the benchmark)"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def main() -> int:
    brief = str(BIN / "brief")
    with tempfile.TemporaryDirectory(prefix="brief-bench-") as tmp:
        base = Path(tmp)
        rows = [("baseline (papermill CLI, sequential, then render)", baseline(fresh_project(base, "baseline")), "")]
        root = fresh_project(base, "pipeline")
        rows.append(("cold build", measure([brief, "build"], root), ", ".join(executed_notebooks(root))))
        rows.append(("no-op rebuild", measure([brief, "build"], root), ", ".join(executed_notebooks(root)) or "none"))
        edit_one_meeting(root)
        rows.append(("one-row edit (meetings)", measure([brief, "build"], root),
                     ", ".join(executed_notebooks(root))))
        rows.append(("parameter change (period=month)", measure([brief, "build", "-p", "period=month"], root),
                     ", ".join(executed_notebooks(root))))
        rows.append(("floor: import + build every chart, one process",
                     measure([sys.executable, "-c", FLOOR], root), ""))
    base_seconds = rows[0][1]["seconds"]
    print(f"{'scenario':<52} {'seconds':>8} {'ratio':>7} {'goal':>7} {'peak MiB':>9}  notebooks executed")
    print("-" * 120)
    failed = False
    for name, result, notebooks in rows:
        ratio = result["seconds"] / base_seconds
        goal = GOALS.get(name)
        verdict = "" if goal is None else (f"≤{goal:.2f}" + (" ok" if ratio <= goal else " MISSED"))
        failed |= goal is not None and ratio > goal
        print(f"{name:<52} {result['seconds']:>8.2f} {ratio:>7.3f} {verdict:>7} "
              f"{result['peak_mib']:>9.0f}  {notebooks}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
