"""Explain a Keras model layer call by layer call: shapes, the arithmetic with its numbers,
parameters and FLOPs, computed from each layer's settings (the tests hold them against
Keras' own numbers). Any Sequential or functional model: branches, merges, a layer called
twice (two rows), models inside models.

A row (:class:`LayerTrace`) is the one record of a layer call that the rest of the package
reads: besides its numbers it holds the layer, its settings (read once) and the keys of the
tensors it reads and writes, so that receptive fields, the masks, the pitfalls, the ONNX
graph and the port need nothing else.

>>> from padstride.demo.models import mnist_model
>>> explain(mnist_model(strides=2, padding="same"))[0].arithmetic.split(";")[0]
'same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..conv.arithmetic import AxisArithmetic
from ..tables import TextTable, render_csv, render_table
from ..text import shape_text
from .graph import Graph, GraphInput, walk
from .kinds import SUPPORTED_LAYERS, LayerKind, Reach, entry, layer_step

__all__ = ["SUPPORTED_LAYERS", "Explanation", "LayerTrace", "explain", "explain_graph"]

FLOPS_HEADER = "FLOPs (2×MACs)"


@dataclass(frozen=True)
class LayerTrace:
    """One row of an explanation: one call of one layer.

    ``input_shape`` is the first input's shape; ``input_shapes`` holds every input's, and
    ``inbound`` names the calls (or model inputs) they come from. Shapes leave out the
    batch axis. ``flops`` counts 2 per multiply-add, for one image (bias, activation,
    normalisation and pooling not counted).
    """

    name: str
    kind: str
    input_shape: tuple[int, ...]
    arithmetic: str
    output_shape: tuple[int, ...]
    params: int
    flops: int = 0
    axes: tuple[AxisArithmetic, AxisArithmetic] | None = None  # (height, width) of a layer that moves pixels
    inbound: tuple[str, ...] = ()
    input_shapes: tuple[tuple[int, ...], ...] = ()
    layer_id: int = field(default=0, compare=False, repr=False)  # the same for every call of one layer
    formula: str = ""  # the part of ``arithmetic`` that gives the output size; "" where no size is computed
    layer: Any = field(default=None, compare=False, repr=False)
    config: dict = field(default_factory=dict, compare=False, repr=False)  # layer.get_config(), read once
    inputs: tuple[int, ...] = field(default=(), compare=False, repr=False)  # the keys of the tensors it reads
    outputs: tuple[int, ...] = field(default=(), compare=False, repr=False)  # and writes
    reach: Reach | None = field(default=None, compare=False, repr=False)

    @property
    def entry(self) -> LayerKind:
        """What the package knows of this call's layer kind."""
        return entry(self.kind, self.name)

    @property
    def padding(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The zeros ((top, bottom), (left, right)) this call adds (negative where it
        crops), for a layer that moves pixels; else None.

        >>> from padstride import mnist_model
        >>> explain(mnist_model(strides=2, padding="same"))[0].padding
        ((0, 1), (0, 1))
        """
        if self.axes is None:
            return None
        h, w = self.axes
        return ((h.pad_before, h.pad_after), (w.pad_before, w.pad_after))


class Explanation(TextTable, list):
    """LayerTrace rows, one per layer call; prints as a table at most 100 columns wide,
    and gives CSV with ``to_csv()``.

    ``inputs`` holds the model's inputs as (name, shape) pairs.
    """

    inputs: tuple[tuple[str, tuple[int, ...]], ...] = ()
    sources: tuple[GraphInput, ...] = ()  # the model's inputs, with their tensor keys
    outputs: tuple[int, ...] = ()  # the keys of the model's outputs

    def shapes(self) -> dict[int, tuple[int, ...]]:
        """The shape (without the batch axis) of every tensor, by key."""
        found = {item.key: item.shape for item in self.sources}
        for row in self:
            found.update(dict.fromkeys(row.outputs, row.output_shape))
        return found

    def writers(self) -> dict[int, LayerTrace]:
        """The call that writes each tensor, by key."""
        return {key: row for row in self for key in row.outputs}

    @property
    def params(self) -> int:
        """Total parameters (for a layer called twice, counted once, as Keras does)."""
        return sum({row.layer_id or index: row.params for index, row in enumerate(self)}.values())

    @property
    def flops(self) -> int:
        """Forward FLOPs for one image: 2 × the multiply-adds of every layer call."""
        return sum(row.flops for row in self)

    def table(self) -> str:
        """The rows as text: a line of columns per call, then the arithmetic (and, where
        a call does not read the row above, where its inputs come from), indented."""
        headers = ("layer", "input", "output", "params", FLOPS_HEADER)
        cells, notes = [], []
        previous = (self.inputs[0][0],) if len(self.inputs) == 1 else None
        for row in self:
            shapes = row.input_shapes or (row.input_shape,)
            name = layer_cell(row.name, row.kind)
            cells.append(
                (
                    name,
                    shape_text(shapes[0]),
                    shape_text(row.output_shape),
                    f"{row.params:,}",
                    f"{row.flops:,}",
                )
            )
            cells += [("", shape_text(shape), "", "", "") for shape in shapes[1:]]
            where = "" if row.inbound == previous or not row.inbound else f"from {', '.join(row.inbound)}; "
            notes.append((len(cells), f"{where}{row.arithmetic}"))
            previous = (row.name,)
        footer = [
            f"total params: {self.params:,}",
            f"total FLOPs per image: {self.flops:,} (2 per multiply-add of the convolutions and Dense layers)",
        ]
        # Each call's note goes under its last line of columns.
        return render_table(headers, cells, right=(3, 4), footer=footer, notes=notes)

    def to_csv(self) -> str:
        """One CSV line per call: layer, kind, inbound, input_shapes, output_shape, params,
        flops, arithmetic (shapes as 28x28x1, several separated by ';')."""
        headers = (
            "layer",
            "kind",
            "inbound",
            "input_shapes",
            "output_shape",
            "params",
            "flops",
            "arithmetic",
        )
        return render_csv(
            headers,
            (
                (
                    row.name,
                    row.kind,
                    ";".join(row.inbound),
                    ";".join(_ascii_shape(s) for s in row.input_shapes or (row.input_shape,)),
                    _ascii_shape(row.output_shape),
                    row.params,
                    row.flops,
                    row.arithmetic,
                )
                for row in self
            ),
        )


def layer_cell(label: str, kind: str) -> str:
    """'conv (Conv2D)', or 'conv (Conv2D, call 2)' for a layer's second call."""
    if label.endswith(")") and " (call " in label:
        base, call = label.rsplit(" (call ", 1)
        return f"{base} ({kind}, call {call}"
    return f"{label} ({kind})"


def _ascii_shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)


def explain(model_or_layers: Any, input_shape: Any = None) -> Explanation:
    """Trace a Keras model (Sequential or functional), or a list of layers applied in turn
    to an input of ``input_shape`` ((height, width) or (height, width, channels)).

    One row per layer call: inbound calls, input shape(s), output shape, the arithmetic
    written out, parameters and FLOPs, all without the batch axis. Nothing is run: the
    numbers come from the layers' settings. Layers outside SUPPORTED_LAYERS are refused
    by name. With a model, ``input_shape`` may fill in sizes the model leaves open.
    """
    return explain_graph(walk(model_or_layers, input_shape))


def explain_graph(graph: Graph) -> Explanation:
    """explain() for an already walked graph: rows in the order of ``graph.calls``."""
    shapes = {item.key: item.shape for item in graph.inputs}
    configs: dict[int, dict] = {}
    rows = Explanation()
    rows.inputs = tuple((item.name, item.shape) for item in graph.inputs)
    rows.sources, rows.outputs = graph.inputs, graph.outputs
    for call in graph.calls:
        if call.kind.startswith("ops."):
            raise ValueError(
                f"operation {call.label!r} is keras.{call.kind}, an operation rather than a layer, which is "
                f"not supported; supported layers: {', '.join(SUPPORTED_LAYERS[1:])}"
            )
        config = configs.get(id(call.layer))
        if config is None:
            config = configs[id(call.layer)] = call.layer.get_config()
        inputs = [shapes[key] for key in call.inputs]
        step = layer_step(call.kind, config, inputs, call.label)
        _check_built_weights(call.layer, call.label, step.params, inputs)
        for key in call.outputs:
            shapes[key] = step.output_shape
        reach = entry(call.kind).reach_of(config, inputs[0] if inputs else (), call.label)
        rows.append(
            LayerTrace(
                call.label,
                call.kind,
                inputs[0] if inputs else (),
                step.arithmetic,
                step.output_shape,
                step.params,
                step.flops,
                step.axes,
                call.inbound,
                tuple(inputs),
                id(call.layer),
                step.formula,
                call.layer,
                config,
                call.inputs,
                call.outputs,
                reach,
            )
        )
    return rows


def _check_built_weights(layer: Any, label: str, params: int, inputs: list) -> None:
    """A layer built on another input keeps weights this input cannot use: Keras would
    refuse to call it, so the count worked out here would be a wrong answer."""
    if not getattr(layer, "built", False) or not layer.weights:
        return
    held = layer.count_params()
    if held != params:
        given = ", ".join(shape_text(shape) for shape in inputs)
        raise ValueError(
            f"layer {label!r} was built for another input: it holds {held:,} parameters, and an input "
            f"of {given} needs {params:,}; Keras would refuse to call it on this input. Use a new "
            "layer, or the input it was built for"
        )
