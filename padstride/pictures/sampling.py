"""What a strided layer reads, drawn: the input pixels that no window touches
(``padstride.conv.windows.unread_pixels``) marked on the image, beside the layer's output."""

from __future__ import annotations

import numpy as np

from ..alt import describe
from ..arguments import image_2d
from ..conv.arithmetic import IntOrPair, Padding, window_positions
from ..conv.windows import unread_pixels
from .cells import drawable
from .grids import settings_text
from .palette import COLORS, GRAY, HEATMAP, SMALL, TEXT, TITLE, figure
from .words import listing, settings_words, values_words, zeros_words


def draw_coverage(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
):
    """Three panels: the image, the image with the pixels no window reads marked, and the
    feature map a Keras Conv2D with this kernel computes.

    >>> fig = draw_coverage(np.ones((8, 8)), np.ones((3, 3)), strides=4)
    >>> fig.axes[1].get_title()
    'never read: 28 of 64 pixels'
    """
    from matplotlib.colors import to_rgba

    from ..demo.filters import apply_filter

    image = image_2d(image)
    kernel = image_2d(kernel, "kernel")
    grid = drawable(window_positions(image.shape, kernel.shape, strides, padding, dilation_rate))
    unread = unread_pixels(image.shape, kernel.shape, strides, padding, dilation_rate)
    feature_map = apply_filter(image, kernel, strides, padding, dilation_rate)
    fig, axes = figure(9.0, 3.9, ncols=3)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].imshow(image, cmap=GRAY, interpolation="nearest").set_gid("input")
    axes[0].set_title(f"input {image.shape[0]}×{image.shape[1]}", fontsize=TEXT)
    axes[1].imshow(image, cmap=GRAY, interpolation="nearest")
    overlay = np.zeros((*unread.shape, 4))
    overlay[unread] = to_rgba(COLORS["unread"], 0.75)
    axes[1].imshow(overlay, interpolation="nearest").set_gid("unread")
    axes[1].set_title(f"never read: {int(unread.sum())} of {unread.size} pixels", fontsize=TEXT)
    shown = axes[2].imshow(feature_map, cmap=HEATMAP, interpolation="nearest")
    shown.set_gid("feature_map")
    axes[2].set_title(f"output {feature_map.shape[0]}×{feature_map.shape[1]}", fontsize=TEXT)
    fig.suptitle(settings_text(image.shape, kernel.shape, strides, padding, dilation_rate), fontsize=TITLE)
    fig.supxlabel("marked pixels reach no output of the layer", fontsize=SMALL)
    return describe(
        fig,
        f"{settings_words(grid, padding)}: {zeros_words(grid)}. Three panels: the input; the input with "
        f"the pixels no window reads marked: {unread_words(unread)}; the {feature_map.shape[0]}×"
        f"{feature_map.shape[1]} output as a heat map, {values_words(feature_map, written=False)}.",
    )


def unread_words(unread: np.ndarray) -> str:
    """How many pixels no window reads, and where, when they fill whole rows and columns:
    '28 of 64 pixels, rows 3 and 7 and columns 3 and 7 (counted from 0)'."""
    count = f"{int(unread.sum())} of {unread.size} pixels"
    if not unread.any():
        return "none, every pixel is read"
    rows = [int(r) for r in np.flatnonzero(unread.all(axis=1))]
    cols = [int(c) for c in np.flatnonzero(unread.all(axis=0))]
    lines = np.zeros_like(unread)
    lines[rows, :] = True
    lines[:, cols] = True
    if not (lines == unread).all():
        return count
    where = [f"in {'row' if len(rows) == 1 else 'rows'} {listing([str(r) for r in rows])}"] if rows else []
    where += (
        [f"in {'column' if len(cols) == 1 else 'columns'} {listing([str(c) for c in cols])}"] if cols else []
    )
    return f"{count}, {' and '.join(where)} (counted from 0)"
