"""Which pixels of each map a Keras model reads, from its layers' settings alone.

``read_masks`` goes backwards from the outputs: the pixels of each map that at least one
output depends on. ``content_masks`` goes forwards from the inputs: the pixels that carry the
input rather than the zeros of a ZeroPadding2D. Both take an explanation (``explain()``) and
give a boolean NumPy array per tensor key, (height, width) for maps and one value for other
tensors; nothing is run. How each call's output pixels reach its input's is its Reach.

>>> from keras import layers
>>> from padstride.model.explain import explain
>>> trace = explain([layers.Conv2D(1, 1, strides=2)], input_shape=(4, 4))
>>> read_masks(trace)[trace.sources[0].key].astype(int).tolist()
[[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
"""

from __future__ import annotations

import numpy as np

from ..conv.windows import window_reads
from .explain import Explanation, LayerTrace
from .kinds import Reach

__all__ = ["content_masks", "lines_carrying", "read_masks"]


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
    one value. A transposed convolution counts as reading its whole input (a bound)."""
    shapes = trace.shapes()
    read = {key: ~_blank(shapes[key]) for key in trace.outputs}
    for row in reversed(trace):
        out = np.zeros((), dtype=bool)
        for key in row.outputs:
            if key in read:
                out = out | read[key]
        for key in row.inputs:
            needed = _needed(row, out, _blank(shapes[key]))
            read[key] = read[key] | needed if key in read else needed
    return read


def _needed(row: LayerTrace, out: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """The input pixels a layer call reads to give the output pixels ``out``."""
    if row.reach.moves_pixels and out.ndim == 2:
        h, w = row.axes
        return (window_reads(h).T.astype(int) @ out.astype(int) @ window_reads(w).astype(int)) > 0
    if row.reach is Reach.REPEAT and out.ndim == 2:
        sh, sw = (out.shape[i] // blank.shape[i] for i in (0, 1))
        needed = blank.copy()
        rows, cols = np.nonzero(out)
        needed[rows // sh, cols // sw] = True
        return needed
    same_map = out.ndim == 2 and out.shape == blank.shape
    if same_map and row.reach in (Reach.JOIN, Reach.PIXEL):
        return out.copy()
    return blank | bool(out.any())  # every input pixel counts towards every output value


def content_masks(trace: Explanation) -> dict[int, np.ndarray]:
    """For each tensor of a map, which of its pixels depend on the model's input (zeros a
    ZeroPadding2D adds do not), going forwards; for other tensors one value. A transposed
    convolution counts as spreading its input everywhere (a bound)."""
    content = {
        item.key: np.ones(item.shape[:2] if len(item.shape) == 3 else (), dtype=bool)
        for item in trace.sources
    }
    for row in trace:
        inputs = [content[key] for key in row.inputs]
        shape = row.output_shape[:2] if len(row.output_shape) == 3 else ()
        out = np.zeros(shape, dtype=bool)
        first = inputs[0] if inputs else np.zeros((), dtype=bool)
        if row.reach.moves_pixels and first.ndim == 2 and len(shape) == 2:
            h, w = row.axes
            out = (window_reads(h).astype(int) @ first.astype(int) @ window_reads(w).T.astype(int)) > 0
        elif row.reach is Reach.REPEAT and first.ndim == 2:
            out = first.repeat(shape[0] // first.shape[0], axis=0).repeat(shape[1] // first.shape[1], axis=1)
        elif all(mask.shape == shape for mask in inputs) and row.reach in (Reach.JOIN, Reach.PIXEL):
            for mask in inputs:
                out = out | mask
        else:
            out = out | any(bool(mask.any()) for mask in inputs)
        for key in row.outputs:
            content[key] = out
    return content
