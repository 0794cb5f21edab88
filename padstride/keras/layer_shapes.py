"""What one call of a Keras layer does to shapes, from the layer's settings alone.

For each supported layer: the output shape, the parameter count, the FLOPs (2 per
multiply-add) and the arithmetic written out with its numbers; for the layers that slide
a window or add or remove pixels, the arithmetic of each spatial axis too (the
receptive-field recurrence reads it). Pure Python: the settings come from
``layer.get_config()``; shapes leave out the batch axis.

>>> step = layer_step("Conv2D", {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}, [(28, 28, 1)])
>>> step.output_shape, step.params, step.flops
((14, 14, 8), 80, 28224)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import checks
from ..conv.arithmetic import (
    MINUS,
    TIMES,
    AxisArithmetic,
    conv_arithmetic,
    conv_arithmetic_2d,
    depthwise_arithmetic_2d,
    describe_axes,
    effective_kernel_size,
    pool_arithmetic,
)
from ..conv.transpose import conv_transpose_output_size
from ..text import one_if_same
from .layer_kinds import JOIN_LAYERS, MERGE_LAYERS, SUPPORTED_LAYERS, axes_of

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Step:
    """One layer call: output shape, parameters, FLOPs (2 per multiply-add), the
    arithmetic as text, and for layers that move pixels the (height, width) arithmetic
    and ``formula``, the part of the text that gives the output size."""

    output_shape: Shape
    params: int
    flops: int
    arithmetic: str
    axes: tuple[AxisArithmetic, AxisArithmetic] | None = None
    formula: str = ""


def shape_text(shape: Sequence[Any]) -> str:
    """28×28×1; unknown sizes as ?.

    >>> shape_text((28, 28, 1))
    '28×28×1'
    """
    return TIMES.join("?" if d is None else str(d) for d in shape)


def layer_step(kind: str, config: dict, input_shapes: Sequence[Shape], name: str = "layer") -> Step:
    """The Step of a layer of class ``kind`` with ``config`` (from ``get_config()``) called on
    inputs of ``input_shapes`` (without the batch axis). Layers outside SUPPORTED_LAYERS,
    and shapes Keras would refuse, raise a ValueError that names the layer."""
    rule = _RULES.get(kind)
    if rule is None:
        raise ValueError(
            f"layer {name!r} is a {kind}, which is not supported; supported: {', '.join(SUPPORTED_LAYERS[1:])}"
        )
    if config.get("data_format", "channels_last") != "channels_last":
        raise ValueError(
            f"layer {name!r} uses data_format={config['data_format']!r}: only 'channels_last' is supported"
        )
    shapes = [tuple(int(d) for d in shape) for shape in input_shapes]
    if kind not in JOIN_LAYERS and len(shapes) != 1:
        raise ValueError(f"layer {name!r} ({kind}) is called on {len(shapes)} inputs; it takes one")
    return rule(config, shapes, name)


def _image(shapes: list[Shape], name: str, kind: str) -> Shape:
    (shape,) = shapes
    if len(shape) != 3:
        raise ValueError(
            f"layer {name!r} ({kind}) needs (height, width, channels) input, got {shape_text(shape)}"
        )
    return shape


def _bias(config: dict, count: int) -> int:
    return count if config.get("use_bias", True) else 0


def _plus(bias: int) -> str:
    return f" + {bias}" if bias else ""


def _window(
    config: dict, shape: Shape, name: str, arithmetic: Callable = conv_arithmetic_2d
) -> tuple[AxisArithmetic, AxisArithmetic]:
    """The window arithmetic of a layer; ``arithmetic`` is depthwise_arithmetic_2d for the
    depthwise layers, which take a stride and a dilation together."""
    (h, w, _) = shape
    strides = checks.positive_pair(config.get("strides", 1), "strides")
    dilation = checks.positive_pair(config.get("dilation_rate", 1), "dilation_rate")
    kernel = checks.positive_pair(config["kernel_size"], "kernel_size")
    try:
        return arithmetic((h, w), kernel, strides, checks.padding_word(config["padding"]), dilation)
    except ValueError as error:
        raise ValueError(f"layer {name!r}: {error}") from None


def _conv(config, shapes, name):
    shape = _image(shapes, name, "Conv2D")
    ah, aw = _window(config, shape, name)
    kh, kw = ah.kernel_size, aw.kernel_size
    filters = checks.positive_int(config["filters"], "filters")
    groups = checks.positive_int(config.get("groups", 1), "groups")
    channels = shape[2]
    if channels % groups or filters % groups:
        raise ValueError(
            f"layer {name!r}: {channels} input channels and {filters} filters in {groups} groups"
        )
    per_group = channels // groups
    bias = _bias(config, filters)
    out = (ah.output, aw.output, filters)
    text = f"{describe_axes(ah, aw)}; params {kh}·{kw}·{per_group}·{filters}{_plus(bias)}"
    flops = 2 * kh * kw * per_group * math.prod(out)
    return Step(out, kh * kw * per_group * filters + bias, flops, text, (ah, aw), describe_axes(ah, aw))


def _depthwise(config, shapes, name):
    shape = _image(shapes, name, "DepthwiseConv2D")
    ah, aw = _window(config, shape, name, depthwise_arithmetic_2d)
    kh, kw = ah.kernel_size, aw.kernel_size
    multiplier = checks.positive_int(config.get("depth_multiplier", 1), "depth_multiplier")
    channels = shape[2] * multiplier
    bias = _bias(config, channels)
    out = (ah.output, aw.output, channels)
    text = f"{describe_axes(ah, aw)}; params {kh}·{kw}·{shape[2]}·{multiplier}{_plus(bias)}"
    flops = 2 * kh * kw * math.prod(out)
    return Step(out, kh * kw * channels + bias, flops, text, (ah, aw), describe_axes(ah, aw))


def _separable(config, shapes, name):
    shape = _image(shapes, name, "SeparableConv2D")
    ah, aw = _window(config, shape, name, depthwise_arithmetic_2d)
    kh, kw = ah.kernel_size, aw.kernel_size
    multiplier = checks.positive_int(config.get("depth_multiplier", 1), "depth_multiplier")
    filters = checks.positive_int(config["filters"], "filters")
    middle = shape[2] * multiplier
    bias = _bias(config, filters)
    out = (ah.output, aw.output, filters)
    params = kh * kw * middle + middle * filters + bias
    text = (
        f"{describe_axes(ah, aw)}; params {kh}·{kw}·{shape[2]}·{multiplier} + {middle}·{filters}{_plus(bias)}"
    )
    flops = 2 * (kh * kw * middle + middle * filters) * ah.output * aw.output
    return Step(out, params, flops, text, (ah, aw), describe_axes(ah, aw))


def _transpose(config, shapes, name):
    (h, w, channels) = _image(shapes, name, "Conv2DTranspose")
    kernel = checks.positive_pair(config["kernel_size"], "kernel_size")
    strides = checks.positive_pair(config.get("strides", 1), "strides")
    dilation = checks.positive_pair(config.get("dilation_rate", 1), "dilation_rate")
    output_padding = config.get("output_padding")
    pads = (None, None) if output_padding is None else checks.pair(output_padding, "output_padding")
    padding = checks.padding_word(config["padding"])
    filters = checks.positive_int(config["filters"], "filters")
    texts, sizes = [], []
    for n, k, s, op, d in zip((h, w), kernel, strides, pads, dilation):
        try:
            out = conv_transpose_output_size(n, k, s, padding, op, d)
        except ValueError as error:
            raise ValueError(f"layer {name!r}: {error}") from None
        eff = effective_kernel_size(k, d)
        if padding == "same" and op is None:
            texts.append(f"{n}·{s} = {out}")
        elif padding == "same":
            texts.append(f"({n} {MINUS} 1)·{s} + {eff} mod 2 + {op} = {out}")
        else:
            extra = max(eff, s) - eff if op is None else op
            texts.append(f"({n} {MINUS} 1)·{s} + {eff} + {extra} = {out}")
        sizes.append(out)
    formula = texts[0] if texts[0] == texts[1] else f"height {texts[0]}; width {texts[1]}"
    stride = one_if_same(strides)
    bias = _bias(config, filters)
    kh, kw = kernel
    formula = f"transposed {padding}, stride {stride}: {formula}"
    text = f"{formula}; params {kh}·{kw}·{channels}·{filters}{_plus(bias)}"
    flops = 2 * kh * kw * channels * filters * h * w  # every input pixel spreads a kernel
    return Step((*sizes, filters), kh * kw * channels * filters + bias, flops, text, formula=formula)


def _pool(config, shapes, name):
    (h, w, channels) = _image(shapes, name, "pooling")
    ph, pw = checks.positive_pair(config["pool_size"], "pool_size")
    strides = config.get("strides")
    sh, sw = (ph, pw) if strides is None else checks.positive_pair(strides, "strides")
    try:
        ah = pool_arithmetic(h, ph, sh, config["padding"])
        aw = pool_arithmetic(w, pw, sw, config["padding"])
    except ValueError as error:
        raise ValueError(f"layer {name!r}: {error}") from None
    text = f"pool {ph}{TIMES}{pw}, {describe_axes(ah, aw)}"
    return Step((ah.output, aw.output, channels), 0, 0, text, (ah, aw), text)


def _global_pool(word: str) -> Callable:
    def rule(config, shapes, name):
        (h, w, channels) = _image(shapes, name, "global pooling")
        out = (1, 1, channels) if config.get("keepdims", False) else (channels,)
        text = f"{word} over {h}{TIMES}{w} for each of {channels} channels"
        return Step(out, 0, 0, text, formula=text)

    return rule


def _zero_padding(config, shapes, name):
    (h, w, channels) = _image(shapes, name, "ZeroPadding2D")
    (top, bottom), (left, right) = checks.pixel_padding_2d(config["padding"])
    out = (h + top + bottom, w + left + right, channels)
    text = f"{h} + {top} + {bottom} = {out[0]} rows, {w} + {left} + {right} = {out[1]} columns"
    # A 1×1 window with explicit padding: the arithmetic of a convolution.
    axes = (conv_arithmetic(h, 1, 1, (top, bottom)), conv_arithmetic(w, 1, 1, (left, right)))
    return Step(out, 0, 0, text, axes, text)


def _cropping(config, shapes, name):
    (h, w, channels) = _image(shapes, name, "Cropping2D")
    (top, bottom), (left, right) = checks.pixel_padding_2d(config["cropping"])
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


def _upsampling(config, shapes, name):
    (h, w, channels) = _image(shapes, name, "UpSampling2D")
    fh, fw = checks.positive_pair(config["size"], "size")
    interpolation = config.get("interpolation", "nearest")
    text = f"{h}·{fh} = {h * fh} rows, {w}·{fw} = {w * fw} columns ({interpolation})"
    return Step((h * fh, w * fw, channels), 0, 0, text, formula=text)


def _batch_norm(config, shapes, name):
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


def _layer_norm(config, shapes, name):
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


def _normalization(config, shapes, name):
    (shape,) = shapes
    axis = config.get("axis", -1)
    kept = () if axis is None else axes_of(axis, len(shape), name)
    size = math.prod(shape[a] for a in kept)
    text = "(x " + MINUS + " mean)/√variance"
    if config.get("mean") is not None:  # fixed numbers in the config, no weights
        return Step(shape, 0, 0, text + ", mean and variance given")
    return Step(shape, 2 * size + 1, 0, text + f"; params {size} + {size} + 1 (mean, variance, count)")


def _identity(describe: Callable[[dict], str]) -> Callable:
    def rule(config, shapes, name):
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


def _merge(kind: str) -> Callable:
    symbol = {"Add": "+", "Subtract": MINUS, "Multiply": TIMES}.get(kind)

    def rule(config, shapes, name):
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


def _concatenate(config, shapes, name):
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


def _reshape(config, shapes, name):
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


def _flatten(config, shapes, name):
    (shape,) = shapes
    size = math.prod(shape)
    return Step((size,), 0, 0, " × ".join(str(d) for d in shape) + f" = {size}")


def _dense(config, shapes, name):
    (shape,) = shapes
    units = checks.positive_int(config["units"], "units")
    bias = _bias(config, units)
    inputs = shape[-1]
    text = f"params {inputs}·{units}{_plus(bias)}"
    positions = math.prod(shape[:-1])
    if len(shape) > 1:
        text = f"at each of {shape_text(shape[:-1])} positions; " + text
    return Step((*shape[:-1], units), inputs * units + bias, 2 * inputs * units * positions, text)


_RULES: dict[str, Callable[[dict, list[Shape], str], Step]] = {
    "Conv2D": _conv,
    "DepthwiseConv2D": _depthwise,
    "SeparableConv2D": _separable,
    "Conv2DTranspose": _transpose,
    "MaxPooling2D": _pool,
    "AveragePooling2D": _pool,
    "GlobalAveragePooling2D": _global_pool("average"),
    "GlobalMaxPooling2D": _global_pool("maximum"),
    "ZeroPadding2D": _zero_padding,
    "Cropping2D": _cropping,
    "UpSampling2D": _upsampling,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "Normalization": _normalization,
    "Activation": _identity(lambda c: str(c.get("activation", "linear"))),
    "ReLU": _identity(_relu_text),
    "Softmax": _identity(lambda c: f"softmax over axis {c.get('axis', -1)}"),
    "Dropout": _identity(lambda c: f"rate {c.get('rate', 0):g}, only while training"),
    "Rescaling": _identity(lambda c: f"x·{_number(c.get('scale', 1))} + {_number(c.get('offset', 0))}"),
    "Reshape": _reshape,
    "Flatten": _flatten,
    "Dense": _dense,
    **{kind: _merge(kind) for kind in MERGE_LAYERS},
    "Concatenate": _concatenate,
}
