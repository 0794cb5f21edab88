"""The layers where paths meet: Add, Subtract, Multiply, Average, Maximum and Concatenate.

>>> merge_step("Add")({}, [(8, 8, 4), (1, 1, 4)], "add").arithmetic
'8×8×4 + 1×1×4, broadcast to 8×8×4'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...text import MINUS, TIMES, shape_text
from .base import LayerKind, Reach, Shape, Step, axes_of
from .onnx_parts import OnnxValue, onnx_axis

SYMBOLS = {"Add": "+", "Subtract": MINUS, "Multiply": TIMES}


def merge_step(kind: str) -> Callable[[dict, list[Shape], str], Step]:
    """The shape rule of one merge layer: Keras' broadcasting, the shapes written out."""
    symbol = SYMBOLS.get(kind)

    def rule(config: dict, shapes: list[Shape], name: str) -> Step:
        if kind == "Subtract" and len(shapes) != 2:
            raise ValueError(f"layer {name!r} (Subtract) takes exactly 2 inputs, got {len(shapes)}")
        out: Shape = shapes[0]
        for shape in shapes[1:]:
            out = _broadcast(out, shape, name)
        joined = f" {symbol} ".join(map(shape_text, shapes)) if symbol else ", ".join(map(shape_text, shapes))
        text = joined if symbol else f"{kind.lower()} of {joined}"
        if any(shape != out for shape in shapes):
            text += f", broadcast to {shape_text(out)}"
        return Step(out, 0, 0, text)

    return rule


def _broadcast(first: Shape, second: Shape, name: str) -> Shape:
    """Keras' merge layers: shapes aligned at the right, a size of 1 stretches."""
    if len(first) < len(second):
        first, second = second, first
    out = list(first[: len(first) - len(second)])
    for a, b in zip(first[len(first) - len(second) :], second):
        if a != b and 1 not in (a, b):
            raise ValueError(
                f"layer {name!r}: inputs of {shape_text(first)} and {shape_text(second)} do not match"
            )
        out.append(b if a == 1 else a)
    return tuple(out)


def concatenate_step(config: dict, shapes: list[Shape], name: str) -> Step:
    rank = len(shapes[0])
    (axis,) = axes_of(config.get("axis", -1), rank, name)
    for shape in shapes[1:]:
        if len(shape) != rank or any(a != b for i, (a, b) in enumerate(zip(shape, shapes[0])) if i != axis):
            raise ValueError(
                f"layer {name!r}: Concatenate needs shapes equal except along axis {axis + 1}, "
                f"got {', '.join(map(shape_text, shapes))}"
            )
    total = sum(shape[axis] for shape in shapes)
    out = (*shapes[0][:axis], total, *shapes[0][axis + 1 :])
    what = "channels" if axis == rank - 1 else f"axis {axis + 1}"
    text = f"{what} {' + '.join(str(shape[axis]) for shape in shapes)} = {total}"
    return Step(out, 0, 0, text)


# --- ONNX nodes ------------------------------------------------------------------------


def _common_layout(b: Any, row: Any, inputs: list[OnnxValue]) -> list[OnnxValue]:
    """The inputs of a merge in one layout and rank: a lower-rank input gets size-1 axes
    after the batch axis (Keras' expand_dims(x, 1)); NCHW where all are 4-D and one is."""
    rank = max(t.rank for t in inputs)
    lifted = []
    for t in inputs:
        if t.rank < rank:
            t = b.keras_layout(t)
            axes = b.constant(list(range(1, rank - t.rank + 1)), f"{row.name}/axes", np.int64)
            t = OnnxValue(b.op("Unsqueeze", [t.name, axes], row.name), (1,) * (rank - t.rank) + t.shape)
        lifted.append(t)
    if rank == 4 and any(t.nchw for t in lifted):
        return [b.nchw(t) for t in lifted]
    return [b.keras_layout(t) for t in lifted]


def _merge_onnx(op_type: str, divide: bool = False) -> Callable:
    """Keras' merges fold left: ((x0 op x1) op x2) …; Average divides the sum at the end."""

    def convert(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
        values = _common_layout(b, row, inputs)
        out = values[0].name
        for value in values[1:]:
            out = b.op(op_type, [out, value.name], row.name)
        if divide:
            out = b.op("Div", [out, b.constant(float(len(values)), f"{row.name}/count")], row.name)
        return OnnxValue(out, row.output_shape, values[0].nchw)

    return convert


def _concatenate_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    values = _common_layout(b, row, inputs)
    axis = onnx_axis(row.config.get("axis", -1), values[0])
    out = b.op("Concat", [v.name for v in values], row.name, axis=axis)
    return OnnxValue(out, row.output_shape, values[0].nchw)


def _merge(kind: str, onnx: Callable) -> LayerKind:
    return LayerKind(kind, merge_step(kind), Reach.JOIN, onnx, inputs=None)


ENTRIES = (
    _merge("Add", _merge_onnx("Add")),
    _merge("Subtract", _merge_onnx("Sub")),
    _merge("Multiply", _merge_onnx("Mul")),
    _merge("Average", _merge_onnx("Add", divide=True)),
    _merge("Maximum", _merge_onnx("Max")),
    LayerKind("Concatenate", concatenate_step, Reach.JOIN, _concatenate_onnx, inputs=None),
)
