"""Where the time goes as the data grows: ``python benchmarks/growth.py [FACTOR ...]`` (default 1 100).

For each factor, on a private copy of the project with that many times the fact rows (scale.py):
validation as a build does it (seconds, peak memory), then each notebook alone in a fresh process like the
floor (seconds, peak memory, and the project functions and library calls that took the most
time, cumulatively). Not part of ``make bench``: a tool for finding what to make windowed.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from benchmarks.floor import run_notebook  # noqa: E402
from benchmarks.scale import scale_dataset  # noqa: E402
from brief.project import copy_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHOWN = ("/brief/", "vl_convert", "typst", "frictionless")  # whose functions the report names
TOP = 8


def profile_notebook(path: Path) -> dict:
    """Run one notebook in this process under the profiler (call in a fresh process)."""
    import IPython.display

    IPython.display.display = lambda *objects, **options: None
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(run_notebook, path)
    seconds = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats
    own = sorted(((value[3], f"{Path(file).name}:{name}" if file != "~" else name)
                  for (file, _, name), value in stats.items() if any(s in file or s in name for s in SHOWN)),
                 reverse=True)
    return {"seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "top": [f"{name} {cumulative:.2f}s" for cumulative, name in own[:TOP]]}


def in_fresh_process(root: Path, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], cwd=root, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"growth: {' '.join(args)} failed in {root}:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def validate_here() -> dict:
    """Validate as a build does (leaving the stamp that lets the notebooks skip the checks)."""
    from brief.exceptions import DataError
    from brief.validate import validated_tables

    started = time.perf_counter()
    try:
        validated_tables(Path("data"))
        ok = True
    except DataError:
        ok = False
    return {"seconds": time.perf_counter() - started, "ok": ok,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def report(factor: int, base: Path) -> None:
    root = copy_inputs(ROOT, base / f"x{factor}")
    rows = sum(scale_dataset(root / "data", factor).values())
    check = in_fresh_process(root, "--validate")
    print(f"\n== data ×{factor}: {rows} rows; validate {check['seconds']:.2f}s, {check['peak_mib']:.0f} MiB"
          f"{'' if check['ok'] else ' (INVALID)'}")
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        result = in_fresh_process(root, "--notebook", str(path))
        print(f"  {path.stem:<12} {result['seconds']:6.2f}s {result['peak_mib']:5.0f} MiB  " + "; ".join(result["top"]))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--notebook"]:
        print(json.dumps(profile_notebook(Path(argv[1]))))
    elif argv[:1] == ["--validate"]:
        print(json.dumps(validate_here()))
    else:
        with tempfile.TemporaryDirectory(prefix="brief-growth-") as tmp:
            for factor in [int(a) for a in argv] or [1, 100]:
                report(factor, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
