"""Padding that is not only zeros: what goes into the border, in NumPy.

Modes, with TensorFlow's name where ``tf.pad`` has one:

- "zeros"      0 in every added pixel (``CONSTANT``; what Conv2D's "same" does)
- "reflect"    mirror without repeating the edge pixel: 3 2 | 1 2 3 | 2 1 (``REFLECT``)
- "symmetric"  mirror repeating the edge pixel: 2 1 | 1 2 3 | 3 2 (``SYMMETRIC``)
- "replicate"  repeat the edge pixel: 1 1 | 1 2 3 | 3 3 (no ``tf.pad`` mode; NumPy's "edge")

>>> pad(np.array([[1, 2, 3]]), ((0, 0), (2, 2)), "reflect")
array([[3, 2, 1, 2, 3, 2, 1]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import arguments
from .arithmetic import Padding

PAD_MODES = ("zeros", "reflect", "symmetric", "replicate")
_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "symmetric": "symmetric", "replicate": "edge"}


def pad(image: Any, padding: Padding, mode: str = "zeros") -> np.ndarray:
    """Pad an (height, width) or (height, width, channels) image; channels are not padded.

    ``padding`` is read as Keras' ZeroPadding2D reads it: an int p (p on every side), a
    (height, width) pair (h on top and bottom, w left and right) or
    ((top, bottom), (left, right)). "reflect" can add at most size − 1 pixels on a side,
    "symmetric" at most size, as ``tf.pad`` requires; the others any number.

    >>> pad(np.array([[1, 2], [3, 4]]), 1, "replicate")
    array([[1, 1, 2, 2],
           [1, 1, 2, 2],
           [3, 3, 4, 4],
           [3, 3, 4, 4]])
    """
    if mode not in PAD_MODES:
        raise ValueError(f"mode={mode!r} is not allowed: use one of {', '.join(map(repr, PAD_MODES))}")
    array = arguments.image_array(image, "image", ndims=(2, 3))
    axes = list(arguments.pixel_padding_2d(padding))
    for amounts, size, name in zip(axes, array.shape, ("height", "width")):
        _check_fits(amounts, size, name, mode)
    padded = [size + before + after for size, (before, after) in zip(array.shape, axes)]
    arguments.array_values(
        (*padded, *array.shape[2:]), f"padding={padding!r} on a {array.shape} image: the result"
    )
    if array.ndim == 3:
        axes.append((0, 0))
    return np.pad(array, axes, mode=_NUMPY_MODE[mode])


def _check_fits(amounts: tuple[int, int], size: int, axis: str, mode: str) -> None:
    most = {"reflect": size - 1, "symmetric": size}.get(mode)
    if most is None or max(amounts) <= most:
        return
    why = "mirrors without repeating the edge pixel" if mode == "reflect" else "mirrors the whole axis once"
    raise ValueError(
        f"{mode} padding of {max(amounts)} is not allowed on a {axis} of {size} pixels: {mode} {why}, "
        f"so it can add at most {most}; use a smaller padding or mode 'replicate' or 'zeros'"
    )
