import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from padstride.conv.windows import reference_conv2d
from padstride.demo.filters import VERTICAL_LINE_DETECTOR, line_image
from padstride.measure.layers import conv_map, conv_shape, keras_split, zero_pad
from padstride.plots import alt_text, draw_conv_steps, draw_feature_map, draw_maps, draw_padding, draw_windows
from tests.picture_checks import assert_legible, rows_in, sizes_in, zeros_in


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


# --- alt texts: the numbers each picture states, held against Keras -----------------------


def keras_zeros(size, kernel, stride, padding, dilation):
    """(top, bottom, left, right) zeros of a Conv2D, measured with Keras for "same"."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
        return (*keras_split(size[0], spans[0], stride[0]), *keras_split(size[1], spans[1], stride[1]))
    return (padding, padding, padding, padding)


@settings(max_examples=12)
@given(
    size=st.tuples(st.integers(1, 11), st.integers(1, 11)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 2),
    padding=st.sampled_from(["valid", "same", 1, 2]),
    show=st.sampled_from(["corners", "first-row", "all"]),
)
def test_draw_windows_alt_states_what_keras_computes(size, kernel, stride, dilation, padding, show):
    assume(stride == 1 or dilation == 1)
    word = padding if isinstance(padding, str) else "valid"
    padded = size if isinstance(padding, str) else (size[0] + 2 * padding, size[1] + 2 * padding)
    out = conv_shape(padded, kernel, stride, word, dilation)
    assume(out is not None)
    alt = alt_text(draw_windows(size, kernel, stride, padding, dilation, show))
    plt.close("all")
    assert sizes_in(alt, "input") == [size] and sizes_in(alt, "kernel") == [kernel]
    assert sizes_in(alt, "output") == [tuple(out)]
    assert zeros_in(alt) == keras_zeros(size, kernel, (stride, stride), padding, (dilation, dilation))
    assert f"stride {stride}," in alt and (dilation == 1) == ("dilation" not in alt)
    windows = {
        "all": out[0] * out[1],
        "first-row": out[1],
        "corners": len({0, out[0] - 1}) * len({0, out[1] - 1}),
    }
    shown = re.search(r"(\d+) windows are shaded|(The one) window is shaded", alt)
    assert (1 if shown[2] else int(shown[1])) == windows[show]


def test_draw_windows_alt_is_the_example_sentence():
    alt = alt_text(draw_windows(8, 3, strides=2, padding="same"))
    assert alt.startswith(
        '8×8 input, 3×3 kernel, stride 2, padding "same": 1 row of zeros at the bottom, 1 column at the '
        "right; 4×4 output, ceil(8/2) = 4."
    )
    uneven = alt_text(draw_windows(8, (3, 5), strides=(2, 1)))
    assert "strides 2 down and 1 across" in uneven
    assert "height floor((8 − 3)/2) + 1 = 3, width floor((8 − 5)/1) + 1 = 4" in uneven


@pytest.mark.parametrize("padding", [1, ((0, 1), (2, 0)), "same"])
def test_draw_padding_alt_states_keras_padding_and_the_values(padding):
    image = line_image()
    alt = alt_text(draw_padding(image, padding))
    explicit = ((1, 1), (1, 1)) if padding == "same" else padding  # "same" with a 3×3 kernel in mind
    padded = zero_pad(image, explicit)
    assert sizes_in(alt, "image drawn as a grid and padded to") == [(8, 8)]
    assert f"padded to {padded.shape[0]}×{padded.shape[1]}" in alt
    rows, cols = np.flatnonzero(padded.any(axis=1)), np.flatnonzero(padded.any(axis=0))
    top, left = rows[0], cols[0]  # the line image's first row and column 3 hold ones
    assert zeros_in(alt) == (top, padded.shape[0] - 8 - top, left - 3, padded.shape[1] - 8 - left + 3)
    assert rows_in(alt.split("values by row: ")[1].rstrip(".")) == image.tolist()


def test_draw_feature_map_alt_lists_the_values_it_writes():
    keras_map = conv_map(line_image(), VERTICAL_LINE_DETECTOR, "same", strides=2)
    alt = alt_text(draw_feature_map(keras_map, title="same, stride 2"))
    assert alt.startswith("Heat map “same, stride 2”, 4×4, values by row: ")
    assert rows_in(alt.split("values by row: ")[1].rstrip(".")) == keras_map.tolist()
    dense = np.arange(256.0).reshape(16, 16) / 7  # no values written: their range instead
    assert alt_text(draw_feature_map(dense)).endswith(f"16×16, values from 0 to {255 / 7:.3g}.")
    fig, axes = plt.subplots(1, 2)
    draw_feature_map(np.eye(2), title="right", ax=axes[1])
    draw_feature_map(np.ones((2, 2)), title="left", ax=axes[0])
    assert alt_text(fig) == (
        "Heat map “left”, 2×2, values by row: 1 1; 1 1. Heat map “right”, 2×2, values by row: 1 0; 0 1."
    )


def test_draw_maps_alt_names_each_map_its_size_and_range():
    stripes = np.tile([0.0, 1.0], (8, 4))
    strided = conv_map(stripes, np.ones((1, 1)), strides=2)
    alt = alt_text(draw_maps({"stripes": stripes, "strides=2": strided}, same_scale=True))
    assert "2 images side by side" in alt and "one shade scale from 0 (dark) to 1 (light)" in alt
    assert "“stripes”, 8×8, values from 0 to 1." in alt
    assert f"“strides=2”, 4×4, values from {strided.min():.3g} to {strided.max():.3g}." in alt


@pytest.mark.parametrize(("strides", "padding"), [(1, "valid"), (2, "same"), (3, "valid")])
def test_draw_conv_steps_alt_gives_keras_first_row(strides, padding):
    kernel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    image = np.random.default_rng(strides).integers(0, 5, (7, 7)).astype(float)
    alt = alt_text(draw_conv_steps(image, kernel, strides, padding))
    first_row = conv_map(image, kernel, padding, strides)[0]
    totals = [float(m) for m in re.findall(r"output\[0, \d+\] = [^;]*= (-?[\d.]+)", alt)]
    assert totals == first_row.tolist()
    assert f"first {len(first_row)} stop" in alt
