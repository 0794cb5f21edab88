"""Which pixels of each map a Keras model reads, from its layers' settings.

``read_masks`` goes backwards from the outputs: the pixels of each map that at least one
output depends on. ``content_masks`` goes forwards from the inputs: the pixels that carry the
input rather than the zeros of a ZeroPadding2D. Both take an explanation (``explain()``) and
give a boolean NumPy array per tensor key, (height, width) for maps and one value for other
tensors. How each call's output pixels reach its input's is its Reach: windows and shifts
follow their arithmetic tap by tap; an interpolation or a transposed kernel is measured with
Keras, one axis at a time; a reshape moves each value where Keras' row-major order puts it;
the rest is worked out exactly from the shapes. ``check_size`` refuses, before anything is
allocated, a model whose maps would not fit in memory.

>>> from keras import layers
>>> from padstride.model.explain import explain
>>> trace = explain([layers.Conv2D(1, 1, strides=2)], input_shape=(4, 4))
>>> read_masks(trace)[trace.sources[0].key].astype(int).tolist()
[[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np

from ..conv.windows import reads_back, reads_forward
from .explain import Explanation, LayerTrace
from .graph import InputShapeError
from .kinds import Reach, axes_of

__all__ = ["MAX_MAP_PIXELS", "check_size", "content_masks", "lines_carrying", "read_masks"]

# The masks of every map at once, read and carried: about 2 bytes per pixel of every map.
MAX_MAP_PIXELS = 1 << 27


def check_size(trace: Explanation, what: str = "the pixel masks") -> None:
    """Refuse a model whose maps hold more than MAX_MAP_PIXELS pixels in all, before any
    mask is made, saying how many and the input size.

    >>> from keras import layers
    >>> from padstride.model.explain import explain
    >>> check_size(explain([layers.Conv2D(1, 1)], input_shape=(40000, 40000)))
    Traceback (most recent call last):
    ...
    padstride.model.graph.InputShapeError: input_shape=(40000, 40000) is not allowed: for the pixel masks its maps hold 3,200,000,000 pixels, and at most 134,217,728 fit (about 268 MB); give a smaller size
    """
    shapes = trace.shapes().values()
    pixels = sum(shape[0] * shape[1] for shape in shapes if len(shape) == 3)
    if pixels > MAX_MAP_PIXELS:
        size = ", ".join(f"{item.shape[0]}, {item.shape[1]}" for item in trace.sources)
        problem = (
            f"for {what} its maps hold {pixels:,} pixels, and at most {MAX_MAP_PIXELS:,} fit "
            f"(about {2 * MAX_MAP_PIXELS // 10**6:,} MB); give a smaller size"
        )
        raise InputShapeError(f"input_shape=({size}) is not allowed: {problem}", problem, f"({size})")


def lines_carrying(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Of a map's content mask, which rows and which columns hold at least one pixel of
    the input; None for a tensor that is not a map.

    >>> lines_carrying(np.array([[False, False], [True, False]]))
    (array([False,  True]), array([ True, False]))
    """
    return (mask.any(axis=1), mask.any(axis=0)) if mask.ndim == 2 else None


def _blank(shape: tuple[int, ...]) -> np.ndarray:
    return np.zeros(shape[:2] if len(shape) == 3 else (), dtype=bool)


def read_masks(trace: Explanation) -> dict[int, np.ndarray]:
    """For each tensor of a map (height, width, channels), which of its pixels at least one
    output of the model depends on, going backwards from the outputs; for other tensors
    one value."""
    check_size(trace)
    shapes = trace.shapes()
    read = {key: ~_blank(shapes[key]) for key in trace.outputs}
    for row in reversed(trace):
        out = np.zeros((), dtype=bool)
        for key in row.outputs:
            if key in read:
                out = out | read[key]
        for index, key in enumerate(row.inputs):
            needed = _needed(row, index, out, _blank(shapes[key]))
            read[key] = read[key] | needed if key in read else needed
    return read


def _needed(row: LayerTrace, index: int, out: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """The pixels of input ``index`` that a layer call reads to give the output pixels ``out``."""
    reach = row.reach
    if out.ndim == 2 and blank.ndim == 2:
        if reach.moves_pixels:
            h, w = row.axes
            return reads_back(w, reads_back(h, out).T).T
        if reach.measured:
            reads_h, reads_w = _measured(row)
            return (reads_h.T.astype(np.float32) @ out.astype(np.float32) @ reads_w.astype(np.float32)) > 0
        if reach is Reach.PIXEL:
            return out.copy()
        if reach is Reach.JOIN:
            return _join_back(row, index, out, blank)
        if reach is Reach.PART_WIDE:
            spatial = set(axes_of(row.config.get("axis", -1), 3, row.name)) & {0, 1}
            return np.broadcast_to(out.any(axis=tuple(spatial), keepdims=True), blank.shape).copy()
        if reach is Reach.REARRANGE:
            return _moved(row.output_shape, row.input_shape, out)
    return blank | bool(out.any())  # every input pixel counts towards every output value


def _join_back(row: LayerTrace, index: int, out: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """A merge's input pixels that the needed output pixels come from: the same pixel, or a
    row or column stretched over the output (Keras' broadcasting), or its part of a
    Concatenate along a spatial axis."""
    if "axis" in row.config:  # a Concatenate
        (axis,) = axes_of(row.config["axis"], 3, row.name)
        if axis < 2:
            sizes = [shape[axis] for shape in row.input_shapes]
            start = sum(sizes[:index])
            return np.take(out, range(start, start + sizes[index]), axis=axis)
    stretched = tuple(a for a in (0, 1) if blank.shape[a] == 1 and out.shape[a] != 1)
    return out.any(axis=stretched, keepdims=True) if stretched else out.copy()


def _moved(source: tuple[int, ...], target: tuple[int, ...], mask: np.ndarray) -> np.ndarray:
    """A mask over the pixels of a ``source`` tensor carried to the pixels of a ``target``
    tensor of the same values in Keras' row-major order: a target pixel is marked when any of
    its values comes from a marked source pixel."""
    values = np.broadcast_to(mask[:, :, None], (*mask.shape, source[2])).reshape(-1)
    return values.reshape(target[0], target[1], -1).any(axis=2)


def content_masks(trace: Explanation) -> dict[int, np.ndarray]:
    """For each tensor of a map, which of its pixels depend on the model's input (zeros a
    ZeroPadding2D adds do not), going forwards; for other tensors one value."""
    check_size(trace)
    content = {
        item.key: np.ones(item.shape[:2] if len(item.shape) == 3 else (), dtype=bool)
        for item in trace.sources
    }
    for row in trace:
        out = _carried(row, [content[key] for key in row.inputs])
        for key in row.outputs:
            content[key] = out
    return content


def _carried(row: LayerTrace, inputs: list[np.ndarray]) -> np.ndarray:
    """The output pixels of a call that some carrying input pixel reaches."""
    shape = row.output_shape[:2] if len(row.output_shape) == 3 else ()
    first = inputs[0] if inputs else np.zeros((), dtype=bool)
    reach = row.reach
    if len(shape) == 2 and first.ndim == 2:
        if reach.moves_pixels:
            h, w = row.axes
            return reads_forward(w, reads_forward(h, first).T).T
        if reach.measured:
            reads_h, reads_w = _measured(row)
            return (reads_h.astype(np.float32) @ first.astype(np.float32) @ reads_w.T.astype(np.float32)) > 0
        if reach is Reach.REARRANGE:
            return _moved(row.input_shape, row.output_shape, first)
        if reach is Reach.PIXEL:
            return first.copy()
        if reach is Reach.JOIN and all(mask.ndim == 2 for mask in inputs):
            return _join_forward(row, inputs, shape)
    out = np.zeros(shape, dtype=bool)
    return out | any(bool(mask.any()) for mask in inputs)


def _join_forward(row: LayerTrace, inputs: list[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    if "axis" in row.config:  # a Concatenate
        (axis,) = axes_of(row.config["axis"], 3, row.name)
        if axis < 2:
            return np.concatenate(inputs, axis=axis)
    out = np.zeros(shape, dtype=bool)
    for mask in inputs:
        out = out | np.broadcast_to(mask, shape)
    return out


def _measured(row: LayerTrace) -> tuple[np.ndarray, np.ndarray]:
    """reads[o, i] along the height and along the width of a call whose reach is measured."""
    probe = row.entry.probe
    return tuple(
        _axis_reads(
            row.kind,
            json.dumps(probe(row.config, axis), sort_keys=True, default=str),
            row.input_shape[axis],
            axis,
        )
        for axis in (0, 1)
    )


@cache
def _axis_reads(kind: str, config: str, size: int, axis: int) -> np.ndarray:
    from ..measure.layers import axis_reads

    reads = axis_reads(kind, json.loads(config), size, axis)
    if reads.size > MAX_MAP_PIXELS:
        raise ValueError(f"a {kind} over {size} pixels is too large to measure ({reads.size:,} pairs)")
    return reads
