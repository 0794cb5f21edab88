"""Which pixels a convolution's windows read, and the convolution itself, in plain NumPy.

The one place the package works out which input pixels the windows of a layer touch:
``read_positions`` along one axis, ``unread_pixels`` for an image, ``window_reads`` as the
matrix of which output reads which input; and ``patches``/``reference_conv2d``, the
convolution (cross-correlation, as Keras does it) written as loops to be read.

>>> unread_pixels(8, 3, strides=4).sum(axis=0).tolist()
[2, 2, 2, 8, 2, 2, 2, 8]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .. import arguments
from .arithmetic import AxisArithmetic, IntOrPair, Padding, ceil_div, window_positions

__all__ = [
    "Patch",
    "patches",
    "read_positions",
    "reads_back",
    "reads_forward",
    "reference_conv2d",
    "unread_pixels",
    "window_reads",
]


def read_positions(axis: AxisArithmetic) -> np.ndarray:
    """Which of the axis' input positions at least one window reads (padding excluded),
    without listing the windows: each tap reads every stride-th position from its first.

    >>> from padstride import conv_arithmetic
    >>> read_positions(conv_arithmetic(7, 1, strides=2)).astype(int).tolist()
    [1, 0, 1, 0, 1, 0, 1]
    """
    read = np.zeros(axis.size, dtype=bool)
    starts = range(-axis.pad_before, axis.output * axis.stride - axis.pad_before, axis.stride)
    for tap in range(0, axis.kernel_size * axis.dilation, axis.dilation):
        first, stop = starts.start + tap, starts.stop + tap
        if first < 0:  # the first window of this tap that lands on the input
            first += axis.stride * ceil_div(-first, axis.stride)
        read[first : min(stop, axis.size) : axis.stride] = True
    return read


def window_reads(axis: AxisArithmetic) -> np.ndarray:
    """reads[o, i]: output position o's window reads input position i.

    >>> from padstride import conv_arithmetic
    >>> window_reads(conv_arithmetic(4, 2, strides=2)).astype(int).tolist()
    [[1, 1, 0, 0], [0, 0, 1, 1]]
    """
    reads = np.zeros((axis.output, axis.size), dtype=bool)
    for o in range(axis.output):
        start = o * axis.stride - axis.pad_before
        taps = [start + t * axis.dilation for t in range(axis.kernel_size)]
        reads[o, [i for i in taps if 0 <= i < axis.size]] = True
    return reads


def _taps(axis: AxisArithmetic) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each kernel tap: the output positions whose window puts that tap on the input,
    and the input positions under it."""
    found = []
    outputs = np.arange(axis.output)
    for tap in range(axis.kernel_size):
        inputs = outputs * axis.stride - axis.pad_before + tap * axis.dilation
        inside = (inputs >= 0) & (inputs < axis.size)
        found.append((outputs[inside], inputs[inside]))
    return found


def reads_back(axis: AxisArithmetic, wanted: np.ndarray) -> np.ndarray:
    """Along the first axis of ``wanted`` (one row per output position of ``axis``, True
    where the output is needed): which input positions a needed window reads. One pass per
    tap, so the cost is the kernel's length times the array's.

    >>> from padstride import conv_arithmetic
    >>> reads_back(conv_arithmetic(7, 3, strides=3), np.array([True, False])).astype(int).tolist()
    [1, 1, 1, 0, 0, 0, 0]
    """
    needed = np.zeros((axis.size, *wanted.shape[1:]), dtype=bool)
    for outputs, inputs in _taps(axis):
        needed[inputs] |= wanted[outputs]
    return needed


def reads_forward(axis: AxisArithmetic, held: np.ndarray) -> np.ndarray:
    """Along the first axis of ``held`` (one row per input position of ``axis``): which
    output positions read at least one True input position.

    >>> from padstride import conv_arithmetic
    >>> reads_forward(conv_arithmetic(7, 3, strides=3), np.eye(7, dtype=bool)[4]).astype(int).tolist()
    [0, 1]
    """
    out = np.zeros((axis.output, *held.shape[1:]), dtype=bool)
    for outputs, inputs in _taps(axis):
        out[outputs] |= held[inputs]
    return out


def unread_pixels(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> np.ndarray:
    """A boolean (height, width) mask: True where no window of the convolution reads the
    pixel, so nothing after the layer can depend on it. The pixels read are the rows read
    times the columns read, so each axis is worked out on its own."""
    grid = window_positions(size, kernel_size, strides, padding, dilation_rate)
    arguments.array_values((grid.height, grid.width), "the mask of unread pixels")
    h, w = grid.axes
    return ~(read_positions(h)[:, None] & read_positions(w)[None, :])


@dataclass(frozen=True)
class Patch:
    """One position of the window: output cell (row, col), the top-left corner of the
    window on the padded input, the input values under the kernel taps, and their dot
    product with the kernel."""

    row: int
    col: int
    top: int
    left: int
    values: np.ndarray
    product: float


def patches(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> Iterator[Patch]:
    """Every window position in reading order, with its patch and dot product.

    >>> kernel = np.array([[0.0, 1.0, 0.0]] * 3)
    >>> [p.product for p in patches(np.eye(4), kernel)]
    [1.0, 1.0, 1.0, 1.0]
    """
    image = arguments.image_2d(image)
    kernel = arguments.image_2d(kernel, "kernel")
    return _patches(
        image, kernel, window_positions(image.shape, kernel.shape, strides, padding, dilation_rate)
    )


def _patches(image: np.ndarray, kernel: np.ndarray, grid) -> Iterator[Patch]:
    padded = np.pad(image, ((grid.pad_top, grid.pad_bottom), (grid.pad_left, grid.pad_right)))
    for row, first_row in enumerate(grid.rows):
        for col, first_col in enumerate(grid.cols):
            top, left = first_row + grid.pad_top, first_col + grid.pad_left  # on the padded input
            values = np.empty_like(kernel)
            for i, tap_row in enumerate(grid.taps_rows):
                for j, tap_col in enumerate(grid.taps_cols):
                    values[i, j] = padded[top + tap_row, left + tap_col]
            product = 0.0
            for i in range(kernel.shape[0]):
                for j in range(kernel.shape[1]):
                    product += values[i, j] * kernel[i, j]
            yield Patch(row, col, top, left, values, float(product))


def reference_conv2d(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
) -> np.ndarray:
    """Convolution (cross-correlation, as Keras does it) in plain NumPy loops, with
    TensorFlow's padding rules, the asymmetric "same" split included.

    >>> reference_conv2d(np.ones((4, 4)), np.ones((3, 3)), strides=2, padding="same")
    array([[9., 6.],
           [6., 4.]])
    """
    image = arguments.image_2d(image)
    kernel = arguments.image_2d(kernel, "kernel")
    grid = window_positions(image.shape, kernel.shape, strides, padding, dilation_rate)
    out = np.zeros(grid.output_shape)
    for patch in _patches(image, kernel, grid):
        out[patch.row, patch.col] = patch.product
    return out
