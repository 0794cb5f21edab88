"""The phrases the pictures' alt texts share: a layer's settings, the zeros it adds, a grid
of values. Each picture builds its alt text from the values it draws, with these words.

>>> from padstride.conv.arithmetic import window_positions
>>> grid = window_positions(8, 3, strides=2, padding="same")
>>> settings_words(grid, "same")
'8×8 input, 3×3 kernel, stride 2, padding "same"'
>>> zeros_words(grid)
'1 row of zeros at the bottom, 1 column at the right'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..conv.arithmetic import Padding, WindowGrid
from ..text import shape_text
from .cells import padding_text

MAX_LISTED = 8  # values are listed row by row up to this many rows and columns


def plural(count: int, word: str) -> str:
    """ "1 row", "2 rows"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def zeros_words(grid: WindowGrid) -> str:
    """Where the padding puts its zeros, side by side: "1 row of zeros on top, 2 columns
    at the right"; "no padding" when there is none."""
    sides = [
        (grid.pad_top, "row", "on top"),
        (grid.pad_bottom, "row", "at the bottom"),
        (grid.pad_left, "column", "at the left"),
        (grid.pad_right, "column", "at the right"),
    ]
    parts = [f"{plural(count, unit)} {where}" for count, unit, where in sides if count]
    if not parts:
        return "no padding"
    first, _, rest = parts[0].partition(" ")
    head, _, where = rest.partition(" ")
    parts[0] = f"{first} {head} of zeros {where}"
    return ", ".join(parts)


def settings_words(grid: WindowGrid, padding: Padding) -> str:
    """The layer in words: '8×8 input, 3×5 kernel, strides 2 down and 1 across, padding 1,
    dilation 2'."""
    h, w = grid.axes
    text = f"{grid.height}×{grid.width} input, {h.kernel_size}×{w.kernel_size} kernel, "
    if h.stride == w.stride:
        text += f"stride {h.stride}"
    else:
        text += f"strides {h.stride} down and {w.stride} across"
    text += f", padding {padding_text(padding)}"
    if (h.dilation, w.dilation) != (1, 1):
        dilation = h.dilation if h.dilation == w.dilation else f"{h.dilation} down and {w.dilation} across"
        text += f", dilation {dilation} (the taps span {h.effective_kernel}×{w.effective_kernel} pixels)"
    return text


def formula_words(grid: WindowGrid) -> str:
    """The output size worked out: one formula when both axes agree, else one per axis."""
    h, w = grid.axes
    return h.formula if h.formula == w.formula else f"height {h.formula}, width {w.formula}"


def number(value: float) -> str:
    """A value as the pictures write it in their cells."""
    return f"{value:g}"


def values_words(array: np.ndarray, written: bool = True) -> str:
    """A grid's values: row by row when the picture writes them in its cells and the grid
    has at most MAX_LISTED rows and columns, else their range (to 3 significant digits):
    'values by row: 0 3 0; 0 2 0' or 'values from -1 to 0.667'."""
    array = np.asarray(array)
    if written and max(array.shape) <= MAX_LISTED:
        rows = "; ".join(" ".join(number(v) for v in row) for row in array)
        return f"values by row: {rows}"
    return f"values from {array.min():.3g} to {array.max():.3g}"


def size_words(shape: Sequence[Any]) -> str:
    """'28×28' for a shape."""
    return shape_text(tuple(shape))


def span_words(span: range) -> str:
    """'3 to 9' for a range of pixels (its last pixel included); '3' for one."""
    last = span.stop - 1
    return str(span.start) if last == span.start else f"{span.start} to {last}"


def listing(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
