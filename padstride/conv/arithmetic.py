"""Output-size arithmetic of convolution and pooling, exactly as TensorFlow does it.

Pure Python: nothing here imports TensorFlow or Keras, so it answers at once.

Every function works on one axis when given plain integers, and on (height, width)
when any of size, kernel_size, strides or dilation_rate is a pair; the result then is a pair.

>>> conv_output_size(28, 3, strides=2, padding="same")
14
>>> same_padding(28, 3, strides=2)
(0, 1)
>>> conv_output_size((28, 20), 3)
(26, 18)
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import arguments
from ..arguments import PADDING_WORDS, AxisPadding
from ..text import MINUS, TIMES, signed

IntOrPair = int | tuple[int, int]
Padding = str | int | tuple


__all__ = [
    "PADDING_WORDS",
    "MINUS",
    "TIMES",
    "AxisArithmetic",
    "WindowGrid",
    "axes_2d",
    "axis_arithmetic",
    "ceil_div",
    "conv_arithmetic",
    "conv_arithmetic_2d",
    "conv_output_size",
    "describe_axes",
    "describe_conv",
    "effective_kernel_size",
    "pool_arithmetic",
    "pool_axis",
    "pool_output_size",
    "same_padding",
    "window_positions",
]


@dataclass(frozen=True)
class AxisArithmetic:
    """The arithmetic of one axis: zeros added before and after, the output size, and
    the formula written out with its numbers.

    >>> conv_arithmetic(8, 3, strides=2, padding="same").formula
    'ceil(8/2) = 4'
    """

    size: int
    kernel_size: int
    stride: int
    dilation: int
    padding: str  # "valid", "same" or "explicit"
    pad_before: int
    pad_after: int
    output: int
    formula: str

    @property
    def effective_kernel(self) -> int:
        """The span of a dilated kernel, (k − 1)·d + 1."""
        return (self.kernel_size - 1) * self.dilation + 1


def effective_kernel_size(kernel_size: int, dilation_rate: int = 1) -> int:
    """The number of input pixels one dilated kernel spans.

    >>> effective_kernel_size(3, dilation_rate=2)
    5
    """
    k = arguments.positive_int(kernel_size, "kernel_size")
    d = arguments.positive_int(dilation_rate, "dilation_rate")
    return (k - 1) * d + 1


def ceil_div(n: int, s: int) -> int:
    """ceil(n/s) in integers: exact for sizes of any length, where n/s in floats is not.

    >>> ceil_div(10**20 + 1, 2) == 5 * 10**19 + 1
    True
    """
    return -(-n // s)


def conv_arithmetic(
    size: int,
    kernel_size: int,
    strides: int = 1,
    padding: Padding = "valid",
    dilation_rate: int = 1,
) -> AxisArithmetic:
    """The full arithmetic of one axis of a convolution.

    >>> a = conv_arithmetic(28, 3, strides=2, padding="same")
    >>> (a.pad_before, a.pad_after, a.output)
    (0, 1, 14)
    >>> conv_arithmetic(5, 3, strides=2, padding=1).formula
    'floor((5 + 1 + 1 − 3)/2) + 1 = 3'
    """
    n, k, s, d = arguments.conv_axis(size, kernel_size, strides, dilation_rate)
    return axis_arithmetic(n, k, s, arguments.axis_padding(padding), d)


def axis_arithmetic(n: int, k: int, s: int, pad: AxisPadding, d: int = 1) -> AxisArithmetic:
    """conv_arithmetic for settings already checked: positive ints, and ``pad`` "valid",
    "same" or (before, after). A window that does not fit raises a ValueError.

    >>> axis_arithmetic(8, 3, 2, "same").output
    4
    """
    eff = (k - 1) * d + 1
    eff_text = f"{eff}" if d == 1 else f"(({k} {MINUS} 1)·{d} + 1)"
    if pad == "same":
        out = ceil_div(n, s)
        total = max((out - 1) * s + eff - n, 0)
        before, after = total // 2, total - total // 2
        formula = f"ceil({n}/{s}) = {out}"
        kind = "same"
    else:
        before, after = (0, 0) if pad == "valid" else pad
        kind = "valid" if pad == "valid" else "explicit"
        out = (n + before + after - eff) // s + 1
        padded = f"{n}" if kind == "valid" else f"{n} + {before} + {after}"
        formula = f"floor(({padded} {MINUS} {eff_text})/{s}) + 1 = {signed(out)}"
        if out < 1:
            kernel = f"kernel of {k}" if d == 1 else f"kernel of {k} dilated by {d} (spanning {eff})"
            raise ValueError(
                f"a {kernel} does not fit an input of {n} with {_padding_phrase(kind, before, after)}: "
                f"{formula}"
            )
    return AxisArithmetic(n, k, s, d, kind, before, after, out, formula)


def _padding_phrase(kind: str, before: int, after: int) -> str:
    if kind == "valid":
        return 'padding="valid"'
    if before == after:
        return f"padding={before}"
    return f"zeros (before, after) = ({before}, {after})"


def conv_arithmetic_2d(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> tuple[AxisArithmetic, AxisArithmetic]:
    """The arithmetic of both axes, (height, width).

    >>> h, w = conv_arithmetic_2d((28, 20), 3, strides=(2, 1), padding="same")
    >>> (h.output, w.output)
    (14, 20)
    """
    return _arithmetic_2d(size, kernel_size, strides, padding, dilation_rate, strides_with_dilation=False)


def depthwise_arithmetic_2d(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> tuple[AxisArithmetic, AxisArithmetic]:
    """conv_arithmetic_2d for DepthwiseConv2D and SeparableConv2D, which, unlike Conv2D,
    take a stride and a dilation above 1 together; TensorFlow places their windows as for
    any stride (measured in the tests).

    >>> h, w = depthwise_arithmetic_2d(9, 3, strides=2, dilation_rate=2)
    >>> (h.output, w.output)
    (3, 3)
    """
    return _arithmetic_2d(size, kernel_size, strides, padding, dilation_rate, strides_with_dilation=True)


def _arithmetic_2d(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair,
    padding: Padding,
    dilation_rate: IntOrPair,
    *,
    strides_with_dilation: bool,
) -> tuple[AxisArithmetic, AxisArithmetic]:
    sizes, kernels, steps, dilations = arguments.conv_settings_2d(
        size, kernel_size, strides, dilation_rate, strides_with_dilation=strides_with_dilation
    )
    return axes_2d(sizes, kernels, steps, arguments.padding_2d(padding), dilations)


Pair = tuple[int, int]


def axes_2d(
    sizes: Pair, kernels: Pair, strides: Pair, pads: tuple[AxisPadding, AxisPadding], dilations: Pair
) -> tuple[AxisArithmetic, AxisArithmetic]:
    """The (height, width) arithmetic for settings already checked, as pairs; a window that
    does not fit either axis raises a ValueError (for a square, one message for both).

    >>> [a.output for a in axes_2d((28, 28), (3, 3), (2, 2), ("same", "same"), (1, 1))]
    [14, 14]
    """
    try:
        return tuple(axis_arithmetic(*args) for args in zip(sizes, kernels, strides, pads, dilations))
    except ValueError as error:
        if sizes[0] == sizes[1] and kernels[0] == kernels[1] and dilations[0] == dilations[1]:
            raise ValueError(_square_message(str(error), sizes[0], kernels[0])) from None
        raise


def _square_message(message: str, n: int, k: int) -> str:
    """Say "a 5×5 kernel does not fit a 3×3 input" when both axes fail alike."""
    return message.replace(f"a kernel of {k} ", f"a {k}{TIMES}{k} kernel ", 1).replace(
        f"an input of {n} ", f"a {n}{TIMES}{n} input ", 1
    )


def conv_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> int | tuple[int, int]:
    """Output size of a convolution, as Keras' Conv2D computes it.

    ``padding`` is "valid", "same" (any case) or zeros, as Keras' ZeroPadding layers read
    them. With one int size (one axis): an int p (p on each side) or (before, after), as
    ZeroPadding1D. With a (height, width) size, or a pair for kernel_size, strides or
    dilation_rate: an int, a (height, width) pair (each axis symmetric) or
    ((top, bottom), (left, right)), as ZeroPadding2D.

    >>> conv_output_size(8, 3)
    6
    >>> conv_output_size(5, 3, strides=2, padding=1)
    3
    >>> conv_output_size((8, 8), (3, 3), strides=(2, 2), padding="same")
    (4, 4)
    >>> conv_output_size((9, 8), 3, padding=(0, 1))  # height 0 on each side, width 1
    (7, 8)
    """
    if arguments.any_pair(size, kernel_size, strides, dilation_rate) or arguments.is_nested_padding(padding):
        h, w = conv_arithmetic_2d(size, kernel_size, strides, padding, dilation_rate)
        return (h.output, w.output)
    return conv_arithmetic(size, kernel_size, strides, padding, dilation_rate).output


def same_padding(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    dilation_rate: IntOrPair = 1,
) -> tuple[int, int] | tuple[tuple[int, int], tuple[int, int]]:
    """Zeros TensorFlow adds for padding="same": (before, after), the odd one after.

    The total is max((out − 1)·s + eff − n, 0) with out = ceil(n/s); before = total // 2.
    On (height, width) input the answer is ((top, bottom), (left, right)).

    >>> same_padding(8, 3, strides=2)
    (0, 1)
    >>> same_padding(28, 4)
    (1, 2)
    >>> same_padding(2**53 + 1, 2, strides=2)  # integers throughout: no float rounding
    (0, 1)
    """
    if arguments.any_pair(size, kernel_size, strides, dilation_rate):
        h, w = conv_arithmetic_2d(size, kernel_size, strides, "same", dilation_rate)
        return ((h.pad_before, h.pad_after), (w.pad_before, w.pad_after))
    a = conv_arithmetic(size, kernel_size, strides, "same", dilation_rate)
    return (a.pad_before, a.pad_after)


def pool_arithmetic(
    size: int, pool_size: int, strides: int | None = None, padding: str = "valid"
) -> AxisArithmetic:
    """The arithmetic of one axis of MaxPooling2D / AveragePooling2D.

    >>> pool_arithmetic(7, 2).formula
    'floor((7 − 2)/2) + 1 = 3'
    """
    n = arguments.positive_int(size, "size")
    k = arguments.positive_int(pool_size, "pool_size")
    s = k if strides is None else arguments.positive_int(strides, "strides")
    # Keras' pooling layers compare the word as given: "SAME" is refused there.
    word = arguments.padding_word(padding, exact_case=True)
    return pool_axis(n, k, s, word)


def pool_axis(n: int, k: int, s: int, padding: str) -> AxisArithmetic:
    """pool_arithmetic for settings already checked.

    >>> pool_axis(7, 2, 2, "same").output
    4
    """
    try:
        return axis_arithmetic(n, k, s, padding, 1)
    except ValueError:
        out = (n - k) // s + 1
        raise ValueError(
            f'a pool of {k} does not fit an input of {n} with padding="valid": '
            f"floor(({n} {MINUS} {k})/{s}) + 1 = {signed(out)}"
        ) from None


def pool_output_size(
    size: IntOrPair,
    pool_size: IntOrPair,
    strides: IntOrPair | None = None,
    padding: str = "valid",
) -> int | tuple[int, int]:
    """Output size of MaxPooling2D / AveragePooling2D; strides default to the pool size.

    >>> pool_output_size(28, 2)
    14
    >>> pool_output_size(7, 2, padding="same")
    4
    >>> pool_output_size((7, 9), 3, strides=2)
    (3, 4)
    """
    if arguments.any_pair(size, pool_size, strides):
        sizes = arguments.pair(size, "size")
        pools = arguments.pair(pool_size, "pool_size")
        strides_hw = (None, None) if strides is None else arguments.pair(strides, "strides")
        return tuple(pool_arithmetic(n, k, s, padding).output for n, k, s in zip(sizes, pools, strides_hw))
    return pool_arithmetic(size, pool_size, strides, padding).output


def describe_conv(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> str:
    """One line of arithmetic with the numbers filled in, for both axes when they differ.

    >>> describe_conv(28, 3, strides=2, padding="same")
    'same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right'
    >>> describe_conv(28, 3)
    'valid, stride 1: floor((28 − 3)/1) + 1 = 26'
    """
    h, w = conv_arithmetic_2d(size, kernel_size, strides, padding, dilation_rate)
    return describe_axes(h, w)


def describe_axes(h: AxisArithmetic, w: AxisArithmetic) -> str:
    """Text for a (height, width) pair of axis arithmetic."""
    stride = h.stride if h.stride == w.stride else (h.stride, w.stride)
    head = f"{h.padding}, stride {stride}"
    if h.dilation > 1 or w.dilation > 1:
        head += f", dilation {h.dilation if h.dilation == w.dilation else (h.dilation, w.dilation)}"
    if h.formula == w.formula:
        text = f"{head}: {h.formula}"
    else:
        text = f"{head}: height {h.formula}; width {w.formula}"
    if h.padding == "valid":
        return text
    if (h.pad_before, h.pad_after) == (w.pad_before, w.pad_after):
        return text + f", padding {h.pad_before} top/left, {h.pad_after} bottom/right"
    return text + (
        f", padding {h.pad_before} top / {h.pad_after} bottom, {w.pad_before} left / {w.pad_after} right"
    )


@dataclass(frozen=True)
class WindowGrid:
    """Where every window of a convolution sits, for one (height, width) input.

    ``rows`` and ``cols`` are the first input row / column each window covers, counted on
    the unpadded input (negative inside the top / left padding); ``taps_*`` are the
    offsets of the kernel taps from that corner (multiples of the dilation). They are
    ranges, so a grid of any size costs nothing until it is read.

    >>> g = window_positions(8, 3, strides=2, padding="same")
    >>> tuple(g.rows), g.pad_top, g.pad_bottom
    ((0, 2, 4, 6), 0, 1)
    """

    height: int
    width: int
    rows: range
    cols: range
    taps_rows: range
    taps_cols: range
    pad_top: int
    pad_bottom: int
    pad_left: int
    pad_right: int
    axes: tuple[AxisArithmetic, AxisArithmetic]

    @property
    def output_shape(self) -> tuple[int, int]:
        return (self.axes[0].output, self.axes[1].output)

    @property
    def padded_shape(self) -> tuple[int, int]:
        """(rows, columns) of the input with its padding."""
        return (self.height + self.pad_top + self.pad_bottom, self.width + self.pad_left + self.pad_right)

    def cells(self, row: int, col: int) -> list[tuple[int, int]]:
        """Input cells (unpadded coordinates) under the kernel taps of output cell (row, col)."""
        return [(self.rows[row] + i, self.cols[col] + j) for i in self.taps_rows for j in self.taps_cols]


def window_positions(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> WindowGrid:
    """The geometry of a convolution, from the same arithmetic as conv_output_size."""
    h, w = conv_arithmetic_2d(size, kernel_size, strides, padding, dilation_rate)
    return WindowGrid(
        height=h.size,
        width=w.size,
        rows=range(-h.pad_before, h.output * h.stride - h.pad_before, h.stride),
        cols=range(-w.pad_before, w.output * w.stride - w.pad_before, w.stride),
        taps_rows=range(0, h.kernel_size * h.dilation, h.dilation),
        taps_cols=range(0, w.kernel_size * w.dilation, w.dilation),
        pad_top=h.pad_before,
        pad_bottom=h.pad_after,
        pad_left=w.pad_before,
        pad_right=w.pad_after,
        axes=(h, w),
    )
