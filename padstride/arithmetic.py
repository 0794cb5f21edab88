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

import math
from dataclasses import dataclass
from numbers import Integral

IntOrPair = int | tuple[int, int]
Padding = str | int | tuple

PADDING_WORDS = ("valid", "same")
_TIMES = "×"
_MINUS = "−"


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
        return effective_kernel_size(self.kernel_size, self.dilation)


def effective_kernel_size(kernel_size: int, dilation_rate: int = 1) -> int:
    """The number of input pixels one dilated kernel spans.

    >>> effective_kernel_size(3, dilation_rate=2)
    5
    """
    _check_positive_int(kernel_size, "kernel_size")
    _check_positive_int(dilation_rate, "dilation_rate")
    return (kernel_size - 1) * dilation_rate + 1


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name}={value!r} is not allowed: {name} must be a positive integer")
    if value < 1:
        raise ValueError(f"{name}={value!r} is not allowed: {name} must be a positive integer (1 or more)")
    return int(value)


def _check_pad_amount(value: object, name: str = "padding") -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name}={value!r} is not allowed: explicit padding must be whole numbers of pixels")
    if value < 0:
        raise ValueError(f"{name}={value!r} is not allowed: padding cannot be negative")
    return int(value)


def _padding_word(padding: str, *, exact_case: bool = False) -> str:
    word = padding if exact_case else padding.lower()
    if word not in PADDING_WORDS:
        allowed = ", ".join(repr(w) for w in PADDING_WORDS)
        extra = "" if exact_case else " (any case), an int or a (before, after) pair"
        raise ValueError(f"padding={padding!r} is not allowed: use {allowed}{extra}")
    return word


def _parse_axis_padding(padding: Padding) -> str | tuple[int, int]:
    """One axis' padding: a word, or (before, after)."""
    if isinstance(padding, str):
        return _padding_word(padding)
    if isinstance(padding, Integral) and not isinstance(padding, bool):
        p = _check_pad_amount(padding)
        return (p, p)
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        return (_check_pad_amount(padding[0]), _check_pad_amount(padding[1]))
    raise ValueError(
        f"padding={padding!r} is not allowed: use 'valid', 'same', an int or a (before, after) pair"
    )


def _check_stride_dilation(strides: tuple[int, ...], dilations: tuple[int, ...]) -> None:
    if max(strides) > 1 and max(dilations) > 1:
        raise ValueError(
            f"strides={_show(strides)} with dilation_rate={_show(dilations)} is not allowed: "
            "Keras' Conv2D refuses a stride above 1 together with a dilation above 1"
        )


def _show(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


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
    n, k, s, d = _checked_axis(size, kernel_size, strides, dilation_rate)
    pad = _parse_axis_padding(padding)
    return _axis(n, k, s, pad, d)


def _checked_axis(
    size: object, kernel_size: object, stride: object, dilation: object, size_name: str = "size"
) -> tuple[int, int, int, int]:
    """(size, kernel, stride, dilation) of one axis, each a positive int, and not a stride
    together with a dilation."""
    n = _check_positive_int(size, size_name)
    k = _check_positive_int(kernel_size, "kernel_size")
    s = _check_positive_int(stride, "strides")
    d = _check_positive_int(dilation, "dilation_rate")
    _check_stride_dilation((s,), (d,))
    return n, k, s, d


def _axis(n: int, k: int, s: int, pad: str | tuple[int, int], d: int) -> AxisArithmetic:
    eff = (k - 1) * d + 1
    eff_text = f"{eff}" if d == 1 else f"(({k} {_MINUS} 1)·{d} + 1)"
    if pad == "same":
        out = math.ceil(n / s)
        total = max((out - 1) * s + eff - n, 0)
        before, after = total // 2, total - total // 2
        formula = f"ceil({n}/{s}) = {out}"
        kind = "same"
    else:
        before, after = (0, 0) if pad == "valid" else pad
        kind = "valid" if pad == "valid" else "explicit"
        out = (n + before + after - eff) // s + 1
        padded = f"{n}" if kind == "valid" else f"{n} + {before} + {after}"
        formula = f"floor(({padded} {_MINUS} {eff_text})/{s}) + 1 = {_signed(out)}"
        if out < 1:
            kernel = f"kernel of {k}" if d == 1 else f"kernel of {k} dilated by {d} (spanning {eff})"
            raise ValueError(
                f"a {kernel} does not fit an input of {n} with {_padding_phrase(kind, before, after)}: "
                f"{formula}"
            )
    return AxisArithmetic(n, k, s, d, kind, before, after, out, formula)


def _signed(value: int) -> str:
    return f"{_MINUS}{-value}" if value < 0 else str(value)


def _padding_phrase(kind: str, before: int, after: int) -> str:
    if kind == "valid":
        return 'padding="valid"'
    if before == after:
        return f"padding={before}"
    return f"padding=({before}, {after})"


def _as_pair(value: object, name: str) -> tuple[object, object]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name}={value!r} is not allowed: give one number or a (height, width) pair")
        return (value[0], value[1])
    return (value, value)


def _is_pair(value: object) -> bool:
    return isinstance(value, (tuple, list))


def _split_2d_padding(padding: Padding) -> tuple[Padding, Padding]:
    """Padding for (height, width): a word or an int applies to both axes, as does a
    (before, after) pair of ints; ((top, bottom), (left, right)) sets each axis."""
    if isinstance(padding, (tuple, list)) and len(padding) == 2 and all(_is_pair(p) for p in padding):
        return (tuple(padding[0]), tuple(padding[1]))
    return (padding, padding)


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
    sizes = _as_pair(size, "size")
    kernels = _as_pair(kernel_size, "kernel_size")
    strides = _as_pair(strides, "strides")
    dilations = _as_pair(dilation_rate, "dilation_rate")
    names = ("size", "kernel_size", "strides", "dilation_rate")
    checked = [
        tuple(_check_positive_int(v, name) for v in values)
        for values, name in zip((sizes, kernels, strides, dilations), names)
    ]
    sizes, kernels, strides, dilations = checked
    _check_stride_dilation(strides, dilations)
    pads = [_parse_axis_padding(p) for p in _split_2d_padding(padding)]
    try:
        return tuple(_axis(*args) for args in zip(sizes, kernels, strides, pads, dilations))
    except ValueError as error:
        if sizes[0] == sizes[1] and kernels[0] == kernels[1] and dilations[0] == dilations[1]:
            raise ValueError(_square_message(str(error), sizes[0], kernels[0])) from None
        raise


def _square_message(message: str, n: int, k: int) -> str:
    """Say "a 5×5 kernel does not fit a 3×3 input" when both axes fail alike."""
    return message.replace(f"a kernel of {k} ", f"a {k}{_TIMES}{k} kernel ", 1).replace(
        f"an input of {n} ", f"a {n}{_TIMES}{n} input ", 1
    )


def _wants_2d(*values: object, padding: Padding = "valid") -> bool:
    nested = isinstance(padding, (tuple, list)) and any(_is_pair(p) for p in padding)
    return any(_is_pair(v) for v in values) or nested


def conv_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> int | tuple[int, int]:
    """Output size of a convolution, as Keras' Conv2D computes it.

    ``padding`` is "valid", "same" (any case), an int p (p zeros on each side) or a
    (before, after) pair. Pairs for size, kernel_size, strides or dilation_rate mean (height, width).

    >>> conv_output_size(8, 3)
    6
    >>> conv_output_size(5, 3, strides=2, padding=1)
    3
    >>> conv_output_size((8, 8), (3, 3), strides=(2, 2), padding="same")
    (4, 4)
    """
    if _wants_2d(size, kernel_size, strides, dilation_rate, padding=padding):
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
    """
    if _wants_2d(size, kernel_size, strides, dilation_rate):
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
    n = _check_positive_int(size, "size")
    k = _check_positive_int(pool_size, "pool_size")
    s = k if strides is None else _check_positive_int(strides, "strides")
    if not isinstance(padding, str):
        raise ValueError(f"padding={padding!r} is not allowed: pooling takes 'valid' or 'same'")
    word = _pool_padding_word(padding)
    try:
        return _axis(n, k, s, word, 1)
    except ValueError:
        out = (n - k) // s + 1
        raise ValueError(
            f'a pool of {k} does not fit an input of {n} with padding="valid": '
            f"floor(({n} {_MINUS} {k})/{s}) + 1 = {_signed(out)}"
        ) from None


def _pool_padding_word(padding: str) -> str:
    # Keras' pooling layers compare the word as given: "SAME" is refused there.
    if padding not in PADDING_WORDS:
        raise ValueError(
            f"padding={padding!r} is not allowed: Keras' pooling layers take 'valid' or 'same' (lower case)"
        )
    return padding


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
    if _wants_2d(size, pool_size, strides):
        sizes = _as_pair(size, "size")
        pools = _as_pair(pool_size, "pool_size")
        strides_hw = (None, None) if strides is None else _as_pair(strides, "strides")
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
    head = f"{h.padding}, stride {_show((stride,)) if isinstance(stride, int) else stride}"
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
    offsets of the kernel taps from that corner (multiples of the dilation).

    >>> g = window_positions(8, 3, strides=2, padding="same")
    >>> g.rows, g.pad_top, g.pad_bottom
    ((0, 2, 4, 6), 0, 1)
    """

    height: int
    width: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    taps_rows: tuple[int, ...]
    taps_cols: tuple[int, ...]
    pad_top: int
    pad_bottom: int
    pad_left: int
    pad_right: int
    axes: tuple[AxisArithmetic, AxisArithmetic]

    @property
    def output_shape(self) -> tuple[int, int]:
        return (len(self.rows), len(self.cols))

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
        rows=tuple(i * h.stride - h.pad_before for i in range(h.output)),
        cols=tuple(j * w.stride - w.pad_before for j in range(w.output)),
        taps_rows=tuple(i * h.dilation for i in range(h.kernel_size)),
        taps_cols=tuple(j * w.dilation for j in range(w.kernel_size)),
        pad_top=h.pad_before,
        pad_bottom=h.pad_after,
        pad_left=w.pad_before,
        pad_right=w.pad_after,
        axes=(h, w),
    )
