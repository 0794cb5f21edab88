"""What real Keras layers give, asked directly: a layer run on one image, the shape Keras
refuses or computes, a one-filter convolution with given weights, and the pattern of a
stack's gradients. The tests hold the package's arithmetic against these; nothing here uses
that arithmetic.

>>> conv_map(np.eye(3), [[1.0]], strides=2).tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from ..runtime import load_keras


def run_layer(layer: Any, image: np.ndarray) -> np.ndarray:
    """Call a layer eagerly on one (h, w) or (h, w, c) image; return the output without the batch axis."""
    x = np.asarray(image, dtype="float32")
    if x.ndim == 2:
        x = x[:, :, None]
    return np.asarray(layer(x[None]))[0]


def conv_shape(size: Any, kernel: Any, stride: Any, padding: str, dilation: Any) -> tuple[int, int] | None:
    """Keras Conv2D's output (height, width) on a real input, or None when Keras refuses."""
    layers = load_keras().layers
    try:
        layer = layers.Conv2D(1, kernel, strides=stride, padding=padding, dilation_rate=dilation)
        out = run_layer(layer, np.zeros(size))
    except ValueError:
        return None
    return out.shape[:2]


def conv_map(
    image: Any, kernel: Any, padding: str = "valid", strides: Any = 1, dilation: Any = 1
) -> np.ndarray:
    """A one-filter Keras Conv2D with the given weights and no bias, run on the image."""
    kernel = np.asarray(kernel, dtype="float32")
    layer = load_keras().layers.Conv2D(
        1, kernel.shape, strides=strides, padding=padding, dilation_rate=dilation, use_bias=False
    )
    layer.build((None, *np.shape(image), 1))
    layer.set_weights([kernel[:, :, None, None]])
    return run_layer(layer, image)[:, :, 0]


def zero_pad(image: Any, padding: Any) -> np.ndarray:
    """Keras' ZeroPadding2D on a 2-D image, padding ((top, bottom), (left, right))."""
    return run_layer(load_keras().layers.ZeroPadding2D(padding), image)[:, :, 0]


def transpose_shape(
    size: Any, kernel: Any, stride: Any, padding: str, output_padding: Any, dilation: Any
) -> tuple[int, int] | None:
    """Keras Conv2DTranspose's output (height, width) on a real input, or None when Keras
    (at construction) or TensorFlow (when run) refuses."""
    layers = load_keras().layers
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


@cache
def _conv1d(kernel_size: int, strides: int, padding: str, dilation_rate: int) -> Any:
    """One Conv1D per setting, kept: its shape rule is asked for many lengths."""
    layers = load_keras().layers
    return layers.Conv1D(1, kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate)


@cache
def _zero_padding1d(padding: int) -> Any:
    return load_keras().layers.ZeroPadding1D(padding)


@cache
def keras_output_size(n: int, kernel_size: int, strides: int, padding: Any, dilation_rate: int = 1) -> int:
    """The output length Keras gives: Conv1D's own shape rule, after ZeroPadding1D for
    zeros written as a number. One layer per setting answers every length (a new layer
    per case costs a hundred times more).

    >>> keras_output_size(28, 3, 2, "same")
    14
    """
    length = n
    word = padding if isinstance(padding, str) else "valid"
    if not isinstance(padding, str):
        length = _zero_padding1d(padding).compute_output_shape((1, n, 1))[1]
    conv = _conv1d(kernel_size, strides, word, dilation_rate)
    return int(conv.compute_output_shape((1, length, 1))[1])


@cache
def _same_conv(strides: int) -> Callable[[Any, Any], Any]:
    """Keras' ``ops.conv`` (the op a Conv1D layer runs) with ``padding="same"``, as one
    TensorFlow graph per stride for rows and kernels of any length: a call costs a fraction
    of an eager one, which matters over the hundreds of cases a learner's function meets."""
    import tensorflow as tf

    ops = load_keras().ops
    return tf.function(
        lambda row, taps: ops.conv(row, taps, strides=strides, padding="same"),
        input_signature=[tf.TensorSpec([1, None, 1], tf.float32), tf.TensorSpec([None, 1, None], tf.float32)],
    )


@cache
def _taps(kernel_size: int) -> np.ndarray:
    """Filter t of the kernel is one on tap t and zero elsewhere."""
    return np.eye(kernel_size, dtype="float32").reshape(kernel_size, 1, kernel_size)


@cache
def keras_split(n: int, kernel_size: int, strides: int) -> tuple[int, int]:
    """The (before, after) zeros of Keras' ``padding="same"``, measured on a run.

    The row holds 1, 2, …, n and filter t has one weight, 1, on tap t: output j of filter t
    is the pixel under tap t of window j, so a value v there means the window starts
    v − 1 − t pixels into the row, and ``before`` zeros come first. One run of Keras'
    ``ops.conv`` per case, in a graph kept for each stride:
    ``probes.keras_same_padding`` finds the same split by trying paddings until the outputs
    agree, with whole Conv2D layers; the tests hold the two together.

    >>> keras_split(28, 3, 2)
    (0, 1)
    """
    row = np.arange(1, n + 1, dtype="float32").reshape(1, n, 1)
    out = np.asarray(_same_conv(strides)(row, _taps(kernel_size)))[0]
    window, tap = (int(i[0]) for i in np.nonzero(out))
    before = window * strides + tap + 1 - int(out[window, tap])
    total = max((out.shape[0] - 1) * strides + kernel_size - n, 0)
    return before, total - before


def stack_width(layers: list[Any], size: int) -> int:
    """Width of the output of a stack of layers, run on a size×size one-channel image.

    >>> stack_width([load_keras().layers.Conv2D(1, 3, strides=2)], 28)
    13
    """
    x = np.zeros((1, size, size, 1), dtype="float32")
    for layer in layers:
        x = layer(x)
    return int(x.shape[2])


def unseen_pixels(kernel: int, stride: int, size: int, padding: str = "valid") -> int:
    """Input pixels that reach no output of one Conv2D on a size×size image, found by
    lighting them one at a time (``keras_influence``).

    >>> unseen_pixels(1, 2, 4)
    12
    """
    from .probes import keras_influence

    seen = keras_influence(
        [load_keras().layers.Conv2D(1, kernel, strides=stride, padding=padding)], (size, size)
    )
    return int((~seen.any(axis=(0, 1))).sum())


def ones_conv(image: np.ndarray, stride: int) -> np.ndarray:
    """A 3×3 Conv2D with every weight 1 and no bias, run on one 2-D image.

    >>> ones_conv(np.ones((4, 4)), 1).tolist()
    [[9.0, 9.0], [9.0, 9.0]]
    """
    layer = load_keras().layers.Conv2D(1, 3, strides=stride, kernel_initializer="ones", use_bias=False)
    return np.asarray(layer(image[None, :, :, None].astype("float32")))[0, :, :, 0]


def axis_reads(kind: str, config: dict, size: int, axis: int = 0) -> np.ndarray:
    """Which input positions each output position of a layer reads along one axis (0:
    height, 1: width), measured: a ``kind`` layer built from ``config`` (settings that act
    along that axis alone, all weights one) is run on one lit pixel at a time of an input
    ``size`` pixels long along the axis and 1 across. reads[o, i] is True where lit pixel i
    moves output position o.

    >>> axis_reads("UpSampling2D", {"size": (2, 1), "interpolation": "bilinear"}, 3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1], [0, 0, 1]]
    """
    layer = getattr(load_keras().layers, kind).from_config(config)
    shape = (size, 1, 1) if axis == 0 else (1, size, 1)
    impulses = np.eye(size, dtype="float32").reshape(size, *shape)
    response = np.asarray(layer(impulses))  # (lit pixel, height, width, channels)
    along = response.sum(axis=3).reshape(size, -1)  # the axis across is 1 long
    return (np.abs(along) > 0).T
