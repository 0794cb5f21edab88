import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from padstride.conv.arithmetic import (
    conv_arithmetic,
    conv_output_size,
    describe_conv,
    effective_kernel_size,
    pool_output_size,
    same_padding,
)
from padstride.measure.layers import conv_map, conv_shape, run_layer, zero_pad

# --- exact values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((8, 3), {}, 6),  # the 8×8 line image, 3×3 filter
        ((6, 3), {}, 4),  # a second stacked layer
        ((8, 5), {}, 4),
        ((8, 1), {}, 8),
        ((8, 8), {}, 1),
        ((8, 3), {"padding": "same"}, 8),
        ((8, 3), {"strides": 2}, 3),
        ((8, 3), {"strides": 2, "padding": "same"}, 4),
        ((5, 3), {"padding": 1}, 5),  # the metrics page: 5×5 input, 3×3 filter, padding 1
        ((5, 3), {"padding": 1, "strides": 2}, 3),
        ((28, 3), {}, 26),
        ((28, 3), {"padding": "same", "strides": 2}, 14),
        ((14, 3), {"padding": "same", "strides": 2}, 7),
        ((7, 3), {"padding": "same", "strides": 2}, 4),
        ((28, 3), {"padding": 1, "strides": 2}, 14),  # the pipeline trace: 30×30 → 14×14
        ((28, 3), {"padding": (0, 1), "strides": 2}, 14),
        ((8, 3), {"dilation_rate": 2}, 4),
        ((3, 5), {"padding": "same"}, 3),
        ((28, 3), {"padding": "SAME"}, 28),
        ((28, 3), {"padding": "Valid"}, 26),
    ],
)
def test_conv_output_size_exact(args, kwargs, expected):
    assert conv_output_size(*args, **kwargs) == expected


def test_rectangular_forms():
    assert conv_output_size((28, 20), 3) == (26, 18)
    assert conv_output_size(28, (3, 5)) == (26, 24)
    assert conv_output_size((28, 20), 3, strides=(2, 1), padding="same") == (14, 20)
    assert conv_output_size((8, 8), 3, padding=((0, 1), (2, 3))) == (7, 11)
    assert same_padding((28, 20), 3, strides=2) == ((0, 1), (0, 1))
    assert same_padding((8, 7), (3, 4)) == ((1, 1), (1, 2))
    assert pool_output_size((7, 9), 3, strides=2) == (3, 4)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((28, 3), {"strides": 2}, (0, 1)),  # the seed notebook's first strided layer
        ((14, 3), {"strides": 2}, (0, 1)),
        ((7, 3), {"strides": 2}, (1, 1)),
        ((8, 3), {"strides": 2}, (0, 1)),
        ((8, 3), {}, (1, 1)),
        ((8, 4), {}, (1, 2)),  # even kernel: the extra zero goes after
        ((8, 3), {"dilation_rate": 2}, (2, 2)),
        ((3, 7), {}, (3, 3)),
        ((5, 1), {"strides": 3}, (0, 0)),
    ],
)
def test_same_padding_exact(args, kwargs, expected):
    assert same_padding(*args, **kwargs) == expected


def test_pool_output_size_exact():
    assert pool_output_size(28, 2) == 14
    assert pool_output_size(7, 2) == 3
    assert pool_output_size(7, 2, padding="same") == 4
    assert pool_output_size(7, 3, strides=1) == 5
    assert pool_output_size(7, 3, strides=2, padding="same") == 4


def test_effective_kernel_and_formula_text():
    assert effective_kernel_size(3) == 3
    assert effective_kernel_size(3, 2) == 5
    assert conv_arithmetic(8, 3, strides=2, padding="same").formula == "ceil(8/2) = 4"
    assert conv_arithmetic(5, 3, strides=2, padding=1).formula == "floor((5 + 1 + 1 − 3)/2) + 1 = 3"
    assert conv_arithmetic(9, 3, dilation_rate=2).formula == "floor((9 − ((3 − 1)·2 + 1))/1) + 1 = 5"
    assert describe_conv(28, 3, strides=2, padding="same") == (
        "same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right"
    )
    assert describe_conv((28, 20), 3, strides=(2, 1), padding="same") == (
        "same, stride (2, 1): height ceil(28/2) = 14; width ceil(20/1) = 20, "
        "padding 0 top / 1 bottom, 1 left / 1 right"
    )


def test_a_hand_formula_that_subtracts_one_is_wrong_keras_adds_one():
    """28×28, one zero on each side, a 3×3 kernel at stride 2: a hand calculation of
    (28 + 2·1 − 3)/2 − 1 gives 12.5; Keras' ZeroPadding2D(1) and Conv2D give 14."""
    padded = zero_pad(np.zeros((28, 28)), 1)
    keras_size = conv_shape(padded.shape, 3, 2, "valid", 1)[0]
    assert keras_size != (28 + 2 * 1 - 3) / 2 - 1
    assert keras_size == (28 + 2 * 1 - 3) // 2 + 1 == conv_output_size(28, 3, strides=2, padding=1)


def test_same_at_stride_2_pads_0_before_and_1_after_not_1_and_1():
    ones, kernel = np.ones((28, 28)), np.ones((3, 3))
    same = conv_map(ones, kernel, "same", 2)
    split = same_padding(28, 3, strides=2)
    assert split == (0, 1)
    np.testing.assert_array_equal(same, conv_map(zero_pad(ones, (split, split)), kernel, "valid", 2))
    assert not np.array_equal(same, conv_map(zero_pad(ones, 1), kernel, "valid", 2))


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: conv_output_size((3, 3), (5, 5)),
            'a 5×5 kernel does not fit a 3×3 input with padding="valid": floor((3 − 5)/1) + 1 = −1',
        ),
        (
            lambda: conv_output_size(3, 5),
            'a kernel of 5 does not fit an input of 3 with padding="valid": floor((3 − 5)/1) + 1 = −1',
        ),
        (
            lambda: conv_output_size(4, 3, dilation_rate=2),
            "a kernel of 3 dilated by 2 (spanning 5) does not fit an input of 4",
        ),
        (lambda: conv_output_size(2, 6, padding=1), "with padding=1: floor((2 + 1 + 1 − 6)/1) + 1 = −1"),
        (lambda: conv_output_size(2, 6, padding=(1, 0)), "with zeros (before, after) = (1, 0)"),
        (
            lambda: conv_output_size(8, 3, padding="causal"),
            "padding='causal' is not allowed: use 'valid', 'same'",
        ),
        (lambda: conv_output_size(8, 3, padding=-1), "padding=-1 is not allowed: padding cannot be negative"),
        (lambda: conv_output_size(8, 3, padding=(1, -2)), "padding=-2 is not allowed"),
        (lambda: conv_output_size(8, 3, padding=1.5), "padding=1.5 is not allowed"),
        (lambda: conv_output_size(8, 3, padding=(1, 2, 3)), "padding=(1, 2, 3) is not allowed"),
        (lambda: conv_output_size(0, 3), "size=0 is not allowed: size must be a positive integer"),
        (lambda: conv_output_size(8.0, 3), "size=8.0 is not allowed"),
        (lambda: conv_output_size(True, 3), "size=True is not allowed"),
        (lambda: conv_output_size(8, -3), "kernel_size=-3 is not allowed"),
        (lambda: conv_output_size(8, 3, strides=0), "strides=0 is not allowed"),
        (lambda: conv_output_size(8, 3, dilation_rate=0), "dilation_rate=0 is not allowed"),
        (
            lambda: conv_output_size(8, 3, strides=2, dilation_rate=2),
            "strides=2 with dilation_rate=2 is not allowed",
        ),
        (
            lambda: conv_output_size(8, 3, strides=(2, 1), dilation_rate=(1, 2)),
            "strides=(2, 1) with dilation_rate=(1, 2) is not allowed",
        ),
        (lambda: conv_output_size((8, 8, 8), 3), "size=(8, 8, 8) is not allowed: give one number or a"),
        (lambda: same_padding(8, "3"), "kernel_size='3' is not allowed"),
        (lambda: pool_output_size(3, 5), 'a pool of 5 does not fit an input of 3 with padding="valid"'),
        (
            lambda: pool_output_size(8, 2, padding="SAME"),
            "padding='SAME' is not allowed: use 'valid' or 'same' (lower case: Keras' pooling layers",
        ),
        (lambda: pool_output_size(8, 2, strides=0), "strides=0 is not allowed"),
        (lambda: pool_output_size(8, 2, padding=1), "padding=1 is not allowed: use 'valid' or 'same'"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_arithmetic_imports_no_tensorflow():
    code = "import sys, padstride, padstride.conv.arithmetic; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# --- exact integers, at any length ---------------------------------------------------------


def test_sizes_beyond_float_precision():
    # n/s in floats rounds these; the arithmetic stays in integers.
    assert conv_output_size(10**20 + 1, 1, strides=2, padding="same") == 5 * 10**19 + 1
    assert same_padding(2**53 + 1, 2, strides=2) == (0, 1)
    assert pool_output_size(10**20 + 1, 2, padding="same") == 5 * 10**19 + 1
    n = 3 * 10**399 + 1  # 400 digits: no float holds it, n / 3 raises OverflowError
    with pytest.raises(OverflowError):
        n / 3  # noqa: B018
    assert conv_output_size(n, 3, strides=3, padding="same") == 10**399 + 1
    assert conv_arithmetic(n, 3, strides=3, padding="same").formula == f"ceil({n}/3) = {10**399 + 1}"
    assert conv_output_size(n, 3, strides=3) == 10**399  # floor((n − 3)/3) + 1


huge = st.integers(1, 10**400)
huge_kernels = st.integers(1, 10**30)
huge_strides = st.integers(1, 10**30)


@given(huge, huge_kernels, huge_strides, st.sampled_from(["valid", "same"]))
@example(10**20 + 1, 1, 2, "same")
@example(2**53 + 1, 2, 2, "same")
def test_huge_sizes_against_exact_fractions(n, k, s, padding):
    try:
        ours = conv_output_size(n, k, strides=s, padding=padding)
    except ValueError:
        ours = None
    if padding == "same":
        expected = math.ceil(Fraction(n, s))
    else:
        expected = math.floor(Fraction(n - k, s)) + 1 if n >= k else None
    assert ours == expected
    pooled = pool_output_size(n, k, strides=s, padding=padding) if padding == "same" or n >= k else None
    assert pooled == expected


@given(huge, huge_kernels, huge_strides)
@example(2**53 + 1, 2, 2)
def test_huge_same_padding_is_the_least_that_lets_the_last_window_fit(n, k, s):
    before, after = same_padding(n, k, strides=s)
    out = conv_output_size(n, k, strides=s, padding="same")
    assert (out - 1) * s < n <= out * s  # out windows, s apart, start inside the input
    total = before + after
    last_end = (out - 1) * s + k  # one past the last window's last pixel, on the padded axis
    assert last_end <= n + total  # the last window fits
    assert total == 0 or last_end == n + total  # and not one zero more than it needs
    assert before == total // 2 and after - before in (0, 1)  # the odd zero goes after


# --- against real Keras layers --------------------------------------------------------------

sizes = st.integers(1, 16)
kernels = st.integers(1, 7)
strides = st.integers(1, 4)
dilations = st.integers(1, 3)
words = st.sampled_from(["valid", "same", "VALID", "Same"])


@st.composite
def conv_settings(draw):
    """Random (height, width) settings; kernels may be larger than the input."""
    return dict(
        size=(draw(sizes), draw(sizes)),
        kernel=(draw(kernels), draw(kernels)),
        strides=(draw(strides), draw(strides)),
        dilation_rate=(draw(dilations), draw(dilations)),
    )


@given(conv_settings(), words)
def test_conv_output_size_matches_keras_conv2d(s, padding):
    try:
        ours = conv_output_size(s["size"], s["kernel"], s["strides"], padding, s["dilation_rate"])
    except ValueError:
        ours = None
    assert ours == conv_shape(s["size"], s["kernel"], s["strides"], padding, s["dilation_rate"])


@given(sizes, kernels, strides, words)
def test_one_axis_agrees_with_the_pair_form(n, k, s, padding):
    try:
        one = conv_output_size(n, k, s, padding)
    except ValueError:
        one = None
    try:
        both = conv_output_size((n, n), (k, k), (s, s), padding)
    except ValueError:
        both = None
    assert (one, one) == both if one is not None else both is None


pads = st.integers(0, 3)


@given(conv_settings(), pads, pads, pads, pads)
def test_explicit_padding_matches_zeropadding2d_then_valid_conv(s, top, bottom, left, right):
    padding = ((top, bottom), (left, right))
    try:
        ours = conv_output_size(s["size"], s["kernel"], s["strides"], padding, s["dilation_rate"])
    except ValueError:
        ours = None
    padded = zero_pad(np.zeros(s["size"]), padding)
    assert padded.shape == (s["size"][0] + top + bottom, s["size"][1] + left + right)
    assert ours == conv_shape(padded.shape, s["kernel"], s["strides"], "valid", s["dilation_rate"])


@given(conv_settings(), st.integers(0, 2**32 - 1))
def test_same_padding_split_is_tensorflows(s, seed):
    """A "same" conv equals a "valid" conv on the input zero-padded with our split."""
    assume(max(s["strides"]) == 1 or max(s["dilation_rate"]) == 1)
    rng = np.random.default_rng(seed)
    image = rng.integers(-3, 4, size=s["size"]).astype(float)
    kernel = rng.integers(-3, 4, size=s["kernel"]).astype(float)
    split = same_padding(s["size"], s["kernel"], s["strides"], s["dilation_rate"])
    same = conv_map(image, kernel, "same", s["strides"], s["dilation_rate"])
    by_hand = conv_map(zero_pad(image, split), kernel, "valid", s["strides"], s["dilation_rate"])
    np.testing.assert_array_equal(same, by_hand)


@given(
    st.tuples(sizes, sizes),
    st.tuples(st.integers(1, 5), st.integers(1, 5)),
    st.one_of(st.none(), st.tuples(strides, strides)),
    st.sampled_from(["valid", "same"]),
)
def test_pool_output_size_matches_keras_maxpooling2d(size, pool, stride, padding):
    from padstride.runtime import load_keras

    try:
        ours = pool_output_size(size, pool, stride, padding)
    except ValueError:
        ours = None
    layer = load_keras().layers.MaxPooling2D(pool, strides=stride, padding=padding)
    try:
        theirs = tuple(run_layer(layer, np.zeros(size)).shape[:2])
    except Exception as error:  # Keras refuses (shape check or the pooling kernel itself)
        if not (isinstance(error, ValueError) or type(error).__module__.startswith("tensorflow")):
            raise
        theirs = None
    else:
        assert theirs == tuple(layer.compute_output_shape((1, *size, 1))[1:3])
    assert ours == theirs
