"""The layer kinds: each kind's shape rule held against Keras, and each kind in one entry."""

import ast
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from padstride.model.explain import explain
from padstride.model.kinds import KINDS, SUPPORTED_LAYERS, Reach, layer_step, reach

# Keras deprecates LayerNormalization(rms_scaling=True) but still builds it: it is tested.
pytestmark = pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")


def one_layer(keras, layer, shape):
    """A model of one layer on one input of ``shape``; its output shape and parameters by Keras."""
    inputs = keras.Input(shape)
    model = keras.Model(inputs, layer(inputs))
    return model, tuple(model.outputs[0].shape[1:]), model.count_params()


def several(keras, layer, shapes):
    inputs = [keras.Input(shape) for shape in shapes]
    model = keras.Model(inputs, layer(inputs))
    return model, tuple(model.outputs[0].shape[1:]), model.count_params()


def single_input_layers(L):
    return [
        ((9, 7, 4), L.Conv2D(6, (3, 2), strides=(2, 1), padding="same", groups=2, use_bias=False)),
        ((9, 9, 3), L.Conv2D(5, 3, dilation_rate=2, padding="SAME")),
        ((10, 8, 3), L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)),
        ((10, 8, 3), L.DepthwiseConv2D((1, 3), use_bias=False)),
        ((11, 9, 3), L.SeparableConv2D(4, 3, strides=2, depth_multiplier=3)),
        ((11, 9, 3), L.SeparableConv2D(4, 2, padding="same", use_bias=False)),
        ((5, 6, 2), L.Conv2DTranspose(3, 3, strides=2)),
        ((5, 6, 2), L.Conv2DTranspose(3, 4, strides=2, padding="same", output_padding=1)),
        ((5, 6, 2), L.Conv2DTranspose(3, (3, 2), strides=(2, 3), padding="valid", output_padding=(1, 2))),
        ((9, 9, 2), L.MaxPooling2D(3, strides=2, padding="same")),
        ((9, 8, 2), L.AveragePooling2D((2, 3))),
        ((9, 8, 5), L.GlobalAveragePooling2D()),
        ((9, 8, 5), L.GlobalMaxPooling2D(keepdims=True)),
        ((9, 8, 2), L.ZeroPadding2D(((1, 2), (0, 3)))),
        ((9, 8, 2), L.Cropping2D(((1, 2), (0, 3)))),
        ((4, 3, 2), L.UpSampling2D((2, 3), interpolation="bilinear")),
        ((6, 6, 7), L.BatchNormalization()),
        ((6, 6, 7), L.BatchNormalization(axis=1, center=False, renorm=True)),
        ((6, 5, 7), L.LayerNormalization(axis=[2, 3])),
        ((6, 5, 7), L.LayerNormalization(rms_scaling=True)),
        ((6, 5, 7), L.LayerNormalization(center=False, scale=False)),
        ((6, 5, 3), L.Activation("swish")),
        ((6, 5, 3), L.ReLU(6.0)),
        ((6, 5, 3), L.ReLU(negative_slope=0.1, threshold=0.5)),
        ((6, 5, 3), L.Softmax(axis=1)),
        ((6, 5, 3), L.Dropout(0.3)),
        ((6, 5, 3), L.Rescaling(1 / 255, offset=-1)),
        ((6, 5, 3), L.Normalization()),
        ((6, 5, 3), L.Normalization(axis=None)),
        ((6, 5, 3), L.Normalization(axis=(1, 3))),
        ((6, 5, 3), L.Normalization(mean=[0.5, 0.4, 0.3], variance=[1.0, 2.0, 3.0])),
        ((6, 5, 3), L.Reshape((-1, 3))),
        ((6, 5, 3), L.Reshape((3, 10, 3))),
        ((6, 5, 3), L.Flatten()),
        ((6, 5, 3), L.Dense(4)),
        ((12,), L.Dense(4, use_bias=False)),
    ]


def test_every_single_input_layer_equals_keras(keras):
    for shape, layer in single_input_layers(keras.layers):
        model, keras_shape, keras_params = one_layer(keras, layer, shape)
        (row,) = explain(model)
        assert (row.output_shape, row.params) == (keras_shape, keras_params), (type(layer).__name__, shape)


def test_merges_equal_keras(keras):
    L = keras.layers
    cases = [
        (L.Add(), [(5, 5, 3), (5, 5, 3), (5, 5, 3)]),
        (L.Subtract(), [(5, 5, 3), (1, 1, 3)]),
        (L.Multiply(), [(5, 5, 3), (1, 1, 3)]),
        (L.Multiply(), [(5, 5, 3), (3,)]),
        (L.Average(), [(5, 4, 1), (5, 4, 3)]),
        (L.Maximum(), [(5, 4, 3), (5, 4, 3)]),
        (L.Concatenate(), [(5, 4, 3), (5, 4, 2)]),
        (L.Concatenate(axis=1), [(5, 4, 3), (2, 4, 3)]),
        (L.Concatenate(axis=-2), [(5, 4, 3), (5, 1, 3)]),
    ]
    for layer, shapes in cases:
        model, keras_shape, _ = several(keras, layer, shapes)
        (row,) = explain(model)
        assert row.output_shape == keras_shape, (type(layer).__name__, shapes)
        assert row.input_shapes == tuple(shapes)


def test_the_cases_above_cover_every_supported_layer(keras):
    covered = {type(layer).__name__ for _, layer in single_input_layers(keras.layers)}
    covered |= {"Add", "Subtract", "Multiply", "Average", "Maximum", "Concatenate", "InputLayer"}
    assert covered == set(SUPPORTED_LAYERS)


def test_other_layers_are_refused_by_name(keras):
    with pytest.raises(
        ValueError, match="layer 'noise' is a GaussianNoise, which is not supported; supported: Conv2D"
    ):
        explain([keras.layers.GaussianNoise(0.1, name="noise")], input_shape=(4, 4))
    with pytest.raises(ValueError, match="layer 'x' is a Lambda, which is not supported"):
        layer_step("Lambda", {}, [(4, 4, 1)], "x")


@settings(max_examples=40)
@given(
    st.sampled_from(["Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D", "AveragePooling2D"]),
    st.tuples(st.integers(1, 13), st.integers(1, 13)),
    st.tuples(st.integers(1, 4), st.integers(1, 4)),
    st.tuples(st.integers(1, 3), st.integers(1, 3)),
    st.sampled_from(["valid", "same"]),
    st.integers(1, 2),
)
def test_windowed_layers_equal_keras(kind, size, kernel, strides, padding, dilation):
    from padstride.runtime import load_keras

    k = load_keras()
    cls = getattr(k.layers, kind)
    if kind.endswith("Pooling2D"):
        layer = cls(kernel, strides=strides, padding=padding)
    else:
        # Conv2D refuses a stride with a dilation; the depthwise layers take them together
        dilation = dilation if max(strides) == 1 or kind != "Conv2D" else 1
        extra = {} if kind == "DepthwiseConv2D" else {"filters": 2}
        layer = cls(kernel_size=kernel, strides=strides, padding=padding, dilation_rate=dilation, **extra)
    try:
        model, keras_shape, keras_params = one_layer(k, layer, (*size, 2))
    except ValueError:
        keras_shape = None
    if keras_shape is None or 0 in keras_shape:
        with pytest.raises(ValueError, match="does not fit"):
            explain([layer], input_shape=(*size, 2))
        return
    (row,) = explain(model)
    assert (row.output_shape, row.params) == (keras_shape, keras_params)


@settings(max_examples=25)
@given(
    st.tuples(st.integers(1, 6), st.integers(1, 6)),
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from(["valid", "same"]),
    st.one_of(st.none(), st.integers(0, 2)),
)
def test_transposed_layers_equal_keras(size, kernel, stride, padding, output_padding):
    from padstride.runtime import load_keras

    k = load_keras()
    assume(output_padding is None or output_padding < stride)
    layer = k.layers.Conv2DTranspose(
        2, kernel, strides=stride, padding=padding, output_padding=output_padding
    )
    try:
        model, keras_shape, keras_params = one_layer(k, layer, (*size, 3))
    except ValueError:
        return
    try:
        (row,) = explain(model)
    except ValueError as error:
        assert "output_padding" in str(error)  # TensorFlow would refuse to run it
        return
    assert (row.output_shape, row.params) == (keras_shape, keras_params)


def test_flops_of_each_kind_by_hand(keras):
    L = keras.layers
    rows = explain(
        [
            L.DepthwiseConv2D(3, depth_multiplier=2),  # 8×8×3 → 6×6×6
            L.SeparableConv2D(4, 3),  # → 4×4×4
            L.Conv2DTranspose(2, 3, strides=2),  # → 9×9×2
            L.Dense(5),  # at each of 9×9 pixels
        ],
        input_shape=(8, 8, 3),
    )
    assert [row.output_shape for row in rows] == [(6, 6, 6), (4, 4, 4), (9, 9, 2), (9, 9, 5)]
    assert [row.flops for row in rows] == [
        2 * 9 * 6 * 6 * 6,  # one 3×3 window per output value
        2 * (9 * 6 + 6 * 4) * 4 * 4,  # depthwise 3×3 on 6 channels, then 1×1 from 6 to 4, per pixel
        2 * 9 * 4 * 2 * 4 * 4,  # each of 4×4×4 inputs spreads a 3×3 kernel into 2 filters
        2 * 2 * 5 * 9 * 9,
    ]


def test_bad_shapes_are_named(keras):
    L = keras.layers
    with pytest.raises(
        ValueError, match="layer 'crop': cropping \\(2, 2\\), \\(2, 2\\) leaves nothing of a 4×4 input"
    ):
        explain([L.Cropping2D(2, name="crop")], input_shape=(4, 4))
    with pytest.raises(
        ValueError, match="layer 'conv' \\(Conv2D\\) needs \\(height, width, channels\\) input, got 12"
    ):
        explain([L.Flatten(), L.Conv2D(1, 3, name="conv")], input_shape=(2, 2, 3))
    with pytest.raises(ValueError, match="layer 'shape': 12 values cannot take target_shape 5×2"):
        explain([L.Reshape((5, 2), name="shape")], input_shape=(2, 2, 3))
    with pytest.raises(ValueError, match="layer 'c': a 5×5 kernel does not fit a 3×3 input"):
        explain([L.Conv2D(1, 5, name="c")], input_shape=(3, 3))


# --- one entry per kind -------------------------------------------------------------------

KIND_ROOT = Path(__file__).resolve().parents[1] / "padstride"


def test_every_kind_is_one_entry_of_one_module_and_a_keras_layer(keras):
    modules = {}
    for name, kind in KINDS.items():
        assert hasattr(keras.layers, name), name
        behaviours = [kind.shape, kind.onnx, *(kind.spellings or {}).values()]
        defined = {f.__module__ for f in behaviours if f is not None}
        assert len(defined) == 1, (name, defined)  # its rules live beside its entry
        modules[name] = defined.pop()
    assert set(modules.values()) <= {
        f"padstride.model.kinds.{m}" for m in ("windows", "upsampling", "edges", "vectors", "values", "joins")
    }
    assert ("InputLayer", *KINDS) == SUPPORTED_LAYERS


FRAGMENTS = ("Pooling", "Pooling2D", "Conv", "Normalization2D")  # parts of names code once tested


def _kind_names_in_code(path: Path) -> list[str]:
    """Where a module names a layer kind in its code: a string that is a kind's name, or a
    part of names such as "Pooling" (texts and docstrings, which name kinds in words, aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = {
        id(node)
        for parent in ast.walk(tree)
        for node in ast.walk(parent)
        if isinstance(parent, ast.JoinedStr)
        or (isinstance(parent, ast.Expr) and isinstance(parent.value, ast.Constant))
    }
    return [
        f"{path.relative_to(KIND_ROOT)}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and id(node) not in prose
        and isinstance(node.value, str)
        and (node.value in KINDS or node.value in FRAGMENTS)
    ]


def test_the_rest_of_the_package_reads_a_kinds_behaviour_from_its_entry_never_its_name():
    # measure/ asks Keras itself, without the package's vocabulary, on purpose.
    readers = [
        path
        for path in sorted(KIND_ROOT.rglob("*.py"))
        if "kinds" not in path.parts and "measure" not in path.parts and "files" not in path.parts
    ]
    assert [place for path in readers for place in _kind_names_in_code(path)] == []


def test_normalising_along_the_channels_acts_per_pixel():
    assert reach("Softmax", {"axis": -1}, (8, 8, 3)) is Reach.PIXEL
    assert reach("LayerNormalization", {"axis": [3]}, (8, 8, 3)) is Reach.PIXEL
    assert reach("LayerNormalization", {"axis": [1, 2]}, (8, 8, 3)) is not Reach.PIXEL
    assert reach("Conv2D", {}, (8, 8, 3)) is not Reach.PIXEL
    with pytest.raises(ValueError, match="axis 4 is not an axis of a 4-dimensional input"):
        reach("Softmax", {"axis": 4}, (8, 8, 3), "soft")


ONE_INPUT = {
    "Conv2D": lambda L: L.Conv2D(2, 3),
    "DepthwiseConv2D": lambda L: L.DepthwiseConv2D(3),
    "SeparableConv2D": lambda L: L.SeparableConv2D(2, 3),
    "MaxPooling2D": lambda L: L.MaxPooling2D(2),
    "AveragePooling2D": lambda L: L.AveragePooling2D(2),
    "ZeroPadding2D": lambda L: L.ZeroPadding2D(1),
    "Cropping2D": lambda L: L.Cropping2D(1),
    "Conv2DTranspose": lambda L: L.Conv2DTranspose(2, 3),
    "UpSampling2D": lambda L: L.UpSampling2D(),
    "BatchNormalization": lambda L: L.BatchNormalization(),
    "Activation": lambda L: L.Activation("relu"),
    "Dense": lambda L: L.Dense(2),
    "GlobalAveragePooling2D": lambda L: L.GlobalAveragePooling2D(),
}


@pytest.mark.parametrize("kind", sorted(ONE_INPUT))
def test_the_layers_with_an_arithmetic_per_axis_are_those_that_move_pixels(keras, kind):
    (row,) = explain([ONE_INPUT[kind](keras.layers)], input_shape=(8, 8, 3))
    assert (row.axes is not None) == row.reach.moves_pixels
