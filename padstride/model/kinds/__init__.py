"""Every Keras layer kind the package knows, one entry each (see ``base.LayerKind``).

Each module here holds the entries of one family; an entry carries the kind's shape rule,
its reach, its ONNX nodes and its port spellings. Everything else in the package reads a
kind's behaviour from its entry, never from its name: supporting one more kind means adding
one entry to one of these modules.

>>> entry("Conv2D").reach, "Dense" in SUPPORTED_LAYERS
(<Reach.WINDOW: 'window'>, True)
>>> layer_step("Conv2D", {"filters": 8, "kernel_size": 3, "padding": "same"}, [(28, 28, 1)]).output_shape
(28, 28, 8)
"""

from __future__ import annotations

from collections.abc import Sequence

from . import edges, joins, upsampling, values, vectors, windows
from .base import LayerKind, Reach, Shape, Step, axes_of

__all__ = [
    "KINDS",
    "SUPPORTED_LAYERS",
    "LayerKind",
    "Reach",
    "Step",
    "axes_of",
    "entry",
    "layer_step",
    "reach",
]

KINDS: dict[str, LayerKind] = {
    kind.name: kind
    for module in (windows, upsampling, edges, vectors, values, joins)
    for kind in module.ENTRIES
}
# A model's input layer is walked past, not traced; it is part of any model the package reads.
SUPPORTED_LAYERS = ("InputLayer", *KINDS)


def entry(kind: str, name: str = "layer") -> LayerKind:
    """The entry of a layer kind (a Keras class name); a kind the package does not know is
    refused with the name of the layer.

    >>> entry("GaussianNoise", "noise")
    Traceback (most recent call last):
    ...
    ValueError: layer 'noise' is a GaussianNoise, which is not supported; supported: Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPooling2D, AveragePooling2D, Conv2DTranspose, UpSampling2D, ZeroPadding2D, Cropping2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Reshape, Flatten, Dense, BatchNormalization, LayerNormalization, Normalization, Activation, ReLU, Softmax, Dropout, Rescaling, Add, Subtract, Multiply, Average, Maximum, Concatenate
    """
    found = KINDS.get(kind)
    if found is None:
        raise ValueError(f"layer {name!r} is a {kind}, which is not supported; supported: {', '.join(KINDS)}")
    return found


def reach(kind: str, config: dict, input_shape: Shape, name: str = "layer") -> Reach:
    """How the output pixels of one call of ``kind`` reach its input's pixels.

    >>> reach("Softmax", {"axis": -1}, (8, 8, 3))
    <Reach.PIXEL: 'pixel'>
    """
    return entry(kind, name).reach_of(config, input_shape, name)


def layer_step(kind: str, config: dict, input_shapes: Sequence[Shape], name: str = "layer") -> Step:
    """The Step of a layer of class ``kind`` with ``config`` (from ``get_config()``) called on
    inputs of ``input_shapes`` (without the batch axis). Kinds outside SUPPORTED_LAYERS, and
    shapes Keras would refuse, raise a ValueError that names the layer."""
    found = entry(kind, name)
    if config.get("data_format", "channels_last") != "channels_last":
        raise ValueError(
            f"layer {name!r} uses data_format={config['data_format']!r}: only 'channels_last' is supported"
        )
    shapes = [tuple(int(d) for d in shape) for shape in input_shapes]
    if found.inputs == 1 and len(shapes) != 1:
        raise ValueError(f"layer {name!r} ({kind}) is called on {len(shapes)} inputs; it takes one")
    return found.shape(config, shapes, name)
