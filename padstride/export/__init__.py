"""A Keras model's padding for other frameworks: ``port`` (the exact zeros and their spelling
for ONNX and PyTorch) and ``onnx`` (the ONNX graph itself, with the ``onnx`` extra)."""
