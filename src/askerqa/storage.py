"""File-system helpers for the index, the model folder and the server.

- `os_problem`: what an OSError means, in plain Norwegian with its path (never Python's `[Errno 13] …`);
- `locked`: a lock file held with flock, exclusive for a build and shared for a load, so concurrent builds
  take turns and a load never reads an index while another process rewrites it;
- `share`: the modes a plain `touch`/`mkdir` gives (0666/0777 less the umask), so a service user can read
  what another user built (mkstemp and some writers make owner-only files);
- `process_dir` and `prune_dead`: temporary folders named after the process that made them, so leftovers of
  a killed process are found and removed on the next start.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; builds are then not serialised (the project runs on Linux)
    fcntl = None  # type: ignore[assignment]


def _read_umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: read once at import
    os.umask(mask)
    return mask


UMASK = _read_umask()
FILE_MODE = 0o666 & ~UMASK
DIR_MODE = 0o777 & ~UMASK


def _shown(path: object) -> str:
    """A path as one line of text (a newline in a file name would break the one-line message)."""
    text = os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path)
    return "".join(c if c.isprintable() else "?" for c in text)


def os_problem(exc: OSError) -> str:
    """What went wrong with a file, in plain Norwegian and with the path when the error names one."""
    path = _shown(exc.filename) if exc.filename is not None else ""
    at = f" ({path})" if path else ""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return f"ingen tilgang til {path}" if path else "ingen tilgang til filen"
    if code == errno.EROFS:
        return f"disken er skrivebeskyttet{at}"
    if code == errno.ENOSPC:
        return f"disken er full{at}"
    if code == getattr(errno, "EDQUOT", -1):
        return f"diskkvoten er brukt opp{at}"
    if code == errno.EISDIR:
        return f"{path or 'stien'} er en mappe, ikke en fil"
    if code == errno.ENOTDIR:
        return f"en del av stien er en fil, ikke en mappe{at}"
    if code == errno.ENOENT:
        return f"{path} finnes ikke" if path else "filen finnes ikke"
    if code == errno.EEXIST:
        return f"{path or 'stien'} finnes allerede"
    if code == errno.ENOTEMPTY:
        return f"mappen er ikke tom{at}"
    if code == errno.EIO:
        return f"lese- eller skrivefeil på disken{at}"
    if code == errno.ENAMETOOLONG:
        return f"stien er for lang{at}"
    if code in (errno.EMFILE, errno.ENFILE):
        return "for mange åpne filer"
    name = errno.errorcode.get(code, str(code)) if isinstance(code, int) else "ukjent"
    return f"filfeil {name}{at}"


def share(root: Path) -> None:
    """Give `root` and everything under it FILE_MODE/DIR_MODE. A file of another owner is left as it is."""
    paths = [root, *root.rglob("*")] if root.is_dir() else [root]
    for path in paths:
        if path.is_symlink():
            continue
        try:
            os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
        except PermissionError:  # not ours to change: whoever owns it decides
            continue


class LockBusy(Exception):
    """The lock was still held by another process (or thread) when the wait ran out."""


@contextmanager
def locked(path: Path, exclusive: bool, wait_s: float, waiting: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold an flock on `path` (created when missing) for the `with` block; yields whether it is held.

    Exclusive for a writer, shared for readers. A reader that cannot open the lock file (a read-only disk
    where it was never made, another user's unreadable file) goes on without it: no writer can write there
    either. A writer that cannot open it gets the OSError. Raises LockBusy after `wait_s` seconds; `waiting`
    is called once when the lock is busy at the first try (to tell the user why nothing happens).
    """
    fd = None
    if fcntl is not None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, FILE_MODE)  # flock needs no write access to the file
        except OSError:
            if exclusive:
                raise
    if fd is None:
        yield False
        return
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(str(path)) from None
                if not told and waiting is not None:
                    waiting()
                told = True
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def process_dir(parent: Path, prefix: str) -> Path:
    """A new folder `parent/{prefix}{pid}-xxxxxxxx` for this process (see prune_dead)."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))  # 0700: this process's own


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, as another user's process
        return True
    return True


def prune_dead(parent: Path, prefix: str) -> int:
    """Remove the `process_dir` folders in `parent` whose process is gone (killed before it could clean up).
    Returns how many were removed; one that cannot be removed is left for the next time."""
    removed = 0
    try:
        candidates = list(parent.glob(f"{prefix}*"))
    except OSError:
        return 0
    for folder in candidates:
        pid = folder.name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)) or not folder.is_dir():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += not folder.exists()
    return removed
