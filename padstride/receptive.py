"""Receptive fields: how many input pixels each layer's output pixels can see.

The standard recurrence, per axis, layer after layer (r = 1, jump = 1, start = 0 at
the input):

    r     += (k − 1)·d·jump      the field grows by the kernel span, in input pixels
    start −= pad_before·jump     the first window begins inside the padding
    jump  *= s                   neighbouring outputs lie s times further apart

Output pixel i of a layer sees input pixels start + i·jump … start + i·jump + r − 1
(those inside the image; with dilation, or a stride above the kernel, some in between
are skipped). Shapes and padding come from ``trace_layers``, so "same" is split exactly
as TensorFlow does.

>>> from padstride.models import mnist_variant
>>> receptive_field(mnist_variant("stride")).size
(15, 15)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .arithmetic import _MINUS, _TIMES, AxisArithmetic
from .tracing import layers_and_shape, trace_layers


@dataclass(frozen=True)
class FieldRow:
    """The receptive field after one layer, as (height, width) pairs."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    size: tuple[int, int]
    jump: tuple[int, int]
    start: tuple[int, int]

    def span(self, row: int, col: int) -> tuple[range, range]:
        """Input rows and columns output pixel (row, col) can see, padding included."""
        (r_h, r_w), (j_h, j_w), (s_h, s_w) = self.size, self.jump, self.start
        return (range(s_h + row * j_h, s_h + row * j_h + r_h), range(s_w + col * j_w, s_w + col * j_w + r_w))


class ReceptiveField(list):
    """FieldRow per spatial layer, and the ``input_shape`` (height, width, channels)
    they refer to; prints as a table.

    >>> from keras import layers
    >>> three = [layers.Conv2D(8, 3, strides=2) for _ in range(3)]
    >>> receptive_field(three, input_shape=(32, 32)).size
    (15, 15)
    """

    @property
    def size(self) -> tuple[int, int]:
        """The receptive field of the last spatial layer."""
        return self[-1].size if self else (1, 1)

    def table(self) -> str:
        headers = ("layer", "output", "field", "jump", "start")
        rows = [
            (
                f"{row.name} ({row.kind})",
                _TIMES.join(str(d) for d in row.output_shape),
                f"{row.size[0]}{_TIMES}{row.size[1]}",
                _pair(row.jump),
                _pair(row.start),
            )
            for row in self
        ]
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() for cells in [headers, *rows]]
        lines.insert(1, "-" * len(lines[0]))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.table())


def _pair(values: tuple[int, int]) -> str:
    text = [f"{_MINUS}{-v}" if v < 0 else str(v) for v in values]
    return text[0] if values[0] == values[1] else f"({text[0]}, {text[1]})"


def _step(r: int, jump: int, start: int, axis: AxisArithmetic) -> tuple[int, int, int]:
    r += (axis.kernel_size - 1) * axis.dilation * jump
    start -= axis.pad_before * jump
    return r, jump * axis.stride, start


def receptive_field(model_or_layers: Any, input_shape: tuple[int, ...] | None = None) -> ReceptiveField:
    """Receptive field size, jump and start offset after each spatial layer.

    Takes a Keras model, or a sequence of layers together with ``input_shape``
    ((height, width) or (height, width, channels)). Conv2D, MaxPooling2D,
    AveragePooling2D and ZeroPadding2D count; the rows stop at the first Flatten or
    Dense layer, whose outputs see the whole input.
    """
    layers, shape = layers_and_shape(model_or_layers, input_shape)
    rows = ReceptiveField()
    rows.input_shape = shape
    fields = [(1, 1, 0), (1, 1, 0)]  # (r, jump, start) for height and width
    for trace in trace_layers(layers, shape):
        if trace.axes is None:
            break
        fields = [_step(*field, axis) for field, axis in zip(fields, trace.axes)]
        (r_h, j_h, s_h), (r_w, j_w, s_w) = fields
        rows.append(FieldRow(trace.name, trace.kind, trace.output_shape, (r_h, r_w), (j_h, j_w), (s_h, s_w)))
    return rows
