"""The layers that make a map larger: Conv2DTranspose (each input pixel spreads its kernel
over the output) and UpSampling2D (each pixel repeated).

>>> transpose_step({"filters": 1, "kernel_size": 3, "strides": 2, "padding": "same"}, [(14, 14, 1)], "t").output_shape
(28, 28, 1)
"""

from __future__ import annotations

from typing import Any

from ...conv.arithmetic import effective_kernel_size
from ...conv.transpose import conv_transpose_output_size
from ...text import MINUS, one_if_same
from .base import LayerKind, Reach, Shape, Step, bias_count, image, pair, plus, refuse
from .onnx_parts import OnnxValue

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


ENTRIES = (
    LayerKind("Conv2DTranspose", transpose_step, Reach.SPREAD, unfollowed=UPSAMPLED),
    LayerKind("UpSampling2D", upsampling_step, Reach.REPEAT, _upsampling_onnx, unfollowed=UPSAMPLED),
)
