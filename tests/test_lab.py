"""The notebooks in a real JupyterLab (started on 127.0.0.1 as `make lab` starts it), driven from Chromium:
each notebook opens with the project's kernel in notebooks/, runs all cells with its default parameters,
shows every chart (JupyterLab 4.6 renders Vega-Lite only up to v5, so a chart is its HTML output with the
static SVG), logs no console error, sends no request off the machine and never asks about Jupyter news.

One server and one browser page for all notebooks; each notebook is opened, run and closed through
JupyterLab's own command API (``window.jupyterapp``, exposed for the test), which resolves when every
cell has run, so the test waits on the kernel rather than on menus.
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from brief.contract import cell_label

from .browser import CHROMIUM, shared_browser
from .helpers import ROOT, command_line, copy_built, process_parents

pytestmark = [pytest.mark.jupyterlab, pytest.mark.browser, pytest.mark.slow]

# Requests that stay on the machine: the server itself (HTTP and the kernel's websocket) and in-page URLs.
LOCAL = re.compile(r"(https?|wss?)://127\.0\.0\.1[:/]|(data|blob|about):")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_settings(venv: Path) -> Path:
    """The settings defaults `make lab` writes into an environment (here a scratch one, so the test's own
    .venv is left alone): the folder JupyterLab reads them from."""
    settings = venv / "share" / "jupyter" / "lab" / "settings"
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), f"VENV={venv}", str(settings / "overrides.d" / "brief.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return settings


def test_make_lab_writes_the_settings_where_jupyterlab_reads_them(tmp_path):
    from jupyterlab.labapp import LabApp

    assert Path(LabApp().app_settings_dir) == Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    written = json.loads((lab_settings(tmp_path) / "overrides.d" / "brief.json").read_text(encoding="utf-8"))
    assert written == {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def lab_command(port: int, token: str, state: Path) -> list[str]:
    """`make lab`'s own command (as `make -n` prints it), plus a known token, a private settings/workspace
    folder (no state from the user's own JupyterLab) and the app exposed to the page."""
    venv = state / "venv"
    settings = lab_settings(venv)
    proc = subprocess.run(["make", "-s", "-n", "-C", str(ROOT), f"VENV={venv}", "-o", str(venv / ".installed"),
                           "-o", str(settings / "overrides.d" / "brief.json"), "lab"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    command = shlex.split(proc.stdout.replace("\\\n", " "))
    assert command[:2] == [str(venv / "bin" / "jupyter"), "lab"], command
    return [str(Path(sys.executable).parent / "jupyter"), *command[1:], "--no-browser", f"--port={port}",
            f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
            f"--LabApp.app_settings_dir={settings}", f"--LabApp.user_settings_dir={state / 'settings'}",
            f"--LabApp.workspaces_dir={state / 'workspaces'}"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, built_default):
    """JupyterLab on a project after `make brief` (a copy of the shared default build): its cache holds the
    charts' SVGs, which the notebooks' kernels then read instead of drawing them."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    base = tmp_path_factory.mktemp("lab")
    root = copy_built(built_default, base / "project")
    port, token = free_port(), secrets.token_hex(16)
    log = base / "jupyter.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(lab_command(port, token, base / "state"), cwd=root, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            proc.poll()
        if proc.returncode is not None:
            pytest.fail("jupyter lab did not start: " + log.read_text(errors="replace")[-1500:])
        yield url, token, root, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# Opens a notebook, runs all cells (the command resolves when the last cell has run) and reports, per
# code cell, its label, execution count, output MIME types and the chart SVG it shows; then shuts the
# kernel down and closes the panel without saving.
RUN_NOTEBOOK = """async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  const ran = await app.commands.execute('notebook:run-all-cells');
  const cells = panel.content.widgets.filter(c => c.model.type === 'code').map(c => {
    const svg = c.node.querySelector('.jp-OutputArea-output .brief-chart svg');
    const box = svg ? svg.getBoundingClientRect() : null;
    return {
      source: c.model.sharedModel.getSource(),
      count: c.model.executionCount,
      mimes: [...c.node.querySelectorAll('.jp-OutputArea-output')].map(o => o.dataset.mimeType || ''),
      outputs: c.model.outputs.length,
      chart: svg ? {width: box.width, height: box.height,
                    marks: svg.querySelectorAll('path, text, rect, line').length} : null,
    };
  });
  const first = panel.content.widgets.find(c => c.node.querySelector('.brief-chart svg'));
  if (first) first.node.querySelector('.brief-chart').scrollIntoView();
  return {ran, status: panel.sessionContext.session.kernel.status, cells};
}"""

CLOSE_NOTEBOOK = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  // Like a user, close only once the kernel has answered JupyterLab's debugger (control messages are
  // answered in order, so ours comes back after its); closing sooner logs "Could not restore the
  // debugger state". A forked kernel runs a notebook so fast that it can finish before the debugger
  // has asked: so ask, wait, and ask again, and whatever it sent meanwhile is answered before ours.
  const kernel = panel.sessionContext.session.kernel;
  await kernel.requestDebug({type: 'request', seq: 1, command: 'debugInfo', arguments: {}}).done;
  await new Promise(resolve => setTimeout(resolve, 500));
  await kernel.requestDebug({type: 'request', seq: 2, command: 'debugInfo', arguments: {}}).done;
  await panel.sessionContext.shutdown();
  panel.dispose();
}"""


def test_every_notebook_runs_in_jupyterlab_and_draws_its_charts(lab, artifacts):
    url, token, root, server = lab
    notebooks = sorted(p.name for p in (root / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 5
    errors, offsite = [], []
    browsing = shared_browser().new_context(viewport={"width": 1280, "height": 900})
    try:
        page = browsing.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("request", lambda r: None if LOCAL.match(r.url) else offsite.append(r.url))
        page.goto(f"{url}/lab?token={token}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.started", timeout=120000)
        page.evaluate("window.jupyterapp.restored")
        for name in notebooks:
            result = page.evaluate(RUN_NOTEBOOK, name)
            # As in `brief build`, the kernel is forked from a warm parent, not started the ordinary way.
            children = [command_line(p) for p, parent in process_parents().items() if parent == server]
            assert not [c for c in children if "ipykernel_launcher" in c], (name, children)
            assert [c for c in children if "brief.forkserver" in c], (name, children)
            # Screenshots for a human to look at (a third of a CPU-second each): of the notebooks that
            # draw charts, and of any notebook that fails its checks.
            shot = artifacts / f"lab-{Path(name).stem}.png"
            try:
                check_run(name, result)
            except AssertionError:
                page.screenshot(path=str(shot))
                raise
            if any(cell["chart"] for cell in result["cells"]):
                page.screenshot(path=str(shot))
            page.evaluate(CLOSE_NOTEBOOK)
        # JupyterLab asks at start-up unless the settings say never (shown within seconds, long gone by now).
        assert page.get_by_text("official Jupyter news").count() == 0, "JupyterLab asks about news"
    finally:
        browsing.close()
    assert errors == [], errors
    assert offsite == [], offsite


def check_run(name: str, result: dict) -> None:
    """Every code cell ran without an error output, every figure cell drew its chart, every other
    labelled cell showed its output."""
    assert result["ran"] is True and result["status"] == "idle", (name, result["ran"], result["status"])
    for cell in result["cells"]:
        label = cell_label(cell["source"]) or cell["source"].splitlines()[0]
        assert cell["count"], f"{name}: cell {label!r} did not run"
        assert "application/vnd.jupyter.stderr" not in cell["mimes"], f"{name}: cell {label!r} wrote an error"
        if label.startswith("fig-"):
            chart = cell["chart"]
            assert chart, f"{name}: {label} drew no chart (outputs: {cell['mimes']})"
            assert chart["width"] > 200 and chart["height"] > 100 and chart["marks"] > 10, (name, label, chart)
        elif cell_label(cell["source"]):
            assert cell["outputs"] and "text/markdown" in cell["mimes"], f"{name}: {label} showed nothing"
