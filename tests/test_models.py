import subprocess
import sys

import pytest

from padstride.models import conv_model, mnist_model, mnist_variant, summary_text

SEED_MODELS = {
    # variant: (parameters, output sizes of the three Conv2D layers, Flatten length)
    "valid": (2_002_698, [26, 24, 22], 15488),
    "same": (3_231_498, [28, 28, 28], 25088),
    "stride": (85_770, [14, 7, 4], 512),
}


@pytest.mark.parametrize("variant", SEED_MODELS)
def test_seed_models(variant):
    params, sizes, flat = SEED_MODELS[variant]
    model = mnist_variant(variant)
    assert model.count_params() == params
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert [tuple(layer.output.shape) for layer in convs] == [(None, n, n, 32) for n in sizes]
    assert tuple(model.get_layer("flatten").output.shape) == (None, flat)
    assert tuple(model.outputs[0].shape) == (None, 10)


def test_mnist_model_arguments():
    assert mnist_model("same", strides=2).count_params() == 85_770
    assert mnist_model().name == "valid"


def test_numeric_padding_becomes_zeropadding2d():
    model = conv_model(padding=1, strides=2)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds[:2] == ["ZeroPadding2D", "Conv2D"]
    assert tuple(model.get_layer("pad_1").output.shape) == (None, 30, 30, 1)
    assert tuple(model.get_layer("conv_1").output.shape) == (None, 14, 14, 32)
    assert model.get_layer("conv_1").get_config()["padding"] == "valid"
    asym = conv_model(padding=((0, 1), (0, 1)), strides=2, conv_layers=1)
    assert tuple(asym.get_layer("conv_1").output.shape) == (None, 14, 14, 32)


def test_builder_options():
    model = conv_model(
        (32, 24, 3), padding="same", filters=8, kernel_size=5, conv_layers=2, dense_units=16, classes=3
    )
    assert tuple(model.outputs[0].shape) == (None, 3)
    assert tuple(model.get_layer("conv_2").output.shape) == (None, 32, 24, 8)
    assert model.get_layer("conv_1").count_params() == 5 * 5 * 3 * 8 + 8


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"padding": "full"}, "padding='full' is not allowed"),
        ({"padding": -1}, "padding=-1 is not allowed"),
        ({"filters": 0}, "filters=0 is not allowed"),
        ({"conv_layers": 0}, "conv_layers=0 is not allowed"),
    ],
)
def test_builder_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv_model(**kwargs)
    with pytest.raises(ValueError, match="variant='strided' is not allowed: use one of valid, same, stride"):
        mnist_variant("strided")


def test_names_and_summary_do_not_depend_on_what_ran_before():
    first = summary_text(mnist_variant("stride"))
    for _ in range(2):
        conv_model()
    again = summary_text(mnist_variant("stride"))
    assert first == again
    assert first.startswith('Model: "same_stride2"')
    assert "conv_1 (Conv2D)" in first and "(None, 14, 14, 32)" in first
    assert "Total params: 85,770" in first
    assert "\x1b[" not in first
    assert max(len(line) for line in first.splitlines()) <= 80


def test_summary_is_the_same_in_a_fresh_process():
    code = (
        "from padstride.models import mnist_variant, summary_text;"
        "print(summary_text(mnist_variant('valid')), end='')"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == summary_text(mnist_variant("valid"))


def test_summary_width_does_not_follow_the_terminal(monkeypatch):
    wide = summary_text(mnist_variant("same"))
    monkeypatch.setenv("COLUMNS", "40")
    assert summary_text(mnist_variant("same")) == wide
