"""The one ``<script>`` that loads Vega, Vega-Lite and vega-embed into an HTML brief.

Inlined once per page (no CDN), so the single-file HTML works offline; every chart's
``text/html`` output calls ``vegaEmbed`` and relies on it. Both engines include this tag.

Making it (``vl_convert.javascript_bundle``) takes about 1.5 s of CPU and holds the GIL, so it
is made once per process, kept in the project's cache per vl-convert version (it is the same
bytes for the same version), and :func:`prefetch` lets a build have it made by a separate
process while its notebooks run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path

# Writes the tag to argv[1] atomically (through argv[2]).
_MAKE = """import os, sys, vl_convert
open(sys.argv[2], "w", encoding="utf-8").write(f"<script>{vl_convert.javascript_bundle()}</script>\\n")
os.replace(sys.argv[2], sys.argv[1])"""

_lock = threading.Lock()
_tag: str | None = None
_cached: Path | None = None  # where this process's builds keep the tag
_making: subprocess.Popen | None = None


def cache_file(cache_dir: Path) -> Path:
    return Path(cache_dir) / "vega" / f"vl-convert-{version('vl-convert-python')}.html"


def prefetch(cache_dir: Path) -> None:
    """Have the tag ready in ``cache_dir`` by render time: start making it now unless it is there."""
    global _cached, _making
    with _lock:
        if _tag is not None or _making is not None:
            return
        _cached = cache_file(cache_dir)
        if _cached.is_file():
            return
        try:
            _cached.parent.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only project only loses the head start
            _cached = None
            return
        partial = _cached.with_name(f".{_cached.name}.{os.getpid()}.tmp")
        _making = subprocess.Popen([sys.executable, "-c", _MAKE, str(_cached), str(partial)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def vega_script_tag() -> str:
    global _tag, _making
    with _lock:
        if _tag is None:
            if _making is not None:
                _making.wait()
                _making = None
            if _cached is not None and _cached.is_file():
                _tag = _cached.read_text(encoding="utf-8")
            else:  # no prefetch, or it failed: make it here (and raise what goes wrong)
                import vl_convert

                # The bundle is JavaScript; "</script" cannot occur in it unescaped (checked by a test).
                _tag = f"<script>{vl_convert.javascript_bundle()}</script>\n"
        return _tag
