"""`brief preview`'s watch-and-rebuild loop: a data edit rebuilds, bad data shows its error in the page, a fix
recovers — with the real server and build logic, and the fake executor and renderer."""

from __future__ import annotations

import http.client
import io
import re
import threading
import time

import pytest

from brief import preview
from brief.build import build
from brief.progress import Progress

from .helpers import FakeExecutor, FakeRenderer, make_tiny_project, set_cell


def fetch(port: int) -> str:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/")
        return conn.getresponse().read().decode("utf-8")
    except OSError:
        return ""


def wait_for(port: int, predicate, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = fetch(port)
        if predicate(page):
            return page
        time.sleep(0.05)
    raise AssertionError(f"page did not change as expected within {seconds}s; last page starts: {page[:300]!r}")


@pytest.fixture
def served(tmp_path, monkeypatch):
    root = make_tiny_project(tmp_path / "project")
    monkeypatch.chdir(root)
    monkeypatch.setattr("brief.forkserver.prestart", lambda: None)
    executor, renderer = FakeExecutor(), FakeRenderer()

    def build_html():
        return build(project_root=root, formats=("html",), out_root=root / ".brief-cache" / "preview",
                     executor=executor, renderer=renderer, progress=Progress(io.StringIO(), live=False)).outputs["html"]

    stop, lines = threading.Event(), []
    thread = threading.Thread(target=preview.serve, kwargs=dict(project_root=root, build_html=build_html, port=0,
                                                                stop=stop, poll_seconds=0.05, echo=lines.append))
    thread.start()
    deadline = time.monotonic() + 10
    while not any("serving" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.01)
    port = int(re.search(r":(\d+)/", next(line for line in lines if "serving" in line)).group(1))
    yield root, port, executor
    stop.set()
    thread.join(10)


def test_preview_rebuilds_after_a_data_edit_and_recovers_from_bad_data(served):
    root, port, executor = served
    first = wait_for(port, lambda p: p.startswith("html builtin "))
    assert "/__version" in first  # the live-reload hook is injected

    set_cell(root, "events", 3, "kind", "meeting")
    second = wait_for(port, lambda p: p.startswith("html builtin ") and p != first)
    assert executor.calls.count("alpha") == 2 and executor.calls.count("beta") == 1  # only the readers ran again

    set_cell(root, "events", 3, "kind", "summit")
    broken = wait_for(port, lambda p: "brief-error" in p)
    assert "data/events.csv:3:kind: unknown value &#x27;summit&#x27;" in broken

    set_cell(root, "events", 3, "kind", "meeting")
    assert wait_for(port, lambda p: p.startswith("html builtin ") and "brief-error" not in p) == second
    assert not list((root / "reports").iterdir())  # the preview never publishes into reports/
