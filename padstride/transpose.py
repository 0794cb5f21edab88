"""Transposed convolution sizes, and how far they undo a convolution.

Pure Python, like ``arithmetic``. A strided convolution maps several input sizes to one
output size (28 and 27 both give 14 at stride 2), so no rule can always lead back:
Conv2DTranspose gives one of them, and ``output_padding`` chooses which.

>>> conv_transpose_output_size(14, 3, strides=2, padding="same")
28
>>> conv_input_sizes(14, 3, strides=2, padding="same")
range(27, 29)
>>> output_padding_for(27, 3, strides=2, padding="same")
0
"""

from __future__ import annotations

from .arithmetic import (
    IntOrPair,
    Padding,
    _as_pair,
    _check_pad_amount,
    _check_positive_int,
    _check_stride_dilation,
    _checked_axis,
    _parse_axis_padding,
    _wants_2d,
    conv_arithmetic,
)


def _transpose_padding(padding: object) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(
            f"padding={padding!r} is not allowed: Conv2DTranspose takes 'valid' or 'same' (any case)"
        )
    return padding.lower()


def _transpose_axis(n: int, k: int, s: int, padding: str, output_padding: int | None, d: int) -> int:
    n, k, s, d = _checked_axis(n, k, s, d)
    word = _transpose_padding(padding)
    eff = (k - 1) * d + 1
    if output_padding is not None:
        op = _check_pad_amount(output_padding, "output_padding")
        if op >= s:
            raise ValueError(
                f"output_padding={op} is not allowed with stride {s}: Keras needs output_padding < stride"
            )
    if word == "valid":
        extra = max(eff, s) - eff if output_padding is None else op
        return (n - 1) * s + eff + extra
    if output_padding is None:
        return n * s
    out = (n - 1) * s + eff % 2 + op
    if -(-out // s) != n:
        allowed = {1: "", 2: "1 or "}.get(s, f"1 to {s - 1} or ")
        # Keras computes this size, but TensorFlow refuses to run it: a "same"
        # convolution of `out` pixels would not give back n.
        raise ValueError(
            f"output_padding={op} is not allowed with an even kernel span ({eff}) and "
            f'padding="same": the output would be {out}, and a "same" convolution of {out} at '
            f"stride {s} gives {-(-out // s)}, not {n}, so TensorFlow refuses it; use {allowed}None"
        )
    return out


def conv_transpose_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: str = "valid",
    output_padding: IntOrPair | None = None,
    dilation_rate: IntOrPair = 1,
) -> int | tuple[int, int]:
    """Output size of Keras' Conv2DTranspose.

    valid: (n − 1)·s + k_eff + output_padding, where output_padding defaults to
    max(k_eff, s) − k_eff; same: n·s, or (n − 1)·s + (k_eff mod 2) + output_padding.
    Pairs mean (height, width).

    >>> conv_transpose_output_size(5, 3, strides=2)
    11
    >>> conv_transpose_output_size(5, 3, strides=2, padding="same", output_padding=1)
    10
    >>> conv_transpose_output_size((7, 7), 2, strides=2)
    (14, 14)
    """
    if _wants_2d(size, kernel_size, strides, dilation_rate, output_padding):
        names = ("size", "kernel_size", "strides", "output_padding", "dilation_rate")
        values = (size, kernel_size, strides, output_padding, dilation_rate)
        sizes, kernels, strides, pads, dilations = (_as_pair(v, name) for v, name in zip(values, names))
        _check_stride_dilation(
            tuple(_check_positive_int(v, "strides") for v in strides),
            tuple(_check_positive_int(v, "dilation_rate") for v in dilations),
        )
        return tuple(
            _transpose_axis(n, k, s, padding, op, d)
            for n, k, s, op, d in zip(sizes, kernels, strides, pads, dilations)
        )
    return _transpose_axis(size, kernel_size, strides, padding, output_padding, dilation_rate)


def conv_input_sizes(
    output: int, kernel_size: int, strides: int = 1, padding: Padding = "valid", dilation_rate: int = 1
) -> range:
    """Every input size that a convolution turns into ``output`` (one axis).

    There are ``strides`` of them (fewer only where sizes would drop below 1): a
    convolution is undone exactly only at stride 1.

    >>> conv_input_sizes(13, 3, strides=2)
    range(27, 29)
    >>> conv_input_sizes(28, 3, padding="same")
    range(28, 29)
    """
    m, k, s, d = _checked_axis(output, kernel_size, strides, dilation_rate, size_name="output")
    pad = _parse_axis_padding(padding)
    if pad == "same":
        return range((m - 1) * s + 1, m * s + 1)
    before, after = (0, 0) if pad == "valid" else pad
    lowest = (m - 1) * s + (k - 1) * d + 1 - before - after
    return range(max(lowest, 1), lowest + s)


def output_padding_for(
    size: int, kernel_size: int, strides: int = 1, padding: str = "valid", dilation_rate: int = 1
) -> int | None:
    """The ``output_padding`` with which Conv2DTranspose gives back ``size`` after a
    Conv2D of the same settings shrank it; None where Keras' default already does.

    >>> output_padding_for(28, 3, strides=2)  # 28 → 13 → 27 by default, 28 with 1
    1
    >>> output_padding_for(28, 3, strides=2, padding="same") is None  # 28 → 14 → 28
    True
    """
    n = _check_positive_int(size, "size")
    word = _transpose_padding(padding)
    m = conv_arithmetic(n, kernel_size, strides, word, dilation_rate).output
    if conv_transpose_output_size(m, kernel_size, strides, word, None, dilation_rate) == n:
        return None
    for op in range(strides):
        try:
            if conv_transpose_output_size(m, kernel_size, strides, word, op, dilation_rate) == n:
                return op
        except ValueError:
            continue
    raise AssertionError(f"no output_padding leads back to {n}")  # conv_input_sizes says one exists
