"""The layers that change values and keep the shape: normalisations, activations, Dropout,
Rescaling. All but the normalisations along the map act pixel by pixel.

>>> batch_norm_step({"axis": -1}, [(8, 8, 16)], "bn").arithmetic
'params 4·16 (gamma, beta, moving mean, moving variance)'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ...text import MINUS
from .base import LayerKind, Reach, Shape, Step, along_axes, axes_of, refuse
from .onnx_parts import OnnxValue, activation, clip, numpy_value, onnx_axis


def batch_norm_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (shape,) = shapes
    (axis,) = axes_of(config.get("axis", -1), len(shape), name)
    size = shape[axis]
    vectors = [
        n for n, on in (("gamma", config.get("scale", True)), ("beta", config.get("center", True))) if on
    ]
    vectors += ["moving mean", "moving variance"]
    if config.get("renorm", False):
        vectors += ["moving stddev", "renorm mean", "renorm stddev"]
    text = f"params {len(vectors)}·{size} ({', '.join(vectors)})"
    return Step(shape, len(vectors) * size, 0, text)


def layer_norm_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (shape,) = shapes
    axes = axes_of(config.get("axis", -1), len(shape), name)
    size = math.prod(shape[a] for a in axes)
    rms = config.get("rms_scaling", False)
    vectors = [
        n
        for n, on in (
            ("gamma", config.get("scale", True) or rms),
            ("beta", config.get("center", True) and not rms),
        )
        if on
    ]
    over = "×".join(str(shape[a]) for a in axes)
    text = f"normalised over {over}; params {len(vectors)}·{size}" + (
        f" ({', '.join(vectors)})" if vectors else ""
    )
    return Step(shape, len(vectors) * size, 0, text)


def normalization_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (shape,) = shapes
    axis = config.get("axis", -1)
    kept = () if axis is None else axes_of(axis, len(shape), name)
    size = math.prod(shape[a] for a in kept)
    text = "(x " + MINUS + " mean)/√variance"
    if config.get("mean") is not None:  # fixed numbers in the config, no weights
        return Step(shape, 0, 0, text + ", mean and variance given")
    return Step(shape, 2 * size + 1, 0, text + f"; params {size} + {size} + 1 (mean, variance, count)")


def _same_shape(describe: Callable[[dict], str]) -> Callable[[dict, list[Shape], str], Step]:
    def rule(config: dict, shapes: list[Shape], name: str) -> Step:
        (shape,) = shapes
        return Step(shape, 0, 0, describe(config))

    return rule


def _relu_text(config: dict) -> str:
    text = "relu"
    if config.get("max_value") is not None:
        text += f", at most {config['max_value']:g}"
    if config.get("negative_slope"):
        text += f", slope {config['negative_slope']:g} below {config.get('threshold', 0.0):g}"
    elif config.get("threshold"):
        text += f", zero below {config['threshold']:g}"
    return text


def _number(value: Any) -> str:
    """A setting as short text: 0.00392156862745098 → 0.00392157."""
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_number(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


# --- ONNX nodes ------------------------------------------------------------------------


def _batch_norm_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    layer, x = row.layer, inputs[0]
    rank = len(row.input_shape)
    axis = row.config.get("axis", -1)
    if axes_of(axis, rank, row.name) != (rank - 1,):
        raise refuse(row, "axis", axis, "the channel (last) axis, -1")
    values = {
        name: numpy_value(getattr(layer, name))
        for name in ("moving_mean", "moving_variance", "gamma", "beta")
        if getattr(layer, name, None) is not None
    }
    # TensorFlow's inference formula: x·inv + (beta − mean·inv), inv = gamma/√(variance + ε).
    inv = (1 / np.sqrt(values["moving_variance"] + np.float32(layer.epsilon))).astype(np.float32)
    if "gamma" in values:
        inv = inv * values["gamma"]
    shift = -values["moving_mean"] * inv + values.get("beta", np.float32(0))
    scaled = b.op("Mul", [x.name, b.like(inv, x, f"{row.name}/scale")], row.name)
    return replace(x, name=b.op("Add", [scaled, b.like(shift, x, f"{row.name}/shift")], row.name))


def _layer_norm_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    layer, x, label = row.layer, b.keras_layout(inputs[0]), row.name
    axes = [a + 1 for a in axes_of(row.config.get("axis", -1), len(x.shape), label)]
    broadcast = [1] * x.rank
    for a in axes:
        broadcast[a] = x.shape[a - 1]

    def vector(name: str) -> str | None:
        value = getattr(layer, name, None)
        return None if value is None else b.weight(layer, name, numpy_value(value).reshape(broadcast), label)

    # Keras' own steps (its rms_scaling divides by the variance, not the mean square).
    mean = b.op("ReduceMean", [x.name], label, axes=axes, keepdims=1)
    centred = b.op("Sub", [x.name, mean], label)
    variance = b.op("ReduceMean", [b.op("Mul", [centred, centred], label)], label, axes=axes, keepdims=1)
    epsilon = b.constant(layer.epsilon, f"{label}/epsilon")
    inv = b.op("Reciprocal", [b.op("Sqrt", [b.op("Add", [variance, epsilon], label)], label)], label)
    gamma, beta = vector("gamma"), vector("beta")
    if layer.rms_scaling:
        out = b.op("Mul", [x.name, inv], label)
        return replace(x, name=b.op("Mul", [out, gamma], label) if gamma else out)
    if gamma:
        inv = b.op("Mul", [inv, gamma], label)
    shift = b.op("Neg", [b.op("Mul", [mean, inv], label)], label)
    if beta:
        shift = b.op("Add", [shift, beta], label)
    return replace(x, name=b.op("Add", [b.op("Mul", [x.name, inv], label), shift], label))


def _normalization_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    from ...runtime import load_keras

    layer, x = row.layer, inputs[0]
    mean, variance = numpy_value(layer.mean), numpy_value(layer.variance)
    # Keras divides by max(√variance, ε), not √(variance + ε) nor √max(variance, ε).
    scale = np.maximum(np.sqrt(variance), np.float32(load_keras().config.epsilon()))
    mean_name = b.like(mean, x, f"{row.name}/mean")
    scale_name = b.like(scale, x, f"{row.name}/scale")
    if layer.invert:
        out = b.op("Add", [mean_name, b.op("Mul", [x.name, scale_name], row.name)], row.name)
    else:
        out = b.op("Div", [b.op("Sub", [x.name, mean_name], row.name), scale_name], row.name)
    return replace(x, name=out)


def _rescaling_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    config, x = row.config, inputs[0]
    scaled = b.op("Mul", [x.name, b.like(config.get("scale", 1.0), x, f"{row.name}/scale")], row.name)
    offset = b.like(config.get("offset", 0.0), x, f"{row.name}/offset")
    return replace(x, name=b.op("Add", [scaled, offset], row.name))


def _activation_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    return activation(b, row, inputs[0], row.config["activation"])


def _relu_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    import onnx

    config, x, label = row.config, inputs[0], row.name
    slope, top, threshold = (
        config.get("negative_slope", 0.0),
        config.get("max_value"),
        config.get("threshold", 0.0),
    )
    # Keras' ReLU, step by step: x where x > threshold (else 0), clipped to [0, max_value],
    # minus slope·relu(threshold − x).
    if threshold:
        above = b.op("Greater", [x.name, b.constant(threshold, f"{label}/threshold")], label)
        out = b.op("Mul", [x.name, b.op("Cast", [above], label, to=onnx.TensorProto.FLOAT)], label)
    else:
        out = b.op("Relu", [x.name], label)
    if top is not None:
        out = clip(b, out, 0.0, float(top), label)
    if slope:
        below = b.op("Sub", [b.constant(threshold, f"{label}/threshold"), x.name], label)
        negative = b.op("Mul", [b.op("Relu", [below], label), b.constant(slope, f"{label}/slope")], label)
        out = b.op("Sub", [out, negative], label)
    return replace(x, name=out)


def _softmax_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    axis, x = row.config.get("axis", -1), inputs[0]
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise refuse(row, "axis", axis, "one axis")
        (axis,) = axis
    return replace(x, name=b.op("Softmax", [x.name], row.name, axis=onnx_axis(axis, x)))


def _dropout_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    return inputs[0]  # inference: nothing is dropped


ENTRIES = (
    LayerKind("BatchNormalization", batch_norm_step, Reach.PIXEL, _batch_norm_onnx),
    LayerKind("LayerNormalization", layer_norm_step, along_axes, _layer_norm_onnx),
    LayerKind("Normalization", normalization_step, Reach.PIXEL, _normalization_onnx),
    LayerKind(
        "Activation", _same_shape(lambda c: str(c.get("activation", "linear"))), Reach.PIXEL, _activation_onnx
    ),
    LayerKind("ReLU", _same_shape(_relu_text), Reach.PIXEL, _relu_onnx),
    LayerKind(
        "Softmax", _same_shape(lambda c: f"softmax over axis {c.get('axis', -1)}"), along_axes, _softmax_onnx
    ),
    LayerKind(
        "Dropout",
        _same_shape(lambda c: f"rate {c.get('rate', 0):g}, only while training"),
        Reach.PIXEL,
        _dropout_onnx,
    ),
    LayerKind(
        "Rescaling",
        _same_shape(lambda c: f"x·{_number(c.get('scale', 1))} + {_number(c.get('offset', 0))}"),
        Reach.PIXEL,
        _rescaling_onnx,
    ),
)
