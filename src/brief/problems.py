"""A problem found in the dataset: one line, ``<file>:<line>:<field>: <what> (<how to fix>)``."""

from __future__ import annotations

from dataclasses import dataclass

from .text import shown


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        # One line whatever a quoted cell holds: newlines and control characters are escaped.
        return shown(f"{self.file}:{self.line}:{self.field}: {self.message} ({self.fix})", 10_000)
