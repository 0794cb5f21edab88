import inspect
import re
import subprocess
import sys

import numpy as np
import pytest

from padstride import arguments
from padstride.demo.models import (
    conv_model,
    mnist_model,
    mnist_variant,
    one_filter_conv,
    padding_layers,
    summary_text,
)
from padstride.measure.layers import conv_map, zero_pad

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
    assert mnist_model(strides=2, padding="same").count_params() == 85_770
    assert mnist_model().name == "valid"
    with pytest.raises(TypeError):  # by keyword only: no positional order to get wrong
        mnist_model("same", 2)


def test_keras_names_in_keras_order():
    """conv_model's Conv2D settings carry Keras' names, in Conv2D's order."""
    ours = list(inspect.signature(conv_model).parameters)
    assert ours == [
        "input_shape",
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "conv_layers",
        "dense_units",
        "classes",
        "name",
    ]
    from padstride.runtime import load_keras

    keras_order = list(inspect.signature(load_keras().layers.Conv2D).parameters)
    settings = ["filters", "kernel_size", "strides", "padding"]
    assert sorted(settings, key=keras_order.index) == settings == [p for p in ours if p in settings]
    assert list(inspect.signature(mnist_model).parameters) == ["strides", "padding"]


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
        # Keras said TypeError here, or "Received kernel_size=3", or "expected min_ndim=4"
        ({"input_shape": 28}, "input_shape=28 is not allowed: give (height, width, channels)"),
        ({"input_shape": None}, "input_shape=None is not allowed: give (height, width, channels)"),
        ({"input_shape": (28, 28)}, "input_shape=(28, 28) is not allowed: give (height, width, channels)"),
        ({"kernel_size": "3"}, "kernel_size='3' is not allowed: kernel_size must be a positive integer"),
        # Keras built a model with no channels
        ({"input_shape": (28, 28, 0)}, "input_shape=(28, 28, 0) is not allowed: height, width and channels"),
        ({"strides": (2, 0)}, "strides=0 is not allowed"),
        ({"strides": 2**31}, "strides=2147483648 is not allowed: TensorFlow takes at most 2147483647"),
        ({"name": 5}, "name=5 is not allowed: give a non-empty string"),
        (
            {"input_shape": (5, 5, 1)},
            'conv_3 on its 1×1 input: a 3×3 kernel does not fit a 1×1 input with padding="valid"',
        ),
    ],
)
def test_builder_bad_input(kwargs, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        conv_model(**kwargs)


def test_variant_bad_input():
    with pytest.raises(ValueError, match="variant='strided' is not allowed: use one of valid, same, stride"):
        mnist_variant("strided")


@pytest.mark.parametrize("padding", ["SAME", "valid", 1, (0, 1), ((0, 1), (2, 0))])
def test_padding_layers_match_what_keras_does(padding, keras):
    """padding_layers' ZeroPadding2D + Conv2D gives Keras' own result."""
    layer, word = padding_layers(padding, name="pad")
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 6)), rng.normal(size=(3, 3))
    if isinstance(padding, str):
        assert layer is None and word == padding.lower()
        expected = conv_map(image, kernel, padding)
    else:
        assert type(layer).__name__ == "ZeroPadding2D" and layer.name == "pad" and word == "valid"
        # ours: (0, 1) is (before, after) on both axes; Keras' ZeroPadding2D reads a pair of
        # ints as (height, width), so the oracle gets ((top, bottom), (left, right)) spelled out
        expected = conv_map(zero_pad(image, arguments.pixel_padding_2d(padding)), kernel, "valid")
    model = one_filter_conv(image.shape, kernel, padding=padding)
    ours = np.asarray(model(image[None, :, :, None].astype("float32")))[0, :, :, 0]
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


def test_one_filter_conv():
    kernel = np.ones((8, 8))
    assert one_filter_conv((8, 8), kernel).count_params() == 65
    assert one_filter_conv((8, 8), np.ones((3, 3)), strides=2).output_shape == (None, 3, 3, 1)
    assert one_filter_conv(8, np.ones((3, 3)), padding=1).output_shape == (None, 8, 8, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bias": [1, 2]}, "bias=[1, 2] is not allowed: bias must be one real number"),
        ({"kernel": [[1j]]}, "kernel=[[1j]] is not allowed: it is complex"),
        ({"input_shape": (8, 8, 1, 1)}, "input_shape=(8, 8, 1, 1) is not allowed: give one number or a"),
        ({"dilation_rate": 2**31}, "a 3×3 kernel dilated by 2147483648 (spanning 4294967297) does not fit"),
        ({"strides": 2**31}, "strides=2147483648 is not allowed: TensorFlow takes at most"),
        ({"padding": 2**31}, "padding=2147483648 is not allowed: TensorFlow takes at most"),
    ],
)
def test_one_filter_conv_bad_input(kwargs, message):
    args = {"input_shape": (8, 8), "kernel": np.ones((3, 3)), **kwargs}
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        one_filter_conv(**args)


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
        "from padstride.demo.models import mnist_variant, summary_text;"
        "print(summary_text(mnist_variant('valid')), end='')"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == summary_text(mnist_variant("valid"))


def test_summary_width_does_not_follow_the_terminal(monkeypatch):
    wide = summary_text(mnist_variant("same"))
    monkeypatch.setenv("COLUMNS", "40")
    assert summary_text(mnist_variant("same")) == wide
