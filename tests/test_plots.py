import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from padstride.arithmetic import conv_output_size, window_positions
from padstride.filters import VERTICAL_LINE_DETECTOR, line_image, reference_conv2d
from padstride.models import mnist_variant
from padstride.padding import PAD_MODES, pad
from padstride.plots import (
    animate_conv,
    draw_conv_steps,
    draw_feature_map,
    draw_pad_modes,
    draw_padding,
    draw_pipeline,
    draw_receptive_field,
    draw_windows,
    explore,
    plot_history,
    plot_tradeoff,
)
from padstride.receptive import receptive_field
from tests.keras_oracle import conv_map


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def gids(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def corner(patch):
    x, y = patch.get_xy()
    return (int(y), int(x))  # (row, col)


# --- geometry -------------------------------------------------------------------------------


def test_window_positions_same_stride_two_is_asymmetric():
    g = window_positions(8, 3, strides=2, padding="same")
    assert (g.pad_top, g.pad_bottom, g.pad_left, g.pad_right) == (0, 1, 0, 1)
    assert g.rows == g.cols == (0, 2, 4, 6)
    assert g.cells(3, 3)[-1] == (8, 8)  # the last tap sits in the bottom-right padding
    valid = window_positions(8, 3, strides=2)
    assert valid.cols == (0, 2, 4)
    dilated = window_positions(9, 3, dilation_rate=2, padding="same")
    assert dilated.taps_rows == (0, 2, 4) and dilated.rows[0] == -2


@given(
    st.integers(1, 12),
    st.integers(1, 12),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from(["valid", "same"]),
    st.integers(0, 2**32 - 1),
)
def test_window_positions_reproduce_keras_feature_maps(h, w, k, s, d, padding, seed):
    """Summing image × kernel over each window's cells gives Keras' feature map exactly."""
    if s > 1 and d > 1:
        d = 1
    rng = np.random.default_rng(seed)
    image = rng.integers(-3, 4, size=(h, w)).astype(float)
    kernel = rng.integers(-3, 4, size=(k, k)).astype(float)
    try:
        grid = window_positions((h, w), k, s, padding, d)
    except ValueError:
        with pytest.raises(ValueError):
            conv_map(image, kernel, padding, s, d)
        return
    assert grid.output_shape == conv_output_size((h, w), k, s, padding, d)
    by_geometry = np.zeros(grid.output_shape)
    taps = [(i, j) for i in range(k) for j in range(k)]
    for r in range(grid.output_shape[0]):
        for c in range(grid.output_shape[1]):
            for (y, x), (i, j) in zip(grid.cells(r, c), taps):
                if 0 <= y < h and 0 <= x < w:  # padding cells hold zeros
                    by_geometry[r, c] += image[y, x] * kernel[i, j]
    np.testing.assert_array_equal(by_geometry, conv_map(image, kernel, padding, s, d))


# --- drawings -------------------------------------------------------------------------------


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
    title = ax_in.get_title()
    assert title.startswith('input 8×8, kernel 3×3, stride 2, padding "same"')
    assert "ceil(8/2) = 4" in title and "padding 0 top/left, 1" in title
    assert ax_out.get_title() == "output 4×4"


def test_draw_windows_first_row_valid_stride_two():
    fig = draw_windows(8, 3, strides=2, show="first-row")
    frames = gids(fig.axes[0], "window-frame")
    assert [corner(f)[1] for f in frames] == [0, 2, 4]
    assert gids(fig.axes[0], "pad") == []
    with pytest.raises(ValueError, match="show='some' is not allowed"):
        draw_windows(8, 3, show="some")
    with pytest.raises(ValueError, match="a 9×9 kernel does not fit a 8×8 input"):
        draw_windows(8, 9)


def test_draw_padding_and_values():
    fig = draw_padding(line_image(), 1)
    ax = fig.axes[0]
    assert len(gids(ax, "pad")) == 10 * 10 - 64
    assert len(ax.texts) == 100  # values written: the grid is small
    assert ax.get_title().startswith("8×8 image padded to 10×10")
    big = draw_padding(np.zeros((20, 20)), (0, 1))
    assert len(big.axes[0].texts) == 0
    assert len(gids(big.axes[0], "pad")) == 21 * 21 - 400


def test_draw_feature_map():
    fm = reference_conv2d(line_image(), VERTICAL_LINE_DETECTOR)
    fig = draw_feature_map(fm, title="line detector")
    ax = fig.axes[0]
    assert ax.get_title() == "line detector (6×6)"
    assert [t.get_text() for t in ax.texts[:6]] == ["0", "0", "3", "3", "0", "0"]


def test_draw_conv_steps_matches_the_first_row():
    fig = draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 6
    assert [ax.get_title().splitlines()[-1].split("= ")[-1] for ax in visible] == [
        "0",
        "0",
        "3",
        "3",
        "0",
        "0",
    ]
    assert visible[1].get_title().startswith("moved right 1")
    strided = draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
    assert len([ax for ax in strided.axes if ax.get_visible()]) == 3


def test_animation_has_one_frame_per_output_position(tmp_path):
    anim = animate_conv(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
    assert len(list(anim.new_frame_seq())) == 9
    anim._func(8)  # the last frame fills the bottom-right output cell
    ax_out = anim._fig.axes[1]
    assert [t.get_text() for t in ax_out.texts if t.get_text()] == ["0"]
    path = tmp_path / "conv.gif"
    anim.save(path, writer="pillow")
    from PIL import Image

    assert Image.open(path).n_frames == 9


def test_draw_pipeline():
    digit = np.zeros((28, 28))
    digit[4:24, 13:15] = 255
    fig = draw_pipeline(digit)
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.splitlines()[-1] for t in titles] == ["28×28×1", "30×30×1", "14×14×1"]
    with pytest.raises(ValueError, match="a 28×28 digit is needed"):
        draw_pipeline(np.zeros((8, 8)))


def test_explore_redraws_valid_and_invalid_settings():
    box = explore()
    assert box.figure is not None and box.message.value == ""
    box.controls["strides"].value = 2
    box.controls["dilation_rate"].value = 2
    assert box.figure is None and "strides=2 with dilation_rate=2 is not allowed" in box.message.value
    box.controls["dilation_rate"].value = 1
    box.controls["padding"].value = "valid"
    box.controls["kernel_size"].value = 7
    box.controls["size"].value = 3
    assert "does not fit" in box.message.value
    box.controls["size"].value = 10
    box.controls["padding"].value = "(0, 1)"
    assert box.figure is not None and box.message.value == ""
    assert box.figure.axes[0].get_title().startswith("input 10×10, kernel 7×7, stride 2, padding (0, 1)")


def test_training_plots():
    from padstride.training import Comparison, EpochRow, History

    history = History("demo", [EpochRow(1, 0.5, 0.8, 0.4, 0.85, 1.0), EpochRow(2, 0.3, 0.9, 0.35, 0.9, 1.0)])
    fig = plot_history(history)
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in acc_ax.lines] == ["demo train", "demo test"]
    assert list(loss_ax.lines[1].get_ydata()) == [0.4, 0.35]
    rows = [
        Comparison("a", 100, 10, 2.0, 50.0, 0.9, history),
        Comparison("b", 1000, 20, 4.0, 25.0, 0.95, history),
    ]
    fig = plot_tradeoff(rows)
    assert [ax.get_title() for ax in fig.axes] == ["accuracy against size", "accuracy against time"]
    assert fig.axes[0].collections[1].get_offsets().tolist() == [[1000.0, 0.95]]
    with pytest.raises(ValueError, match="needs at least one History"):
        plot_history()


def test_pad_modes_show_what_pad_returns_and_keras_computes(keras):
    image = line_image()
    fig = draw_pad_modes(image, 1, VERTICAL_LINE_DETECTOR)
    assert len(fig.axes) == 2 * len(PAD_MODES)
    for ax, mode in zip(fig.axes, PAD_MODES):
        (shown,) = ax.get_images()
        assert shown.get_gid() == f"padded-{mode}"
        np.testing.assert_array_equal(shown.get_array(), pad(image, 1, mode))
        (frame,) = [p for p in ax.patches if p.get_gid() == "input"]
        assert (frame.get_x(), frame.get_width()) == (0.5, 8)
    maps = [ax.get_images()[0].get_array() for ax in fig.axes[len(PAD_MODES) :]]
    np.testing.assert_array_equal(maps[0], conv_map(image, VERTICAL_LINE_DETECTOR, padding="same"))
    for mode, shown in zip(PAD_MODES, maps):
        np.testing.assert_array_equal(shown, conv_map(pad(image, 1, mode), VERTICAL_LINE_DETECTOR))
    assert maps[0][0, 3] == 2 and maps[3][0, 3] == 3  # zeros above the line weaken the top row
    plt.close(fig)
    with pytest.raises(ValueError, match="mode='wrap' is not allowed"):
        draw_pad_modes(image, 1, modes=["wrap"])


def test_receptive_field_squares_nest_and_have_the_right_sizes():
    model = mnist_variant("stride")
    fig = draw_receptive_field(model)
    squares = [p for p in fig.axes[0].patches if p.get_gid().startswith("field-")]
    assert [(p.get_width(), p.get_height()) for p in squares] == [row.size for row in receptive_field(model)]
    for inner, outer in zip(squares, squares[1:]):
        assert (
            outer.get_x() <= inner.get_x()
            and inner.get_x() + inner.get_width() <= outer.get_x() + outer.get_width()
        )
    plt.close(fig)
