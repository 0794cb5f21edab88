"""Walk a Keras model's layer graph: every layer call, after the calls whose outputs it reads.

A Sequential model or a list of layers is one path; a functional model may branch, merge
and call one layer twice (two calls, two entries). Models nested inside a functional
model are walked into, their layers named ``outer/inner``. Only the graph is read: no
layer is run, and nothing here computes a shape.

What Keras keeps private about its graph (a model's nodes, a layer's calls, the layer that
made a tensor) comes from ``padstride.keras_graph``, the one module that reads it.

>>> from padstride.demo.models import mnist_variant
>>> graph = walk(mnist_variant("stride"))
>>> graph.inputs[0].shape, [call.label for call in graph.calls][:2], graph.chain
((28, 28, 1), ['conv_1', 'conv_2'], True)
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

from .. import arguments
from ..keras_graph import call_index, is_functional, is_keras_class, is_sequential, model_nodes, tensor_layer
from ..text import shape_text


class InputShapeError(ValueError):
    """A model's input size that ``input_shape`` had to give and did not: a size left open
    with nothing to fill it in (``given`` is None), or an ``input_shape`` the model does not
    take (``given`` is it). ``str()`` words it for Python; ``problem`` says what is wrong
    without naming the argument, for callers that spell it otherwise (the command line's
    ``--input``).

    >>> error = InputShapeError("model 'm' has no input shape yet: give input_shape", "model 'm' has no input shape yet")
    >>> error.problem, error.given
    ("model 'm' has no input shape yet", None)
    """

    def __init__(self, message: str, problem: str, given: Any = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.given = given


@dataclass(frozen=True)
class GraphInput:
    """One input of the walked graph: its name, its tensor key and its shape without the
    batch axis."""

    name: str
    key: int
    shape: tuple[int, ...]


@dataclass(frozen=True)
class LayerCall:
    """One call of one layer: the keys of the tensors it reads and writes, and the labels
    of the calls (or graph inputs) that produced what it reads."""

    label: str
    layer: Any
    kind: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    inbound: tuple[str, ...]


@dataclass(frozen=True)
class Graph:
    """Layer calls in an order where every call follows those it reads from.

    ``chain`` is True when the graph is one path: a single input, and each call reads
    exactly the output of the call before it (the first reads the input)."""

    inputs: tuple[GraphInput, ...]
    calls: tuple[LayerCall, ...]
    outputs: tuple[int, ...]

    @property
    def chain(self) -> bool:
        if len(self.inputs) != 1:
            return False
        previous = (self.inputs[0].key,)
        for call in self.calls:
            if call.inputs != previous:
                return False
            previous = call.outputs
        return True


def walk(model_or_layers: Any, input_shape: Any = None) -> Graph:
    """The layer calls of a Keras model (Sequential or functional), or of a list of
    layers applied one after the other to an input of ``input_shape``.

    ``input_shape`` is (height, width) or (height, width, channels) for a list of layers;
    with a model it may only fill in sizes the model leaves open (``None``), or repeat them.
    """
    if is_sequential(model_or_layers):
        return _walk_sequential(model_or_layers, input_shape)
    value = (
        model_or_layers
        if is_keras_class("Model", model_or_layers)
        else arguments.model_or_layers(model_or_layers)
    )
    if isinstance(value, list):
        if input_shape is None:
            raise ValueError(
                "input_shape=None is not allowed with a list of layers: give (height, width) or "
                "(height, width, channels), since 'same' padding depends on the size"
            )
        return _chain(value, arguments.input_shape_hwc(input_shape))
    if not is_functional(value):
        raise ValueError(
            f"model {value.name!r} is a subclassed {type(value).__name__}, whose call() is Python code: "
            "only Sequential and functional models have a layer graph to walk"
        )
    return _Walker().functional(value, input_shape)


def kind_of(operation: Any) -> str:
    """The class name of a layer; for a ``keras.ops`` operation (not a layer), ``ops.Name``."""
    from ..runtime import load_keras

    name = type(operation).__name__
    return name if isinstance(operation, load_keras().layers.Layer) else f"ops.{name}"


def _labels(layers: list, prefix: str = "") -> list[str]:
    """Layer names, with "(call n)" where one layer object comes more than once."""
    counts: dict[int, int] = {}
    for layer in layers:
        counts[id(layer)] = counts.get(id(layer), 0) + 1
    seen: dict[int, int] = {}
    labels = []
    for layer in layers:
        seen[id(layer)] = seen.get(id(layer), 0) + 1
        call = f" (call {seen[id(layer)]})" if counts[id(layer)] > 1 else ""
        labels.append(f"{prefix}{layer.name}{call}")
    return labels


def _chain(layers: list, shape: tuple[int, ...], name: str = "input") -> Graph:
    walker = _Walker()
    first = walker.fresh()
    walker.sources[first] = name
    last = walker.sequence(layers, (first,), None, "")
    return Graph((GraphInput(name, first, tuple(shape)),), tuple(walker.calls), last)


def _model_input_shape(model: Any) -> tuple | None:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # a Sequential model with no input yet
        return None
    return tuple(inputs[0].shape[1:]) if inputs else None


def _walk_sequential(model: Any, input_shape: Any) -> Graph:
    declared = _model_input_shape(model)
    if declared is None and input_shape is None:
        problem = f"model {model.name!r} has no input shape yet"
        raise InputShapeError(
            f"{problem}: give input_shape=(height, width) or (height, width, channels), or start the "
            "Sequential model with keras.Input((height, width, channels))",
            problem,
        )
    name = (
        model.layers[0].name if model.layers and type(model.layers[0]).__name__ == "InputLayer" else "input"
    )
    if declared is None:
        shape = arguments.input_shape_hwc(input_shape)
    else:
        shape = _known_shape(name, declared, input_shape, model.name)
    return _chain(list(model.layers), shape, name=name)


def _known_shape(name: str, declared: tuple, input_shape: Any, model_name: str) -> tuple[int, ...]:
    """The model's input shape (without the batch axis), its open sizes filled from
    ``input_shape``; refused while any stays unknown."""
    axes = (
        ("height", "width", "channels")
        if len(declared) == 3
        else tuple(f"axis {i + 1}" for i in range(len(declared)))
    )
    if input_shape is not None:
        given = arguments.input_shape_hwc(input_shape) if len(declared) == 3 else None
        if given is None:
            problem = f"model {model_name!r} takes {shape_text(declared)} inputs, not images"
            raise InputShapeError(
                f"input_shape={input_shape!r} is not allowed: {problem}", problem, input_shape
            )
        if len(input_shape) == 2 and declared[2] is not None:
            given = (*given[:2], declared[2])
        for axis, have, want in zip(axes, declared, given):
            if have is not None and have != want:
                problem = f"model {model_name!r} is built for {shape_text(declared)} inputs ({axis} {have})"
                raise InputShapeError(
                    f"input_shape={input_shape!r} is not allowed: {problem}; input_shape may only fill in "
                    "sizes it leaves open",
                    problem,
                    input_shape,
                )
        return given
    unknown = [axis for axis, size in zip(axes, declared) if size is None]
    if unknown:
        problem = (
            f"model input {name!r} has shape {shape_text(declared)}: its {' and '.join(unknown)} must be "
            "known to compute sizes"
        )
        raise InputShapeError(
            f"{problem}; pass input_shape=(height, width) or build the model with "
            "keras.Input((height, width, channels))",
            problem,
        )
    return tuple(int(d) for d in declared)


class _Walker:
    """Gives every tensor of the walk a small integer key and collects the calls."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, int], int] = {}
        self.same: dict[int, int] = {}  # an outer tensor that is a nested model's input, passed through
        self.sources: dict[int, str] = {}
        self.calls: list[LayerCall] = []

    def key(self, scope: str, tensor: Any) -> int:
        key = self.keys.setdefault((scope, id(tensor)), len(self.keys))
        return self.same.get(key, key)

    def fresh(self) -> int:
        key = len(self.keys)
        self.keys[("", -key - 1)] = key
        return key

    def functional(self, model: Any, input_shape: Any) -> Graph:
        if input_shape is not None and len(model.inputs) != 1:
            raise ValueError(
                f"input_shape is not allowed with model {model.name!r}: it has {len(model.inputs)} inputs"
            )
        inputs = []
        for tensor in model.inputs:
            name = tensor_layer(tensor).name
            key = self.key("", tensor)
            self.sources[key] = name
            shape = _known_shape(name, tuple(tensor.shape[1:]), input_shape, model.name)
            inputs.append(GraphInput(name, key, shape))
        self.graph(model, "")
        outputs = tuple(self.key("", t) for t in model.outputs)
        return Graph(tuple(inputs), tuple(self.calls), outputs)

    def graph(self, model: Any, scope: str) -> None:
        """Append the calls of ``model``'s graph; its inputs already have keys in ``scope``."""
        nodes = model_nodes(model)
        layer_order = {id(op): i for i, op in enumerate(model.operations)}
        own = {id(node) for node in nodes}
        calls_of: dict[int, list] = {}
        for node in nodes:
            calls_of.setdefault(id(node.operation), []).append(node)
        label = {}
        for op_nodes in calls_of.values():
            op_nodes.sort(key=call_index)  # a layer's calls in the order they were made
            for number, node in enumerate(op_nodes, start=1):
                call = f" (call {number})" if len(op_nodes) > 1 else ""
                label[id(node)] = f"{scope}{node.operation.name}{call}"

        # Kahn's algorithm; among the calls ready to run, the model's own layer order first.
        parents = {id(n): [p for p in n.parent_nodes if id(p) in own] for n in nodes}
        waiting = {id(n): len(parents[id(n)]) for n in nodes}
        children: dict[int, list] = {}
        for node in nodes:
            for parent in parents[id(node)]:
                children.setdefault(id(parent), []).append(node)

        def entry(node: Any) -> tuple[tuple[int, int], int]:
            return ((layer_order.get(id(node.operation), len(layer_order)), call_index(node)), id(node))

        ready = [(*entry(n), n) for n in nodes if waiting[id(n)] == 0]
        heapq.heapify(ready)
        while ready:
            *_, node = heapq.heappop(ready)
            self.node(node, scope, label[id(node)])
            for child in children.get(id(node), []):
                waiting[id(child)] -= 1
                if waiting[id(child)] == 0:
                    heapq.heappush(ready, (*entry(child), child))

    def node(self, node: Any, scope: str, label: str) -> None:
        operation = node.operation
        inputs = tuple(self.key(scope, t) for t in node.input_tensors)
        outputs = tuple(self.key(scope, t) for t in node.output_tensors)
        if is_functional(operation) or is_sequential(operation):
            self.nested(operation, inputs, outputs, f"{label}/")
        else:
            self.add(label, operation, inputs, outputs)

    def add(self, label: str, layer: Any, inputs: tuple[int, ...], outputs: tuple[int, ...]) -> None:
        inbound = tuple(self.sources.get(k, "?") for k in inputs)
        self.calls.append(LayerCall(label, layer, kind_of(layer), inputs, outputs, inbound))
        for key in outputs:
            self.sources[key] = label

    def sequence(
        self, layers: list, inputs: tuple[int, ...], outputs: tuple[int, ...] | None, scope: str
    ) -> tuple[int, ...]:
        """Append layers called one after the other (models among them walked into); the
        last writes ``outputs`` (fresh keys when None). Returns the keys of the result."""
        layers = [layer for layer in layers if type(layer).__name__ != "InputLayer"]
        if not layers and outputs is not None:  # an empty model hands its input straight back
            for out, key in zip(outputs, inputs):
                self.same[out] = key
            return inputs
        previous = inputs
        for index, (layer, label) in enumerate(zip(layers, _labels(layers, scope))):
            out = outputs if index == len(layers) - 1 and outputs is not None else (self.fresh(),)
            if is_functional(layer) or is_sequential(layer):
                self.nested(layer, previous, out, f"{label}/")
            else:
                self.add(label, layer, previous, out)
            previous = tuple(self.same.get(k, k) for k in out)
        return previous

    def nested(self, model: Any, inputs: tuple[int, ...], outputs: tuple[int, ...], scope: str) -> None:
        """Walk into a model used as a layer: its inputs are the outer call's inputs, its
        outputs the outer call's outputs."""
        if is_sequential(model):
            self.sequence(model.layers, inputs, outputs, scope)
            return
        if len(model.inputs) != len(inputs):
            raise ValueError(
                f"model {scope[:-1]!r} is called with {len(inputs)} inputs but takes {len(model.inputs)}"
            )
        for tensor, key in zip(model.inputs, inputs):
            self.keys[(scope, id(tensor))] = key
        for tensor, key in zip(model.outputs, outputs):
            if (scope, id(tensor)) in self.keys:  # an input handed straight back
                self.same[key] = self.keys[(scope, id(tensor))]
                self.sources[key] = self.sources.get(self.same[key], "?")
            else:
                self.keys[(scope, id(tensor))] = key
        self.graph(model, scope)
