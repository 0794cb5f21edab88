"""What real Keras layers say, for the tests to compare against."""

from __future__ import annotations

import numpy as np

from padstride._keras import keras


def run_layer(layer, image: np.ndarray) -> np.ndarray:
    """Call a layer eagerly on one (h, w) or (h, w, c) image; return the output without the batch axis."""
    x = np.asarray(image, dtype="float32")
    if x.ndim == 2:
        x = x[:, :, None]
    return np.asarray(layer(x[None]))[0]


def conv_shape(size, kernel, stride, padding, dilation) -> tuple[int, int] | None:
    """Keras Conv2D's output (height, width) on a real input, or None when Keras refuses."""
    layers = keras().layers
    try:
        layer = layers.Conv2D(1, kernel, strides=stride, padding=padding, dilation_rate=dilation)
        out = run_layer(layer, np.zeros(size))
    except ValueError:
        return None
    return out.shape[:2]


def conv_map(image, kernel, padding="valid", strides=1, dilation=1) -> np.ndarray:
    """A one-filter Keras Conv2D with the given weights and no bias, run on the image."""
    kernel = np.asarray(kernel, dtype="float32")
    layer = keras().layers.Conv2D(
        1, kernel.shape, strides=strides, padding=padding, dilation_rate=dilation, use_bias=False
    )
    layer.build((None, *np.shape(image), 1))
    layer.set_weights([kernel[:, :, None, None]])
    return run_layer(layer, image)[:, :, 0]


def zero_pad(image, padding) -> np.ndarray:
    """Keras' ZeroPadding2D on a 2-D image, padding ((top, bottom), (left, right))."""
    return run_layer(keras().layers.ZeroPadding2D(padding), image)[:, :, 0]
