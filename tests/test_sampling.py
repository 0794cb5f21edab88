import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from padstride.measure.probes import keras_influence
from padstride.plots import alt_text, draw_coverage, unread_pixels
from tests.picture_checks import assert_legible, sizes_in


@given(
    st.integers(3, 12),
    st.integers(1, 4),
    st.integers(1, 5),
    st.sampled_from(["valid", "same"]),
)
def test_unread_pixels_are_the_ones_keras_never_reads(size, kernel, stride, padding):
    from padstride.runtime import load_keras

    assume(kernel <= size)
    layer = load_keras().layers.Conv2D(1, kernel, strides=stride, padding=padding)
    never = ~keras_influence([layer], (size, size)).any(axis=(0, 1))
    np.testing.assert_array_equal(unread_pixels(size, kernel, stride, padding), never)


def test_stride_four_on_a_digit():
    digit = np.zeros((28, 28))
    digit[5:23, 10:18] = 1.0
    fig = draw_coverage(digit, np.ones((3, 3)) / 9, strides=4, padding="same")
    unread = unread_pixels(28, 3, 4, "same")
    assert fig.axes[1].get_title() == f"never read: {int(unread.sum())} of 784 pixels"
    assert unread[:, 3].all() and unread[:, 27].all() and not unread[:, 2].all()
    assert fig.axes[2].get_title() == "output 7×7"
    assert fig.get_suptitle() == 'input 28×28, kernel_size=3, strides=4, padding="same"'
    assert_legible(fig)
    plt.close(fig)
    with pytest.raises(ValueError, match=r"kernel of shape \(3,\) is not allowed"):
        draw_coverage(digit, np.ones(3))


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding"),
    [(8, 3, 4, "valid"), (28, 3, 4, "same"), (9, 2, 3, "same"), (6, 3, 1, "valid")],
)
def test_draw_coverage_alt_states_the_pixels_keras_never_reads(size, kernel, stride, padding):
    from padstride.measure.layers import conv_map, unseen_pixels

    image = np.random.default_rng(size).random((size, size))
    weights = np.ones((kernel, kernel)) / kernel**2
    alt = alt_text(draw_coverage(image, weights, strides=stride, padding=padding))
    plt.close("all")
    feature_map = conv_map(image, weights, padding, stride)
    assert sizes_in(alt, "input") == [(size, size)] and sizes_in(alt, "output") == [feature_map.shape]
    never = unseen_pixels(kernel, stride, size, padding)
    stated = re.search(r"marked: (\d+) of (\d+) pixels|marked: (none)", alt)
    assert (0 if stated[3] else int(stated[1])) == never and (stated[3] or int(stated[2]) == size * size)
    assert f"values from {feature_map.min():.3g} to {feature_map.max():.3g}." in alt


def test_draw_coverage_alt_names_whole_rows_and_columns_never_read():
    alt = alt_text(draw_coverage(np.ones((8, 8)), np.ones((3, 3)), strides=4))
    assert "28 of 64 pixels, in rows 3 and 7 and in columns 3 and 7 (counted from 0)" in alt
