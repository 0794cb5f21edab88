"""onnx_model against Keras: the ONNX graph, run by onnx's ReferenceEvaluator, gives Keras'
outputs (float32, atol 1e-5) on random inputs, with TensorFlow's lopsided "same" zeros."""

import subprocess
import sys

import numpy as np
import onnx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from padstride.export.onnx import CONVERTED_LAYERS, OPSET, onnx_model, run_onnx
from padstride.model.explain import explain
from padstride.model.kinds.onnx_parts import ACTIVATIONS
from tests.onnx_engines import run_graph

ATOL = 1e-5
# Keras warns that its rms_scaling divides by the variance; the conversion reproduces that.
pytestmark = pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`:UserWarning")


@pytest.fixture(autouse=True)
def seeded(keras):
    keras.utils.set_random_seed(0)


def images(shape, batch=2, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, *shape)).astype("float32")


def as_list(outputs):
    return [np.asarray(o) for o in outputs] if isinstance(outputs, (list, tuple)) else [np.asarray(outputs)]


def assert_matches_keras(model, x, atol=ATOL, rtol=0.0):
    """The ONNX graph of ``model`` gives model(x) (one output or several); returns the proto."""
    proto = onnx_model(model)
    got, want = as_list(run_graph(proto, x)), as_list(model(x))
    assert [g.shape for g in got] == [w.shape for w in want]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=atol, rtol=rtol)
    return proto


def sequential(keras, shape, *layers):
    return keras.Sequential([keras.Input(shape), *layers])


def all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from all_layers(layer)


def randomise_normalisations(keras, model, seed=0):
    """Statistics away from (0, 1) and gamma, beta away from (1, 0), so normalisation layers
    change the numbers."""
    rng = np.random.default_rng(seed)
    for layer in all_layers(model):
        if isinstance(layer, keras.layers.LayerNormalization):
            layer.set_weights([rng.uniform(0.5, 1.5, w.shape) for w in layer.get_weights()])
        if isinstance(layer, keras.layers.BatchNormalization):
            size = layer.moving_mean.shape
            values = [rng.uniform(0.5, 1.5, size)] if layer.scale else []
            values += [rng.normal(0, 0.2, size)] if layer.center else []
            layer.set_weights([*values, rng.normal(0, 0.3, size), rng.uniform(0.3, 2.0, size)])


def pads_of(node):
    return next(list(a.ints) for a in node.attribute if a.name == "pads")


# (input shape, layers) per case: every converted layer kind, and the windows whose
# TensorFlow "same" zeros are lopsided.
LAYER_CASES = {
    "conv same s2 even (0, 1)": ((8, 8, 3), lambda L: [L.Conv2D(4, 3, strides=2, padding="same")]),
    "conv same s2 odd (1, 1)": ((7, 7, 3), lambda L: [L.Conv2D(4, 3, strides=2, padding="same")]),
    "conv even kernel (1, 2)": ((6, 7, 2), lambda L: [L.Conv2D(3, 4, padding="same", activation="relu")]),
    "conv non-square": ((7, 10, 2), lambda L: [L.Conv2D(3, (2, 3), strides=(2, 3), padding="same")]),
    "conv dilation": ((9, 8, 2), lambda L: [L.Conv2D(3, (3, 2), dilation_rate=(2, 3), padding="same")]),
    "conv groups": ((6, 6, 4), lambda L: [L.Conv2D(6, 3, groups=2, use_bias=False, activation="relu6")]),
    "conv valid s3": ((11, 9, 2), lambda L: [L.Conv2D(2, 3, strides=3)]),
    "depthwise same s2": ((8, 7, 3), lambda L: [L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)]),
    "depthwise stride and dilation": ((11, 10, 2), lambda L: [L.DepthwiseConv2D(3, strides=2, dilation_rate=2, padding="same")]),
    "separable same s2": ((9, 8, 3), lambda L: [L.SeparableConv2D(5, 4, strides=2, padding="same", depth_multiplier=2, activation="tanh")]),
    "separable no bias": ((6, 6, 2), lambda L: [L.SeparableConv2D(3, (3, 1), use_bias=False)]),
    "max pool same s2": ((8, 7, 3), lambda L: [L.MaxPooling2D(3, strides=2, padding="same")]),
    "max pool non-square": ((9, 8, 2), lambda L: [L.MaxPooling2D((3, 2), strides=(2, 1), padding="same")]),
    "average pool same s2": ((8, 7, 3), lambda L: [L.AveragePooling2D(3, strides=2, padding="same")]),
    "average pool even window": ((7, 6, 2), lambda L: [L.AveragePooling2D(4, strides=1, padding="same")]),
    "average pool valid": ((7, 6, 2), lambda L: [L.AveragePooling2D(2)]),
    "global average": ((5, 6, 3), lambda L: [L.GlobalAveragePooling2D()]),
    "global average keepdims": ((5, 6, 3), lambda L: [L.GlobalAveragePooling2D(keepdims=True)]),
    "global max": ((5, 6, 3), lambda L: [L.GlobalMaxPooling2D()]),
    "global max keepdims": ((5, 6, 3), lambda L: [L.GlobalMaxPooling2D(keepdims=True), L.Conv2D(2, 1)]),
    "zero padding and cropping": ((5, 6, 2), lambda L: [L.ZeroPadding2D(((1, 0), (2, 3))), L.Cropping2D(((0, 2), (3, 1)))]),
    "upsampling": ((4, 5, 2), lambda L: [L.UpSampling2D((2, 3))]),
    "transpose same s2 (crops 0 before, 1 after)": ((4, 5, 3), lambda L: [L.Conv2DTranspose(4, 3, strides=2, padding="same")]),
    "transpose valid s3 non-square": ((3, 4, 2), lambda L: [L.Conv2DTranspose(2, (2, 3), strides=(3, 2))]),
    "transpose output padding": ((4, 4, 2), lambda L: [L.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=0, activation="relu")]),
    "transpose dilation": ((5, 4, 2), lambda L: [L.Conv2DTranspose(2, 3, dilation_rate=2, padding="same", use_bias=False)]),
    "batch norm": ((5, 6, 3), lambda L: [L.BatchNormalization()]),
    "batch norm no centre or scale": ((5, 6, 3), lambda L: [L.BatchNormalization(center=False, scale=False, epsilon=0.1)]),
    "batch norm after dense": ((6,), lambda L: [L.Dense(4), L.BatchNormalization()]),
    "layer norm": ((5, 6, 3), lambda L: [L.Conv2D(4, 3), L.LayerNormalization()]),
    "layer norm over three axes": ((5, 6, 3), lambda L: [L.LayerNormalization(axis=[1, 2, 3], center=False)]),
    "layer norm rms": ((5, 6, 3), lambda L: [L.LayerNormalization(rms_scaling=True)]),
    "relu clipped and leaky": ((5, 6, 3), lambda L: [L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.3)]),
    "relu threshold": ((5, 6, 3), lambda L: [L.Conv2D(3, 1), L.ReLU(threshold=0.4)]),
    "relu leaky only": ((5, 6, 3), lambda L: [L.ReLU(negative_slope=0.25)]),
    "softmax channels": ((5, 6, 3), lambda L: [L.Conv2D(4, 1), L.Softmax()]),
    "softmax over height": ((5, 6, 3), lambda L: [L.Conv2D(4, 1), L.Softmax(axis=1)]),
    "dropout": ((5, 6, 3), lambda L: [L.Conv2D(4, 3), L.Dropout(0.5)]),
    "rescaling": ((5, 6, 3), lambda L: [L.Rescaling(1 / 255, offset=-1.0), L.Conv2D(2, 1)]),
    "rescaling per channel": ((5, 6, 3), lambda L: [L.Conv2D(3, 1), L.Rescaling([1.0, 2.0, -3.0], offset=[0.0, 1.0, 2.0])]),
    "normalization": ((5, 6, 3), lambda L: [L.Conv2D(3, 1), L.Normalization(mean=[0.5, -1.0, 2.0], variance=[4.0, 0.25, 1.0])]),
    "normalization inverted": ((5, 6, 3), lambda L: [L.Normalization(mean=1.5, variance=4.0, invert=True)]),
    "flatten dense": ((5, 6, 3), lambda L: [L.Conv2D(4, 3, strides=2, padding="same"), L.Flatten(), L.Dense(5, activation="softmax")]),
    "dense on positions and reshape back": ((4, 6, 3), lambda L: [L.Conv2D(4, 3, padding="same"), L.Reshape((24, 4)), L.Dense(2), L.Reshape((4, 6, 2)), L.Conv2D(2, 3)]),
    "dense without bias": ((7,), lambda L: [L.Dense(3, use_bias=False, activation="sigmoid")]),
}  # fmt: skip


@pytest.mark.parametrize("case", LAYER_CASES)
def test_layer_matches_keras(keras, case):
    shape, make = LAYER_CASES[case]
    model = sequential(keras, shape, *make(keras.layers))
    randomise_normalisations(keras, model)
    assert_matches_keras(model, images(shape))


def test_every_converted_layer_kind_is_compared(keras):
    kinds = {type(layer).__name__ for _, make in LAYER_CASES.values() for layer in make(keras.layers)}
    elsewhere = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Concatenate", "Activation"}
    assert set(CONVERTED_LAYERS) - kinds - elsewhere == set()


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations_match_keras(keras, activation):
    layers = keras.layers
    image = keras.Input((4, 5, 3))
    # Softmax on images: over channels, which the NCHW graph holds on axis 1.
    model = keras.Model(
        image, [layers.Conv2D(4, 3, activation=activation)(image), layers.Activation(activation)(image)]
    )
    # Inputs of about ±7 reach relu6's and hard_sigmoid's corners. Exponential then gives
    # values in the hundreds, where one float32 step is 3e-5 and TensorFlow's exp and NumPy's
    # differ by a step or two: a relative tolerance of 1e-6 besides atol.
    assert_matches_keras(model, 3 * images((4, 5, 3)), rtol=1e-6)


def test_normalization_divides_by_max_of_root_variance_and_epsilon(keras):
    # Variance 1e-16: Keras divides by max(1e-8, 1e-7) = 1e-7 (√(variance + ε) would give
    # 3.2e-4). The outputs are near 1e7, where float32 steps are about 1: relative tolerance.
    model = sequential(keras, (3, 3, 2), keras.layers.Normalization(mean=[0.0, 1.0], variance=[1e-16, 1.0]))
    x = images((3, 3, 2))
    assert_matches_keras(model, x, atol=ATOL, rtol=1e-6)
    assert np.abs(run_graph(onnx_model(model), x)[..., 0]).max() > 1e6


def test_adapted_normalization(keras):
    layer = keras.layers.Normalization()
    layer.adapt(3 + 2 * images((5, 6, 3), batch=8, seed=1))
    assert_matches_keras(sequential(keras, (5, 6, 3), layer), images((5, 6, 3)))


@settings(max_examples=25, deadline=None)
@given(
    size=st.tuples(st.integers(5, 12), st.integers(5, 12)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    strides=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    padding=st.sampled_from(["valid", "same"]),
)
def test_conv2d_matches_keras_for_any_settings(keras, size, kernel, strides, dilation, padding):
    assume(max(strides) == 1 or max(dilation) == 1)  # Keras' Conv2D refuses both above 1
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    assume(padding == "same" or all(span <= n for span, n in zip(spans, size)))
    layer = keras.layers.Conv2D(3, kernel, strides=strides, padding=padding, dilation_rate=dilation)
    x = images((*size, 2))
    got = run_graph(onnx_model([layer], input_shape=(*size, 2)), x)
    np.testing.assert_allclose(got, np.asarray(layer(x)), atol=ATOL)


def lopsided_model(keras):
    layers = keras.layers
    return sequential(
        keras,
        (8, 9, 2),
        layers.Conv2D(4, 3, strides=2, padding="same", name="conv"),  # 8 → (0, 1), 9 → (1, 1)
        layers.DepthwiseConv2D(4, padding="same", name="depthwise"),  # even kernel: (1, 2)
        layers.MaxPooling2D(2, padding="same", name="max"),  # 4 → (0, 0), 5 → (0, 1)
        layers.ZeroPadding2D(((2, 0), (0, 1)), name="pad"),
        layers.AveragePooling2D(3, strides=2, padding="same", name="average"),
        layers.SeparableConv2D(3, 2, strides=2, padding="same", name="separable"),
    )


def test_node_pads_are_explains_zeros(keras):
    model = lopsided_model(keras)
    proto = onnx_model(model)
    windows = {}  # the first window node of each layer (a separable layer's depthwise half)
    for node in proto.graph.node:
        if node.op_type in ("Conv", "MaxPool", "AveragePool"):
            windows.setdefault(node.name.split("/")[0], node)
    constants = {init.name: onnx.numpy_helper.to_array(init).tolist() for init in proto.graph.initializer}
    lopsided = 0
    for row in explain(model):
        (top, bottom), (left, right) = row.padding
        if row.kind == "ZeroPadding2D":
            pad = next(node for node in proto.graph.node if node.op_type == "Pad")
            assert constants[pad.input[1]] == [0, 0, top, left, 0, 0, bottom, right]
        else:
            assert pads_of(windows[row.name]) == [top, left, bottom, right], row.name
        lopsided += top != bottom or left != right
    assert lopsided == 5  # all but the separable layer's (0, 0)
    assert not any(a.name == "auto_pad" for node in proto.graph.node for a in node.attribute)
    assert_matches_keras(model, images((8, 9, 2)))


def test_symmetric_pads_would_be_wrong(keras):
    # The test above can fail: with the odd zero moved before (SAME_LOWER), the outputs differ.
    model = sequential(keras, (8, 8, 2), keras.layers.Conv2D(3, 3, strides=2, padding="same"))
    proto = onnx_model(model)
    conv = next(node for node in proto.graph.node if node.op_type == "Conv")
    assert pads_of(conv) == [0, 0, 1, 1]
    next(a for a in conv.attribute if a.name == "pads").ints[:] = [1, 1, 0, 0]
    x = images((8, 8, 2))
    assert np.abs(run_graph(proto, x) - np.asarray(model(x))).max() > 0.1


def test_functional_branches_merges_and_a_layer_called_twice(keras):
    layers = keras.layers
    image = keras.Input((9, 10, 3), name="image")
    stem = layers.Conv2D(4, 3, strides=2, padding="same", name="stem")(image)
    shared = layers.Conv2D(4, 3, padding="same", name="shared")
    once = shared(stem)
    twice = shared(layers.ReLU()(once))
    pooled = layers.Conv2D(4, 1, name="side")(layers.MaxPooling2D(3, strides=2, padding="same")(image))
    gate = layers.Dense(4, activation="sigmoid")(layers.GlobalAveragePooling2D(keepdims=True)(pooled))
    vector = layers.Dense(4)(layers.GlobalMaxPooling2D()(stem))  # (4,): broadcast over 5×5
    merged = layers.Concatenate()(
        [
            layers.Add()([once, twice, pooled]),
            layers.Subtract()([once, pooled]),
            layers.Multiply()([twice, gate]),
            layers.Average()([once, twice]),
            layers.Maximum()([pooled, twice]),
            layers.Add()([stem, vector]),
        ]
    )
    logits = layers.Dense(3)(layers.Flatten()(merged))
    model = keras.Model(image, [logits, merged])
    proto = assert_matches_keras(model, images((9, 10, 3)))
    assert sum(init.name == "shared/kernel" for init in proto.graph.initializer) == 1
    transposes_of_input = [n for n in proto.graph.node if n.op_type == "Transpose" and n.input == ["image"]]
    assert len(transposes_of_input) == 1


def test_two_inputs_two_outputs(keras):
    layers = keras.layers
    a, b = keras.Input((6, 6, 2), name="a"), keras.Input((6, 6, 2), name="b")
    joined = layers.Concatenate()(
        [layers.Conv2D(3, 2, strides=2, padding="same")(a), layers.AveragePooling2D(2)(b)]
    )
    model = keras.Model([a, b], [joined, layers.Flatten()(b)])
    proto = onnx_model(model)
    assert [i.name for i in proto.graph.input] == ["a", "b"]
    x = [images((6, 6, 2), seed=1), images((6, 6, 2), seed=2)]
    for got, want in zip(run_graph(proto, x), model(x), strict=True):
        np.testing.assert_allclose(got, np.asarray(want), atol=ATOL)


def test_nested_sequential_inside_functional(keras):
    layers = keras.layers
    block = keras.Sequential(
        [layers.Conv2D(4, 3, strides=2, padding="same"), layers.BatchNormalization(), layers.ReLU(6.0)],
        name="block",
    )
    image = keras.Input((10, 11, 3))
    x = block(layers.Conv2D(3, 1)(image))
    model = keras.Model(image, layers.Add()([x, layers.Conv2D(4, 1, strides=2)(image)]))
    randomise_normalisations(keras, model)
    assert_matches_keras(model, images((10, 11, 3)))


def test_resnet_block(keras):
    layers = keras.layers
    image = keras.Input((12, 12, 4))
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(image)
    x = layers.ReLU()(layers.BatchNormalization()(x))
    x = layers.BatchNormalization()(layers.Conv2D(8, 3, padding="same", use_bias=False)(x))
    shortcut = layers.BatchNormalization()(layers.Conv2D(8, 1, strides=2, use_bias=False)(image))
    x = layers.Activation("relu")(layers.Add()([x, shortcut]))
    model = keras.Model(image, layers.Dense(5)(layers.GlobalAveragePooling2D()(x)))
    randomise_normalisations(keras, model)
    assert_matches_keras(model, images((12, 12, 4)))


@pytest.mark.parametrize(("size", "lopsided"), [(64, 5), (65, 0)])
def test_mobilenet_v2(keras, size, lopsided):
    # At 64, Conv1 ("same", stride 2) and the four ZeroPadding2D layers before stride-2 blocks
    # (Keras' correct_pad) add (0, 1); at 65 every size on the way is odd and they add (1, 1).
    shape = (size, size, 3)
    model = keras.applications.MobileNetV2(
        weights=None, alpha=0.35, input_shape=shape, classifier_activation=None
    )
    pads = [row.padding for row in explain(model) if row.padding is not None]
    assert sum(top != bottom or left != right for (top, bottom), (left, right) in pads) == lopsided
    randomise_normalisations(keras, model)
    assert_matches_keras(model, images(shape))
    keras.utils.clear_session()


def test_graph_is_checked_nhwc_with_symbolic_batch(keras):
    model = sequential(keras, (8, 8, 1), keras.layers.Conv2D(2, 3, strides=2, padding="same"))
    proto = onnx_model(model)
    assert proto.opset_import[0].version == OPSET
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in dims] == ["batch", 8, 8, 1]
    out = proto.graph.output[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in out] == ["batch", 4, 4, 2]
    for batch in (1, 3):
        assert run_graph(proto, images((8, 8, 1), batch=batch)).shape == (batch, 4, 4, 2)


def open_size_model(keras):
    layers = keras.layers
    image = keras.Input((None, None, 3))
    x = layers.Conv2D(4, 3, strides=2, padding="same")(image)
    x = layers.ZeroPadding2D(((0, 1), (2, 0)))(x)
    x = layers.DepthwiseConv2D(4, strides=2, padding="same")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(3, 3, strides=2, padding="same")(x)
    x = layers.UpSampling2D(2)(layers.Cropping2D(((1, 0), (0, 1)))(x))
    x = layers.AveragePooling2D(2, padding="same")(layers.SeparableConv2D(4, 3, padding="same")(x))
    vector = layers.Dense(2)(layers.GlobalAveragePooling2D()(x))
    return keras.Model(image, [x, vector])


@pytest.mark.parametrize("size", [(16, 16), (17, 23), (30, 9)])
def test_graph_of_open_size_matches_keras_at_every_size(keras, size):
    model = open_size_model(keras)
    proto = onnx_model(model)
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in dims] == ["batch", "height", "width", 3]
    x = images((*size, 3))
    for got, want in zip(run_graph(proto, x), model(x), strict=True):
        np.testing.assert_allclose(got, np.asarray(want), atol=ATOL)


def test_graph_of_one_size_and_its_split(keras):
    # The same model given input_shape is exact for that size only, and says so.
    model = open_size_model(keras)
    proto = onnx_model(model, input_shape=(17, 23, 3))
    x = images((17, 23, 3))
    for got, want in zip(run_graph(proto, x), model(x), strict=True):
        np.testing.assert_allclose(got, np.asarray(want), atol=ATOL)
    with pytest.raises(ValueError, match=r"shape \(2, 16, 16, 3\) .*batch×17×23×3.*input_shape=\(16, 16\)"):
        run_onnx(proto, images((16, 16, 3)))


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda L: L.Reshape((-1, 3), name="rows"), ["'rows'", "Reshape", "input_shape="]),
        (
            lambda L: L.Conv2DTranspose(2, 3, strides=2, output_padding=1, name="up"),
            ["'up'", "output_padding"],
        ),
    ],
)
def test_open_size_refusals_name_the_layer(keras, make, words):
    image = keras.Input((None, None, 3))
    model = keras.Model(image, make(keras.layers)(image))
    with pytest.raises(ValueError) as error:
        onnx_model(model)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize(
    ("images_of", "words"),
    [
        (lambda: images((8, 8, 1))[0], ["(8, 8, 1)", "batch×8×8×1"]),
        (lambda: images((8, 8, 1), batch=0), ["(0, 8, 8, 1)", "at least one image"]),
        (lambda: [images((8, 8, 1))], ["(1, 2, 8, 8, 1)", "batch×8×8×1"]),
        (lambda: None, ["images=None", "float array"]),
        (lambda: "pixels", ["images='pixels'", "float array"]),
    ],
)
def test_run_onnx_refuses_images_the_graph_does_not_take(keras, images_of, words):
    proto = onnx_model(sequential(keras, (8, 8, 1), keras.layers.Conv2D(2, 3, padding="same")))
    with pytest.raises(ValueError) as error:
        run_onnx(proto, images_of())
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("proto", [None, "model.onnx", b"\x08\x07"])
def test_run_onnx_refuses_what_is_not_a_graph(proto):
    with pytest.raises(
        ValueError, match=r"proto=.* is not allowed: give the ONNX model onnx_model\(\) built"
    ):
        run_onnx(proto, np.zeros((1, 2, 2, 1)))


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (
            lambda L: L.UpSampling2D(interpolation="bilinear", name="smooth"),
            ["'smooth'", "interpolation", "'nearest'"],
        ),
        (lambda L: L.BatchNormalization(axis=1, name="rows"), ["'rows'", "axis=1", "channel"]),
        (lambda L: L.Activation("celu", name="odd"), ["'odd'", "activation='celu'", "gelu"]),
        (lambda L: L.Conv2D(2, 3, activation="log_softmax", name="c"), ["'c'", "log_softmax"]),
        (lambda L: L.Conv2D(2, 3, dtype="mixed_float16", name="half"), ["'half'", "float16"]),
        (lambda L: L.Lambda(lambda t: t * 2, name="lam"), ["'lam'", "Lambda", "Conv2D"]),
    ],
)
def test_refusals_name_the_layer(keras, make, words):
    model = sequential(keras, (6, 6, 2), make(keras.layers))
    with pytest.raises(ValueError) as error:
        onnx_model(model)
    for word in words:
        assert word in str(error.value)


def test_keras_operation_is_refused(keras):
    image = keras.Input((4, 4, 2))
    model = keras.Model(image, keras.ops.abs(keras.layers.Conv2D(2, 1)(image)))
    with pytest.raises(ValueError, match="ops.Absolute"):
        onnx_model(model)


def test_import_stays_light():
    code = (
        "import sys, padstride.export.onnx; print(sorted({'tensorflow', 'keras', 'onnx'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
