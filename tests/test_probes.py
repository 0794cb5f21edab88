import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from padstride.conv.arithmetic import same_padding
from padstride.measure.layers import jacobian_pattern
from padstride.measure.probes import keras_gradient_support, keras_influence, keras_same_padding
from tests.layer_stacks import build, stacks


@settings(max_examples=30)
@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 3), st.integers(1, 2))
def test_measured_same_split_equals_the_arithmetic(n, k, s, d):
    assume(s == 1 or d == 1)
    assert keras_same_padding(n, k, s, d) == same_padding(n, k, s, d)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 3), "size=0 is not allowed: size must be a positive integer"),
        ((-3, 3), "size=-3 is not allowed: size must be a positive integer"),
        ((5, 3.0), "kernel_size=3.0 is not allowed: kernel_size must be a positive integer"),
        (("5", 3), "size='5' is not allowed: size must be a positive integer"),
        ((5, 3, 2, 2), "strides=2 with dilation_rate=2 is not allowed"),
    ],
)
def test_bad_same_padding_arguments_are_named(args, message):
    with pytest.raises(ValueError, match=message):
        keras_same_padding(*args)


def test_influence_by_hand(keras):
    layers = keras.layers
    seen = keras_influence([layers.Conv2D(3, 3, padding="same")], (5, 5))
    expected = np.zeros((5, 5), bool)
    expected[:2, :2] = True  # the corner output reads a 2×2 corner; the rest is padding
    assert (seen[0, 0] == expected).all()
    dilated = keras_influence([layers.Conv2D(1, 2, dilation_rate=2)], (4, 4))
    assert sorted(zip(*np.nonzero(dilated[0, 0]))) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    pooled = keras_influence([layers.MaxPooling2D(2)], (5, 5))
    assert pooled.shape == (2, 2, 5, 5) and not pooled[..., 4, :].any()


@settings(max_examples=15)
@given(stacks(with_max_pooling=False), st.integers(5, 12))
def test_influence_matches_the_gradients(specs, size):
    layers = build(specs)
    try:
        seen = keras_influence(layers, (size, size))
    except ValueError:
        assume(False)
    assert (seen == jacobian_pattern(layers, (size, size))).all()


@settings(max_examples=20)
@given(stacks(), st.integers(5, 10))
def test_gradient_support_is_one_output_pixels_influence(specs, size):
    # The gradient copy measures max pooling as average pooling over the same windows,
    # the impulse copy sends lit pixels through the real max pooling: they agree.
    layers = build(specs)
    try:
        seen = keras_influence(layers, (size, size))
    except ValueError:
        assume(False)
    for pixel in {(0, 0), (seen.shape[0] - 1, seen.shape[1] - 1), (seen.shape[0] // 2, seen.shape[1] // 2)}:
        assert (keras_gradient_support(layers, pixel, input_shape=(size, size)) == seen[pixel]).all()


def test_functional_models_by_output(keras):
    layers = keras.layers
    image = keras.Input((9, 9, 1), name="image")
    a = layers.Conv2D(2, 3, name="a")(image)
    b = layers.MaxPooling2D(3, strides=1, name="b")(image)
    joined = layers.Multiply(name="joined")([a, b])
    model = keras.Model(image, [a, joined])
    with pytest.raises(ValueError, match="has 2 outputs \\(a, joined\\): choose one with output="):
        keras_influence(model)
    assert keras_influence(model, output="a")[0, 0].sum() == 9
    assert (keras_influence(model, output=1) == keras_influence(model, output="joined")).all()
    with pytest.raises(
        ValueError, match="output='nope' is not allowed: model '.*' has no layer of that name"
    ):
        keras_influence(model, output="nope")
    # a different input size than the model's own
    assert keras_influence(model, input_shape=(6, 6), output="a").shape == (4, 4, 6, 6)


def test_a_product_with_a_global_average_reads_everything(keras):
    layers = keras.layers
    image = keras.Input((8, 8, 1))
    x = layers.Conv2D(2, 3, padding="same")(image)
    gate = layers.Conv2D(2, 1)(layers.GlobalAveragePooling2D(keepdims=True)(x))
    model = keras.Model(image, layers.Multiply()([x, gate]))
    assert keras_gradient_support(model, (0, 0)).all()
    assert keras_influence(model)[0, 0].all()


def test_unsupported_layers_are_named(keras):
    with pytest.raises(
        ValueError, match="layer 'noise' is a GaussianNoise, which the Keras probes do not measure"
    ):
        keras_influence([keras.layers.GaussianNoise(0.5, name="noise")], (4, 4))
    with pytest.raises(ValueError, match="input_shape=None is not allowed"):
        keras_influence([keras.layers.Conv2D(1, 3)])
    with pytest.raises(ValueError, match="pixel=\\(5, 0\\) is not allowed: the output has 2×2 pixels"):
        keras_gradient_support([keras.layers.Conv2D(1, 3)], (5, 0), input_shape=(4, 4))
    with pytest.raises(ValueError, match="model=None is not allowed"):
        keras_influence(None)


def test_the_probes_use_none_of_the_arithmetic_they_check():
    source = Path(__file__).parents[1] / "padstride" / "measure" / "probes.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            imported.add("." * node.level + (node.module or ""))
    # argument checks, importing Keras, and reading Keras' own graph: never the package's arithmetic
    assert imported <= {"..", "..runtime", "..keras_graph"}
