"""padstride: padding and stride in convolutional layers, computed exactly as TensorFlow does.

The arithmetic imports no TensorFlow; model, filter and explain functions import it on
first use.

>>> from padstride import conv_output_size, same_padding
>>> conv_output_size(28, 3, strides=2, padding="same"), same_padding(28, 3, strides=2)
(14, (0, 1))
"""

from importlib import import_module
from typing import Any

from ._keras import quiet_tensorflow
from .conv.arithmetic import (
    AxisArithmetic,
    WindowGrid,
    conv_arithmetic,
    conv_arithmetic_2d,
    conv_output_size,
    depthwise_arithmetic_2d,
    describe_conv,
    effective_kernel_size,
    pool_arithmetic,
    pool_output_size,
    same_padding,
    window_positions,
)
from .conv.transpose import conv_input_sizes, conv_transpose_output_size, output_padding_for
from .folding import Folded, folded

__version__ = "0.1.0"

# Names whose modules need NumPy or TensorFlow are loaded on first use.
_LAZY = {
    "explain": "keras.tracing",
    "Explanation": "keras.tracing",
    "LayerTrace": "keras.tracing",
    "conv_model": "keras.models",
    "one_filter_conv": "keras.models",
    "padding_layers": "keras.models",
    "mnist_model": "keras.models",
    "mnist_variant": "keras.models",
    "summary_text": "keras.models",
    "MNIST_VARIANTS": "keras.models",
    "VERTICAL_LINE_DETECTOR": "keras.filters",
    "line_image": "keras.filters",
    "line_kernel": "keras.filters",
    "apply_filter": "keras.filters",
    "pipeline_trace": "keras.filters",
    "reference_conv2d": "keras.filters",
    "patches": "keras.filters",
    "Patch": "keras.filters",
    "load_mnist": "mnist.data",
    "MnistUnavailable": "mnist.data",
    "train": "mnist.training",
    "compare": "mnist.training",
    "evaluate": "mnist.training",
    "History": "mnist.training",
    "draw_padding": "plots",
    "draw_windows": "plots",
    "draw_feature_map": "plots",
    "draw_conv_steps": "plots",
    "animate_conv": "plots",
    "draw_pipeline": "plots",
    "explore": "plots",
    "plot_history": "plots",
    "plot_tradeoff": "plots",
    "draw_pad_modes": "plots",
    "draw_receptive_field": "plots",
    "draw_feature_map_sizes": "plots",
    "draw_coverage": "plots",
    "draw_maps": "plots",
    "receptive_field": "keras.receptive",
    "ReceptiveField": "keras.receptive",
    "FieldRow": "keras.receptive",
    "draw_field": "plots",
    "trace_layers": "keras.tracing",
    "pad": "conv.padding",
    "PAD_MODES": "conv.padding",
    "keras_same_padding": "keras.probes",
    "keras_influence": "keras.probes",
    "keras_gradient_support": "keras.probes",
    "QUESTIONS": "quiz",
    "ask": "quiz",
    "check": "keras.pitfalls",
    "Finding": "keras.pitfalls",
    "Findings": "keras.pitfalls",
    "port": "keras.porting",
    "PortRow": "keras.porting",
    "PortPlan": "keras.porting",
    "onnx_model": "keras.onnx_graph",
    "run_onnx": "keras.onnx_graph",
    "answer_key": "quiz",
    "show_answer": "quiz",
    "write_notebooks": "course",
}

__all__ = [
    "AxisArithmetic",
    "quiet_tensorflow",
    "conv_arithmetic",
    "conv_arithmetic_2d",
    "depthwise_arithmetic_2d",
    "conv_input_sizes",
    "conv_output_size",
    "conv_transpose_output_size",
    "output_padding_for",
    "describe_conv",
    "effective_kernel_size",
    "pool_arithmetic",
    "pool_output_size",
    "same_padding",
    "window_positions",
    "WindowGrid",
    "Folded",
    "folded",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'padstride' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
