"""One exception family. Every message says what failed, where, and how to fix it."""

from __future__ import annotations


class BriefError(Exception):
    """Base class: ``str(err)`` is the one readable line (or block) shown to the user."""

    exit_code = 1

    def __init__(self, message: str, fix: str | None = None):
        self.message = message
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class DataError(BriefError):
    """The dataset in data/ failed validation; ``problems`` holds one line per problem."""

    def __init__(self, problems: list):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(
            f"{len(problems)} problem(s) in the dataset:\n{lines}",
            "fix the rows above, then run `brief validate`",
        )


class ParameterError(BriefError):
    """A build parameter is unknown, malformed or inconsistent."""

    exit_code = 2


class NotebookError(BriefError):
    """A notebook failed while executing."""


class RenderError(BriefError):
    """pandoc, Typst or Quarto failed to render the brief."""


class EditionError(BriefError):
    """An edition file is malformed or unknown."""

    exit_code = 2


class UsageError(BriefError):
    """A command run where it cannot work (outside a project) or asked for something impossible."""

    exit_code = 2
