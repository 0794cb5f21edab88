"""port(): the zeros are TensorFlow's (measured), and every spelling runs as printed and
reproduces Keras' outputs: ONNX through onnx's checker and onnxruntime, PyTorch when it is
installed."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import layers

from padstride import keras_same_padding, mnist_variant, port
from padstride.export.port import PORTED
from tests.onnx_engines import run_graph
from tests.spelling_runs import assert_spellings_run

FEW = settings(max_examples=20, deadline=None)


@FEW
@given(st.integers(1, 5), st.integers(1, 3), st.integers(3, 12), st.integers(3, 12))
def test_pads_are_the_zeros_keras_adds(kernel, strides, height, width):
    plan = port([layers.Conv2D(1, kernel, strides=strides, padding="same")], input_shape=(height, width))
    (row,) = plan
    top, bottom = keras_same_padding(height, kernel, strides)
    left, right = keras_same_padding(width, kernel, strides)
    assert row.pads == (left, right, top, bottom)
    assert row.spelling.endswith(f"pads=[{top}, {left}, {bottom}, {right}])]")


def lopsided_layers():
    """Layers whose zeros differ on the two sides on a 9×8 input, and the same layers in
    their symmetric settings: every branch of the spellings."""
    return [
        layers.Conv2D(4, 3, strides=2, padding="same"),  # (1, 1) rows, (0, 1) columns
        layers.Conv2D(3, 4, padding="same", use_bias=False),  # even kernel: (1, 2)
        layers.Conv2D(4, 3, dilation_rate=2, padding="same", groups=2),
        layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2),
        layers.SeparableConv2D(4, 3, strides=2, padding="same"),
        layers.MaxPooling2D(2, padding="same"),
        layers.AveragePooling2D(3, strides=2, padding="same"),
        layers.AveragePooling2D(3, strides=1, padding="same"),
        layers.ZeroPadding2D(((0, 1), (2, 1))),
        layers.Cropping2D(((1, 0), (0, 2))),
        layers.Conv2DTranspose(3, 3, strides=2, padding="same"),  # crops (1, 1) with output_padding 1
        layers.Conv2DTranspose(2, 4, strides=3, padding="same", output_padding=(1, 2)),
        layers.Conv2DTranspose(2, (2, 3), strides=(3, 2), padding="valid", dilation_rate=1),
        layers.Conv2DTranspose(2, 3, padding="same", dilation_rate=2, use_bias=False),
    ]


def test_every_ported_kind_is_covered():
    assert {type(layer).__name__ for layer in lopsided_layers()} == set(PORTED)


@pytest.mark.parametrize("index", range(len(lopsided_layers())))
def test_onnx_spelling_is_the_graph_that_matches_keras(index):
    import keras

    from padstride import onnx_model

    layer = lopsided_layers()[index]
    model = keras.Sequential([keras.Input((9, 8, 4)), layer])
    (row,) = port(model, to="onnx")
    proto = onnx_model(model)
    left, right, top, bottom = row.pads
    nodes = [
        n for n in proto.graph.node if n.op_type in ("Conv", "ConvTranspose", "MaxPool", "AveragePool", "Pad")
    ]
    pads = {tuple(a.ints) for n in nodes for a in n.attribute if a.name == "pads"}
    if row.kind not in ("ZeroPadding2D", "Cropping2D"):
        assert (top, left, bottom, right) in pads
    images = np.random.default_rng(index).normal(size=(2, 9, 8, 4)).astype("float32")
    np.testing.assert_allclose(run_graph(proto, images), np.asarray(model(images)), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("index", range(len(lopsided_layers())))
@pytest.mark.parametrize("to", ["onnx", "torch"])
def test_each_spelling_runs_as_printed_and_gives_keras_numbers(index, to):
    import keras

    torch = pytest.importorskip("torch", reason="PyTorch is not installed") if to == "torch" else None
    model = keras.Sequential([keras.Input((9, 8, 4)), lopsided_layers()[index]])
    assert assert_spellings_run(model, to, torch) == 1


def test_mobilenet_ports_to_onnx_exactly():
    import keras

    from padstride import onnx_model

    model = keras.applications.MobileNetV2(
        weights=None, alpha=0.35, input_shape=(32, 32, 3), include_top=False
    )
    plan = port(model, to="onnx")
    assert plan[0].layer == "Conv1" and plan[0].pads == (0, 1, 0, 1)
    images = np.random.default_rng(0).normal(size=(1, 32, 32, 3)).astype("float32")
    expected = np.asarray(model(images))
    # With random weights the last map is tiny (about 1e-10): compare relative to its size.
    scale = np.abs(expected).max()
    assert scale > 0
    graph = onnx_model(model)
    assert np.abs(run_graph(graph, images) - expected).max() <= 1e-4 * scale
    # The same graph with PyTorch's symmetric zeros at Conv1 is far off: the check can fail.
    conv1 = next(node for node in graph.graph.node if node.op_type == "Conv")
    pads = next(attribute for attribute in conv1.attribute if attribute.name == "pads")
    assert list(pads.ints) == [0, 0, 1, 1]
    pads.ints[:] = [1, 1, 1, 1]
    assert np.abs(run_graph(graph, images) - expected).max() > 0.1 * scale


def test_plan_prints_and_serialises():
    plan = port([layers.Conv2D(4, 3, strides=2, padding="same")], to="torch", input_shape=(8, 8, 2))
    text = plan.table()
    assert "nn.ZeroPad2d((0, 1, 0, 1))" in text and "1 with different zeros on the two sides" in text
    data = json.loads(plan.to_json())
    assert data["to"] == "torch" and data["layers"][0]["right"] == 1


def test_port_refuses_an_unknown_target():
    with pytest.raises(ValueError, match=r"to='tflite' is not allowed: give 'onnx' or 'torch'"):
        port([layers.Conv2D(4, 3)], to="tflite", input_shape=(8, 8))


def test_a_transposed_convolution_is_ported_with_the_zeros_it_crops():
    stack = [layers.Conv2D(4, 3), layers.Conv2DTranspose(2, 3, strides=2, padding="same", name="up")]
    (_, up) = port(stack, to="torch", input_shape=(8, 8, 1))
    # TensorFlow crops the last row and column of the full 13×13 output, not the first: PyTorch's
    # usual padding=1, output_padding=1 would crop the first and move every pixel by one.
    assert up.pads == (0, 1, 0, 1)
    assert up.spelling == (
        "nn.Sequential(nn.ConvTranspose2d(4, 2, 3, stride=2, padding=0, output_padding=0), nn.ZeroPad2d((0, -1, 0, -1)))"
    )


MODELS = {
    "mnist valid": lambda keras: mnist_variant("valid"),
    "mnist same": lambda keras: mnist_variant("same"),
    "mnist stride": lambda keras: mnist_variant("stride"),
    "MobileNetV2 224": lambda keras: keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3)),
    "MobileNetV2 225": lambda keras: keras.applications.MobileNetV2(weights=None, input_shape=(225, 225, 3)),
    "ResNet50 199": lambda keras: keras.applications.ResNet50(weights=None, input_shape=(199, 199, 3)),
    "decoder": lambda keras: keras.Sequential(
        [
            keras.Input((7, 7, 8)),
            keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
            keras.layers.Conv2DTranspose(4, 4, strides=2, padding="same"),
            keras.layers.Conv2DTranspose(1, 3, strides=1, padding="valid", activation="sigmoid"),
        ]
    ),
}


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("to", ["onnx", "torch"])
def test_every_spelling_of_real_models_runs_as_printed(keras, name, to):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed") if to == "torch" else None
    assert assert_spellings_run(MODELS[name](keras), to, torch) > 0
    keras.utils.clear_session()


def test_the_plan_says_what_its_spellings_leave_out():
    plan = port(mnist_variant("stride"), to="torch")
    text = plan.table()
    assert "Each spelling runs as printed after: import torch; from torch import nn." in text
    assert "relu after conv_1, conv_2, conv_3" in text and "x.permute(0, 2, 3, 1)" in text
    assert all(len(line) <= 100 for line in text.splitlines())
    data = json.loads(plan.to_json())
    assert data["preamble"] == plan.preamble and data["not_covered"].startswith("Not in the spellings")
    pool = port([layers.AveragePooling2D(3, strides=2, padding="same")], to="torch", input_shape=(8, 8, 1))
    assert (
        pool[0].spelling == "TFAvgPool2d(3, 2, (0, 1, 0, 1))"
        and "class TFAvgPool2d(nn.Module):" in pool.preamble
    )


def test_the_plan_says_how_a_depthwise_kernel_and_a_transposed_layer_differ():
    """The weight note follows the layout tests/spelling_runs.py feeds PyTorch (checked there
    against Keras' numbers); a transposed layer's uneven ends are crops."""
    depthwise = port(
        [layers.DepthwiseConv2D(3, strides=2, padding="same")], to="torch", input_shape=(8, 8, 3)
    )
    assert "reshaped to (kh, kw, 1, channels·multiplier) before that transpose" in depthwise.not_covered
    assert "depthwise" not in port(mnist_variant("stride"), to="torch").not_covered
    up = port([layers.Conv2DTranspose(1, 3, strides=2, padding="same")], to="torch", input_shape=(4, 4, 2))
    text = up.table()
    assert "1 layer, 1 with different zeros (crops, for a transposed layer) on the two sides" in text
