"""The 8×8 vertical-line demo: an image, a hand-set filter, and convolution done twice —
by a real Keras Conv2D and by plain NumPy loops written to be read.

>>> reference_conv2d(line_image(), VERTICAL_LINE_DETECTOR)[0]
array([0., 0., 3., 3., 0., 0.])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ._keras import keras
from .arithmetic import IntOrPair, Padding, conv_arithmetic_2d, window_positions
from .models import _padding_layer

VERTICAL_LINE_DETECTOR = np.array(
    [
        [0.0, 1.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 1.0, 0.0],
    ]
)
VERTICAL_LINE_DETECTOR.setflags(write=False)


def line_kernel(size: int = 3) -> np.ndarray:
    """A size×size filter with a column of ones at column size // 2; size 3 gives
    VERTICAL_LINE_DETECTOR.

    >>> line_kernel(3).tolist() == VERTICAL_LINE_DETECTOR.tolist()
    True
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"kernel size {size!r} is not allowed: it must be a positive integer")
    kernel = np.zeros((size, size))
    kernel[:, size // 2] = 1.0
    return kernel


def line_image(size: int = 8, width: int = 2) -> np.ndarray:
    """A size×size image of zeros with a centred vertical line of ones.

    >>> line_image()[0]
    array([0., 0., 0., 1., 1., 0., 0., 0.])
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size={size!r} is not allowed: size must be a positive integer")
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= size:
        raise ValueError(f"width={width!r} is not allowed: width must be an integer from 1 to size={size}")
    image = np.zeros((size, size))
    start = (size - width) // 2
    image[:, start : start + width] = 1.0
    return image


def _as_image(image: np.ndarray, name: str = "image") -> np.ndarray:
    array = np.asarray(image, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"{name} has shape {array.shape}: a 2-D array (rows, columns) is needed")
    return array


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

    >>> [p.product for p in patches(line_image(), VERTICAL_LINE_DETECTOR)][:6]
    [0.0, 0.0, 3.0, 3.0, 0.0, 0.0]
    """
    image = _as_image(image)
    kernel = _as_image(kernel, "kernel")
    grid = window_positions(image.shape, kernel.shape, strides, padding, dilation_rate)
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

    >>> reference_conv2d(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
    array([[0., 3., 0.],
           [0., 3., 0.],
           [0., 3., 0.]])
    """
    image = _as_image(image)
    kernel = _as_image(kernel, "kernel")
    out = np.zeros(window_positions(image.shape, kernel.shape, strides, padding, dilation_rate).output_shape)
    for patch in patches(image, kernel, strides, padding, dilation_rate):
        out[patch.row, patch.col] = patch.product
    return out


def one_filter_conv(
    input_shape: tuple[int, int],
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    bias: float = 0.0,
):
    """A Keras model with one Conv2D of one filter whose weights are ``kernel`` and ``bias``.

    Numeric padding is a ZeroPadding2D layer in front of a "valid" Conv2D.
    """
    kernel = _as_image(kernel, "kernel")
    # Validate with the arithmetic first, so bad input gets the package's message.
    conv_arithmetic_2d(tuple(input_shape), kernel.shape, strides, padding, dilation_rate)
    k = keras()
    layers = [k.Input(shape=(*input_shape, 1), name="image")]
    pad_layer, word = _padding_layer(padding, name="pad")
    if pad_layer is not None:
        layers.append(pad_layer)
    conv = k.layers.Conv2D(
        1, kernel.shape, strides=strides, padding=word, dilation_rate=dilation_rate, name="conv"
    )
    layers.append(conv)
    model = k.Sequential(layers, name="one_filter")
    conv.set_weights([kernel.reshape(*kernel.shape, 1, 1), np.array([bias])])
    return model


def apply_filter(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    bias: float = 0.0,
) -> np.ndarray:
    """Run ``kernel`` over ``image`` with a real Keras Conv2D and return the 2-D feature map.

    >>> apply_filter(line_image(), VERTICAL_LINE_DETECTOR).shape
    (6, 6)
    """
    image = _as_image(image)
    model = one_filter_conv(image.shape, kernel, strides, padding, dilation_rate, bias)
    batch = image.reshape(1, *image.shape, 1).astype("float32")
    return np.asarray(model(batch, training=False))[0, :, :, 0].astype(float)
