"""Keras models read layer by layer: the graph, each layer's shape and padding (explain),
receptive fields, measured influence, the demo models and filters, the pitfalls check and
the port to ONNX or PyTorch."""
