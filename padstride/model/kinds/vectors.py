"""The layers that end or reshape the maps: global pooling, Reshape, Flatten and Dense.

>>> dense_step({"units": 10}, [(128,)], "out").params
1290
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ...text import TIMES, shape_text
from .base import LayerKind, Reach, Shape, Step, bias_count, image, plus
from .onnx_parts import OnnxValue, activation, weights


def global_pool_step(word: str) -> Callable[[dict, list[Shape], str], Step]:
    def rule(config: dict, shapes: list[Shape], name: str) -> Step:
        (h, w, channels) = image(shapes, name, "global pooling")
        out = (1, 1, channels) if config.get("keepdims", False) else (channels,)
        text = f"{word} over {h}{TIMES}{w} for each of {channels} channels"
        return Step(out, 0, 0, text, formula=text)

    return rule


def reshape_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (shape,) = shapes
    target = tuple(config["target_shape"])
    size = math.prod(shape)
    known = math.prod(d for d in target if d != -1)
    if target.count(-1) > 1 or any(d == 0 or d < -1 for d in target):
        raise ValueError(f"layer {name!r}: target_shape {target} is not a shape")
    if -1 in target:
        if size % known:
            raise ValueError(f"layer {name!r}: {size} values do not fill target_shape {target}")
        target = tuple(size // known if d == -1 else d for d in target)
    if math.prod(target) != size:
        raise ValueError(f"layer {name!r}: {size} values cannot take target_shape {shape_text(target)}")
    return Step(target, 0, 0, f"{size} values as {shape_text(target)}")


def flatten_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (shape,) = shapes
    size = math.prod(shape)
    return Step((size,), 0, 0, " × ".join(str(d) for d in shape) + f" = {size}")


def dense_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (shape,) = shapes
    units = config["units"]
    bias = bias_count(config, units)
    inputs = shape[-1]
    text = f"params {inputs}·{units}{plus(bias)}"
    positions = math.prod(shape[:-1])
    if len(shape) > 1:
        text = f"at each of {shape_text(shape[:-1])} positions; " + text
    return Step((*shape[:-1], units), inputs * units + bias, 2 * inputs * units * positions, text)


def _dense_reach(config: dict, shape: Shape, name: str) -> Reach:
    """A Dense layer on a map acts at each pixel on its own; on a vector it mixes all of it."""
    return Reach.PIXEL if len(shape) == 3 else Reach.GLOBAL


# --- ONNX nodes ------------------------------------------------------------------------


def _global_pool_onnx(op_type: str) -> Callable:
    def convert(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
        pooled = b.op(op_type, [b.nchw(inputs[0]).name], row.name)
        if len(row.output_shape) == 3:  # keepdims=True: 1×1×C
            return OnnxValue(pooled, row.output_shape, True)
        return OnnxValue(b.op("Flatten", [pooled], row.name, axis=1), row.output_shape)

    return convert


def _reshape_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    # Keras reshapes NHWC element order: back to its layout first.
    shape = b.constant([0, *row.output_shape], f"{row.name}/shape", np.int64)  # 0 keeps the batch size
    return OnnxValue(b.op("Reshape", [b.keras_layout(inputs[0]).name, shape], row.name), row.output_shape)


def _flatten_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    return OnnxValue(b.op("Flatten", [b.keras_layout(inputs[0]).name], row.name, axis=1), row.output_shape)


def _dense_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    kernel, *bias = weights(row)
    x = b.keras_layout(inputs[0])
    out = b.op("MatMul", [x.name, b.weight(row.layer, "kernel", kernel, row.name)], row.name)
    if bias:
        out = b.op("Add", [out, b.weight(row.layer, "bias", bias[0], row.name)], row.name)
    return activation(b, row, OnnxValue(out, row.output_shape), row.config["activation"])


ENTRIES = (
    LayerKind(
        "GlobalAveragePooling2D",
        global_pool_step("average"),
        Reach.POOL_ALL,
        _global_pool_onnx("GlobalAveragePool"),
    ),
    LayerKind(
        "GlobalMaxPooling2D", global_pool_step("maximum"), Reach.POOL_ALL, _global_pool_onnx("GlobalMaxPool")
    ),
    LayerKind(
        "Reshape",
        reshape_step,
        Reach.REARRANGE,
        _reshape_onnx,
        unfollowed="it moves values to other positions",
    ),
    LayerKind("Flatten", flatten_step, Reach.FLATTEN, _flatten_onnx),
    LayerKind("Dense", dense_step, _dense_reach, _dense_onnx),
)
