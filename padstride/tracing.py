"""Explain a Keras model layer by layer: shapes, the arithmetic with its numbers, and
parameter counts, computed here from each layer's settings (the tests hold them
against Keras' own numbers).

>>> from padstride.models import mnist_model
>>> explain(mnist_model(strides=2, padding="same"))[0].arithmetic.split(";")[0]
'same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .arithmetic import (
    AxisArithmetic,
    _as_pair,
    _check_positive_int,
    conv_arithmetic,
    conv_arithmetic_2d,
    describe_axes,
    pool_arithmetic,
)

SUPPORTED_LAYERS = (
    "Conv2D",
    "MaxPooling2D",
    "AveragePooling2D",
    "ZeroPadding2D",
    "Flatten",
    "Dense",
)


@dataclass(frozen=True)
class LayerTrace:
    """One row of an explanation."""

    name: str
    kind: str
    input_shape: tuple[int, ...]
    arithmetic: str
    output_shape: tuple[int, ...]
    params: int
    flops: int = 0  # forward multiply-adds × 2 for one image (bias, activation and pooling not counted)
    axes: tuple[AxisArithmetic, AxisArithmetic] | None = None  # (height, width) of a spatial layer


class Explanation(list):
    """A list of LayerTrace rows that prints as a plain-text table."""

    def table(self) -> str:
        headers = ("layer", "input", "output", "params", "arithmetic")
        rows = [
            (
                f"{t.name} ({t.kind})",
                _shape(t.input_shape),
                _shape(t.output_shape),
                f"{t.params:,}",
                t.arithmetic,
            )
            for t in self
        ]
        total = self.params
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

        def line(cells):
            padded = [c.rjust(w) if i == 3 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
            return "  ".join(padded).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        return "\n".join([line(headers), rule, *map(line, rows), rule, f"total params: {total:,}"])

    @property
    def params(self) -> int:
        """Total parameters."""
        return sum(t.params for t in self)

    @property
    def flops(self) -> int:
        """Forward FLOPs for one image: 2 × multiply-adds of the Conv2D and Dense layers."""
        return sum(t.flops for t in self)

    def __str__(self) -> str:
        return self.table()

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the table
        printer.text(self.table())


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def explain(model: Any) -> Explanation:
    """Trace a Keras model built from Conv2D, MaxPooling2D, AveragePooling2D,
    ZeroPadding2D, Flatten and Dense layers (channels last).

    Each row holds the input shape, the arithmetic written out, the output shape and
    the parameter count, without the batch axis.
    """
    return trace_layers(model.layers, tuple(int(d) for d in model.inputs[0].shape[1:]))


def layers_and_shape(model_or_layers: Any, input_shape: Any = None) -> tuple[list, tuple[int, int, int]]:
    """The layers to trace and the input (height, width, channels) they read: a Keras
    model's own, or a sequence of layers with ``input_shape`` ((height, width) or
    (height, width, channels); one channel unless said)."""
    if hasattr(model_or_layers, "inputs") and hasattr(model_or_layers, "layers"):
        if input_shape is not None:
            raise ValueError("input_shape is not allowed with a model: the model's own input shape is used")
        return list(model_or_layers.layers), tuple(int(d) for d in model_or_layers.inputs[0].shape[1:])
    if input_shape is None:
        raise ValueError(
            "input_shape=None is not allowed with a list of layers: give (height, width) or "
            "(height, width, channels), since 'same' padding depends on the size"
        )
    if isinstance(input_shape, (tuple, list)) and len(input_shape) == 3:
        shape = tuple(input_shape)
    else:
        shape = (*_as_pair(input_shape, "input_shape"), 1)
    return list(model_or_layers), tuple(_check_positive_int(v, "input_shape") for v in shape)


def trace_layers(layers: Any, shape: tuple[int, ...]) -> Explanation:
    """explain() for a sequence of layers (built or not) on an input of the given shape
    (height, width, channels)."""
    trace = Explanation()
    for layer in layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        step = _STEPS.get(kind)
        if step is None:
            raise ValueError(
                f"layer {layer.name!r} is a {kind}, which explain() does not support; "
                f"supported: {', '.join(SUPPORTED_LAYERS)}"
            )
        config = layer.get_config()
        if config.get("data_format", "channels_last") != "channels_last":
            raise ValueError(
                f"layer {layer.name!r} uses data_format={config['data_format']!r}; "
                "explain() supports 'channels_last' only"
            )
        arithmetic, out_shape, params, axes = step(shape, config)
        flops = _flops(kind, shape, out_shape, config)
        trace.append(LayerTrace(layer.name, kind, shape, arithmetic, out_shape, params, flops, axes))
        shape = out_shape
    return trace


def _conv(shape, config):
    (h, w, channels) = shape
    kh, kw = _as_pair(config["kernel_size"], "kernel_size")
    filters = config["filters"]
    ah, aw = conv_arithmetic_2d(
        (h, w),
        (kh, kw),
        _as_pair(config["strides"], "strides"),
        config["padding"],
        _as_pair(config["dilation_rate"], "dilation_rate"),
    )
    groups = config.get("groups", 1)
    weights = kh * kw * (channels // groups) * filters
    bias = filters if config.get("use_bias", True) else 0
    text = f"{describe_axes(ah, aw)}; params {kh}·{kw}·{channels // groups}·{filters}"
    text += f" + {bias}" if bias else ""
    return text, (ah.output, aw.output, filters), weights + bias, (ah, aw)


def _pool(shape, config):
    (h, w, channels) = shape
    ph, pw = _as_pair(config["pool_size"], "pool_size")
    strides = config["strides"]
    sh, sw = (ph, pw) if strides is None else _as_pair(strides, "strides")
    ah = pool_arithmetic(h, ph, sh, config["padding"])
    aw = pool_arithmetic(w, pw, sw, config["padding"])
    text = f"pool {ph}×{pw}, {describe_axes(ah, aw)}"
    return text, (ah.output, aw.output, channels), 0, (ah, aw)


def _zero_padding(shape, config):
    (h, w, channels) = shape
    (top, bottom), (left, right) = config["padding"]
    out = (h + top + bottom, w + left + right, channels)
    text = f"{h} + {top} + {bottom} = {out[0]} rows, {w} + {left} + {right} = {out[1]} columns"
    # A 1×1 identity window with explicit padding: the same arithmetic as a convolution.
    axes = (conv_arithmetic(h, 1, 1, (top, bottom)), conv_arithmetic(w, 1, 1, (left, right)))
    return text, out, 0, axes


def _flatten(shape, config):
    size = math.prod(shape)
    return " × ".join(str(d) for d in shape) + f" = {size}", (size,), 0, None


def _dense(shape, config):
    if len(shape) != 1:
        raise ValueError(f"explain() supports Dense on flat input only, got a {_shape(shape)} input")
    units = config["units"]
    bias = units if config.get("use_bias", True) else 0
    text = f"params {shape[0]}·{units}" + (f" + {bias}" if bias else "")
    return text, (units,), shape[0] * units + bias, None


def _flops(kind: str, shape, out_shape, config) -> int:
    if kind == "Conv2D":
        kh, kw = _as_pair(config["kernel_size"], "kernel_size")
        per_output = kh * kw * (shape[-1] // config.get("groups", 1))
        return 2 * per_output * math.prod(out_shape)
    if kind == "Dense":
        return 2 * shape[0] * config["units"]
    return 0


_STEPS = {
    "Conv2D": _conv,
    "MaxPooling2D": _pool,
    "AveragePooling2D": _pool,
    "ZeroPadding2D": _zero_padding,
    "Flatten": _flatten,
    "Dense": _dense,
}
