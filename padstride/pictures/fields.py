"""Receptive fields drawn on the input: one nested square per spatial layer.

The geometry comes from ``receptive_field`` (its rows' ``span`` and ``output_shape``);
this module only picks which output pixel to draw and draws it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..alt import describe
from ..text import one_if_same
from .cells import outline
from .palette import SMALL, TEXT, figure, series_color
from .words import span_words


def _centre(span: range) -> float:
    return (span.start + span.stop - 1) / 2


def nearest_pixel(row: Any, target: tuple[float, float]) -> tuple[int, int]:
    """The output pixel (row, column) of one receptive-field row whose field is centred
    nearest ``target`` (input coordinates), read from ``row.span``."""
    out_h, out_w = row.output_shape[:2]
    best_row = min(range(out_h), key=lambda r: abs(_centre(row.span(r, 0)[0]) - target[0]))
    best_col = min(range(out_w), key=lambda c: abs(_centre(row.span(0, c)[1]) - target[1]))
    return best_row, best_col


def pixel_grid(ax: Any, height: int, width: int) -> None:
    """Thin lines between the pixels of an image drawn with imshow, so sizes can be counted."""
    ax.set_xticks(np.arange(-0.5, width, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, height, 1), minor=True)
    ax.grid(which="minor", color="#CCCCCC", linewidth=0.5)
    ax.tick_params(which="minor", length=0)


def write_width(ax: Any, span_rows: range, span_cols: range, color: str) -> None:
    """The field's width in its top-left pixel (or the nearest one inside the image)."""
    top, left = max(span_rows.start, 0), max(span_cols.start, 0)
    ax.text(
        left, top, str(len(span_cols)), color=color, ha="center", va="center", fontsize=SMALL, weight="bold"
    )


def draw_receptive_field(model_or_layers: Any, input_shape: tuple[int, ...] | None = None):
    """The input's pixel grid with the receptive field of one output pixel of each spatial
    layer outlined and its width written in its top-left pixel, nested around the centre:
    each square is (k − 1)·jump wider than the last.

    >>> from padstride.demo.models import mnist_variant
    >>> fig = draw_receptive_field(mnist_variant("stride"))
    >>> [p.get_gid() for p in fig.axes[0].patches]
    ['field-conv_1', 'field-conv_2', 'field-conv_3']
    """
    from ..model.receptive import receptive_field

    field = receptive_field(model_or_layers, input_shape)
    # Only local fields have a square to draw: global rows (pooling over the whole map,
    # Dense after Flatten) see everything.
    rows = [row for row in field if not row.is_global and len(row.output_shape) == 3]
    if not rows:
        raise ValueError("the model has no spatial layers (Conv2D, pooling, ZeroPadding2D) before Flatten")
    height, width = field.input_shape[:2]
    fig, ax = figure(6.0, 6.6)
    ax.imshow(np.zeros((height, width)), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    # From the last layer back: each layer's pixel is the one whose field is centred
    # nearest the centre of the field drawn after it, so the squares nest.
    centre = ((height - 1) / 2, (width - 1) / 2)
    spans = {}
    for row in reversed(rows):
        spans[row.name] = row.span(*nearest_pixel(row, centre))
        centre = (_centre(spans[row.name][0]), _centre(spans[row.name][1]))
    from matplotlib.lines import Line2D

    pixel_grid(ax, height, width)
    handles = []
    for index, row in enumerate(rows):
        span_rows, span_cols = spans[row.name]
        color = series_color(index)
        outline(
            ax,
            span_rows.start,
            span_cols.start,
            (len(span_rows), len(span_cols)),
            color,
            f"field-{row.name}",
            zorder=3,  # above the grid lines
        )
        write_width(ax, span_rows, span_cols, color)
        label = f"{row.name}: {row.size[0]}×{row.size[1]}, jump {row.jump[0]}"
        handles.append(Line2D([], [], color=color, linewidth=2.5, label=label))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize=SMALL, frameon=False)
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"receptive fields on the {height}×{width} input", fontsize=TEXT)
    squares = [
        f"{row.name} {row.size[0]}×{row.size[1]} (jump {one_if_same(row.jump)}), rows {span_words(spans[row.name][0])} "
        f"and columns {span_words(spans[row.name][1])}"
        for row in rows
    ]
    return describe(
        fig,
        f"Receptive fields on the {height}×{width} input, one square per layer, nested around the "
        f"centre: {'; '.join(squares)} (pixels counted from 0).",
    )
