import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from padstride.conv.windows import reference_conv2d
from padstride.demo.filters import VERTICAL_LINE_DETECTOR, line_image
from padstride.plots import draw_conv_steps, draw_feature_map, draw_maps, draw_padding, draw_windows
from tests.picture_checks import assert_legible


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def gids(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def corner(patch):
    x, y = patch.get_xy()
    return (int(y), int(x))  # (row, col)


def test_draw_windows_same_stride_two():
    fig = draw_windows(8, 3, strides=2, padding="same")
    ax_in, ax_out = fig.axes[:2]
    pads = gids(ax_in, "pad")
    assert len(gids(ax_in, "input")) == 64
    assert len(pads) == 9 + 8  # one row at the bottom and one column at the right, nothing on top or left
    assert {corner(p) for p in pads} == {(8, c) for c in range(9)} | {(r, 8) for r in range(8)}
    frames = gids(ax_in, "window-frame")
    assert sorted(corner(f) for f in frames) == [(0, 0), (0, 6), (6, 0), (6, 6)]
    assert len(gids(ax_out, "output")) + len(gids(ax_out, "output-filled")) == 16
    settings, formula = fig.get_suptitle().split("\n", 1)
    assert settings == 'input 8×8, kernel_size=3, strides=2, padding="same"'
    assert "ceil(8/2) = 4" in formula and "padding 0 top/left, 1" in formula
    assert ax_in.get_title() == "input 8×8, padded to 9×9"
    assert ax_out.get_title() == "output 4×4"
    assert_legible(fig)


def test_draw_windows_names_every_setting_the_keras_way():
    fig = draw_windows(9, 3, dilation_rate=2, padding="same", show="first-row")
    assert fig.get_suptitle().startswith(
        'input 9×9, kernel_size=3, strides=1, padding="same", dilation_rate=2'
    )
    fig = draw_windows(8, (3, 5), strides=(2, 1))
    assert fig.get_suptitle().startswith('input 8×8, kernel_size=(3, 5), strides=(2, 1), padding="valid"')
    assert fig.axes[1].get_title() == "output 3×4"
    assert_legible(fig)


def test_draw_windows_first_row_valid_stride_two():
    fig = draw_windows(8, 3, strides=2, show="first-row")
    frames = gids(fig.axes[0], "window-frame")
    assert [corner(f)[1] for f in frames] == [0, 2, 4]
    assert gids(fig.axes[0], "pad") == []
    with pytest.raises(ValueError, match="show='some' is not allowed"):
        draw_windows(8, 3, show="some")
    with pytest.raises(ValueError, match="a 9×9 kernel does not fit a 8×8 input"):
        draw_windows(8, 9)


@pytest.mark.parametrize("show", ["corners", "first-row", "all"])
@pytest.mark.parametrize(
    "settings",
    [
        (8, 3, 2, "same", 1),
        (9, 3, 2, "valid", 1),
        (16, 7, 4, "same", 1),
        (5, 3, 1, (0, 1), 1),
        (9, 3, 1, "same", 2),
    ],
)
def test_window_pictures_are_legible(settings, show):
    assert_legible(draw_windows(*settings, show=show))


def test_draw_padding_and_values():
    fig = draw_padding(line_image(), 1)
    ax = fig.axes[0]
    assert len(gids(ax, "pad")) == 10 * 10 - 64
    assert len(ax.texts) == 100  # values written: the grid is small
    assert ax.get_title().startswith("8×8 image padded to 10×10")
    assert_legible(fig)
    big = draw_padding(np.zeros((20, 20)), ((0, 1), (0, 1)))
    assert len(big.axes[0].texts) == 0
    assert len(gids(big.axes[0], "pad")) == 21 * 21 - 400
    with pytest.raises(ValueError, match=r"image of shape \(4,\) is not allowed"):
        draw_padding(np.zeros(4), 1)


def test_draw_feature_map_writes_values_only_where_they_fit():
    fm = reference_conv2d(line_image(), VERTICAL_LINE_DETECTOR)
    fig = draw_feature_map(fm, title="line detector")
    ax = fig.axes[0]
    assert ax.get_title() == "line detector (6×6)"
    assert [t.get_text() for t in ax.texts[:6]] == ["0", "0", "3", "3", "0", "0"]
    assert_legible(fig)
    dense = draw_feature_map(np.arange(256.0).reshape(16, 16) / 7)  # long numbers, small cells
    assert len(dense.axes[0].texts) == 0 and len(dense.axes) == 2  # a colour bar instead
    assert_legible(dense)
    forced = draw_feature_map(np.eye(3), labels=False)
    assert len(forced.axes[0].texts) == 0


def test_draw_maps_gives_every_array_the_same_area():
    fig = draw_maps({"input": np.eye(8), "strided": np.eye(4)})
    first, second = (ax.get_images()[0].get_extent() for ax in fig.axes)
    assert first == second
    np.testing.assert_array_equal(fig.axes[1].get_images()[0].get_array(), np.eye(4))
    assert_legible(fig)
    with pytest.raises(ValueError, match="at least one"):
        draw_maps({})


@pytest.mark.parametrize(
    ("maps", "given"),
    [([np.eye(3)], "maps as a list"), (None, "maps=None"), (np.eye(3), "maps as a ndarray")],
)
def test_draw_maps_refuses_what_is_not_a_dict_in_one_line(maps, given):
    message = f"{given} is not allowed: give a dict of {{title: array}}, e.g. {{'input': image, 'feature map': output}}"
    with pytest.raises(ValueError) as refused:
        draw_maps(maps)
    assert str(refused.value) == message


@pytest.mark.parametrize("steps", [0, -1, 2.0, True])
def test_draw_conv_steps_refuses_steps_below_one_or_not_whole(steps):
    with pytest.raises(
        ValueError, match=rf"^steps={steps!r} is not allowed: steps must be a positive integer"
    ):
        draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR, steps=steps)
    fig = draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR, steps=2)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 2


def test_draw_conv_steps_matches_the_first_row():
    fig = draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 6
    first_row = reference_conv2d(line_image(), VERTICAL_LINE_DETECTOR)[0]
    assert [float(ax.get_title().splitlines()[-1].split("= ")[-1]) for ax in visible] == list(first_row)
    assert visible[1].get_title().startswith("moved right 1")
    assert visible[0].get_title().splitlines()[1] == "0·1 + 0·1 + 0·1 = 0"  # taps of weight 0 left out
    assert visible[2].get_title().splitlines()[1] == "1·1 + 1·1 + 1·1 = 3"
    assert_legible(fig)


def test_stride_two_steps_title_does_not_overlap_the_panels():
    strided = draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
    assert len([ax for ax in strided.axes if ax.get_visible()]) == 3
    assert_legible(strided)


def test_the_legend_names_padding_only_where_there_is_some():
    from padstride.plots import draw_windows

    def labels(fig):
        return [text.get_text() for legend in fig.legends for text in legend.get_texts()]

    assert "zero padding" not in labels(draw_windows(8, 3))
    assert "zero padding" in labels(draw_windows(8, 3, strides=2, padding="same"))
    assert "zero padding" not in labels(draw_windows(9, 1, strides=2, padding="same"))  # same, no zeros


def test_the_legend_shows_the_colour_a_window_takes_over_padding():
    from matplotlib.colors import to_hex

    from padstride.plots import draw_windows

    fig = draw_windows(8, 3, strides=2, padding="same")
    (legend,) = fig.legends
    entries = {text.get_text(): handle for text, handle in zip(legend.get_texts(), legend.legend_handles)}
    over_padding = to_hex(entries["window over padding"].get_facecolor())
    # the colour of a padding cell under exactly one window, as drawn
    pad_cells = [p for p in fig.axes[0].patches if p.get_gid() == "pad"]
    windows = [p for p in fig.axes[0].patches if p.get_gid() == "window"]
    (corner,) = [w for w in windows if (w.get_x(), w.get_y()) == (8, 0)]  # top-right window, padded column
    assert any((p.get_x(), p.get_y()) == (8, 0) for p in pad_cells)
    alpha = corner.get_alpha()
    drawn = [
        alpha * w + (1 - alpha) * b
        for w, b in zip(corner.get_facecolor()[:3], pad_cells[0].get_facecolor()[:3])
    ]
    assert over_padding == to_hex(drawn)
    assert "window over padding" not in [t.get_text() for t in draw_windows(8, 3).legends[0].get_texts()]
