"""Publishing into ``reports/``: the per-edition lock, staging, the directory exchange, atomic writes.

Safety: an exclusive lock on ``reports/.<edition>.lock`` serialises builds of one edition (a
second one waits, with a message); work happens in ``reports/.staging-<edition>-*``; publishing
is one atomic directory exchange (Linux ``renameat2(RENAME_EXCHANGE)``, two renames elsewhere),
so a failed, interrupted or killed build leaves the previous edition byte-for-byte intact. What
is left behind by killed builds is removed by the next build of that edition, under its lock.

Every file written outside staging (``latest.txt``, cache entries, stamps) goes through
:func:`atomic_write`. Published files and folders are readable by others as the user's umask
allows (0644/0755 under the usual 022), never the 0600/0700 of temporary files.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .exceptions import BriefError
from .project import display_path

LATEST = "latest.txt"


def _read_umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no /proc: read it the only other way (safe here: import time, one thread)
    os.umask(mask)
    return mask


UMASK = _read_umask()
FILE_MODE = 0o666 & ~UMASK
DIR_MODE = 0o777 & ~UMASK


def write_error(err: OSError, path: Path | str) -> BriefError:
    """An OSError while writing, as one line with the fix (disk full or not writable)."""
    full = err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    where = display_path(Path(err.filename)) if isinstance(err.filename, str) else display_path(Path(path))
    return BriefError(f"could not write {where}: {err.strerror or err}",
                      "free some disk space and build again" if full else "check that the directory is writable")


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` all at once: a unique temporary file, fsync, rename.

    Readers see the old content or the new one, never a mix; concurrent writers never share
    a temporary name. The file gets the usual mode for new files (0666 minus the umask).
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class EditionLock:
    """Exclusive lock on one edition in reports/: a second build of it waits, with a message."""

    def __init__(self, reports: Path, edition: str, notice: Callable[[str], None]):
        self.path, self.notice = Path(reports) / f".{edition}.lock", notice

    def __enter__(self) -> EditionLock:
        try:
            self.file = open(self.path, "a+")  # noqa: SIM115 (held for the whole build)
        except OSError as err:
            if not self.path.is_file():
                raise BriefError(f"cannot create the lock {self.path}: {err.strerror}",
                                 "check that reports/ is writable") from None
            self.file = open(self.path)  # noqa: SIM115 (a read-only reports/: enough to lock and read)
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.notice(f"another build of this edition is running in {self.path.parent}; waiting for it…")
            fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def remove_tree(path: Path) -> None:
    """Remove the folder ``path`` even where a folder in it was made read-only; never raises."""
    path = Path(path)
    if path.is_symlink() or path.is_file():
        with contextlib.suppress(OSError):
            path.unlink()  # a symlink is removed, never followed
        return
    if path.is_dir():
        _make_writable(path)
        shutil.rmtree(path, ignore_errors=True)


def _make_writable(folder: Path) -> None:
    """chmod u+rwx every folder under ``folder`` (itself included), never following links."""
    with contextlib.suppress(OSError):
        os.chmod(folder, stat.S_IRWXU)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    _make_writable(Path(entry.path))


def clean_leftovers(reports: Path, edition: str) -> list[Path]:
    """Remove what killed builds of ``edition`` left behind (we hold its lock); return what remains."""
    left = []
    for pattern in (f".staging-{edition}-*", f".old-{edition}-*"):
        for path in Path(reports).glob(pattern):
            remove_tree(path)
            if path.exists():
                left.append(path)
    return left


@contextlib.contextmanager
def staging(reports: Path, edition: str) -> Iterator[Path]:
    """A fresh staging folder for ``edition``, removed on the way out whatever happens."""
    path = Path(tempfile.mkdtemp(prefix=f".staging-{edition}-", dir=reports))
    try:
        os.chmod(path, DIR_MODE)
        yield path
    finally:
        remove_tree(path)  # after a successful publish it holds the previous edition (or nothing)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def check_target(reports: Path, edition: str) -> Path:
    """``reports/<edition>`` if it may be replaced: absent, or a real folder that a build made."""
    target = Path(reports) / edition
    if target.is_symlink():
        raise BriefError(f"{target} is a symbolic link", "brief publishes only into real folders under "
                         "reports/: remove the link and build again")
    if target.exists() and (not target.is_dir() or not (target / "manifest.json").is_file()):
        raise BriefError(f"{target} exists but is not an edition published by brief (no manifest.json)",
                         "move it out of reports/ and build again")
    return target


def publish(stage: Path, target: Path) -> None:
    """Swap the finished ``stage`` in as ``target``; the previous edition ends up in ``stage``."""
    for folder in [stage, *(p for p in stage.rglob("*") if p.is_dir())]:
        os.chmod(folder, DIR_MODE)
    if not target.exists():
        os.rename(stage, target)
        return
    if _exchange(stage, target):
        return
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    os.rename(target, old)
    os.rename(stage, target)
    os.rename(old, stage)
