"""Quarto's pre-render step for this project (_quarto.yml: project.pre-render).

Builds the requested edition with `brief build` (incremental) and fills _executed/ for the
embeds; see src/brief/quarto_prerender.py. Quarto may start it with any python3: it switches
to the project's .venv when the brief package is not importable.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

try:
    from brief.quarto_prerender import main
except ImportError:
    venv = ROOT / ".venv"
    if (venv / "bin" / "python").exists() and Path(sys.prefix) != venv:
        os.execv(venv / "bin" / "python", [str(venv / "bin" / "python"), __file__, *sys.argv[1:]])
    sys.exit(f"error: the brief package is not installed for {sys.executable} (run `make brief` first)")
sys.exit(main(ROOT))
