"""What the entries' port spellings share: ONNX nodes and constants written as Python that
builds them, PyTorch's order of the zeros, and the one PyTorch module PyTorch lacks.

Every spelling is code that runs as printed after ``PREAMBLES[target]``: an ONNX spelling is
a list of ``make_node(...)`` (and ``from_array(...)`` for the constants a node reads, in the
form of the opset ``onnx_model`` emits), reading ``x`` and writing ``y``; a PyTorch spelling
is one module.

>>> onnx_nodes(("MaxPool", ["x"], "y", {"kernel_shape": [2, 2]}))
'[make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2])]'
"""

from __future__ import annotations

from typing import Any

TF_AVERAGE_POOL = "TFAvgPool2d"
TF_AVERAGE_POOL_CODE = f'''\\
class {TF_AVERAGE_POOL}(nn.Module):
    """TensorFlow's average pooling with lopsided "same" zeros: the zeros are not counted."""

    def __init__(self, kernel_size, stride, pads):
        super().__init__()
        self.pad, self.pool = nn.ZeroPad2d(pads), nn.AvgPool2d(kernel_size, stride)

    def forward(self, x):
        inside = self.pool(self.pad(torch.ones_like(x[:, :1])))
        return self.pool(self.pad(x)) / inside
'''
PREAMBLES = {
    "onnx": "import numpy as np\nfrom onnx.helper import make_node\nfrom onnx.numpy_helper import from_array\n",
    "torch": "import torch\nfrom torch import nn\n",
}
WHAT_THE_NAMES_ARE = {
    "onnx": "x is a layer's input and y its output, NCHW; W and B are its kernel and bias in ONNX's layout",
    "torch": "each spelling is one module; its weight is Keras' kernel.transpose(3, 2, 0, 1), not flipped",
}
# PyTorch's grouped convolution wants (channels·multiplier, 1, kh, kw): output c·m + j, as Keras'.
DEPTHWISE_WEIGHT = (
    "a depthwise kernel (DepthwiseConv2D's, SeparableConv2D's first) is reshaped to "
    "(kh, kw, 1, channels·multiplier) before that transpose"
)


def _value(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def onnx_node(op_type: str, inputs: list[str], output: str, attributes: dict[str, Any]) -> str:
    """One ``make_node`` call as text, its attributes in the order given."""
    names = ", ".join(f'"{name}"' for name in inputs)
    settings = "".join(f", {key}={_value(value)}" for key, value in attributes.items())
    return f'make_node("{op_type}", [{names}], ["{output}"]{settings})'


def onnx_constant(name: str, values: list[int]) -> str:
    """An int64 constant a node reads (Pad's pads, Slice's starts and ends) as text."""
    return f'from_array(np.array({values}, dtype=np.int64), "{name}")'


def onnx_nodes(
    *nodes: tuple[str, list[str], str, dict[str, Any]], constants: dict[str, list[int]] | None = None
) -> str:
    """A list of nodes, then the constants they read, as one Python expression."""
    parts = [onnx_node(*node) for node in nodes]
    parts += [onnx_constant(name, values) for name, values in (constants or {}).items()]
    return "[" + ", ".join(parts) + "]"


def torch_sides(row: Any) -> str:
    """The zeros as PyTorch's pads read them: (left, right, top, bottom)."""
    (top, bottom), (left, right) = row.padding
    return f"({left}, {right}, {top}, {bottom})"
