"""The layers that add or take away pixels at the edges: ZeroPadding2D and Cropping2D. Each is
the arithmetic of a 1×1 window with explicit zeros (negative where it crops).

>>> zero_padding_step({"padding": ((0, 1), (2, 2))}, [(4, 4, 1)], "pad").output_shape
(5, 8, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...arguments import pixel_padding_2d
from ...conv.arithmetic import AxisArithmetic, axis_arithmetic
from ...text import MINUS, TIMES
from .base import LayerKind, Reach, Shape, Step, image
from .onnx_parts import OnnxValue
from .spelled import onnx_nodes, torch_sides


def zero_padding_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (h, w, channels) = image(shapes, name, "ZeroPadding2D")
    (top, bottom), (left, right) = pixel_padding_2d(config["padding"])
    out = (h + top + bottom, w + left + right, channels)
    text = f"{h} + {top} + {bottom} = {out[0]} rows, {w} + {left} + {right} = {out[1]} columns"
    # A 1×1 window with explicit padding: the arithmetic of a convolution.
    axes = (axis_arithmetic(h, 1, 1, (top, bottom)), axis_arithmetic(w, 1, 1, (left, right)))
    return Step(out, 0, 0, text, axes, text)


def cropping_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (h, w, channels) = image(shapes, name, "Cropping2D")
    (top, bottom), (left, right) = pixel_padding_2d(config["cropping"])
    rows, cols = h - top - bottom, w - left - right
    if rows < 1 or cols < 1:
        raise ValueError(
            f"layer {name!r}: cropping ({top}, {bottom}), ({left}, {right}) leaves nothing of a "
            f"{h}{TIMES}{w} input"
        )
    text = f"{h} {MINUS} {top} {MINUS} {bottom} = {rows} rows, {w} {MINUS} {left} {MINUS} {right} = {cols} columns"
    # Cropping is padding taken away: a 1×1 window whose first pixel starts `top` pixels in.
    axes = tuple(
        AxisArithmetic(
            n, 1, 1, 1, "crop", -before, -after, n - before - after, f"{n} {MINUS} {before} {MINUS} {after}"
        )
        for n, before, after in ((h, top, bottom), (w, left, right))
    )
    return Step((rows, cols, channels), 0, 0, text, axes, text)


SLICE_TO_END = 2**63 - 1  # what ONNX Slice reads as "to the end"


def pad_amounts(row: Any) -> list[int]:
    """ONNX Pad's ``pads`` for a traced ZeroPadding2D on an NCHW tensor: every axis' zeros
    before, then every axis' zeros after."""
    (top, bottom), (left, right) = row.padding
    return [0, 0, top, left, 0, 0, bottom, right]


def _zero_padding_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    pads = b.constant(pad_amounts(row), f"{row.name}/pads", np.int64)
    return OnnxValue(b.op("Pad", [b.nchw(inputs[0]).name, pads], row.name), row.output_shape, True)


def _cropping_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    (top, bottom), (left, right) = row.padding  # negative: pixels taken away
    # Counted from the end, the ends hold no size: the same node crops any height and width.
    starts = b.constant([-top, -left], f"{row.name}/starts", np.int64)
    ends = b.constant([bottom or SLICE_TO_END, right or SLICE_TO_END], f"{row.name}/ends", np.int64)
    axes = b.constant([2, 3], f"{row.name}/axes", np.int64)
    out = b.op("Slice", [b.nchw(inputs[0]).name, starts, ends, axes], row.name)
    return OnnxValue(out, row.output_shape, True)


def _zero_padding_onnx_text(row: Any) -> str:
    return onnx_nodes(("Pad", ["x", "pads"], "y", {}), constants={"pads": pad_amounts(row)})


def _cropping_onnx_text(row: Any) -> str:
    (top, bottom), (left, right) = row.padding
    height, width = row.input_shape[:2]
    constants = {"starts": [-top, -left], "ends": [height + bottom, width + right], "axes": [2, 3]}
    return onnx_nodes(("Slice", ["x", "starts", "ends", "axes"], "y", {}), constants=constants)


ENTRIES = (
    LayerKind(
        "ZeroPadding2D",
        zero_padding_step,
        Reach.SHIFT,
        _zero_padding_onnx,
        {"onnx": _zero_padding_onnx_text, "torch": lambda row: f"nn.ZeroPad2d({torch_sides(row)})"},
    ),
    LayerKind(
        "Cropping2D",
        cropping_step,
        Reach.SHIFT,
        _cropping_onnx,
        {"onnx": _cropping_onnx_text, "torch": lambda row: f"nn.ZeroPad2d({torch_sides(row)})"},
    ),
)
