"""The exact padding that ports a Keras model to ONNX or PyTorch, layer by layer.

TensorFlow's ``padding="same"`` puts the odd zero after (bottom, right); PyTorch's
``padding=1`` is symmetric and refuses ``"same"`` with a stride, and ONNX's SAME_LOWER puts
it before. ``port`` writes each layer's zeros explicitly, as (left, right, top, bottom),
and the spelling that reproduces TensorFlow: ONNX ``pads=[top, left, bottom, right]``, or
for PyTorch a symmetric ``padding=`` where that is exact and ``nn.ZeroPad2d((l, r, t, b))``
+ ``padding=0`` where it is not. The PyTorch spellings are Python expressions
(``nn`` is ``torch.nn``, ``F`` is ``torch.nn.functional``).

>>> from padstride.keras.models import mnist_model
>>> print(port(mnist_model(strides=2, padding="same"), to="torch")[0].spelling)
nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 32, 3, stride=2, padding=0))
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..tables import TextTable, render_table
from ..text import pair_text
from .graph import walk
from .layer_kinds import MOVES_PIXELS
from .onnx_graph import pad_amounts, window_attributes
from .tracing import LayerTrace, explain_graph, layer_cell

TARGETS = ("onnx", "torch")
PORTED = MOVES_PIXELS


@dataclass(frozen=True)
class PortRow:
    """One layer call that pads, crops or slides a window: its zeros as (left, right,
    top, bottom) (negative where it crops), and the spelling that reproduces it."""

    layer: str
    kind: str
    pads: tuple[int, int, int, int]
    spelling: str

    @property
    def symmetric(self) -> bool:
        left, right, top, bottom = self.pads
        return left == right and top == bottom

    def as_dict(self) -> dict:
        left, right, top, bottom = self.pads
        return {
            "layer": self.layer,
            "kind": self.kind,
            "left": left,
            "right": right,
            "top": top,
            "bottom": bottom,
            "spelling": self.spelling,
        }


class PortPlan(TextTable, list):
    """PortRows in the order of the layer calls; prints as a table, ``to_json()`` for
    machines. ``to`` is "onnx" or "torch"."""

    to: str = ""
    model: str = ""

    def table(self) -> str:
        cells = [(layer_cell(r.layer, r.kind), *(str(p) for p in r.pads)) for r in self]
        notes = [(i + 1, r.spelling) for i, r in enumerate(self)]
        lopsided = sum(not r.symmetric for r in self)
        footer = [
            f"{self.model} to {self.to}: {len(self)} layers, {lopsided} with different zeros on the two sides"
        ]
        return render_table(("layer", "left", "right", "top", "bottom"), cells, (1, 2, 3, 4), footer, notes)

    def to_json(self) -> str:
        return json.dumps(
            {"model": self.model, "to": self.to, "layers": [r.as_dict() for r in self]}, indent=2
        )


def port(model_or_layers: Any, to: str = "onnx", input_shape: Any = None) -> PortPlan:
    """Per layer call that pads, crops or slides a window (see PORTED), the explicit zeros
    and the ONNX (``to="onnx"``) or PyTorch (``to="torch"``) spelling that gives exactly
    TensorFlow's output on this input size. A list of layers needs ``input_shape``. A
    Conv2DTranspose raises a ValueError (its zeros follow another rule).

    >>> from keras import layers
    >>> plan = port([layers.Conv2D(4, 3, strides=2, padding="same")], input_shape=(8, 8, 2))
    >>> plan[0].pads, plan[0].spelling
    ((0, 1, 0, 1), 'Conv(kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])')
    """
    if to not in TARGETS:
        raise ValueError(f"to={to!r} is not allowed: give 'onnx' or 'torch'")
    graph = walk(model_or_layers, input_shape)
    plan = PortPlan()
    plan.to, plan.model = to, getattr(model_or_layers, "name", "layers")
    for call, row in zip(graph.calls, explain_graph(graph)):
        if row.kind == "Conv2DTranspose":
            raise ValueError(
                f"layer {row.name!r} is a Conv2DTranspose, whose zeros port does not write; "
                f"it writes: {', '.join(PORTED)}"
            )
        if row.kind in PORTED:
            (top, bottom), (left, right) = row.padding
            written = spelling(row, call.layer.get_config(), to)
            plan.append(PortRow(row.name, row.kind, (left, right, top, bottom), written))
    return plan


def spelling(row: LayerTrace, config: dict, to: str) -> str:
    """The ONNX (``to="onnx"``) or PyTorch (``to="torch"``) spelling of one traced layer
    call of a kind in PORTED, with its zeros written out; ``config`` is the layer's config.

    >>> from keras import layers
    >>> from padstride.keras.graph import walk
    >>> layer = layers.MaxPooling2D(3, strides=2, padding="same")
    >>> (row,) = explain_graph(walk([layer], (8, 8, 1)))
    >>> spelling(row, layer.get_config(), "onnx")
    'MaxPool(kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])'
    """
    return (_onnx if to == "onnx" else _torch)(row, config)


def _window(row: LayerTrace) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(kernel, strides, dilation) as (height, width) pairs."""
    h, w = row.axes
    return (h.kernel_size, w.kernel_size), (h.stride, w.stride), (h.dilation, w.dilation)


def _onnx(row: LayerTrace, config: dict) -> str:
    if row.kind == "ZeroPadding2D":
        return f"Pad(pads={pad_amounts(row)})"
    (top, bottom), (left, right) = row.padding
    if row.kind == "Cropping2D":
        height, width = row.input_shape[:2]
        return f"Slice(starts=[{-top}, {-left}], ends=[{height + bottom}, {width + right}], axes=[2, 3])"
    attributes = window_attributes(row)
    pads = f"pads={attributes.pop('pads')}"
    _, _, dilation = _window(row)
    if dilation != (1, 1):
        attributes["dilations"] = list(dilation)
    window = ", ".join(f"{name}={value}" for name, value in attributes.items())
    channels = row.input_shape[-1]
    if row.kind == "MaxPooling2D":
        return f"MaxPool({window}, {pads})"
    if row.kind == "AveragePooling2D":
        return f"AveragePool({window}, {pads}, count_include_pad=0)"
    if row.kind == "Conv2D":
        groups = config.get("groups", 1)
        return f"Conv({window}{f', group={groups}' if groups > 1 else ''}, {pads})"
    depthwise = f"Conv({window}, group={channels}, {pads})"
    if row.kind == "DepthwiseConv2D":
        return depthwise
    return f"{depthwise} then Conv(kernel_shape=[1, 1])"  # SeparableConv2D


def _one_or_pair(pair: tuple[int, int]) -> str:
    """3 for (3, 3), (3, 5) otherwise: as PyTorch reads an int or a pair."""
    return pair_text(pair, str)


def _torch(row: LayerTrace, config: dict) -> str:
    (top, bottom), (left, right) = row.padding
    sides = f"({left}, {right}, {top}, {bottom})"
    if row.kind == "ZeroPadding2D":
        return f"nn.ZeroPad2d({sides})"
    if row.kind == "Cropping2D":
        return f"nn.ZeroPad2d({sides})  # negative amounts crop"
    kernel, strides, dilation = _window(row)
    symmetric = top == bottom and left == right
    padding = (top, left) if symmetric else (0, 0)
    options = f"stride={_one_or_pair(strides)}, padding={_one_or_pair(padding)}"
    if dilation != (1, 1):
        options += f", dilation={_one_or_pair(dilation)}"
    k = _one_or_pair(kernel)
    channels = row.input_shape[-1]
    if row.kind == "AveragePooling2D":
        if symmetric:
            exclude = ", count_include_pad=False" if padding != (0, 0) else ""
            return f"nn.AvgPool2d({k}, {options}{exclude})"
        # TensorFlow divides by the pixels inside the image: pad, average, and divide by the
        # share of each window that lies inside.
        inside = f"F.avg_pool2d(F.pad(torch.ones_like(x[:, :1]), {sides}), {k}, {_one_or_pair(strides)})"
        return f"lambda x: F.avg_pool2d(F.pad(x, {sides}), {k}, {_one_or_pair(strides)}) / {inside}"
    if row.kind == "MaxPooling2D":
        layer = f"nn.MaxPool2d({k}, {options})"
        before = f'nn.ConstantPad2d({sides}, float("-inf"))'
    else:
        bias = "" if config.get("use_bias", True) else ", bias=False"
        if row.kind == "Conv2D":
            groups = config.get("groups", 1)
            layer = f"nn.Conv2d({channels}, {config['filters']}, {k}, {options}"
            layer += (f", groups={groups}" if groups > 1 else "") + f"{bias})"
        else:
            multiplier = config.get("depth_multiplier", 1)
            layer = f"nn.Conv2d({channels}, {channels * multiplier}, {k}, {options}, groups={channels})"
            if not config.get("use_bias", True) or row.kind == "SeparableConv2D":
                layer = layer[:-1] + ", bias=False)"
            if row.kind == "SeparableConv2D":
                pointwise = f"nn.Conv2d({channels * multiplier}, {config['filters']}, 1{bias})"
                return f"nn.Sequential({'' if symmetric else f'nn.ZeroPad2d({sides}), '}{layer}, {pointwise})"
        before = f"nn.ZeroPad2d({sides})"
    return layer if symmetric else f"nn.Sequential({before}, {layer})"
