"""Limits that only real kernels can show: a notebook's time limit, and Ctrl-C that stops the kernels at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from .helpers import command_line, descendants, make_tiny_project, reports_digest, run_brief

pytestmark = pytest.mark.slow


def sleeping_project(root: Path) -> Path:
    make_tiny_project(root)
    path = root / "notebooks" / "alpha.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "#| label: alpha-summary\nimport time\ntime.sleep(120)"
    nbformat.write(nb, str(path))
    return root


def processes_in(root: Path) -> list[int]:
    """Processes whose working directory is ``root``: kernels run there."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if os.readlink(proc / "cwd") == str(root):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """Running, or stopped: not ended (a zombie has ended; only its exit status waits to be collected)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_notebook_over_its_time_limit_is_stopped_with_one_line(tmp_path):
    root = sleeping_project(tmp_path / "project")
    before = reports_digest(root)
    started = time.monotonic()
    proc = run_brief(root, "build", "--to", "pdf", "--timeout", "5", check=False)
    assert proc.returncode == 1 and time.monotonic() - started < 100
    error = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert error == ["error: notebook notebooks/alpha.ipynb did not finish within 5 s (the notebook as far as it "
                     "ran is kept at reports/_failed/alpha.ipynb; find the slow cell, or allow more time with "
                     "brief build --timeout SECONDS)"], proc.stderr
    assert reports_digest(root) == before
    # As far as it ran: every cell up to the slow one was run (the injected parameters too), and the
    # slow one has no output, for it never finished.
    kept = [c for c in nbformat.read(root / "reports" / "_failed" / "alpha.ipynb", as_version=4).cells
            if c.cell_type == "code"]
    assert [c.execution_count for c in kept] == list(range(1, len(kept) + 1)), kept
    assert any("injected-parameters" in c.metadata.get("tags", []) and 'as_of = "' in c.source for c in kept)
    assert "time.sleep(120)" in kept[-1].source and not kept[-1].outputs
    time.sleep(1)
    assert processes_in(root) == []


def test_ctrl_c_stops_the_kernels_at_once_and_publishes_nothing(tmp_path):
    root = sleeping_project(tmp_path / "project")
    before = reports_digest(root)
    proc = subprocess.Popen([sys.executable, "-m", "brief.cli", "build", "--to", "pdf"], cwd=root, text=True,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    for line in proc.stderr:
        if "alpha: running" in line:
            break
    time.sleep(3)  # the kernel is in its sleep
    assert processes_in(root), "no kernel is running"
    # The build's processes: the warm parent, the kernel it forked and the kernel's monitor.
    running = descendants(proc.pid)
    assert any("brief.forkserver" in command_line(pid) for pid in running), "no warm kernel parent"
    assert len(running) >= 3, "no forked kernel"
    interrupted = time.monotonic()
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    proc.wait(timeout=60)
    assert time.monotonic() - interrupted < 15
    assert proc.returncode == 130
    assert rest.strip().splitlines()[-1] == "interrupted: nothing was published; reports/ is as it was"
    time.sleep(1)
    assert processes_in(root) == []
    assert [pid for pid in running if alive(pid)] == [], \
        "a kernel, its monitor or the warm parent outlived Ctrl-C"
    assert reports_digest(root) == before
    assert not list((root / "reports").glob(".staging-*"))
