"""Writing a file without ever leaving half of it: a temporary file beside it, then a rename.

An interrupted write (an exception, Ctrl-C or SIGTERM) removes its temporary file; one left by a
killed process is removed by the next write beside it. Nothing existing is replaced unless asked.

>>> with tempfile.TemporaryDirectory() as folder:
...     path = write_atomically({"a": np.arange(3)}, Path(folder) / "a.npz")
...     print(path.name, why_unwritable(path), np.load(path)["a"].tolist())
a.npz None [0, 1, 2]
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


class _Terminated(BaseException):
    """SIGTERM arrived during a write (a BaseException, like KeyboardInterrupt)."""


@contextlib.contextmanager
def sigterm_like_ctrl_c() -> Iterator[None]:
    """Within this block SIGTERM interrupts as Ctrl-C does, so clean-up code runs; afterwards the
    process still ends by SIGTERM, as it would have. Only in the main thread (the only one that may
    set handlers) and where SIGTERM has its default action: a handler someone set stays in charge.

    >>> with sigterm_like_ctrl_c():
    ...     print("written")
    written
    """
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def interrupt(signum, frame):
        raise _Terminated

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)  # ends the process here
        raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _temporary_name(path: Path) -> re.Pattern[str]:
    # mkstemp(prefix=<name>.padstride-, suffix=.tmp) makes these names, and nothing else does.
    return re.compile(re.escape(path.name) + r"\.padstride-[a-z0-9_]+\.tmp")


# Without flock (Windows), a temporary untouched this long belongs to no live writer.
_UNLOCKED_AGE = 3600.0


def remove_stale_temporaries(path: Path) -> None:
    """Remove the temporaries that killed writers left beside ``path``.

    Only names this module makes are touched. A writer holds an exclusive ``flock`` on its
    temporary for as long as it writes, and the kernel drops that lock when the writer ends,
    however it ends (SIGKILL included). So a temporary whose lock can be taken belongs to no live
    writer and goes; one whose lock is held is left alone. Unlike a pid written in the name, this
    cannot be fooled by a reused pid or another pid namespace sharing the folder. Without flock
    (Windows), only temporaries untouched for an hour go (a write takes seconds). Files of any
    other name, such as a user's ``mnist.npz.notes.tmp``, are never touched. Best effort:
    whatever fails here is left as it is.

    >>> remove_stale_temporaries(Path("/nowhere/mnist.npz"))  # no folder: nothing to do
    """
    ours = _temporary_name(path)
    try:
        entries = [entry for entry in os.scandir(path.parent) if entry.is_file(follow_symlinks=False)]
    except OSError:
        return
    for entry in entries:
        try:
            if ours.fullmatch(entry.name) and fcntl is not None:
                with open(entry.path, "rb") as handle:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if held
                    if os.path.samestat(os.fstat(handle.fileno()), os.stat(entry.path)):
                        os.unlink(entry.path)
            elif ours.fullmatch(entry.name) and time.time() - entry.stat().st_mtime > _UNLOCKED_AGE:
                os.unlink(entry.path)
        except OSError:
            continue


def _still_named(tmp: str, fd: int) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(tmp))
    except FileNotFoundError:
        return False


def _locked_temporary(path: Path) -> tuple[BinaryIO, str]:
    """A new temporary file beside ``path``, open for writing, its lock held."""
    for _ in range(3):
        fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.padstride-", suffix=".tmp", dir=path.parent)
        handle = os.fdopen(fd, "wb")
        try:
            if fcntl is not None:
                with contextlib.suppress(OSError):  # a file system without locks: written unlocked
                    fcntl.flock(fd, fcntl.LOCK_EX)
            if _still_named(tmp, fd):
                return handle, tmp
        except BaseException:
            handle.close()
            Path(tmp).unlink(missing_ok=True)
            raise
        handle.close()  # a clean-up beside us took the lock first and removed the name: again
    raise FileExistsError(errno.EEXIST, "could not keep a temporary file", str(path.parent))


def _rename(tmp: str, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails when ``path`` exists: nothing can be replaced, even in a race
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, "already exists and was left as it is", str(path)) from None
    except OSError as error:
        if error.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}:
            raise
        # a file system without hard links: look, then rename
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "already exists and was left as it is", str(path)) from None
        os.replace(tmp, path)
    else:
        os.unlink(tmp)


def write_atomically(
    arrays: dict[str, np.ndarray], path: str | os.PathLike, *, overwrite: bool = False
) -> Path:
    """Write the arrays as an .npz: to a temporary file beside ``path``, then rename it there.

    An interrupted write (an exception, Ctrl-C or SIGTERM) leaves ``path`` as it was and removes
    its temporary file; one left by a killed process is removed by the next write beside it.
    An existing ``path`` is replaced only with ``overwrite=True``; otherwise FileExistsError.
    Missing folders are made.

    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = write_atomically({"a": np.arange(3)}, Path(folder) / "a.npz")
    ...     try:
    ...         write_atomically({"a": np.arange(4)}, first)
    ...     except FileExistsError as error:
    ...         print(first.name, error.strerror)
    a.npz already exists and was left as it is
    """
    (written,) = write_files({Path(path): lambda handle: np.savez(handle, **arrays)}, overwrite=overwrite)
    return written


def write_bytes_atomically(data: bytes, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """``data`` written to ``path`` as write_atomically writes: whole or not at all (a full
    disk leaves nothing behind); an existing ``path`` is replaced only with ``overwrite=True``.

    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_bytes_atomically(b"GIF89a", Path(folder) / "a.gif").read_bytes()
    b'GIF89a'
    """
    (written,) = write_files({Path(path): data}, overwrite=overwrite)
    return written


Content = bytes | Callable[[BinaryIO], object]  # the bytes, or a function that writes them


def write_files(files: Mapping[str | os.PathLike, Content], *, overwrite: bool = False) -> list[Path]:
    """Write several files, each whole, and all of them or none. Each content is bytes or a
    function that writes to the binary file it is given.

    Every target is checked first: an existing one is refused (FileExistsError) unless
    ``overwrite``, and nothing is written. Then each file's content goes to a temporary file
    beside it (missing folders made), flushed to disk; only when all are complete are they
    renamed into place. An error, Ctrl-C or SIGTERM before that leaves no target and no
    temporary behind (and no folder this call made); one during the renames removes the new
    files already in place (a file replaced with ``overwrite`` keeps its new content). A
    temporary left by a killed process is removed by the next write beside it.

    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_files({Path(folder) / "a" / "x.txt": b"x", Path(folder) / "y.txt": b"y"})
    ...     print(*(path.read_bytes() for path in written))
    b'x' b'y'
    """
    targets = {Path(path): content for path, content in files.items()}
    for path in targets:
        remove_stale_temporaries(path)
        if not overwrite and os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "already exists and was left as it is", str(path))
    made_folders: list[Path] = []
    temporaries: list[tuple[Path, str, BinaryIO]] = []
    placed: list[Path] = []
    with sigterm_like_ctrl_c():
        try:
            for path, content in targets.items():
                made_folders += _make_folders(path.parent)
                handle, tmp = _locked_temporary(path)
                temporaries.append((path, tmp, handle))
                _fill(handle, tmp, content if callable(content) else lambda h, data=content: h.write(data))
            for path, tmp, _handle in temporaries:  # the locks are held until every file is in place
                existed = os.path.lexists(path)
                _rename(tmp, path, overwrite)
                if not existed:
                    placed.append(path)
        except BaseException:
            for path in placed:
                path.unlink(missing_ok=True)
            for _path, tmp, handle in temporaries:
                handle.close()
                Path(tmp).unlink(missing_ok=True)
            for folder in reversed(made_folders):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        for _path, _tmp, handle in temporaries:
            handle.close()
    return list(targets)


def _make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; the ones made, outermost first."""
    missing = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir()
    return list(reversed(missing))


def _fill(handle: BinaryIO, tmp: str, write: Callable[[BinaryIO], object]) -> None:
    """Write the temporary file ``tmp`` through ``handle``, made an ordinary file, flushed to disk."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; this is an ordinary file
    write(handle)
    handle.flush()
    os.fsync(handle.fileno())


def user_path(value: object, name: str = "path") -> Path:
    """A path the user named, as a Path with ``~`` expanded; refused by name when it is not
    a file name at all.

    >>> user_path("~/a.gif").name
    'a.gif'
    >>> user_path(123)
    Traceback (most recent call last):
    ...
    TypeError: path=123 is not allowed: give a file name (str or os.PathLike)
    """
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name}={value!r} is not allowed: give a file name (str or os.PathLike)")
    if os.fspath(value) in ("", b""):
        raise ValueError(f"{name} is empty; give a file name")
    try:
        return Path(value).expanduser()
    except RuntimeError:  # "~nouser/...": no such user's home
        raise ValueError(f"{name}={os.fspath(value)!r} names a home folder that does not exist") from None


def new_file(value: object, name: str = "path") -> Path:
    """A path the user named for a new file: its folder exists, and nothing is there yet.

    >>> new_file("/nowhere/a.gif")
    Traceback (most recent call last):
    ...
    ValueError: path='/nowhere/a.gif' is not allowed: the folder /nowhere does not exist
    """
    path = user_path(value, name)
    shown = f"{name}={str(value)!r}"
    try:
        os.lstat(path)
    except FileNotFoundError:
        pass
    except OSError as error:  # e.g. a name longer than the file system allows
        raise ValueError(f"{shown} is not allowed: {error.strerror or error}") from None
    else:
        raise ValueError(f"{shown} is not allowed: it exists, and it is not overwritten")
    try:
        if not path.parent.is_dir():
            raise ValueError(f"{shown} is not allowed: the folder {path.parent} does not exist")
    except OSError as error:
        raise ValueError(f"{shown} is not allowed: {error.strerror or error}") from None
    return path


def why_unwritable(target: Path) -> str | None:
    """Why :func:`write_atomically` cannot write ``target``, as far as can be told before trying,
    or None.

    >>> why_unwritable(Path("/"))
    'it is a folder'
    """
    if target.is_dir():
        return "it is a folder"
    folder = target.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent  # write_atomically creates the missing folders
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"no permission to write in {folder}"
    return _name_too_long(target, folder)


def _name_too_long(target: Path, folder: Path) -> str | None:
    """Whether a name still to be made below ``folder`` is longer than its file system allows."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for part in target.relative_to(folder).parts:  # folder is an ancestor of target
        if len(os.fsencode(part)) > limit:
            return f"the name {part[:20]}… is longer than this file system allows ({limit} bytes)"
    return None
