"""Build progress: one redrawn line on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io

from brief.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress(out)
    progress.notebook("cadence", "running")
    progress.notebook("progress", "cached")
    progress.notebook("cadence", "done", 2.5)
    progress.line("rendering pdf")
    lines = out.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "notebook cadence: running", "notebook progress: cached", "notebook cadence: done 2.5s", "rendering pdf"]
    assert "\r" not in out.getvalue() and "\033" not in out.getvalue()


def test_one_redrawn_status_line_on_a_terminal():
    out = Terminal()
    progress = Progress(out)
    progress.notebook("cadence", "running")
    progress.notebook("chain", "running")
    progress.notebook("cadence", "failed")
    progress.notebook("chain", "done", 1.0)
    text = out.getvalue()
    assert text.count("\r\033[K") == 4  # every change redraws the same line
    assert text.rstrip("\n").rsplit("\r\033[K", 1)[1].endswith("cadence: failed  chain: done 1.0s")
    assert text.endswith("\n")  # the line is closed once every notebook has finished
