"""Open a built HTML brief from disk in headless Chromium (Debian's), recording what a user would see."""

from __future__ import annotations

import json
import shutil
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium itself phones home, which this machine refuses.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
# A phone: playwright's touch screen and mobile viewport.
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# Every chart (if any) has drawn its SVG.
DRAWN = "[...document.querySelectorAll('.brief-chart')].every(c => c.querySelector('svg'))"


_shared: tuple | None = None  # (playwright, browser) once a test has used them


def shared_browser():
    """The one Chromium of the test session, started on first use (a launch costs about a CPU-second);
    conftest closes it after the session's last test. Each page gets a fresh browser context, so no
    cookies, storage or cache carry from one test to the next."""
    global _shared
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    if _shared is None:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            _shared = (playwright, playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS))
        except BaseException:
            playwright.stop()
            raise
    return _shared[1]


def close_shared_browser() -> None:
    global _shared
    if _shared is not None:
        (playwright, browser), _shared = _shared, None
        try:
            browser.close()
        finally:
            playwright.stop()


@contextmanager
def _page(html: Path, drawn: str, **context):
    """(page, log) for ``html`` opened from disk in a fresh context once ``drawn`` (JavaScript) holds; log
    collects console errors, page errors, dialogs and non-file network requests."""
    log = {"errors": [], "requests": [], "dialogs": []}
    browsing = shared_browser().new_context(**context)
    try:
        page = browsing.new_page()
        page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: log["errors"].append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:"))
                else log["requests"].append(r.url))
        page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
        page.goto(html.resolve().as_uri())
        page.wait_for_load_state("load")
        page.wait_for_function(drawn, timeout=20000)
        yield page, log
    finally:
        browsing.close()


@contextmanager
def open_page(html: Path, *, width: int = 1280, height: int = 900):
    """Yield (page, log) once the page has charts and every one is drawn."""
    with _page(html, "document.querySelectorAll('.brief-chart').length > 0 && "
                     "[...document.querySelectorAll('.brief-chart')].every(c => c.querySelector('svg, canvas'))",
               viewport={"width": width, "height": height}) as opened:
        yield opened


@contextmanager
def browser_page(html, **context):
    """(page, log) for ``html`` once every chart (if any) has drawn; ``context``: playwright's browser
    context options (e.g. PHONE). The page must log no error and request nothing off the machine."""
    with _page(html, DRAWN, **context) as (page, log):
        yield page, log
    assert log["errors"] == [] and log["requests"] == [], log


class SharedPages:
    """Pages opened once (per HTML and context options) and handed to each test that only reads them: a
    load of the brief costs about 2 CPU-seconds, most of it Vega drawing the charts.
    A test that changes the page (taps or hovers a chart, follows a link, emulates print) opens its own
    (``browser_page``). Reading tests may scroll (to screenshot a chart further down): each is handed the
    page scrolled back to the top, as it was loaded, so no test depends on which ran before it."""

    def __init__(self):
        self._opened = ExitStack()
        self._pages: dict[tuple[str, str], tuple] = {}

    @contextmanager
    def open(self, html: Path, **context):
        """(page, log) like ``browser_page``, from the shared page of ``html`` with ``context``."""
        key = (html.resolve().as_uri(), json.dumps(context, sort_keys=True))
        if key not in self._pages:
            self._pages[key] = self._opened.enter_context(_page(html, DRAWN, **context))
        page, log = self._pages[key]
        page.evaluate("window.scrollTo(0, 0)")
        # Nothing a reading test may do leaves the page elsewhere: no link followed, no other document.
        assert (page.url, page.evaluate("[scrollX, scrollY]")) == (key[0], [0, 0]), page.url
        yield page, log
        # The log holds everything since the load, so an error in loading fails every test that reads the page.
        assert log["errors"] == [] and log["requests"] == [] and log["dialogs"] == [], log

    def close(self) -> None:
        self._opened.close()
