"""Files the data tests share: MNIST's real arrays, crafted .npz files that claim more than they
hold, and writers caught in the middle of a write."""

import contextlib
import io
import subprocess
import sys
import zipfile

import numpy as np

from padstride.mnist.data import load_mnist

MNIST_BYTES = 60000 * 28 * 28  # x_train alone


def real_mnist():
    """The real, verified arrays by name (from data/mnist.npz, fetched once if missing)."""
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def crafted_npz(path, header, payload):
    """An .npz (deflated) whose x_train.npy has this .npy header and ``payload`` zero bytes after
    it; the other members are empty (they are never reached)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("x_train.npy", "w", force_zip64=True) as member:
            buffer = io.BytesIO()
            np.lib.format.write_array_header_1_0(buffer, {"fortran_order": False, **header})
            member.write(buffer.getvalue())
            chunk = bytes(1 << 20)
            for start in range(0, payload, len(chunk)):
                member.write(chunk[: payload - start])
        for name in ["y_train", "x_test", "y_test"]:
            archive.writestr(f"{name}.npy", b"")
    return path


# (header, payload, message): small files that would inflate, and what refuses them.
INFLATING = [
    (
        {"descr": "|u1", "shape": (2_000_000_000,)},  # 2 GB claimed, 1 MB given
        1 << 20,
        "x_train is uint8 (2000000000,), expected uint8 (60000, 28, 28) (refused before reading its data)",
    ),
    ({"descr": "<f8", "shape": (60000, 28, 28)}, 1 << 20, "x_train is float64 (60000, 28, 28), expected"),
    ({"descr": "|O", "shape": (60000, 28, 28)}, 1 << 20, "x_train is object (60000, 28, 28), expected"),
    (
        {"descr": "|u1", "shape": (60000, 28, 28)},  # the right header, then 64 MB
        64 << 20,
        "x_train would inflate to 67,108,992 bytes, far more than MNIST's 47,040,000",
    ),
]


# A writer that stops in the middle of its write (having written a megabyte) and says so.
WRITER = """
import sys, time
import numpy as np
from padstride.safe_files import write_atomically

class Stall:
    def __reduce__(self):
        print("writing", flush=True)
        time.sleep(120)
        raise SystemExit("was not stopped")

write_atomically({"first": np.zeros(1 << 20, np.uint8), "then": np.array([Stall()], dtype=object)}, sys.argv[1])
"""


@contextlib.contextmanager
def stopped_writers():
    """Start writers in the middle of a write; every one is killed at the end."""
    started = []

    def start(target):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
        )
        started.append(writer)
        assert writer.stdout.readline() == "writing\n"
        return writer

    try:
        yield start
    finally:
        for writer in started:
            if writer.poll() is None:
                writer.kill()
            writer.wait()
            writer.stdout.close()


def temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))
