"""What a layer kind's entry holds, and the pieces its rules share.

An entry (:class:`LayerKind`) says everything the package knows about one Keras layer class:
what a call does to shapes (its :class:`Step`), how its output pixels reach its input pixels
(:class:`Reach`, read by receptive fields, the masks of what is read and the pitfalls), how
it is built as ONNX nodes, and how ``port`` spells its zeros for ONNX and PyTorch. Settings
come from ``layer.get_config()``, which Keras has checked: the rules trust them.

>>> Reach.WINDOW.moves_pixels, Reach.PIXEL.moves_pixels
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ...conv.arithmetic import AxisArithmetic
from ...text import shape_text

Shape = tuple[int, ...]


class Reach(Enum):
    """How the output pixels of a layer call reach the pixels of its input."""

    WINDOW = "window"  # each output pixel reads a window of the input: convolution, pooling
    SHIFT = "shift"  # each output pixel is one input pixel or a zero: padding, cropping
    SPREAD = "spread"  # each input pixel spreads a kernel over the output: transposed convolution
    RESAMPLE = "resample"  # each output pixel interpolates input pixels: upsampling
    PIXEL = "pixel"  # each output pixel from the same pixel's channels alone
    JOIN = "join"  # several inputs, pixel by pixel
    POOL_ALL = "pool all"  # each output value pools the whole map: global pooling
    GLOBAL = "global"  # each output value from every input value: Dense or softmax on a vector
    MAP_WIDE = "map wide"  # a map normalised over both its spatial axes: every pixel reads them all
    PART_WIDE = "part wide"  # a map normalised along one spatial axis
    FLATTEN = "flatten"  # the values kept, the map's layout gone
    REARRANGE = "rearrange"  # values moved to other positions: Reshape

    @property
    def moves_pixels(self) -> bool:
        """A reach with an arithmetic per axis (kernel, stride, dilation, zeros)."""
        return self in (Reach.WINDOW, Reach.SHIFT)

    @property
    def measured(self) -> bool:
        """A reach that is separable per axis but read from Keras itself, one axis at a time
        (interpolations and transposed kernels have no window arithmetic)."""
        return self in (Reach.SPREAD, Reach.RESAMPLE)


@dataclass(frozen=True)
class Step:
    """One layer call: output shape, parameters, FLOPs (2 per multiply-add), the
    arithmetic as text, and for layers that move pixels the (height, width) arithmetic
    and ``formula``, the part of the text that gives the output size."""

    output_shape: Shape
    params: int
    flops: int
    arithmetic: str
    axes: tuple[AxisArithmetic, AxisArithmetic] | None = None
    formula: str = ""


ShapeRule = Callable[[dict, list[Shape], str], Step]  # (config, input shapes, layer name) → Step
ReachRule = Callable[[dict, Shape, str], Reach]  # (config, first input shape, layer name) → Reach


@dataclass(frozen=True)
class LayerKind:
    """Everything about one Keras layer class, in one place.

    ``shape`` computes a call's Step; ``reach`` is the Reach, or a function of the config and
    the input shape; ``onnx`` builds its ONNX nodes (``builder, row, inputs → output``);
    ``spellings`` maps "onnx" and "torch" to a function of the traced row giving the code
    ``port`` prints; ``window`` names its window in messages ("kernel", "pool");
    ``size_setting`` is the Keras setting of its window's size; ``inputs`` is how many
    inputs a call takes (None: two or more, a join); ``unfollowed`` says why a receptive
    field cannot follow it, where it cannot; ``probe`` gives, for a measured reach, the
    settings of a copy of the layer that acts along one axis alone (0: height, 1: width),
    with one filter of ones, whose reading Keras then shows. ``port_notes`` maps a port
    target ("torch") to what its spellings leave to the porter for this kind alone (a weight
    layout other than the usual one).
    """

    name: str
    shape: ShapeRule
    reach: Reach | ReachRule
    onnx: Callable[..., Any] | None = None
    spellings: dict[str, Callable[[Any], str]] | None = None
    window: str = ""
    size_setting: str = ""
    inputs: int | None = 1
    unfollowed: str = ""
    probe: Callable[[dict, int], dict] | None = None
    port_notes: dict[str, str] | None = None

    def reach_of(self, config: dict, input_shape: Shape, name: str = "layer") -> Reach:
        """The reach of one call, on an input of ``input_shape`` (without the batch axis)."""
        return self.reach if isinstance(self.reach, Reach) else self.reach(config, input_shape, name)


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


def along_axes(config: dict, shape: Shape, name: str) -> Reach:
    """The reach of a layer that normalises along Keras' ``axis`` (Softmax,
    LayerNormalization): pixel by pixel along the channels alone, else over the map or a
    vector.

    >>> along_axes({"axis": -1}, (8, 8, 3), "s"), along_axes({"axis": [1, 2]}, (8, 8, 3), "s")
    (<Reach.PIXEL: 'pixel'>, <Reach.MAP_WIDE: 'map wide'>)
    """
    axes = set(axes_of(config.get("axis", -1), len(shape), name))
    if len(shape) != 3:
        return Reach.GLOBAL
    if axes <= {2}:
        return Reach.PIXEL
    return Reach.MAP_WIDE if {0, 1} <= axes else Reach.PART_WIDE


def image(shapes: Sequence[Shape], name: str, kind: str) -> Shape:
    """The one (height, width, channels) input of a call, refused by name otherwise."""
    (shape,) = shapes
    if len(shape) != 3:
        raise ValueError(
            f"layer {name!r} ({kind}) needs (height, width, channels) input, got {shape_text(shape)}"
        )
    return shape


def bias_count(config: dict, count: int) -> int:
    """The biases of a layer with ``count`` outputs: ``count``, or none without use_bias."""
    return count if config.get("use_bias", True) else 0


def plus(bias: int) -> str:
    """ " + 32" for 32 biases, "" for none."""
    return f" + {bias}" if bias else ""


def pair(value: Any) -> tuple[Any, Any]:
    """A setting Keras stores as one value or a (height, width) pair, as a pair.

    >>> pair(3), pair((2, 1))
    ((3, 3), (2, 1))
    """
    return (value[0], value[1]) if isinstance(value, (tuple, list)) else (value, value)


def refuse(row: Any, setting: str, value: Any, supported: str) -> ValueError:
    """The error for a setting the ONNX conversion does not reproduce."""
    return ValueError(
        f"layer {row.name!r} ({row.kind}) has {setting}={value!r}, which onnx_model does not convert; "
        f"supported: {supported}"
    )
