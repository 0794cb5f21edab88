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
from .arithmetic import (
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
from .folding import Folded, folded
from .transpose import conv_input_sizes, conv_transpose_output_size, output_padding_for

__version__ = "0.1.0"

# Names whose modules need NumPy or TensorFlow are loaded on first use.
_LAZY = {
    "explain": "tracing",
    "Explanation": "tracing",
    "LayerTrace": "tracing",
    "conv_model": "models",
    "one_filter_conv": "models",
    "padding_layers": "models",
    "mnist_model": "models",
    "mnist_variant": "models",
    "summary_text": "models",
    "MNIST_VARIANTS": "models",
    "VERTICAL_LINE_DETECTOR": "filters",
    "line_image": "filters",
    "line_kernel": "filters",
    "apply_filter": "filters",
    "pipeline_trace": "filters",
    "reference_conv2d": "filters",
    "patches": "filters",
    "Patch": "filters",
    "load_mnist": "data",
    "MnistUnavailable": "data",
    "train": "training",
    "compare": "training",
    "evaluate": "training",
    "History": "training",
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
    "receptive_field": "receptive",
    "ReceptiveField": "receptive",
    "FieldRow": "receptive",
    "draw_field": "plots",
    "trace_layers": "tracing",
    "pad": "padding",
    "PAD_MODES": "padding",
    "keras_same_padding": "probes",
    "keras_influence": "probes",
    "keras_gradient_support": "probes",
    "QUESTIONS": "quiz",
    "ask": "quiz",
    "check": "pitfalls",
    "Finding": "pitfalls",
    "Findings": "pitfalls",
    "port": "porting",
    "PortRow": "porting",
    "PortPlan": "porting",
    "onnx_model": "onnx_graph",
    "run_onnx": "onnx_graph",
    "answer_key": "quiz",
    "show_answer": "quiz",
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
