"""check(): each rule held against what real Keras layers do."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keras import layers

from padstride import check, keras_influence, keras_same_padding
from padstride.graph import walk
from padstride.pitfalls import MODEL, RULES, read_masks, taps_per_output
from padstride.tracing import explain_graph

FEW = settings(max_examples=25, deadline=None)


def rules(findings):
    return {(f.rule, f.severity) for f in findings}


def measured_read(layer_list, size):
    """The input pixels at least one output pixel depends on, measured with Keras."""
    return keras_influence(layer_list, input_shape=size).any(axis=(0, 1))


def window_layer(kind, kernel, strides, padding, dilation=1):
    if kind == "Conv2D":
        return layers.Conv2D(2, kernel, strides=strides, padding=padding, dilation_rate=dilation)
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
        graph = walk(layer_list, (height, width))
        rows = explain_graph(graph)
    except ValueError:  # a map shrank to nothing: Keras refuses too
        return
    read = measured_read(layer_list, (height, width))
    assert read_masks(graph, rows)[graph.inputs[0].key].tolist() == read.tolist()
    unread = [f for f in check(layer_list, (height, width)) if f.rule == "unread-input"]
    if read.all():
        assert unread == []
    else:
        (finding,) = unread
        assert finding.severity == "warning" and finding.layer == MODEL
        assert finding.numbers == {"unread": int((~read).sum()), "pixels": read.size}


@FEW
@given(window_settings, st.integers(5, 12), st.integers(5, 12))
def test_one_layer_skips_and_drops_what_keras_leaves_unread(setting, height, width):
    kind, kernel, strides, padding = setting
    if math.ceil(height / strides) < 1 or min(height, width) < kernel:
        return
    layer_list = [window_layer(*setting)]
    read = measured_read(layer_list, (height, width))
    found = {f.rule: f for f in check(layer_list, (height, width))}
    skipped, dropped = found.get("skipped-pixels"), found.get("dropped-edge")
    assert (skipped is not None) == (strides > kernel)
    if skipped:
        assert skipped.numbers == {"read": int(read.sum()), "positions": read.size}
        assert skipped.severity == ("info" if kernel == 1 else "warning")
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
    found = [f for f in check(layer_list, (height, width)) if f.rule == "lopsided-same"]
    top, bottom = keras_same_padding(height, kernel, strides)
    left, right = keras_same_padding(width, kernel, strides)
    if (top, left) == (bottom, right):
        assert found == []
    else:
        (finding,) = found
        assert finding.severity == "info"
        assert finding.numbers == {"top": top, "bottom": bottom, "left": left, "right": right}


@pytest.mark.parametrize("kernel, strides", [(3, 2), (4, 2), (5, 2), (3, 3), (6, 3), (1, 2), (2, 1)])
def test_checkerboard_is_the_uneven_overlap_keras_computes(kernel, strides):
    layer = layers.Conv2DTranspose(1, kernel, strides=strides, use_bias=False, kernel_initializer="ones")
    out = np.asarray(layer(np.ones((1, 12, 12, 1), dtype="float32")))[0, :, :, 0]
    # Away from the edges, row r receives the taps of its position modulo the stride.
    inside = out[kernel + strides : -(kernel + strides), kernel + strides : -(kernel + strides)]
    found = [f for f in check([layer], (12, 12)) if f.rule == "checkerboard"]
    assert (len(found) == 1) == (len(np.unique(inside)) > 1) == (kernel % strides != 0)
    counts = sorted({int(round(math.sqrt(v))) for v in np.unique(inside)})  # taps per axis, squared
    assert counts == sorted(set(taps_per_output(kernel, strides)))


@pytest.mark.parametrize(
    "rates, factor", [((2, 2), 2), ((2, 4), 2), ((3, 6, 3), 3), ((1, 2, 5), None), ((2, 3), None)]
)
def test_gridding_is_a_field_on_a_lattice(rates, factor):
    stack = []
    for rate in rates:
        stack += [layers.Conv2D(2, 3, dilation_rate=rate, padding="same"), layers.ReLU()]
    size = 2 * sum(rates) * 2 + 3
    seen = keras_influence(stack, input_shape=(size, size))[size // 2, size // 2]
    rows = np.flatnonzero(seen.any(axis=1))
    step = math.gcd(*np.diff(rows).tolist())  # > 1: the field reads one row in `step` only
    found = [f for f in check(stack, (size, size)) if f.rule == "gridding"]
    assert bool(found) == (step > 1) == (factor is not None)
    if found:
        (finding,) = found
        assert finding.numbers["factor"] == factor == step
        assert set(np.diff(rows)) == {factor}


def test_one_dilated_layer_is_no_gridding():
    # Alone, a dilated kernel reads one row in its rate by design; the rule is about stacks.
    assert [f for f in check([layers.Conv2D(2, 3, dilation_rate=2)], (9, 9)) if f.rule == "gridding"] == []


@pytest.mark.parametrize("size", [224, 225, 231, 256])
def test_rounded_maps_name_the_layers_keras_rounds(size):
    import keras

    inputs = keras.Input((size, size, 1))
    x = layers.Conv2D(2, 3, strides=2, padding="same", name="a")(inputs)
    x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="pad")(x)
    x = layers.Conv2D(2, 3, strides=2, name="b")(x)
    x = layers.MaxPooling2D(2, name="c")(x)
    model = keras.Model(inputs, x)
    real = {"a": size, "b": model.get_layer("a").output.shape[1], "c": model.get_layer("b").output.shape[1]}
    rounded = [name for name in "abc" if model.get_layer(name).output.shape[1] * 2 != real[name]]
    found = [f for f in check(model) if f.rule == "rounded-maps"]
    assert bool(found) == bool(rounded) == (size % 8 != 0)
    if found:
        assert found[0].numbers == {"stride": 8, "rounding": len(rounded)}
        for name in rounded:
            assert f"{name} {real[name]} → {model.get_layer(name).output.shape[1]}" in found[0].message


def test_resnet50_last_map_depends_on_parity():
    import keras

    last = {}
    for size in (224, 225):
        model = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(size, size, 3))
        last[size] = model.output.shape[1]
        found = rules(check(model))
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
    import keras

    model = getattr(keras.applications, name)(weights=None)
    findings = check(model)
    assert findings.warnings == []
    assert rules(findings) == APPLICATIONS[name]


def test_resnet_shortcuts_read_a_quarter():
    import keras

    model = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
    skipped = [f for f in check(model) if f.rule == "skipped-pixels"]
    assert {f.layer for f in skipped} == {f"conv{b}_block1_{i}_conv" for b in (3, 4, 5) for i in (0, 1)}
    for finding in skipped:
        assert finding.numbers["read"] * 4 == finding.numbers["positions"]


def test_findings_print_and_serialise():
    findings = check([layers.Conv2D(8, 3, strides=4)], input_shape=(28, 28))
    text = findings.table()
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "343 of the 784 pixels" in text and text.endswith("2 warnings, 0 info")
    data = json.loads(findings.to_json())
    assert [f["rule"] for f in data["findings"]] == ["skipped-pixels", "unread-input"]
    assert {f["rule"] for f in data["findings"]} <= set(RULES)


def test_check_refuses_a_name():
    with pytest.raises(TypeError, match=r"padstride.quiz.check\(question, letter\)"):
        check("dilation", "A")


def test_a_normalisation_across_the_map_reads_every_pixel():
    import keras

    # Over the channels it acts pixel by pixel: the skipped pixels stay unread. Over height,
    # width and channels every output depends on every pixel, as Keras measures.
    for axis, unread in ((-1, 343), ([1, 2, 3], 0)):
        inputs = keras.Input((28, 28, 3))  # three channels: one alone normalises to zero
        x = layers.LayerNormalization(axis=axis)(inputs)
        model = keras.Model(inputs, layers.Conv2D(2, 3, strides=4)(x))
        found = [f.numbers["unread"] for f in check(model) if f.rule == "unread-input"]
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
    found = [f for f in check(layer_list, (13, 13)) if f.rule == "skipped-pixels"]
    assert bool(found) == gaps
    if found:
        assert found[0].numbers == {"read": int(read.sum()), "positions": read.size}
