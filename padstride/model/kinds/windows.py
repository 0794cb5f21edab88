"""The layers whose windows read the map: Conv2D, DepthwiseConv2D, SeparableConv2D,
MaxPooling2D and AveragePooling2D.

>>> step = conv2d_step({"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}, [(28, 28, 1)], "c")
>>> step.output_shape, step.params, step.flops
((14, 14, 8), 80, 28224)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...conv.arithmetic import AxisArithmetic, axes_2d, describe_axes, pool_axis
from ...text import TIMES, pair_text
from .base import LayerKind, Reach, Shape, Step, bias_count, image, pair, plus
from .onnx_parts import OnnxValue, activation, weights
from .spelled import DEPTHWISE_WEIGHT, TF_AVERAGE_POOL, onnx_nodes, torch_sides


def window_axes(config: dict, shape: Shape, name: str) -> tuple[AxisArithmetic, AxisArithmetic]:
    """The (height, width) arithmetic of a convolution's window on a (height, width, …) input."""
    padding = config["padding"].lower()
    settings = (pair(config["kernel_size"]), pair(config.get("strides", 1)), (padding, padding))
    try:
        return axes_2d(shape[:2], *settings, pair(config.get("dilation_rate", 1)))
    except ValueError as error:
        raise ValueError(f"layer {name!r}: {error}") from None


def conv2d_step(config: dict, shapes: list[Shape], name: str) -> Step:
    shape = image(shapes, name, "Conv2D")
    ah, aw = window_axes(config, shape, name)
    kh, kw = ah.kernel_size, aw.kernel_size
    filters, groups, channels = config["filters"], config.get("groups", 1), shape[2]
    if channels % groups or filters % groups:
        raise ValueError(
            f"layer {name!r}: {channels} input channels and {filters} filters in {groups} groups"
        )
    per_group = channels // groups
    bias = bias_count(config, filters)
    out = (ah.output, aw.output, filters)
    text = f"{describe_axes(ah, aw)}; params {kh}·{kw}·{per_group}·{filters}{plus(bias)}"
    flops = 2 * kh * kw * per_group * math.prod(out)
    return Step(out, kh * kw * per_group * filters + bias, flops, text, (ah, aw), describe_axes(ah, aw))


def depthwise_step(config: dict, shapes: list[Shape], name: str) -> Step:
    shape = image(shapes, name, "DepthwiseConv2D")
    ah, aw = window_axes(config, shape, name)
    kh, kw = ah.kernel_size, aw.kernel_size
    multiplier = config.get("depth_multiplier", 1)
    channels = shape[2] * multiplier
    bias = bias_count(config, channels)
    out = (ah.output, aw.output, channels)
    text = f"{describe_axes(ah, aw)}; params {kh}·{kw}·{shape[2]}·{multiplier}{plus(bias)}"
    flops = 2 * kh * kw * math.prod(out)
    return Step(out, kh * kw * channels + bias, flops, text, (ah, aw), describe_axes(ah, aw))


def separable_step(config: dict, shapes: list[Shape], name: str) -> Step:
    shape = image(shapes, name, "SeparableConv2D")
    ah, aw = window_axes(config, shape, name)
    kh, kw = ah.kernel_size, aw.kernel_size
    multiplier, filters = config.get("depth_multiplier", 1), config["filters"]
    middle = shape[2] * multiplier
    bias = bias_count(config, filters)
    out = (ah.output, aw.output, filters)
    params = kh * kw * middle + middle * filters + bias
    text = (
        f"{describe_axes(ah, aw)}; params {kh}·{kw}·{shape[2]}·{multiplier} + {middle}·{filters}{plus(bias)}"
    )
    flops = 2 * (kh * kw * middle + middle * filters) * ah.output * aw.output
    return Step(out, params, flops, text, (ah, aw), describe_axes(ah, aw))


def pool_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (h, w, channels) = image(shapes, name, "pooling")
    ph, pw = pair(config["pool_size"])
    strides = config.get("strides")
    sh, sw = (ph, pw) if strides is None else pair(strides)
    try:
        ah = pool_axis(h, ph, sh, config["padding"])
        aw = pool_axis(w, pw, sw, config["padding"])
    except ValueError as error:
        raise ValueError(f"layer {name!r}: {error}") from None
    text = f"pool {ph}{TIMES}{pw}, {describe_axes(ah, aw)}"
    return Step((ah.output, aw.output, channels), 0, 0, text, (ah, aw), text)


# --- ONNX nodes ------------------------------------------------------------------------


def window_attributes(row: Any, open_size: bool = False) -> dict[str, Any]:
    """The ONNX Conv, MaxPool and AveragePool attributes of a traced window layer: its
    kernel, strides and TensorFlow's zeros as pads=[top, left, bottom, right], exact for
    this input size; or, for a graph of open size, ONNX's auto_pad, which gives TensorFlow's
    zeros at every size (SAME_UPPER puts the odd zero after, as TensorFlow does)."""
    h, w = row.axes
    attributes: dict[str, Any] = {
        "kernel_shape": [h.kernel_size, w.kernel_size],
        "strides": [h.stride, w.stride],
    }
    if open_size:
        attributes["auto_pad"] = "SAME_UPPER" if h.padding == "same" else "VALID"
    else:
        (top, bottom), (left, right) = row.padding
        attributes["pads"] = [top, left, bottom, right]
    return attributes


def _conv_attributes(row: Any, open_size: bool) -> dict[str, Any]:
    h, w = row.axes
    return {**window_attributes(row, open_size), "dilations": [h.dilation, w.dilation]}


def _depthwise_kernel(kernel: np.ndarray) -> np.ndarray:
    """(kh, kw, in, multiplier) → (in·multiplier, 1, kh, kw); output channel c·multiplier + m,
    as TensorFlow orders them."""
    kh, kw, channels, multiplier = kernel.shape
    return kernel.reshape(kh, kw, channels * multiplier).transpose(2, 0, 1)[:, None]


def _conv2d_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    kernel, *bias = weights(row)
    names = [b.nchw(inputs[0]).name, b.weight(row.layer, "kernel", kernel.transpose(3, 2, 0, 1), row.name)]
    names += [b.weight(row.layer, "bias", bias[0], row.name)] if bias else []
    attributes = _conv_attributes(row, b.open_size)
    out = b.op("Conv", names, row.name, group=row.config.get("groups", 1), **attributes)
    return activation(b, row, OnnxValue(out, row.output_shape, True), row.config["activation"])


def _depthwise_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    kernel, *bias = weights(row)
    names = [b.nchw(inputs[0]).name, b.weight(row.layer, "kernel", _depthwise_kernel(kernel), row.name)]
    names += [b.weight(row.layer, "bias", bias[0], row.name)] if bias else []
    out = b.op("Conv", names, row.name, group=kernel.shape[2], **_conv_attributes(row, b.open_size))
    return activation(b, row, OnnxValue(out, row.output_shape, True), row.config["activation"])


def _separable_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    depthwise, pointwise, *bias = weights(row)
    depthwise_name = b.weight(row.layer, "depthwise_kernel", _depthwise_kernel(depthwise), row.name)
    attributes = _conv_attributes(row, b.open_size)
    middle = b.op(
        "Conv", [b.nchw(inputs[0]).name, depthwise_name], row.name, group=depthwise.shape[2], **attributes
    )
    pointwise_inputs = [
        middle,
        b.weight(row.layer, "pointwise_kernel", pointwise.transpose(3, 2, 0, 1), row.name),
    ]
    if bias:
        pointwise_inputs.append(b.weight(row.layer, "bias", bias[0], row.name))
    out = b.op("Conv", pointwise_inputs, f"{row.name}/pointwise", kernel_shape=[1, 1])
    return activation(b, row, OnnxValue(out, row.output_shape, True), row.config["activation"])


def _max_pool_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    out = b.op("MaxPool", [b.nchw(inputs[0]).name], row.name, **window_attributes(row, b.open_size))
    return OnnxValue(out, row.output_shape, True)


def _average_pool_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    # TensorFlow's "same" average divides by the pixels inside the image, not the window.
    attributes = window_attributes(row, b.open_size)
    out = b.op("AveragePool", [b.nchw(inputs[0]).name], row.name, count_include_pad=0, **attributes)
    return OnnxValue(out, row.output_shape, True)


# --- what port prints ---------------------------------------------------------------------


def _conv_inputs(row: Any, weight: str = "W") -> list[str]:
    return ["x", weight] + (["B"] if row.config.get("use_bias", True) else [])


def _conv2d_onnx_text(row: Any) -> str:
    groups = row.config.get("groups", 1)
    extra = {"group": groups} if groups > 1 else {}
    return onnx_nodes(("Conv", _conv_inputs(row), "y", {**_spelled_window(row), **extra}))


def _spelled_window(row: Any) -> dict[str, Any]:
    """The attributes port spells: dilations only where the kernel is dilated."""
    attributes = window_attributes(row)
    h, w = row.axes
    if (h.dilation, w.dilation) != (1, 1):
        attributes["dilations"] = [h.dilation, w.dilation]
    return attributes


def _depthwise_onnx_text(row: Any) -> str:
    attributes = {**_spelled_window(row), "group": row.input_shape[-1]}
    return onnx_nodes(("Conv", _conv_inputs(row), "y", attributes))


def _separable_onnx_text(row: Any) -> str:
    depthwise = (
        "Conv",
        ["x", "W_depthwise"],
        "x_depthwise",
        {**_spelled_window(row), "group": row.input_shape[-1]},
    )
    inputs = ["x_depthwise", "W_pointwise"] + (["B"] if row.config.get("use_bias", True) else [])
    return onnx_nodes(depthwise, ("Conv", inputs, "y", {"kernel_shape": [1, 1]}))


def _max_pool_onnx_text(row: Any) -> str:
    return onnx_nodes(("MaxPool", ["x"], "y", window_attributes(row)))


def _average_pool_onnx_text(row: Any) -> str:
    return onnx_nodes(("AveragePool", ["x"], "y", {**window_attributes(row), "count_include_pad": 0}))


def _torch_window(row: Any) -> tuple[str, str, bool]:
    """The kernel, PyTorch's options (stride, symmetric padding, dilation), and whether the
    zeros are symmetric (else they go in a pad layer before, with padding=0)."""
    (top, bottom), (left, right) = row.padding
    h, w = row.axes
    symmetric = top == bottom and left == right
    padding = (top, left) if symmetric else (0, 0)
    options = f"stride={pair_text((h.stride, w.stride), str)}, padding={pair_text(padding, str)}"
    if (h.dilation, w.dilation) != (1, 1):
        options += f", dilation={pair_text((h.dilation, w.dilation), str)}"
    return pair_text((h.kernel_size, w.kernel_size), str), options, symmetric


def _conv2d_torch_text(row: Any) -> str:
    k, options, symmetric = _torch_window(row)
    config, channels = row.config, row.input_shape[-1]
    bias = "" if config.get("use_bias", True) else ", bias=False"
    groups = config.get("groups", 1)
    layer = f"nn.Conv2d({channels}, {config['filters']}, {k}, {options}"
    layer += (f", groups={groups}" if groups > 1 else "") + f"{bias})"
    return layer if symmetric else f"nn.Sequential(nn.ZeroPad2d({torch_sides(row)}), {layer})"


def _depthwise_torch_layer(row: Any, use_bias: bool) -> str:
    k, options, _ = _torch_window(row)
    channels, multiplier = row.input_shape[-1], row.config.get("depth_multiplier", 1)
    layer = f"nn.Conv2d({channels}, {channels * multiplier}, {k}, {options}, groups={channels})"
    return layer if use_bias else layer[:-1] + ", bias=False)"


def _depthwise_torch_text(row: Any) -> str:
    layer = _depthwise_torch_layer(row, row.config.get("use_bias", True))
    return layer if _torch_window(row)[2] else f"nn.Sequential(nn.ZeroPad2d({torch_sides(row)}), {layer})"


def _separable_torch_text(row: Any) -> str:
    config, channels = row.config, row.input_shape[-1]
    bias = "" if config.get("use_bias", True) else ", bias=False"
    layer = _depthwise_torch_layer(row, use_bias=False)
    pointwise = f"nn.Conv2d({channels * config.get('depth_multiplier', 1)}, {config['filters']}, 1{bias})"
    before = "" if _torch_window(row)[2] else f"nn.ZeroPad2d({torch_sides(row)}), "
    return f"nn.Sequential({before}{layer}, {pointwise})"


def _max_pool_torch_text(row: Any) -> str:
    k, options, symmetric = _torch_window(row)
    layer = f"nn.MaxPool2d({k}, {options})"
    before = f'nn.ConstantPad2d({torch_sides(row)}, float("-inf"))'
    return layer if symmetric else f"nn.Sequential({before}, {layer})"


def _average_pool_torch_text(row: Any) -> str:
    k, options, symmetric = _torch_window(row)
    if symmetric:
        exclude = ", count_include_pad=False" if row.padding != ((0, 0), (0, 0)) else ""
        return f"nn.AvgPool2d({k}, {options}{exclude})"
    # TensorFlow divides by the pixels inside the image: a module of the preamble pads,
    # averages, and divides by the share of each window that lies inside.
    strides = pair_text(tuple(a.stride for a in row.axes), str)
    return f"{TF_AVERAGE_POOL}({k}, {strides}, {torch_sides(row)})"


def _convolution(name: str, shape, onnx, onnx_text, torch_text, port_notes=None) -> LayerKind:
    spellings = {"onnx": onnx_text, "torch": torch_text}
    return LayerKind(
        name, shape, Reach.WINDOW, onnx, spellings, "kernel", "kernel_size", port_notes=port_notes
    )


def _pooling(name: str, onnx, onnx_text, torch_text) -> LayerKind:
    spellings = {"onnx": onnx_text, "torch": torch_text}
    return LayerKind(name, pool_step, Reach.WINDOW, onnx, spellings, "pool", "pool_size")


ENTRIES = (
    _convolution("Conv2D", conv2d_step, _conv2d_onnx, _conv2d_onnx_text, _conv2d_torch_text),
    _convolution(
        "DepthwiseConv2D",
        depthwise_step,
        _depthwise_onnx,
        _depthwise_onnx_text,
        _depthwise_torch_text,
        {"torch": DEPTHWISE_WEIGHT},
    ),
    _convolution(
        "SeparableConv2D",
        separable_step,
        _separable_onnx,
        _separable_onnx_text,
        _separable_torch_text,
        {"torch": DEPTHWISE_WEIGHT},
    ),
    _pooling("MaxPooling2D", _max_pool_onnx, _max_pool_onnx_text, _max_pool_torch_text),
    _pooling("AveragePooling2D", _average_pool_onnx, _average_pool_onnx_text, _average_pool_torch_text),
)
