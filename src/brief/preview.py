"""``brief preview``: build the HTML, serve it on localhost, rebuild on change, reload the page.

The watcher polls the project's inputs (:data:`brief.project.PROJECT_INPUTS`) and calls
the same incremental build as ``brief build`` (so a data edit re-executes only the notebooks
that read it). A failed build — bad data, a failing notebook — is shown in the page instead of
crashing the server; fixing the file recovers without a restart. The page polls ``/__version``
and reloads itself when a new build (or a new error) is ready.

The server listens on 127.0.0.1 only, answers only requests whose ``Host`` is localhost,
127.0.0.1 or [::1] (a web page elsewhere cannot reach it through DNS rebinding), closes a
connection that stays silent for ``READ_TIMEOUT`` seconds, and serves on a fixed pool of
``WORKERS`` threads, dropping connections beyond what the pool can queue.
"""

from __future__ import annotations

import errno
import html
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from .exceptions import BriefError, ParameterError
from .project import PROJECT_INPUTS

ALLOWED_HOSTS = ("localhost", "127.0.0.1", "[::1]")
READ_TIMEOUT = 10.0
WORKERS = 8
RELOAD_SCRIPT = """<script>
(function () {
  var seen = null;
  setInterval(function () {
    fetch("/__version", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (seen === null) { seen = v; } else if (v !== seen) { location.reload(); }
    }).catch(function () {});
  }, 700);
})();
</script>"""


def fingerprint(project_root: Path) -> tuple:
    """Cheap change detector over the watched inputs (names, sizes, modification times)."""
    entries = []
    for name in PROJECT_INPUTS:
        path = project_root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                stat = file.stat()
            except FileNotFoundError:
                continue
            entries.append((str(file.relative_to(project_root)), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class PreviewState:
    """What the server shows: the latest good HTML, or the latest error, and a version counter."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = 0
        self.html_path: Path | None = None
        self.error: str | None = None

    def publish(self, html_path: Path | None, error: str | None) -> None:
        with self.lock:
            self.version += 1
            self.html_path, self.error = (html_path, None) if error is None else (self.html_path, error)

    def page(self) -> bytes:
        with self.lock:
            error, path = self.error, self.html_path
        if error is not None:
            body = (f"<!doctype html><meta charset='utf-8'><title>brief preview: build failed</title>"
                    f"<body style='font-family:sans-serif;margin:2rem'><h1>The build failed</h1>"
                    f"<p>Fix the problem below and save; the page reloads by itself.</p>"
                    f"<pre id='brief-error' style='white-space:pre-wrap'>{html.escape(error)}</pre>"
                    f"{RELOAD_SCRIPT}</body>")
            return body.encode("utf-8")
        if path is None:
            return f"<!doctype html><meta charset='utf-8'><p>Building…</p>{RELOAD_SCRIPT}".encode()
        text = path.read_text(encoding="utf-8")
        cut = text.rfind("</body>")
        cut = cut if cut >= 0 else len(text)
        return (text[:cut] + RELOAD_SCRIPT + text[cut:]).encode("utf-8")


def _handler(state: PreviewState):
    class Handler(BaseHTTPRequestHandler):
        timeout = READ_TIMEOUT  # seconds a connection may stay silent before it is closed

        def do_GET(self):  # noqa: N802 (http.server's naming)
            if not allowed_host(self.headers.get("Host", "")):
                self.send_error(403, "brief preview answers only to localhost")  # DNS rebinding
                return
            if self.path.startswith("/__version"):
                body, kind = str(state.version).encode(), "text/plain"
            elif self.path in ("/", "/index.html"):
                body, kind = state.page(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the terminal for build progress
            pass

    return Handler


def allowed_host(header: str) -> bool:
    """The Host header names this machine's loopback (with any port): the allow-list against DNS rebinding."""
    host = header.strip().lower()
    name = host[: host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
    return name in ALLOWED_HOSTS


class PreviewServer(HTTPServer):
    """At most ``WORKERS`` requests served at once on a fixed pool; more waiting connections are closed."""

    request_queue_size = 64  # accept promptly, then drop what the pool cannot take

    def __init__(self, address, handler):
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="preview")
        self.slots = threading.BoundedSemaphore(WORKERS * 2)  # being served + waiting for a worker
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)  # overloaded: drop rather than pile up threads
            return
        self.pool.submit(self._serve_one, request, client_address)

    def _serve_one(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # one broken connection must not stop the server
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self.slots.release()

    def handle_error(self, request, client_address):
        pass  # timeouts and resets of idle clients are routine: keep the terminal for the build

    def server_close(self):
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


def open_server(host: str, port: int) -> PreviewServer:
    if not 0 <= port <= 65535:
        raise ParameterError(f"--port {port} is not a port number", "use a port between 1024 and 65535, e.g. 8765")
    try:
        return PreviewServer((host, port), None)
    except OSError as err:
        fix = "choose another with --port, e.g. --port 8766" if err.errno == errno.EADDRINUSE \
            else "choose another port with --port"
        raise ParameterError(f"cannot serve on {host}:{port}: {err.strerror}", fix) from None


def serve(*, project_root: Path, build_html: Callable[[], Path], host: str = "127.0.0.1", port: int = 8765,
          poll_seconds: float = 0.5, stop: threading.Event | None = None,
          echo: Callable[[str], None] = print) -> None:
    """Serve until ``stop`` is set (or Ctrl-C). ``build_html`` builds and returns the HTML path."""
    project_root = Path(project_root)
    stop = stop or threading.Event()
    state = PreviewState()
    server = open_server(host, port)
    server.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    echo(f"preview: serving http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")

    def rebuild():
        try:
            state.publish(build_html(), None)
            echo("preview: built; page reloads")
        except BriefError as err:
            state.publish(None, str(err))
            echo(f"preview: build failed (shown in the page):\n{err}")
        except Exception as err:  # a dev server reports bugs in the page rather than dying
            state.publish(None, f"internal error: {type(err).__name__}: {err}")
            echo(f"preview: internal error (shown in the page): {type(err).__name__}: {err}")

    seen = fingerprint(project_root)
    rebuild()
    try:
        while not stop.wait(poll_seconds):
            current = fingerprint(project_root)
            if current != seen:
                seen = current
                rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
