"""The exact padding that ports a Keras model to ONNX or PyTorch, layer by layer.

TensorFlow's ``padding="same"`` puts the odd zero after (bottom, right); PyTorch's
``padding=1`` is symmetric and refuses ``"same"`` with a stride, and ONNX's SAME_LOWER puts
it before. ``port`` writes each layer's zeros explicitly, as (left, right, top, bottom),
and the spelling that reproduces TensorFlow: ONNX ``pads=[top, left, bottom, right]``, or
for PyTorch a symmetric ``padding=`` where that is exact and ``nn.ZeroPad2d((l, r, t, b))``
+ ``padding=0`` where it is not. The PyTorch spellings are Python expressions
(``nn`` is ``torch.nn``, ``F`` is ``torch.nn.functional``).

>>> from padstride.demo.models import mnist_model
>>> print(port(mnist_model(strides=2, padding="same"), to="torch")[0].spelling)
nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 32, 3, stride=2, padding=0))
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..model.explain import LayerTrace, explain, layer_cell
from ..model.kinds import KINDS, Reach
from ..tables import TextTable, render_table

TARGETS = ("onnx", "torch")
PORTED = tuple(name for name, kind in KINDS.items() if kind.spellings)


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
    trace = explain(model_or_layers, input_shape)
    plan = PortPlan()
    plan.to, plan.model = to, getattr(model_or_layers, "name", "layers")
    for row in trace:
        if row.entry.spellings:
            (top, bottom), (left, right) = row.padding
            plan.append(PortRow(row.name, row.kind, (left, right, top, bottom), spelling(row, to)))
        elif row.reach is Reach.SPREAD:
            raise ValueError(
                f"layer {row.name!r} is a {row.kind}, whose zeros port does not write; it writes: {', '.join(PORTED)}"
            )
    return plan


def spelling(row: LayerTrace, to: str) -> str:
    """The ONNX (``to="onnx"``) or PyTorch (``to="torch"``) spelling of one traced layer
    call of a kind in PORTED, with its zeros written out, from the kind's entry.

    >>> from keras import layers
    >>> (row,) = explain([layers.MaxPooling2D(3, strides=2, padding="same")], (8, 8, 1))
    >>> spelling(row, "onnx")
    'MaxPool(kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])'
    """
    return row.entry.spellings[to](row)
