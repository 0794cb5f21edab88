"""Receptive fields drawn on the input image: one output pixel's field, its neighbour's one
jump away, where every output pixel's field is centred, and what was measured.

>>> from padstride.demo.models import mnist_variant
>>> from padstride.model.receptive import receptive_field
>>> fig = draw_field(receptive_field(mnist_variant("stride")))
>>> [p.get_gid() for p in fig.axes[0].patches]
['outside', 'image', 'field', 'neighbour']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..alt import describe
from ..model.receptive import FieldRow, ReceptiveField
from ..text import one_if_same
from .cells import outline
from .palette import COLORS, SMALL, TEXT, figure
from .words import listing, span_words

FIELD = COLORS["window"]  # blue
NEIGHBOUR = COLORS["pad"]  # orange
MEASURED = COLORS["filled"]  # sky blue
CENTRES = COLORS["muted"]
OUTSIDE = "#BBBBBB"  # hatching beyond the image, where padding would be


def field_row(field: ReceptiveField, layer: str | None = None) -> FieldRow:
    """The row of ``layer`` (by name), or the last row with a field through the
    convolutional path.

    >>> from padstride.demo.models import mnist_variant
    >>> from padstride.model.receptive import receptive_field
    >>> field_row(receptive_field(mnist_variant("valid"))).name
    'conv_3'
    """
    if layer is not None:
        for row in field:
            if row.name == layer:
                return row
        raise ValueError(f"layer={layer!r} is not allowed: no row of that name")
    for row in reversed(field):
        if row.size != (0, 0) and len(row.output_shape) == 3:
            return row
    raise ValueError("the field has no row with a spatial output")


def draw_field(
    field: ReceptiveField,
    layer: str | None = None,
    pixel: tuple[int, int] | None = None,
    measured: np.ndarray | None = None,
    image: np.ndarray | None = None,
    ax: Any = None,
    title: str | None = None,
    legend: bool = True,
    view: tuple[float, float] | None = None,
):
    """Draw the receptive field of output ``pixel`` (its centre by default) of ``layer``
    on the input: a solid square for its field, a dashed one for the next pixel to the
    right (one jump further), dots where every output pixel's field is centred, and,
    shaded, the ``measured`` pixels (a boolean (height, width) array) if given. Fields
    larger than the image reach into the grey area around it, where padding would be.

    Returns the Figure (drawn into ``ax`` when given; ``legend=False`` leaves out the key,
    e.g. for all but one of several panels; ``view`` = (first, last) input pixel shown on
    both axes, to draw several panels to one scale).
    """
    row = field_row(field, layer)
    height, width = field.input_shape[:2]
    grid = row.output_shape[:2]
    if pixel is None:
        pixel = (grid[0] // 2, grid[1] // 2)
    if not all(0 <= p < n for p, n in zip(pixel, grid)):
        raise ValueError(f"pixel={pixel!r} is not allowed: {row.name} has {grid[0]}×{grid[1]} output pixels")
    if ax is None:
        fig, ax = figure(4.6, 5.6)
    else:
        fig = ax.figure
    rows, cols = row.span(*pixel)
    neighbour_col = pixel[1] + 1 if pixel[1] + 1 < grid[1] else pixel[1] - 1
    n_rows, n_cols = row.span(pixel[0], neighbour_col) if grid[1] > 1 else (rows, cols)

    _draw_image(ax, (height, width), image, measured)
    _draw_centres(ax, row, grid)
    outline(ax, rows.start, cols.start, (len(rows), len(cols)), FIELD, "field", zorder=5)
    if (n_rows, n_cols) != (rows, cols):
        outline(
            ax, n_rows.start, n_cols.start, (len(n_rows), len(n_cols)), NEIGHBOUR, "neighbour",
            linewidth=1.8, linestyle="--", zorder=4,
        )  # fmt: skip
    if view is None:
        low = min(rows.start, cols.start, n_cols.start, 0) - 0.5
        high = max(rows.stop, cols.stop, n_cols.stop, height, width) - 0.5
        margin = 0.04 * (high - low)
    else:
        (low, high), margin = (view[0] - 0.5, view[1] + 0.5), 0.0
    ax.set_xlim(low - margin, high + margin)
    ax.set_ylim(high + margin, low - margin)
    ax.set_xticks([])
    ax.set_yticks([])
    jump = one_if_same(row.jump)
    heading = title or f"{row.name}: field {row.size[0]}×{row.size[1]}, jump {jump}"
    ax.set_title(heading, fontsize=TEXT)
    if legend:
        ax.legend(
            handles=_key((height, width), pixel, jump, measured is not None),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            fontsize=SMALL,
            frameon=False,
        )
    neighbour = None if (n_rows, n_cols) == (rows, cols) else (pixel[0], neighbour_col)
    describe(ax, f"“{heading}”: " + field_words(row, (height, width), pixel, neighbour, measured))
    return fig


def field_words(
    row: FieldRow, shape: tuple[int, int], pixel: tuple[int, int], neighbour: Any, measured: Any
) -> str:
    """draw_field's alt text: the field's square, where it leaves the image, the neighbour's
    square, the centres and the measured pixels."""
    height, width = shape
    rows, cols = row.span(*pixel)
    grid = row.output_shape[:2]
    text = (
        f"on the {height}×{width} input, the receptive field of {row.name}'s output pixel {pixel} "
        f"(of {grid[0]}×{grid[1]}), {len(rows)}×{len(cols)} pixels: rows {span_words(rows)} and "
        f"columns {span_words(cols)}, counted from 0"
    )
    outside = [
        (-rows.start, "above"), (rows.stop - height, "below"),
        (-cols.start, "to the left"), (cols.stop - width, "to the right"),
    ]  # fmt: skip
    beyond = [
        f"{count} {'pixel' if count == 1 else 'pixels'} {where}" for count, where in outside if count > 0
    ]
    if beyond:
        text += f"; it reaches past the image, where padding would be: {listing(beyond)}"
    if neighbour is not None:
        step = neighbour[1] - pixel[1]
        side = "right" if step > 0 else "left"
        text += f"; dashed, the field of its neighbour {neighbour}, {row.jump[1]} pixels to the {side}"
    text += f"; dots at the centres of all {grid[0] * grid[1]} output pixels' fields"
    if measured is not None:
        reached = np.asarray(measured, dtype=bool)
        found_rows, found_cols = np.flatnonzero(reached.any(axis=1)), np.flatnonzero(reached.any(axis=0))
        text += f"; shaded, the {int(reached.sum()):,} pixels the gradient reaches"
        if reached.any():
            text += (
                f", rows {found_rows[0]} to {found_rows[-1]} and columns {found_cols[0]} to {found_cols[-1]}"
            )
    return text + "."


def _draw_image(ax: Any, shape: tuple[int, int], image: Any, measured: Any) -> None:
    """The hatched area outside the input, the input (grey, or ``image``), and the
    ``measured`` pixels shaded."""
    from matplotlib.patches import Rectangle

    height, width = shape
    ax.set_facecolor("white")
    outside = Rectangle((-1e5, -1e5), 2e5, 2e5, facecolor="white", edgecolor=OUTSIDE, hatch="///", zorder=-1)
    outside.set_gid("outside")
    ax.add_patch(outside)
    picture = np.full((height, width), 0.8) if image is None else np.asarray(image, dtype=float)
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1, interpolation="nearest", zorder=0)
    outline(ax, 0, 0, (height, width), "black", "image", linewidth=1, zorder=1)
    if measured is not None:
        shade = np.ma.masked_where(~np.asarray(measured, dtype=bool), np.ones((height, width)))
        ax.imshow(
            shade, cmap=_one_colour(MEASURED), vmin=0, vmax=1, alpha=0.55, interpolation="nearest", zorder=2
        )


def _draw_centres(ax: Any, row: FieldRow, grid: tuple[int, int]) -> None:
    """A dot where each output pixel's field is centred."""
    centres = [row.start[a] + np.arange(grid[a]) * row.jump[a] + (row.size[a] - 1) / 2 for a in (0, 1)]
    cy, cx = np.meshgrid(*centres, indexing="ij")
    ax.scatter(cx.ravel(), cy.ravel(), s=6, color=CENTRES, zorder=3, linewidths=0)


def _key(shape: tuple[int, int], pixel: tuple[int, int], jump: Any, measured: bool) -> list:
    """The legend's entries."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=str(0.8), edgecolor="black", linewidth=1, label=f"the {shape[0]}×{shape[1]} input"),
        Patch(facecolor="white", edgecolor=OUTSIDE, hatch="///", label="outside it: padding"),
        Line2D([], [], color=FIELD, linewidth=2.5, label=f"field of output pixel {pixel}"),
        Line2D(
            [], [], color=NEIGHBOUR, linewidth=1.8, linestyle="--", label=f"its neighbour, {jump} pixels on"
        ),
        Line2D(
            [],
            [],
            color=CENTRES,
            marker="o",
            linestyle="",
            markersize=3,
            label="centres of all output pixels",
        ),
    ]
    if measured:
        handles.append(Patch(color=MEASURED, alpha=0.55, label="measured: pixels the gradient reaches"))
    return handles


def _one_colour(colour: str):
    from matplotlib.colors import ListedColormap

    return ListedColormap([colour])
