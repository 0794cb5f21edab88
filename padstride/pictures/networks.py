"""Pictures of whole models: the feature-map sizes of Keras models drawn to scale, and
one digit through padding and a strided convolution.

Shapes and parameter counts are read from the models' own layers (``layer.output.shape``,
``layer.count_params()``), so the picture shows what Keras built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..alt import describe
from ..arguments import image_2d, is_keras_model
from ..conv.arithmetic import conv_output_size
from ..text import shape_text
from .cells import outline
from .palette import COLORS, GRAY, HEATMAP, SMALL, TEXT, TITLE, figure
from .words import values_words

SLOT = 42  # pixels of feature map per slot: a 28-pixel map and its labels fit in one
DENSE_SLOTS = 2.2  # room for the Flatten and Dense lines at the right


def _shape(layer: Any) -> tuple[int, ...]:
    try:
        return tuple(int(d) for d in layer.output.shape[1:])
    except (AttributeError, ValueError, TypeError):
        raise ValueError(
            f"layer {layer.name!r} has no known output shape: build the model with keras.Input first"
        ) from None


def feature_map_sizes(model: Any) -> list[tuple[str, tuple[int, ...], int]]:
    """(name, output shape without the batch axis, parameters) for the input and every
    layer of a Keras model, read from the model.

    >>> from padstride.demo.models import mnist_variant
    >>> feature_map_sizes(mnist_variant("stride"))[:2]
    [('input', (28, 28, 1), 0), ('conv_1', (14, 14, 32), 320)]
    """
    if not is_keras_model(model):
        raise ValueError(f"model={model!r} is not allowed: give a Keras model built with keras.Input")
    try:
        input_shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    except (AttributeError, IndexError, TypeError, ValueError):
        raise ValueError(
            f"model {getattr(model, 'name', model)!r} has no known input shape: build it with keras.Input"
        ) from None
    rows = [("input", input_shape, 0)]
    rows += [(layer.name, _shape(layer), int(layer.count_params())) for layer in model.layers]
    return rows


def draw_feature_map_sizes(models: Any):
    """Each model's feature maps as squares drawn to one scale (one unit per pixel), left
    to right from the input, each with its shape and its layer's parameters; the layers
    after the last feature map (Flatten, Dense) are listed at the right.

    ``models`` is a Keras model or a sequence of them; texts carry the gids
    "shape-<model>-<layer>" and "params-<model>-<layer>".

    >>> from padstride.demo.models import mnist_variant
    >>> fig = draw_feature_map_sizes([mnist_variant("valid")])
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "shape-valid-conv_3"]
    ['22×22×32']
    """
    models = [models] if is_keras_model(models) else list(models) if isinstance(models, Sequence) else None
    if not models:
        raise ValueError("models is not allowed: give a Keras model or a non-empty list of them")
    tables = [(model.name, feature_map_sizes(model), model.count_params()) for model in models]
    slots = max(sum(len(shape) == 3 for _, shape, _ in rows) for _, rows, _ in tables)
    tallest = max(shape[0] for _, rows, _ in tables for _, shape, _ in rows if len(shape) == 3)
    width = SLOT * (slots + DENSE_SLOTS)
    fig, axes = figure(9.0, 0.6 + 2.3 * len(tables), nrows=len(tables), squeeze=False)
    for ax, (name, rows, total) in zip(axes[:, 0], tables):
        _draw_row(ax, name, rows, total, width, tallest)
    fig.suptitle("feature maps to scale (one unit per pixel), with each layer's parameters", fontsize=TITLE)
    models_text = " ".join(sizes_words(name, rows, total) for name, rows, total in tables)
    return describe(fig, f"Feature maps drawn to scale, one row per model. {models_text}")


def sizes_words(name: str, rows: list, total: int) -> str:
    """One model's row of draw_feature_map_sizes in words: its maps left to right, then
    the layers after them."""
    maps = [row for row in rows if len(row[1]) == 3]
    rest = [row for row in rows if len(row[1]) != 3]

    def layer(row: tuple) -> str:
        name, shape, params = row
        weights = f"{params:,} params" if params else "no weights"
        size = shape_text(shape) if len(shape) == 3 else "×".join(f"{d:,}" for d in shape)
        return f"{name} {size}" + ("" if name == "input" else f" ({weights})")

    text = f"{name}, {total:,} parameters: " + " → ".join(layer(row) for row in maps)
    if rest:
        text += "; then " + ", ".join(layer(row) for row in rest)
    return text + "."


def _draw_row(ax: Any, name: str, rows: list, total: int, width: float, tallest: int) -> None:
    from matplotlib.patches import FancyArrowPatch

    half = tallest / 2
    maps = [row for row in rows if len(row[1]) == 3]
    rest = [row for row in rows if len(row[1]) != 3]
    previous_right = None
    for index, (layer, shape, params) in enumerate(maps):
        left, right = _draw_map(ax, name, layer, shape, params, SLOT * (index + 0.5), half)
        if previous_right is not None:
            arrow = FancyArrowPatch(
                (previous_right + 2.5, 0), (left - 2.5, 0), arrowstyle="-|>", mutation_scale=12, linewidth=1
            )
            ax.add_patch(arrow)
        previous_right = right
    x = SLOT * len(maps) + 4
    for number, (layer, shape, params) in enumerate(rest):
        size = "×".join(f"{d:,}" for d in shape)
        line = f"{layer} {size}: " + (f"{params:,} params" if params else "no weights")
        text = ax.text(x, half - 2 - number * 9, line, ha="left", va="top", fontsize=SMALL)
        text.set_gid(f"params-{name}-{layer}")
    ax.set_xlim(0, width)
    ax.set_ylim(-half - 14, half + 20)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"{name}: {total:,} parameters", fontsize=TEXT, loc="left")


def _draw_map(
    ax: Any, name: str, layer: str, shape: tuple[int, int, int], params: int, centre: float, half: float
) -> tuple[float, float]:
    """One feature map to scale, with its name, shape and parameters; returns its left and
    right edges (the sheets behind a layer's output included)."""
    from matplotlib.patches import Rectangle

    h, w, c = shape
    left = centre - w / 2
    is_input = layer == "input"
    if not is_input:  # a few offset sheets stand for the channels
        for depth in (2, 1):
            corner = (left + 1.2 * depth, -h / 2 + 1.2 * depth)
            sheet = Rectangle(
                corner, w, h, facecolor=COLORS["output"], edgecolor=COLORS["edge"], linewidth=0.6
            )
            ax.add_patch(sheet)
    fill = COLORS["input"] if is_input else COLORS["filled"]
    square = Rectangle((left, -h / 2), w, h, facecolor=fill, edgecolor=COLORS["edge"], linewidth=1.0)
    square.set_gid(f"map-{name}-{layer}")
    ax.add_patch(square)
    ax.text(centre, half + 9, layer, ha="center", va="bottom", fontsize=SMALL, color=COLORS["muted"])
    shape_label = ax.text(centre, half + 3, f"{h}×{w}×{c}", ha="center", va="bottom", fontsize=TEXT)
    shape_label.set_gid(f"shape-{name}-{layer}")
    if not is_input:
        count = ax.text(centre, -half - 3, f"{params:,} params", ha="center", va="top", fontsize=SMALL)
        count.set_gid(f"params-{name}-{layer}")
    return left, left + w + (0 if is_input else 2.4)


def draw_pipeline(digit: np.ndarray):
    """Three panels: a 28×28 digit, the digit with one pixel of zero padding, and the feature
    map of a 3×3, stride-2 convolution (the vertical-line detector) on the padded digit,
    computed by Keras (``padstride.pipeline_trace`` gives the three arrays).

    >>> fig = draw_pipeline(np.zeros((28, 28)))
    >>> [ax.get_title().splitlines()[-1] for ax in fig.axes]
    ['28×28×1', '30×30×1', '14×14×1']
    """
    from ..demo.filters import pipeline_maps

    digit = image_2d(digit, "digit")
    if digit.shape != (28, 28):
        raise ValueError(f"digit of shape {digit.shape} is not allowed: a 28×28 digit is needed")
    arrays = pipeline_maps(digit)
    fig, axes = figure(9.0, 3.9, ncols=3)
    titles = ["1. input digit", "2. ZeroPadding2D(1)", "3. Conv2D 3×3, strides=2"]
    for ax, (key, array), title in zip(axes, arrays.items(), titles):
        image = ax.imshow(array, cmap=HEATMAP if key == "feature_map" else GRAY, interpolation="nearest")
        image.set_gid(key)
        ax.set_title(f"{title}\n{array.shape[0]}×{array.shape[1]}×1", fontsize=TEXT)
        ax.set_xticks([])
        ax.set_yticks([])
    padded = arrays["padded"].shape
    outline(axes[1], 0, 0, padded, COLORS["pad"], "pad")
    n, out = digit.shape[1], conv_output_size(digit.shape[1], 3, strides=2, padding=1)
    fig.suptitle(
        f"{n} → pad 1 → {n + 2} → 3×3 kernel, strides=2: ⌊({n + 2} − 3)/2⌋ + 1 = {out}", fontsize=TITLE
    )
    feature_map = arrays["feature_map"]
    return describe(
        fig,
        f"Three panels: the {shape_text(digit.shape)} digit; the digit with 1 pixel of zeros around it, "
        f"{shape_text(padded)}; the {shape_text(feature_map.shape)} feature map of a 3×3 vertical-line "
        f"detector run with strides=2 over the padded digit, floor(({n + 2} − 3)/2) + 1 = {out}, "
        f"as a heat map, {values_words(feature_map, written=False)}.",
    )
