"""Conv2D models with a chosen padding and stride, and Keras summaries as plain text.

>>> mnist_model("same", strides=2).count_params()
85770
"""

from __future__ import annotations

import io
import os
import re
from contextlib import contextmanager, redirect_stdout
from typing import Any

from ._keras import keras
from .arithmetic import (
    IntOrPair,
    Padding,
    _check_positive_int,
    _padding_word,
    _parse_axis_padding,
    _split_2d_padding,
)

SUMMARY_WIDTH = 80
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _padding_layer(padding: Padding, name: str) -> tuple[Any | None, str]:
    """Keras' Conv2D knows only "valid" and "same": numbers become a ZeroPadding2D layer."""
    if isinstance(padding, str):
        return None, _padding_word(padding)
    axes = tuple(_parse_axis_padding(p) for p in _split_2d_padding(padding))
    return keras().layers.ZeroPadding2D(padding=axes, name=name), "valid"


def conv_model(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    padding: Padding = "valid",
    strides: IntOrPair = 1,
    filters: int = 32,
    kernel_size: IntOrPair = 3,
    conv_layers: int = 3,
    dense_units: int = 128,
    classes: int = 10,
    name: str | None = None,
) -> Any:
    """Conv2D×n (relu) → Flatten → Dense(relu) → Dense(softmax).

    ``padding`` is "valid", "same", an int or a pair; numbers are built as
    ZeroPadding2D followed by a "valid" Conv2D. Layer names are fixed (conv_1,
    conv_2, ..., flatten, dense, output), so two builds print the same summary.

    >>> conv_model(padding="same", strides=2).output_shape
    (None, 10)
    """
    for value, label in (
        (filters, "filters"),
        (conv_layers, "conv_layers"),
        (dense_units, "dense_units"),
        (classes, "classes"),
    ):
        _check_positive_int(value, label)
    k = keras()
    layers = [k.Input(shape=tuple(input_shape), name="image")]
    for i in range(1, conv_layers + 1):
        pad_layer, word = _padding_layer(padding, name=f"pad_{i}")
        if pad_layer is not None:
            layers.append(pad_layer)
        layers.append(
            k.layers.Conv2D(
                filters,
                kernel_size,
                strides=strides,
                padding=word,
                activation="relu",
                name=f"conv_{i}",
            )
        )
    layers += [
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(dense_units, activation="relu", name="dense"),
        k.layers.Dense(classes, activation="softmax", name="output"),
    ]
    return k.Sequential(layers, name=name or _default_name(padding, strides))


def _default_name(padding: Padding, strides: IntOrPair) -> str:
    pad = padding.lower() if isinstance(padding, str) else "padded"
    stride = strides if isinstance(strides, int) else "x".join(str(s) for s in strides)
    return pad if stride == 1 else f"{pad}_stride{stride}"


MNIST_VARIANTS = {
    "valid": {"padding": "valid", "strides": 1},
    "same": {"padding": "same", "strides": 1},
    "stride": {"padding": "same", "strides": 2},
}


def mnist_model(padding: str = "valid", strides: int = 1) -> Any:
    """One of the seed notebook's three MNIST models (28×28×1 input, three 3×3 Conv2D
    layers of 32 filters, Dense 128, Dense 10).

    valid → 2,002,698 parameters; same → 3,231,498; same with strides=2 → 85,770.

    >>> mnist_model("valid").count_params()
    2002698
    """
    return conv_model((28, 28, 1), padding=padding, strides=strides)


def mnist_variant(variant: str) -> Any:
    """The seed model called "valid", "same" or "stride" (same padding, stride 2)."""
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
    """Keras draws its summary with rich, which in a notebook also emits an (empty) HTML
    display and takes its width from the terminal; pin both for the length of the call."""
    import rich.console

    saved_is_jupyter = rich.console._is_jupyter
    saved_columns = os.environ.get("COLUMNS")
    rich.console._is_jupyter = lambda: False
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        rich.console._is_jupyter = saved_is_jupyter
        if saved_columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved_columns
