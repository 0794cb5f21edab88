"""The 8×8 vertical-line demo: an image, a hand-set filter, run by a real Keras Conv2D (the
same loops in plain NumPy are ``padstride.conv.windows.reference_conv2d``); and the same
filter on one MNIST digit, padded and strided (``pipeline_trace``).

>>> apply_filter(line_image(), VERTICAL_LINE_DETECTOR)[0]
array([0., 0., 3., 3., 0., 0.])
"""

from __future__ import annotations

import numpy as np

from .. import arguments
from ..conv.arithmetic import IntOrPair, Padding
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
    if not arguments.is_int(width) or not 1 <= width <= size:
        raise ValueError(f"width={width!r} is not allowed: width must be an integer from 1 to size={size}")
    image = np.zeros((size, size))
    start = (size - width) // 2
    image[:, start : start + width] = 1.0
    return image


def _line_size(value: object, name: str) -> int:
    size = arguments.positive_int(value, name)
    if size > MAX_LINE_SIZE:
        raise ValueError(
            f"{name}={size} is not allowed: the line demo draws sizes from 1 to {MAX_LINE_SIZE} "
            f"(a {size}×{size} array would need {size * size * 8:,} bytes)"
        )
    return size


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
    image = arguments.image_2d(image)
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
    image = arguments.image_2d(image)
    if image.shape != (28, 28):
        raise ValueError(f"image of shape {image.shape} is not allowed: a 28×28 digit is needed")
    return pipeline_maps(image)


def pipeline_maps(digit: np.ndarray) -> dict[str, np.ndarray]:
    """pipeline_trace for a 28×28 float array already checked: the padded digit with NumPy,
    the feature map with a Keras ZeroPadding2D and Conv2D."""
    return {
        "input": digit,
        "padded": np.pad(digit, 1),
        "feature_map": apply_filter(digit, VERTICAL_LINE_DETECTOR, strides=2, padding=1),
    }
