"""port(): the zeros are TensorFlow's (measured), and the spellings reproduce Keras' outputs:
ONNX through the onnx package's ReferenceEvaluator, PyTorch when it is installed."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import layers

from padstride import keras_same_padding, port
from padstride.export.port import PORTED

FEW = settings(max_examples=20, deadline=None)


@FEW
@given(st.integers(1, 5), st.integers(1, 3), st.integers(3, 12), st.integers(3, 12))
def test_pads_are_the_zeros_keras_adds(kernel, strides, height, width):
    plan = port([layers.Conv2D(1, kernel, strides=strides, padding="same")], input_shape=(height, width))
    (row,) = plan
    top, bottom = keras_same_padding(height, kernel, strides)
    left, right = keras_same_padding(width, kernel, strides)
    assert row.pads == (left, right, top, bottom)
    assert row.spelling.endswith(f"pads=[{top}, {left}, {bottom}, {right}])")


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
    ]


def test_every_ported_kind_is_covered():
    assert {type(layer).__name__ for layer in lopsided_layers()} == set(PORTED)


@pytest.mark.parametrize("index", range(len(lopsided_layers())))
def test_onnx_spelling_is_the_graph_that_matches_keras(index):
    import keras

    from padstride import onnx_model, run_onnx

    layer = lopsided_layers()[index]
    model = keras.Sequential([keras.Input((9, 8, 4)), layer])
    (row,) = port(model, to="onnx")
    proto = onnx_model(model)
    left, right, top, bottom = row.pads
    nodes = [n for n in proto.graph.node if n.op_type in ("Conv", "MaxPool", "AveragePool", "Pad")]
    pads = {tuple(a.ints) for n in nodes for a in n.attribute if a.name == "pads"}
    if row.kind not in ("ZeroPadding2D", "Cropping2D"):
        assert (top, left, bottom, right) in pads
    images = np.random.default_rng(index).normal(size=(2, 9, 8, 4)).astype("float32")
    np.testing.assert_allclose(run_onnx(proto, images), np.asarray(model(images)), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("index", range(len(lopsided_layers())))
def test_torch_spelling_reproduces_keras(index):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: the torch spellings are not run")
    import keras

    layer = lopsided_layers()[index]
    model = keras.Sequential([keras.Input((9, 8, 4)), layer])
    (row,) = port(model, to="torch")
    module = eval(row.spelling, {"nn": torch.nn, "F": torch.nn.functional, "torch": torch})
    _copy_weights(layer, module, torch)
    images = np.random.default_rng(index).normal(size=(2, 9, 8, 4)).astype("float32")
    with torch.no_grad():
        result = module(torch.from_numpy(images.transpose(0, 3, 1, 2))).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(result, np.asarray(model(images)), atol=1e-5, rtol=1e-5)


def _copy_weights(layer, module, torch):
    """Keras' kernels in PyTorch's layout: (kh, kw, in, out) → (out, in, kh, kw)."""
    modules = module.modules() if isinstance(module, torch.nn.Module) else ()  # a lambda has none
    convolutions = [m for m in modules if isinstance(m, torch.nn.Conv2d)]
    weights = layer.get_weights()
    kind = type(layer).__name__
    if kind in ("DepthwiseConv2D", "SeparableConv2D"):
        depthwise = weights[0]
        kh, kw, channels, multiplier = depthwise.shape
        weights[0] = depthwise.reshape(kh, kw, 1, channels * multiplier)  # output c·m + j
    for conv, kernel in zip(convolutions, weights[: len(convolutions)]):
        conv.weight.data = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
    bias = weights[len(convolutions) :]
    if convolutions and bias:
        convolutions[-1].bias.data = torch.from_numpy(bias[0])
    elif convolutions and convolutions[-1].bias is not None:
        convolutions[-1].bias.data.zero_()


def test_mobilenet_ports_to_onnx_exactly():
    import keras

    from padstride import onnx_model, run_onnx

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
    assert np.abs(run_onnx(graph, images) - expected).max() <= 1e-4 * scale
    # The same graph with PyTorch's symmetric zeros at Conv1 is far off: the check can fail.
    conv1 = next(node for node in graph.graph.node if node.op_type == "Conv")
    pads = next(attribute for attribute in conv1.attribute if attribute.name == "pads")
    assert list(pads.ints) == [0, 0, 1, 1]
    pads.ints[:] = [1, 1, 1, 1]
    assert np.abs(run_onnx(graph, images) - expected).max() > 0.1 * scale


def test_plan_prints_and_serialises():
    plan = port([layers.Conv2D(4, 3, strides=2, padding="same")], to="torch", input_shape=(8, 8, 2))
    text = plan.table()
    assert "nn.ZeroPad2d((0, 1, 0, 1))" in text and text.endswith("1 with different zeros on the two sides")
    data = json.loads(plan.to_json())
    assert data["to"] == "torch" and data["layers"][0]["right"] == 1


def test_port_refuses_an_unknown_target():
    with pytest.raises(ValueError, match=r"to='tflite' is not allowed: give 'onnx' or 'torch'"):
        port([layers.Conv2D(4, 3)], to="tflite", input_shape=(8, 8))


def test_port_refuses_a_transposed_convolution_rather_than_skip_it():
    stack = [layers.Conv2D(4, 3), layers.Conv2DTranspose(2, 3, strides=2, name="up")]
    with pytest.raises(ValueError, match=r"layer 'up' is a Conv2DTranspose, whose zeros port does not write"):
        port(stack, to="onnx", input_shape=(8, 8, 1))
