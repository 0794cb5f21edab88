"""Measure what real Keras layers do, without using the package's arithmetic.

The quiz proves its answer keys with these, and the tests hold the arithmetic against
them: the padding split is found by trying explicit zeros until the output matches, and
receptive fields by sending one lit pixel at a time through the layers.

>>> keras_same_padding(28, 3, strides=2)
(0, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._keras import keras
from .tracing import layers_and_shape

SPATIAL_LAYERS = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "ZeroPadding2D")


def keras_same_padding(
    size: int, kernel_size: int, strides: int = 1, dilation_rate: int = 1
) -> tuple[int, int]:
    """The fewest (before, after) zeros with which ZeroPadding + a "valid" Conv2D give
    exactly the output of Keras' padding="same" Conv2D, on a row of ``size`` pixels."""
    layers = keras().layers
    rng = np.random.default_rng(0)
    row = rng.normal(size=(1, 1, size, 1)).astype("float32")
    kernel = rng.normal(size=(1, kernel_size, 1, 1)).astype("float32")

    def conv(padding: str, x: np.ndarray) -> np.ndarray:
        layer = layers.Conv2D(
            1,
            (1, kernel_size),
            strides=(1, strides),
            padding=padding,
            dilation_rate=(1, dilation_rate),
            use_bias=False,
        )
        layer.build(x.shape)
        layer.set_weights([kernel])
        return np.asarray(layer(x))

    same = conv("same", row)
    span = (kernel_size - 1) * dilation_rate + 1
    for total in range(span + strides):
        for before in range(total + 1):
            padded = np.pad(row, ((0, 0), (0, 0), (before, total - before), (0, 0)))
            if padded.shape[2] < span:
                continue
            valid = conv("valid", padded)
            if valid.shape == same.shape and np.allclose(valid, same, atol=1e-5):
                return (before, total - before)
    raise AssertionError(f"no explicit padding reproduces Keras' 'same' output on {size} pixels")


def keras_influence(model_or_layers: Any, input_shape: tuple[int, int] | None = None) -> np.ndarray:
    """Which input pixels change which output pixels, found with Keras.

    The spatial layers (up to the first Flatten or Dense) are rebuilt with one filter of
    ones and no bias, then fed one lit pixel at a time; every value stays non-negative,
    so an output is above zero exactly when the lit pixel reaches it. Returns a boolean
    array indexed [out_row, out_col, in_row, in_col].

    >>> from keras import layers
    >>> seen = keras_influence([layers.Conv2D(8, 3)], input_shape=(5, 5))
    >>> seen.shape, int(seen[0, 0].sum())
    ((3, 3, 5, 5), 9)
    """
    k = keras()
    layers, (height, width, _) = layers_and_shape(model_or_layers, input_shape)
    rebuilt = [k.Input((height, width, 1))]
    for layer in layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        if kind in ("Flatten", "Dense"):
            break
        if kind not in SPATIAL_LAYERS:
            raise ValueError(
                f"layer {layer.name!r} is a {kind}; keras_influence() takes {', '.join(SPATIAL_LAYERS)}"
            )
        config = layer.get_config()
        config.pop("name", None)
        if kind == "Conv2D":
            config.update(filters=1, use_bias=False, activation="linear", kernel_initializer="ones", groups=1)
        rebuilt.append(type(layer).from_config(config))
    probe = k.Sequential(rebuilt)
    impulses = np.eye(height * width, dtype="float32").reshape(height * width, height, width, 1)
    response = np.asarray(probe(impulses))[..., 0]
    out_h, out_w = response.shape[1:]
    return (response > 0).reshape(height, width, out_h, out_w).transpose(2, 3, 0, 1)
