"""find_pitfalls(): each rule held against what real Keras layers do."""

import ast
import functools
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import layers

from padstride import find_pitfalls, keras_gradient_support, keras_influence, keras_same_padding
from padstride.model.coverage import read_masks
from padstride.model.explain import explain
from padstride.pitfalls import MODEL, RULES, taps_per_output

FEW = settings(max_examples=25, deadline=None)


def rules(findings):
    return {(f.rule, f.severity) for f in findings}


def measured_read(layer_list, size):
    """The input pixels at least one output pixel depends on, measured with Keras."""
    return keras_influence(layer_list, input_shape=size).any(axis=(0, 1))


def window_layer(kind, kernel, strides, padding, dilation=1):
    if kind == "Conv2D":
        return layers.Conv2D(2, kernel, strides=strides, padding=padding, dilation_rate=dilation)
    if kind == "DepthwiseConv2D":
        return layers.DepthwiseConv2D(kernel, strides=strides, padding=padding, dilation_rate=dilation)
    return getattr(layers, kind)(kernel, strides=strides, padding=padding)


window_settings = st.tuples(
    st.sampled_from(["Conv2D", "MaxPooling2D", "AveragePooling2D"]),
    st.integers(1, 3),
    st.integers(1, 4),
    st.sampled_from(["valid", "same"]),
)


@FEW
@given(st.lists(window_settings, min_size=1, max_size=2), st.integers(6, 13), st.integers(6, 13))
def test_unread_input_is_what_keras_measures(stack, height, width):
    layer_list = [window_layer(*setting) for setting in stack]
    try:
        trace = explain(layer_list, (height, width))
    except ValueError:  # a map shrank to nothing: Keras refuses too
        return
    read = measured_read(layer_list, (height, width))
    assert read_masks(trace)[trace.sources[0].key].tolist() == read.tolist()
    unread = [f for f in find_pitfalls(layer_list, (height, width)) if f.rule == "unread-input"]
    if read.all():
        assert unread == []
    else:
        (finding,) = unread
        assert finding.severity == "warning" and finding.layer == MODEL
        assert finding.numbers == {"unread": int((~read).sum()), "pixels": read.size}


FIX = re.compile(r'(kernel_size|pool_size|strides|dilation_rate)=(\d+|\(\d+, \d+\))( with padding="same")?')


def assert_fixes_read_everything(setting, fix, size):
    """Each change a skipped-pixels fix names, applied to the layer, leaves no pixel unread
    (measured with Keras), and the fix names at least one."""
    kind, kernel, strides, padding, dilation = setting
    if fix.startswith("a kernel at least as long"):  # no single change found: none is named
        assert not FIX.search(fix)
        return
    alternatives = fix.split(":")[0].split("; or ")
    for alternative in alternatives:
        changed = {"kernel_size": kernel, "strides": strides, "dilation_rate": dilation, "padding": padding}
        for name, value, same in FIX.findall(alternative):
            changed["kernel_size" if name == "pool_size" else name] = ast.literal_eval(value)
            changed["padding"] = "same" if same else changed["padding"]
        assert len(changed) == 4 and FIX.search(alternative), alternative
        layer = window_layer(
            kind, changed["kernel_size"], changed["strides"], changed["padding"], changed["dilation_rate"]
        )
        assert measured_read([layer], size).all(), (fix, alternative)


@FEW
@given(window_settings, st.integers(5, 12), st.integers(5, 12))
def test_one_layer_skips_and_drops_what_keras_leaves_unread(setting, height, width):
    kind, kernel, strides, padding = setting
    if math.ceil(height / strides) < 1 or min(height, width) < kernel:
        return
    layer_list = [window_layer(*setting)]
    read = measured_read(layer_list, (height, width))
    found = {f.rule: f for f in find_pitfalls(layer_list, (height, width))}
    skipped, dropped = found.get("skipped-pixels"), found.get("dropped-edge")
    assert (skipped is not None) == (strides > kernel)
    if skipped:
        assert skipped.numbers == {"read": int(read.sum()), "positions": read.size}
        assert skipped.severity == ("info" if kernel == 1 else "warning")
        if skipped.severity == "warning":
            assert_fixes_read_everything(setting + (1,), skipped.fix, (height, width))
    else:
        # Whatever is unread lies in whole rows and columns after the last window.
        rows_unread = int((~read.any(axis=1)).sum())
        cols_unread = int((~read.any(axis=0)).sum())
        assert (dropped is not None) == bool(rows_unread or cols_unread)
        if dropped:
            assert dropped.numbers == {"rows": rows_unread, "columns": cols_unread}
            assert not read[height - rows_unread :].any() and not read[:, width - cols_unread :].any()


@FEW
@given(
    st.sampled_from(["Conv2D", "MaxPooling2D"]),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(4, 11),
    st.integers(4, 11),
)
def test_lopsided_same_gives_the_split_keras_uses(kind, kernel, strides, height, width):
    layer_list = [window_layer(kind, kernel, strides, "same")]
    found = [f for f in find_pitfalls(layer_list, (height, width)) if f.rule == "lopsided-same"]
    top, bottom = keras_same_padding(height, kernel, strides)
    left, right = keras_same_padding(width, kernel, strides)
    if (top, left) == (bottom, right):
        assert found == []
    else:
        (finding,) = found
        assert finding.severity == "info"
        assert finding.numbers == {"top": top, "bottom": bottom, "left": left, "right": right}
        assert_symmetric_paddings_are_what_keras_gives(layer_list[0], finding.message, (height, width))


SYMMETRIC = re.compile(r"padding=(\d+|\(\d+, \d+\)) gives (\d+)×(\d+)( with every window one pixel)?")


def assert_symmetric_paddings_are_what_keras_gives(layer, message, size):
    """The message's two symmetric paddings give the sizes it states, in Keras
    (ZeroPadding2D, then the layer without padding); where the size is TensorFlow's own,
    the windows have moved: the values differ."""
    import keras

    config = layer.get_config() | {"padding": "valid", "name": None}
    image = np.random.default_rng(0).normal(size=(1, *size, 1)).astype("float32")
    same = np.asarray(layer(image))
    stated = SYMMETRIC.findall(message)
    assert len(stated) == 2, message
    for padding, height, width, moved in stated:
        valid = type(layer).from_config(config)
        if isinstance(layer, layers.Conv2D):
            valid.build(image.shape)
            valid.set_weights(layer.get_weights())
        out = np.asarray(valid(keras.layers.ZeroPadding2D(ast.literal_eval(padding))(image)))
        assert out.shape[1:3] == (int(height), int(width)), (padding, message)
        assert bool(moved) == (out.shape == same.shape)
        if moved and isinstance(layer, layers.Conv2D):
            assert not np.allclose(out, same)


@pytest.mark.parametrize("kernel, strides", [(3, 2), (4, 2), (5, 2), (3, 3), (6, 3), (1, 2), (2, 1)])
def test_checkerboard_is_the_uneven_overlap_keras_computes(kernel, strides):
    layer = layers.Conv2DTranspose(1, kernel, strides=strides, use_bias=False, kernel_initializer="ones")
    out = np.asarray(layer(np.ones((1, 12, 12, 1), dtype="float32")))[0, :, :, 0]
    # Away from the edges, row r receives the taps of its position modulo the stride.
    inside = out[kernel + strides : -(kernel + strides), kernel + strides : -(kernel + strides)]
    found = [f for f in find_pitfalls([layer], (12, 12)) if f.rule == "checkerboard"]
    assert (len(found) == 1) == (len(np.unique(inside)) > 1) == (kernel % strides != 0)
    counts = sorted({int(round(math.sqrt(v))) for v in np.unique(inside)})  # taps per axis, squared
    assert counts == sorted(set(taps_per_output(kernel, strides)))


def assert_gridding_is_the_holes_keras_measures(stack):
    """stack: (kernel_size, dilation_rate) per Conv2D, a ReLU after each."""
    layer_list = []
    for kernel, rate in stack:
        layer_list += [layers.Conv2D(2, kernel, dilation_rate=rate, padding="same"), layers.ReLU()]
    span = sum((kernel - 1) * rate for kernel, rate in stack) + 1
    size = 2 * span + 1
    # The middle output's field, as its gradient measures it (tests/test_probes.py holds the
    # gradient equal to keras_influence, which lights every pixel in turn: slower here).
    seen = keras_gradient_support(layer_list, (size // 2, size // 2), input_shape=(size, size))
    rows, cols = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
    field = [int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)]
    holes = field[0] * field[1] - int(seen.sum())
    found = [f for f in find_pitfalls(layer_list, (size, size)) if f.rule == "gridding"]
    stacked = len(stack) >= 2 and any(rate > 1 for _, rate in stack)
    assert bool(found) == (stacked and holes > 0)
    if found:
        (finding,) = found
        assert finding.numbers == {"field": field, "read": int(seen.sum()), "holes": holes}
    return holes


@pytest.mark.parametrize(
    "rates, holes",
    [((2, 2), 56), ((2, 3), 40), ((1, 5), 88), ((3, 4), 144), ((1, 2, 5), 0), ((2, 2, 1, 2, 2), 0)],
)
def test_gridding_is_the_holes_keras_measures(rates, holes):
    # Rates without a common factor can still leave holes ((2, 3), (1, 5)); a dilation-1
    # layer between two pairs can fill them (2, 2, 1, 2, 2).
    assert assert_gridding_is_the_holes_keras_measures([(3, rate) for rate in rates]) == holes


@FEW
@given(st.lists(st.tuples(st.integers(2, 3), st.integers(1, 4)), min_size=1, max_size=3))
def test_gridding_holes_match_keras_for_any_stack(stack):
    assert_gridding_is_the_holes_keras_measures(stack)


def test_one_dilated_layer_is_no_gridding():
    # Alone, a dilated kernel reads one row in its rate by design; the rule is about stacks.
    assert [
        f for f in find_pitfalls([layers.Conv2D(2, 3, dilation_rate=2)], (9, 9)) if f.rule == "gridding"
    ] == []


def three_strides(size):
    import keras

    inputs = keras.Input((size, size, 1))
    x = layers.Conv2D(2, 3, strides=2, padding="same", name="a")(inputs)
    x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="pad")(x)
    x = layers.Conv2D(2, 3, strides=2, name="b")(x)
    x = layers.MaxPooling2D(2, name="c")(x)
    x = layers.Conv2D(2, 3, name="d")(x)  # shrinks the map, but after the last stride
    return keras.Model(inputs, x)


def rounded_layers(model):
    """The strided layers whose input (without the zeros of "pad") Keras' output does not
    halve exactly."""
    real = {"a": model.input.shape[1], "b": model.get_layer("a").output.shape[1]}
    real["c"] = model.get_layer("b").output.shape[1]
    return {name: real[name] for name in "abc" if model.get_layer(name).output.shape[1] * 2 != real[name]}


@pytest.mark.parametrize("size", [224, 225, 231, 256])
def test_rounded_maps_name_the_layers_keras_rounds(size):
    model = three_strides(size)
    rounded = rounded_layers(model)
    found = [f for f in find_pitfalls(model) if f.rule == "rounded-maps"]
    assert bool(found) == bool(rounded) == (size % 8 != 0)
    if found:
        assert found[0].numbers == {"stride": 8, "rounding": len(rounded)}
        for name, real in rounded.items():
            zeros = " (+1 zeros)" if name == "b" else ""
            out = model.get_layer(name).output.shape[1]
            way = "up" if out * 2 > real else "down"
            assert f"{name} {real}{zeros} → {out}, {way}" in found[0].message
        # The sizes the fix suggests are halved exactly at every stride, in Keras.
        suggested = re.search(r"e\.g\. (\d+) or (\d+)", found[0].fix).groups()
        assert all(rounded_layers(three_strides(int(n))) == {} for n in suggested)


@functools.cache
def application(name):
    """A keras.applications model at its default size, built once for the tests that read it."""
    import keras

    return getattr(keras.applications, name)(weights=None)


def test_rounded_maps_without_padding_say_a_multiple_is_not_enough():
    import keras

    model = keras.applications.InceptionV3(weights=None, include_top=False, input_shape=(320, 320, 3))
    # At 320, a multiple of 32, Keras still gives a strided layer an input of odd size.
    odd = [
        layer.name
        for layer in model.layers
        if getattr(layer, "strides", (1, 1)) == (2, 2) and layer.input.shape[1] % 2
    ]
    assert odd
    (finding,) = [f for f in find_pitfalls(application("InceptionV3")) if f.rule == "rounded-maps"]
    assert finding.fix.startswith("none needed unless exact sizes matter: a multiple of 32 alone does not")


def test_resnet50_last_map_depends_on_parity():
    import keras

    last = {}
    for size in (224, 225):
        model = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(size, size, 3))
        last[size] = model.output.shape[1]
        found = rules(find_pitfalls(model))
        assert ("rounded-maps", "info") in found if size == 225 else ("rounded-maps", "info") not in found
    assert last == {224: 7, 225: 8}


APPLICATIONS = {
    "VGG16": set(),
    "ResNet50": {("skipped-pixels", "info")},
    "MobileNetV2": {("lopsided-same", "info")},
    "DenseNet121": set(),
    "InceptionV3": {("rounded-maps", "info")},
    "EfficientNetB0": set(),
}


@pytest.mark.parametrize("name", APPLICATIONS)
def test_no_warnings_on_the_applications(name):
    findings = find_pitfalls(application(name))
    assert findings.warnings == []
    assert rules(findings) == APPLICATIONS[name]


def test_resnet_shortcuts_read_a_quarter():
    import keras

    model = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
    skipped = [f for f in find_pitfalls(model) if f.rule == "skipped-pixels"]
    assert {f.layer for f in skipped} == {f"conv{b}_block1_{i}_conv" for b in (3, 4, 5) for i in (0, 1)}
    for finding in skipped:
        assert finding.numbers["read"] * 4 == finding.numbers["positions"]


def test_findings_print_and_serialise():
    findings = find_pitfalls([layers.Conv2D(8, 3, strides=4)], input_shape=(28, 28))
    text = findings.table()
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "343 of the 784 pixels" in text and text.endswith("2 warnings, 0 info")
    data = json.loads(findings.to_json())
    assert [f["rule"] for f in data["findings"]] == ["skipped-pixels", "unread-input"]
    assert {f["rule"] for f in data["findings"]} <= set(RULES)


def test_a_name_is_not_a_model():
    with pytest.raises(ValueError, match="model='dilation' is not allowed"):
        find_pitfalls("dilation", "A")


def test_a_normalisation_across_the_map_reads_every_pixel():
    import keras

    # Over the channels it acts pixel by pixel: the skipped pixels stay unread. Over height,
    # width and channels every output depends on every pixel, as Keras measures.
    for axis, unread in ((-1, 343), ([1, 2, 3], 0)):
        inputs = keras.Input((28, 28, 3))  # three channels: one alone normalises to zero
        x = layers.LayerNormalization(axis=axis)(inputs)
        model = keras.Model(inputs, layers.Conv2D(2, 3, strides=4)(x))
        found = [f.numbers["unread"] for f in find_pitfalls(model) if f.rule == "unread-input"]
        assert found == ([unread] if unread else [])
        image = np.random.default_rng(0).uniform(0.5, 1.5, size=(1, 28, 28, 3)).astype("float32")
        import tensorflow as tf

        x = tf.constant(image)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(model(x) ** 2)
        assert int((tape.gradient(total, x).numpy() == 0).all(axis=-1).sum()) == unread


@pytest.mark.parametrize("kernel, strides, dilation", [(2, 3, 3), (3, 2, 2), (2, 2, 3), (3, 3, 2), (2, 3, 1)])
def test_dilated_taps_with_a_stride_leave_the_gaps_keras_leaves(kernel, strides, dilation):
    # DepthwiseConv2D takes a stride and a dilation together (Conv2D refuses them).
    layer_list = [layers.DepthwiseConv2D(kernel, strides=strides, dilation_rate=dilation)]
    read = measured_read(layer_list, (13, 13))
    rows = np.flatnonzero(read.any(axis=1))
    gaps = len(rows) < rows[-1] - rows[0] + 1
    found = [f for f in find_pitfalls(layer_list, (13, 13)) if f.rule == "skipped-pixels"]
    assert bool(found) == gaps
    if found:
        assert found[0].numbers == {"read": int(read.sum()), "positions": read.size}
        assert_fixes_read_everything(
            ("DepthwiseConv2D", kernel, strides, "valid", dilation), found[0].fix, (13, 13)
        )


def zero_gradient_pixels(model) -> np.ndarray:
    """The input pixels (height, width) on which no output depends: every entry of Keras'
    Jacobian at a random input is exactly zero, over every channel and output."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(1, *model.inputs[0].shape[1:])).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
    jacobian = np.asarray(tape.jacobian(y, x))  # (1, *output, 1, height, width, channels)
    reaching = np.abs(jacobian).reshape(-1, *jacobian.shape[-3:]).sum(axis=(0, 3))
    return reaching == 0


UNREAD_CASES = {
    "bilinear upsampling, cropped": lambda L: [
        L.UpSampling2D(2, interpolation="bilinear"),
        L.Cropping2D(((0, 8), (0, 8))),
        L.Conv2D(1, 1),
    ],
    "bicubic upsampling, strided": lambda L: [
        L.UpSampling2D(3, interpolation="bicubic"),
        L.Conv2D(1, 1, strides=4),
    ],
    "transposed 1×1 stride 2, cropped": lambda L: [
        L.Conv2DTranspose(1, 1, strides=2),
        L.Cropping2D(((0, 8), (0, 8))),
        L.Conv2D(1, 1),
    ],
    "transposed 3×3 stride 2 same, strided": lambda L: [
        L.Conv2DTranspose(2, 3, strides=2, padding="same"),
        L.Conv2D(1, 1, strides=3),
    ],
    "reshape of channels to rows": lambda L: [L.Reshape((16, 16, 1)), L.Conv2D(1, 1, strides=2)],
    "reshape to a column": lambda L: [L.Reshape((64, 1, 1)), L.Conv2D(1, 1, strides=2)],
    "layer normalisation along the rows": lambda L: [
        L.Conv2D(2, 1, strides=(1, 2)),
        L.LayerNormalization(axis=1),
        L.Cropping2D(((0, 0), (0, 2))),
    ],
    "strided, then cropped": lambda L: [L.Conv2D(1, 1, strides=2), L.Cropping2D(((0, 3), (0, 0)))],
}
UNREAD_INPUTS = {"reshape of channels to rows": (8, 8, 4), "reshape to a column": (8, 8, 1)}


@pytest.mark.parametrize("case", sorted(UNREAD_CASES))
def test_unread_input_through_any_reading_is_what_keras_gradients_show(keras, case):
    shape = UNREAD_INPUTS.get(case, (8, 8, 1))
    model = keras.Sequential([keras.Input(shape), *UNREAD_CASES[case](keras.layers)])
    unread = zero_gradient_pixels(model)
    trace = explain(model)
    assert (~read_masks(trace)[trace.sources[0].key]).tolist() == unread.tolist()
    found = [f.numbers["unread"] for f in find_pitfalls(model) if f.rule == "unread-input"]
    assert found == ([int(unread.sum())] if unread.any() else [])


def test_the_cost_is_bounded_before_anything_is_allocated(keras):
    conv = keras.layers.Conv2D(1, 3, strides=2)
    with pytest.raises(
        ValueError, match=r"input_shape=\(40000, 40000\) is not allowed: for the pixel masks its maps"
    ):
        find_pitfalls([conv], input_shape=(40000, 40000))
