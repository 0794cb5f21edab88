"""padstride: padding and stride in convolutional layers, computed exactly as TensorFlow does.

The arithmetic imports no TensorFlow; model, filter and explain functions import it on
first use.

>>> from padstride import conv_output_size, same_padding
>>> conv_output_size(28, 3, strides=2, padding="same"), same_padding(28, 3, strides=2)
(14, (0, 1))
"""

from importlib import import_module
from typing import Any

from .bars import Progress, Task, progress
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
from .runtime import quiet_tensorflow

__version__ = "0.1.0"

# Names whose modules need NumPy or TensorFlow are loaded on first use.
_LAZY = {
    "explain": "model.explain",
    "Explanation": "model.explain",
    "LayerTrace": "model.explain",
    "receptive_field": "model.receptive",
    "ReceptiveField": "model.receptive",
    "FieldRow": "model.receptive",
    "conv_model": "demo.models",
    "one_filter_conv": "demo.models",
    "padding_layers": "demo.models",
    "mnist_model": "demo.models",
    "mnist_variant": "demo.models",
    "summary_text": "demo.models",
    "MNIST_VARIANTS": "demo.models",
    "VERTICAL_LINE_DETECTOR": "demo.filters",
    "line_image": "demo.filters",
    "line_kernel": "demo.filters",
    "apply_filter": "demo.filters",
    "pipeline_trace": "demo.filters",
    "reference_conv2d": "conv.windows",
    "patches": "conv.windows",
    "Patch": "conv.windows",
    "unread_pixels": "conv.windows",
    "pad": "conv.padding",
    "PAD_MODES": "conv.padding",
    "load_mnist": "mnist.data",
    "MnistUnavailable": "mnist.data",
    "train": "mnist.training",
    "compare": "comparison",
    "evaluate": "mnist.training",
    "fit_progress": "mnist.training",
    "History": "mnist.training",
    "learning_rate_schedule": "mnist.training",
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
    "draw_maps_to_scale": "plots",
    "maps_to_scale_alt": "plots",
    "draw_field": "plots",
    "describe": "plots",
    "alt_text": "plots",
    "keras_same_padding": "measure.probes",
    "keras_influence": "measure.probes",
    "keras_gradient_support": "measure.probes",
    "QUESTIONS": "quiz",
    "ask": "quiz",
    "answer_key": "quiz",
    "show_answer": "quiz",
    "find_pitfalls": "pitfalls",
    "Finding": "pitfalls",
    "Findings": "pitfalls",
    "port": "export.port",
    "PortRow": "export.port",
    "PortPlan": "export.port",
    "onnx_model": "export.onnx",
    "run_onnx": "export.onnx",
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
    "Progress",
    "Task",
    "progress",
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
