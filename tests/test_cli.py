import dataclasses
import os
import stat
import subprocess
import sys

import pytest

from padstride.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "padstride.cli", *args], capture_output=True, text=True)


def test_size_prints_arithmetic_and_answer(capsys):
    assert main(["size", "28", "--kernel", "3", "--stride", "2", "--padding", "same"]) == 0
    assert capsys.readouterr().out == (
        "same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right\noutput: 14×14\n"
    )
    assert main(["size", "5", "-k", "3", "-s", "2", "-p", "1"]) == 0
    assert capsys.readouterr().out.endswith("= 3, padding 1 top/left, 1 bottom/right\noutput: 3×3\n")
    assert main(["size", "28x20", "-s", "2,1", "-p", "same"]) == 0
    assert capsys.readouterr().out.endswith("output: 14×20 (height × width)\n")


def test_size_imports_no_tensorflow():
    code = (
        "import sys; from padstride.cli import main; main(['size', '8']);"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "False False"


def test_explain_and_demo(capsys):
    assert main(["explain", "valid"]) == 0
    out = capsys.readouterr().out
    assert "floor((28 − 3)/1) + 1 = 26" in out and out.rstrip().endswith("total params: 2,002,698")
    assert main(["demo", "line", "--padding", "same", "--stride", "2"]) == 0
    assert capsys.readouterr().out == (
        "8×8 line image, 3×3 kernel → 4×4 feature map\n0 3 0 0\n0 3 0 0\n0 3 0 0\n0 2 0 0\n"
    )
    assert main(["demo", "line", "-k", "8"]) == 0
    assert capsys.readouterr().out.endswith("→ 1×1 feature map\n8\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["size", "3", "-k", "5"], 'a 5×5 kernel does not fit a 3×3 input with padding="valid"'),
        (["size", "8", "-p", "causal"], "'causal' is not a padding"),
        (["size", "8", "-s", "2", "-d", "2"], "strides=2 with dilation_rate=2 is not allowed"),
        (["size", "eight"], "'eight' is not a whole number"),
        (["size", "8", "-k", "0"], "kernel_size=0 is not allowed"),
        (["explain", "big"], "invalid choice: 'big'"),
        (["demo", "line", "-k", "9"], "a 9×9 kernel does not fit a 8×8 input"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_input_one_line_exit_2(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("padstride: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["size", "--help"], ["explain", "--help"], ["demo", "--help"]])
def test_help_everywhere(args):
    result = run(*args)
    assert result.returncode == 0 and result.stdout.startswith("usage: padstride")


# --- padstride data ---------------------------------------------------------------------------
# Only these tests concern the data command.


@pytest.fixture
def data_offline(monkeypatch, tmp_path):
    """`padstride data` with its cache in tmp_path, no Keras cache, and stand-ins for both network
    steps (through the public data.REPO_CACHE and data.default_sources) that record their calls."""
    from padstride import data

    calls = []
    monkeypatch.delenv("PADSTRIDE_DATA", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(data, "REPO_CACHE", tmp_path / "repo" / "mnist.npz")
    real = data.default_sources

    def unreachable(source):
        def fetch(progress):
            calls.append(source.name)
            raise ConnectionError("offline (stand-in)")

        return dataclasses.replace(source, fetch=fetch)

    monkeypatch.setattr(
        data, "default_sources", lambda cache=None: [*real(cache)[:2], *map(unreachable, real(cache)[2:])]
    )
    return calls


def one_error_line(err):
    """The single 'padstride: error:' line, which ends standard error; no traceback."""
    lines = err.splitlines()
    assert "Traceback" not in err
    assert [line for line in lines if line.startswith("padstride: error: ")] == lines[-1:]
    return lines[-1]


def test_data_verifies_a_given_copy(tmp_path, capsys):
    from padstride import data

    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    copy = tmp_path / "copy.npz"
    data.write_atomically({"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}, copy)
    assert main(["data", "--path", str(copy)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "MNIST ready: 60000 training and 10000 test images, digests verified\n"
    assert captured.err == f"MNIST verified in {copy}\n"


def test_data_with_no_place_giving_mnist_is_one_line_exit_1(data_offline, tmp_path, capsys):
    assert main(["data", "--path", str(tmp_path / "missing.npz")]) == 1
    captured = capsys.readouterr()
    line = one_error_line(captured.err)
    assert line.startswith("padstride: error: MNIST could not be loaded; places tried: the given path")
    assert "Keras' download" in line and "the package index wheel" in line and "To supply it by hand" in line
    assert len(data_offline) == 2 and captured.out == ""
    assert list(tmp_path.glob("missing.npz*")) == []


def run_data(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "padstride.cli", "data", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("how", ["--path", "PADSTRIDE_DATA"])
@pytest.mark.parametrize("mode", [0o644, 0o000])
def test_data_never_overwrites_a_file_that_is_not_mnist(how, mode, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    notes.chmod(mode)
    result = run_data("--path", str(notes)) if how == "--path" else run_data(PADSTRIDE_DATA=str(notes))
    assert (result.returncode, result.stdout) == (2, "")
    line = one_error_line(result.stderr)
    assert str(notes) in line and "is not a readable copy of MNIST" in line and "left untouched" in line
    assert len(result.stderr.splitlines()) == 1
    assert stat.S_IMODE(notes.stat().st_mode) == mode
    notes.chmod(0o644)
    assert notes.read_text() == "my notes\n" and [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("", "path is empty"),
        ("folder", "is a folder; name a file"),
        ("file/mnist.npz", "file is not a folder"),
    ],
)
def test_data_refuses_a_path_where_nothing_can_be_written(where, message, tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("a file")
    given = str(tmp_path / where) if where else ""
    result = run_data("--path", given)
    assert (result.returncode, result.stdout) == (2, "")
    line = one_error_line(result.stderr)
    assert message in line and given in line and len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["file", "folder"]


def test_data_with_a_cache_that_cannot_be_written_is_one_line_exit_1(data_offline, capsys):
    from padstride import data

    data.REPO_CACHE.mkdir(parents=True)
    assert main(["data"]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"padstride: error: cannot save MNIST to {data.REPO_CACHE}: it is a folder\n"
    assert data_offline == []  # refused before anything was fetched


def test_data_turns_any_exception_into_one_line(monkeypatch, tmp_path, capsys):
    from padstride import data

    monkeypatch.delenv("PADSTRIDE_DATA", raising=False)
    monkeypatch.setattr(data, "REPO_CACHE", tmp_path / "mnist.npz")

    def odd(progress):
        raise ZeroDivisionError("an odd failure")

    monkeypatch.setattr(data, "default_sources", lambda cache=None: [data.Source("odd place", odd)])
    assert main(["data"]) == 1
    assert "odd place: ZeroDivisionError: an odd failure" in one_error_line(capsys.readouterr().err)

    def broken(cache=None):
        raise LookupError("broken\nover two lines")

    monkeypatch.setattr(data, "default_sources", broken)
    assert main(["data"]) == 1
    assert capsys.readouterr().err == "padstride: error: LookupError: broken over two lines\n"

    def interrupted(progress):
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "default_sources", lambda cache=None: [data.Source("slow place", interrupted)])
    assert main(["data"]) == 1
    assert one_error_line(capsys.readouterr().err).startswith("padstride: error: interrupted")
    assert list(tmp_path.iterdir()) == []
