"""Every spelling of zeros the package takes means what Keras' ZeroPadding2D makes of it."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from padstride import arguments
from padstride.conv.arithmetic import conv_output_size, window_positions
from padstride.conv.padding import pad
from padstride.demo.filters import apply_filter
from padstride.demo.models import padding_layers
from padstride.measure.layers import conv_map, run_layer, zero_pad

amounts = st.integers(0, 3)
sides = st.one_of(amounts, st.tuples(amounts, amounts))  # p, or (before, after)
spellings = st.one_of(amounts, st.tuples(sides, sides))  # p, (h, w), ((t, b), (l, r)) or a mix


def as_written(spelling, form: str):
    """The same spelling as a list or a NumPy array, where it can be one."""
    if form == "list" and isinstance(spelling, tuple):
        return [list(v) if isinstance(v, tuple) else v for v in spelling]
    if form == "array" and isinstance(spelling, tuple) and len({type(v) for v in spelling}) == 1:
        return np.array(spelling)
    return spelling


@given(spellings, st.sampled_from(["tuple", "list", "array"]))
def test_the_zeros_are_the_ones_zero_padding_2d_adds(spelling, form):
    from padstride.runtime import load_keras

    keras_pads = load_keras().layers.ZeroPadding2D(spelling).padding
    assert arguments.padding_2d(as_written(spelling, form)) == keras_pads
    assert padding_layers(as_written(spelling, form))[0].padding == keras_pads


@settings(max_examples=40, deadline=None)
@given(
    spellings,
    st.tuples(st.integers(1, 7), st.integers(1, 7)),
    st.tuples(st.integers(1, 3), st.integers(1, 3)),
    st.tuples(st.integers(1, 3), st.integers(1, 3)),
    st.integers(0, 2**31),
)
def test_sizes_windows_pads_and_maps_equal_zero_padding_2d_then_valid(spelling, size, kernel, strides, seed):
    rng = np.random.default_rng(seed)
    image = rng.integers(-3, 4, size=size).astype("float32")
    weights = rng.integers(-3, 4, size=kernel).astype("float32")
    padded = zero_pad(image, spelling)  # Keras' ZeroPadding2D, given the spelling as it is
    np.testing.assert_array_equal(pad(image, spelling), padded)
    if padded.shape[0] < kernel[0] or padded.shape[1] < kernel[1]:
        assert_refused(lambda: conv_output_size(size, kernel, strides, spelling))
        return
    expected = conv_map(padded, weights, "valid", strides)
    assert conv_output_size(size, kernel, strides, spelling) == expected.shape
    assert window_positions(size, kernel, strides, spelling).padded_shape == padded.shape
    np.testing.assert_allclose(apply_filter(image, weights, strides, spelling), expected, atol=1e-5)


def test_a_flat_pair_is_height_and_width_on_a_9_by_8_input():
    # The two cases once answered (8, 7) and (5, 5): before/after on both axes.
    for spelling, strides in [((0, 1), 1), ((2, 1), 2)]:
        keras_shape = run_layer(_pad_then_valid(spelling, strides), np.zeros((9, 8))).shape[:2]
        assert conv_output_size((9, 8), 3, strides=strides, padding=spelling) == keras_shape


def _pad_then_valid(spelling, strides):
    from padstride.runtime import load_keras

    layers = load_keras().layers
    return load_keras().Sequential([layers.ZeroPadding2D(spelling), layers.Conv2D(1, 3, strides=strides)])


def assert_refused(call) -> None:
    try:
        call()
    except ValueError as error:
        assert "does not fit" in str(error)
    else:
        raise AssertionError("a kernel larger than the padded input was not refused")


@settings(max_examples=30, deadline=None)
@given(sides, st.integers(1, 9), st.integers(1, 4), st.integers(1, 3))
def test_one_int_size_reads_padding_as_zero_padding_1d(spelling, size, kernel, strides):
    from padstride.runtime import load_keras

    layers = load_keras().layers
    padded = layers.ZeroPadding1D(spelling)(np.zeros((1, size, 1), "float32"))
    if padded.shape[1] < kernel:
        assert_refused(lambda: conv_output_size(size, kernel, strides, spelling))
        return
    out = layers.Conv1D(1, kernel, strides=strides)(padded)
    assert conv_output_size(size, kernel, strides, spelling) == out.shape[1]
