"""The Keras layer kinds the package knows, grouped by what they do to pixels: one table
that shapes, receptive fields, pitfalls, porting and the ONNX graph all read.

(``probes`` keeps its own lists on purpose: it measures Keras without the package's
vocabulary.)

>>> "Conv2D" in WINDOWED, "ZeroPadding2D" in MOVES_PIXELS, acts_per_pixel("Softmax", {"axis": -1}, 3)
(True, True, True)
"""

from __future__ import annotations

from typing import Any

CONVOLUTIONS = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D")
POOLING = ("MaxPooling2D", "AveragePooling2D")
# Layers whose windows read the map: one output pixel from a kernel-sized window.
WINDOWED = (*CONVOLUTIONS, *POOLING)
# Layers that add or remove pixels at the edges, each pixel read once.
PADDING = ("ZeroPadding2D", "Cropping2D")
# Layers with an arithmetic per axis (kernel, stride, dilation, zeros before and after).
MOVES_PIXELS = (*WINDOWED, *PADDING)
GLOBAL_POOLING = ("GlobalAveragePooling2D", "GlobalMaxPooling2D")
# Layers that change values pixel by pixel, never which pixels are read.
POINTWISE = ("BatchNormalization", "Activation", "ReLU", "Dropout", "Rescaling", "Normalization")
# Pointwise too, when they normalise along the channels only (see acts_per_pixel).
ALONG_AN_AXIS = ("Softmax", "LayerNormalization")
MERGE_LAYERS = ("Add", "Subtract", "Multiply", "Average", "Maximum")
# The layers that take several inputs: where paths of a graph meet.
JOIN_LAYERS = (*MERGE_LAYERS, "Concatenate")

SUPPORTED_LAYERS = (
    "InputLayer",
    *CONVOLUTIONS,
    "Conv2DTranspose",
    *POOLING,
    *GLOBAL_POOLING,
    *PADDING,
    "UpSampling2D",
    "BatchNormalization",
    "LayerNormalization",
    "Activation",
    "ReLU",
    "Softmax",
    "Dropout",
    "Rescaling",
    "Normalization",
    *JOIN_LAYERS,
    "Reshape",
    "Flatten",
    "Dense",
)


def axes_of(config_axis: Any, rank: int, name: str) -> tuple[int, ...]:
    """Keras' ``axis`` setting (which counts the batch axis as 0) as indices into a shape
    of ``rank`` dimensions without the batch axis.

    >>> axes_of(-1, 3, "bn"), axes_of([3], 3, "norm")
    ((2,), (2,))
    """
    values = config_axis if isinstance(config_axis, (list, tuple)) else (config_axis,)
    out = []
    for value in values:
        full = value + rank + 1 if value < 0 else value
        if not 1 <= full <= rank:
            raise ValueError(f"layer {name!r}: axis {value} is not an axis of a {rank + 1}-dimensional input")
        out.append(full - 1)
    return tuple(sorted(out))


def acts_per_pixel(kind: str, config: dict, rank: int, name: str = "layer") -> bool:
    """True when a layer of ``kind`` changes each pixel from that pixel alone (its
    channels), on an input of ``rank`` dimensions without the batch axis.

    >>> acts_per_pixel("LayerNormalization", {"axis": [1, 2, 3]}, 3)
    False
    """
    if kind in POINTWISE:
        return True
    if kind in ALONG_AN_AXIS:
        return set(axes_of(config.get("axis", -1), rank, name)) <= {rank - 1}
    return False
