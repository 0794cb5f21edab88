"""Conv2D models with a chosen padding and stride, and Keras summaries as plain text.

>>> mnist_model(strides=2, padding="same").count_params()
85770
"""

from __future__ import annotations

import io
import os
import re
from contextlib import contextmanager, nullcontext, redirect_stdout
from typing import Any

import numpy as np

from .. import arguments
from ..conv.arithmetic import IntOrPair, Padding, axes_2d
from ..runtime import load_keras

SUMMARY_WIDTH = 80
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def padding_layers(padding: Padding, name: str = "pad") -> tuple[Any | None, str]:
    """Keras' Conv2D knows only "valid" and "same": pixel counts become a ZeroPadding2D
    layer (called ``name``) in front of a "valid" Conv2D. Returns (that layer or None,
    the Conv2D's padding word).

    >>> padding_layers("SAME")
    (None, 'same')
    >>> layer, word = padding_layers(((0, 1), (2, 2)))
    >>> layer.padding, word
    (((0, 1), (2, 2)), 'valid')
    """
    return _padding_layer(arguments.padding_2d(padding), name)


def _padding_layer(axes: tuple, name: str) -> tuple[Any | None, str]:
    """padding_layers for a padding arguments.padding_2d has already normalised."""
    if isinstance(axes[0], str):
        return None, axes[0]
    return load_keras().layers.ZeroPadding2D(padding=axes, name=name), "valid"


def conv_model(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    filters: int = 32,
    kernel_size: IntOrPair = 3,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    conv_layers: int = 3,
    dense_units: int = 128,
    classes: int = 10,
    name: str | None = None,
) -> Any:
    """Conv2D×n (relu) → Flatten → Dense(relu) → Dense(softmax); the Conv2D settings
    in Keras' order and with Keras' names.

    ``padding`` is "valid", "same", an int or a pair; numbers are built as
    ZeroPadding2D followed by a "valid" Conv2D. Layer names are fixed (conv_1,
    conv_2, ..., flatten, dense, output), so two builds print the same summary.
    Every setting is checked before Keras sees it.

    >>> conv_model(strides=2, padding="same").output_shape
    (None, 10)
    """
    kernels, steps, axes = _checked_settings(
        input_shape, filters, kernel_size, strides, padding, conv_layers, dense_units, classes, name
    )
    _check_every_layer_fits(input_shape[:2], kernels, steps, axes, conv_layers)
    k = load_keras()
    layers = [k.Input(shape=tuple(input_shape), name="image")]
    for i in range(1, conv_layers + 1):
        pad_layer, word = _padding_layer(axes, name=f"pad_{i}")
        if pad_layer is not None:
            layers.append(pad_layer)
        layers.append(
            k.layers.Conv2D(
                filters, kernels, strides=steps, padding=word, activation="relu", name=f"conv_{i}"
            )
        )
    layers += [
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(dense_units, activation="relu", name="dense"),
        k.layers.Dense(classes, activation="softmax", name="output"),
    ]
    return k.Sequential(layers, name=name or _default_name(padding, steps))


def _checked_settings(
    input_shape: Any,
    filters: Any,
    kernel_size: Any,
    strides: Any,
    padding: Any,
    conv_layers: Any,
    dense_units: Any,
    classes: Any,
    name: Any,
) -> tuple[tuple[int, int], tuple[int, int], tuple]:
    """conv_model's door: every setting checked before Keras sees it; the kernel and the
    strides as pairs, and the padding as arguments.padding_2d gives it."""
    arguments.keras_input_shape(input_shape)
    for value, label in (
        (filters, "filters"),
        (conv_layers, "conv_layers"),
        (dense_units, "dense_units"),
        (classes, "classes"),
    ):
        arguments.positive_int(value, label)
    kernels = arguments.positive_pair(kernel_size, "kernel_size")
    steps = arguments.positive_pair(strides, "strides")
    axes = arguments.padding_2d(padding)
    for value, label in (
        (input_shape, "input_shape"),
        (filters, "filters"),
        (kernel_size, "kernel_size"),
        (strides, "strides"),
        (padding, "padding"),
        (dense_units, "dense_units"),
        (classes, "classes"),
    ):
        arguments.int32(value, label)
    if name is not None and (not isinstance(name, str) or not name):
        raise ValueError(f"name={name!r} is not allowed: give a non-empty string, or None for a default")
    return kernels, steps, axes


def _check_every_layer_fits(size: tuple[int, int], kernels, steps, axes, conv_layers: int) -> None:
    """Each Conv2D must fit what the one before leaves (the settings already checked)."""
    for i in range(1, conv_layers + 1):
        try:
            h, w = axes_2d(size, kernels, steps, axes, (1, 1))
        except ValueError as error:
            raise ValueError(f"conv_{i} on its {size[0]}×{size[1]} input: {error}") from None
        size = (h.output, w.output)


def _default_name(padding: Padding, strides: tuple[int, int]) -> str:
    pad = padding.lower() if isinstance(padding, str) else "padded"
    stride = strides[0] if strides[0] == strides[1] else "x".join(str(s) for s in strides)
    return pad if stride == 1 else f"{pad}_stride{stride}"


MNIST_VARIANTS = {
    "valid": {"padding": "valid", "strides": 1},
    "same": {"padding": "same", "strides": 1},
    "stride": {"padding": "same", "strides": 2},
}


def mnist_model(*, strides: IntOrPair = 1, padding: Padding = "valid") -> Any:
    """The notebooks' MNIST model (28×28×1 input, three 3×3 Conv2D layers of 32
    filters, Dense 128, Dense 10) with the given stride and padding, by keyword.

    valid → 2,002,698 parameters; same → 3,231,498; same with strides=2 → 85,770.

    >>> mnist_model(padding="valid").count_params()
    2002698
    """
    return conv_model((28, 28, 1), strides=strides, padding=padding)


def one_filter_conv(
    input_shape: tuple[int, int],
    kernel: Any,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    bias: float = 0.0,
) -> Any:
    """A Keras model with one Conv2D of one filter whose weights are ``kernel`` and ``bias``,
    for a one-channel (height, width) input.

    Numeric padding is a ZeroPadding2D layer in front of a "valid" Conv2D.

    >>> one_filter_conv((8, 8), [[0, 1, 0]] * 3, strides=2).output_shape
    (None, 3, 3, 1)
    """
    height, width = arguments.positive_pair(input_shape, "input_shape")
    kernel = arguments.image_2d(kernel, "kernel")
    bias = arguments.real_number(bias, "bias")
    sizes, kernels, steps, dilations = arguments.conv_settings_2d(
        (height, width), kernel.shape, strides, dilation_rate
    )
    axes = arguments.padding_2d(padding)
    axes_2d(sizes, kernels, steps, axes, dilations)  # the window must fit: the package's message if not
    for value, label in ((strides, "strides"), (padding, "padding"), (dilation_rate, "dilation_rate")):
        arguments.int32(value, label)
    k = load_keras()
    layers = [k.Input(shape=(height, width, 1), name="image")]
    pad_layer, word = _padding_layer(axes, name="pad")
    if pad_layer is not None:
        layers.append(pad_layer)
    conv = k.layers.Conv2D(
        1, kernel.shape, strides=strides, padding=word, dilation_rate=dilation_rate, name="conv"
    )
    layers.append(conv)
    model = k.Sequential(layers, name="one_filter")
    conv.set_weights([kernel.reshape(*kernel.shape, 1, 1), np.array([bias])])
    return model


def mnist_variant(variant: str) -> Any:
    """The MNIST model called "valid", "same" or "stride" (same padding, stride 2)."""
    if variant not in MNIST_VARIANTS:
        allowed = ", ".join(MNIST_VARIANTS)
        raise ValueError(f"variant={variant!r} is not allowed: use one of {allowed}")
    return mnist_model(**MNIST_VARIANTS[variant])


def summary_text(model: Any, width: int = SUMMARY_WIDTH) -> str:
    """Keras' own model summary as plain text, at a fixed width and without colour.

    >>> print(summary_text(mnist_model()).splitlines()[0])
    Model: "valid"
    """
    lines: list[str] = []

    def collect(text: str, line_break: bool | None = None) -> None:
        lines.append(text)

    buffer = io.StringIO()
    with _plain_rich_console(width), redirect_stdout(buffer):
        model.summary(line_length=width, print_fn=collect)
    text = "\n".join(lines) + buffer.getvalue()
    text = _ANSI.sub("", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@contextmanager
def _plain_rich_console(width: int):
    """Keras draws its summary with rich, which takes its width from the terminal (or, in a
    notebook, from JUPYTER_COLUMNS) and in a notebook also emits an empty HTML display: pin
    the width and drop that display for the length of the call (IPython's public capture)."""
    saved = {name: os.environ.get(name) for name in ("COLUMNS", "JUPYTER_COLUMNS")}
    os.environ.update(COLUMNS=str(width), JUPYTER_COLUMNS=str(width))
    try:
        with _displays_dropped():
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _displays_dropped():
    """Within a notebook kernel, what the block displays is captured and dropped."""
    try:
        from IPython.utils.capture import capture_output
    except ImportError:  # no IPython: nothing is displayed anyway
        return nullcontext()
    return capture_output(stdout=False, stderr=False, display=True)
