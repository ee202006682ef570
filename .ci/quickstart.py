"""Run the README's quick start, verbatim, in a fresh clone: the README is the single source.

Usage: python3 .ci/quickstart.py [--keep DIR]
Clones this repository into an empty directory, runs every command of the README's
"## Quick start" shell block there in order, and checks that `make brief` left a PDF and an
HTML brief in reports/. Exits non-zero on the first failing command.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quickstart_commands(readme: Path) -> list[str]:
    text = readme.read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", text, re.S | re.M)
    if not section:
        raise SystemExit("README.md has no '## Quick start' section")
    block = re.search(r"```(?:sh|bash)\n(.*?)```", section.group(1), re.S)
    if not block:
        raise SystemExit("README.md's quick start has no ```sh block")
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def main() -> int:
    commands = quickstart_commands(ROOT / "README.md")
    workdir = Path(sys.argv[2]) if sys.argv[1:2] == ["--keep"] else Path(tempfile.mkdtemp(prefix="fresh-clone-"))
    clone = workdir / "brief"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    for command in commands:
        print(f"quickstart: $ {command}", flush=True)
        result = subprocess.run(command, shell=True, cwd=clone)
        if result.returncode != 0:
            print(f"quickstart: '{command}' failed with exit code {result.returncode}", flush=True)
            return result.returncode
        if command == "make brief":
            pdfs = sorted((clone / "reports").glob("*/*.pdf"))
            htmls = sorted((clone / "reports").glob("*/*.html"))
            if not pdfs or not htmls:
                print("quickstart: make brief left no PDF/HTML in reports/", flush=True)
                return 1
            print(f"quickstart: built {pdfs[0].relative_to(clone)} and {htmls[0].relative_to(clone)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
