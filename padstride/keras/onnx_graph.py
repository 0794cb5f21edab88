"""A Keras model as an ONNX graph that computes the same outputs, TensorFlow's padding written out.

ONNX's ``auto_pad="SAME_UPPER"`` happens to match TensorFlow, but a converter that writes
``pads`` itself must know TensorFlow's split: at stride 2 it is lopsided, (0, 1) on an
even size, and symmetric pads give a shifted, wrong answer. Here every layer that moves
pixels gets the zeros ``explain()`` computes, as ``pads=[top, left, bottom, right]`` (what
``port()`` prints); no node uses ``auto_pad``. The graph reads NHWC float32 images as
Keras does, works in NCHW inside, and gives NHWC back. ``run_onnx`` runs it with onnx's
pure-Python ReferenceEvaluator.

>>> from keras import layers
>>> proto = onnx_model([layers.Conv2D(4, 3, strides=2, padding="same")], input_shape=(8, 8, 2))
>>> [list(attribute.ints) for attribute in proto.graph.node[1].attribute if attribute.name == "pads"]
[[0, 0, 1, 1]]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .graph import LayerCall, walk
from .layer_kinds import JOIN_LAYERS, SUPPORTED_LAYERS, axes_of
from .tracing import LayerTrace, explain_graph

if TYPE_CHECKING:
    import onnx

__all__ = ["ACTIVATIONS", "CONVERTED_LAYERS", "OPSET", "onnx_model", "run_onnx"]

OPSET = 17
CONVERTED_LAYERS = tuple(kind for kind in SUPPORTED_LAYERS[1:] if kind != "Conv2DTranspose")
TO_NCHW, TO_NHWC = (0, 3, 1, 2), (0, 2, 3, 1)
# Keras' constants for selu (TensorFlow's tf.nn.selu), rounded to float32 by ONNX.
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


@dataclass(frozen=True)
class _Tensor:
    """An ONNX value standing for a Keras tensor: its Keras shape (batch left out) and
    whether the ONNX value holds it as NCHW (only 4-D tensors, with the batch axis)."""

    name: str
    shape: tuple[int, ...]
    nchw: bool = False

    @property
    def rank(self) -> int:
        return len(self.shape) + 1


def onnx_model(model_or_layers: Any, input_shape: Any = None) -> onnx.ModelProto:
    """An ONNX model (opset 17, checked by ``onnx.checker``) computing what the Keras model
    (Sequential or functional, nested models walked into) or list of layers computes.

    Inputs are NHWC float32 with a symbolic batch axis, named as the model's inputs; outputs
    are ``output`` (or ``output_0``, ``output_1``, …) in Keras' layout. Padding, pooling and
    cropping use the explicit zeros of ``padstride.explain``. A layer outside
    CONVERTED_LAYERS, or a setting the conversion does not reproduce, raises a ValueError
    naming the layer. Layers of a list that are not built yet are built (fresh weights), as
    Keras would on their first call.

    >>> from keras import layers
    >>> proto = onnx_model([layers.AveragePooling2D(2, padding="same")], input_shape=(5, 5, 1))
    >>> [node.op_type for node in proto.graph.node]
    ['Transpose', 'AveragePool', 'Transpose', 'Identity']
    """
    import onnx

    graph = walk(model_or_layers, input_shape)
    for call in graph.calls:
        if call.kind.startswith("ops."):
            raise ValueError(
                f"operation {call.label!r} is keras.{call.kind}, an operation rather than a layer, which "
                f"onnx_model does not convert; supported layers: {', '.join(CONVERTED_LAYERS)}"
            )
        if call.kind not in CONVERTED_LAYERS:
            raise ValueError(
                f"layer {call.label!r} is a {call.kind}, which onnx_model does not convert; "
                f"supported: {', '.join(CONVERTED_LAYERS)}"
            )
    builder = _Builder()
    inputs = []
    for item in graph.inputs:
        inputs.append(_value_info(item.name, item.shape))
        builder.tensors[item.key] = _Tensor(item.name, item.shape)
    for call, row in zip(graph.calls, explain_graph(graph)):
        _check_layer(call)
        _ensure_built(call.layer, row)
        result = _CONVERTERS[call.kind](builder, call, row, [builder.tensors[key] for key in call.inputs])
        for key in call.outputs:
            builder.tensors[key] = result
    names = ["output"] if len(graph.outputs) == 1 else [f"output_{i}" for i in range(len(graph.outputs))]
    outputs = []
    for name, key in zip(names, graph.outputs):
        tensor = builder.keras_layout(builder.tensors[key])
        builder.nodes.append(onnx.helper.make_node("Identity", [tensor.name], [name], name=name))
        outputs.append(_value_info(name, tensor.shape))
    title = getattr(model_or_layers, "name", "layers")
    proto = onnx.helper.make_model(
        onnx.helper.make_graph(builder.nodes, str(title), inputs, outputs, builder.initializers),
        opset_imports=[onnx.helper.make_opsetid("", OPSET)],
        producer_name="padstride",
    )
    onnx.checker.check_model(proto)
    return proto


def run_onnx(proto: onnx.ModelProto, images: Any) -> np.ndarray | list[np.ndarray]:
    """Run ``proto`` with onnx's ReferenceEvaluator (pure Python) on NHWC float32 images
    (batch axis first); several inputs as a list in the model's input order. Returns the
    output, or the list of outputs when there are several.

    >>> import numpy as np
    >>> from keras import layers
    >>> proto = onnx_model([layers.Conv2D(4, 3, strides=2, padding="same")], input_shape=(8, 8, 2))
    >>> run_onnx(proto, np.ones((1, 8, 8, 2))).shape
    (1, 4, 4, 4)
    """
    from onnx.reference import ReferenceEvaluator

    names = [value.name for value in proto.graph.input]
    arrays = [images] if len(names) == 1 else list(images)
    if len(arrays) != len(names):
        raise ValueError(f"the graph takes {len(names)} inputs ({', '.join(names)}), got {len(arrays)}")
    feeds = {name: np.asarray(array, dtype=np.float32) for name, array in zip(names, arrays)}
    results = ReferenceEvaluator(proto).run(None, feeds)
    return results[0] if len(results) == 1 else list(results)


def _value_info(name: str, shape: tuple[int, ...]) -> Any:
    import onnx

    return onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, ["batch", *shape])


class _Builder:
    """Collects nodes and initializers, gives every value a fresh name, and keeps one
    transposed copy of a tensor however many layers read it in the other layout."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.initializers: list = []
        self.tensors: dict[int, _Tensor] = {}
        self._names: set[str] = set()
        self._views: dict[tuple[str, bool], _Tensor] = {}
        self._weights: dict[tuple[int, str], str] = {}

    def fresh(self, hint: str) -> str:
        name, number = hint, 1
        while name in self._names:
            number += 1
            name = f"{hint}_{number}"
        self._names.add(name)
        return name

    def op(self, op_type: str, inputs: Sequence[str], hint: str, **attributes: Any) -> str:
        """Append one node; returns the name of its (single) output."""
        import onnx

        output = self.fresh(f"{hint}/{op_type}")
        self.nodes.append(onnx.helper.make_node(op_type, list(inputs), [output], name=output, **attributes))
        return output

    def constant(self, value: Any, hint: str, dtype: Any = np.float32) -> str:
        import onnx

        name = self.fresh(hint)
        self.initializers.append(onnx.numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def weight(self, layer: Any, role: str, array: np.ndarray, hint: str) -> str:
        """An initializer for one of ``layer``'s weights, shared by every call of the layer."""
        key = (id(layer), role)
        if key not in self._weights:
            layer_label = hint.rsplit(" (call ", 1)[0]
            self._weights[key] = self.constant(array, f"{layer_label}/{role}")
        return self._weights[key]

    def like(self, value: Any, tensor: _Tensor, hint: str) -> str:
        """A constant that broadcasts against ``tensor`` as ``value`` broadcasts (NumPy's
        rules, batch axis included) against the Keras tensor."""
        array = np.asarray(value, dtype=np.float32)
        if tensor.nchw and array.ndim:
            array = array.reshape((1,) * (4 - array.ndim) + array.shape).transpose(TO_NCHW)
        return self.constant(array, hint)

    def nchw(self, tensor: _Tensor) -> _Tensor:
        return tensor if tensor.nchw else self._transposed(tensor, TO_NCHW)

    def keras_layout(self, tensor: _Tensor) -> _Tensor:
        return self._transposed(tensor, TO_NHWC) if tensor.nchw else tensor

    def _transposed(self, tensor: _Tensor, perm: tuple[int, ...]) -> _Tensor:
        wanted = perm == TO_NCHW
        key = (tensor.name, wanted)
        if key not in self._views:
            name = self.op("Transpose", [tensor.name], tensor.name.split("/")[0], perm=list(perm))
            view = _Tensor(name, tensor.shape, wanted)
            self._views[key] = view
            self._views[(name, tensor.nchw)] = tensor  # transposing back gives the original
        return self._views[key]


def _onnx_axis(keras_axis: int, tensor: _Tensor) -> int:
    """Where Keras' ``axis`` (batch axis 0, negative from the end) lies in the ONNX value."""
    axis = keras_axis % tensor.rank
    return TO_NCHW.index(axis) if tensor.nchw else axis


def _refuse(call: LayerCall, setting: str, value: Any, supported: str) -> ValueError:
    return ValueError(
        f"layer {call.label!r} ({call.kind}) has {setting}={value!r}, which onnx_model does not convert; "
        f"supported: {supported}"
    )


def _check_layer(call: LayerCall) -> None:
    layer = call.layer
    if getattr(layer, "compute_dtype", "float32") != "float32":
        raise _refuse(call, "dtype", layer.compute_dtype, "float32 layers")
    if getattr(layer, "quantization_mode", None) is not None:
        raise _refuse(call, "quantization_mode", layer.quantization_mode, "None (float weights)")
    if getattr(layer, "lora_enabled", False):
        raise _refuse(
            call, "lora_rank", getattr(layer, "lora_rank", None), "None (merge the LoRA weights first)"
        )


def _ensure_built(layer: Any, row: LayerTrace) -> None:
    if layer.built:
        return
    shapes = [(None, *shape) for shape in row.input_shapes]
    layer.build(shapes if row.kind in JOIN_LAYERS else shapes[0])


def _weights(call: LayerCall) -> list[np.ndarray]:
    return [np.asarray(w, dtype=np.float32) for w in call.layer.get_weights()]


def _numpy(value: Any) -> np.ndarray:
    """A Keras variable or TensorFlow tensor as float32 NumPy (``.numpy()``: NumPy 2 warns
    about TensorFlow's ``__array__``)."""
    return np.asarray(value.numpy(), dtype=np.float32)


# Activations: each takes the builder, the ONNX value and a name hint (softmax also the
# ONNX axis of Keras' last axis) and returns the output value.


def _clip(b: _Builder, x: str, low: float, high: float, hint: str) -> str:
    return b.op("Clip", [x, b.constant(low, f"{hint}/low"), b.constant(high, f"{hint}/high")], hint)


def _unary(op_type: str, **attributes: Any) -> Callable:
    return lambda b, x, hint, axis: b.op(op_type, [x], hint, **attributes)


def _silu(b: _Builder, x: str, hint: str, axis: int) -> str:
    return b.op("Mul", [x, b.op("Sigmoid", [x], hint)], hint)


def _hard_sigmoid(b: _Builder, x: str, hint: str, axis: int) -> str:
    # TensorFlow's steps, relu6(x + 3) / 6, rather than HardSigmoid's max(0, min(1, x/6 + 0.5)).
    shifted = b.op("Add", [x, b.constant(3.0, f"{hint}/three")], hint)
    return b.op("Div", [_clip(b, shifted, 0.0, 6.0, hint), b.constant(6.0, f"{hint}/six")], hint)


def _gelu(b: _Builder, x: str, hint: str, axis: int) -> str:
    # Keras' default, approximate=False: 0.5·x·(1 + erf(x/√2)); Gelu itself is opset 20.
    erf = b.op("Erf", [b.op("Div", [x, b.constant(math.sqrt(2.0), f"{hint}/sqrt2")], hint)], hint)
    one_plus = b.op("Add", [erf, b.constant(1.0, f"{hint}/one")], hint)
    return b.op("Mul", [b.op("Mul", [x, b.constant(0.5, f"{hint}/half")], hint), one_plus], hint)


def _hard_silu(b: _Builder, x: str, hint: str, axis: int) -> str:
    return b.op("Mul", [x, _hard_sigmoid(b, x, hint, axis)], hint)


def _mish(b: _Builder, x: str, hint: str, axis: int) -> str:
    return b.op("Mul", [x, b.op("Tanh", [b.op("Softplus", [x], hint)], hint)], hint)


_ACTIVATION_OPS: dict[str, Callable] = {
    "relu": _unary("Relu"),
    "relu6": lambda b, x, hint, axis: _clip(b, x, 0.0, 6.0, hint),
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


def _activation(b: _Builder, call: LayerCall, x: _Tensor, activation: Any) -> _Tensor:
    """``x`` after Keras' ``activation`` (a name from get_config()); softmax over the last
    Keras axis, wherever the layout puts it."""
    if activation in (None, "linear"):
        return x
    name = _ALIASES.get(activation, activation) if isinstance(activation, str) else None
    if name not in _ACTIVATION_OPS:
        raise _refuse(call, "activation", activation, ", ".join(ACTIVATIONS))
    return replace(x, name=_ACTIVATION_OPS[name](b, x.name, f"{call.label}/{name}", _onnx_axis(-1, x)))


# Layers: each converter takes the builder, the call, its explain() row and its input
# values, and returns its output value.


def window_attributes(row: LayerTrace) -> dict[str, list[int]]:
    """The ONNX Conv, MaxPool and AveragePool attributes of a traced window layer: its
    kernel, strides and TensorFlow's zeros as pads=[top, left, bottom, right] (dilations
    are a Conv's alone)."""
    (top, bottom), (left, right) = row.padding
    h, w = row.axes
    return {
        "kernel_shape": [h.kernel_size, w.kernel_size],
        "strides": [h.stride, w.stride],
        "pads": [top, left, bottom, right],
    }


def _conv_node(
    b: _Builder, call: LayerCall, row: LayerTrace, x: _Tensor, kernel: str, bias: str | None, group: int
) -> str:
    h, w = row.axes
    attributes = window_attributes(row)
    attributes["dilations"] = [h.dilation, w.dilation]
    inputs = [b.nchw(x).name, kernel] + ([bias] if bias else [])
    return b.op("Conv", inputs, call.label, group=group, **attributes)


def _depthwise_kernel(kernel: np.ndarray) -> np.ndarray:
    """(kh, kw, in, multiplier) → (in·multiplier, 1, kh, kw); output channel c·multiplier + m,
    as TensorFlow orders them."""
    kh, kw, channels, multiplier = kernel.shape
    return kernel.reshape(kh, kw, channels * multiplier).transpose(2, 0, 1)[:, None]


def _conv2d(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    config = call.layer.get_config()
    kernel, *bias = _weights(call)
    kernel_name = b.weight(call.layer, "kernel", kernel.transpose(3, 2, 0, 1), call.label)
    bias_name = b.weight(call.layer, "bias", bias[0], call.label) if bias else None
    out = _conv_node(b, call, row, inputs[0], kernel_name, bias_name, config.get("groups", 1))
    return _activation(b, call, _Tensor(out, row.output_shape, True), config["activation"])


def _depthwise_conv2d(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    config = call.layer.get_config()
    kernel, *bias = _weights(call)
    kernel_name = b.weight(call.layer, "kernel", _depthwise_kernel(kernel), call.label)
    bias_name = b.weight(call.layer, "bias", bias[0], call.label) if bias else None
    out = _conv_node(b, call, row, inputs[0], kernel_name, bias_name, kernel.shape[2])
    return _activation(b, call, _Tensor(out, row.output_shape, True), config["activation"])


def _separable_conv2d(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    config = call.layer.get_config()
    depthwise, pointwise, *bias = _weights(call)
    depthwise_name = b.weight(call.layer, "depthwise_kernel", _depthwise_kernel(depthwise), call.label)
    middle = _conv_node(b, call, row, inputs[0], depthwise_name, None, depthwise.shape[2])
    pointwise_inputs = [
        middle,
        b.weight(call.layer, "pointwise_kernel", pointwise.transpose(3, 2, 0, 1), call.label),
    ]
    if bias:
        pointwise_inputs.append(b.weight(call.layer, "bias", bias[0], call.label))
    out = b.op("Conv", pointwise_inputs, f"{call.label}/pointwise", kernel_shape=[1, 1])
    return _activation(b, call, _Tensor(out, row.output_shape, True), config["activation"])


def _max_pooling(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    out = b.op("MaxPool", [b.nchw(inputs[0]).name], call.label, **window_attributes(row))
    return _Tensor(out, row.output_shape, True)


def _average_pooling(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    # TensorFlow's "same" average divides by the pixels inside the image, not the window.
    attributes = window_attributes(row)
    out = b.op("AveragePool", [b.nchw(inputs[0]).name], call.label, count_include_pad=0, **attributes)
    return _Tensor(out, row.output_shape, True)


def _global_pooling(op_type: str) -> Callable:
    def convert(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
        pooled = b.op(op_type, [b.nchw(inputs[0]).name], call.label)
        if len(row.output_shape) == 3:  # keepdims=True: 1×1×C
            return _Tensor(pooled, row.output_shape, True)
        return _Tensor(b.op("Flatten", [pooled], call.label, axis=1), row.output_shape)

    return convert


def pad_amounts(row: LayerTrace) -> list[int]:
    """ONNX Pad's ``pads`` for a traced ZeroPadding2D on an NCHW tensor: every axis' zeros
    before, then every axis' zeros after."""
    (top, bottom), (left, right) = row.padding
    return [0, 0, top, left, 0, 0, bottom, right]


def _zero_padding(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    pads = b.constant(pad_amounts(row), f"{call.label}/pads", np.int64)
    return _Tensor(b.op("Pad", [b.nchw(inputs[0]).name, pads], call.label), row.output_shape, True)


def _cropping(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    (top, bottom), (left, right) = row.padding  # negative: pixels taken away
    height, width = row.input_shapes[0][:2]
    starts = b.constant([-top, -left], f"{call.label}/starts", np.int64)
    ends = b.constant([height + bottom, width + right], f"{call.label}/ends", np.int64)
    axes = b.constant([2, 3], f"{call.label}/axes", np.int64)
    out = b.op("Slice", [b.nchw(inputs[0]).name, starts, ends, axes], call.label)
    return _Tensor(out, row.output_shape, True)


def _upsampling(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    config = call.layer.get_config()
    if config.get("interpolation", "nearest") != "nearest":
        raise _refuse(call, "interpolation", config["interpolation"], "'nearest'")
    fh, fw = (row.output_shape[i] // row.input_shapes[0][i] for i in (0, 1))
    scales = b.constant([1.0, 1.0, fh, fw], f"{call.label}/scales")
    # Output pixel i reads input pixel floor(i / factor): each pixel repeated, as Keras does.
    out = b.op(
        "Resize",
        [b.nchw(inputs[0]).name, "", scales],
        call.label,
        mode="nearest",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="floor",
    )
    return _Tensor(out, row.output_shape, True)


def _batch_normalization(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    layer, x = call.layer, inputs[0]
    rank = len(row.input_shapes[0])
    axis = layer.get_config().get("axis", -1)
    if axes_of(axis, rank, call.label) != (rank - 1,):
        raise _refuse(call, "axis", axis, "the channel (last) axis, -1")
    values = {
        name: _numpy(getattr(layer, name))
        for name in ("moving_mean", "moving_variance", "gamma", "beta")
        if getattr(layer, name, None) is not None
    }
    # TensorFlow's inference formula: x·inv + (beta − mean·inv), inv = gamma/√(variance + ε).
    inv = (1 / np.sqrt(values["moving_variance"] + np.float32(layer.epsilon))).astype(np.float32)
    if "gamma" in values:
        inv = inv * values["gamma"]
    shift = -values["moving_mean"] * inv + values.get("beta", np.float32(0))
    scaled = b.op("Mul", [x.name, b.like(inv, x, f"{call.label}/scale")], call.label)
    return replace(x, name=b.op("Add", [scaled, b.like(shift, x, f"{call.label}/shift")], call.label))


def _layer_normalization(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    layer, x = call.layer, b.keras_layout(inputs[0])
    label = call.label
    axes = [a + 1 for a in axes_of(layer.get_config().get("axis", -1), len(x.shape), label)]
    broadcast = [1] * x.rank
    for a in axes:
        broadcast[a] = x.shape[a - 1]

    def vector(name: str) -> str | None:
        value = getattr(layer, name, None)
        if value is None:
            return None
        return b.weight(layer, name, _numpy(value).reshape(broadcast), label)

    # Keras' own steps (its rms_scaling divides by the variance, not the mean square).
    mean = b.op("ReduceMean", [x.name], label, axes=axes, keepdims=1)
    centred = b.op("Sub", [x.name, mean], label)
    variance = b.op("ReduceMean", [b.op("Mul", [centred, centred], label)], label, axes=axes, keepdims=1)
    epsilon = b.constant(layer.epsilon, f"{label}/epsilon")
    inv = b.op("Reciprocal", [b.op("Sqrt", [b.op("Add", [variance, epsilon], label)], label)], label)
    gamma, beta = vector("gamma"), vector("beta")
    if layer.rms_scaling:
        out = b.op("Mul", [x.name, inv], label)
        return replace(x, name=b.op("Mul", [out, gamma], label) if gamma else out)
    if gamma:
        inv = b.op("Mul", [inv, gamma], label)
    shift = b.op("Neg", [b.op("Mul", [mean, inv], label)], label)
    if beta:
        shift = b.op("Add", [shift, beta], label)
    return replace(x, name=b.op("Add", [b.op("Mul", [x.name, inv], label), shift], label))


def _normalization(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    from .._keras import keras

    layer, x = call.layer, inputs[0]
    mean, variance = _numpy(layer.mean), _numpy(layer.variance)
    # Keras divides by max(√variance, ε), not √(variance + ε) nor √max(variance, ε).
    scale = np.maximum(np.sqrt(variance), np.float32(keras().config.epsilon()))
    mean_name = b.like(mean, x, f"{call.label}/mean")
    scale_name = b.like(scale, x, f"{call.label}/scale")
    if layer.invert:
        out = b.op("Add", [mean_name, b.op("Mul", [x.name, scale_name], call.label)], call.label)
    else:
        out = b.op("Div", [b.op("Sub", [x.name, mean_name], call.label), scale_name], call.label)
    return replace(x, name=out)


def _rescaling(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    config, x = call.layer.get_config(), inputs[0]
    scaled = b.op("Mul", [x.name, b.like(config.get("scale", 1.0), x, f"{call.label}/scale")], call.label)
    return replace(
        x,
        name=b.op("Add", [scaled, b.like(config.get("offset", 0.0), x, f"{call.label}/offset")], call.label),
    )


def _activation_layer(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    return _activation(b, call, inputs[0], call.layer.get_config()["activation"])


def _relu(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    import onnx

    config, x, label = call.layer.get_config(), inputs[0], call.label
    slope, top, threshold = (
        config.get("negative_slope", 0.0),
        config.get("max_value"),
        config.get("threshold", 0.0),
    )
    # Keras' ReLU, step by step: x where x > threshold (else 0), clipped to [0, max_value],
    # minus slope·relu(threshold − x).
    if threshold:
        above = b.op("Greater", [x.name, b.constant(threshold, f"{label}/threshold")], label)
        out = b.op("Mul", [x.name, b.op("Cast", [above], label, to=onnx.TensorProto.FLOAT)], label)
    else:
        out = b.op("Relu", [x.name], label)
    if top is not None:
        out = _clip(b, out, 0.0, float(top), label)
    if slope:
        below = b.op("Sub", [b.constant(threshold, f"{label}/threshold"), x.name], label)
        negative = b.op("Mul", [b.op("Relu", [below], label), b.constant(slope, f"{label}/slope")], label)
        out = b.op("Sub", [out, negative], label)
    return replace(x, name=out)


def _softmax(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    axis, x = call.layer.get_config().get("axis", -1), inputs[0]
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise _refuse(call, "axis", axis, "one axis")
        (axis,) = axis
    return replace(x, name=b.op("Softmax", [x.name], call.label, axis=_onnx_axis(axis, x)))


def _dropout(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    return inputs[0]  # inference: nothing is dropped


def _common_layout(b: _Builder, call: LayerCall, inputs: list[_Tensor]) -> list[_Tensor]:
    """The inputs of a merge in one layout and rank: a lower-rank input gets size-1 axes
    after the batch axis (Keras' expand_dims(x, 1)); NCHW where all are 4-D and one is."""
    rank = max(t.rank for t in inputs)
    lifted = []
    for t in inputs:
        if t.rank < rank:
            t = b.keras_layout(t)
            axes = b.constant(list(range(1, rank - t.rank + 1)), f"{call.label}/axes", np.int64)
            t = _Tensor(b.op("Unsqueeze", [t.name, axes], call.label), (1,) * (rank - t.rank) + t.shape)
        lifted.append(t)
    if rank == 4 and any(t.nchw for t in lifted):
        return [b.nchw(t) for t in lifted]
    return [b.keras_layout(t) for t in lifted]


def _merge(op_type: str, divide: bool = False) -> Callable:
    """Keras' merges fold left: ((x0 op x1) op x2) …; Average divides the sum at the end."""

    def convert(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
        values = _common_layout(b, call, inputs)
        out = values[0].name
        for value in values[1:]:
            out = b.op(op_type, [out, value.name], call.label)
        if divide:
            out = b.op("Div", [out, b.constant(float(len(values)), f"{call.label}/count")], call.label)
        return _Tensor(out, row.output_shape, values[0].nchw)

    return convert


def _concatenate(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    values = _common_layout(b, call, inputs)
    axis = _onnx_axis(call.layer.get_config().get("axis", -1), values[0])
    out = b.op("Concat", [v.name for v in values], call.label, axis=axis)
    return _Tensor(out, row.output_shape, values[0].nchw)


def _reshape(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    # Keras reshapes NHWC element order: back to its layout first.
    shape = b.constant([0, *row.output_shape], f"{call.label}/shape", np.int64)  # 0 keeps the batch size
    return _Tensor(b.op("Reshape", [b.keras_layout(inputs[0]).name, shape], call.label), row.output_shape)


def _flatten(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    return _Tensor(b.op("Flatten", [b.keras_layout(inputs[0]).name], call.label, axis=1), row.output_shape)


def _dense(b: _Builder, call: LayerCall, row: LayerTrace, inputs: list[_Tensor]) -> _Tensor:
    kernel, *bias = _weights(call)
    x = b.keras_layout(inputs[0])
    out = b.op("MatMul", [x.name, b.weight(call.layer, "kernel", kernel, call.label)], call.label)
    if bias:
        out = b.op("Add", [out, b.weight(call.layer, "bias", bias[0], call.label)], call.label)
    return _activation(b, call, _Tensor(out, row.output_shape), call.layer.get_config()["activation"])


_CONVERTERS: dict[str, Callable[[_Builder, LayerCall, LayerTrace, list[_Tensor]], _Tensor]] = {
    "Conv2D": _conv2d,
    "DepthwiseConv2D": _depthwise_conv2d,
    "SeparableConv2D": _separable_conv2d,
    "MaxPooling2D": _max_pooling,
    "AveragePooling2D": _average_pooling,
    "GlobalAveragePooling2D": _global_pooling("GlobalAveragePool"),
    "GlobalMaxPooling2D": _global_pooling("GlobalMaxPool"),
    "ZeroPadding2D": _zero_padding,
    "Cropping2D": _cropping,
    "UpSampling2D": _upsampling,
    "BatchNormalization": _batch_normalization,
    "LayerNormalization": _layer_normalization,
    "Normalization": _normalization,
    "Activation": _activation_layer,
    "ReLU": _relu,
    "Softmax": _softmax,
    "Dropout": _dropout,
    "Rescaling": _rescaling,
    "Add": _merge("Add"),
    "Subtract": _merge("Sub"),
    "Multiply": _merge("Mul"),
    "Average": _merge("Add", divide=True),
    "Maximum": _merge("Max"),
    "Concatenate": _concatenate,
    "Reshape": _reshape,
    "Flatten": _flatten,
    "Dense": _dense,
}
