"""The 8×8 vertical-line demo: an image, a hand-set filter, and convolution done twice —
by a real Keras Conv2D and by plain NumPy loops written to be read; and the same filter
on one MNIST digit, padded and strided (``pipeline_trace``).

>>> reference_conv2d(line_image(), VERTICAL_LINE_DETECTOR)[0]
array([0., 0., 3., 3., 0., 0.])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .. import checks
from .._keras import keras
from ..conv.arithmetic import IntOrPair, Padding, window_positions
from .models import one_filter_conv

# line_image and line_kernel build size×size arrays of float64; this keeps them at a
# few hundred kilobytes whatever number arrives (e.g. from the command line).
MAX_LINE_SIZE = 256

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
    size = _line_size(size, "size")
    kernel = np.zeros((size, size))
    kernel[:, size // 2] = 1.0
    return kernel


def line_image(size: int = 8, width: int = 2) -> np.ndarray:
    """A size×size image of zeros with a centred vertical line of ones.

    >>> line_image()[0]
    array([0., 0., 0., 1., 1., 0., 0., 0.])
    """
    size = _line_size(size, "size")
    if not checks.is_int(width) or not 1 <= width <= size:
        raise ValueError(f"width={width!r} is not allowed: width must be an integer from 1 to size={size}")
    image = np.zeros((size, size))
    start = (size - width) // 2
    image[:, start : start + width] = 1.0
    return image


def _line_size(value: object, name: str) -> int:
    size = checks.positive_int(value, name)
    if size > MAX_LINE_SIZE:
        raise ValueError(
            f"{name}={size} is not allowed: the line demo draws sizes from 1 to {MAX_LINE_SIZE} "
            f"(a {size}×{size} array would need {size * size * 8:,} bytes)"
        )
    return size


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
    image = checks.image_2d(image)
    kernel = checks.image_2d(kernel, "kernel")
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
    image = checks.image_2d(image)
    kernel = checks.image_2d(kernel, "kernel")
    out = np.zeros(window_positions(image.shape, kernel.shape, strides, padding, dilation_rate).output_shape)
    for patch in patches(image, kernel, strides, padding, dilation_rate):
        out[patch.row, patch.col] = patch.product
    return out


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
    image = checks.image_2d(image)
    model = one_filter_conv(image.shape, kernel, strides, padding, dilation_rate, bias)
    batch = image.reshape(1, *image.shape, 1).astype("float32")
    return np.asarray(model(batch, training=False))[0, :, :, 0].astype(float)


def pipeline_trace(image: np.ndarray) -> dict[str, np.ndarray]:
    """One 28×28 digit through ZeroPadding2D(1) → 30×30 → a 3×3 Conv2D, stride 2, "valid"
    → 14×14. Returns the input, the padded input and the feature map (one filter: the
    vertical-line detector, so the numbers can be checked by hand).

    >>> {name: a.shape for name, a in pipeline_trace(np.zeros((28, 28))).items()}
    {'input': (28, 28), 'padded': (30, 30), 'feature_map': (14, 14)}
    """
    image = checks.image_2d(image).astype("float32")
    if image.shape != (28, 28):
        raise ValueError(f"image of shape {image.shape} is not allowed: a 28×28 digit is needed")
    k = keras()
    inputs = k.Input((28, 28, 1), name="digit")
    padded = k.layers.ZeroPadding2D(1, name="pad")(inputs)
    conv = k.layers.Conv2D(1, 3, strides=2, padding="valid", name="conv")
    features = conv(padded)
    model = k.Model(inputs, [padded, features], name="pipeline")
    conv.set_weights([VERTICAL_LINE_DETECTOR.reshape(3, 3, 1, 1), np.zeros(1)])
    pad_out, feature_out = model(image[None, :, :, None], training=False)
    return {
        "input": image,
        "padded": np.asarray(pad_out)[0, :, :, 0],
        "feature_map": np.asarray(feature_out)[0, :, :, 0],
    }
