"""What MNIST is: its four arrays' pinned shapes and SHA-256 digests, checked in memory
(:func:`verify`) and in an .npz file before any of its data is read (:func:`read_npz`).

>>> EXPECTED["x_test"][0]
(10000, 28, 28)
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

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
# numpy writes a 128-byte header before each array's bytes: an upper bound on what is read
# beyond the data before a digest can be checked.
MAX_NPY_HEADER = 1 << 16
_CHUNK = 1 << 20


class DigestMismatch(ValueError):
    """An array or file is not the one pinned here."""


def verify(arrays: Arrays) -> MNIST:
    """Check the four arrays against the pinned shapes and digests; return them as Keras does.

    Raises DigestMismatch naming the first array that differs.

    >>> verify({"x_train": np.zeros((60000, 28, 28), np.uint8)})
    Traceback (most recent call last):
    padstride.mnist.arrays.DigestMismatch: missing arrays: x_test, y_test, y_train
    """
    missing = sorted(set(EXPECTED) - set(arrays))
    if missing:
        raise DigestMismatch(f"missing arrays: {', '.join(missing)}")
    for name, (shape, digest) in EXPECTED.items():
        array = arrays[name]
        if array.dtype != np.uint8 or array.shape != shape:
            raise DigestMismatch(f"{name} is {array.dtype} {array.shape}, expected uint8 {shape}")
        if hashlib.sha256(np.ascontiguousarray(array).data).hexdigest() != digest:
            raise DigestMismatch(f"{name} has the right shape but not the right contents (SHA-256 differs)")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


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

    >>> import io
    >>> read_npz(io.BytesIO(b"not a zip"))
    Traceback (most recent call last):
    padstride.mnist.arrays.DigestMismatch: not a readable .npz file (BadZipFile: File is not a zip file)
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
