"""The layers that make a map larger: Conv2DTranspose (each input pixel spreads its kernel
over the output) and UpSampling2D (each pixel repeated).

>>> transpose_step({"filters": 1, "kernel_size": 3, "strides": 2, "padding": "same"}, [(14, 14, 1)], "t").output_shape
(28, 28, 1)
"""

from __future__ import annotations

from typing import Any

from ...conv.arithmetic import axis_arithmetic, effective_kernel_size
from ...conv.transpose import conv_transpose_output_size
from ...text import MINUS, one_if_same, pair_text
from .base import LayerKind, Reach, Shape, Step, bias_count, image, pair, plus, refuse
from .onnx_parts import OnnxValue, activation, weights
from .spelled import onnx_nodes

UPSAMPLED = "an upsampled pixel's field is not one size, jump and start"


def transpose_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (h, w, channels) = image(shapes, name, "Conv2DTranspose")
    kernel, strides = pair(config["kernel_size"]), pair(config.get("strides", 1))
    dilation = pair(config.get("dilation_rate", 1))
    output_padding = config.get("output_padding")
    pads = (None, None) if output_padding is None else pair(output_padding)
    padding, filters = config["padding"].lower(), config["filters"]
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
    bias = bias_count(config, filters)
    kh, kw = kernel
    formula = f"transposed {padding}, stride {one_if_same(strides)}: {formula}"
    text = f"{formula}; params {kh}·{kw}·{channels}·{filters}{plus(bias)}"
    flops = 2 * kh * kw * channels * filters * h * w  # every input pixel spreads a kernel
    return Step((*sizes, filters), kh * kw * channels * filters + bias, flops, text, formula=formula)


def upsampling_step(config: dict, shapes: list[Shape], name: str) -> Step:
    (h, w, channels) = image(shapes, name, "UpSampling2D")
    fh, fw = pair(config["size"])
    interpolation = config.get("interpolation", "nearest")
    text = f"{h}·{fh} = {h * fh} rows, {w}·{fw} = {w * fw} columns ({interpolation})"
    return Step((h * fh, w * fw, channels), 0, 0, text, formula=text)


def _upsampling_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    interpolation = row.config.get("interpolation", "nearest")
    if interpolation != "nearest":
        raise refuse(row, "interpolation", interpolation, "'nearest'")
    fh, fw = (row.output_shape[i] // row.input_shape[i] for i in (0, 1))
    scales = b.constant([1.0, 1.0, fh, fw], f"{row.name}/scales")
    # Output pixel i reads input pixel floor(i / factor): each pixel repeated, as Keras does.
    out = b.op(
        "Resize",
        [b.nchw(inputs[0]).name, "", scales],
        row.name,
        mode="nearest",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="floor",
    )
    return OnnxValue(out, row.output_shape, True)


def transpose_zeros(row: Any) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Per axis (height, width), TensorFlow's transposed convolution as ONNX's ConvTranspose
    writes it: (zeros cropped before, zeros cropped after, output_padding). TensorFlow runs
    the gradient of a convolution on the output size with the same padding; its zeros are
    the pads, and output_padding adds what that convolution left unread at the end.

    >>> from padstride.model.explain import explain
    >>> from keras import layers
    >>> (row,) = explain([layers.Conv2DTranspose(1, 3, strides=2, padding="same")], (4, 4))
    >>> transpose_zeros(row)  # 4 → 8: the full 9 cropped by 0 before, 1 after
    ((0, 1, 0), (0, 1, 0))
    """
    config = row.config
    kernel, strides = pair(config["kernel_size"]), pair(config.get("strides", 1))
    dilation = pair(config.get("dilation_rate", 1))
    zeros = []
    for n_in, n_out, k, s, d in zip(row.input_shape[:2], row.output_shape[:2], kernel, strides, dilation):
        before = after = 0
        if config["padding"].lower() == "same":
            forward = axis_arithmetic(n_out, k, s, "same", d)
            before, after = forward.pad_before, forward.pad_after
        full = (n_in - 1) * s + (k - 1) * d + 1
        zeros.append((before, after, n_out - (full - before - after)))
    return tuple(zeros)


def _transpose_onnx(b: Any, row: Any, inputs: list[OnnxValue]) -> OnnxValue:
    if b.open_size and row.config.get("output_padding") is not None:
        raise refuse(row, "output_padding", row.config["output_padding"], "None in a graph of open size")
    kernel, *bias = weights(row)
    (top, bottom, out_h), (left, right, out_w) = transpose_zeros(row)
    names = [b.nchw(inputs[0]).name, b.weight(row.layer, "kernel", kernel.transpose(3, 2, 0, 1), row.name)]
    names += [b.weight(row.layer, "bias", bias[0], row.name)] if bias else []
    out = b.op("ConvTranspose", names, row.name, **_transpose_attributes(row))
    return activation(b, row, OnnxValue(out, row.output_shape, True), row.config["activation"])


def _transpose_attributes(row: Any) -> dict[str, Any]:
    config = row.config
    (top, bottom, out_h), (left, right, out_w) = transpose_zeros(row)
    return {
        "kernel_shape": list(pair(config["kernel_size"])),
        "strides": list(pair(config.get("strides", 1))),
        "pads": [top, left, bottom, right],
        "output_padding": [out_h, out_w],
        "dilations": list(pair(config.get("dilation_rate", 1))),
    }


def _transpose_onnx_text(row: Any) -> str:
    inputs = ["x", "W"] + (["B"] if row.config.get("use_bias", True) else [])
    return onnx_nodes(("ConvTranspose", inputs, "y", _transpose_attributes(row)))


def _transpose_torch_text(row: Any) -> str:
    """PyTorch's ConvTranspose2d crops ``padding`` on both sides: where TensorFlow crops one
    more at the end, it adds output_padding one less, or, where that would be below 0, a
    ZeroPad2d after it crops the last row or column."""
    config = row.config
    zeros = transpose_zeros(row)
    padding = tuple(before for before, _, _ in zeros)
    output_padding = tuple(extra - (after - before) for before, after, extra in zeros)
    crop = tuple(min(extra, 0) for extra in output_padding)
    output_padding = tuple(max(extra, 0) for extra in output_padding)
    options = (
        f"stride={pair_text(pair(config.get('strides', 1)), str)}, padding={pair_text(padding, str)}"
        f", output_padding={pair_text(output_padding, str)}"
    )
    if pair(config.get("dilation_rate", 1)) != (1, 1):
        options += f", dilation={pair_text(pair(config['dilation_rate']), str)}"
    bias = "" if config.get("use_bias", True) else ", bias=False"
    kernel = pair_text(pair(config["kernel_size"]), str)
    layer = f"nn.ConvTranspose2d({row.input_shape[-1]}, {config['filters']}, {kernel}, {options}{bias})"
    if crop == (0, 0):
        return layer
    return f"nn.Sequential({layer}, nn.ZeroPad2d((0, {crop[1]}, 0, {crop[0]})))"


def _along(value: Any, axis: int, other: Any) -> tuple[Any, Any]:
    """A (height, width) setting kept along ``axis`` and set to ``other`` along the other."""
    kept = pair(value)[axis]
    return (kept, other) if axis == 0 else (other, kept)


def _transpose_probe(config: dict, axis: int) -> dict:
    output_padding = config.get("output_padding")
    return {
        **config,
        "filters": 1,
        "kernel_size": _along(config["kernel_size"], axis, 1),
        "strides": _along(config.get("strides", 1), axis, 1),
        "dilation_rate": _along(config.get("dilation_rate", 1), axis, 1),
        "output_padding": None if output_padding is None else _along(output_padding, axis, 0),
        "use_bias": False,
        "activation": "linear",
        "kernel_initializer": "ones",
    }


def _upsampling_probe(config: dict, axis: int) -> dict:
    return {**config, "size": _along(config["size"], axis, 1)}


ENTRIES = (
    LayerKind(
        "Conv2DTranspose",
        transpose_step,
        Reach.SPREAD,
        _transpose_onnx,
        {"onnx": _transpose_onnx_text, "torch": _transpose_torch_text},
        "kernel",
        "kernel_size",
        unfollowed=UPSAMPLED,
        probe=_transpose_probe,
    ),
    LayerKind(
        "UpSampling2D",
        upsampling_step,
        Reach.RESAMPLE,
        _upsampling_onnx,
        unfollowed=UPSAMPLED,
        probe=_upsampling_probe,
    ),
)
