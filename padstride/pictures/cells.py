"""Grid drawing shared by the window pictures and the animation: one cell per pixel.

Coordinates are (row, column) of the unpadded input; padding sits at negative indices
and past the last row and column. Every patch carries a ``gid`` ("input", "pad",
"window", "output", "output-filled", "window-frame") that the tests read.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from ..conv.arithmetic import IntOrPair, Padding, WindowGrid
from ..text import pair_text as _pair_text
from .palette import COLORS, SMALL, TEXT

MAX_LABELLED = 16  # values are written in the cells up to this many rows and columns


def add_cell(ax: Any, row: float, col: float, color: str, gid: str, **kwargs: Any) -> Any:
    """One square cell at (row, col), outlined."""
    from matplotlib.patches import Rectangle

    kwargs.setdefault("edgecolor", COLORS["edge"])
    kwargs.setdefault("linewidth", 0.6)
    patch = Rectangle((col, row), 1, 1, facecolor=color, **kwargs)
    patch.set_gid(gid)
    ax.add_patch(patch)
    return patch


def grid_axes(ax: Any, top: float, left: float, height: float, width: float, title: str = "") -> None:
    """Square cells, no ticks or frame, rows counted downwards; the title at TEXT size."""
    ax.set_xlim(left - 0.1, left + width + 0.1)
    ax.set_ylim(top + height + 0.1, top - 0.1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=TEXT)


def frame_input(ax: Any, grid: WindowGrid, title: str = "") -> None:
    """Axes limits (and title) for an input drawn with its padding."""
    grid_axes(ax, -grid.pad_top, -grid.pad_left, *grid.padded_shape, title)


def draw_input(ax: Any, grid: WindowGrid, values: np.ndarray | None = None, fontsize: float = SMALL) -> None:
    """The input with its padding cells; ``values`` written in the cells when the grid is
    small (padding cells show their zeros)."""
    label = values is not None and max(grid.padded_shape) <= MAX_LABELLED + 2
    for r in range(-grid.pad_top, grid.height + grid.pad_bottom):
        for c in range(-grid.pad_left, grid.width + grid.pad_right):
            inside = 0 <= r < grid.height and 0 <= c < grid.width
            add_cell(ax, r, c, COLORS["input"] if inside else COLORS["pad"], "input" if inside else "pad")
            if label:
                value = values[r, c] if inside else 0
                ax.text(c + 0.5, r + 0.5, f"{value:g}", ha="center", va="center", fontsize=fontsize)


def draw_window(ax: Any, grid: WindowGrid, row: int, col: int, alpha: float = 0.35) -> list[Any]:
    """Shade the kernel taps of output cell (row, col); returns the patches."""
    return [add_cell(ax, r, c, COLORS["window"], "window", alpha=alpha) for r, c in grid.cells(row, col)]


def window_frame(ax: Any, grid: WindowGrid, row: int, col: int) -> Any:
    """A thick outline around the whole window of output cell (row, col)."""
    from matplotlib.patches import Rectangle

    height, width = grid.taps_rows[-1] + 1, grid.taps_cols[-1] + 1
    frame = Rectangle(
        (grid.cols[col], grid.rows[row]), width, height, fill=False, edgecolor=COLORS["window"], linewidth=2.4
    )
    frame.set_gid("window-frame")
    ax.add_patch(frame)
    return frame


def outline(
    ax: Any,
    top: float,
    left: float,
    shape: tuple[int, int],
    color: str | None = None,
    gid: str = "input",
    **style: Any,
) -> Any:
    """A rectangle around ``shape`` (rows, columns) cells of an image drawn with imshow
    (pixel centres at integers), starting at (top, left); ``style`` goes to the Rectangle
    (a line 2.5 wide unless it says otherwise)."""
    from matplotlib.patches import Rectangle

    style.setdefault("linewidth", 2.5)
    frame = Rectangle(
        (left - 0.5, top - 0.5),
        shape[1],
        shape[0],
        fill=False,
        edgecolor=color or COLORS["pad"],
        **style,
    )
    frame.set_gid(gid)
    ax.add_patch(frame)
    return frame


def legend_handles(padded: bool = True, alpha: float = 0.4) -> list[Any]:
    """Legend entries for input, zero padding and a window over it (only where there is
    some padding) and window, its taps shaded at ``alpha`` as they are drawn."""
    from matplotlib.colors import to_hex, to_rgb
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=COLORS["input"], edgecolor=COLORS["edge"], label="input")]
    if padded:
        handles.append(Patch(facecolor=COLORS["pad"], edgecolor=COLORS["edge"], label="zero padding"))
        # the colour a tap shaded at alpha takes on a padding cell
        mixed = [alpha * w + (1 - alpha) * p for w, p in zip(to_rgb(COLORS["window"]), to_rgb(COLORS["pad"]))]
        handles.append(Patch(facecolor=to_hex(mixed), edgecolor=COLORS["edge"], label="window over padding"))
    handles.append(
        Patch(facecolor=COLORS["window"], edgecolor=COLORS["edge"], alpha=alpha, label="window (kernel taps)")
    )
    return handles


MAX_PICTURE_SIDE = 256  # cells a side; a larger grid would take minutes and show nothing


def drawable(grid: WindowGrid) -> WindowGrid:
    """``grid``, if its padded input fits a picture; refused before anything is drawn.

    >>> from padstride.conv.arithmetic import window_positions
    >>> drawable(window_positions(8, 3, padding=10**9))
    Traceback (most recent call last):
    ...
    ValueError: the padded input would be 2000000008×2000000008 cells (input 8×8, zeros 1000000000 top, 1000000000 bottom, 1000000000 left, 1000000000 right): a picture shows at most 256×256
    """
    rows, cols = grid.padded_shape
    if max(rows, cols) > MAX_PICTURE_SIDE:
        raise ValueError(
            f"the padded input would be {rows}×{cols} cells (input {grid.height}×{grid.width}, zeros "
            f"{grid.pad_top} top, {grid.pad_bottom} bottom, {grid.pad_left} left, {grid.pad_right} right): "
            f"a picture shows at most {MAX_PICTURE_SIDE}×{MAX_PICTURE_SIDE}"
        )
    return grid


def wrap(text: str, width: int = 60) -> str:
    """``text`` broken into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(text, width))


def padding_text(padding: Padding) -> str:
    """padding as a learner would type it: "same" in quotes, numbers as given."""
    return f'"{padding.lower()}"' if isinstance(padding, str) else str(padding)


def pair_text(value: IntOrPair) -> str:
    """3 for 3 or (3, 3); (3, 5) for a pair that differs."""
    return _pair_text(value, str)


def dot_text(values: np.ndarray, kernel: np.ndarray) -> str:
    """The dot product written out as value·weight terms, taps of weight 0 left out:
    "0·1 + 1·1 + 1·1 = 2"."""
    terms = [f"{v:g}·{k:g}" for v, k in zip(values.ravel(), kernel.ravel()) if k != 0]
    total = float((values * kernel).sum())
    return (" + ".join(terms) if terms else "0") + f" = {total:g}"
