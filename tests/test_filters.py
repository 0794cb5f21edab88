import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from padstride.conv.windows import patches, reference_conv2d
from padstride.demo.filters import (
    MAX_LINE_SIZE,
    VERTICAL_LINE_DETECTOR,
    apply_filter,
    line_image,
    line_kernel,
    pipeline_trace,
)
from padstride.measure.layers import conv_map, zero_pad

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
    with pytest.raises(ValueError, match=re.escape("image of shape (2, 2, 2) is not allowed: give a non")):
        reference_conv2d(np.zeros((2, 2, 2)), VERTICAL_LINE_DETECTOR)
    with pytest.raises(ValueError, match="a 9×9 kernel does not fit a 8×8 input"):
        apply_filter(IMAGE, np.ones((9, 9)))
    with pytest.raises(ValueError, match="a 9×9 kernel does not fit a 8×8 input"):
        reference_conv2d(IMAGE, np.ones((9, 9)))
    with pytest.raises(ValueError, match="width=9 is not allowed"):
        line_image(8, 9)
    with pytest.raises(ValueError, match="strides=2 with dilation_rate=2"):
        apply_filter(IMAGE, VERTICAL_LINE_DETECTOR, strides=2, dilation_rate=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # NumPy said "setting an array element with a sequence"
        ({"bias": [1, 2]}, "bias=[1, 2] is not allowed: bias must be one real number"),
        ({"bias": "1"}, "bias='1' is not allowed"),
        # the imaginary part was dropped without a word
        ({"image": IMAGE + 1j}, "image=<complex128 array of shape (8, 8)> is not allowed: it is complex"),
        ({"kernel": [[1, 2], [3]]}, "kernel=[[1, 2], [3]] is not allowed: its rows differ in length"),
        ({"image": [[1, 2], [3]]}, "image=[[1, 2], [3]] is not allowed: its rows differ in length"),
        ({"padding": (1, 2, 3)}, "padding=(1, 2, 3) is not allowed"),
        # TensorFlow stops the whole process on a stride beyond 32 bits
        ({"strides": 2**31}, "strides=2147483648 is not allowed: TensorFlow takes at most 2147483647"),
    ],
)
def test_apply_filter_names_the_bad_argument(kwargs, message):
    args = {"image": IMAGE, "kernel": VERTICAL_LINE_DETECTOR, **kwargs}
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        apply_filter(**args)


@pytest.mark.parametrize("size", [0, MAX_LINE_SIZE + 1, 200_000, 2.0, "3", True])
def test_line_sizes_are_checked_before_any_array_is_made(size):
    # 200000 once asked NumPy for 298 GiB
    with pytest.raises(ValueError, match="^" + re.escape(f"size={size!r} is not allowed")):
        line_kernel(size)
    with pytest.raises(ValueError, match="^" + re.escape(f"size={size!r} is not allowed")):
        line_image(size)
    assert line_kernel(MAX_LINE_SIZE).shape == (MAX_LINE_SIZE, MAX_LINE_SIZE)


def test_pipeline_trace_against_the_numpy_reference():
    from padstride.mnist.data import load_mnist

    (x_train, _), _ = load_mnist()
    digit = x_train[0].astype(float)
    trace = pipeline_trace(digit)
    assert trace["input"].shape == (28, 28)
    assert trace["padded"].shape == (30, 30)
    assert trace["feature_map"].shape == (14, 14)
    np.testing.assert_array_equal(trace["padded"], zero_pad(digit, 1))
    expected = reference_conv2d(digit, VERTICAL_LINE_DETECTOR, strides=2, padding=1)
    np.testing.assert_allclose(trace["feature_map"], expected, rtol=1e-6)
    with pytest.raises(
        ValueError, match=re.escape("image of shape (8, 8) is not allowed: a 28×28 digit is needed")
    ):
        pipeline_trace(IMAGE)


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
