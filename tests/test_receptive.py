import csv
import io
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from padstride.demo.models import mnist_variant
from padstride.measure.probes import keras_gradient_support, keras_influence
from padstride.model.explain import explain
from padstride.model.receptive import FieldRow, receptive_field
from tests.layer_stacks import build, build_graph, graphs, stacks


def three(keras, stride):
    return [keras.layers.Conv2D(4, 3, strides=stride) for _ in range(3)]


def test_the_issues_examples(keras):
    assert receptive_field(three(keras, 1), input_shape=(32, 32)).size == (7, 7)
    assert receptive_field(three(keras, 2), input_shape=(32, 32)).size == (15, 15)
    rows = receptive_field(three(keras, 2), input_shape=(32, 32))
    assert [row.jump for row in rows] == [(2, 2), (4, 4), (8, 8)]  # outputs lie 2, 4, 8 pixels apart
    assert [row.size[0] for row in rows] == [3, 7, 15]


def test_the_seed_models():
    sizes = {
        v: [row.size[0] for row in receptive_field(mnist_variant(v))] for v in ("valid", "same", "stride")
    }
    assert sizes == {"valid": [3, 5, 7], "same": [3, 5, 7], "stride": [3, 7, 15]}
    same = receptive_field(mnist_variant("same"))
    assert [row.start for row in same] == [(-1, -1), (-2, -2), (-3, -3)]
    # 28 → 14 → 7 → 4 at stride 2: only the last layer has a zero on top, so it starts at −1·4.
    assert receptive_field(mnist_variant("stride"))[-1].start == (-4, -4)


def test_rows_stop_at_flatten_and_dilation_counts(keras):
    layers = keras.layers
    stack = [layers.Conv2D(2, 3, dilation_rate=2), layers.ZeroPadding2D(1), layers.Flatten(), layers.Dense(3)]
    rows = receptive_field(stack, input_shape=(12, 12, 3))
    assert rows.input_shape == (12, 12, 3)
    assert [row.kind for row in rows] == ["Conv2D", "ZeroPadding2D"]
    assert rows[0].size == (5, 5) and rows[1].start == (-1, -1)
    assert "conv2d" in rows.table().splitlines()[2]


def test_non_square_kernels_and_strides(keras):
    layer = keras.layers.Conv2D(1, (3, 1), strides=(1, 2), padding="same")
    (row,) = receptive_field([layer], input_shape=(6, 7))
    assert (row.size, row.jump, row.start) == ((3, 1), (1, 2), (-1, 0))


def test_two_branches_from_one_input(keras):
    # Once read as one chain, branch_b got a 7×7 field.
    layers = keras.layers
    image = keras.Input((28, 28, 1), name="image")
    model = keras.Model(
        image, [layers.Conv2D(8, 3, name="branch_a")(image), layers.Conv2D(4, 5, name="branch_b")(image)]
    )
    rows = {row.name: row for row in receptive_field(model)}
    assert rows["branch_b"].size == (5, 5) and rows["branch_a"].size == (3, 3)
    seen = keras_influence(model, output="branch_b")
    assert np.flatnonzero(seen[10, 10].any(axis=1)).tolist() == list(rows["branch_b"].span(10, 10)[0])


def measured_box(seen: np.ndarray) -> tuple | None:
    rows, cols = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
    return None if rows.size == 0 else ((rows.min(), rows.max()), (cols.min(), cols.max()))


def computed_box(row, i: int, j: int, image: tuple[int, int]) -> tuple | None:
    """The bounding rows and columns the row says output pixel (i, j) reads, within the image."""
    parts = []
    if row.size != (0, 0):
        spans = row.span(i, j)
        clipped = [(max(s.start, 0), min(s.stop - 1, n - 1)) for s, n in zip(spans, image)]
        if all(lo <= hi for lo, hi in clipped):
            parts.append(tuple(clipped))
    if row.extent is not None:
        parts.append(row.extent)
    if not parts:
        return None
    return tuple((min(p[a][0] for p in parts), max(p[a][1] for p in parts)) for a in (0, 1))


def check_against_measurement(row, seen: np.ndarray, image: tuple[int, int], holes: bool) -> None:
    """What each output pixel reads, measured, lies within the row's field; its extremes are
    the field's where no field skips pixels and the row is exact."""
    assert seen.shape[:2] == row.output_shape[:2]
    for i in range(seen.shape[0]):
        for j in range(seen.shape[1]):
            measured, computed = measured_box(seen[i, j]), computed_box(row, i, j, image)
            if measured is None:
                continue
            assert computed is not None, (row.name, i, j)
            for (m_lo, m_hi), (c_lo, c_hi) in zip(measured, computed):
                assert c_lo <= m_lo and m_hi <= c_hi, (row.name, i, j, measured, computed)
            local = row.size != (0, 0) and computed_box(row, i, j, image) is not None
            if not holes and row.exact and (local or row.is_global):
                assert measured == computed, (row.name, i, j, measured, computed)


@given(stacks(), st.integers(5, 14))
def test_field_matches_which_pixels_keras_lets_through(specs, size):
    layers = build(specs)
    try:
        rows = receptive_field(layers, input_shape=(size, size))
    except ValueError:
        assume(False)  # the stack does not fit this input
    seen = keras_influence(layers, (size, size))
    last = rows[-1]
    assert seen.shape[:2] == last.output_shape[:2]
    for i in range(seen.shape[0]):
        for j in range(seen.shape[1]):
            rows_seen = np.flatnonzero(seen[i, j].any(axis=1))
            cols_seen = np.flatnonzero(seen[i, j].any(axis=0))
            spans = last.span(i, j)
            for span, found in zip(spans, (rows_seen, cols_seen)):
                assert set(found) <= set(span)
            if all(span.start >= 0 and span.stop <= size for span in spans):
                # wholly inside the image: its first and last rows and columns really are read
                for span, found in zip(spans, (rows_seen, cols_seen)):
                    assert (found.min(), found.max()) == (span.start, span.stop - 1)


@settings(max_examples=20)
@given(graphs(max_ops=5))
def test_random_graphs_match_measured_influence(spec):
    built = build_graph(spec)
    rows = {row.name: row for row in receptive_field(built.model)}
    image = built.model.inputs[0].shape[1:3]
    for index, (_, _, tensor) in enumerate(built.made):
        row = rows.get(built.label(index))
        if row is None or len(tensor.shape) != 4:
            continue
        seen = keras_influence(built.model, output=index)
        check_against_measurement(row, seen, tuple(image), built.holes)


def test_paths_with_different_jumps_are_flagged(keras):
    layers = keras.layers
    image = keras.Input((8, 8, 1))
    wide = layers.Conv2D(1, 5, name="wide")(image)  # 4×4, jump 1
    pooled = layers.MaxPooling2D(2, name="pooled")(image)  # 4×4, jump 2
    model = keras.Model(image, layers.Add(name="add")([wide, pooled]))
    row = receptive_field(model)[-1]
    assert not row.exact and not row.aligned
    assert "different jumps meet here (1, 2)" in row.note
    assert "≤ " in receptive_field(model).table()
    check_against_measurement(row, keras_influence(model), (8, 8), holes=False)
    # the field holds every pixel's: output 3 reads rows 3–7 and 6–7, i.e. 3–7
    assert row.span(3, 3)[0].start <= 3 and row.span(3, 3)[0].stop - 1 >= 7


def test_paths_with_different_centres_are_flagged(keras):
    layers = keras.layers
    image = keras.Input((8, 8, 1))
    conv = layers.Conv2D(1, 3, name="conv")(image)  # 6×6, field 3, centre 1
    cropped = layers.Cropping2D(((0, 2), (0, 2)), name="crop")(image)  # 6×6, field 1, centre 0
    model = keras.Model(image, layers.Concatenate(name="join")([conv, cropped]))
    row = receptive_field(model)[-1]
    assert row.exact and not row.aligned
    assert (row.size, row.start) == ((3, 3), (0, 0))
    assert "different centres" in row.note and "conv (1, 1); crop (0, 0)" in row.note
    check_against_measurement(row, keras_influence(model), (8, 8), holes=False)


def test_squeeze_and_excitation_is_global(keras):
    layers = keras.layers
    image = keras.Input((12, 12, 1), name="image")
    x = layers.Conv2D(2, 3, strides=2, padding="same", name="conv")(image)
    squeeze = layers.GlobalAveragePooling2D(name="squeeze")(x)
    gate = layers.Conv2D(2, 1, name="excite")(layers.Reshape((1, 1, 2), name="reshape")(squeeze))
    y = layers.Multiply(name="gate")([x, gate])
    out = layers.Conv2D(1, 3, padding="same", name="after")(y)
    model = keras.Model(image, out)
    rows = {row.name: row for row in receptive_field(model)}
    assert rows["squeeze"].is_global and rows["squeeze"].extent == ((0, 11), (0, 11))
    assert rows["squeeze"].size == rows["conv"].size  # the field through the convolutional path
    assert rows["excite"].is_global and rows["excite"].size == (0, 0)  # no convolutional path
    assert rows["gate"].is_global and rows["gate"].size == rows["conv"].size
    assert rows["after"].is_global and rows["after"].size == (7, 7)
    assert "global from here: every value depends on the whole 12×12 input" in receptive_field(model).table()
    check_against_measurement(rows["after"], keras_influence(model), (12, 12), holes=False)
    assert keras_gradient_support(model, (0, 0)).all()
    # with the global average giving zeros, what is read is the convolutional path's field
    alone = FieldRow(
        "after",
        "Conv2D",
        rows["after"].output_shape,
        *(rows["after"].size, rows["after"].jump, rows["after"].start),
    )
    check_against_measurement(alone, keras_influence(model, global_paths=False), (12, 12), holes=False)
    # and so it is without the gate: the same convolutions alone
    plain = keras.Model(image, layers.Conv2D(1, 3, padding="same")(x))
    (_, last) = receptive_field(plain)
    assert (last.size, last.jump, last.start) == (alone.size, alone.jump, alone.start)


def test_what_cannot_be_followed_is_refused(keras):
    layers = keras.layers
    cases = [
        ([layers.UpSampling2D(2, name="up")], "layer 'up' \\(UpSampling2D\\): an upsampled pixel's field"),
        ([layers.Conv2DTranspose(1, 3, name="t")], "layer 't' \\(Conv2DTranspose\\)"),
        ([layers.Reshape((4, 16, 1), name="r")], "layer 'r' \\(Reshape\\): it moves values"),
        ([layers.LayerNormalization(axis=1, name="n")], "normalises along one spatial axis only"),
    ]
    for stack, message in cases:
        with pytest.raises(ValueError, match=message):
            receptive_field(stack, input_shape=(8, 8))
    image = keras.Input((8, 8, 1))
    along = keras.Model(image, layers.Concatenate(axis=1, name="rows")([image, image]))
    with pytest.raises(ValueError, match="it joins maps along a spatial axis"):
        receptive_field(along)
    two = [keras.Input((8, 8, 1)), keras.Input((8, 8, 1))]
    with pytest.raises(ValueError, match="needs one image input"):
        receptive_field(keras.Model(two, layers.Add()(two)))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "model='abc' is not allowed: give a Keras model, or a list of Keras layers"),
        (42, "model=42 is not allowed"),
        ({}, "model={} is not allowed"),
    ],
)
def test_what_is_not_a_model_is_named(value, message):
    with pytest.raises(ValueError, match=message):
        receptive_field(value)


def test_bad_input_is_named(keras):
    layers = keras.layers
    with pytest.raises(ValueError, match=r"model\[1\]=None is not allowed"):
        receptive_field([layers.Conv2D(1, 3), None], input_shape=(8, 8))
    with pytest.raises(ValueError, match="input_shape=None is not allowed"):
        receptive_field([layers.Conv2D(1, 3)])
    with pytest.raises(ValueError, match="is built for 28×28×1 inputs"):
        receptive_field(mnist_variant("valid"), input_shape=(30, 30))
    with pytest.raises(ValueError, match="is a GaussianNoise, which is not supported"):
        receptive_field([layers.GaussianNoise(0.1)], input_shape=(8, 8))
    with pytest.raises(ValueError, match="input_shape=0 is not allowed"):
        receptive_field([layers.Conv2D(1, 3)], input_shape=(0, 8))


def test_csv_has_a_line_per_row(keras):
    rows = receptive_field(mnist_variant("stride"))
    lines = list(csv.DictReader(io.StringIO(rows.to_csv())))
    assert [
        (r["layer"], int(r["field_height"]), int(r["jump_width"]), int(r["start_height"])) for r in lines
    ] == [(row.name, row.size[0], row.jump[1], row.start[0]) for row in rows]


def application(keras, name, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(keras.applications, name)(weights=None, **options)


def test_vgg16_block5_pool_as_published(keras):
    # google-research/receptive_field's table for TF-Slim's vgg_16 (the same layers):
    # 212 pixels, effective stride 32, effective padding 90.
    rows = {
        row.name: row
        for row in receptive_field(application(keras, "VGG16", include_top=False, input_shape=(224, 224, 3)))
    }
    row = rows["block5_pool"]
    assert (row.size, row.jump, row.effective_padding) == ((212, 212), (32, 32), (90, 90))
    keras.utils.clear_session()


# The last map of each application, and an input size at which one output pixel's field
# lies wholly inside the image (so the measured extremes are the field's own).
LAST_MAPS = {
    "VGG16": ("block5_pool", 320),
    "ResNet50": ("conv5_block3_out", 576),
    "MobileNetV2": ("out_relu", 576),
    "DenseNet121": ("relu", 2176),
    "InceptionV3": ("mixed10", 1403),
    "EfficientNetB0": ("top_activation", 960),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LAST_MAPS))
def test_applications_final_field_equals_gradient_support(keras, name):
    layer, size = LAST_MAPS[name]
    for options in ({}, {"input_shape": (size, size, 3), "include_top": False}):
        model = application(keras, name, **options)
        row = {r.name: r for r in receptive_field(model)}[layer]
        height, width = model.inputs[0].shape[1:3]
        grid = row.output_shape[:2]
        for pixel in {(0, 0), (grid[0] // 2, grid[1] // 2), (grid[0] - 1, 0)}:
            seen = keras_gradient_support(model, pixel, output=layer)
            assert measured_box(seen) == computed_box(row, *pixel, (height, width)), (name, pixel)
            if row.is_global:  # EfficientNet's gates: the convolutional path alone, measured
                alone = keras_gradient_support(model, pixel, output=layer, global_paths=False)
                local = FieldRow(row.name, row.kind, row.output_shape, row.size, row.jump, row.start)
                assert measured_box(alone) == computed_box(local, *pixel, (height, width)), (name, pixel)
        keras.utils.clear_session()


@pytest.mark.parametrize("kind", ["DepthwiseConv2D", "SeparableConv2D"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_depthwise_layers_take_a_stride_with_a_dilation_as_keras_does(keras, kind, padding):
    # Conv2D refuses strides 2 with dilation 2; these two layers take them and place their
    # windows as for any stride, on odd and even inputs alike.
    for size in (9, 10):
        args = (3,) if kind == "DepthwiseConv2D" else (2, 3)
        layer = getattr(keras.layers, kind)(*args, strides=2, dilation_rate=2, padding=padding)
        (row,) = receptive_field([layer], input_shape=(size, size, 1))
        seen = keras_influence([layer], (size, size))
        assert row.output_shape[:2] == seen.shape[:2]
        assert explain([layer], input_shape=(size, size, 1))[0].output_shape[:2] == seen.shape[:2]
        check_against_measurement(row, seen, (size, size), holes=True)
        # every tap of every window wholly inside the image is read, at exactly those pixels
        for i in range(seen.shape[0]):
            for j in range(seen.shape[1]):
                rows, cols = row.span(i, j)
                if rows.start >= 0 and cols.start >= 0 and rows.stop <= size and cols.stop <= size:
                    taps = np.zeros((size, size), bool)
                    taps[rows.start : rows.stop : 2, cols.start : cols.stop : 2] = True
                    assert (seen[i, j] == taps).all(), (kind, padding, size, i, j)
