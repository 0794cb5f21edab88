import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from padstride.conv.padding import PAD_MODES, pad
from padstride.demo.filters import VERTICAL_LINE_DETECTOR, line_image
from padstride.measure.layers import conv_map
from padstride.plots import alt_text, draw_pad_modes
from tests.picture_checks import assert_legible, rows_in, zeros_in


@pytest.mark.parametrize("padding", [1, 2])
def test_pad_modes_show_what_pad_returns_and_keras_computes(keras, padding):
    image = line_image()
    fig = draw_pad_modes(image, padding, VERTICAL_LINE_DETECTOR)
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert len(panels) == 2 * len(PAD_MODES)
    for ax, mode in zip(panels, PAD_MODES):
        (shown,) = ax.get_images()
        assert shown.get_gid() == f"padded-{mode}"
        np.testing.assert_array_equal(shown.get_array(), pad(image, padding, mode))
        (frame,) = [p for p in ax.patches if p.get_gid() == "input"]
        assert (frame.get_x(), frame.get_width()) == (padding - 0.5, 8)
    maps = [ax.get_images()[0].get_array() for ax in panels[len(PAD_MODES) :]]
    for mode, shown in zip(PAD_MODES, maps):
        np.testing.assert_array_equal(shown, conv_map(pad(image, padding, mode), VERTICAL_LINE_DETECTOR))
    if padding == 1:
        np.testing.assert_array_equal(maps[0], conv_map(image, VERTICAL_LINE_DETECTOR, padding="same"))
        assert maps[0][0, 3] == 2 and maps[3][0, 3] == 3  # zeros above the line weaken the top row
    # the values are written, legibly, in every feature map, or in none
    written = [len(ax.texts) for ax in panels[len(PAD_MODES) :]]
    assert written in ([m.size for m in maps], [0] * len(maps))
    assert written[0] > 0
    assert_legible(fig)
    plt.close(fig)


def test_pad_modes_refuse_bad_input():
    with pytest.raises(ValueError, match="mode='wrap' is not allowed"):
        draw_pad_modes(line_image(), 1, modes=["wrap"])
    with pytest.raises(ValueError, match="not 'valid' or 'same'"):
        draw_pad_modes(line_image(), "same")


@pytest.mark.parametrize("modes", [[], (), 3])
def test_pad_modes_refuse_no_modes_in_one_line(modes):
    with pytest.raises(ValueError) as refused:
        draw_pad_modes(np.eye(4), 1, modes=modes)
    assert str(refused.value) == (
        f"modes={modes!r} is not allowed: give one mode or a list of them, from 'zeros', 'reflect', "
        "'symmetric', 'replicate', e.g. modes='reflect' or modes=['zeros', 'replicate']"
    )


def test_one_mode_by_name_is_one_panel_not_one_per_letter():
    fig = draw_pad_modes(np.eye(4), 1, modes="reflect")
    assert [ax.get_title() for ax in fig.axes] == ["reflect"]
    plt.close(fig)


def test_a_large_image_without_kernel_is_legible():
    fig = draw_pad_modes(np.random.default_rng(0).random((10, 10)), 4)
    assert [ax.get_title() for ax in fig.axes] == list(PAD_MODES)
    assert_legible(fig)
    plt.close(fig)


@pytest.mark.parametrize("padding", [1, 2, ((0, 2), (1, 0))])
def test_pad_modes_alt_states_each_mode_row_and_keras_maps(keras, padding):
    """The first image row as each mode pads it, held against NumPy's own modes, and each
    feature map's values against a Keras Conv2D on the padded image."""
    image = np.arange(16.0).reshape(4, 4)
    alt = alt_text(draw_pad_modes(image, padding, VERTICAL_LINE_DETECTOR))
    plt.close("all")
    (top, bottom), (left, right) = (
        ((padding, padding), (padding, padding)) if isinstance(padding, int) else padding
    )
    numpy_modes = {"zeros": "constant", "reflect": "reflect", "symmetric": "symmetric", "replicate": "edge"}
    for mode, numpy_mode in numpy_modes.items():
        padded = np.pad(image, ((top, bottom), (left, right)), mode=numpy_mode)
        row = " ".join(f"{v:g}" for v in padded[top])
        assert f"{mode} {row}" in alt.split("first row as each mode pads it: ")[1].split(".")[0]
        keras_map = conv_map(padded, VERTICAL_LINE_DETECTOR)
        stated = alt.split(f"{mode.capitalize()}: ")[1].split(".")[0]
        assert stated.startswith(f"{keras_map.shape[0]}×{keras_map.shape[1]}, ")
        assert rows_in(stated.split("values by row: ")[1]) == keras_map.tolist()
    assert f"padded to {4 + top + bottom}×{4 + left + right} in 4 modes" in alt
    assert zeros_in(alt.replace(" added", "")) == (top, bottom, left, right)
