"""Every ONNX graph the tests build runs in two engines: onnx's ReferenceEvaluator (what
``run_onnx`` uses) and onnxruntime (what a deployment uses). Both must agree."""

from __future__ import annotations

import numpy as np

from padstride.export.onnx import run_onnx


def run_onnxruntime(proto, images) -> list[np.ndarray]:
    """The graph's outputs from onnxruntime, fed as ``run_onnx`` feeds it."""
    import onnxruntime

    session = onnxruntime.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    arrays = images if isinstance(images, (list, tuple)) else [images]
    feeds = {
        value.name: np.asarray(a, dtype=np.float32)
        for value, a in zip(proto.graph.input, arrays, strict=True)
    }
    return session.run(None, feeds)


def run_graph(proto, images, tolerance: float = 1e-4):
    """``run_onnx(proto, images)``, checked against onnxruntime on the same images (to
    ``tolerance`` of the largest output, or absolutely where outputs are below 1)."""
    got = run_onnx(proto, images)
    runtime = run_onnxruntime(proto, images)
    for reference, deployed in zip(got if isinstance(got, list) else [got], runtime, strict=True):
        scale = max(float(np.abs(reference).max()), 1.0)
        assert reference.shape == deployed.shape
        assert float(np.abs(reference - deployed).max()) <= tolerance * scale
    return got
