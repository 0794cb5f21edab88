"""Padding modes side by side: zeros, reflect, symmetric, replicate."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..alt import describe
from ..arguments import brief, image_2d, pixel_padding_2d
from ..conv.arithmetic import Padding, window_positions
from .cells import drawable, outline
from .grids import heatmap, values_fit, write_values
from .palette import COLORS, GRAY, MAX_WIDTH, SMALL, TEXT, figure
from .words import MAX_LISTED, listing, size_words, values_words, zeros_words


def draw_pad_modes(image: np.ndarray, padding: Padding = 1, kernel: np.ndarray | None = None, modes=None):
    """One panel per padding mode: the padded image with the original framed and, given a
    kernel, below it the "valid" feature map of the padded image, where the border's edge
    effects show (values written when the cells are large enough to read them).
    ``modes`` is a list of modes, or one mode's name (default: all four).

    >>> fig = draw_pad_modes(np.eye(4), 2)
    >>> [ax.get_title() for ax in fig.axes]
    ['zeros', 'reflect', 'symmetric', 'replicate']
    """
    from ..conv.padding import PAD_MODES, pad
    from ..conv.windows import reference_conv2d

    image = image_2d(image)
    (top, bottom), (left, right) = pixel_padding_2d(padding)
    grid = drawable(window_positions(image.shape, 1, 1, ((top, bottom), (left, right))))
    modes = PAD_MODES if modes is None else _modes(modes, PAD_MODES)
    padded = {mode: pad(image, padding, mode) for mode in modes}  # raises on a bad mode or size
    rows = 1 if kernel is None else 2
    width = min(MAX_WIDTH, 2.25 * len(modes))
    fig, axes = figure(width, 2.6 * rows + 0.2, nrows=rows, ncols=len(modes), squeeze=False)
    low, high = min(p.min() for p in padded.values()), max(p.max() for p in padded.values())
    for ax, mode in zip(axes[0], modes):
        shown = ax.imshow(padded[mode], cmap=GRAY, vmin=low, vmax=high, interpolation="nearest")
        shown.set_gid(f"padded-{mode}")
        outline(ax, top, left, image.shape, COLORS["pad"])
        ax.set_title(mode, fontsize=TEXT)
        ax.set_xticks([])
        ax.set_yticks([])
    maps = {}
    if kernel is not None:
        maps = {mode: reference_conv2d(padded[mode], kernel) for mode in modes}
        low = min(m.min() for m in maps.values())
        high = max(m.max() for m in maps.values())
        for ax, mode in zip(axes[1], modes):
            image = heatmap(ax, maps[mode], labels=False, vmin=low, vmax=high)
            ax.set_title(f"feature map {maps[mode].shape[0]}×{maps[mode].shape[1]}", fontsize=SMALL)
            ax.set_xticks([])
            ax.set_yticks([])
        written = values_fit(axes[1][0], maps[modes[0]])
        if written:
            for ax, mode in zip(axes[1], modes):
                write_values(ax, maps[mode], low, high)
        else:  # numbers too small to read: one colour scale instead
            colorbar = fig.colorbar(image, ax=list(axes[1]), shrink=0.8)
            colorbar.ax.tick_params(labelsize=SMALL)
        fig.supxlabel("feature maps: the kernel run over each padded image (valid)", fontsize=SMALL)
        maps = {mode: f"{size_words(m.shape)}, {values_words(m, written)}" for mode, m in maps.items()}
    return describe(fig, pad_modes_words(grid, padded, maps))


def pad_modes_words(grid: Any, padded: dict[str, np.ndarray], maps: dict[str, str]) -> str:
    """draw_pad_modes' alt text: the padding, each mode's first image row as padded (when
    short enough to list), and each feature map in words."""
    first = next(iter(padded.values()))
    modes = "1 mode" if len(padded) == 1 else f"{len(padded)} modes"
    text = (
        f"The {grid.height}×{grid.width} image padded to {size_words(first.shape)} in {modes}, "
        f"{listing(list(padded))}, each a panel in gray with the original framed: "
        f"{zeros_words(grid).replace(' of zeros', '')} added."
    )
    if first.shape[1] <= 2 * MAX_LISTED:
        rows = [f"{mode} {' '.join(f'{v:g}' for v in array[grid.pad_top])}" for mode, array in padded.items()]
        text += f" The image's first row as each mode pads it: {'; '.join(rows)}."
    if maps:
        text += " Below each, the kernel's valid feature map of the padded image. "
        text += " ".join(f"{mode.capitalize()}: {words}." for mode, words in maps.items())
    return text


def _modes(modes: object, allowed: tuple[str, ...]) -> tuple:
    """The modes to draw: one mode's name, or a non-empty list of them (pad() checks each)."""
    if isinstance(modes, str):
        return (modes,)
    try:
        chosen = tuple(modes)  # type: ignore[arg-type]
    except TypeError:
        chosen = ()
    if not chosen:
        raise ValueError(
            f"modes={brief(modes)} is not allowed: give one mode or a list of them, from "
            f"{', '.join(map(repr, allowed))}, e.g. modes='reflect' or modes=['zeros', 'replicate']"
        )
    return chosen
