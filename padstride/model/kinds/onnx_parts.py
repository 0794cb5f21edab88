"""What the entries' ONNX converters share: the value a converter passes on, the layouts, the
layer's weights, and Keras' activations as ONNX nodes.

A converter takes the graph builder of ``padstride.export.onnx`` (its methods ``op``,
``constant``, ``weight``, ``like``, ``nchw`` and ``keras_layout``), the traced row of one
layer call, and the values of its inputs; it returns the value of its output. ``onnx`` is
imported only where a node needs one of its constants.

>>> OnnxValue("x", (8, 8, 3), nchw=True).rank
4
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .base import refuse

TO_NCHW, TO_NHWC = (0, 3, 1, 2), (0, 2, 3, 1)
# Keras' constants for selu (TensorFlow's tf.nn.selu), rounded to float32 by ONNX.
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


@dataclass(frozen=True)
class OnnxValue:
    """An ONNX value standing for a Keras tensor: its Keras shape (batch left out) and
    whether the ONNX value holds it as NCHW (only 4-D tensors, with the batch axis)."""

    name: str
    shape: tuple[int, ...]
    nchw: bool = False

    @property
    def rank(self) -> int:
        return len(self.shape) + 1


def onnx_axis(keras_axis: int, value: OnnxValue) -> int:
    """Where Keras' ``axis`` (batch axis 0, negative from the end) lies in the ONNX value.

    >>> onnx_axis(-1, OnnxValue("x", (8, 8, 3), nchw=True))
    1
    """
    axis = keras_axis % value.rank
    return TO_NCHW.index(axis) if value.nchw else axis


def weights(row: Any) -> list[np.ndarray]:
    """The layer's weights as float32 NumPy arrays, in Keras' order."""
    return [np.asarray(w, dtype=np.float32) for w in row.layer.get_weights()]


def numpy_value(value: Any) -> np.ndarray:
    """A Keras variable or TensorFlow tensor as float32 NumPy (``.numpy()``: NumPy 2 warns
    about TensorFlow's ``__array__``)."""
    return np.asarray(value.numpy(), dtype=np.float32)


def clip(b: Any, x: str, low: float, high: float, hint: str) -> str:
    """``x`` clipped to [low, high]."""
    return b.op("Clip", [x, b.constant(low, f"{hint}/low"), b.constant(high, f"{hint}/high")], hint)


# Activations: each takes the builder, the ONNX value's name, a name hint and the ONNX axis
# of Keras' last axis (for softmax), and returns the output value's name.


def _unary(op_type: str, **attributes: Any) -> Callable:
    return lambda b, x, hint, axis: b.op(op_type, [x], hint, **attributes)


def _silu(b: Any, x: str, hint: str, axis: int) -> str:
    return b.op("Mul", [x, b.op("Sigmoid", [x], hint)], hint)


def _hard_sigmoid(b: Any, x: str, hint: str, axis: int) -> str:
    # TensorFlow's steps, relu6(x + 3) / 6, rather than HardSigmoid's max(0, min(1, x/6 + 0.5)).
    shifted = b.op("Add", [x, b.constant(3.0, f"{hint}/three")], hint)
    return b.op("Div", [clip(b, shifted, 0.0, 6.0, hint), b.constant(6.0, f"{hint}/six")], hint)


def _gelu(b: Any, x: str, hint: str, axis: int) -> str:
    # Keras' default, approximate=False: 0.5·x·(1 + erf(x/√2)); Gelu itself is opset 20.
    erf = b.op("Erf", [b.op("Div", [x, b.constant(math.sqrt(2.0), f"{hint}/sqrt2")], hint)], hint)
    one_plus = b.op("Add", [erf, b.constant(1.0, f"{hint}/one")], hint)
    return b.op("Mul", [b.op("Mul", [x, b.constant(0.5, f"{hint}/half")], hint), one_plus], hint)


def _hard_silu(b: Any, x: str, hint: str, axis: int) -> str:
    return b.op("Mul", [x, _hard_sigmoid(b, x, hint, axis)], hint)


def _mish(b: Any, x: str, hint: str, axis: int) -> str:
    return b.op("Mul", [x, b.op("Tanh", [b.op("Softplus", [x], hint)], hint)], hint)


_ACTIVATION_OPS: dict[str, Callable] = {
    "relu": _unary("Relu"),
    "relu6": lambda b, x, hint, axis: clip(b, x, 0.0, 6.0, hint),
    "sigmoid": _unary("Sigmoid"),
    "tanh": _unary("Tanh"),
    "softmax": lambda b, x, hint, axis: b.op("Softmax", [x], hint, axis=axis),
    "silu": _silu,
    "gelu": _gelu,
    "hard_sigmoid": _hard_sigmoid,
    "hard_silu": _hard_silu,
    "elu": _unary("Elu", alpha=1.0),
    "selu": _unary("Selu", alpha=SELU_ALPHA, gamma=SELU_SCALE),
    "leaky_relu": _unary("LeakyRelu", alpha=0.2),
    "softplus": _unary("Softplus"),
    "softsign": _unary("Softsign"),
    "exponential": _unary("Exp"),
    "mish": _mish,
}
_ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}
ACTIVATIONS = ("linear", *_ACTIVATION_OPS, *_ALIASES)


def activation(b: Any, row: Any, x: OnnxValue, name: Any) -> OnnxValue:
    """``x`` after Keras' activation ``name`` (as get_config() gives it); softmax over the
    last Keras axis, wherever the layout puts it."""
    if name in (None, "linear"):
        return x
    known = _ALIASES.get(name, name) if isinstance(name, str) else None
    if known not in _ACTIVATION_OPS:
        raise refuse(row, "activation", name, ", ".join(ACTIVATIONS))
    return replace(x, name=_ACTIVATION_OPS[known](b, x.name, f"{row.name}/{known}", onnx_axis(-1, x)))
