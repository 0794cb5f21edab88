import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from padstride.models import mnist_variant
from padstride.probes import keras_influence
from padstride.receptive import receptive_field
from tests.layer_stacks import build, stacks


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


def test_bad_input_is_named(keras):
    layers = keras.layers
    with pytest.raises(ValueError, match="input_shape=None is not allowed"):
        receptive_field([layers.Conv2D(1, 3)])
    with pytest.raises(ValueError, match="input_shape is not allowed with a model"):
        receptive_field(mnist_variant("valid"), input_shape=(28, 28))
    with pytest.raises(ValueError, match="is a BatchNormalization"):
        receptive_field([layers.BatchNormalization()], input_shape=(8, 8))
    with pytest.raises(ValueError, match="input_shape=0 is not allowed"):
        receptive_field([layers.Conv2D(1, 3)], input_shape=(0, 8))


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
