"""What a strided layer reads, drawn: the input pixels that no window touches
(``padstride.conv.windows.unread_pixels``) marked on the image, beside the layer's output."""

from __future__ import annotations

import numpy as np

from ..arguments import image_2d
from ..conv.arithmetic import IntOrPair, Padding, window_positions
from ..conv.windows import unread_pixels
from .cells import drawable
from .grids import settings_text
from .palette import COLORS, GRAY, HEATMAP, SMALL, TEXT, TITLE, figure


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
    drawable(window_positions(image.shape, kernel.shape, strides, padding, dilation_rate))
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
    return fig
