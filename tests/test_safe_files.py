import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from padstride.safe_files import write_atomically, write_files
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


# --- several files, all or none -----------------------------------------------------------------


def test_write_files_checks_every_target_before_writing_any(tmp_path):
    mine = tmp_path / "b.txt"
    mine.write_text("mine")
    with pytest.raises(FileExistsError, match="already exists and was left as it is") as info:
        write_files({tmp_path / "a.txt": b"a", mine: b"b", tmp_path / "new" / "c.txt": b"c"})
    assert info.value.filename == str(mine)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"] and mine.read_text() == "mine"
    written = write_files({tmp_path / "a.txt": b"a", mine: b"b"}, overwrite=True)
    assert [p.read_bytes() for p in written] == [b"a", b"b"]


def test_a_failure_while_writing_leaves_nothing_not_even_new_folders(tmp_path):
    (tmp_path / "old.txt").write_text("old")

    def fails(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    files = {tmp_path / "a.txt": b"a", tmp_path / "new" / "deep" / "b.txt": b"b", tmp_path / "c.txt": fails}
    with pytest.raises(KeyboardInterrupt):
        write_files(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]


def test_a_failure_while_renaming_removes_the_new_files_already_in_place(tmp_path):
    (tmp_path / "c.txt").mkdir()  # a folder where a file should go: only the rename can tell
    with pytest.raises(IsADirectoryError):
        write_files({tmp_path / "a.txt": b"a", tmp_path / "c.txt": b"c"}, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"] and not temporaries(tmp_path)


def test_a_user_file_named_like_a_temporary_is_never_touched(tmp_path):
    theirs = tmp_path / "a.txt.partial"
    theirs.write_text("theirs")
    notes = tmp_path / "a.txt.notes.tmp"
    notes.write_text("notes")
    write_files({tmp_path / "a.txt": b"a"})
    assert theirs.read_text() == "theirs" and notes.read_text() == "notes"


# Ctrl-C's handler set as a terminal's shell sets it: a shell running this test in the
# background (as some CI runners do) starts its children with SIGINT ignored.
SLOW_FILES = """
import signal, sys, time
from pathlib import Path
from padstride.safe_files import write_files

signal.signal(signal.SIGINT, signal.default_int_handler)

def stall(handle):
    handle.write(b"x" * 1000)
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)

folder = Path(sys.argv[1])
write_files({folder / "a.txt": b"a", folder / "sub" / "b.txt": b"b", folder / "c.txt": stall})
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_while_writing_files_leaves_nothing(tmp_path, sig):
    writer = subprocess.Popen(
        [sys.executable, "-c", SLOW_FILES, str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert writer.stdout.readline() == b"writing\n"
        assert len(temporaries(tmp_path)) == 2  # a.txt's and c.txt's; b.txt's is in sub/
        writer.send_signal(sig)
        status = writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.communicate()
    assert status == -sig  # still ends by the signal, after cleaning up
    assert list(tmp_path.iterdir()) == []
