import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from padstride.measure.probes import keras_influence
from padstride.plots import draw_coverage, unread_pixels
from tests.picture_checks import assert_legible


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
