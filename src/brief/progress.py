"""Build progress: which notebooks run, are cached, done or failed, and the elapsed time.

On a terminal one status line is redrawn in place; otherwise (CI, a pipe, a log file) every
change is one plain line, so logs stay readable.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.started = time.monotonic()
        self.states: dict[str, str] = {}
        self.lock = threading.Lock()

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self.started:6.1f}s"

    def _clear(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")

    def notebook(self, name: str, state: str, seconds: float | None = None) -> None:
        with self.lock:
            self.states[name] = state if seconds is None else f"{state} {seconds:.1f}s"
            if self.live:
                summary = "  ".join(f"{n}: {s}" for n, s in self.states.items())
                self.stream.write(f"\r\033[K[{self._elapsed()}] {summary}")
                if state in ("done", "failed", "cached") and all(
                        s.split()[0] in ("done", "failed", "cached") for s in self.states.values()):
                    self.stream.write("\n")
            else:
                self.stream.write(f"[{self._elapsed()}] notebook {name}: {self.states[name]}\n")
            self.stream.flush()

    def line(self, text: str) -> None:
        with self.lock:
            self._clear()
            self.stream.write(f"[{self._elapsed()}] {text}\n")
            self.stream.flush()
