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

from .. import arguments
from ..text import MINUS
from .arithmetic import IntOrPair, Padding, ceil_div, conv_arithmetic, effective_kernel_size


def _transpose_axis(n: int, k: int, s: int, padding: str, output_padding: int | None, d: int) -> int:
    n, k, s, d = arguments.conv_axis(n, k, s, d)
    word = arguments.padding_word(padding)  # Conv2DTranspose takes no pixel counts
    eff = effective_kernel_size(k, d)
    if output_padding is not None:
        op = arguments.pixel_count(output_padding, "output_padding")
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
    if ceil_div(out, s) != n:
        # Only output_padding=0 with an even kernel span gets here (any other value
        # convolves back to n). Keras builds the layer with this size; what happens when
        # it runs was measured (tests/test_transpose.py holds it against TensorFlow).
        allowed = {1: "", 2: "1 or "}.get(s, f"1 to {s - 1} or ")
        formula = f"({n} {MINUS} 1)·{s} + ({eff} mod 2) + {op} = {out}"
        if out == 0:
            happens = (
                "Keras builds the layer and TensorFlow returns an empty output, 0 pixels wide "
                "(on a CPU with its default oneDNN kernels; other kernels stop with an error)"
            )
        else:
            happens = (
                f'Keras builds the layer, but TensorFlow stops with an error when it runs: a "same" '
                f"convolution of {out} at stride {s} gives {ceil_div(out, s)}, not {n}"
            )
        raise ValueError(
            f"output_padding={op} is not allowed with an even kernel span ({eff}) and "
            f'padding="same": the output would be {formula}; {happens}; use {allowed}None'
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

    valid: (n − 1)·s + k_eff + output_padding, and with output_padding=None (Keras'
    default) (n − 1)·s + max(k_eff, s); same: (n − 1)·s + (k_eff mod 2) + output_padding,
    and n·s with None. Pairs mean (height, width).

    >>> conv_transpose_output_size(5, 3, strides=2)
    11
    >>> conv_transpose_output_size(5, 3, strides=2, padding="same", output_padding=1)
    10
    >>> conv_transpose_output_size((7, 7), 2, strides=2)
    (14, 14)
    """
    if arguments.any_pair(size, kernel_size, strides, dilation_rate, output_padding):
        sizes, kernels, steps, dilations = arguments.conv_settings_2d(
            size, kernel_size, strides, dilation_rate
        )
        pads = arguments.pair(output_padding, "output_padding")
        return tuple(
            _transpose_axis(n, k, s, padding, op, d)
            for n, k, s, op, d in zip(sizes, kernels, steps, pads, dilations)
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
    m, k, s, d = arguments.conv_axis(output, kernel_size, strides, dilation_rate, size_name="output")
    pad = arguments.axis_padding(padding)
    if pad == "same":
        return range((m - 1) * s + 1, m * s + 1)
    before, after = (0, 0) if pad == "valid" else pad
    lowest = (m - 1) * s + effective_kernel_size(k, d) - before - after
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
    n, k, s, d = arguments.conv_axis(size, kernel_size, strides, dilation_rate)
    word = arguments.padding_word(padding)
    forward = conv_arithmetic(n, k, s, word, d)
    m, eff = forward.output, forward.effective_kernel
    if conv_transpose_output_size(m, k, s, word, None, d) == n:
        return None
    # Solve (m − 1)·s + base + op = n for op; it lies in 0 … s − 1 (n is one of the
    # strides sizes conv_input_sizes lists for m).
    op = n - (m - 1) * s - (eff if word == "valid" else eff % 2)
    if conv_transpose_output_size(m, k, s, word, op, d) != n:  # pragma: no cover - arithmetic says never
        raise AssertionError(f"output_padding={op} does not lead back to {n}")
    return op
