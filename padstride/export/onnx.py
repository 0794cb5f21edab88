"""A Keras model as an ONNX graph that computes the same outputs, TensorFlow's padding written out.

ONNX's ``auto_pad="SAME_UPPER"`` happens to match TensorFlow, but a converter that writes
``pads`` itself must know TensorFlow's split: at stride 2 it is lopsided, (0, 1) on an
even size, and symmetric pads give a shifted, wrong answer. Here every layer that moves
pixels gets the zeros ``explain()`` computes, as ``pads=[top, left, bottom, right]`` (what
``port()`` prints); no node uses ``auto_pad``. The graph reads NHWC float32 images as
Keras does, works in NCHW inside, and gives NHWC back. Each layer kind's nodes come from its
entry (``padstride.model.kinds``). ``run_onnx`` runs the graph with onnx's pure-Python
ReferenceEvaluator. Both need the ``onnx`` package (``pip install "padstride[onnx]"``).

>>> from keras import layers
>>> proto = onnx_model([layers.Conv2D(4, 3, strides=2, padding="same")], input_shape=(8, 8, 2))
>>> [list(attribute.ints) for attribute in proto.graph.node[1].attribute if attribute.name == "pads"]
[[0, 0, 1, 1]]
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import arguments
from ..model.explain import LayerTrace, explain
from ..model.kinds import KINDS, Reach
from ..model.kinds.base import refuse
from ..model.kinds.onnx_parts import TO_NCHW, TO_NHWC, OnnxValue

if TYPE_CHECKING:
    import onnx

__all__ = ["CONVERTED_LAYERS", "OPSET", "Builder", "onnx_model", "require_onnx", "run_onnx"]

OPSET = 17
CONVERTED_LAYERS = tuple(name for name, kind in KINDS.items() if kind.onnx is not None)


def require_onnx() -> ModuleType:
    """The ``onnx`` package; where it is missing, an ImportError that says in one line what
    to install.

    >>> require_onnx().__name__
    'onnx'
    """
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "padstride's ONNX graph needs the onnx package, which is not installed: "
            "pip install 'padstride[onnx]' (or pip install onnx)"
        ) from None
    return onnx


# An open height and width is traced at this size: any size every window fits gives the
# same graph, since with auto_pad no node holds a number that depends on the size.
OPEN_SIZE_PROBE = 256


def onnx_model(model_or_layers: Any, input_shape: Any = None) -> onnx.ModelProto:
    """An ONNX model (opset 17, checked by ``onnx.checker``) computing what the Keras model
    (Sequential or functional, nested models walked into) or list of layers computes.

    Inputs are NHWC float32 with a symbolic batch axis, named as the model's inputs; outputs
    are ``output`` (or ``output_0``, ``output_1``, …) in Keras' layout. For a known input
    size, padding, pooling and cropping use the explicit zeros of ``padstride.explain``,
    exact for that size (``run_onnx`` refuses another). A model whose height and width are
    open (``keras.Input((None, None, 3))``), given no ``input_shape``, becomes a graph for
    any size: its windows use ONNX's auto_pad (SAME_UPPER is TensorFlow's "same" split at
    every size) and its other nodes hold no size; a layer that cannot be written so is
    refused by name. A layer outside CONVERTED_LAYERS, or a setting the conversion does not
    reproduce, raises a ValueError naming the layer. Layers of a list that are not built
    yet are built (fresh weights), as Keras would on their first call.

    >>> from keras import layers
    >>> proto = onnx_model([layers.AveragePooling2D(2, padding="same")], input_shape=(5, 5, 1))
    >>> [node.op_type for node in proto.graph.node]
    ['Transpose', 'AveragePool', 'Transpose', 'Identity']
    """
    onnx = require_onnx()
    open_size = input_shape is None and _open_size(model_or_layers)
    trace = explain(model_or_layers, (OPEN_SIZE_PROBE, OPEN_SIZE_PROBE) if open_size else input_shape)
    for row in trace:
        if row.entry.onnx is None:
            raise ValueError(
                f"layer {row.name!r} is a {row.kind}, which onnx_model does not convert; "
                f"supported: {', '.join(CONVERTED_LAYERS)}"
            )
        if open_size and row.reach is Reach.REARRANGE:
            raise ValueError(
                f"layer {row.name!r} ({row.kind}) has no ONNX spelling for a graph of open size: its output "
                "shape is fixed; give input_shape=(height, width) for a graph of one size"
            )
    builder = Builder(open_size)
    inputs = [_value_info(item.name, item.shape, open_size) for item in trace.sources]
    builder.tensors.update({item.key: OnnxValue(item.name, item.shape) for item in trace.sources})
    for row in trace:
        _check_layer(row)
        _ensure_built(row)
        result = row.entry.onnx(builder, row, [builder.tensors[key] for key in row.inputs])
        for key in row.outputs:
            builder.tensors[key] = result
    names = ["output"] if len(trace.outputs) == 1 else [f"output_{i}" for i in range(len(trace.outputs))]
    outputs = []
    for name, key in zip(names, trace.outputs):
        tensor = builder.keras_layout(builder.tensors[key])
        builder.nodes.append(onnx.helper.make_node("Identity", [tensor.name], [name], name=name))
        outputs.append(_value_info(name, tensor.shape, open_size, output=True))
    title = getattr(model_or_layers, "name", "layers")
    proto = onnx.helper.make_model(
        onnx.helper.make_graph(builder.nodes, str(title), inputs, outputs, builder.initializers),
        opset_imports=[onnx.helper.make_opsetid("", OPSET)],
        producer_name="padstride",
    )
    onnx.checker.check_model(proto)
    return proto


def _open_size(model_or_layers: Any) -> bool:
    """Whether a model's one image input leaves its height and width open."""
    try:
        inputs = model_or_layers.inputs
    except (AttributeError, ValueError):  # a list of layers, or a Sequential model with no input yet
        return False
    return len(inputs) == 1 and len(inputs[0].shape) == 4 and inputs[0].shape[1:3] == (None, None)


def run_onnx(proto: onnx.ModelProto, images: Any) -> np.ndarray | list[np.ndarray]:
    """Run ``proto`` with onnx's ReferenceEvaluator (pure Python) on NHWC float32 images
    (batch axis first); several inputs as a list in the model's input order. Returns the
    output, or the list of outputs when there are several. Images of another size than the
    graph was built for are refused: its pads are TensorFlow's for its own size only.

    >>> import numpy as np
    >>> from keras import layers
    >>> proto = onnx_model([layers.Conv2D(4, 3, strides=2, padding="same")], input_shape=(8, 8, 2))
    >>> run_onnx(proto, np.ones((1, 8, 8, 2))).shape
    (1, 4, 4, 4)
    >>> run_onnx(proto, np.ones((1, 9, 9, 2)))
    Traceback (most recent call last):
    ...
    ValueError: images of shape (1, 9, 9, 2) are not allowed: input 'input' of this graph takes batch×8×8×2 (its pads are TensorFlow's for that size); build the graph with input_shape=(9, 9), or of open size
    """
    onnx = require_onnx()
    if not isinstance(proto, onnx.ModelProto):
        raise ValueError(
            f"proto={arguments.brief(proto)} is not allowed: give the ONNX model onnx_model() built"
        )
    from onnx.reference import ReferenceEvaluator

    feeds = _feeds(proto, images)
    results = ReferenceEvaluator(proto).run(None, feeds)
    return results[0] if len(results) == 1 else list(results)


def _feeds(proto: Any, images: Any) -> dict[str, np.ndarray]:
    """The images for each graph input, checked against the shape the graph takes."""
    inputs = list(proto.graph.input)
    arrays = [images] if len(inputs) == 1 else images
    if not isinstance(arrays, (list, tuple)) or len(arrays) != len(inputs):
        names = ", ".join(value.name for value in inputs)
        raise ValueError(
            f"images={arguments.brief(images)} is not allowed: the graph takes {len(inputs)} inputs ({names}), as a list"
        )
    feeds = {}
    for value, array in zip(inputs, arrays):
        dims = [d.dim_value or d.dim_param for d in value.type.tensor_type.shape.dim]
        try:
            numbers = np.asarray(array)
            if numbers.dtype.kind not in "biuf":
                raise TypeError
            array = numbers.astype(np.float32)
        except (TypeError, ValueError):
            raise ValueError(
                f"images={arguments.brief(array)} is not allowed: give a float array of shape {_dims(dims)}"
            ) from None
        wanted = [d for d in dims[1:]]
        fits = array.ndim == len(dims) and all(
            isinstance(w, str) or w == n for w, n in zip(wanted, array.shape[1:])
        )
        if not fits or array.shape[0] == 0:
            raise ValueError(
                f"images of shape {array.shape} are not allowed: input {value.name!r} of this graph takes "
                f"{_dims(dims)}" + _size_hint(wanted, array) + (" and at least one image" if fits else "")
            )
        feeds[value.name] = array
    return feeds


def _dims(dims: list[Any]) -> str:
    return "×".join(str(d) for d in dims)


def _size_hint(wanted: list[Any], array: np.ndarray) -> str:
    """Why a size is refused, where the images have the right rank but another size."""
    if (
        array.ndim != len(wanted) + 1
        or array.shape[1:] == tuple(wanted)
        or any(isinstance(w, str) for w in wanted)
    ):
        return "" if array.ndim == len(wanted) + 1 else " (a batch axis first)"
    height, width = array.shape[1:3]
    return (
        f" (its pads are TensorFlow's for that size); build the graph with input_shape=({height}, {width}), "
        "or of open size"
    )


def _value_info(name: str, shape: tuple[int, ...], open_size: bool, output: bool = False) -> Any:
    """A graph input or output: NHWC float32, a symbolic batch axis, and for a graph of open
    size a symbolic height and width (an output's left unnamed, for ONNX to infer)."""
    onnx = require_onnx()
    dims: list[Any] = ["batch", *shape]
    if open_size and len(shape) == 3:
        dims[1:3] = [None, None] if output else ["height", "width"]
    return onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, dims)


class Builder:
    """Collects nodes and initializers, gives every value a fresh name, and keeps one
    transposed copy of a tensor however many layers read it in the other layout."""

    def __init__(self, open_size: bool = False) -> None:
        self.open_size = open_size  # a graph for any height and width: auto_pad, no size-bound pads
        self.nodes: list = []
        self.initializers: list = []
        self.tensors: dict[int, OnnxValue] = {}
        self._names: set[str] = set()
        self._views: dict[tuple[str, bool], OnnxValue] = {}
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

    def like(self, value: Any, tensor: OnnxValue, hint: str) -> str:
        """A constant that broadcasts against ``tensor`` as ``value`` broadcasts (NumPy's
        rules, batch axis included) against the Keras tensor."""
        array = np.asarray(value, dtype=np.float32)
        if tensor.nchw and array.ndim:
            array = array.reshape((1,) * (4 - array.ndim) + array.shape).transpose(TO_NCHW)
        return self.constant(array, hint)

    def nchw(self, tensor: OnnxValue) -> OnnxValue:
        return tensor if tensor.nchw else self._transposed(tensor, TO_NCHW)

    def keras_layout(self, tensor: OnnxValue) -> OnnxValue:
        return self._transposed(tensor, TO_NHWC) if tensor.nchw else tensor

    def _transposed(self, tensor: OnnxValue, perm: tuple[int, ...]) -> OnnxValue:
        wanted = perm == TO_NCHW
        key = (tensor.name, wanted)
        if key not in self._views:
            name = self.op("Transpose", [tensor.name], tensor.name.split("/")[0], perm=list(perm))
            view = OnnxValue(name, tensor.shape, wanted)
            self._views[key] = view
            self._views[(name, tensor.nchw)] = tensor  # transposing back gives the original
        return self._views[key]


def _check_layer(row: LayerTrace) -> None:
    layer = row.layer
    if getattr(layer, "compute_dtype", "float32") != "float32":
        raise refuse(row, "dtype", layer.compute_dtype, "float32 layers")
    if getattr(layer, "quantization_mode", None) is not None:
        raise refuse(row, "quantization_mode", layer.quantization_mode, "None (float weights)")
    if getattr(layer, "lora_enabled", False):
        raise refuse(
            row, "lora_rank", getattr(layer, "lora_rank", None), "None (merge the LoRA weights first)"
        )


def _ensure_built(row: LayerTrace) -> None:
    layer = row.layer
    if layer.built:
        return
    shapes = [(None, *shape) for shape in row.input_shapes]
    layer.build(shapes if row.reach is Reach.JOIN else shapes[0])
