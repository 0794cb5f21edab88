import os
import re
import signal
import time

import numpy as np
import pytest

from padstride.safe_files import write_atomically
from tests.mnist_files import stopped_writers, temporaries


@pytest.fixture
def writers():
    """Start writers in the middle of a write; every one is killed at the end."""
    with stopped_writers() as start:
        yield start


def test_write_atomically_replaces_nothing_unless_told(tmp_path):
    mine = tmp_path / "mine.npz"
    mine.write_text("mine")
    with pytest.raises(FileExistsError, match="already exists and was left as it is"):
        write_atomically({"a": np.arange(3)}, mine)
    assert mine.read_text() == "mine" and [p.name for p in tmp_path.iterdir()] == ["mine.npz"]
    write_atomically({"a": np.arange(3)}, mine, overwrite=True)
    np.testing.assert_array_equal(np.load(mine)["a"], np.arange(3))


# --- interrupted and killed writes --------------------------------------------------------------


class Interrupts:
    def __reduce__(self):  # np.savez pickles object arrays: this runs in the middle of the write
        raise KeyboardInterrupt


def test_an_interrupted_write_leaves_nothing(tmp_path):
    target = tmp_path / "mnist.npz"
    with pytest.raises(KeyboardInterrupt):
        write_atomically({"a": np.zeros(1000), "b": np.array([Interrupts()], dtype=object)}, target)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_during_a_write_removes_the_temporary(tmp_path, writers):
    target = tmp_path / "mnist.npz"
    writer = writers(target)
    [temporary] = temporaries(tmp_path)
    assert (tmp_path / temporary).stat().st_size > 1 << 20  # caught in the middle of the write
    writer.send_signal(signal.SIGTERM)
    assert writer.wait(timeout=60) == -signal.SIGTERM  # still ends by SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_of_a_killed_writer_is_removed_by_the_next_write(tmp_path, writers):
    target = tmp_path / "mnist.npz"
    killed = writers(target)
    killed.kill()
    assert killed.wait(timeout=60) == -signal.SIGKILL
    [stale] = temporaries(tmp_path)
    assert re.fullmatch(r"mnist\.npz\.padstride-[a-z0-9_]+\.tmp", stale)
    assert (tmp_path / stale).stat().st_size > 1 << 20 and not target.exists()

    writers(target)  # another writer, alive, in the middle of its write beside the same file
    [working] = set(temporaries(tmp_path)) - {stale}
    write_atomically({"a": np.arange(3)}, target)
    assert temporaries(tmp_path) == [working]  # the dead writer's temporary went, the live one's stays
    np.testing.assert_array_equal(np.load(target)["a"], np.arange(3))


def test_clean_up_touches_only_its_own_temporaries(tmp_path):
    theirs = [
        "mnist.npz.bak",
        "mnist.npz.padstride-abc.tmp.part",
        "other.npz.padstride-abcdefgh.tmp",
        "mnist.npz.abcdefgh.tmp",
        "mnist.npz.mynotes1.tmp",  # a user's file, hours old: never padstride's to remove
        "notes.txt",
    ]
    for name in theirs:
        (tmp_path / name).write_text(name)
    hours_ago = time.time() - 7200
    os.utime(tmp_path / "mnist.npz.mynotes1.tmp", (hours_ago, hours_ago))
    (tmp_path / "mnist.npz.padstride-link0000.tmp").symlink_to(tmp_path / "notes.txt")
    (tmp_path / "mnist.npz.padstride-zzzzzzzz.tmp").write_text("left by a killed writer")
    write_atomically({"a": np.arange(3)}, tmp_path / "mnist.npz")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*theirs, "mnist.npz.padstride-link0000.tmp", "mnist.npz"])
    assert all((tmp_path / name).read_text() == name for name in theirs)
