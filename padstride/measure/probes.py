"""Measure what real Keras layers do, without using the package's arithmetic.

The quiz proves its answer keys with these, and the tests hold the arithmetic against
them: the padding split is found by trying explicit zeros until the output matches, and
receptive fields by sending one lit pixel at a time through a copy of the model, or by
asking TensorFlow for the gradient of one output pixel. Nothing here imports the
package's arithmetic, shape rules or graph walk: the copy is made by Keras' own
``clone_model`` and every size comes from running it.

>>> keras_same_padding(28, 3, strides=2)
(0, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import arguments
from ..keras_graph import is_functional, is_sequential, layer_nodes, model_nodes, tensor_layer
from ..runtime import load_keras

# Layers the copy keeps as they are (from their settings), turns into an identity (they
# change values pixel by pixel, not which pixels are read), or replaces by Add (for
# general inputs a sum, difference, product or maximum depends on exactly the pixels
# either input depends on).
KEPT = (
    "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "MaxPooling2D", "AveragePooling2D",
    "GlobalAveragePooling2D", "GlobalMaxPooling2D", "ZeroPadding2D", "Cropping2D", "UpSampling2D",
    "Concatenate", "Reshape", "Flatten", "Dense", "Add", "Average",
)  # fmt: skip
IDENTITY = ("BatchNormalization", "Activation", "ReLU", "Dropout", "Rescaling", "Normalization")
AS_ADD = ("Subtract", "Multiply", "Maximum")
ENDS_THE_MAPS = ("Flatten", "Dense", "GlobalAveragePooling2D", "GlobalMaxPooling2D")


def keras_same_padding(
    size: int, kernel_size: int, strides: int = 1, dilation_rate: int = 1
) -> tuple[int, int]:
    """The fewest (before, after) zeros with which ZeroPadding + a "valid" Conv2D give
    exactly the output of Keras' padding="same" Conv2D, on a row of ``size`` pixels.

    >>> keras_same_padding(8, 4)
    (1, 2)
    """
    size, kernel_size, strides, dilation_rate = arguments.conv_axis(size, kernel_size, strides, dilation_rate)
    layers = load_keras().layers
    rng = np.random.default_rng(0)
    row = rng.normal(size=(1, 1, size, 1)).astype("float32")
    kernel = rng.normal(size=(1, kernel_size, 1, 1)).astype("float32")

    def conv(padding: str, x: np.ndarray) -> np.ndarray:
        layer = layers.Conv2D(
            1,
            (1, kernel_size),
            strides=(1, strides),
            padding=padding,
            dilation_rate=(1, dilation_rate),
            use_bias=False,
        )
        layer.build(x.shape)
        layer.set_weights([kernel])
        return np.asarray(layer(x))

    same = conv("same", row)
    span = (kernel_size - 1) * dilation_rate + 1
    for total in range(span + strides):
        for before in range(total + 1):
            padded = np.pad(row, ((0, 0), (0, 0), (before, total - before), (0, 0)))
            if padded.shape[2] < span:
                continue
            valid = conv("valid", padded)
            if valid.shape == same.shape and np.allclose(valid, same, atol=1e-5):
                return (before, total - before)
    raise RuntimeError(f"no explicit padding reproduces Keras' 'same' output on {size} pixels")


def keras_influence(
    model_or_layers: Any,
    input_shape: tuple[int, int] | None = None,
    output: str | int | None = None,
    global_paths: bool = True,
) -> np.ndarray:
    """Which input pixels change which output pixels, found with Keras.

    The model is copied with one filter of 1/(fan-in) per convolution, no bias, and
    layers that only rescale values made identities (see KEPT, IDENTITY, AS_ADD), in
    float64; then one lit pixel at a time goes through it. Every value stays
    non-negative, so an output is above zero exactly when the lit pixel reaches it.
    Returns a boolean array indexed [out_row, out_col, in_row, in_col].

    A list of layers, or a Sequential model, is followed up to its first Flatten, Dense
    or global pooling layer. For a functional model, ``output`` names the layer whose
    output is measured (or is an index into ``model.outputs``); by default the model's
    only output. ``input_shape`` (height, width) may differ from the model's own.
    ``global_paths=False`` makes global pooling give zeros, so that what is measured is
    the field through the convolutional path alone.

    >>> from keras import layers
    >>> seen = keras_influence([layers.Conv2D(8, 3)], input_shape=(5, 5))
    >>> seen.shape, int(seen[0, 0].sum())
    ((3, 3, 5, 5), 9)
    """
    probe, (height, width) = _probe(model_or_layers, input_shape, output, linear=False, cut=not global_paths)
    pixels = height * width
    arguments.array_values(
        (pixels, height, width), f"keras_influence on {height}×{width}: one impulse per pixel"
    )
    impulses = np.eye(pixels, dtype="float32").reshape(pixels, height, width, 1)
    response = np.asarray(probe(impulses))
    if response.ndim != 4:
        raise ValueError(
            f"the measured output has shape {response.shape[1:]}: keras_influence() needs a "
            "(height, width, channels) map; name one with output="
        )
    response = response.sum(axis=-1)
    out_h, out_w = response.shape[1:]
    return (response > 0).reshape(height, width, out_h, out_w).transpose(2, 3, 0, 1)


def keras_gradient_support(
    model_or_layers: Any,
    pixel: tuple[int, int] | None = None,
    input_shape: tuple[int, int] | None = None,
    output: str | int | None = None,
    global_paths: bool = True,
) -> np.ndarray:
    """The input pixels one output pixel depends on, from TensorFlow's gradient.

    The model is copied as for ``keras_influence``, with max pooling measured as average
    pooling over the same windows (a maximum passes gradient to one pixel only) and
    Maximum as Add; the gradient of the output pixel (summed over channels) is taken at a
    random positive image. Every path then contributes a positive amount, so the gradient
    is non-zero exactly at the pixels the output depends on. ``pixel`` is (row, column) of
    the output, its centre by default; for an output that is not a map (e.g. after global
    pooling) leave it out. ``global_paths`` as for ``keras_influence``. Returns a boolean
    (height, width) array.

    >>> from keras import layers
    >>> seen = keras_gradient_support([layers.Conv2D(8, 3, strides=2)], (1, 1), input_shape=(7, 7))
    >>> [int(i) for i in np.flatnonzero(seen.any(axis=1))]
    [2, 3, 4]
    """
    import tensorflow as tf

    probe, (height, width) = _probe(model_or_layers, input_shape, output, linear=True, cut=not global_paths)
    rng = np.random.default_rng(0)
    image = tf.constant(rng.uniform(0.5, 1.5, size=(1, height, width, 1)))
    with tf.GradientTape() as tape:
        tape.watch(image)
        result = probe(image)
        if len(result.shape) == 4:
            rows, cols = result.shape[1:3]
            row, col = (rows // 2, cols // 2) if pixel is None else _pixel(pixel, (rows, cols))
            value = tf.reduce_sum(result[0, row, col])
        elif pixel is not None:
            raise ValueError(
                f"pixel={pixel!r} is not allowed: the output has shape {tuple(result.shape[1:])}"
            )
        else:
            value = tf.reduce_sum(result[0])
    gradient = np.asarray(tape.gradient(value, image))[0, :, :, 0]
    return gradient > 0


def _pixel(value: Any, grid: tuple[int, int]) -> tuple[int, int]:
    if not arguments.is_pair(value) or len(value) != 2 or not all(arguments.is_int(v) for v in value):
        raise ValueError(f"pixel={value!r} is not allowed: give (row, column) of the output")
    if not all(0 <= v < n for v, n in zip(value, grid)):
        raise ValueError(f"pixel={value!r} is not allowed: the output has {grid[0]}×{grid[1]} pixels")
    return (int(value[0]), int(value[1]))


def _probe(
    model_or_layers: Any, input_shape: Any, output: Any, linear: bool, cut: bool
) -> tuple[Any, tuple[int, int]]:
    """The copy to measure, and the (height, width) of its one-channel float64 input."""
    k = load_keras()
    value = model_or_layers
    if not is_sequential(value):
        value = arguments.model_or_layers(value)
    if isinstance(value, list) or is_sequential(value):
        layers = value if isinstance(value, list) else list(value.layers)
        height, width = _size(value, input_shape)
        probed = [k.Input((height, width, 1), dtype="float64")]
        for layer in layers:
            kind = type(layer).__name__
            if kind == "InputLayer":
                continue
            if kind in ENDS_THE_MAPS and output is None:
                break
            probed.append(_probe_layer(layer, linear, cut))
            if output is not None and layer.name == output:
                break
        else:
            if output is not None:
                raise ValueError(f"output={output!r} is not allowed: no layer of that name")
        return _set_weights(k.Sequential(probed)), (height, width)
    if not is_functional(value):
        raise ValueError(
            f"model {value.name!r} is subclassed: only Sequential and functional models can be probed"
        )
    target = _output(value, output)
    height, width = _size(value, input_shape)
    part = k.Model(value.inputs[0], target)
    copy = k.models.clone_model(
        part,
        input_tensors=k.Input((height, width, 1), dtype="float64"),
        clone_function=lambda layer: _probe_layer(layer, linear, cut),
        recursive=True,
    )
    return _set_weights(copy), (height, width)


def _size(value: Any, input_shape: Any) -> tuple[int, int]:
    if input_shape is not None:
        return arguments.input_shape_hwc(input_shape)[:2]
    if isinstance(value, list):
        raise ValueError(
            "input_shape=None is not allowed with a list of layers: give (height, width) or "
            "(height, width, channels)"
        )
    try:
        inputs = value.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or len(inputs) != 1 or len(inputs[0].shape) != 4 or None in inputs[0].shape[1:3]:
        raise ValueError(
            f"model {value.name!r} has no single (height, width, channels) input of known size: "
            "give input_shape=(height, width)"
        )
    return int(inputs[0].shape[1]), int(inputs[0].shape[2])


def _output(model: Any, output: Any) -> Any:
    if output is None:
        if len(model.outputs) != 1:
            names = ", ".join(tensor_layer(t).name for t in model.outputs)
            raise ValueError(
                f"model {model.name!r} has {len(model.outputs)} outputs ({names}): choose one with output="
            )
        return model.outputs[0]
    if arguments.is_int(output):
        if not 0 <= output < len(model.outputs):
            raise ValueError(f"output={output!r} is not allowed: the model has {len(model.outputs)} outputs")
        return model.outputs[output]
    try:
        layer = model.get_layer(output)
    except ValueError:
        raise ValueError(
            f"output={output!r} is not allowed: model {model.name!r} has no layer of that name"
        ) from None
    nodes = [node for node in layer_nodes(layer) if node in model_nodes(model)]
    if len(nodes) != 1:
        raise ValueError(
            f"output={output!r} is not allowed: that layer is called {len(nodes)} times in the model; "
            "make the call you mean a model output and pass its index"
        )
    return nodes[0].output_tensors[0]


def _probe_layer(layer: Any, linear: bool, cut: bool = False) -> Any:
    """The layer as the copy has it: one channel, linear, float64; with ``cut``, global
    pooling times zero."""
    k = load_keras()
    layers = k.layers
    kind = type(layer).__name__
    config = layer.get_config()
    config.update(dtype="float64")
    if kind in IDENTITY or (kind in ("Softmax", "LayerNormalization") and _channels_only(config)):
        return _passthrough()(name=layer.name, dtype="float64")
    if kind in AS_ADD or (linear and kind == "Maximum"):
        return layers.Add(name=layer.name, dtype="float64")
    if kind == "Maximum":
        return layers.Maximum(name=layer.name, dtype="float64")
    if kind not in KEPT:
        raise ValueError(f"layer {layer.name!r} is a {kind}, which the Keras probes do not measure")
    if linear and kind in ("MaxPooling2D", "GlobalMaxPooling2D"):
        kind = kind.replace("Max", "Average")
    if cut and kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        pooled = getattr(layers, kind).from_config({**config, "name": f"{layer.name}_pool"})
        return k.Sequential([pooled, layers.Rescaling(0.0, dtype="float64")], name=layer.name)
    if "filters" in config:
        config.update(filters=1, groups=1) if kind == "Conv2D" else config.update(filters=1)
    if "depth_multiplier" in config:
        config.update(depth_multiplier=1)
    if "use_bias" in config:
        config.update(use_bias=False, activation="linear")
    if kind == "Reshape":  # one channel now: the last size follows from the rest
        config.update(target_shape=(*tuple(config["target_shape"])[:-1], -1))
    return getattr(layers, kind).from_config(config)


_PASSTHROUGH: list = []


def _passthrough() -> type:
    """keras.layers.Identity that also takes the keyword arguments (mask=, training=)
    some layers are called with."""
    if not _PASSTHROUGH:

        class Passthrough(load_keras().layers.Layer):
            def call(self, inputs, **kwargs):
                return inputs

            def compute_output_shape(self, input_shape):
                return input_shape

        _PASSTHROUGH.append(Passthrough)
    return _PASSTHROUGH[0]


def _channels_only(config: dict) -> bool:
    axis = config.get("axis", -1)
    values = axis if isinstance(axis, (list, tuple)) else (axis,)
    return all(v in (-1, 3) for v in values)


def _set_weights(model: Any) -> Any:
    """Every kernel 1/(its fan-in), so values stay near the input's whatever the depth."""
    for weight in model.weights:
        shape = tuple(weight.shape)
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 0
        weight.assign(np.full(shape, 1.0 / fan_in) if fan_in else np.zeros(shape))
    return model
