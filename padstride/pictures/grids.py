"""Grids: an image with its padding, the windows a filter visits, the steps of the dot
products, and feature maps as heat maps.

The geometry comes from ``window_positions``, the arithmetic the numbers use, so a
picture cannot disagree with them.

>>> fig = draw_windows(8, 3, strides=2, padding="same")
>>> fig.get_suptitle().splitlines()[0]
'input 8×8, kernel_size=3, strides=2, padding="same"'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..alt import describe
from ..arguments import image_2d, positive_int
from ..conv.arithmetic import IntOrPair, Padding, ceil_div, describe_axes, window_positions
from .cells import (
    MAX_LABELLED,
    add_cell,
    dot_text,
    draw_input,
    draw_window,
    drawable,
    frame_input,
    grid_axes,
    legend_handles,
    padding_text,
    pair_text,
    window_frame,
    wrap,
)
from .palette import COLORS, GRAY, HEATMAP, MAX_WIDTH, SMALL, TEXT, TITLE, figure, font_pixels
from .words import formula_words, number, plural, settings_words, size_words, values_words, zeros_words

WINDOW_CHOICES = ("corners", "first-row", "all")
WINDOW_ALPHA = 0.25  # light enough for the padding under a window to show


def draw_padding(image: np.ndarray, padding: Padding, title: str | None = None):
    """The image as a grid with its zero padding in orange; values written when small.

    ``padding`` is an int, a (height, width) pair, ((top, bottom), (left, right)), or "same"
    with a 3×3 kernel in mind. Returns the Figure.

    >>> fig = draw_padding(np.ones((4, 4)), 1)
    >>> fig.axes[0].get_title().splitlines()[0]
    '4×4 image padded to 6×6'
    """
    image = image_2d(image)
    kernel = 3 if isinstance(padding, str) else 1
    grid = drawable(window_positions(image.shape, kernel, 1, padding))
    fig, ax = figure(4.8, 5.0)
    draw_input(ax, grid, image)
    rows, cols = grid.padded_shape
    text = title or (
        f"{grid.height}×{grid.width} image padded to {rows}×{cols}\n"
        f"top {grid.pad_top}, bottom {grid.pad_bottom}, left {grid.pad_left}, right {grid.pad_right}"
    )
    frame_input(ax, grid, text)
    zeros = zeros_words(grid).replace("no padding", "no zeros")
    return describe(
        fig,
        f"{grid.height}×{grid.width} image drawn as a grid and padded to {rows}×{cols}: {zeros}"
        + f"; the image's {values_words(image, written=max(rows, cols) <= MAX_LABELLED + 2)}.",
    )


def settings_text(
    size: tuple[int, int],
    kernel_size: IntOrPair,
    strides: IntOrPair,
    padding: Padding,
    dilation_rate: IntOrPair,
) -> str:
    """The layer's settings in Keras' words: 'input 8×8, kernel_size=3, strides=2, padding="same"'."""
    text = (
        f"input {size[0]}×{size[1]}, kernel_size={pair_text(kernel_size)}, strides={pair_text(strides)}, "
        f"padding={padding_text(padding)}"
    )
    if pair_text(dilation_rate) != "1":
        text += f", dilation_rate={pair_text(dilation_rate)}"
    return text


def draw_windows(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    show: str = "corners",
):
    """Input grid with padding, the windows the filter visits, and the output grid.

    ``show`` picks the windows outlined: "corners" (first, last and the other two
    corners), "first-row" or "all". The figure's title holds the settings and the formula
    with its numbers.

    >>> fig = draw_windows(9, 3, strides=2, show="first-row")
    >>> fig.get_suptitle().splitlines()[1], fig.axes[1].get_title()
    ('valid, stride 2: floor((9 − 3)/2) + 1 = 4', 'output 4×4')
    """
    if show not in WINDOW_CHOICES:
        raise ValueError(f"show={show!r} is not allowed: use 'corners', 'first-row' or 'all'")
    grid = drawable(window_positions(size, kernel_size, strides, padding, dilation_rate))
    out_h, out_w = grid.output_shape
    if show == "all":
        chosen = [(r, c) for r in range(out_h) for c in range(out_w)]
    elif show == "first-row":
        chosen = [(0, c) for c in range(out_w)]
    else:
        chosen = sorted({(0, 0), (0, out_w - 1), (out_h - 1, 0), (out_h - 1, out_w - 1)})
    rows, cols = grid.padded_shape
    fig, (ax_in, ax_out) = figure(
        8.6, 5.6, ncols=2, gridspec_kw={"width_ratios": [max(cols, rows), max(out_w, out_h, 3) + 1]}
    )
    draw_input(ax_in, grid)
    for r, c in chosen:
        window_frame(ax_in, grid, r, c)
        draw_window(ax_in, grid, r, c, alpha=WINDOW_ALPHA)
    h, w = grid.axes
    settings = settings_text((grid.height, grid.width), kernel_size, strides, padding, dilation_rate)
    fig.suptitle(f"{settings}\n{wrap(describe_axes(h, w), 80)}", fontsize=TITLE)
    padded = "" if (rows, cols) == (grid.height, grid.width) else f", padded to {rows}×{cols}"
    frame_input(ax_in, grid, f"input {grid.height}×{grid.width}{padded}")
    for r in range(out_h):
        for c in range(out_w):
            filled = (r, c) in chosen
            add_cell(
                ax_out,
                r,
                c,
                COLORS["filled"] if filled else COLORS["output"],
                "output-filled" if filled else "output",
            )
    grid_axes(ax_out, 0, 0, out_h, out_w, f"output {out_h}×{out_w}")
    handles = legend_handles(padded=(rows, cols) != (grid.height, grid.width), alpha=WINDOW_ALPHA)
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=SMALL)
    return describe(fig, windows_words(grid, padding, show, len(chosen)))


def windows_words(grid: Any, padding: Padding, show: str, chosen: int) -> str:
    """draw_windows' alt text: the settings, the zeros, the output and the windows drawn."""
    out_h, out_w = grid.output_shape
    if chosen == 1:
        shown = "The one window is shaded on the input, its output filled in."
    else:
        which = {"all": "All", "first-row": "The first output row's", "corners": "The corner outputs'"}[show]
        shown = f"{which} {chosen} windows are shaded on the input, their outputs filled in."
    return (
        f"{settings_words(grid, padding)}: {zeros_words(grid)}; {out_h}×{out_w} output, "
        f"{formula_words(grid)}. {shown}"
    )


def draw_feature_map(
    array: np.ndarray, title: str = "feature map", ax: Any = None, labels: bool | None = None
):
    """Heat map of a 2-D array; the values are written in the cells when ``labels`` is
    True, or (None) when the grid has at most 16 rows and columns and the cells are large
    enough for legible numbers. Without numbers, a colour bar gives the scale.

    >>> fig = draw_feature_map(np.arange(6).reshape(2, 3), title="demo")
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].texts]
    ('demo (2×3)', ['0', '1', '2', '3', '4', '5'])
    """
    array = image_2d(array, "array")
    if ax is None:
        fig, ax = figure(4.4, 4.2)
    else:
        fig = ax.figure
    ax.set_title(f"{title} ({array.shape[0]}×{array.shape[1]})", fontsize=TEXT)
    ax.set_xlabel("column", fontsize=SMALL)
    ax.set_ylabel("row", fontsize=SMALL)
    ax.tick_params(labelsize=SMALL)
    small = max(array.shape) <= MAX_LABELLED
    ax.set_xticks(range(array.shape[1]) if small else [])
    ax.set_yticks(range(array.shape[0]) if small else [])
    image = heatmap(ax, array, labels)
    if not ax.texts:
        colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
        colorbar.ax.tick_params(labelsize=SMALL)
    values = values_words(array, written=bool(ax.texts))
    describe(ax, f"Heat map “{title}”, {array.shape[0]}×{array.shape[1]}, {values}.")
    return fig


def heatmap(
    ax: Any,
    array: np.ndarray,
    labels: bool | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Any:
    """The array as a heat map on ``ax`` (gid "heatmap"), with its values written in the
    cells when ``labels`` is True, or (None) when ``values_fit``. Returns the image."""
    image = ax.imshow(array, cmap=HEATMAP, interpolation="nearest", vmin=vmin, vmax=vmax)
    image.set_gid("heatmap")
    if labels is None:
        labels = values_fit(ax, array)
    if labels:
        write_values(ax, array, vmin, vmax)
    return image


def values_fit(ax: Any, array: np.ndarray) -> bool:
    """Whether the array's values, written at SMALL size, fit its cells on ``ax`` as the
    figure is laid out now (and the grid has at most 16 rows and columns)."""
    if max(array.shape) > MAX_LABELLED:
        return False
    characters = max(len(f"{value:g}") for value in array.ravel())
    fig = ax.figure
    fig.draw_without_rendering()
    box = ax.get_window_extent()
    cell = min(box.width / array.shape[1], box.height / array.shape[0])
    return cell >= font_pixels(fig, SMALL) * max(1.4, 0.62 * characters + 0.5)


def write_values(ax: Any, array: np.ndarray, vmin: float | None = None, vmax: float | None = None) -> None:
    """Each value in its cell, dark on the bright half of the colour scale, light on the other."""
    low = float(array.min()) if vmin is None else vmin
    high = float(array.max()) if vmax is None else vmax
    middle = (low + high) / 2
    for (r, c), value in np.ndenumerate(array):
        color = "black" if value > middle or low == high else "white"
        ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=SMALL, color=color)


def draw_maps(
    maps: Mapping[str, np.ndarray], cmap: str = GRAY, height: float = 3.6, same_scale: bool = False
):
    """Arrays side by side as images, each panel the same size whatever its number of
    pixels (so a strided map and its input cover the same area). Each panel spans its own
    range of values, from dark to light, unless ``same_scale``.

    >>> fig = draw_maps({"a": np.eye(4), "b": np.eye(2)})
    >>> [ax.get_title() for ax in fig.axes]
    ['a (4×4)', 'b (2×2)']
    """
    if not isinstance(maps, Mapping):
        given = "maps=None" if maps is None else f"maps as a {type(maps).__name__}"
        raise ValueError(
            f"{given} is not allowed: give a dict of {{title: array}}, e.g. {{'input': image, "
            "'feature map': output}"
        )
    arrays = {title: image_2d(array, f"maps[{title!r}]") for title, array in maps.items()}
    if not arrays:
        raise ValueError("maps={} is not allowed: give at least one {title: array}")
    low = min(float(a.min()) for a in arrays.values()) if same_scale else None
    high = max(float(a.max()) for a in arrays.values()) if same_scale else None
    width = min(MAX_WIDTH, 3.0 * len(arrays))
    fig, axes = figure(width, height, ncols=len(arrays), squeeze=False)
    for ax, (title, array) in zip(axes[0], arrays.items()):
        shown = ax.imshow(
            array,
            cmap=cmap,
            vmin=low,
            vmax=high,
            interpolation="nearest",
            extent=(0, 1, 1, 0),  # every panel spans the same square
        )
        shown.set_gid("map")
        ax.set_title(f"{title} ({array.shape[0]}×{array.shape[1]})", fontsize=SMALL)
        ax.set_xticks([])
        ax.set_yticks([])
    scale = (
        f"one shade scale from {number(low)} (dark) to {number(high)} (light)"
        if same_scale
        else "each shaded from its own lowest value (dark) to its highest (light)"
    )
    panels = [
        f"“{title}”, {size_words(array.shape)}, {values_words(array, written=False)}."
        for title, array in arrays.items()
    ]
    return describe(
        fig, f"{plural(len(arrays), 'image')} side by side, drawn the same size, {scale}. {' '.join(panels)}"
    )


def draw_conv_steps(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    steps: int | None = None,
):
    """Small multiples: the window positions of the top row (the first ``steps`` of them,
    1 or more; all of them by default), each with its patch shaded and the dot product
    written out.

    >>> from padstride.demo.filters import VERTICAL_LINE_DETECTOR, line_image
    >>> fig = draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes if ax.get_visible()]
    ['start: output[0, 0]', 'moved right 2: output[0, 1]', 'moved right 4: output[0, 2]']
    """
    from ..conv.windows import patches

    image = image_2d(image)
    kernel = image_2d(kernel, "kernel")
    steps = None if steps is None else positive_int(steps, "steps")
    grid = drawable(window_positions(image.shape, kernel.shape, strides, padding, dilation_rate))
    first_row = [p for p in patches(image, kernel, strides, padding, dilation_rate) if p.row == 0]
    if steps is not None:
        first_row = first_row[:steps]
    n = len(first_row)
    cols = min(n, 3)
    rows = ceil_div(n, cols)
    fig, axes = figure(3.0 * cols, 3.6 * rows + 0.6, nrows=rows, ncols=cols, squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    for ax, patch in zip(axes.ravel(), first_row):
        draw_input(ax, grid, image)
        draw_window(ax, grid, patch.row, patch.col, alpha=0.45)
        step = "start" if patch.col == 0 else f"moved right {patch.col * grid.axes[1].stride}"
        title = f"{step}: output[0, {patch.col}]\n{wrap(dot_text(patch.values, kernel), 34)}"
        frame_input(ax, grid, title)
    fig.suptitle("the window slides along the first row; each stop is one dot product", fontsize=TITLE)
    products = [f"output[0, {p.col}] = {dot_text(p.values, kernel)}" for p in first_row]
    return describe(
        fig,
        f"{settings_words(grid, padding)}: the window's first {plural(n, 'stop')} along the top row, "
        f"each shaded on the input, with its dot product: {'; '.join(products)}.",
    )
