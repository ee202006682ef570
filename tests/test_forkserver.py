"""Kernels forked from a warm parent: fresh per notebook, stoppable, gone with the build, or ordinary."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from brief import forkserver
from brief.execute import NotebookSpec, execute

pytestmark = pytest.mark.slow

# What a kernel holds before the notebook's own code runs (the first cell after the parameters).
START = """
import sys
stale = sorted(m for m in sys.modules if m == "brief" or m.startswith("brief."))
warm = "pandas" in sys.modules  # imported by the warm parent, not by this notebook
"""
# What a notebook can find of an earlier notebook's doings, and where it comes from.
PROBE = """
import json, os
import pandas, brief
with open(f"/proc/{os.getppid()}/stat") as f:  # the kernel's parent is its monitor; the monitor's, the warm parent
    warm_parent = int(f.read().rsplit(")", 1)[1].split()[1])
print(json.dumps({
    "pid": os.getpid(), "warm_parent": warm_parent, "warm": warm, "stale_brief_modules": stale,
    "global": "LEAK" in globals(), "json_attribute": hasattr(json, "LEAKED"),
    "pandas_attribute": hasattr(pandas, "LEAKED"), "brief_attribute": hasattr(brief, "LEAKED"),
    "environment": "BRIEF_LEAK" in os.environ, "module": "leaked_module" in sys.modules,
    "loader": type(sys.modules["brief.dates"].__spec__.loader).__name__ if "brief.dates" in sys.modules else None,
}))
"""
LEAK = """
import json, os, sys, types
import pandas, brief, brief.dates
LEAK = "set by the first notebook"
json.LEAKED = pandas.LEAKED = brief.LEAKED = True
os.environ["BRIEF_LEAK"] = "1"
sys.modules["leaked_module"] = types.ModuleType("leaked_module")
"""


def run_async(coroutine):
    """``asyncio.run`` on a thread of its own: this one may hold the browser tests' event loop (playwright's
    sync API), whatever ran before."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def notebook(path: Path, *sources: str) -> NotebookSpec:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = None", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(textwrap.dedent(s)) for s in (START, *sources)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return NotebookSpec(path.stem, path, ("x",), ("meetings",))


def run_probe(root: Path, spec: NotebookSpec) -> dict:
    out = root / f"{spec.name}.out.ipynb"
    execute(spec, out, {}, root, failed_copy=root / "_failed" / out.name)
    nb = nbformat.read(out, as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture
def fresh_server(monkeypatch):
    """No warm parent left over from another test, and none left behind: for the tests about starting,
    replacing and stopping one."""
    monkeypatch.delenv(forkserver.DISABLE_VARIABLE, raising=False)
    forkserver.shutdown()
    yield
    forkserver.shutdown()


@pytest.fixture
def warm_parent(monkeypatch):
    """The warm parent this process's builds share, started if none runs. A kernel forked from it must
    not depend on what it served before, so these tests share it, as a build's notebooks do (starting
    one costs a CPU-second of imports)."""
    monkeypatch.delenv(forkserver.DISABLE_VARIABLE, raising=False)
    return forkserver.server()


def test_a_notebook_cannot_see_what_an_earlier_one_did(tmp_path, warm_parent):
    first = run_probe(tmp_path, notebook(tmp_path / "first.ipynb", LEAK, PROBE))
    second = run_probe(tmp_path, notebook(tmp_path / "second.ipynb", PROBE))

    parent = warm_parent.process.pid
    assert first["warm"] and second["warm"], "both kernels start with pandas already imported"
    assert first["warm_parent"] == second["warm_parent"] == parent, "both forked from the same warm parent"
    assert first["pid"] != second["pid"]
    assert first["global"] and first["pandas_attribute"] and first["environment"], "the first one did leak"
    leaks = {k: v for k, v in second.items() if k in (
        "global", "json_attribute", "pandas_attribute", "brief_attribute", "environment", "module") and v}
    assert leaks == {}, f"the second notebook saw the first one's state: {leaks}"
    assert first["stale_brief_modules"] == second["stale_brief_modules"] == [], \
        "a kernel imports the project's code from disk, never the warm parent's copy"
    assert first["loader"] == "_CompiledLoader", "with the parent's compilation of the unchanged files"


def test_the_warm_parent_runs_no_threads_of_its_libraries(tmp_path, warm_parent):
    probe = run_probe(tmp_path, notebook(tmp_path / "probe.ipynb", PROBE))  # the parent has imported everything
    tasks = Path(f"/proc/{probe['warm_parent']}/task")
    names = {(task / "comm").read_text().strip() for task in tasks.iterdir()}
    # vl-convert names its V8 and Tokio threads; OpenBLAS's pool (shut down around fork) keeps the process name
    assert len(names) == 1, f"threads of its libraries in the warm parent: {names}"


def test_a_notebook_runs_in_its_project_without_moving_the_process(tmp_path, warm_parent, monkeypatch):
    """A kernel starts in the project it belongs to, while the process's working directory stays where it
    is: builds of different projects in one process (`brief verify`, threads) must not swap kernels'
    directories."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    seen, running = set(), True

    def watch():
        while running:
            seen.add(os.getcwd())
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        spec = notebook(tmp_path / "where.ipynb", "import os; print(os.getcwd())")
        out = tmp_path / "where.out.ipynb"
        execute(spec, out, {}, tmp_path, failed_copy=tmp_path / "_failed" / out.name)
    finally:
        running = False
        watcher.join()
    assert nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"].strip() == str(tmp_path)
    assert seen == {str(elsewhere)}


def test_interrupt_and_kill_reach_a_forked_kernel(warm_parent):
    async def scenario():
        km = forkserver.ForkingKernelManager(kernel_name="python3")
        await km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"])
        assert isinstance(km.provisioner.process, forkserver.ForkedKernel)
        assert km.transport == "ipc" and Path(km.ip).parent == forkserver._sockets_dir(), "no TCP port to race for"
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        kc.execute("import time; time.sleep(120)")
        await asyncio.sleep(0.5)
        await km.interrupt_kernel()
        reply = await kc.get_shell_msg(timeout=30)
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        pid = km.provisioner.pid
        await km.shutdown_kernel(now=True)
        kc.stop_channels()
        return pid

    pid = run_async(scenario())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_forked_kernels_cpu_time_is_counted_to_the_build_like_an_ordinary_ones(fresh_server):
    """The warm parent waits for its kernels' monitors before it exits, so `time make test` or
    `time brief build` counts what the kernels used (else it went to init, uncounted)."""
    async def burn_a_cpu_second():
        km = forkserver.ForkingKernelManager(kernel_name="python3")
        await km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"])
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        kc.execute("import time\nt = time.process_time()\nwhile time.process_time() - t < 1: pass")
        await kc.get_shell_msg(timeout=60)
        await km.shutdown_kernel(now=True)
        kc.stop_channels()

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before = children_cpu()
    run_async(burn_a_cpu_second())
    warm_parent = forkserver.server().process.pid
    fields = Path(f"/proc/{warm_parent}/stat").read_text().rsplit(")", 1)[1].split()
    its_own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime: its imports
    forkserver.shutdown()
    assert children_cpu() - before - its_own >= 1.0


KILLED_BUILD = """
import asyncio, os, sys
from brief import forkserver
async def main():
    km = forkserver.ForkingKernelManager(kernel_name="python3")
    await km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"])
    print(km.provisioner.pid, forkserver.server().process.pid, flush=True)
    await asyncio.sleep(600)
asyncio.run(main())
"""


def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_killed_build_leaves_no_kernel_and_no_warm_parent(warm_parent):
    build = subprocess.Popen([sys.executable, "-c", KILLED_BUILD], stdout=subprocess.PIPE, text=True)
    kernel, parent = map(int, build.stdout.readline().split())
    build.kill()
    build.wait()
    assert gone(kernel, within=30), "the kernel outlived the build"
    assert gone(parent, within=30), "the warm parent outlived the build"


def test_the_warm_parent_is_replaced_when_the_package_changes(fresh_server, monkeypatch):
    first = forkserver.server()
    monkeypatch.setattr("brief.cache.package_digest", lambda: "changed")
    second = forkserver.server()
    assert second is not first and second.digest == "changed"
    assert first.process.poll() is not None, "the old parent was stopped"
    assert forkserver.server() is second


def test_an_ordinary_kernel_with_a_notice_when_the_warm_parent_cannot_start(tmp_path, fresh_server, monkeypatch,
                                                                           capsys):
    monkeypatch.setattr(forkserver, "_BOOT", "raise SystemExit(3)")
    monkeypatch.setattr(forkserver, "_noticed", set())
    probe = run_probe(tmp_path, notebook(tmp_path / "probe.ipynb", PROBE))
    assert not probe["warm"]
    notices = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert len(notices) == 1 and "the warm kernel parent failed" in notices[0], notices


# What a notebook can observe of the process it runs in.
SURROUNDINGS = """
import json, os, signal, sys
print(json.dumps({"path": sys.path, "cwd": os.getcwd(), "executable": sys.executable,
                  "argv0": os.path.basename(sys.argv[0]), "environment": sorted(os.environ),
                  "sigint": str(signal.getsignal(signal.SIGINT)), "sigchld": str(signal.getsignal(signal.SIGCHLD)),
                  "own_session": os.getsid(0) == os.getpid(), "main": sys.modules["__main__"].__name__}))
"""


def test_ordinary_kernels_with_a_notice_where_forking_is_off_and_a_forked_one_looks_the_same(
        tmp_path, warm_parent, monkeypatch, capsys):
    forked = run_probe(tmp_path, notebook(tmp_path / "forked.ipynb", SURROUNDINGS))
    monkeypatch.setenv(forkserver.DISABLE_VARIABLE, "0")
    monkeypatch.setattr(forkserver, "_noticed", set())
    first = run_probe(tmp_path, notebook(tmp_path / "first.ipynb", PROBE))
    ordinary = run_probe(tmp_path, notebook(tmp_path / "ordinary.ipynb", SURROUNDINGS))
    assert not first["warm"], "forking is off: an ordinary kernel, which imports pandas itself"
    notices = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert notices == ["note: notebook kernels start the ordinary way (BRIEF_FORK_KERNELS=0)"], "once, not per kernel"
    ordinary["environment"].remove(forkserver.DISABLE_VARIABLE)
    assert forked == ordinary, "from inside, a forked kernel is like an ordinary one"


def test_the_parents_compilation_is_used_only_for_a_file_whose_bytes_are_unchanged(monkeypatch):
    import inspect

    import brief.dates

    path = inspect.getsourcefile(brief.dates)
    codes = forkserver._compile_project()
    monkeypatch.setattr(forkserver._CompiledLoader, "codes", codes)
    loader = forkserver._CompiledLoader("brief.dates", path)
    source = Path(path).read_bytes()
    assert loader.source_to_code(source, path) is codes[path][1]
    edited = loader.source_to_code(source + b"\nEDITED_SINCE = 1\n", path)
    assert edited is not codes[path][1] and "EDITED_SINCE" in edited.co_names


def test_a_forked_kernel_writes_the_same_notebook_as_an_ordinary_one(project, warm_parent, monkeypatch):
    from brief.execute import inspect

    spec = inspect(project / "notebooks" / "cadence.ipynb", project)  # charts, tables and prose
    outputs = {}
    for mode in ("forked", "ordinary"):
        if mode == "ordinary":
            monkeypatch.setenv(forkserver.DISABLE_VARIABLE, "0")
        outputs[mode] = project / f"{mode}.ipynb"
        execute(spec, outputs[mode], {}, project, failed_copy=project / "_failed" / f"{mode}.ipynb")
    assert outputs["forked"].read_bytes() == outputs["ordinary"].read_bytes()
