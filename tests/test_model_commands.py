import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from padstride.cli import main
from padstride.cli.model_commands import load_model
from padstride.cli.numbers import input_size

PADSTRIDE = Path(sys.executable).parent / "padstride"
# Keras' own saving code trips NumPy 2's copy= deprecation; nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")


def error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("padstride: error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A small functional model with two branches, saved as .keras, and one with open sizes."""
    from padstride.runtime import load_keras

    k = load_keras()
    folder = tmp_path_factory.mktemp("models")
    image = k.Input((28, 28, 1), name="image")
    a = k.layers.Conv2D(8, 3, name="branch_a")(image)
    b = k.layers.Conv2D(8, 5, padding="same", strides=2, name="branch_b")(image)
    b = k.layers.UpSampling2D(2, name="up")(b)
    joined = k.layers.Concatenate(name="join")([a, k.layers.Cropping2D(1, name="crop")(b)])
    fixed = folder / "branches.keras"
    k.Model(image, joined).save(fixed)
    any_size = k.Input((None, None, 3), name="any")
    open_sizes = folder / "open.keras"
    k.Model(any_size, k.layers.Conv2D(4, 3, strides=2, padding="same", name="conv")(any_size)).save(
        open_sizes
    )
    return fixed, open_sizes


def test_explain_a_saved_model(saved, capsys):
    fixed, _ = saved
    assert main(["explain", str(fixed)]) == 0
    out = capsys.readouterr().out
    assert "branch_b (Conv2D)" in out and "from image;" in out
    assert "join (Concatenate)" in out and "channels 8 + 8 = 16" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_csv_output(saved, capsys):
    fixed, _ = saved
    assert main(["explain", str(fixed), "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["layer"] for r in rows) == ["branch_a", "branch_b", "crop", "join", "up"]
    assert {r["layer"]: r["output_shape"] for r in rows}["join"] == "26x26x16"
    assert main(["receptive", "stride", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [int(r["field_height"]) for r in rows] == [3, 7, 15]


def test_csv_never_hands_a_spreadsheet_a_formula(tmp_path, capsys):
    from padstride.runtime import load_keras

    k = load_keras()
    image = k.Input((8, 8, 1), name="@image")
    conv = k.layers.Conv2D(2, 3, padding="same", name="=HYPERLINK(1)")(image)
    path = tmp_path / "formula.keras"
    k.Model(image, conv).save(path)
    assert main(["explain", str(path), "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("'=HYPERLINK(1),Conv2D,'@image,8x8x1,8x8x2,20,")
    assert main(["receptive", str(path), "--csv"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[1]
        == "'=HYPERLINK(1),Conv2D,8x8x2,3,3,1,1,-1,-1,False,True,True,"
    )


def test_input_fills_open_sizes(saved, capsys):
    _, open_sizes = saved
    assert main(["explain", str(open_sizes), "--input", "225x200"]) == 0
    assert "conv (Conv2D)  225×200×3  113×100×4" in capsys.readouterr().out
    assert main(["explain", str(open_sizes)]) == 2
    assert "its height and width must be known" in error_line(capsys)


def test_an_open_size_is_asked_for_as_the_command_line_sets_it(saved, capsys):
    from padstride import explain

    _, open_sizes = saved
    ask = "; give its size with --input HxW, e.g. --input 224"
    for command in ("explain", "receptive", "check"):
        assert main([command, str(open_sizes)]) == 2
        assert error_line(capsys) == (
            "padstride: error: model input 'any' has shape ?×?×3: its height and width must be known to "
            f"compute sizes{ask}"
        )
    assert main(["port", "MobileNetV3Small", "--to", "onnx"]) == 2
    line = error_line(capsys)
    assert line.endswith(f"its height and width must be known to compute sizes{ask}")
    assert "input_shape" not in line
    with pytest.raises(ValueError, match=r"sizes; pass input_shape=\(height, width\) or build"):
        explain(load_model(str(open_sizes))[0])  # Python keeps its own word


def test_an_input_the_saved_model_does_not_take_is_named_as_typed(saved, capsys):
    fixed, _ = saved
    name = load_model(str(fixed))[0].name  # Keras numbers its models in the process that saved them
    assert main(["explain", str(fixed), "--input", "30"]) == 2
    assert error_line(capsys) == (
        f"padstride: error: --input 30x30 is not allowed: model {name!r} is built for 28×28×1 inputs "
        "(height 28)"
    )


def test_an_input_too_large_to_check_is_one_line_naming_the_typed_size(saved, capsys):
    fixed, open_sizes = saved
    assert main(["check", str(open_sizes), "--input", "40000x20000"]) == 2
    line = error_line(capsys)
    assert line.startswith(
        "padstride: error: --input 40000x20000 is not allowed: for the pixel masks its maps hold "
    )
    assert "input_shape" not in line


def test_receptive_of_the_mnist_models(capsys):
    assert main(["receptive", "stride"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].split() == ["conv_3", "(Conv2D)", "4×4×32", "15×15", "8", "−4"]


def test_receptive_refuses_what_it_cannot_follow(saved, capsys):
    fixed, _ = saved
    assert main(["receptive", str(fixed)]) == 2
    assert "cannot follow layer 'up' (UpSampling2D)" in error_line(capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "missing.keras"], "missing.keras: no such file"),
        (["explain", "ResNet5"], "MODEL 'ResNet5' is not allowed: it is neither valid, same or stride"),
        (["receptive", "ResNet5"], "MODEL 'ResNet5' is not allowed"),
        (["explain", "VGG16", "--input", "0"], "argument --input: '0' is not a size"),
        (["explain", "VGG16", "--input", "-3"], "argument --input: '-3' is not a size"),
        (["explain", "VGG16", "--input", "２２５"], "argument --input: '２２５' is not a size"),
        (["explain", "VGG16", "--input", "1_0"], "argument --input: '1_0' is not a size"),
        (["explain", "valid", "--input", "30"], "--input is not allowed with 'valid'"),
        (
            ["explain", "VGG16", "--input", "20"],
            "keras.applications.VGG16 with --input 20x20 cannot be built",
        ),
    ],
)
def test_bad_input_one_line_exit_2(args, message, capsys):
    assert main(args) == 2
    assert message in error_line(capsys)


def test_files_that_are_not_models(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert main(["explain", str(text)]) == 2
    assert f"{text} is not a saved Keras model: give a .keras file" in error_line(capsys)
    fake = tmp_path / "fake.keras"
    fake.write_text("hello")
    assert main(["explain", str(fake)]) == 2
    assert "a .keras file is a zip archive, and this is not one" in error_line(capsys)
    empty_zip = tmp_path / "empty.keras"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    assert main(["explain", str(empty_zip)]) == 2
    assert f"{empty_zip} is not a Keras model Keras can load: KeyError" in error_line(capsys)
    assert main(["explain", str(tmp_path)]) == 2
    assert "is a directory, not a saved Keras model" in error_line(capsys)
    assert text.read_text() == "hello"  # nothing the user owns is touched


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_a_device_is_refused_not_read_forever(tmp_path, capsys):
    fifo = tmp_path / "model.keras"
    os.mkfifo(fifo)
    device = tmp_path / "zeros.h5"
    device.symlink_to(os.devnull)
    for path in (fifo, device):
        assert main(["explain", str(path)]) == 2
        assert f"{path} is not a regular file" in error_line(capsys)


def test_unsupported_layers_are_named(tmp_path, capsys):
    from padstride.runtime import load_keras

    k = load_keras()
    image = k.Input((8, 8, 1))
    path = tmp_path / "noise.keras"
    k.Model(image, k.layers.GaussianNoise(0.1, name="noise")(image)).save(path)
    assert main(["explain", str(path)]) == 2
    assert "layer 'noise' is a GaussianNoise, which is not supported" in error_line(capsys)


def test_a_lambda_layer_is_refused_with_keras_reason(tmp_path, capsys):
    from padstride.runtime import load_keras

    k = load_keras()
    image = k.Input((8, 8, 1))
    path = tmp_path / "lambda.keras"
    k.Model(image, k.layers.Lambda(lambda x: x * 2, name="double")(image)).save(path)
    assert main(["explain", str(path)]) == 2
    assert error_line(capsys) == (
        f"padstride: error: {path} holds a Lambda layer 'double' whose function is Python code, which "
        "Keras loads only with safe_mode=False; padstride never runs code from a file"
    )


def test_a_custom_layer_or_function_is_named(tmp_path, capsys):
    from padstride.runtime import load_keras

    k = load_keras()

    class MyLayer(k.layers.Layer):  # not registered: no Python but this test's knows it
        def call(self, x):
            return x

    def my_activation(x):
        return x

    image = k.Input((8, 8, 1))
    layer_file, function_file = tmp_path / "layer.keras", tmp_path / "function.keras"
    k.Model(image, MyLayer()(image)).save(layer_file)
    k.Model(image, k.layers.Conv2D(2, 3, activation=my_activation)(image)).save(function_file)
    rest = (
        "that this Python does not know: Keras rebuilds it only where the code that defines it is "
        "imported; load the model there and pass it to padstride in Python"
    )
    assert main(["receptive", str(layer_file)]) == 2
    assert error_line(capsys) == f"padstride: error: {layer_file} uses a custom layer class 'MyLayer' {rest}"
    assert main(["check", str(function_file)]) == 2
    assert (
        error_line(capsys)
        == f"padstride: error: {function_file} uses a custom function 'my_activation' {rest}"
    )


def test_an_older_keras_is_refused_in_one_line(monkeypatch, capsys):
    from padstride.runtime import load_keras

    monkeypatch.setattr(load_keras(), "__version__", "3.12.4")
    assert main(["explain", "valid"]) == 1
    line = error_line(capsys)
    assert "needs Keras 3.15 or newer, and this Python has Keras 3.12.4" in line and "restart" in line


def test_input_sizes():
    assert input_size("225") == (225, 225) and input_size("225x200") == (225, 200)
    assert input_size("64×32") == (64, 32)


def test_application_names_in_any_case():
    model, shape = load_model("mobilenetv2", (96, 96))
    assert model.name == "mobilenetv2_1.00_96" and shape is None
    assert tuple(model.inputs[0].shape[1:]) == (96, 96, 3)


def test_the_installed_command(tmp_path, capsys):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    ok = subprocess.run([str(PADSTRIDE), "explain", "valid"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    # A fresh process prints what this one does: layer names do not depend on what ran before.
    assert main(["explain", "valid"]) == 0
    assert ok.stdout == capsys.readouterr().out
    assert "conv_1 (Conv2D)" in ok.stdout
    bad = subprocess.run(
        [str(PADSTRIDE), "receptive", str(tmp_path / "none.keras")], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == f"padstride: error: {tmp_path / 'none.keras'}: no such file\n"


def test_check_exit_status_says_whether_a_warning_was_found(tmp_path, capsys):
    import json

    from padstride.runtime import load_keras

    k = load_keras()
    assert main(["check", "valid"]) == 0  # clean
    assert capsys.readouterr().out.strip() == "valid: no padding or stride pitfalls found"
    assert main(["check", "mobilenetv2", "--input", "97", "--json"]) == 0  # info only
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("rounded-maps", "info")]
    skipping = tmp_path / "skipping.keras"
    image = k.Input((28, 28, 1))
    k.Model(image, k.layers.Conv2D(4, 3, strides=4)(image)).save(skipping)
    assert main(["check", str(skipping), "--json"]) == 1  # a warning
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["rule"] for f in findings] == ["skipped-pixels", "unread-input"]
    assert "343 of the 784 pixels" in findings[1]["message"]
    assert main(["check", "nosuch"]) == 2
    assert "MODEL 'nosuch' is not allowed" in error_line(capsys)


def test_port_prints_the_zeros_for_each_target(capsys):
    import json

    assert main(["port", "stride", "--to", "torch"]) == 0
    out = capsys.readouterr().out
    assert "nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 32, 3, stride=2, padding=0))" in out
    assert main(["port", "stride", "--to", "onnx", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert "from onnx.helper import make_node" in plan["preamble"]
    assert "relu after conv_1" in plan["not_covered"]
    assert plan["layers"][0]["spelling"] == (
        '[make_node("Conv", ["x", "W", "B"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])]'
    )
    assert main(["port", "stride"]) == 2
    assert "--to" in error_line(capsys)
    assert main(["port", "stride", "--to", "caffe"]) == 2
    assert "invalid choice: 'caffe'" in error_line(capsys)
