"""Receptive fields: which input pixels each layer call's output pixels can see.

The recurrence, per axis, through each layer that moves pixels (r = 1, jump = 1,
start = 0 at the input):

    r     += (k − 1)·d·jump      the field grows by the kernel span, in input pixels
    start −= pad_before·jump     the first window begins inside the padding
    jump  *= s                   neighbouring outputs lie s times further apart

Output pixel i of a layer sees input pixels start + i·jump … start + i·jump + r − 1:
those inside the image, except pixels it could reach only through padding (where an
earlier layer cropped them, or a strided "valid" layer left them out) and pixels a
dilated or over-strided kernel steps over. −start is the *effective padding*. Shapes and padding come from the same
arithmetic as ``explain``, so "same" is split exactly as TensorFlow does.

Where paths meet (Add, Concatenate, ...), the field is the union of the inputs' fields,
as in Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural
Networks" (Distill, 2019). When the paths' jumps differ the union is not one size, jump
and start: the row then gives a field that holds every pixel's (a bound, ``exact`` is
False) and says so; when their centres differ, ``aligned`` is False and the row says so.

Global pooling, a Dense layer on flattened maps, and what they feed (the
squeeze-and-excitation gates of EfficientNet multiply every pixel by a global average)
make every value depend on the whole input: such rows are *global* (``extent`` holds the
rows and columns read), and keep the field through the convolutional path alone.

>>> from padstride.demo.models import mnist_variant
>>> receptive_field(mnist_variant("stride")).size
(15, 15)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..tables import TextTable, render_csv, render_table
from ..text import MINUS, TIMES, pair_text, shape_text
from .explain import LayerTrace, explain, layer_cell
from .kinds import Reach, axes_of

Axis = tuple[int, int, int]  # (size, jump, start) of one axis
Extent = tuple[tuple[int, int], tuple[int, int]]  # (first, last) row and column read


@dataclass(frozen=True)
class FieldRow:
    """The receptive field after one layer call, as (height, width) pairs.

    ``size``, ``jump`` and ``start`` describe the field through the convolutional path
    (for a global row with no such path, size (0, 0)). ``extent`` is None for a local
    field; for a global row, the (first, last) row and column every output value reads.
    """

    name: str
    kind: str
    output_shape: tuple[int, ...]
    size: tuple[int, int]
    jump: tuple[int, int]
    start: tuple[int, int]
    inbound: tuple[str, ...] = ()
    extent: Extent | None = None
    exact: bool = True
    aligned: bool = True
    note: str = ""

    @property
    def is_global(self) -> bool:
        """True when every output value depends on the whole ``extent``."""
        return self.extent is not None

    @property
    def effective_padding(self) -> tuple[int, int]:
        """How far the first field reaches before the image: −start."""
        return (-self.start[0], -self.start[1])

    def span(self, row: int, col: int) -> tuple[range, range]:
        """Input rows and columns output pixel (row, col) can see through the
        convolutional path, padding included."""
        (r_h, r_w), (j_h, j_w), (s_h, s_w) = self.size, self.jump, self.start
        return (range(s_h + row * j_h, s_h + row * j_h + r_h), range(s_w + col * j_w, s_w + col * j_w + r_w))


class ReceptiveField(TextTable, list):
    """FieldRow per layer call with a spatial output (and per global pooling call), and
    the ``input_shape`` (height, width, channels) they refer to; prints as a table.

    >>> from keras import layers
    >>> three = [layers.Conv2D(8, 3, strides=2) for _ in range(3)]
    >>> receptive_field(three, input_shape=(32, 32)).size
    (15, 15)
    """

    input_shape: tuple[int, int, int] = (0, 0, 0)

    @property
    def size(self) -> tuple[int, int]:
        """The field of the last row (through the convolutional path, if global)."""
        return self[-1].size if self else (1, 1)

    def table(self) -> str:
        """One line of columns per row; notes (global fields, where paths meet, where a
        row does not read the row above) indented underneath."""
        headers = ("layer", "output", "field", "jump", "start")
        cells, notes = [], []
        previous: tuple[str, ...] | None = self[0].inbound if self else None
        extents = {}
        for row in self:
            local = row.size != (0, 0)
            field = ("" if row.exact else "≤ ") + f"{row.size[0]}{TIMES}{row.size[1]}" if local else ""
            if row.is_global:
                field = f"{field}, global" if field else "global"
            jump, start = (pair_text(row.jump), pair_text(row.start)) if local else ("", "")
            cells.append((layer_cell(row.name, row.kind), shape_text(row.output_shape), field, jump, start))
            parts = [] if row.inbound == previous or not row.inbound else [f"from {', '.join(row.inbound)}"]
            parts += [row.note] if row.note else []
            if row.is_global and row.extent not in {extents.get(name) for name in row.inbound}:
                parts.append(self._global_note(row))
            notes.append((len(cells), "; ".join(parts)))
            previous = (row.name,)
            extents[row.name] = row.extent
        return render_table(headers, cells, notes=notes)

    def _global_note(self, row: FieldRow) -> str:
        (top, bottom), (left, right) = row.extent
        height, width = self.input_shape[:2]
        if row.extent == ((0, height - 1), (0, width - 1)):
            reads = f"the whole {height}{TIMES}{width} input"
        else:
            reads = f"input rows {top}–{bottom} and columns {left}–{right}"
        shown = "; field, jump and start: the convolutional path alone" if row.size != (0, 0) else ""
        return f"global from here: every value depends on {reads}{shown}"

    def to_csv(self) -> str:
        """One CSV line per row: layer, kind, output_shape, field, jump and start per axis,
        global, exact, aligned, note."""
        headers = (
            "layer", "kind", "output_shape", "field_height", "field_width", "jump_height", "jump_width",
            "start_height", "start_width", "global", "exact", "aligned", "note",
        )  # fmt: skip
        return render_csv(
            headers,
            (
                (
                    row.name,
                    row.kind,
                    "x".join(map(str, row.output_shape)),
                    *row.size,
                    *row.jump,
                    *row.start,
                    row.is_global,
                    row.exact,
                    row.aligned,
                    row.note,
                )
                for row in self
            ),
        )


@dataclass(frozen=True)
class _State:
    """What one tensor's values depend on."""

    local: tuple[Axis, Axis] | None  # the field through the convolutional path, per axis
    grid: tuple[int, int] | None  # the (height, width) the local fields are laid over
    extent: Extent | None  # what every value reads besides (global), if anything
    spatial: bool  # a (height, width, channels) map
    exact: bool = True
    aligned: bool = True


def receptive_field(model_or_layers: Any, input_shape: tuple[int, ...] | None = None) -> ReceptiveField:
    """Receptive field size, jump and start after each layer call.

    Takes a Keras model (Sequential or functional), or a list of layers together with
    ``input_shape`` ((height, width) or (height, width, channels)). Rows cover the calls
    whose output is a (height, width, channels) map, and global pooling; a Flatten or
    Dense layer ends the maps. Conv2DTranspose and UpSampling2D are refused: an
    upsampled pixel's field is not one size, jump and start.
    """
    trace = explain(model_or_layers, input_shape)
    if len(trace.sources) != 1 or len(trace.sources[0].shape) != 3:
        shapes = ", ".join(shape_text(item.shape) for item in trace.sources)
        raise ValueError(
            f"receptive_field() needs one image input (height, width, channels); this model takes {shapes}"
        )
    (source,) = trace.sources
    height, width = source.shape[:2]
    states = {source.key: _State(((1, 1, 0), (1, 1, 0)), (height, width), None, True)}
    rows = ReceptiveField()
    rows.input_shape = source.shape
    for row in trace:
        inputs = [states[key] for key in row.inputs]
        state, note = _apply(row, inputs, (height, width))
        for key in row.outputs:
            states[key] = state
        if row.reach is Reach.POOL_ALL:
            rows.append(_row(row, state, inputs[0], note))  # the field of its convolutional path
        elif state.spatial:
            rows.append(_row(row, state, state, note))
    return rows


def _row(row: LayerTrace, state: _State, shown: _State, note: str) -> FieldRow:
    if shown.local is None:
        size, jump, start = (0, 0), (0, 0), (0, 0)
    else:
        (r_h, j_h, s_h), (r_w, j_w, s_w) = shown.local
        size, jump, start = (r_h, r_w), (j_h, j_w), (s_h, s_w)
    return FieldRow(
        row.name,
        row.kind,
        row.output_shape,
        size,
        jump,
        start,
        row.inbound,
        state.extent,
        shown.exact,
        shown.aligned,
        note,
    )


def _apply(row: LayerTrace, inputs: list[_State], image: tuple[int, int]) -> tuple[_State, str]:
    """The state of the call's output and a note for its row, by how the call's output
    pixels reach its input's."""
    reach, spatial_out = row.reach, len(row.output_shape) == 3
    if reach is Reach.JOIN:
        return _merge(row, inputs, image)
    (state,) = inputs
    if reach.moves_pixels:
        local = None if state.local is None else tuple(map(_step, state.local, row.axes))
        return replace(state, local=local, grid=row.output_shape[:2]), ""
    if reach is Reach.PIXEL:
        return state, ""
    if reach in (Reach.GLOBAL, Reach.POOL_ALL):
        if reach is Reach.GLOBAL and state.local is None and not state.spatial:
            return state, ""
        return _globalised(state, image, spatial=spatial_out), ""
    if reach is Reach.MAP_WIDE:
        return _globalised(state, image, spatial=True, keep_local=True), ""
    if reach is Reach.FLATTEN:
        return replace(state, spatial=False), ""
    if reach is not Reach.PART_WIDE and state.local is None:  # a global value moved or spread: still global
        return replace(state, spatial=spatial_out, grid=row.output_shape[:2] if spatial_out else None), ""
    why = row.entry.unfollowed or "it normalises along one spatial axis only"
    raise ValueError(f"receptive_field() cannot follow layer {row.name!r} ({row.kind}): {why}")


def _step(axis: Axis, arithmetic: Any) -> Axis:
    r, jump, start = axis
    r += (arithmetic.kernel_size - 1) * arithmetic.dilation * jump
    start -= arithmetic.pad_before * jump
    return r, jump * arithmetic.stride, start


def _coverage(state: _State, image: tuple[int, int]) -> Extent | None:
    """The rows and columns any value of the tensor reads, within the image."""
    parts = []
    if state.local is not None:
        for (r, jump, start), n, size in zip(state.local, state.grid, image):
            parts.append((max(start, 0), min(start + (n - 1) * jump + r - 1, size - 1)))
        parts = [tuple(parts)]
    if state.extent is not None:
        parts.append(state.extent)
    return _bounding(parts)


def _bounding(extents: list[Extent]) -> Extent | None:
    """The smallest extent holding all of ``extents``; None for none."""
    if not extents:
        return None
    return tuple(  # type: ignore[return-value]
        (min(e[axis][0] for e in extents), max(e[axis][1] for e in extents)) for axis in (0, 1)
    )


def _globalised(state: _State, image: tuple[int, int], spatial: bool, keep_local: bool = False) -> _State:
    local = state.local if keep_local else None
    grid = state.grid if keep_local else (1, 1) if spatial else None
    return replace(state, local=local, grid=grid, extent=_coverage(state, image), spatial=spatial)


def _merge(row: LayerTrace, inputs: list[_State], image: tuple[int, int]) -> tuple[_State, str]:
    name, kind = row.name, row.kind
    out_shape = row.output_shape
    if len(out_shape) != 3:
        if any(state.local is not None for state in inputs):
            raise ValueError(
                f"receptive_field() cannot follow layer {name!r} ({kind}): it merges flattened maps"
            )
        return replace(inputs[0], extent=_union_extents(inputs, image), spatial=False), ""
    if "axis" in row.config:  # Concatenate
        (axis,) = axes_of(row.config["axis"], 3, name)
        if axis != 2:
            raise ValueError(
                f"receptive_field() cannot follow layer {name!r} ({kind}): it joins maps along a spatial axis"
            )
    local_inputs = []
    for state, shape, source in zip(inputs, row.input_shapes, row.inbound):
        if state.local is None:
            continue
        if len(shape) != 3 or shape[:2] != out_shape[:2]:
            raise ValueError(
                f"receptive_field() cannot follow layer {name!r} ({kind}): it stretches {source!r} "
                f"({shape_text(shape)}) over {shape_text(out_shape)}, so every pixel reads the same field"
            )
        local_inputs.append((state, source))
    extent = _union_extents(inputs, image, local=False)
    if not local_inputs:
        return _State(None, out_shape[:2], extent, True), ""
    per_axis = [_union([state.local[axis] for state, _ in local_inputs], out_shape[axis]) for axis in (0, 1)]
    local = tuple(axis[0] for axis in per_axis)
    exact = all(state.exact for state, _ in local_inputs) and all(axis[1] for axis in per_axis)
    aligned = all(state.aligned for state, _ in local_inputs) and all(axis[2] for axis in per_axis)
    notes = []
    if not all(axis[1] for axis in per_axis):
        jumps = sorted({state.local[a][1] for state, _ in local_inputs for a in (0, 1)})
        notes.append(
            f"paths with different jumps meet here ({', '.join(map(str, jumps))}): the field shown holds "
            "every pixel's field but is larger than some"
        )
    elif not all(axis[2] for axis in per_axis):
        centres = []
        for state, source in local_inputs:
            centre = ", ".join(_centre(axis) for axis in state.local)
            centres.append(f"{source} ({centre})")
        notes.append(
            "paths with different centres meet here, so the union is not centred on either: first-pixel "
            "centres " + "; ".join(centres)
        )
    return _State(local, out_shape[:2], extent, True, exact, aligned), "; ".join(notes)


def _centre(axis: Axis) -> str:
    r, _, start = axis
    value = start + (r - 1) / 2
    return f"{value:g}".replace("-", MINUS)


def _union_extents(inputs: list[_State], image: tuple[int, int], local: bool = True) -> Extent | None:
    extents = []
    for state in inputs:
        extent = _coverage(state, image) if local else state.extent
        if extent is not None:
            extents.append(extent)
    return _bounding(extents)


def _union(axes: list[Axis], n: int) -> tuple[Axis, bool, bool]:
    """The union of fields laid over the same n outputs: (size, jump, start), whether it is
    exact, whether the centres agree."""
    jumps = {jump for _, jump, _ in axes}
    if len(jumps) == 1:
        (jump,) = jumps
        start = min(s for _, _, s in axes)
        end = max(s + r for r, _, s in axes)
        centres = {2 * s + r - 1 for r, _, s in axes}
        return (end - start, jump, start), True, len(centres) == 1
    # Jumps differ: the smallest field that, moved by the largest jump, holds each output's union.
    jump = max(jumps)
    low = [min(s + i * j for _, j, s in axes) - i * jump for i in range(n)]
    high = [max(s + i * j + r - 1 for r, j, s in axes) - i * jump for i in range(n)]
    start = min(low)
    return (max(high) - start + 1, jump, start), False, False
