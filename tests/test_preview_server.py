"""The preview server without a build: loopback Host allow-list, idle connections timed out, a bounded pool,
and a clear one-line error for a port that is taken or out of range."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time

import pytest

from brief import preview
from brief.exceptions import ParameterError


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(preview, "READ_TIMEOUT", 0.5)
    page = tmp_path / "brief.html"
    page.write_text("<html><body><p>PREVIEW-PAGE</p></body></html>", encoding="utf-8")
    stop, lines = threading.Event(), []
    thread = threading.Thread(target=preview.serve, kwargs=dict(
        project_root=tmp_path, build_html=lambda: page, port=0, stop=stop, poll_seconds=0.05, echo=lines.append))
    thread.start()
    deadline = time.monotonic() + 10
    while not any("serving" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.01)
    port = int(re.search(r":(\d+)/", next(line for line in lines if "serving" in line)).group(1))
    yield port
    stop.set()
    thread.join(10)


def get(port: int, host: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/", headers={"Host": host})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_loopback_names_are_served(server, host):
    status, body = get(server, f"{host}:{server}")
    assert status == 200 and "PREVIEW-PAGE" in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "", "localhost.:1"])
def test_other_host_names_are_refused_against_dns_rebinding(server, host):
    status, body = get(server, host)
    assert status == 403 and "PREVIEW-PAGE" not in body


def test_idle_connections_neither_pile_up_threads_nor_stay_open(server):
    before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", server)) for _ in range(60)]
    time.sleep(0.3)
    assert threading.active_count() - before <= preview.WORKERS
    time.sleep(2 * preview.READ_TIMEOUT + 0.5)
    closed = 0
    for sock in idle:
        sock.settimeout(2)
        try:
            closed += sock.recv(1) == b""
        except OSError:
            closed += 1
        sock.close()
    assert closed == len(idle)
    status, body = get(server, f"localhost:{server}")
    assert status == 200 and "PREVIEW-PAGE" in body


def test_port_in_use_and_out_of_range_are_one_line_errors():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ParameterError, match=rf"cannot serve on 127.0.0.1:{port}: Address already in use"):
            preview.open_server("127.0.0.1", port)
    with pytest.raises(ParameterError, match="--port 70000 is not a port number"):
        preview.open_server("127.0.0.1", 70000)
