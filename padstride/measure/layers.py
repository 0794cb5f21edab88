"""What real Keras layers give, asked directly: a layer run on one image, the shape Keras
refuses or computes, a one-filter convolution with given weights, and the pattern of a
stack's gradients. The tests hold the package's arithmetic against these; nothing here uses
that arithmetic.

>>> conv_map(np.eye(3), [[1.0]], strides=2).tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..runtime import keras


def run_layer(layer: Any, image: np.ndarray) -> np.ndarray:
    """Call a layer eagerly on one (h, w) or (h, w, c) image; return the output without the batch axis."""
    x = np.asarray(image, dtype="float32")
    if x.ndim == 2:
        x = x[:, :, None]
    return np.asarray(layer(x[None]))[0]


def conv_shape(size: Any, kernel: Any, stride: Any, padding: str, dilation: Any) -> tuple[int, int] | None:
    """Keras Conv2D's output (height, width) on a real input, or None when Keras refuses."""
    layers = keras().layers
    try:
        layer = layers.Conv2D(1, kernel, strides=stride, padding=padding, dilation_rate=dilation)
        out = run_layer(layer, np.zeros(size))
    except ValueError:
        return None
    return out.shape[:2]


def conv_map(image: Any, kernel: Any, padding: str = "valid", strides: Any = 1, dilation: Any = 1) -> np.ndarray:
    """A one-filter Keras Conv2D with the given weights and no bias, run on the image."""
    kernel = np.asarray(kernel, dtype="float32")
    layer = keras().layers.Conv2D(
        1, kernel.shape, strides=strides, padding=padding, dilation_rate=dilation, use_bias=False
    )
    layer.build((None, *np.shape(image), 1))
    layer.set_weights([kernel[:, :, None, None]])
    return run_layer(layer, image)[:, :, 0]


def zero_pad(image: Any, padding: Any) -> np.ndarray:
    """Keras' ZeroPadding2D on a 2-D image, padding ((top, bottom), (left, right))."""
    return run_layer(keras().layers.ZeroPadding2D(padding), image)[:, :, 0]


def transpose_shape(
    size: Any, kernel: Any, stride: Any, padding: str, output_padding: Any, dilation: Any
) -> tuple[int, int] | None:
    """Keras Conv2DTranspose's output (height, width) on a real input, or None when Keras
    (at construction) or TensorFlow (when run) refuses."""
    layers = keras().layers
    try:
        layer = layers.Conv2DTranspose(
            1, kernel, strides=stride, padding=padding, output_padding=output_padding, dilation_rate=dilation
        )
        out = run_layer(layer, np.zeros(size))
    except Exception as error:  # ValueError from Keras, or a tf.errors.OpError from the kernel
        if isinstance(error, ValueError) or type(error).__module__.startswith("tensorflow"):
            return None
        raise
    return out.shape[:2]


def jacobian_pattern(layers: Any, size: tuple[int, int], seed: int = 0) -> np.ndarray:
    """Which input pixels reach which output pixels, from the gradients of a stack with
    random weights: bool [out_row, out_col, in_row, in_col]. Linear layers only (a max
    pool passes gradient to one pixel of its window)."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    x = tf.constant(rng.normal(size=(1, *size, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for layer in layers:
            y = layer(y)
        y = tf.reduce_sum(y, axis=-1)[0]
    jacobian = tape.jacobian(y, x)  # (out_h, out_w, 1, in_h, in_w, 1)
    return np.abs(np.asarray(jacobian)[:, :, 0, :, :, 0]) > 1e-7
