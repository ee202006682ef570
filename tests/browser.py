"""Open a built HTML brief from disk in headless Chromium (Debian's), recording what a user would see."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium itself phones home, which this machine refuses.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
# A phone: playwright's touch screen and mobile viewport.
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


@contextmanager
def open_page(html: Path, *, width: int = 1280, height: int = 900):
    """Yield (page, log): log collects console errors, page errors and non-file network requests."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    log = {"errors": [], "requests": [], "dialogs": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: log["errors"].append(str(e)))
            page.on("request", lambda r: log["requests"].append(r.url)
                    if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
            page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
            page.goto(html.resolve().as_uri())
            page.wait_for_load_state("load")
            page.wait_for_function("document.querySelectorAll('.brief-chart').length > 0 && "
                                   "[...document.querySelectorAll('.brief-chart')]"
                                   ".every(c => c.querySelector('svg, canvas'))", timeout=20000)
            yield page, log
        finally:
            browser.close()


@contextmanager
def browser_page(html, **context):
    """(page, log) for ``html`` opened from disk once every chart has drawn; ``context``: playwright's browser
    context options (e.g. PHONE); log as in open_page."""
    if not shutil.which("chromium"):
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    log = {"errors": [], "requests": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(**context).new_page()
            page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: log["errors"].append(str(e)))
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:"))
                    else log["requests"].append(r.url))
            page.goto(html.resolve().as_uri())
            page.wait_for_load_state("load")
            page.wait_for_function("[...document.querySelectorAll('.brief-chart')].every(c => c.querySelector('svg'))",
                                   timeout=20000)
            yield page, log
        finally:
            browser.close()
    assert log["errors"] == [] and log["requests"] == [], log
