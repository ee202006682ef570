"""Fresh notebook kernels without paying interpreter start-up and heavy imports each time.

Every notebook still runs top to bottom in a new kernel process of its own. What the kernels
share is only what happens before any notebook code: one warm parent process per build (per
session for ``brief preview``) imports pandas, Altair, vl-convert and ipykernel, runs no
notebook or project code, and then only forks. A kernel is a copy-on-write fork of that
parent, so no notebook can see another's globals, module attributes or environment.

Processes::

    build ──control socket──▶ warm parent ──fork──▶ monitor ──fork──▶ kernel (own session)
      ▲                                               │
      └──────────── per-kernel socket: pid, exit status

* The warm parent is single-threaded when it forks (vl-convert starts its V8 and Tokio threads
  on the first conversion, which only kernels do; OpenBLAS's thread pool is shut down around
  ``fork`` by its own ``pthread_atfork`` handler). It exits when the build's end of the control
  socket closes, so a killed build leaves no parent behind.
* A monitor waits for its kernel and reports the exit status (the build is not the kernel's
  parent, so it cannot ``waitpid``); when the build's end of the per-kernel socket closes
  before the kernel ended (the build was killed), it kills the kernel's process group.
* The kernel starts its own session, like a jupyter_client kernel, so interrupt, terminate
  and kill reach it and its children through its process group.
* The project's own ``brief`` package is dropped from the kernel's ``sys.modules``, so a
  notebook imports the code as it is on disk now; the parent is restarted when the package
  changes (``brief preview`` keeps one across rebuilds).

Where forking is unavailable (not Linux, no ``os.pidfd_open``, a kernelspec that is not this
interpreter's ipykernel, ``BRIEF_FORK_KERNELS=0``) or the warm parent cannot start, the kernel
is an ordinary jupyter_client one and a one-line notice says so.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import gc
import hashlib
import importlib.machinery
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from types import CodeType

from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import CaselessStrEnum, DottedObjectName, Type

# Imported by the warm parent before it forks: what every notebook kernel needs anyway.
WARM_IMPORTS = ("numpy", "pandas", "altair", "vl_convert", "jsonschema", "ipykernel.kernelapp",
                "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.completer", "networkx", "yaml",
                "pydantic.main", "pydantic.types", "difflib")
DISABLE_VARIABLE = "BRIEF_FORK_KERNELS"
PACKAGE = __name__.split(".")[0]  # the project's own package: never kept across kernels
LAUNCHER = ("-m", "ipykernel_launcher")
START_TIMEOUT = 60.0  # seconds for the warm parent to import and fork, before falling back
_MESSAGE_LIMIT = 1 << 20
_CLOSE_WAIT = 1.0  # seconds a closing build waits for the warm parent to reap its monitors
# The warm parent's entry point; the control socket's descriptor number is its argument.
_BOOT = "import sys; from brief.forkserver import serve; serve(int(sys.argv[1]))"


# ---------------------------------------------------------------- the build's side


class ForkedKernel:
    """The ``subprocess.Popen`` subset jupyter_client uses, for a kernel forked by the warm parent."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, conn: socket.socket):
        self.pid, self.returncode, self._conn, self._buffer = pid, None, conn, b""

    def _read_status(self, timeout: float | None) -> None:
        self._conn.settimeout(timeout)
        try:
            while b"\n" not in self._buffer:
                chunk = self._conn.recv(256)
                if not chunk:  # the monitor is gone without a word: treat the kernel as killed
                    self._buffer += b'{"exit": -9}\n'
                self._buffer += chunk
        except (BlockingIOError, TimeoutError):
            return
        self.returncode = json.loads(self._buffer.split(b"\n", 1)[0])["exit"]
        self._conn.close()

    def poll(self) -> int | None:
        if self.returncode is None:
            self._read_status(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._read_status(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """The warm parent process, seen from the build: start it, ask it for kernels, stop it."""

    def __init__(self, digest: str):
        self.digest = digest
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # debugpy (imported with ipykernel) warns about frozen modules unless told not to; the
        # kernels themselves get exactly the environment jupyter_client gives them.
        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        with theirs:
            # Its own session: the terminal's Ctrl-C reaches the build, which stops the kernels.
            self.process = subprocess.Popen([sys.executable, "-c", _BOOT, str(theirs.fileno())],
                                            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
                                            start_new_session=True)
        self._lock = threading.Lock()

    def alive(self) -> bool:
        return self.process.poll() is None

    def launch(self, argv: list[str], env: dict, cwd: str) -> ForkedKernel:
        """Fork a kernel running ``argv`` (an ipykernel_launcher command line); OSError if it cannot."""
        ours, theirs = socket.socketpair()
        request = json.dumps({"argv": argv, "env": dict(env), "cwd": str(cwd)}).encode()
        with theirs, self._lock:
            socket.send_fds(self._control, [request], [theirs.fileno()])
        ours.settimeout(START_TIMEOUT)
        reply = b""
        try:
            while not reply.endswith(b"\n"):
                chunk = ours.recv(256)
                if not chunk:
                    raise ConnectionError("the warm parent exited before starting the kernel")
                reply += chunk
        except BaseException:
            ours.close()
            raise
        return ForkedKernel(json.loads(reply)["pid"], ours)

    def close(self) -> None:
        """Stop the warm parent. It holds no work, but it waits for the monitors of kernels that have
        ended, so their CPU time (and their kernels') is counted to this process like an ordinary
        kernel's; one still watching a running kernel (JupyterLab closing) is not waited for."""
        self._control.close()
        try:
            self.process.wait(timeout=_CLOSE_WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_lock = threading.Lock()
_server: ForkServer | None = None
_noticed: set[str] = set()


def unavailable_reason() -> str | None:
    """Why kernels cannot be forked here, or None when they can."""
    if os.environ.get(DISABLE_VARIABLE, "1") == "0":
        return f"{DISABLE_VARIABLE}=0"
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"):
        return f"forking a warm kernel parent is supported on Linux only (this is {sys.platform})"
    return None


def _notice(reason: str) -> None:
    """One line per reason and process: the build still works, only slower."""
    with _lock:
        if reason in _noticed:
            return
        _noticed.add(reason)
    print(f"note: notebook kernels start the ordinary way ({reason})", file=sys.stderr, flush=True)


def server() -> ForkServer | None:
    """The process's warm parent for the current package code, started if needed."""
    global _server
    if unavailable_reason():
        return None
    from .cache import package_digest

    digest = package_digest()
    with _lock:
        if _server is not None and (_server.digest != digest or not _server.alive()):
            _server.close()
            _server = None
        if _server is None:
            _server = ForkServer(digest)
        return _server


def prestart() -> None:
    """Start the warm parent now, so its imports overlap the build's own work."""
    server()


_sockets: Path | None = None


def _sockets_dir() -> Path:
    """This process's private directory for its kernels' sockets (short path: sockets allow ~100 bytes)."""
    global _sockets
    with _lock:
        if _sockets is None:
            _sockets = Path(tempfile.mkdtemp(prefix="brief-kernels-"))
        return _sockets


@atexit.register
def shutdown() -> None:
    global _server, _sockets
    with _lock:
        if _server is not None:
            _server.close()
            _server = None
        if _sockets is not None:
            shutil.rmtree(_sockets, ignore_errors=True)
            _sockets = None


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching through the warm parent when it can."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        reason = unavailable_reason()
        if reason is None and (os.path.abspath(cmd[0]) != os.path.abspath(sys.executable)
                               or tuple(cmd[1:3]) != LAUNCHER):
            reason = f"the python3 kernelspec runs {' '.join(cmd[:3])}, not this interpreter's ipykernel"
        if reason is None:
            env, cwd = kwargs.get("env") or os.environ, kwargs.get("cwd") or os.getcwd()
            try:  # in a thread: a JupyterLab server keeps serving while the warm parent imports
                process = await asyncio.get_running_loop().run_in_executor(None, lambda: server().launch(cmd, env, cwd))
            except (OSError, ValueError) as err:
                reason = f"the warm kernel parent failed: {err}"
        if reason is not None:
            _notice(reason)
            return await super().launch_kernel(cmd, **kwargs)
        self.process, self.pid, self.pgid = process, process.pid, process.pid
        self.cwd = kwargs.get("cwd") or Path.cwd()
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        await super().kill(restart)
        if isinstance(self.process, ForkedKernel):  # known dead at once, not at the next 0.1 s poll
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.get_running_loop().run_in_executor(None, self.process.wait, 2.0)

    async def wait(self) -> int | None:
        """As the base class, without its 0.1 s polling steps: the monitor reports the exit."""
        if isinstance(self.process, ForkedKernel):
            process, self.process = self.process, None
            return await asyncio.get_running_loop().run_in_executor(None, process.wait)
        return await super().wait()


class ReadyClient(AsyncKernelClient):
    """jupyter_client's client, told that the kernel is ready by the kernel rather than by fixed waits.

    The stock client waits up to 0.2 s for an IOPub message and then for 0.2 s of IOPub silence:
    idle time on every kernel start. Here the kernel is ready once it has answered kernel_info
    and IOPub is known to be connected: ipykernel greets each new subscriber ("iopub_welcome"),
    and the "idle" status after our request shows it too.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply" and await self._iopub_connected(request):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _iopub_connected(self, request: str) -> bool:
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=0.5)
            except Empty:
                return False  # subscribed too late for this request's status: ask again
            if msg["msg_type"] == "iopub_welcome" or (
                    msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == request
                    and msg["content"]["execution_state"] == "idle"):
                return True


class ForkingKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels are forked from the warm parent (papermill/nbclient).

    Kernels talk over Unix sockets in a private directory rather than TCP ports on 127.0.0.1:
    a port picked free can be taken by another process before the kernel binds it ("Address
    already in use" on a busy machine); a socket file in a directory of our own cannot.
    """

    client_class = DottedObjectName(f"{__name__}.ReadyClient")
    client_factory = Type(ReadyClient, klass=AsyncKernelClient)
    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc" if os.name == "posix" else "tcp", config=True)

    def _ip_default(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        return str(_sockets_dir() / f"kernel-{uuid.uuid4().hex[:12]}")

    kernel_env: dict[str, str] = {}  # added to every kernel's environment

    async def _async_pre_start_kernel(self, **kw):
        if self.kernel_env:
            kw["env"] = {**kw.get("env", os.environ), **self.kernel_env}
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


def papermill_options(**kernel_env: str) -> dict:
    """Keyword arguments for ``papermill.execute_notebook`` that fork kernels from the warm parent,
    with ``kernel_env`` added to their environment."""
    return {"kernel_manager_class": _manager_with(tuple(sorted(kernel_env.items())))}


@functools.cache
def _manager_with(kernel_env: tuple[tuple[str, str], ...]) -> type[ForkingKernelManager]:
    if not kernel_env:
        return ForkingKernelManager
    return type("ForkingKernelManager", (ForkingKernelManager,), {"kernel_env": dict(kernel_env)})


# ---------------------------------------------------------------- the warm parent's side


def serve(control_fd: int) -> None:
    """The warm parent: import, then fork one monitor (and kernel) per request until the build is gone."""
    control = socket.socket(fileno=control_fd)
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does: the working directory must not shadow imports
    environment = dict(os.environ)
    for name in WARM_IMPORTS:
        with contextlib.suppress(ImportError):  # the kernel imports (and reports) it itself
            __import__(name)
    _fill_library_caches()
    _CompiledLoader.codes = _compile_project()
    # What importing set in the environment (debugpy sets PYDEVD_USE_FRAME_EVAL): a kernel that
    # imported them itself would have it on top of the environment it was given.
    import_effects = {k: v for k, v in os.environ.items() if environment.get(k) != v}
    if threading.active_count() != 1:
        sys.exit(f"brief: the warm kernel parent would fork with threads running "
                 f"({', '.join(t.name for t in threading.enumerate())}); kernels start the ordinary way")
    # Out of the collector's reach: a collection in a kernel would otherwise touch, and so
    # copy, every page of the parent's heap it shares.
    gc.freeze()
    while True:
        message, fds, _, _ = socket.recv_fds(control, _MESSAGE_LIMIT, 1)
        while _reap_one():
            pass
        if not message:  # the build closed its end
            _reap_ended_monitors()
            os._exit(0)  # no interpreter teardown of everything imported: nothing is left to save
        conn = socket.socket(fileno=fds[0])
        request = json.loads(message)
        request["env"].update(import_effects)
        if os.fork() == 0:
            control.close()
            _monitor(conn, request)
        conn.close()


def _fill_library_caches() -> None:
    """Do once what every kernel's first chart and first model would: load Altair's Vega-Lite
    schema validator and find pydantic's plugins. Library state only, the same in every kernel;
    no vl-convert call (it would start threads)."""
    with contextlib.suppress(Exception):  # a kernel that needs them fills them itself
        import altair
        import pydantic

        altair.Chart(altair.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q").to_dict()

        class _Warm(pydantic.BaseModel):
            x: int


def _compile_project() -> dict[str, tuple[bytes, CodeType]]:
    """Every module of the project's package compiled, by path, with the hash of the bytes compiled.

    Python would keep these in __pycache__ (not when PYTHONDONTWRITEBYTECODE is set): a kernel
    uses them only for files whose bytes are still the same, as a hash-checked .pyc would be.
    """
    codes = {}
    for root in sys.modules[PACKAGE].__path__:
        for path in sorted(Path(root).rglob("*.py")):
            with contextlib.suppress(OSError, SyntaxError, ValueError):  # the kernel reports them itself
                data = path.read_bytes()
                codes[str(path)] = (hashlib.sha256(data).digest(), compile(data, str(path), "exec", dont_inherit=True))
    return codes


class _CompiledLoader(importlib.machinery.SourceFileLoader):
    """Python's source loader, taking the warm parent's compilation of a file whose bytes are unchanged."""

    codes: dict[str, tuple[bytes, CodeType]] = {}

    def source_to_code(self, data, path, *, _optimize=-1):
        known = self.codes.get(path)
        if known is not None and known[0] == hashlib.sha256(data).digest():
            return known[1]
        return super().source_to_code(data, path, _optimize=_optimize)


class _CompiledFinder:
    """Finds the project's modules where Python would, and loads them with :class:`_CompiledLoader`."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != PACKAGE and not name.startswith(PACKAGE + "."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and type(spec.loader) is importlib.machinery.SourceFileLoader:
            spec.loader = _CompiledLoader(spec.loader.name, spec.loader.path)
        return spec


def _reap_ended_monitors() -> None:
    """Wait for the monitors whose kernels have ended (a monitor reports and exits at once), for up
    to the time the build gives the warm parent to stop."""
    deadline = time.monotonic() + _CLOSE_WAIT / 2
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.005)
        except ChildProcessError:
            return


def _reap_one() -> bool:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return pid != 0


def _monitor(conn: socket.socket, request: dict) -> None:
    """Fork the kernel, report its pid, then its exit status; kill it if the build goes away."""
    try:
        ready_r, ready_w = os.pipe()
        pid = os.fork()
    except OSError:
        os._exit(1)  # the build reads end-of-file and starts an ordinary kernel
    if pid == 0:  # the kernel: its exit unwinds to the interpreter's, never into the lines below
        conn.close()
        os.close(ready_r)
        _become_kernel(request, ready_w)
    os.close(ready_w)
    os._exit(_watch(conn, pid, ready_r))


def _watch(conn: socket.socket, pid: int, ready_r: int) -> int:
    try:
        os.read(ready_r, 1)  # the kernel leads its own session (or died trying)
        os.close(ready_r)
        conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        exited = os.pidfd_open(pid)
        while True:
            ready, _, _ = select.select([exited, conn], [], [])
            if exited in ready:
                break
            if not conn.recv(256):  # the build is gone: the kernel must not outlive it
                _kill_group(pid)
                break
        _, status = os.waitpid(pid, 0)
        conn.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
    except OSError:
        _kill_group(pid)
        return 1
    return 0


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _become_kernel(request: dict, ready_w: int) -> None:
    """Turn this fresh fork into what ``python -m ipykernel_launcher …`` would have been."""
    os.setsid()
    os.write(ready_w, b".")
    os.close(ready_w)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]  # notebooks import the project's code as it is on disk now
    sys.meta_path.insert(0, _CompiledFinder)
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()  # fresh entropy, as a new process would have (random reseeds itself)
    import ipykernel_launcher
    from ipykernel import kernelapp

    # ipykernel read JPY_PARENT_PID when the parent imported it: name the parent (the monitor)
    # explicitly, so the kernel exits if it disappears, as it would with its jupyter_client parent.
    sys.argv = [ipykernel_launcher.__file__, *request["argv"][len(LAUNCHER) + 1:],
                f"--IPKernelApp.parent_handle={os.getppid()}"]
    kernelapp.launch_new_instance()
    sys.exit(0)  # unwinds to the interpreter's normal exit, never back into the parent's loop
