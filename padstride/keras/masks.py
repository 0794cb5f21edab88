"""Which pixels of each map a Keras model reads, from its layers' settings alone.

``read_masks`` goes backwards from the outputs: the pixels of each map that at least one
output depends on. ``content_masks`` goes forwards from the inputs: the pixels that carry the
input rather than the zeros of a ZeroPadding2D. Both are boolean NumPy arrays per tensor
(height, width) for maps, one value for other tensors; nothing is run.

>>> from padstride.conv.arithmetic import conv_arithmetic
>>> read_positions(conv_arithmetic(7, 3, strides=3)).astype(int).tolist()
[1, 1, 1, 1, 1, 1, 0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..conv.arithmetic import AxisArithmetic
from .graph import Graph
from .layer_kinds import JOIN_LAYERS, acts_per_pixel
from .tracing import Explanation, LayerTrace


def read_positions(axis: AxisArithmetic) -> np.ndarray:
    """Which of the axis' input positions at least one window reads (padding excluded).

    >>> from padstride import conv_arithmetic
    >>> read_positions(conv_arithmetic(7, 1, strides=2)).astype(int).tolist()
    [1, 0, 1, 0, 1, 0, 1]
    """
    return window_reads(axis).any(axis=0)


def window_reads(axis: AxisArithmetic) -> np.ndarray:
    """reads[o, i]: output position o's window reads input position i.

    >>> from padstride import conv_arithmetic
    >>> window_reads(conv_arithmetic(4, 2, strides=2)).astype(int).tolist()
    [[1, 1, 0, 0], [0, 0, 1, 1]]
    """
    reads = np.zeros((axis.output, axis.size), dtype=bool)
    for o in range(axis.output):
        start = o * axis.stride - axis.pad_before
        taps = [start + t * axis.dilation for t in range(axis.kernel_size)]
        reads[o, [i for i in taps if 0 <= i < axis.size]] = True
    return reads


def lines_carrying(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Of a map's content mask, which rows and which columns hold at least one pixel of
    the input; None for a tensor that is not a map.

    >>> lines_carrying(np.array([[False, False], [True, False]]))
    (array([False,  True]), array([ True, False]))
    """
    return (mask.any(axis=1), mask.any(axis=0)) if mask.ndim == 2 else None


def pixel_by_pixel(row: LayerTrace, layer: Any) -> bool:
    """A call that changes each pixel from that pixel's channels alone: a pointwise layer,
    a normalisation along the channels, or a Dense layer on a map."""
    rank = len(row.input_shape)
    if row.kind == "Dense":
        return rank == 3
    return acts_per_pixel(row.kind, layer.get_config(), rank, row.name)


def producers(graph: Graph) -> dict[int, Any]:
    """The call that writes each tensor key."""
    return {key: call for call in graph.calls for key in call.outputs}


def read_masks(graph: Graph, rows: Explanation) -> dict[int, np.ndarray]:
    """For each tensor of a map (height, width, channels), which of its pixels at least one
    output of the model depends on, going backwards from the outputs; for other tensors
    one value. A transposed convolution counts as reading its whole input (a bound)."""
    shapes = {item.key: item.shape for item in graph.inputs}
    for call, row in zip(graph.calls, rows):
        for key in call.outputs:
            shapes[key] = row.output_shape

    def blank(key: int) -> np.ndarray:
        shape = shapes[key]
        return np.zeros(shape[:2] if len(shape) == 3 else (), dtype=bool)

    read = {key: ~blank(key) for key in graph.outputs}
    for call, row in reversed(list(zip(graph.calls, rows))):
        out = np.zeros((), dtype=bool)
        for key in call.outputs:
            if key in read:
                out = out | read[key]
        for key in call.inputs:
            needed = _needed(row, call.layer, out, blank(key))
            read[key] = read[key] | needed if key in read else needed
    return read


def _needed(row: LayerTrace, layer: Any, out: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """The input pixels a layer call reads to give the output pixels ``out``."""
    if row.axes is not None and out.ndim == 2:
        h, w = row.axes
        return (window_reads(h).T.astype(int) @ out.astype(int) @ window_reads(w).astype(int)) > 0
    if row.kind == "UpSampling2D" and out.ndim == 2:
        sh, sw = layer.get_config()["size"]
        needed = blank.copy()
        rows_, cols = np.nonzero(out)
        needed[rows_ // sh, cols // sw] = True
        return needed
    same_map = out.ndim == 2 and out.shape == blank.shape
    if same_map and (row.kind in JOIN_LAYERS or pixel_by_pixel(row, layer)):
        return out.copy()
    return blank | bool(out.any())  # every input pixel counts towards every output value


def content_masks(graph: Graph, rows: Explanation) -> dict[int, np.ndarray]:
    """For each tensor of a map, which of its pixels depend on the model's input (zeros a
    ZeroPadding2D adds do not), going forwards; for other tensors one value. A transposed
    convolution counts as spreading its input everywhere (a bound)."""
    content = {
        item.key: np.ones(item.shape[:2] if len(item.shape) == 3 else (), dtype=bool) for item in graph.inputs
    }
    for call, row in zip(graph.calls, rows):
        inputs = [content[key] for key in call.inputs]
        shape = row.output_shape[:2] if len(row.output_shape) == 3 else ()
        out = np.zeros(shape, dtype=bool)
        first = inputs[0] if inputs else np.zeros((), dtype=bool)
        if row.axes is not None and first.ndim == 2 and len(shape) == 2:
            h, w = row.axes
            out = (window_reads(h).astype(int) @ first.astype(int) @ window_reads(w).T.astype(int)) > 0
        elif row.kind == "UpSampling2D" and first.ndim == 2:
            sh, sw = call.layer.get_config()["size"]
            out = first.repeat(sh, axis=0).repeat(sw, axis=1)
        elif all(mask.shape == shape for mask in inputs) and (
            row.kind in JOIN_LAYERS or pixel_by_pixel(row, call.layer)
        ):
            for mask in inputs:
                out = out | mask
        else:
            out = out | any(bool(mask.any()) for mask in inputs)
        for key in call.outputs:
            content[key] = out
    return content
