"""`brief preview`: serves the HTML on loopback, rebuilds on a data edit, shows bad data in the page."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .helpers import set_cell

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(port: int, predicate, seconds: float = 240) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = fetch(port)
        if predicate(page):
            return page
        time.sleep(0.5)
    raise AssertionError(f"page did not change as expected within {seconds}s; last page starts: {page[:300]!r}")


def test_preview_rebuilds_after_a_data_edit_and_recovers_from_bad_data(project):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "brief.cli", "preview", "--port", str(port)], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = wait_for(port, lambda p: "vegaEmbed" in p)
        assert "/__version" in first  # the live-reload hook is injected
        assert "PREVIEW-MARKER-7" not in first

        set_cell(project, "meetings", 7, "about", "Talks on PREVIEW-MARKER-7 and the bilateral agenda.")
        wait_for(port, lambda p: "PREVIEW-MARKER-7" in p)

        set_cell(project, "meetings", 7, "format", "envoyz")
        broken = wait_for(port, lambda p: "brief-error" in p)
        assert "data/meetings.csv:7:format: unknown value &#x27;envoyz&#x27;" in broken
        assert proc.poll() is None  # the server survived the bad data

        set_cell(project, "meetings", 7, "format", "heads_of_state_government")
        wait_for(port, lambda p: "PREVIEW-MARKER-7" in p and "brief-error" not in p)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
