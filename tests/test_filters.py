import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from padstride.filters import (
    VERTICAL_LINE_DETECTOR,
    apply_filter,
    line_image,
    line_kernel,
    one_filter_conv,
    patches,
    reference_conv2d,
)
from tests.keras_oracle import conv_map, zero_pad

IMAGE = line_image()


def rows(array):
    return [[int(v) for v in row] for row in np.asarray(array)]


def test_line_image():
    assert IMAGE.shape == (8, 8)
    assert rows(IMAGE) == [[0, 0, 0, 1, 1, 0, 0, 0]] * 8
    assert rows(line_image(5, 1)) == [[0, 0, 1, 0, 0]] * 5
    assert rows(VERTICAL_LINE_DETECTOR) == [[0, 1, 0]] * 3
    assert np.array_equal(line_kernel(3), VERTICAL_LINE_DETECTOR)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, [[0, 0, 3, 3, 0, 0]] * 6),
        ({"strides": 2}, [[0, 3, 0]] * 3),
        (
            {"padding": "same"},
            [[0, 0, 0, 2, 2, 0, 0, 0]] + [[0, 0, 0, 3, 3, 0, 0, 0]] * 6 + [[0, 0, 0, 2, 2, 0, 0, 0]],
        ),
        # TensorFlow pads 0 rows on top and 1 at the bottom: the 2 is in the bottom row only.
        ({"padding": "same", "strides": 2}, [[0, 3, 0, 0]] * 3 + [[0, 2, 0, 0]]),
        # Explicit padding 1 on each side puts the 2 in the top row instead.
        ({"padding": 1, "strides": 2}, [[0, 0, 2, 0]] + [[0, 0, 3, 0]] * 3),
    ],
)
def test_line_detector_feature_maps(kwargs, expected):
    keras_map = apply_filter(IMAGE, VERTICAL_LINE_DETECTOR, **kwargs)
    assert rows(keras_map) == expected
    np.testing.assert_array_equal(reference_conv2d(IMAGE, VERTICAL_LINE_DETECTOR, **kwargs), keras_map)


def test_stacked_layers_and_kernel_sizes():
    first = apply_filter(IMAGE, VERTICAL_LINE_DETECTOR)
    assert apply_filter(first, VERTICAL_LINE_DETECTOR).shape == (4, 4)
    assert apply_filter(IMAGE, line_kernel(5)).shape == (4, 4)
    assert apply_filter(IMAGE, line_kernel(1)).shape == (8, 8)
    assert apply_filter(IMAGE, line_kernel(8)).shape == (1, 1)
    assert one_filter_conv((8, 8), line_kernel(8)).count_params() == 65
    assert one_filter_conv((8, 8), VERTICAL_LINE_DETECTOR).count_params() == 10
    stacked = IMAGE
    for _ in range(3):
        stacked = apply_filter(stacked, VERTICAL_LINE_DETECTOR, padding="same")
    assert stacked.shape == (8, 8)


def test_bias_is_added():
    assert rows(apply_filter(IMAGE, VERTICAL_LINE_DETECTOR, strides=2, bias=1.0)) == [[1, 4, 1]] * 3


def test_patches_first_row_and_stride_two():
    first_row = [p for p in patches(IMAGE, VERTICAL_LINE_DETECTOR) if p.row == 0]
    assert [p.left for p in first_row] == [0, 1, 2, 3, 4, 5]
    assert [p.product for p in first_row] == [0, 0, 3, 3, 0, 0]
    assert rows(first_row[2].values) == [[0, 1, 1]] * 3
    strided = [p for p in patches(IMAGE, VERTICAL_LINE_DETECTOR, strides=2) if p.row == 0]
    assert [p.left for p in strided] == [0, 2, 4]
    assert [p.product for p in strided] == [0, 3, 0]


def test_bad_input():
    with pytest.raises(ValueError, match="a 3-D array|a 2-D array"):
        reference_conv2d(np.zeros((2, 2, 2)), VERTICAL_LINE_DETECTOR)
    with pytest.raises(ValueError, match="a 9×9 kernel does not fit a 8×8 input"):
        apply_filter(IMAGE, np.ones((9, 9)))
    with pytest.raises(ValueError, match="a 9×9 kernel does not fit a 8×8 input"):
        reference_conv2d(IMAGE, np.ones((9, 9)))
    with pytest.raises(ValueError, match="width=9 is not allowed"):
        line_image(8, 9)
    with pytest.raises(ValueError, match="strides=2 with dilation_rate=2"):
        apply_filter(IMAGE, VERTICAL_LINE_DETECTOR, strides=2, dilation_rate=2)


@st.composite
def conv_case(draw):
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (1, 1) if max(strides) > 1 else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(
        st.one_of(
            st.sampled_from(["valid", "same"]),
            st.tuples(
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
            ),
        )
    )
    seed = draw(st.integers(0, 2**32 - 1))
    return (h, w), (kh, kw), strides, dilation, padding, seed


@given(conv_case())
def test_reference_conv2d_matches_keras(case):
    (h, w), (kh, kw), strides, dilation, padding, seed = case
    rng = np.random.default_rng(seed)
    image = rng.integers(-4, 5, size=(h, w)).astype(float)
    kernel = rng.integers(-4, 5, size=(kh, kw)).astype(float)
    try:
        ours = reference_conv2d(image, kernel, strides, padding, dilation)
    except ValueError:
        ours = None
    try:
        if isinstance(padding, str):
            theirs = conv_map(image, kernel, padding, strides, dilation)
        else:
            theirs = conv_map(zero_pad(image, padding), kernel, "valid", strides, dilation)
    except ValueError:
        theirs = None
    if ours is None or theirs is None:
        assert ours is None and theirs is None
    else:
        np.testing.assert_array_equal(ours, theirs)
