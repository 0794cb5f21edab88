"""Every size is checked before anything is allocated: huge settings are refused at once,
by name, instead of exhausting memory."""

import numpy as np
import pytest

from padstride.conv.arithmetic import window_positions
from padstride.conv.padding import pad
from padstride.plots import (
    animate_conv,
    draw_conv_steps,
    draw_coverage,
    draw_pad_modes,
    draw_padding,
    draw_windows,
    explore,
    unread_pixels,
)


def test_a_grid_of_any_size_costs_nothing_until_read():
    grid = window_positions(10**30, 3)
    assert grid.output_shape == (10**30 - 2, 10**30 - 2)
    assert grid.rows[-1] == 10**30 - 3 and grid.padded_shape == (10**30, 10**30)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: draw_windows(8, 3, padding=10**9),
        lambda: draw_padding(np.ones((4, 4)), 10**9),
        lambda: draw_conv_steps(np.ones((4, 4)), np.ones((3, 3)), padding=10**9),
        lambda: animate_conv(np.ones((4, 4)), np.ones((3, 3)), padding=10**9),
        lambda: draw_pad_modes(np.ones((4, 4)), 10**9, modes=["zeros"]),
        lambda: draw_coverage(np.ones((4, 4)), np.ones((3, 3)), padding=10**9),
    ],
)
def test_pictures_refuse_a_padded_input_too_large_to_draw(draw):
    with pytest.raises(ValueError, match=r"would be 200000000[48]×200000000[48] cells .* at most 256×256"):
        draw()


def test_the_explorer_says_why_instead_of_drawing():
    box = explore(padding=10**9)
    assert box.figure is None and "at most 256×256" in box.message.value


def test_arrays_too_large_are_refused_before_they_exist():
    with pytest.raises(
        ValueError, match=r"padding=100000 on a \(4, 4\) image: the result would be 200004×200004"
    ):
        pad(np.ones((4, 4)), 10**5)
    with pytest.raises(ValueError, match="the mask of unread pixels would be"):
        unread_pixels(10**6, 3)
    assert unread_pixels(8, 3, padding=10**6).sum() == 0  # a huge padding alone is cheap


def test_influence_refuses_an_input_with_too_many_impulses():
    from keras import layers

    from padstride.measure.probes import keras_influence

    with pytest.raises(
        ValueError, match=r"keras_influence on 400×400: one impulse per pixel would be 160000×400×400"
    ):
        keras_influence([layers.Conv2D(1, 3)], input_shape=(400, 400))
