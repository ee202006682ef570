"""A problem found in the dataset: one line, ``<file>:<line>:<field>: <what> (<how to fix>)``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.field}: {self.message} ({self.fix})"
