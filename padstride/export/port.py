"""The exact padding that ports a Keras model to ONNX or PyTorch, layer by layer.

TensorFlow's ``padding="same"`` puts the odd zero after (bottom, right); PyTorch's
``padding=1`` is symmetric and refuses ``"same"`` with a stride, and ONNX's SAME_LOWER puts
it before. ``port`` writes each layer's zeros explicitly, as (left, right, top, bottom), and
code that reproduces TensorFlow on this input size: ONNX nodes (``make_node`` calls with
``pads=[top, left, bottom, right]``, in the form of the opset ``onnx_model`` emits), or
PyTorch modules (a symmetric ``padding=`` where that is exact, ``nn.ZeroPad2d`` in front
where it is not). Every spelling runs as printed after the plan's preamble; it covers the
padding, cropping and window of its layer, not the activation nor the weights, which the
plan's last lines name. A transposed convolution's zeros are the ones it crops from its
output (ONNX's ConvTranspose pads).

>>> from padstride.demo.models import mnist_model
>>> print(port(mnist_model(strides=2, padding="same"), to="torch")[0].spelling)
nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 32, 3, stride=2, padding=0))
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..model.explain import Explanation, LayerTrace, explain, layer_cell
from ..model.kinds import KINDS, Reach
from ..model.kinds.spelled import (
    PREAMBLES,
    TF_AVERAGE_POOL,
    TF_AVERAGE_POOL_CODE,
    WHAT_THE_NAMES_ARE,
)
from ..model.kinds.upsampling import transpose_zeros
from ..tables import TextTable, render_table, wrap

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
    machines. ``to`` is "onnx" or "torch"; ``preamble`` is the code every spelling runs
    after; ``not_covered`` says what the spellings leave out; ``crops`` whether a transposed
    convolution's numbers are pixels cropped from its output."""

    to: str = ""
    model: str = ""
    preamble: str = ""
    not_covered: str = ""
    crops: bool = False

    def table(self) -> str:
        cells = [(layer_cell(r.layer, r.kind), *(str(p) for p in r.pads)) for r in self]
        notes = [(i + 1, r.spelling) for i, r in enumerate(self)]
        lopsided = sum(not r.symmetric for r in self)
        uneven = "zeros (crops, for a transposed layer)" if self.crops else "zeros"
        imports = "; ".join(
            line for line in self.preamble.splitlines() if line.startswith(("import", "from"))
        )
        more = (
            f" and the class {TF_AVERAGE_POOL} (in the preamble)" if TF_AVERAGE_POOL in self.preamble else ""
        )
        footer = [
            *wrap(
                f"{self.model} to {self.to}: {len(self)} layer{'' if len(self) == 1 else 's'}, "
                f"{lopsided} with different {uneven} on the two sides",
                "",
            ),
            *wrap(f"Each spelling runs as printed after: {imports}{more}.", ""),
            *wrap(self.not_covered, ""),
        ]
        return render_table(("layer", "left", "right", "top", "bottom"), cells, (1, 2, 3, 4), footer, notes)

    def to_json(self) -> str:
        layers = [r.as_dict() for r in self]
        return json.dumps(
            {
                "model": self.model,
                "to": self.to,
                "preamble": self.preamble,
                "not_covered": self.not_covered,
                "layers": layers,
            },
            indent=2,
        )


def port(model_or_layers: Any, to: str = "onnx", input_shape: Any = None) -> PortPlan:
    """Per layer call that pads, crops or slides a window (see PORTED), the explicit zeros
    and the ONNX (``to="onnx"``) or PyTorch (``to="torch"``) code that gives exactly
    TensorFlow's output on this input size. A list of layers needs ``input_shape``.

    >>> from keras import layers
    >>> plan = port([layers.Conv2D(4, 3, strides=2, padding="same")], input_shape=(8, 8, 2))
    >>> plan[0].pads, plan[0].spelling
    ((0, 1, 0, 1), '[make_node("Conv", ["x", "W", "B"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])]')
    """
    if to not in TARGETS:
        raise ValueError(f"to={to!r} is not allowed: give 'onnx' or 'torch'")
    trace = explain(model_or_layers, input_shape)
    plan = PortPlan()
    plan.to, plan.model = to, getattr(model_or_layers, "name", "layers")
    for row in trace:
        if row.entry.spellings:
            plan.append(PortRow(row.name, row.kind, zeros(row), spelling(row, to)))
            plan.crops = plan.crops or row.reach is Reach.SPREAD
    plan.preamble = PREAMBLES[to] + (
        "\n" + TF_AVERAGE_POOL_CODE
        if to == "torch" and any(TF_AVERAGE_POOL in r.spelling for r in plan)
        else ""
    )
    plan.not_covered = _not_covered(trace, to)
    return plan


def zeros(row: LayerTrace) -> tuple[int, int, int, int]:
    """A ported call's zeros as (left, right, top, bottom): added before its window
    (negative where it crops), or for a transposed convolution, cropped from its output."""
    if row.reach is Reach.SPREAD:
        (top, bottom, _), (left, right, _) = transpose_zeros(row)
    else:
        (top, bottom), (left, right) = row.padding
    return (left, right, top, bottom)


def spelling(row: LayerTrace, to: str) -> str:
    """The ONNX (``to="onnx"``) or PyTorch (``to="torch"``) spelling of one traced layer
    call of a kind in PORTED, with its zeros written out, from the kind's entry.

    >>> from keras import layers
    >>> (row,) = explain([layers.MaxPooling2D(3, strides=2, padding="same")], (8, 8, 1))
    >>> spelling(row, "onnx")
    '[make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])]'
    """
    return row.entry.spellings[to](row)


def _not_covered(trace: Explanation, to: str) -> str:
    """One line: what the spellings leave to the porter."""
    activated: dict[str, list[str]] = {}
    for row in trace:
        if row.entry.spellings and row.config.get("activation") not in (None, "linear"):
            activated.setdefault(str(row.config["activation"]), []).append(row.name)
    parts = [WHAT_THE_NAMES_ARE[to]]
    for row in trace:
        note = (row.entry.port_notes or {}).get(to)
        if note and note not in parts:
            parts.append(note)
    for name, layers in activated.items():
        shown = ", ".join(layers[:3]) + (f" and {len(layers) - 3} more" if len(layers) > 3 else "")
        parts.append(f"{name} after {shown}")
    if to == "torch" and any(row.reach is Reach.FLATTEN for row in trace):
        parts.append("before Flatten, x.permute(0, 2, 3, 1) (Keras flattens NHWC, PyTorch's maps are NCHW)")
    return "Not in the spellings: " + "; ".join(parts) + "."
