import tracemalloc

import numpy as np
import pytest

from padstride.mnist.arrays import DigestMismatch, read_npz, verify
from padstride.safe_files import write_atomically
from tests.mnist_files import INFLATING, MNIST_BYTES, crafted_npz, real_mnist


@pytest.fixture(scope="module")
def mnist_arrays():
    return real_mnist()


@pytest.fixture(scope="module")
def good_copy(mnist_arrays, tmp_path_factory):
    """A verified copy in a file of its own."""
    return write_atomically(mnist_arrays, tmp_path_factory.mktemp("good") / "mnist.npz")


def test_verify_refuses_a_changed_pixel(mnist_arrays):
    changed = dict(mnist_arrays, x_test=mnist_arrays["x_test"].copy())
    changed["x_test"][0, 0, 0] ^= 1
    with pytest.raises(DigestMismatch, match="x_test has the right shape but not the right contents"):
        verify(changed)
    with pytest.raises(DigestMismatch, match="y_train is int64"):
        verify(dict(mnist_arrays, y_train=mnist_arrays["y_train"].astype(np.int64)))
    with pytest.raises(DigestMismatch, match="missing arrays: y_test"):
        verify({k: v for k, v in mnist_arrays.items() if k != "y_test"})


# --- nothing is read before the headers are checked ---------------------------------------------


def peak_while(function, *args):
    tracemalloc.start()
    try:
        try:
            function(*args)
        except Exception as error:
            outcome = error
        else:
            outcome = None
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("header", "payload", "message"), INFLATING)
def test_a_small_file_that_inflates_is_refused_before_its_data_is_read(
    header, payload, message, tmp_path, good_copy
):
    bomb = crafted_npz(tmp_path / "bomb.npz", header, payload)
    assert bomb.stat().st_size < 1 << 20
    error, peak = peak_while(read_npz, bomb)
    assert isinstance(error, DigestMismatch) and message in str(error)
    assert peak < 2 << 20  # not the gigabytes, nor even MNIST's 47 MB
    # the same measure sees a real read: 55 MB for the four arrays
    error, peak = peak_while(read_npz, good_copy)
    assert error is None and peak > MNIST_BYTES


def test_members_cut_short_or_too_long_are_refused(tmp_path):
    header = {"descr": "|u1", "shape": (60000, 28, 28)}
    with pytest.raises(DigestMismatch, match="x_train is cut short: 1,048,576 of 47,040,000 bytes"):
        read_npz(crafted_npz(tmp_path / "short.npz", header, 1 << 20))
    with pytest.raises(DigestMismatch, match="x_train has more than its 47,040,000 bytes"):
        read_npz(crafted_npz(tmp_path / "long.npz", header, MNIST_BYTES + 1))
